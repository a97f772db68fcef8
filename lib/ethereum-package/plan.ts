// The services one ethereum-package version will create for an args file, with their names and
// container ports, derived without running anything (reference/ethereum-package.md §1–§2 and the
// version's launchers, cited rule by rule). Used by `up --dry-run`, by readiness waits and to tell
// expected services from missing ones.

import type { Transport } from '../models.js';
import {
  type AdditionalService,
  type ClType,
  type ElType,
  expandParticipants,
  type NetworkArgs,
  type Participant,
  type PortPublisherGroup,
  type ResolvedParticipant,
  resolveParticipant,
} from './args.js';
import { NEWEST_RELEASE } from './releases.js';
import { type ArgsSchema, schemaByVersion } from './schemas.js';

export interface PlannedPort {
  /** Kurtosis port id (`rpc`, `http`, `engine-rpc`, …): look ports up by id, never by number. */
  name: string;
  number: number;
  transport: Transport;
  /** The application protocol declared to Kurtosis (`http`), absent when none is declared. */
  applicationProtocol?: string;
}

export type PlannedServiceKind = 'el' | 'cl' | 'vc' | 'tool' | 'helper' | 'extra';

export interface PlannedService {
  name: string;
  kind: PlannedServiceKind;
  /** 1-based position in the expanded participant list (the number in the service name). */
  participantIndex?: number;
  /** Client type for el/cl/vc, the tool for tools and extras (`web3signer`, `snooper`, `blockscout`, …). */
  client?: string;
  ports: PlannedPort[];
}

function port(
  name: string,
  number: number,
  transport: Transport = 'tcp',
  applicationProtocol?: string,
): PlannedPort {
  return applicationProtocol ? { name, number, transport, applicationProtocol } : { name, number, transport };
}

const httpPort = (name: string, number: number) => port(name, number, 'tcp', 'http');

/** shared_utils.star: MAX_PORTS_PER_CL_NODE = MAX_PORTS_PER_EL_NODE = 7 public ports per participant. */
const PUBLIC_PORTS_PER_NODE = 7;

/** The first of a participant's published ports when port_publisher is on for the group (the package
 * then makes the container listen on the public numbers too): shared_utils.star __get_port_range. */
function publicRangeStart(
  group: PortPublisherGroup | undefined,
  defaultStart: number,
  index0: number,
): number | undefined {
  if (group?.enabled !== true) return undefined;
  return (group.public_port_start ?? defaultStart) + PUBLIC_PORTS_PER_NODE * index0;
}

export function planElPorts(el: ElType, p2p?: number): PlannedPort[] {
  const ports: PlannedPort[] = [];
  if (el === 'erigon' || el === 'nimbus') ports.push(port('ws-rpc', 8545));
  // el/ethrex/ethrex_launcher.star builds its ports with shared_utils.get_port_specs, which gives
  // `rpc` no application protocol (its unused get_used_ports would say http).
  else if (el === 'ethrex') ports.push(port('rpc', 8545));
  else ports.push(port('rpc', 8545), port('ws', 8546));
  ports.push(port('engine-rpc', 8551));
  if (el === 'ethereumjs') ports.push(port('engine-ws', 8547));
  ports.push(httpPort('metrics', 9001));
  ports.push(port('tcp-discovery', p2p ?? 30303), port('udp-discovery', p2p ?? 30303, 'udp'));
  if (el === 'erigon') ports.push(port('torrent', 42069, 'udp'));
  // el/reth/reth_launcher.star: the builder flavour also serves rbuilder's RPC and metrics.
  if (el === BUILDER_EL) ports.push(httpPort('rbuilder-rpc', 8645), httpPort('rbuilder-metric', 6060));
  return ports;
}

/** The EL type of the builder participant input_parser.star appends for some MEV types. */
const BUILDER_EL = 'reth-builder';

const CL_HTTP: Partial<Record<ClType, number>> = { prysm: 3500, caplin: 5555, consensoor: 5052 };
const CL_METRICS: Partial<Record<ClType, number>> = { lighthouse: 5054, prysm: 8080, caplin: 6060 };
const CL_TCP_P2P: Partial<Record<ClType, number>> = { prysm: 13000, caplin: 4001 };
const CL_UDP_P2P: Partial<Record<ClType, number>> = { prysm: 12000, caplin: 4001 };
/** The unpublished QUIC port; which CLs have one at all is the version's (schema.cl_quic_public_port_index). */
const CL_QUIC: Partial<Record<ClType, number>> = { prysm: 13000 };

export interface ClPortOptions {
  /** First public port of this participant's CL range, when port_publisher publishes CL ports. */
  publicStart?: number;
  /** Index of the QUIC port in that range; undefined when this CL (in this version) has no QUIC port. */
  quicIndex?: number;
  /** Validators run inside the beacon node with the keymanager API on (teku, nimbus, grandine). */
  keymanagerInBeacon?: boolean;
}

