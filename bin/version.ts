import { readFileSync } from 'node:fs';

declare const __DEVNET_KIT_VERSION__: string | undefined;

/** Inlined by the build; read from package.json when running from source (tests, tsx). */
export function cliVersion(): string {
  if (typeof __DEVNET_KIT_VERSION__ === 'string') return __DEVNET_KIT_VERSION__;
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
