import { runInNewContext } from 'node:vm';
import type { DevnetStatus, StatusNode } from '../../lib/index.js';
import { status, validateDevnetName, watchStatus } from '../../lib/index.js';
import { table, type Ui } from '../io.js';
import { defineCommand, libOptions } from '../shared.js';

export const statusCommand = defineCommand((context) => ({
  command: 'status [name]',
  describe: 'per-node health: client, head, finality, peers, problems; exit 1 when a node is not ready',
  builder: (y) =>
    y
      .positional('name', { type: 'string', describe: 'the devnet (default: your default devnet)' })
      .option('watch', {
        alias: 'w',
        type: 'boolean',
        default: false,
        describe: 'keep watching, once per slot, until Ctrl-C (with --json: one document per line)',
      }),
  handler: async (argv) => {
    const ctx = context();
    const { ui } = ctx;
    const name = argv.name === undefined ? undefined : validateDevnetName(argv.name);
    const options = libOptions(ctx);
    if (!argv.watch) {
      const snapshot = await status(name, options);
      if (ui.json) ui.printJson(snapshot);
      else ui.out(renderStatus(snapshot, ui));
      ctx.setExitCode(allReady(snapshot) ? 0 : 1);
      return;
    }
    // Ctrl-C is how a watch ends: exit 0, not 130.
    ctx.io.interruptExitCode = 0;
    const show = watchPrinter(ui);
    let last: DevnetStatus | undefined;
    const collect = garbageCollector();
    for await (const snapshot of watchStatus(name, options)) {
      show(snapshot);
      last = snapshot;
      collect();
    }
    ctx.setExitCode(!last || ctx.io.signal?.aborted || allReady(last) ? 0 : 1);
  },
}));

const allReady = (s: DevnetStatus) => s.nodes.every((n) => n.ready);

/**
 * A watch runs for hours. V8 grows its heap lazily: on the fakes RSS climbed ~50 MB a minute with 1 s
 * slots while the live heap stayed ~23 MB (bench/status.ts). One full collection per snapshot (a few ms
 * once a slot) keeps RSS flat. `gc` is exposed for this process only, through V8's own flag.
 */
function garbageCollector(): () => void {
  try {
    // Taken here, not imported: every read command loads this file, and node:v8 brings Node's heap and
    // promise-hook modules with it (issue #16).
    process.getBuiltinModule('node:v8').setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    return () => gc();
  } catch {
    return () => {};
  }
}

function watchPrinter(ui: Ui): (snapshot: DevnetStatus) => void {
  if (ui.json) return (s) => void ui.io.stdout.write(`${JSON.stringify(s)}\n`);
  if (ui.mode === 'tty') {
    let lines = 0;
    return (s) => {
      const text = `${renderStatus(s, ui)}\n${ui.color.dim(`${s.time.slice(11, 19)} UTC · Ctrl-C to stop`)}`;
      // Back to the first line of the previous table, then clear to the end of the screen.
      const up = lines > 0 ? `\x1b[${lines}F\x1b[J` : '';
      ui.io.stdout.write(`${up}${text}\n`);
      lines = text.split('\n').length;
    };
  }
  // CI: a line per node whose state changed (and the chain's), not a table every slot.
  const seen = new Map<string, string>();
  return (s) => {
    const time = s.time.slice(11, 19);
    const chainKey = chainSummary(s, false);
    if (seen.get('') !== chainKey) {
      seen.set('', chainKey);
      ui.out(`${time} ${s.devnet}: ${chainSummary(s, true)}`);
    }
    for (const node of s.nodes) {
      // Numbers in a problem (a head's age) change every slot; the kind of problem does not.
      const key = `${node.ready}|${(node.problem ?? '').replace(/\d+/g, '#')}|${node.syncing ?? ''}`;
      if (seen.get(node.service) === key) continue;
      seen.set(node.service, key);
      ui.out(`${time} ${node.service}: ${stateText(node)}${node.ready ? ` (${headText(node)})` : ''}`);
    }
  };
}

/** The chain in one line; `detailed` adds the head slot, which changes every slot. */
function chainSummary(s: DevnetStatus, detailed: boolean): string {
  const c = s.chain;
  const parts: string[] = [];
  const ready = s.nodes.filter((n) => n.ready).length;
  parts.push(`${ready}/${s.nodes.length} nodes ready`);
  if (detailed && c.highestHeadSlot !== undefined) {
    parts.push(`head slot ${c.highestHeadSlot}${c.expectedSlot !== undefined ? `/${c.expectedSlot}` : ''}`);
  }
  if (c.slotsBehind !== undefined && c.slotsBehind > 2) parts.push(`${c.slotsBehind} slots behind`);
  if (c.finalityDistance !== undefined && c.finalityDistance > 3) {
    parts.push(`not finalizing (${c.finalityDistance} epochs)`);
  } else if (detailed && c.finalizedEpoch !== undefined) {
    parts.push(`finalized epoch ${c.finalizedEpoch}`);
  }
  return parts.join(', ');
}

function stateText(node: StatusNode): string {
  return node.ready ? 'ready' : (node.problem ?? 'not ready');
}

function headText(node: StatusNode): string {
  if (node.headBlock !== undefined) return `block ${node.headBlock}`;
  if (node.headSlot !== undefined) return `slot ${node.headSlot}`;
  return '-';
}

/** Crashed or unreachable: red; behind, stalled or syncing: yellow. */
function problemColor(ui: Ui, node: StatusNode): (s: string) => string {
  if (node.ready) return ui.color.green;
  const p = node.problem ?? '';
  return /not advancing|syncing|behind|not initialised/.test(p) ? ui.color.yellow : ui.color.red;
}

export function renderStatus(s: DevnetStatus, ui: Ui): string {
  const c = s.chain;
  const head: string[] = [ui.color.bold(`devnet ${s.devnet}`)];
  if (c.highestHeadSlot !== undefined) {
    const behind = c.slotsBehind ?? 0;
    const slot = `slot ${c.highestHeadSlot}${c.expectedSlot !== undefined ? ` of ${c.expectedSlot}` : ''}`;
    head.push(behind > 2 ? ui.color.yellow(`${slot} (${behind} behind)`) : slot);
  }
  if (c.finalizedEpoch !== undefined) {
    const distance = c.finalityDistance;
    const text = `finalized epoch ${c.finalizedEpoch}${distance !== undefined ? ` (distance ${distance})` : ''}`;
    head.push(distance !== undefined && distance > 3 ? ui.color.yellow(text) : text);
  }
  if (c.genesisTime !== undefined) {
    head.push(`genesis ${new Date(c.genesisTime * 1000).toISOString().replace('.000Z', 'Z')}`);
  }
  const rows = s.nodes.map((n) => [
    n.service,
    n.client ?? '-',
    n.version ?? '-',
    headText(n),
    n.finalizedEpoch === undefined ? '-' : String(n.finalizedEpoch),
    n.peers === undefined ? '-' : String(n.peers),
    n.syncing === undefined ? '-' : n.syncing ? 'yes' : 'no',
    problemColor(ui, n)(stateText(n)),
  ]);
  return `${head.join(' · ')}\n${table(rows, ['SERVICE', 'CLIENT', 'VERSION', 'HEAD', 'FINALIZED', 'PEERS', 'SYNCING', 'STATUS'])}`;
}