export function planClPorts(cl: ClType, opts: ClPortOptions = {}): PlannedPort[] {
  const p2p = opts.publicStart;
  const ports = [
    httpPort('http', CL_HTTP[cl] ?? 4000),
    httpPort('metrics', CL_METRICS[cl] ?? 8008),
    port('tcp-discovery', p2p ?? CL_TCP_P2P[cl] ?? 9000),
    port('udp-discovery', p2p ?? CL_UDP_P2P[cl] ?? 9000, 'udp'),
  ];
  // cl/<cl>/<cl>_launcher.star: `discovery_port_quic = public_ports_for_component[N] if published
  // else <default>`.
  if (opts.quicIndex !== undefined) {
    const quic = p2p !== undefined ? p2p + opts.quicIndex : (CL_QUIC[cl] ?? 9001);
    ports.push(port('quic-discovery', quic, 'udp'));
  }
  if (cl === 'prysm') ports.push(port('rpc', 4000), port('profiling', 6060));
  // cl/teku/teku_launcher.star (nimbus, grandine alike): VALIDATOR_KEYMANAGER_USED_PORTS only when the
  // node has keystores, no separate VC, and keymanager_enabled.
  if (opts.keymanagerInBeacon) ports.push(httpPort('http-validator', 5056));
  return ports;
}

export function planVcPorts(keymanager: boolean): PlannedPort[] {
  return keymanager
    ? [httpPort('metrics', 8080), httpPort('http-validator', 5056)]
    : [httpPort('metrics', 8080)];
}

/** Fixed-name additional services (§2.1) with their ports (§2.2). An empty list means the reference
 * gives no port for that service (it still runs; it just has nothing we can name). */
const TOOL_SERVICES: Record<string, { name: string; ports: PlannedPort[] }[]> = {
  dora: [{ name: 'dora', ports: [httpPort('http', 8080)] }],
  assertoor: [{ name: 'assertoor', ports: [httpPort('http', 8080)] }],
  spamoor: [{ name: 'spamoor', ports: [httpPort('http', 8080)] }],
  forky: [{ name: 'forky', ports: [httpPort('http', 8080)] }],
  forkmon: [{ name: 'forkmon', ports: [httpPort('http', 8080)] }],
  dugtrio: [{ name: 'dugtrio', ports: [httpPort('http', 8080)] }],
  trueblocks: [{ name: 'trueblocks', ports: [httpPort('http', 8080)] }],
  bootnodoor: [{ name: 'bootnodoor', ports: [httpPort('http', 8080)] }],
  prometheus: [{ name: 'prometheus', ports: [httpPort('http', 9090)] }],
  grafana: [{ name: 'grafana', ports: [httpPort('http', 3000)] }],
  // §2.2 only says "http 3200 plus gRPC/OTLP"; the gRPC/OTLP port ids are not documented.
  tempo: [{ name: 'tempo', ports: [httpPort('http', 3200)] }],
  checkpointz: [{ name: 'checkpointz', ports: [httpPort('http', 5555), httpPort('metrics', 9090)] }],
  erpc: [{ name: 'erpc', ports: [httpPort('http', 4000), httpPort('metrics', 4001)] }],
  tracoor: [{ name: 'tracoor', ports: [httpPort('http', 7007)] }],
  nginx: [{ name: 'nginx', ports: [httpPort('http', 80)] }],
  disruptoor: [{ name: 'disruptoor', ports: [httpPort('http', 7700)] }],
  zkboost: [{ name: 'zkboost', ports: [httpPort('http', 3000)] }],
  mempool_bridge: [{ name: 'mempool-bridge', ports: [httpPort('http', 9090)] }],
  // No port information in the reference for these four.
  tx_fuzz: [{ name: 'tx-fuzz', ports: [] }],
  rakoon: [{ name: 'rakoon', ports: [] }],
  broadcaster: [{ name: 'broadcaster', ports: [] }],
  slashoor: [{ name: 'slashoor', ports: [] }],
  blockscout: [
    { name: 'blockscout', ports: [httpPort('http', 4000)] },
    { name: 'blockscout-verif', ports: [httpPort('http', 8050)] },
    { name: 'blockscout-frontend', ports: [httpPort('http', 3000)] },
    // Database port not documented.
    { name: 'blockscout-postgres', ports: [] },
  ],
  blobscan: [
    { name: 'blobscan-api', ports: [httpPort('http', 3001)] },
    { name: 'blobscan-web', ports: [httpPort('http', 3000)] },
    // Indexer, database and cache ports not documented.
    { name: 'blobscan-indexer', ports: [] },
    { name: 'blobscan-postgres', ports: [] },
    { name: 'blobscan-redis', ports: [] },
  ],
  // `otel` is not planned: the reference names no service for it.
  // `buildoor` is planned per participant (extras), see planBuildoor.
};

