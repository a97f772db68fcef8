import { forward, parseForwardTargets, validateDevnetName } from '../../lib/index.js';
import { table } from '../io.js';
import { defineCommand, libOptions } from '../shared.js';

export const forwardCommand = defineCommand((context) => ({
  command: 'forward <name> [targets..]',
  describe: 'local URLs for HTTP/WS ports (Kubernetes: via one kubectl proxy), until Ctrl-C',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'the devnet' })
      .positional('targets', {
        type: 'string',
        array: true,
        describe: 'service or service:port (default: every EL rpc/ws and CL http)',
      }),
  handler: async (argv) => {
    const ctx = context();
    const { ui } = ctx;
    // Everything the user typed is checked before anything runs (exit 2, no binary spawned).
    const name = validateDevnetName(argv.name);
    const targets = argv.targets ?? [];
    parseForwardTargets(targets);
    const forwarding = await forward(name, targets, libOptions(ctx));
    try {
      if (ui.json) ui.printJson({ forwards: forwarding.forwards });
      else {
        ui.out(
          table(
            forwarding.forwards.map((f) => [f.service, f.port, ui.color.cyan(f.url)]),
            ['SERVICE', 'PORT', 'URL'],
          ),
        );
      }
      const signal = ctx.io.signal;
      if (!signal) return;
      ui.err(
        ui.color.dim(
          `forwarding ${forwarding.forwards.length} port(s) of ${forwarding.devnet}; Ctrl-C to stop`,
        ),
      );
      // On Docker nothing of ours runs: a timer keeps the process up until the signal.
      const alive = setInterval(() => {}, 1 << 30);
      try {
        if (!signal.aborted)
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      } finally {
        clearInterval(alive);
      }
    } finally {
      await forwarding.stop();
    }
  },
}));
