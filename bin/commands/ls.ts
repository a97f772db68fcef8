import { listEnclaves } from '../../lib/index.js';
import { table } from '../io.js';
import { defineCommand, libOptions } from '../shared.js';

export const lsCommand = defineCommand((context) => ({
  command: 'ls',
  describe: "list your devnets (--all-owners: everyone's)",
  builder: (y) =>
    y.option('all-owners', { type: 'boolean', default: false, describe: 'include other owners’ devnets' }),
  handler: async (argv) => {
    const ctx = context();
    const { ui } = ctx;
    const enclaves = await listEnclaves({ ...libOptions(ctx), allOwners: argv.allOwners });
    if (ui.json) return ui.printJson(enclaves);
    if (enclaves.length === 0) {
      ui.err(argv.allOwners ? 'no devnets' : 'no devnets of yours (--all-owners shows everyone’s)');
      return;
    }
    ui.out(
      table(
        enclaves.map((e) => [
          e.isDefault ? ui.color.bold(`${e.name} *`) : e.name,
          e.status === 'RUNNING' ? ui.color.green(e.status) : ui.color.yellow(e.status),
          e.owner ?? '-',
          e.createdAt,
          e.expiresAt ?? '-',
        ]),
        ['NAME', 'STATUS', 'OWNER', 'CREATED', 'EXPIRES'],
      ),
    );
  },
}));
