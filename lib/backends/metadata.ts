// What devnet-kit knows about a devnet beyond Kurtosis: owner, expiry and when it was made the owner's
// default. On Kubernetes it lives on the enclave's namespace (labels/annotations, visible to everyone
// on the cluster); on Docker, where enclaves carry no labels, in a small state file of this user's.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Namespace } from 'kubernetes-types/core/v1.js';
import type { Context } from '../context.js';
import { runCommand } from '../exec/command.js';
import { withDirLock } from '../exec/dir-lock.js';
import { getNamespacesByLabel, patchNamespace } from '../kube/commands.js';
import { DEVNET_KIT, enclaveMetaFromNamespace, KURTOSIS } from '../kube/services.js';

/** Annotation: when the devnet last became its owner's default (RFC 3339). */
export const SELECTED_AT = 'devnet-kit/selected-at';

export interface DevnetMeta {
  uuid: string;
  enclaveName: string;
  /** Kubernetes: the enclave's namespace. */
  namespace?: string;
  /** The namespace is going away (Kurtosis returned before it was gone). */
  terminating?: boolean;
  managed: boolean;
  owner?: string;
  expiresAt?: string;
  selectedAt?: string;
  createdAt?: string;
}

export interface MetaUpdate {
  owner?: string;
  expiresAt?: string | null;
  selectedAt?: string | null;
}

export interface MetaStore {
  /** Everything known, keyed by full enclave UUID. One kubectl call on Kubernetes. */
  list(): Promise<Map<string, DevnetMeta>>;
  write(target: { uuid: string; name: string; namespace?: string }, update: MetaUpdate): Promise<void>;
  forget(uuids: readonly string[]): Promise<void>;
}

/** The store of the context's backend. */
export function metaStore(ctx: Context): MetaStore {
  return ctx.backend.metaStore(ctx);
}

/** Kubernetes: labels and annotations on the enclave's namespace. */
export function kubeMetaStore(ctx: Context): MetaStore {
  const kube = { context: ctx.kubeContext };
  return {
    async list() {
      const namespaces = await runCommand(
        ctx.runner,
        getNamespacesByLabel(kube, `${KURTOSIS.resourceType}=${KURTOSIS.enclave}`),
        { signal: ctx.signal },
      );
      return new Map(
        namespaces.flatMap((ns) =>
          fromNamespace(ns) ? [[fromNamespace(ns)!.uuid, fromNamespace(ns)!]] : [],
        ),
      );
    },
    async write(target, update) {
      if (!target.namespace) throw new Error(`no namespace known for enclave ${target.name}`);
      const labels: Record<string, string | null> = {
        [DEVNET_KIT.managedBy]: DEVNET_KIT.managedByValue,
        [DEVNET_KIT.enclave]: target.name,
      };
      if (update.owner) labels[DEVNET_KIT.owner] = update.owner;
      const annotations: Record<string, string | null> = {};
      if (update.expiresAt !== undefined) annotations[DEVNET_KIT.expiresAt] = update.expiresAt;
      if (update.selectedAt !== undefined) annotations[SELECTED_AT] = update.selectedAt;
      await runCommand(ctx.runner, patchNamespace(kube, target.namespace, { labels, annotations }), {
        signal: ctx.signal,
      });
    },
    async forget() {
      // The namespace goes with the enclave.
    },
  };
}

function fromNamespace(ns: Namespace): DevnetMeta | undefined {
  const meta = enclaveMetaFromNamespace(ns);
  if (!meta.enclaveUuid) return undefined;
  const selectedAt = ns.metadata?.annotations?.[SELECTED_AT];
  return {
    uuid: meta.enclaveUuid,
    enclaveName: meta.enclaveName,
    namespace: meta.namespace,
    terminating: Boolean(ns.metadata?.deletionTimestamp) || ns.status?.phase === 'Terminating',
    managed: meta.managed,
    owner: meta.owner,
    expiresAt: meta.expiresAt,
    selectedAt:
      selectedAt && !Number.isNaN(Date.parse(selectedAt)) ? new Date(selectedAt).toISOString() : undefined,
    createdAt: meta.createdAt,
  };
}

interface LocalEntry {
  name: string;
  owner?: string;
  expiresAt?: string;
  selectedAt?: string;
}

export function localStatePath(env: NodeJS.ProcessEnv, cluster: string): string {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'devnet-kit', `${cluster.replace(/[^\w.-]/g, '_')}.json`);
}

/** Docker: a state file per Kurtosis cluster, of this user's. */
export function localMetaStore(ctx: Context): MetaStore {
  const file = localStatePath(ctx.env, ctx.clusterName());
  const read = (): Record<string, LocalEntry> => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Record<string, LocalEntry>;
    } catch {
      return {};
    }
  };
  const save = (data: Record<string, LocalEntry>) => {
    mkdirSync(dirname(file), { recursive: true });
    // Write-then-rename so a parallel devnet-kit never reads half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`);
    renameSync(tmp, file);
  };
  return {
    async list() {
      return new Map(
        Object.entries(read()).map(([uuid, e]) => [
          uuid,
          {
            uuid,
            enclaveName: e.name,
            managed: true,
            owner: e.owner,
            expiresAt: e.expiresAt,
            selectedAt: e.selectedAt,
          },
        ]),
      );
    },
    async write(target, update) {
      await withLock(file, () => {
        const data = read();
        const entry: LocalEntry = { ...(data[target.uuid] ?? {}), name: target.name };
        if (update.owner) entry.owner = update.owner;
        if (update.expiresAt !== undefined) entry.expiresAt = update.expiresAt ?? undefined;
        if (update.selectedAt !== undefined) entry.selectedAt = update.selectedAt ?? undefined;
        data[target.uuid] = entry;
        save(data);
      });
    },
    async forget(uuids) {
      await withLock(file, () => {
        const data = read();
        for (const uuid of uuids) delete data[uuid];
        save(data);
      });
    },
  };
}

/**
 * Read-modify-write of the state file under a lock. Parallel devnet-kit processes (two CI jobs on one
 * runner), and parallel calls within one, otherwise lose each other's entries — and a devnet without
 * its owner entry is invisible to `down --all` and `gc`. Held for milliseconds: 5 s untouched is a
 * holder that died.
 */
function withLock(file: string, fn: () => void): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  return withDirLock(`${file}.lock`, { staleMs: 5000, retryMs: 5 }, fn);
}
