import { cleanKurtosisCache } from '../../lib/index.js';
import { defineCommand } from '../shared.js';

export const cacheCommand = defineCommand((context) => ({
  command: 'cache <action>',
  describe: 'devnet-kit’s download cache (the Kurtosis CLI): `cache clean` removes it',
  builder: (y) =>
    y.positional('action', {
      type: 'string',
      choices: ['clean'],
      describe: 'clean: remove every cached Kurtosis CLI',
    }),
  handler: async () => {
    const ctx = context();
    const { ui } = ctx;
    const result = cleanKurtosisCache({ env: ctx.io.env });
    if (ui.json) return ui.printJson(result);
    if (result.removed.length === 0) return ui.err(`nothing cached in ${result.dir}`);
    for (const c of result.removed) ui.out(`removed Kurtosis CLI ${c.version} (${c.path})`);
  },
}));
