// The typed models of DESIGN.md. Their JSON field names are the contract of `--json`.

export type EnclaveStatus = 'RUNNING' | 'STOPPED' | 'EMPTY';
export type ServiceStatus = 'RUNNING' | 'STOPPED' | 'UNKNOWN';
export type Transport = 'tcp' | 'udp' | 'sctp';
export type Backend = 'docker' | 'kubernetes';

export interface Enclave {
  name: string;
  uuid: string;
  status: EnclaveStatus;
  /** ISO 8601 */
  createdAt: string;
  owner?: string;
  /** ISO 8601 (from the `devnet-kit/expires-at` annotation on Kubernetes) */
  expiresAt?: string;
  isDefault?: boolean;
}

export interface Port {
  /** Kurtosis port id, e.g. `rpc`, `http`, `engine-rpc` */
  name: string;
  number: number;
  transport: Transport;
  applicationProtocol?: string;
  /** In-enclave address: `http://<ip>:<n>`, `ws://<ip>:<n>` for ws ports, `<ip>:<n>` for non-HTTP */
  endpoint: string;
  /** What a user can reach: the host port on Docker, the ingress URL on Kubernetes */
  publicUrl?: string;
}

export interface Service {
  name: string;
  uuid: string;
  status: ServiceStatus;
  privateIp?: string;
  ports: Port[];
}

export interface Endpoint {
  enclave: string;
  service: string;
  port: string;
  url: string;
  host: string;
  alias: boolean;
}

export interface LogLine {
  service: string;
  line: string;
  /** RFC 3339, when the source carries one (kubectl --timestamps) */
  time?: string;
}

/** Progress and diagnostics, delivered through `onEvent`. The library itself never prints. */
export type DevnetEvent =
  | { type: 'spawn'; tool: string; argv: string[] }
  | { type: 'exit'; tool: string; argv: string[]; exitCode: number | undefined; durationMs: number }
  | { type: 'retry'; tool: string; argv: string[]; attempt: number; reason: string }
  | { type: 'phase'; phase: string; message: string }
  | { type: 'instruction'; index: number; text: string }
  | { type: 'service-added'; name: string; uuid: string }
  | { type: 'output'; stream: 'stdout' | 'stderr'; line: string }
  | { type: 'warning'; message: string }
  | { type: 'info'; message: string }
  | {
      /** A missing tool being fetched: `start` once the size is known, `progress` a few times a second, `done`. */
      type: 'download';
      phase: 'start' | 'progress' | 'done';
      what: string;
      url: string;
      receivedBytes: number;
      totalBytes?: number;
      bytesPerSecond: number;
      /** `done`: where it was put. */
      path?: string;
    };

export type OnEvent = (event: DevnetEvent) => void;
