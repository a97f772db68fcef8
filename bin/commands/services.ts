import { listServices, validateDevnetName } from '../../lib/index.js';
import { defineCommand, libOptions, servicesTable } from '../shared.js';

export const servicesCommand = defineCommand((context) => ({
  command: 'services <name>',
  describe: 'services with ports and private IPs',
  builder: (y) => y.positional('name', { type: 'string', demandOption: true }),
  handler: async (argv) => {
    const ctx = context();
    const name = validateDevnetName(argv.name);
    const services = await listServices(name, libOptions(ctx));
    if (ctx.ui.json) return ctx.ui.printJson(services);
    ctx.ui.out(servicesTable(services, ctx.ui));
  },
}));
