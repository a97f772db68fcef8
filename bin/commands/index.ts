import type { CommandFactory } from '../main.js';

/**
 * A command by its name, loaded when it runs: a read command loads its own module and the library
 * code it uses, nothing else (issue #16). yargs (help, usage errors) loads them all.
 */
export interface CommandEntry {
  name: string;
  load: () => Promise<CommandFactory>;
}

export const COMMANDS: CommandEntry[] = [
  { name: 'up', load: async () => (await import('./up.js')).upCommand },
  { name: 'ls', load: async () => (await import('./ls.js')).lsCommand },
  { name: 'inspect', load: async () => (await import('./inspect.js')).inspectCommand },
  { name: 'services', load: async () => (await import('./services.js')).servicesCommand },
  { name: 'logs', load: async () => (await import('./logs.js')).logsCommand },
  { name: 'endpoints', load: async () => (await import('./endpoints.js')).endpointsCommand },
  { name: 'use', load: async () => (await import('./use.js')).useCommand },
  { name: 'down', load: async () => (await import('./down.js')).downCommand },
  { name: 'gc', load: async () => (await import('./gc.js')).gcCommand },
  { name: 'doctor', load: async () => (await import('./doctor.js')).doctorCommand },
  { name: 'cache', load: async () => (await import('./cache.js')).cacheCommand },
  { name: 'status', load: async () => (await import('./status.js')).statusCommand },
  { name: 'forward', load: async () => (await import('./forward.js')).forwardCommand },
  { name: 'gateway', load: async () => (await import('./gateway.js')).gatewayCommand },
];
