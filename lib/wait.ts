// Readiness waits (issue: ephemeral devnets). Implemented in full by the readiness work; this module's
// contract is what `up` relies on.

import type { Context } from './context.js';
import type { Devnet } from './devnet.js';
import { DevnetKitError } from './errors.js';

export type WaitTarget = 'services' | 'blocks' | 'finalized';

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  signal?: AbortSignal;
}

export async function waitForIn(_ctx: Context, _devnet: Devnet, target: WaitTarget, _options: WaitOptions): Promise<void> {
  throw new DevnetKitError('INVALID_INPUT', `waiting for ${target} is not available yet`);
}
