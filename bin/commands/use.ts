import { setDefault, validateDevnetName } from '../../lib/index.js';
import { defineCommand, libOptions } from '../shared.js';

export const useCommand = defineCommand((context) => ({
  command: 'use <name>',
  describe: 'make a devnet your default (alias hostnames move to it)',
  builder: (y) => y.positional('name', { type: 'string', demandOption: true }),
  handler: async (argv) => {
    const ctx = context();
    const name = validateDevnetName(argv.name);
    const result = await setDefault(name, libOptions(ctx, { progress: true }));
    if (ctx.ui.json) return ctx.ui.printJson({ default: result.name });
    ctx.ui.err(ctx.ui.color.green(`✓ ${result.name} is now your default devnet`));
  },
}));
