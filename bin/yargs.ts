// yargs, imported statically here and this module lazily by main.ts: the fast path never loads it, and a
// dynamic import of a package itself is what broke the bundle before (test/bundle.test.ts).
export { default as yargs } from 'yargs';
