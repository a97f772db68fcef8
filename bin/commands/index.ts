import type { CommandFactory } from '../main.js';
import { doctorCommand } from './doctor.js';
import { downCommand } from './down.js';
import { endpointsCommand } from './endpoints.js';
import { gatewayCommand } from './gateway.js';
import { gcCommand } from './gc.js';
import { inspectCommand } from './inspect.js';
import { logsCommand } from './logs.js';
import { lsCommand } from './ls.js';
import { servicesCommand } from './services.js';
import { upCommand } from './up.js';
import { useCommand } from './use.js';

export const COMMANDS: CommandFactory[] = [
  upCommand,
  lsCommand,
  inspectCommand,
  servicesCommand,
  logsCommand,
  endpointsCommand,
  useCommand,
  downCommand,
  gcCommand,
  doctorCommand,
  gatewayCommand,
];
