import { appendFileSync } from 'node:fs';
import { formatElapsed, up } from '../../lib/index.js';
import { table } from '../io.js';
import {
  appendGithubOutput,
  defineCommand,
  envName,
  formatEndpoints,
  libOptions,
  stepSummary,
} from '../shared.js';

export const upCommand = defineCommand((context) => ({
  command: 'up [name]',
  describe: 'create a devnet; prints its endpoints and makes it your default',
  builder: (y) =>
    y
      .positional('name', {
        type: 'string',
        describe: 'devnet name (lowercase DNS label, ≤ 60); generated when omitted',
      })
      .option('args-file', { alias: 'f', type: 'string', describe: 'ethereum-package args file (YAML/JSON)' })
      .option('package', {
        type: 'string',
        describe: 'package reference, e.g. github.com/ethpandaops/ethereum-package@6.1.0',
      })
      .option('wait', {
        choices: ['services', 'blocks', 'finalized', 'none'] as const,
        default: 'none' as const,
        describe: 'wait until…',
      })
      .option('timeout', { type: 'string', describe: 'for --wait, e.g. 10m (default 10m)' })
      .option('ttl', { type: 'string', describe: 'expire after, e.g. 4h (gc removes it then)' })
      .option('ingress', {
        type: 'boolean',
        default: true,
        describe: 'apply Ingresses (Kubernetes; --no-ingress to skip)',
      })
      .option('keep-on-failure', {
        type: 'boolean',
        default: false,
        describe: 'keep the enclave when up fails',
      })
      .option('restart-engine', {
        type: 'boolean',
        default: false,
        describe: 'restart the Kurtosis engine on a version mismatch',
      })
      .option('dump-on-failure', {
        type: 'string',
        describe: 'collect enclave dump, logs and args into DIR when up fails',
      })
      .option('dry-run', { type: 'boolean', default: false, describe: 'print the plan; run nothing' }),
  handler: async (argv) => {
    const ctx = context();
    const { ui } = ctx;
    const options = {
      ...libOptions(ctx, { progress: true }),
      name: argv.name,
      argsFile: argv.argsFile,
      package: argv.package,
      wait: argv.wait,
      timeout: argv.timeout,
      ttl: argv.ttl,
      ingress: argv.ingress,
      keepOnFailure: argv.keepOnFailure,
      restartEngine: argv.restartEngine,
      dumpOnFailure: argv.dumpOnFailure,
    };
    if (argv.dryRun) {
      const plan = await up({ ...options, dryRun: true });
      if (ui.json) return ui.printJson(plan);
      ui.out(
        ui.color.bold(
          `# devnet ${plan.name} (owner ${plan.owner}, ${plan.backend} cluster '${plan.cluster}')`,
        ),
      );
      const s = plan.schema;
      ui.out(
        `# package ${plan.package}: args checked against ethereum-package ${s.version} (${s.source}), ${s.mode} (${s.reason})`,
      );
      ui.out('# args file');
      ui.out(plan.argsYaml.trimEnd());
      ui.out('# commands');
      for (const argv of plan.commands)
        ui.out(argv.map((a) => (/^[\w@%+=:,./<>-]+$/.test(a) ? a : `'${a}'`)).join(' '));
      ui.out('# services');
      ui.out(
        table(
          plan.services.map((s) => [
            s.name,
            s.ports.map((p) => `${p.name}:${p.number}/${p.transport}`).join(' '),
          ]),
        ),
      );
      if (plan.ingresses.length > 0) {
        ui.out('# ingresses');
        const { manifestList } = await import('../manifests.js');
        ui.out(manifestList(plan.ingresses));
        ui.out('# hostnames');
        ui.out(formatEndpoints(plan.endpoints, 'table', ui));
      }
      return;
    }
    const devnet = await up(options);
    const env = ctx.io.env;
    if (env.GITHUB_ACTIONS === 'true') {
      if (env.GITHUB_OUTPUT) {
        appendGithubOutput(env.GITHUB_OUTPUT, {
          name: devnet.name,
          endpoints: JSON.stringify(devnet.endpoints),
          ...Object.fromEntries(devnet.endpoints.map((e) => [envName(e), e.url])),
        });
      }
      if (env.GITHUB_STEP_SUMMARY)
        appendFileSync(env.GITHUB_STEP_SUMMARY, stepSummary(devnet.name, devnet.endpoints));
    }
    if (ui.json) return ui.printJson(devnet);
    const { totalMs, phases } = devnet.timings;
    const spent = Object.entries(phases).map(([phase, ms]) => `${phase} ${formatElapsed(ms)}`);
    ui.err(
      ui.color.green(
        `✓ devnet ${devnet.name} is up in ${formatElapsed(totalMs)}${spent.length ? ` (${spent.join(', ')})` : ''}`,
      ),
    );
    ui.out(formatEndpoints(devnet.endpoints, 'table', ui));
  },
}));
