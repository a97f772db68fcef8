// The public surface of devnet-kit. Everything exported here is API; everything else may change.

export type { DevnetDetails, ListEnclavesOptions } from './backends/enclaves.js';
export { inspectEnclave, listEnclaves, listServices } from './backends/enclaves.js';
export type { Config, IngressSettings, LoadConfigOptions } from './config.js';
export { DEFAULT_PACKAGE, loadConfig } from './config.js';
export type { CommonOptions } from './context.js';
export { Devnet } from './devnet.js';
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
export { DEFAULT_PACKAGE_REF, NEWEST_RELEASE } from './ethereum-package/releases.js';
export type { ArgsSchema, SchemaChoice, SchemaMode } from './ethereum-package/schemas.js';
export { SCHEMAS, schemaByVersion, schemaFor } from './ethereum-package/schemas.js';
export { devnetKitCacheDir } from './exec/cache-dir.js';
export type { ApplyIngressOptions, ListEndpointsOptions } from './ingress/endpoints.js';
export { applyIngress, listEndpoints, setDefault } from './ingress/endpoints.js';
export type { HostStyle } from './ingress/hostnames.js';
export { hostnameFor } from './ingress/hostnames.js';
export type { IngressConfig } from './ingress/manifests.js';
export type {
  CachedKurtosis,
  CleanCacheResult,
  EnsureKurtosisOptions,
  FindKurtosisOptions,
  KurtosisBinary,
  KurtosisProvideOptions,
  KurtosisSource,
} from './kurtosis/binary.js';
export {
  cleanKurtosisCache,
  DEFAULT_KURTOSIS_DOWNLOAD_URL,
  ensureKurtosis,
  findKurtosis,
  KURTOSIS_VERSION,
  kurtosisCacheDir,
  listCachedKurtosis,
} from './kurtosis/binary.js';
export type { GatewayInfo, GatewayStatus, StopGatewayResult } from './kurtosis/gateway.js';
export { DEFAULT_GATEWAY_IDLE_TIMEOUT_MS, gatewayStatus, stopGateway } from './kurtosis/gateway.js';
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
export type { ClusterState, EnsureClusterOptions, KubeContextResult } from './lifecycle/cluster.js';
export { ensureCluster, ensureKubeContext } from './lifecycle/cluster.js';
export type { Check, CheckStatus, DoctorReport } from './lifecycle/doctor.js';
export { doctor } from './lifecycle/doctor.js';
export type { DownOptions, DownResult, GcOptions, GcResult } from './lifecycle/down.js';
export { down, gc } from './lifecycle/down.js';
export type {
  ArgsSchemaInfo,
  PackageEnclave,
  RunPackageOptions,
  RunPackageResult,
} from './lifecycle/run-package.js';
export { runPackage } from './lifecycle/run-package.js';
export type { UpPhase, UpTimings } from './lifecycle/timings.js';
export { formatElapsed } from './lifecycle/timings.js';
export type { UpOptions, UpPlan, WaitMode } from './lifecycle/up.js';
export { up } from './lifecycle/up.js';
export type { FollowLogsOptions, GetLogsOptions } from './logs/logs.js';
export { followLogs, getLogs } from './logs/logs.js';
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
export type { Forward, Forwarding, ForwardOptions } from './nodes/forward.js';
export { forward, parseForwardTargets } from './nodes/forward.js';
export type {
  ChainStatus,
  DevnetStatus,
  NodeLayer,
  StatusNode,
  StatusOptions,
  WatchStatusOptions,
} from './nodes/status.js';
export { status, watchStatus } from './nodes/status.js';
export type { NodeStatus, WaitForOptions, WaitResult, WaitTarget } from './nodes/wait.js';
export { waitFor } from './nodes/wait.js';
export { formatDuration, parseDuration, parseTail, validateDevnetName } from './validate.js';
