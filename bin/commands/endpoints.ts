import { InvalidInputError, listEndpoints, validateDevnetName } from '../../lib/index.js';
import { appendGithubOutput, defineCommand, envName, formatEndpoints, libOptions } from '../shared.js';

export const endpointsCommand = defineCommand((context) => ({
  command: 'endpoints [name]',
  describe: 'public URLs of a devnet (default: your default devnet)',
  builder: (y) =>
    y
      .positional('name', { type: 'string' })
      .option('format', { choices: ['table', 'json', 'env', 'github'] as const, default: 'table' as const }),
  handler: async (argv) => {
    const ctx = context();
    const { ui } = ctx;
    const name = argv.name === undefined ? undefined : validateDevnetName(argv.name);
    const format = ui.json ? 'json' : argv.format;
    const githubOutput = ctx.io.env.GITHUB_OUTPUT;
    if (format === 'github' && !githubOutput) {
      throw new InvalidInputError(
        '--format',
        '--format github needs $GITHUB_OUTPUT (it runs inside GitHub Actions)',
      );
    }
    const endpoints = await listEndpoints(name, libOptions(ctx));
    if (format === 'json') return ui.printJson(endpoints);
    if (format === 'github') {
      appendGithubOutput(githubOutput!, Object.fromEntries(endpoints.map((e) => [envName(e), e.url])));
      ui.err(`wrote ${endpoints.length} endpoint(s) to $GITHUB_OUTPUT`);
      return;
    }
    ui.out(formatEndpoints(endpoints, format, ui));
  },
}));
