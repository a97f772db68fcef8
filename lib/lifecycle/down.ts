// Destroying devnets, and `gc` of expired ones. Kurtosis returns before Kubernetes has finished
// (namespace deletion is asynchronous, #2098; Ingresses it never removes, #2622), so we wait until
// the namespace — and with it PVCs and our Ingresses — is really gone, and report what is left.

import type { Namespace } from 'kubernetes-types/core/v1.js';
import { type DevnetRef, listDevnetsIn } from '../backends/enclaves.js';
import { metaStore } from '../backends/metadata.js';
import { defaultOf, resolveDevnet } from '../backends/resolve.js';
import { type CommonOptions, type Context, createContext, deriveContext } from '../context.js';
import { firstLine, formatMs, InvalidInputError, LeftoversError } from '../errors.js';
import { runCommand } from '../exec/command.js';
import { poll } from '../exec/poll.js';
import { setDefaultIn } from '../ingress/endpoints.js';
import { getEnclaveLeftovers, getNamespacesByLabel } from '../kube/commands.js';
import { KURTOSIS } from '../kube/services.js';
import { removeEnclavesCommand } from '../kurtosis/commands.js';

export interface DownOptions extends CommonOptions {
  /** Wait until namespaces, PVCs and Ingresses are gone (default true). */
  wait?: boolean;
  /** How long to wait for Kubernetes to finish deleting (default 5 minutes). */
  waitTimeoutMs?: number;
  /** Poll interval while waiting (default 1 s). */
  pollIntervalMs?: number;
}

export interface DownResult {
  removed: string[];
}

/** Destroys the named devnets, or with `{ all: true }` every devnet of this owner (never another's). */
export async function down(
  target: string | string[] | { all: true },
  options: DownOptions = {},
): Promise<DownResult> {
  const ctx = createContext(options);
  const names = typeof target === 'string' ? [target] : Array.isArray(target) ? target : undefined;
  if (names) {
    if (names.length === 0)
      throw new InvalidInputError('devnet', 'name at least one devnet to destroy, or use --all');
    const refs = await listDevnetsIn(ctx);
    // Every target is checked before anything is removed: a typo removes nothing.
    const targets = names.map((n) => resolveDevnet(ctx, refs, n, { forWrite: true }));
    return destroyRefs(ctx, refs, targets, options);
  }
  const refs = await listDevnetsIn(ctx);
  const mine = refs.filter((r) => r.owner === ctx.config.owner);
  return destroyRefs(ctx, refs, mine, options);
}

/** Internal entry for `up`'s cleanup and the handle's `down()`: by name, no owner check. */
export async function destroyIn(
  ctx: Context,
  names: string[],
  options: { wait?: boolean; noSignal?: boolean; waitTimeoutMs?: number } = {},
): Promise<DownResult> {
  const scoped: Context = options.noSignal ? deriveContext(ctx, { signal: undefined }) : ctx;
  const refs = await listDevnetsIn(scoped);
  const targets = refs.filter((r) => names.includes(r.name));
  if (targets.length === 0) return { removed: [] };
  return destroyRefs(scoped, refs, targets, options);
}

export async function destroyRefs(
  ctx: Context,
  all: readonly DevnetRef[],
  targets: readonly DevnetRef[],
  options: Pick<DownOptions, 'wait' | 'waitTimeoutMs' | 'pollIntervalMs'>,
): Promise<DownResult> {
  if (targets.length === 0) return { removed: [] };
  const names = targets.map((t) => t.name);

  // If an owner's default goes, that owner's alias moves to their newest remaining devnet first, so
  // the alias hosts point somewhere live the whole time. Another owner's only with `gc --all-owners`:
  // their alias Ingresses live in the namespace being deleted and would go dark otherwise.
  const owners = new Set(targets.flatMap((t) => (t.owner ? [t.owner] : [])));
  for (const owner of owners) {
    const theirs = all.filter((r) => r.owner === owner);
    const currentDefault = defaultOf(theirs);
    if (!currentDefault || !names.includes(currentDefault.name)) continue;
    const remaining = theirs.filter((r) => !names.includes(r.name));
    const next = [...remaining].sort((a, b) => (a.enclave.createdAt < b.enclave.createdAt ? 1 : -1))[0];
    if (!next) continue;
    const scoped: Context =
      owner === ctx.config.owner ? ctx : deriveContext(ctx, { config: { ...ctx.config, owner } });
    try {
      await setDefaultIn(scoped, next, all);
    } catch (error) {
      ctx.onEvent({
        type: 'warning',
        message: `could not move the default to '${next.name}': ${firstLine(error)}`,
      });
    }
  }

  ctx.onEvent({ type: 'phase', phase: 'destroy', message: `destroying ${names.join(', ')}` });
  await runCommand(ctx.runner, removeEnclavesCommand(names), { signal: ctx.signal });
  await metaStore(ctx).forget(targets.map((t) => t.uuid));

  if (options.wait !== false) await ctx.backend.awaitRemoval(ctx, targets, options);
  return { removed: names };
}

