// Where devnet-kit keeps what it caches for a user: the Kurtosis CLI it downloads
// (lib/kurtosis/binary.ts) and the CLI's compiled code (bin/code-cache.ts).

import { isAbsolute, join } from 'node:path';

/**
 * `$XDG_CACHE_HOME/devnet-kit`, else `~/.cache/devnet-kit` (macOS `~/Library/Caches/devnet-kit`): the
 * user's own folder, not a shared temporary one, as what is read from it runs as the user.
 */
export function devnetKitCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  // Taken when called: dist/cli.js carries this module, and `--version` loads nothing it does not use.
  const home = env.HOME || process.getBuiltinModule('node:os').homedir();
  const base =
    env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)
      ? env.XDG_CACHE_HOME
      : process.platform === 'darwin'
        ? join(home, 'Library', 'Caches')
        : join(home, '.cache');
  return join(base, 'devnet-kit');
}
