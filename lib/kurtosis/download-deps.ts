// The packages (and node:crypto, for the checksum) only a Kurtosis download needs, imported statically here; kurtosis-binary.ts imports
// this module lazily, so a command that never downloads never loads them. (A dynamic import of the
// packages themselves breaks in the split bundle: a CommonJS chunk exports only `default`.)

export { createHash } from 'node:crypto';
export { x as extractTar } from 'tar';
export { EnvHttpProxyAgent, fetch } from 'undici';
