// What a failed or cancelled `up` / `runPackage` does with the enclave it created: collect a dump when
// asked, then keep it (labelled as the owner's, so `ls`, `down` and `gc` see it) or remove it. Runs
// after a Ctrl-C too, so nothing here is tied to the caller's signal.

import { listDevnetsIn } from '../backends/enclaves.js';
import { metaStore } from '../backends/metadata.js';
import { type Context, deriveContext } from '../context.js';
import { firstLine, InterruptedError } from '../errors.js';
import { runCommand } from '../exec/command.js';
import { removeEnclavesCommand } from '../kurtosis/commands.js';
import { destroyIn } from './down.js';
import { collectDump } from './dump.js';

export interface FailureOptions {
  keepOnFailure?: boolean;
  dumpOnFailure?: string;
}

export async function cleanUpAfterFailure(
  ctx: Context,
  name: string,
  error: unknown,
  options: FailureOptions & { argsYaml: string; expiresAt?: string },
): Promise<void> {
  const interrupted = error instanceof InterruptedError || ctx.signal?.aborted;
  if (options.dumpOnFailure) {
    try {
      await collectDump(ctx, name, options.dumpOnFailure, { argsYaml: options.argsYaml });
    } catch (dumpError) {
      ctx.onEvent({ type: 'warning', message: `could not collect the dump: ${firstLine(dumpError)}` });
    }
  }
  if (options.keepOnFailure) {
    try {
      // Owned like any devnet, so that `ls`, `down` and `gc` see it (it may not be labelled yet).
      const quiet: Context = deriveContext(ctx, { signal: undefined });
      const ref = (await listDevnetsIn(quiet)).find((r) => r.name === name);
      if (ref && !ref.owner) {
        await metaStore(quiet).write(
          { uuid: ref.uuid, name, namespace: ref.namespace },
          { owner: ctx.config.owner, expiresAt: options.expiresAt ?? null },
        );
      }
    } catch {
      // The warning below still says how to remove it.
    }
    ctx.onEvent({
      type: 'warning',
      message: `kept enclave '${name}' for inspection (--keep-on-failure); remove it with \`devnet-kit down ${name}\``,
    });
    return;
  }
  ctx.onEvent({
    type: 'phase',
    phase: 'cleanup',
    message: `${interrupted ? 'interrupted' : 'failed'}: removing enclave '${name}'`,
  });
  try {
    // Not tied to the (possibly aborted) signal: cleanup must run after Ctrl-C too.
    await destroyIn(ctx, [name], { wait: false, noSignal: true });
  } catch (cleanupError) {
    try {
      // destroyIn lists first (kubectl, for namespaces and aliases); when that is what broke, the
      // enclave can still go by name.
      await runCommand(ctx.runner, removeEnclavesCommand([name]));
    } catch {
      ctx.onEvent({
        type: 'warning',
        message: `could not remove enclave '${name}': ${firstLine(cleanupError)}; remove it with \`kurtosis enclave rm -f ${name}\``,
      });
    }
  }
}
