import type { CommandFactory } from '../main.js';

export const COMMANDS: CommandFactory[] = [];
