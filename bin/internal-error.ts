// The last resort: an error that is not a DevnetKitError is a bug of devnet-kit by definition. It is
// still one line (no stack trace in a user's CI log unless asked for), and it says how to report it.

import { cliVersion } from './version.js';

export interface InternalErrorReport {
  /** One line, `devnet-kit: internal error: …`, with how to report it. */
  line: string;
  /** With --verbose: the stack (or the value thrown). */
  detail?: string;
}

export function internalErrorReport(error: unknown, verbose: boolean): InternalErrorReport {
  const message = error instanceof Error ? error.message : String(error);
  const how = verbose ? 'the stack below' : 'the output of the same command with --verbose';
  return {
    line: `devnet-kit: internal error: ${message.split('\n')[0]} (a bug in devnet-kit ${cliVersion()}: please report it with ${how})`,
    detail: verbose ? (error instanceof Error && error.stack ? error.stack : message) : undefined,
  };
}
