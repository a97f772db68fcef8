import { gc } from '../../lib/index.js';
import { defineCommand, libOptions } from '../shared.js';

export const gcCommand = defineCommand((context) => ({
  command: 'gc',
  describe: 'destroy devnets whose TTL has passed (yours; --all-owners: everyone’s)',
  builder: (y) =>
    y
      .option('dry-run', { type: 'boolean', default: false, describe: 'list what would be destroyed' })
      .option('all-owners', {
        type: 'boolean',
        default: false,
        describe: 'every owner’s expired devnets (CronJob)',
      }),
  handler: async (argv) => {
    const ctx = context();
    const { ui } = ctx;
    const result = await gc({
      ...libOptions(ctx, { progress: true }),
      dryRun: argv.dryRun,
      allOwners: argv.allOwners,
    });
    if (ui.json) return ui.printJson(result);
    if (result.expired.length === 0) return ui.err('no expired devnets');
    for (const e of result.expired) {
      const verb = result.dryRun ? 'would destroy' : 'destroyed';
      ui.out(`${verb} ${e.name} (owner ${e.owner ?? '-'}, expired ${e.expiresAt})`);
    }
  },
}));
