// Which devnet a user means — the one rule every command and function uses. A name, a full UUID or a
// short (12-character) UUID, in the order Kurtosis resolves identifiers (kurtosis-cli.md §1: "every
// identifier argument takes a name, a full UUID or a short UUID"), so a devnet-kit look-up that needs no
// kurtosis call (the namespaces on Kubernetes) answers like one that lets Kurtosis resolve it (`enclave
// inspect` on Docker). No identifier: the owner's default. Reads may name anyone's devnet; writes only
// the owner's own.

import type { Context } from '../context.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import type { DevnetRef } from './enclaves.js';
import type { DevnetMeta } from './metadata.js';

const SHORT_UUID = /^[0-9a-f]{12}$/;

/**
 * The devnet `id` names, or undefined. A name matches a live devnet before one whose namespace is going
 * away (its name may already be taken again); a short UUID must match exactly one devnet.
 */
export function matchDevnet<R extends Pick<DevnetRef, 'name' | 'uuid' | 'meta'>>(
  refs: readonly R[],
  id: string,
): R | undefined {
  const byName = refs.filter((r) => r.name === id);
  const named = byName.find((r) => !r.meta?.terminating) ?? byName[0];
  if (named) return named;
  const byUuid = refs.find((r) => r.uuid === id);
  if (byUuid) return byUuid;
  if (!SHORT_UUID.test(id)) return undefined;
  const byShort = refs.filter((r) => r.uuid.startsWith(id));
  return byShort.length === 1 ? byShort[0] : undefined;
}

/** "No such devnet", listing the owner's devnets (every look-up throws this one). */
export function devnetNotFound(ctx: Context, id: string, refs: readonly DevnetRef[]): NotFoundError {
  const mine = refs.filter((r) => r.owner === ctx.config.owner).map((r) => r.name);
  return new NotFoundError(
    'devnet',
    id,
    mine,
    mine.length === 0 ? `owner '${ctx.config.owner}' has no devnets` : undefined,
  );
}

/**
 * Finds a devnet by name, UUID or short UUID. `forWrite`: it must be this owner's (never modify a
 * colleague's devnet by accident); reads may look at anyone's.
 */
export function resolveDevnet(
  ctx: Context,
  refs: readonly DevnetRef[],
  id: string,
  options: { forWrite?: boolean } = {},
): DevnetRef {
  const ref = matchDevnet(refs, id);
  if (!ref) throw devnetNotFound(ctx, id, refs);
  if (options.forWrite && ref.owner !== ctx.config.owner) {
    throw new InvalidInputError(
      'devnet',
      ref.owner
        ? `devnet '${ref.name}' belongs to owner '${ref.owner}', not '${ctx.config.owner}'; pass --owner ${ref.owner} to act on it`
        : `devnet '${ref.name}' was not created by devnet-kit (no owner); remove it with \`kurtosis enclave rm\``,
    );
  }
  return ref;
}

/** `id` resolved as `resolveDevnet` does, or the owner's default devnet when there is no `id`. */
export function resolveOrDefault(
  ctx: Context,
  refs: readonly DevnetRef[],
  id: string | undefined,
): DevnetRef {
  return id === undefined ? defaultDevnet(ctx, refs) : resolveDevnet(ctx, refs, id);
}

/**
 * The owner's default: the devnet most recently made default (`up`, `use`), else the newest.
 * Sets `isDefault` on every devnet of every owner (false on the others).
 */
export function markDefaults(refs: DevnetRef[]): void {
  const byOwner = new Map<string, DevnetRef[]>();
  for (const ref of refs) {
    if (!ref.owner) continue;
    byOwner.set(ref.owner, [...(byOwner.get(ref.owner) ?? []), ref]);
  }
  for (const list of byOwner.values()) {
    const best = defaultOf(list);
    for (const ref of list) ref.enclave.isDefault = ref === best;
  }
}

export function defaultOf(refs: readonly DevnetRef[]): DevnetRef | undefined {
  let best: DevnetRef | undefined;
  // Compared field by field: a devnet never selected ('') ranks below any selection time.
  const key = (r: DevnetRef) => [r.meta?.selectedAt ?? '', r.enclave.createdAt, r.name];
  const newer = (a: string[], b: string[]) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
    return false;
  };
  for (const ref of refs) if (!best || newer(key(ref), key(best))) best = ref;
  return best;
}

/** The default devnet of this owner, for commands run without a name. */
export function defaultDevnet(ctx: Context, refs: readonly DevnetRef[]): DevnetRef {
  // A devnet whose namespace is going away is never the default.
  const best = defaultOf(refs.filter((r) => r.owner === ctx.config.owner && !r.meta?.terminating));
  if (!best) {
    throw new NotFoundError(
      'devnet',
      '(default)',
      [],
      `owner '${ctx.config.owner}' has no devnets; run \`devnet-kit up\``,
    );
  }
  return best;
}

/**
 * Devnets as the metadata alone knows them (Kubernetes: the enclave namespaces, one kubectl call, no
 * kurtosis call). Only those with a namespace; `status` is not known from there.
 */
export function refsFromMetas(ctx: Context, metas: Iterable<DevnetMeta>): DevnetRef[] {
  const refs: DevnetRef[] = [];
  for (const meta of metas) {
    if (!meta.namespace) continue;
    refs.push({
      name: meta.enclaveName,
      uuid: meta.uuid,
      owner: meta.owner,
      backend: ctx.backend.kind,
      namespace: meta.namespace,
      enclave: {
        name: meta.enclaveName,
        uuid: meta.uuid,
        status: 'RUNNING',
        createdAt: meta.createdAt ?? '',
      },
      meta,
    });
  }
  return refs;
}
