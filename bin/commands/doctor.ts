import { doctor } from '../../lib/index.js';
import { defineCommand, libOptions } from '../shared.js';

export const doctorCommand = defineCommand((context) => ({
  command: 'doctor',
  describe: 'check binaries, versions, engine, context, cluster and ingress config',
  builder: (y) => y,
  handler: async () => {
    const ctx = context();
    const { ui } = ctx;
    const report = await doctor(libOptions(ctx));
    if (!report.ok) ctx.setExitCode(1);
    if (ui.json) return ui.printJson(report);
    const mark = {
      ok: ui.color.green('✓'),
      warn: ui.color.yellow('!'),
      fail: ui.color.red('✗'),
      skip: ui.color.dim('-'),
    };
    for (const c of report.checks) {
      ui.out(`${mark[c.status]} ${c.name}: ${c.detail}`);
      if (c.fix && c.status !== 'ok') ui.out(`    fix: ${c.fix}`);
    }
  },
}));
