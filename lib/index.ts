// The public surface of devnet-kit. Everything exported here is API; everything else may change.

export {
  BinaryNotFoundError,
  CommandFailedError,
  CommandTimeoutError,
  DevnetKitError,
  InterruptedError,
  InvalidInputError,
  LeftoversError,
  NotFoundError,
  ParseError,
  StarlarkError,
  VersionMismatchError,
  WaitTimeoutError,
} from './errors.js';
export type { ErrorCode } from './errors.js';
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
