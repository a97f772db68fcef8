import { listServices, validateDevnetName } from '../../lib/index.js';
import type { CommandFactory } from '../main.js';
import { libOptions, servicesTable } from '../shared.js';

export const servicesCommand: CommandFactory = (context) => ({
  command: 'services <name>',
  describe: 'services with ports and private IPs',
  builder: (y) => y.positional('name', { type: 'string', demandOption: true }),
  handler: async (argv) => {
    const ctx = context();
    const name = validateDevnetName(argv.name as string);
    const services = await listServices(name, libOptions(ctx));
    if (ctx.ui.json) return ctx.ui.printJson(services);
    ctx.ui.out(servicesTable(services, ctx.ui));
  },
});