/** The deprecated names map onto current services (§1.1). */
function toolKeys(service: AdditionalService): string[] {
  if (service === 'apache') return ['nginx'];
  if (service === 'prometheus_grafana') return ['prometheus', 'grafana'];
  return [service];
}

export const KEYSTORE_HELPER_SERVICE = 'validator-key-generation-cl-validator-keystore';

interface Slot {
  idx: string;
  index: number;
  r: ResolvedParticipant;
  /** The builder participant input_parser.star appends for flashbots, mev-rs, commit-boost, helix. */
  builder: boolean;
}

/** In service names: main's CL-only node is `none` (constants.EL_TYPE.none), lowercase. */
const elName = (r: ResolvedParticipant) => r.el ?? 'none';

function planParticipant(s: Slot, args: NetworkArgs, schema: ArgsSchema): PlannedService[] {
  const { idx, index, r } = s;
  const out: PlannedService[] = [];
  const participantIndex = index + 1;
  const el = r.el;
  const publisher = args.port_publisher;
  if (el !== null) {
    out.push({
      name: `el-${idx}-${el}-${r.cl}`,
      kind: 'el',
      participantIndex,
      client: el,
      ports: planElPorts(el, publicRangeStart(publisher?.el, 32000, index)),
    });
  }
  // The builder's CL has no keystores; participant_network.star gives it no VC (use_separate_vc None).
  const keymanagerInBeacon =
    !s.builder &&
    !r.useSeparateVc &&
    r.keymanager &&
    r.validatorCount !== 0 &&
    (r.cl === 'teku' || r.cl === 'nimbus' || r.cl === 'grandine');
  out.push({
    name: el === null ? `cl-${idx}-${r.cl}` : `cl-${idx}-${r.cl}-${el}`,
    kind: 'cl',
    participantIndex,
    client: r.cl,
    ports: planClPorts(r.cl, {
      publicStart: publicRangeStart(publisher?.cl, 33000, index),
      quicIndex: schema.cl_quic_public_port_index[r.cl],
      keymanagerInBeacon,
    }),
  });
  if (s.builder) return out;

  const extra = (name: string, client: string, ports: PlannedPort[]) =>
    out.push({ name, kind: 'extra', participantIndex, client, ports });

  // Snoopers proxy engine/RPC/beacon traffic; their ports are declared without an application protocol.
  if (r.snooper && el !== null) {
    extra(`snooper-engine-${idx}-${r.cl}-${el}`, 'snooper', [port('engine-rpc', 8561)]);
  }
  if (r.blobber) {
    // From blobber_launcher.star; §2.2 has no row for the blobber.
    extra(`blobber-cl-${idx}-${r.cl}${el === null ? '' : `-${el}`}`, 'blobber', [
      port('http', 5000),
      port('discovery-tcp', 9000),
      port('discovery-udp', 9000, 'udp'),
    ]);
  }
  if (r.metricsExporter && el !== null) {
    extra(`ethereum-metrics-exporter-${idx}-${r.cl}-${el}`, 'ethereum-metrics-exporter', [
      httpPort('http', 9090),
    ]);
  }
  // participant_network.star: every node with xatu_sentry_enabled gets one; without an EL the name
  // has no EL segment (`xatu-sentry-{idx}-{cl}`). Ports not documented.
  if (r.xatuSentry) {
    extra(el === null ? `xatu-sentry-${idx}-${r.cl}` : `xatu-sentry-${idx}-${r.cl}-${el}`, 'xatu-sentry', []);
  }
  if (r.snooper && el !== null) extra(`snooper-rpc-${idx}-${el}`, 'snooper', [port('http', 8562)]);

  if (r.useSeparateVc) {
    if (r.snooper) extra(`snooper-beacon-${idx}-${r.cl}-${r.vc}`, 'snooper', [port('http', 8562)]);
    // The VC is named EL-CL (unlike the CL), with the VC type appended when it differs from the CL.
    const pair = el === null ? `${idx}-${r.cl}` : `${idx}-${el}-${r.cl}`;
    const fullName = r.vc === r.cl ? pair : `${pair}-${r.vc}`;
    if (r.remoteSigner) {
      extra(`signer-${fullName}`, 'web3signer', [httpPort('http', 9000), httpPort('metrics', 9001)]);
    }
    // No keys, no VC; vc/vc_launcher.star returns no VC for consensoor.
    if (r.validatorCount !== 0 && r.vc !== 'consensoor') {
      out.push({
        name: `vc-${fullName}`,
        kind: 'vc',
        participantIndex,
        client: r.vc,
        ports: planVcPorts(r.keymanager),
      });
    }
  }
  return out;
}

