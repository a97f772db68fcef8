import { InvalidInputError, listEndpoints, validateDevnetName } from '../../lib/index.js';
import type { CommandFactory } from '../main.js';
import { appendGithubOutput, envName, formatEndpoints, libOptions } from '../shared.js';

export const endpointsCommand: CommandFactory = (context) => ({
  command: 'endpoints [name]',
  describe: 'public URLs of a devnet (default: your default devnet)',
  builder: (y) =>
    y
      .positional('name', { type: 'string' })
      .option('format', { choices: ['table', 'json', 'env', 'github'] as const, default: 'table' }),
  handler: async (argv) => {
    const ctx = context();
    const { ui } = ctx;
    const name = argv.name === undefined ? undefined : validateDevnetName(argv.name as string);
    const format = ui.json ? 'json' : (argv.format as 'table' | 'json' | 'env' | 'github');
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
});
