import { inspectEnclave, validateDevnetName } from '../../lib/index.js';
import { defineCommand, formatEndpoints, libOptions, servicesTable } from '../shared.js';

export const inspectCommand = defineCommand((context) => ({
  command: 'inspect <name>',
  describe: 'one devnet: enclave, services, endpoints',
  builder: (y) => y.positional('name', { type: 'string', demandOption: true }),
  handler: async (argv) => {
    const ctx = context();
    const { ui } = ctx;
    const name = validateDevnetName(argv.name);
    const details = await inspectEnclave(name, libOptions(ctx));
    if (ui.json) return ui.printJson(details);
    const e = details.enclave;
    ui.out(`${ui.color.bold(e.name)}  ${e.status}  uuid ${e.uuid}`);
    ui.out(
      `created ${e.createdAt}${e.owner ? `  owner ${e.owner}` : ''}${e.expiresAt ? `  expires ${e.expiresAt}` : ''}${e.isDefault ? '  (default)' : ''}`,
    );
    ui.out('');
    ui.out(servicesTable(details.services, ui));
    ui.out('');
    ui.out(formatEndpoints(details.endpoints, 'table', ui));
  },
}));