/** main.star: one mev-boost (commit-boost: `commit-boost-…`) per participant with validators, named
 * with the index padded to all participants (the builder included) and the EL type as parsed. */
function planMevBoost(slots: Slot[], args: NetworkArgs): PlannedService[] {
  const type = args.mev_type;
  if (!type) return [];
  const prefix = type === 'commit-boost' ? 'commit-boost' : 'mev-boost';
  return slots
    .filter((s) => !s.builder && s.r.validatorCount !== 0)
    .map((s) => ({
      name: `${prefix}-${s.idx}-${s.r.cl}-${elName(s.r)}`,
      kind: 'extra' as const,
      participantIndex: s.index + 1,
      client: prefix,
      ports: [port('http', 18550)],
    }));
}

/** mev_type buildoor (mev/buildoor/buildoor_launcher.star): one shared builder named `buildoor`. */
function planBuildoorMev(args: NetworkArgs): PlannedService[] {
  if (args.mev_type !== 'buildoor') return [];
  return [
    {
      name: 'buildoor',
      kind: 'extra',
      client: 'buildoor',
      ports: [httpPort('api', 8080), port('builder-api', 9000)],
    },
  ];
}

/** The buildoor additional service (main): one builder per `buildoor_params.instances` entry
 * (default: one on participant 1), named `buildoor-{cl}-{el}-{idx}` plus `-{n}` when an instance
 * count is above 1. Ports not documented. */
function planBuildoor(slots: Slot[], args: NetworkArgs): PlannedService[] {
  if (!args.additional_services?.includes('buildoor')) return [];
  const raw = args.buildoor_params?.['instances'];
  const instances = Array.isArray(raw) ? raw : [{ participant: 1, count: 1 }];
  const out: PlannedService[] = [];
  for (const instance of instances) {
    const at = typeof instance?.participant === 'number' ? instance.participant : 1;
    const count = typeof instance?.count === 'number' ? instance.count : 1;
    const s = slots[at - 1];
    if (!s) continue;
    const base = `buildoor-${s.r.cl}-${elName(s.r)}-${s.idx}`;
    for (let n = 1; n <= count; n++) {
      out.push({
        name: count > 1 ? `${base}-${n}` : base,
        kind: 'extra',
        participantIndex: s.index + 1,
        client: 'buildoor',
        ports: [],
      });
    }
  }
  return out;
}

/** input_parser.star enrich_mev_extra_params: these MEV types append a reth-builder participant
 * (lighthouse CL, no validators) after the user's participants. */
const BUILDER_MEV_TYPES = ['flashbots', 'mev-rs', 'commit-boost', 'helix'];

export interface PlanOptions {
  /** The package version whose launchers decide (default: the newest known release). */
  schema?: ArgsSchema;
}

/**
 * The services `kurtosis run` will create for validated args: per participant (in expanded order,
 * the MEV builder participant last) EL, CL, its extras and VC; then MEV sidecars, buildoor, the
 * additional services in the order listed, and the keystore helper. Names follow §2.1 and the
 * launchers, ports §2.2 (published EL/CL p2p and QUIC ports also change inside the container).
 */
export function planServices(args: NetworkArgs, opts: PlanOptions = {}): PlannedService[] {
  const schema = opts.schema ?? schemaByVersion(NEWEST_RELEASE);
  const participants: Participant[] = expandParticipants(args, {
    remoteSignerImplied: schema.matrix_remote_signer_implies_use,
  });
  const builder = typeof args.mev_type === 'string' && BUILDER_MEV_TYPES.includes(args.mev_type);
  if (builder) participants.push({ el_type: BUILDER_EL, cl_type: 'lighthouse', validator_count: 0 });
  // participant_network.star pads every index to the width of the participant count, builder included.
  const width = String(participants.length).length;
  const slots: Slot[] = participants.map((p, index) => ({
    idx: String(index + 1).padStart(width, '0'),
    index,
    r: resolveParticipant(p, args),
    builder: builder && index === participants.length - 1,
  }));
  const services: PlannedService[] = [];
  for (const s of slots) services.push(...planParticipant(s, args, schema));
  services.push(...planMevBoost(slots, args), ...planBuildoorMev(args), ...planBuildoor(slots, args));
  const seen = new Set(services.map((s) => s.name));
  for (const service of args.additional_services ?? []) {
    for (const key of toolKeys(service)) {
      for (const tool of TOOL_SERVICES[key] ?? []) {
        if (seen.has(tool.name)) continue;
        seen.add(tool.name);
        services.push({
          name: tool.name,
          kind: 'tool',
          client: key,
          ports: tool.ports.map((p) => ({ ...p })),
        });
      }
    }
  }
  services.push({ name: KEYSTORE_HELPER_SERVICE, kind: 'helper', ports: [] });
  return services;
}
