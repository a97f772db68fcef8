import { gatewayStatus, stopGateway } from '../../lib/index.js';
import { defineCommand, libOptions } from '../shared.js';

const minutes = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`);

export const gatewayCommand = defineCommand((context) => ({
  command: 'gateway <action>',
  describe: 'the `kurtosis gateway` devnet-kit keeps for Kubernetes clusters: status | stop',
  builder: (y) =>
    y.positional('action', {
      choices: ['status', 'stop'] as const,
      describe: 'status: show it; stop: stop it (one started by hand is left alone)',
    }),
  handler: async (argv) => {
    const ctx = context();
    const { ui } = ctx;
    const options = libOptions(ctx);
    if (argv.action === 'stop') {
      const result = await stopGateway(options);
      if (ui.json) return ui.printJson(result);
      if (!result.stopped || !result.gateway) {
        ui.err('no kurtosis gateway started by devnet-kit runs; nothing to stop');
        return;
      }
      ui.out(
        `stopped the kurtosis gateway of kube context '${result.gateway.kubeContext}' (supervisor pid ${result.gateway.pid})`,
      );
      return;
    }
    const status = gatewayStatus(options);
    if (ui.json) return ui.printJson(status);
    const g = status.gateway;
    if (!status.running || !g) {
      ui.out(
        'no kurtosis gateway started by devnet-kit runs (on Kubernetes the next command starts one; one started by hand is used as is)',
      );
      return;
    }
    ui.out(
      [
        `kurtosis gateway: ${g.status} (supervisor pid ${g.pid}${g.port ? `, local port ${g.port}` : ''})`,
        `kube context:     ${g.kubeContext}`,
        `since:            ${g.since ?? g.startedAt}`,
        `last use:         ${g.lastUse ?? '-'}`,
        `idle timeout:     ${minutes(g.idleTimeoutMs)}`,
        `in use by:        ${g.leases.length > 0 ? g.leases.map((p) => `pid ${p}`).join(', ') : '-'}`,
      ].join('\n'),
    );
  },
}));
