// A running devnet as `status` and `forward` see it: which one a user means (a name, UUID, short UUID,
// or the owner's default; lib/backends/resolve.ts), and a way to read its services again (pods too on
// Kubernetes) while a long-running call goes on. Each backend finds it its cheapest way (docker.ts,
// kubernetes.ts).

import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Context } from '../context.js';
import type { Backend, Service } from '../models.js';

export interface DevnetView {
  name: string;
  backend: Backend;
  namespace?: string;
  services: Service[];
  /** Kubernetes: the user-service pods, for crash reasons. */
  pods?: Pod[];
}

export interface DevnetTarget {
  name: string;
  backend: Backend;
  namespace?: string;
  /** Reads the services (and pods) as they are now. */
  read(signal?: AbortSignal): Promise<DevnetView>;
}

/** Which devnet `ref` means (default: the owner's default devnet). Throws NotFoundError. */
export function findDevnet(ctx: Context, ref?: string): Promise<DevnetTarget> {
  return ctx.backend.findDevnet(ctx, ref);
}