/** Kubernetes: until the enclaves' namespaces are gone (lib/backends/kubernetes.ts). */
export async function waitForNamespacesGone(
  ctx: Context,
  targets: readonly DevnetRef[],
  options: Pick<DownOptions, 'waitTimeoutMs' | 'pollIntervalMs'>,
): Promise<void> {
  const timeoutMs = options.waitTimeoutMs ?? 5 * 60_000;
  const interval = options.pollIntervalMs ?? 1000;
  const uuids = targets.map((t) => t.uuid);
  const selector = `${KURTOSIS.enclaveId} in (${uuids.join(',')})`;
  const kube = { context: ctx.kubeContext };
  const what = 'waiting for the namespaces to be deleted';
  ctx.onEvent({ type: 'phase', phase: 'destroy', message: what });
  let left: Namespace[] = [];
  const gone = await poll(
    async () => {
      left = await runCommand(ctx.runner, getNamespacesByLabel(kube, selector), { signal: ctx.signal });
      return left.length === 0 ? true : undefined;
    },
    { intervalMs: interval, timeoutMs, signal: ctx.signal, what },
  );
  if (gone.done) return;
  const leftovers: { kind: string; namespace?: string; name: string }[] = [];
  for (const ns of left) {
    const name = ns.metadata?.name ?? '?';
    leftovers.push({ kind: `Namespace (${ns.status?.phase ?? 'unknown'})`, name });
    try {
      const inside = await runCommand(ctx.runner, getEnclaveLeftovers(kube, name), {
        signal: ctx.signal,
      });
      for (const obj of inside) leftovers.push({ kind: obj.kind, namespace: name, name: obj.name });
    } catch {
      // The namespace may vanish between the two calls; the namespace line already says enough.
    }
  }
  throw new LeftoversError(
    `enclaves removed, but Kubernetes had not finished deleting after ${formatMs(timeoutMs)}`,
    leftovers,
  );
}

export interface GcOptions extends CommonOptions {
  dryRun?: boolean;
  /** Also other owners' expired devnets (a cluster-wide CronJob). */
  allOwners?: boolean;
  now?: Date;
  wait?: boolean;
  waitTimeoutMs?: number;
}

export interface GcResult {
  expired: { name: string; owner?: string; expiresAt: string }[];
  removed: string[];
  dryRun: boolean;
}

/** Destroys devnets whose `expires-at` has passed: this owner's, or everyone's with `allOwners`. */
export async function gc(options: GcOptions = {}): Promise<GcResult> {
  const ctx = createContext(options);
  const now = (options.now ?? new Date()).getTime();
  const refs = await listDevnetsIn(ctx);
  const expired = refs.filter(
    (r) =>
      r.enclave.expiresAt !== undefined &&
      Date.parse(r.enclave.expiresAt) <= now &&
      (options.allOwners || r.owner === ctx.config.owner),
  );
  const listed = expired.map((r) => ({ name: r.name, owner: r.owner, expiresAt: r.enclave.expiresAt! }));
  if (options.dryRun || expired.length === 0)
    return { expired: listed, removed: [], dryRun: Boolean(options.dryRun) };
  const result = await destroyRefs(ctx, refs, expired, options);
  return { expired: listed, removed: result.removed, dryRun: false };
}
