// The fake world a benchmark runs in: the test harness (fake `kurtosis`, and on Kubernetes the fake API
// server driven through the real kubectl), a devnet-kit.yaml for the CLI, args files with N services,
// and background devnets cloned from a real one so that 100 devnets cost milliseconds to set up.

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { localStatePath } from '../lib/backends/metadata.js';
import type { CommonOptions } from '../lib/context.js';
import { validateArgs } from '../lib/ethereum-package/args.js';
import { planServices } from '../lib/ethereum-package/plan.js';
import { up } from '../lib/index.js';
import type { OnEvent } from '../lib/models.js';
import { createHarness, type Harness } from '../test/support/harness.js';

export type Backend = 'docker' | 'kubernetes';

/** Devnet-kit's own devnet under test; every command is measured against it. */
export const TARGET = 'bench-target';
/** A real devnet (created by `up`) that background devnets are cloned from; the alias falls back to it. */
export const SEED = 'bench-seed';

const KUBE_YAML = [
  'owner: alice',
  'cluster:',
  '  name: kubernetes',
  'devnet:',
  '  ingress:',
  '    enabled: true',
  '    base_domain: k3s.example',
  '    host_style: dotted',
  '    class_name: traefik',
  '',
].join('\n');

// Participants with a separate validator client give 3 services (el, cl, vc); nethermind/teku runs its
// validators in the beacon node (2 services); plus the keystore helper: 3k + 2 + 1 services.
const WITH_VC = [
  { el_type: 'geth', cl_type: 'lighthouse' },
  { el_type: 'reth', cl_type: 'prysm' },
  { el_type: 'besu', cl_type: 'lodestar' },
  { el_type: 'nethermind', cl_type: 'lighthouse' },
];

/** ethereum-package args giving exactly `services` services (3 + 3k), a multi-client mix. */
export function argsFor(services: number): Record<string, unknown> {
  if ((services - 3) % 3 !== 0 || services < 3) throw new Error(`service count ${services} is not 3 + 3k`);
  const k = (services - 3) / 3;
  const participants = [
    { el_type: 'nethermind', cl_type: 'teku' },
    ...Array.from({ length: k }, (_, i) => WITH_VC[i % WITH_VC.length]!),
  ];
  const args = { participants, network_params: { preset: 'minimal' } };
  const planned = planServices(validateArgs(args, 'bench args')).length;
  if (planned !== services) throw new Error(`args for ${services} services plan ${planned}`);
  return args;
}

export interface World {
  backend: Backend;
  h: Harness;
  cwd: string;
  /** Library options with the given event sink (owner alice, the backend's config). */
  options(onEvent: OnEvent): CommonOptions;
  argsFile(services: number): string;
  /** Devnets besides the target (the seed plus clones); only grows. */
  background: number;
  ensureBackground(count: number): void;
  cleanup(): Promise<void>;
}

export async function createWorld(backend: Backend): Promise<World> {
  const h = await createHarness(backend);
  const cwd = h.cwd;
  // The CLI reads this; the library gets the same settings as an object from the harness.
  writeFileSync(join(cwd, 'devnet-kit.yaml'), backend === 'kubernetes' ? KUBE_YAML : 'owner: alice\n');
  const files = new Map<number, string>();
  const argsFile = (services: number) => {
    let file = files.get(services);
    if (!file) {
      file = join(cwd, `args-${services}.yaml`);
      writeFileSync(file, `${JSON.stringify(argsFor(services), null, 2)}\n`);
      files.set(services, file);
    }
    return file;
  };
  const options = (onEvent: OnEvent) => h.options({ onEvent });

  // A real devnet: starts the engine (so no measured `up` pays for `engine start`) and holds the
  // owner's alias Ingresses on Kubernetes, like a developer's previous devnet would.
  await up({ ...options(() => {}), name: SEED, argsFile: argsFile(3) });

  const world: World = {
    backend,
    h,
    cwd,
    options,
    argsFile,
    background: 1,
    ensureBackground(count) {
      const add = count - world.background;
      if (add <= 0) return;
      cloneDevnets(h, backend, world.background, add);
      world.background = count;
    },
    // The fakes keep everything in temp dirs and one in-process API server: no `down` needed.
    cleanup: () => h.cleanup(),
  };
  return world;
}

interface ScopeEnclave {
  name: string;
  uuid: string;
  createdAt: string;
  services: { uuid: string }[];
}

const uuid32 = () => randomBytes(16).toString('hex');

/**
 * Adds `count` devnets of owner alice that look like the seed to Kurtosis (the fake's state) and to
 * devnet-kit (namespace labels on Kubernetes, the local state file on Docker). They are older than
 * the seed and were made default before it, so the alias moves back to the seed when the target goes.
 */
function cloneDevnets(h: Harness, backend: Backend, from: number, count: number): void {
  const clones: { name: string; uuid: string; createdAt: string }[] = [];
  h.fake.updateState((state) => {
    const key = Object.keys(state.scopes).find((k) =>
      backend === 'docker' ? k === 'docker' : k.startsWith('kubernetes:'),
    );
    const scope = key ? state.scopes[key] : undefined;
    const seed = scope?.enclaves.find((e) => e.name === SEED) as ScopeEnclave | undefined;
    if (!scope || !seed) throw new Error(`no ${SEED} enclave in the fake's ${backend} state`);
    for (let i = from; i < from + count; i++) {
      const clone = structuredClone(seed);
      clone.name = `bg-${String(i).padStart(3, '0')}`;
      clone.uuid = uuid32();
      clone.createdAt = new Date(Date.parse(seed.createdAt) - (i + 1) * 60_000).toISOString();
      for (const service of clone.services) service.uuid = uuid32();
      scope.enclaves.push(clone as unknown as (typeof scope.enclaves)[number]);
      clones.push({ name: clone.name, uuid: clone.uuid, createdAt: clone.createdAt });
    }
  });
  if (backend === 'docker') {
    const file = localStatePath(h.env, 'docker');
    let data: Record<string, unknown> = {};
    try {
      data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      // first devnet-kit state write
    }
    for (const c of clones) data[c.uuid] = { name: c.name, owner: 'alice', selectedAt: c.createdAt };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
    return;
  }
  const server = h.kube!.server;
  const seedNs = server.get('namespaces', `kt-${SEED}`) as {
    metadata: { labels: Record<string, string>; annotations: Record<string, string> };
  };
  for (const c of clones) {
    const labels = { ...seedNs.metadata.labels };
    for (const k of Object.keys(labels)) if (labels[k] === findSeedUuid(seedNs)) labels[k] = c.uuid;
    labels['devnet-kit/enclave'] = c.name;
    labels['kubernetes.io/metadata.name'] = `kt-${c.name}`;
    // Made default once, before the seed. (Without selected-at a devnet would outrank all that have one:
    // defaultOf() compares `selectedAt|createdAt|name` strings, and '' + '|' sorts after digits.)
    const annotations: Record<string, string> = {
      ...seedNs.metadata.annotations,
      'devnet-kit/selected-at': c.createdAt,
    };
    annotations['kurtosistech.com/enclave-name'] = c.name;
    annotations['kurtosistech.com/enclave-creation-time'] = c.createdAt.replace(/\.\d+Z$/, 'Z');
    server.add({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: `kt-${c.name}`, labels, annotations },
      status: { phase: 'Active' },
    });
  }
}

function findSeedUuid(ns: { metadata: { labels: Record<string, string> } }): string {
  return ns.metadata.labels['kurtosistech.com/enclave-id']!;
}
