// The context a Devnet handle was made in (config, backend, signal, event sink), kept beside the handle
// rather than on it: the public Devnet type (dist/types/devnet.d.ts) then carries none of the internal
// Context, and a caller cannot reach or replace it.

import type { Context } from '../context.js';
import { Devnet, type DevnetInit, type Teardown } from '../devnet.js';
import { InvalidInputError } from '../errors.js';

const contexts = new WeakMap<Devnet, Context>();

/** The handle `up()` returns, bound to the context it was made in. */
export function createDevnet(init: DevnetInit, context: Context, teardown: Teardown): Devnet {
  const devnet = new Devnet(init, teardown);
  contexts.set(devnet, context);
  return devnet;
}

/** The context `devnet` was made in; a handle not made by `up()` has none, which is the caller's mistake. */
export function getDevnetContext(devnet: Devnet, caller: string): Context {
  const context = contexts.get(devnet);
  if (!context) {
    throw new InvalidInputError(
      'devnet',
      `${caller} needs a Devnet returned by up() (this one was constructed by hand); pass the devnet's name where a name is accepted`,
    );
  }
  return context;
}
