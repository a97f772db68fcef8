import { down, InvalidInputError, validateDevnetName } from '../../lib/index.js';
import { defineCommand, libOptions } from '../shared.js';

export const downCommand = defineCommand((context) => ({
  command: 'down [names..]',
  describe: "destroy devnets (--all: all of yours, never another owner's)",
  builder: (y) =>
    y
      .positional('names', { type: 'string', array: true })
      .option('all', { type: 'boolean', default: false, describe: 'all of your devnets' })
      .option('wait', {
        type: 'boolean',
        default: true,
        describe: 'wait until Kubernetes has deleted everything (--no-wait to skip)',
      }),
  handler: async (argv) => {
    const ctx = context();
    const { ui } = ctx;
    const names = (argv.names ?? []).map((n) => validateDevnetName(n));
    if (argv.all && names.length > 0)
      throw new InvalidInputError('--all', 'give devnet names or --all, not both');
    if (!argv.all && names.length === 0)
      throw new InvalidInputError('names', 'name the devnets to destroy, or pass --all');
    const options = { ...libOptions(ctx, { progress: true }), wait: argv.wait };
    const result = await down(argv.all ? { all: true } : names, options);
    if (ui.json) return ui.printJson(result);
    if (result.removed.length === 0) ui.err('nothing to destroy');
    for (const name of result.removed) ui.err(ui.color.green(`✓ destroyed ${name}`));
  },
}));
