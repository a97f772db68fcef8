import type { Context } from './context.js';
import { DevnetKitError } from './errors.js';

export async function collectDump(_ctx: Context, _name: string, _dir: string, _extra: { argsYaml?: string }): Promise<void> {
  throw new DevnetKitError('INVALID_INPUT', 'dump on failure is not available yet');
}
