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
  DownloadFailedError,
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
  ValidateOptions,
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
export type {
  PlannedPort,
  PlannedService,
  PlannedServiceKind,
  PlanOptions,
} from './ethereum-package/plan.js';
export { planServices } from './ethereum-package/plan.js';
export type { ArgsSchema, SchemaChoice, SchemaMode } from './ethereum-package/schemas.js';
export {
  DEFAULT_PACKAGE_REF,
  NEWEST_RELEASE,
  SCHEMAS,
  schemaByVersion,
  schemaFor,
} from './ethereum-package/schemas.js';
export type { Forward, Forwarding, ForwardOptions } from './forward.js';
export { forward, parseForwardTargets } from './forward.js';
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
export type {
  CachedKurtosis,
  CleanCacheResult,
  EnsureKurtosisOptions,
  FindKurtosisOptions,
  KurtosisBinary,
  KurtosisProvideOptions,
  KurtosisSource,
} from './kurtosis-binary.js';
export {
  cleanKurtosisCache,
  DEFAULT_KURTOSIS_DOWNLOAD_URL,
  ensureKurtosis,
  findKurtosis,
  KURTOSIS_VERSION,
  kurtosisCacheDir,
  listCachedKurtosis,
} from './kurtosis-binary.js';
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
export type {
  ChainStatus,
  DevnetStatus,
  NodeLayer,
  StatusNode,
  StatusOptions,
  WatchStatusOptions,
} from './status.js';
export { status, watchStatus } from './status.js';
export type { UpPhase, UpTimings } from './timings.js';
export { formatElapsed } from './timings.js';
export type { ArgsSchemaInfo, UpOptions, UpPlan, WaitMode } from './up.js';
export { up } from './up.js';
export { formatDuration, parseDuration, parseTail, validateDevnetName } from './validate.js';
export type { NodeStatus, WaitForOptions, WaitResult, WaitTarget } from './wait.js';
export { waitFor } from './wait.js';
