// The public surface of devnet-kit. Everything exported here is API; everything else may change.

export type { ClusterState, EnsureClusterOptions, KubeContextResult } from './cluster.js';
export { ensureCluster, ensureKubeContext } from './cluster.js';
export type { Config, IngressSettings, LoadConfigOptions } from './config.js';
export { DEFAULT_PACKAGE, loadConfig } from './config.js';
export type { CommonOptions } from './context.js';
export { Devnet } from './devnet.js';
export type { Check, CheckStatus, DoctorReport } from './doctor.js';
export { doctor } from './doctor.js';
export type { DownOptions, DownResult, GcOptions, GcResult } from './down.js';
export { down, gc } from './down.js';
export type { DevnetDetails, ListEnclavesOptions } from './enclaves.js';
export { inspectEnclave, listEnclaves, listServices } from './enclaves.js';
export type { ErrorCode } from './errors.js';
export {
  BinaryNotFoundError,
  CommandFailedError,
  CommandTimeoutError,
  DevnetKitError,
  GatewayError,
  InterruptedError,
  InvalidInputError,
  LeftoversError,
  NotFoundError,
  ParseError,
  ServiceFailedError,
  StarlarkError,
  VersionMismatchError,
  WaitTimeoutError,
} from './errors.js';
export type {
  AdditionalService,
  ClType,
  DockerCacheParams,
  ElType,
  Epoch,
  MevType,
  NetworkArgs,
  NetworkParams,
  Participant,
  ParticipantsMatrix,
  PortPublisher,
  PortPublisherGroup,
  Preset,
  VcType,
} from './ethereum-package/args.js';
export {
  ADDITIONAL_SERVICES,
  applyDockerCache,
  CL_TYPES,
  EL_TYPES,
  MEV_TYPES,
  VC_TYPES,
  validateArgs,
} from './ethereum-package/args.js';
export { parseArgsFile, renderArgsFile } from './ethereum-package/args-file.js';
export type { PlannedPort, PlannedService, PlannedServiceKind } from './ethereum-package/plan.js';
export { planServices } from './ethereum-package/plan.js';
export type { GatewayInfo, GatewayStatus, StopGatewayResult } from './gateway.js';
export { DEFAULT_GATEWAY_IDLE_TIMEOUT_MS, gatewayStatus, stopGateway } from './gateway.js';
export type { HostStyle } from './ingress/hostnames.js';
export { hostnameFor } from './ingress/hostnames.js';
export type { IngressConfig } from './ingress/manifests.js';
export type { ApplyIngressOptions, ListEndpointsOptions } from './ingress.js';
export { applyIngress, listEndpoints, setDefault } from './ingress.js';
export type {
  ClContext,
  ElContext,
  JsonValue,
  MetricsInfo,
  PackageOutput,
  Participant as OutputParticipant,
  PrefundedAccount,
  VcContext,
} from './kurtosis/package-output.js';
export { parseRunOutputJson } from './kurtosis/package-output.js';
export type { FollowLogsOptions, GetLogsOptions } from './logs.js';
export { followLogs, getLogs } from './logs.js';
export type {
  Backend,
  DevnetEvent,
  Enclave,
  EnclaveStatus,
  Endpoint,
  LogLine,
  OnEvent,
  Port,
  Service,
  ServiceStatus,
  Transport,
} from './models.js';
export type { UpOptions, UpPlan, WaitMode } from './up.js';
export { up } from './up.js';
export { formatDuration, parseDuration, parseTail, validateDevnetName } from './validate.js';
export type { NodeStatus, WaitForOptions, WaitResult, WaitTarget } from './wait.js';
export { waitFor } from './wait.js';
