// Commands are typed by their builders (issue #14): what `.option()`/`.positional()` declare is the type of
// the handler's argv. The `@ts-expect-error` lines below are the type test — `npm test` runs tsc over test/,
// and tsc fails on an expectation that no longer errors (an argv typed `any` or `Record<string, unknown>`
// again). The runtime test keeps the casts from coming back into the command modules.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { COMMANDS } from '../bin/commands/index.js';
import { defineCommand } from '../bin/shared.js';

const takesString = (s: string) => s;
const takesBoolean = (b: boolean) => b;
const takesMode = (m: 'table' | 'env') => m;

const probe = defineCommand(() => ({
  command: 'probe <name>',
  describe: 'a command for the type test',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .option('dry-run', { type: 'boolean', default: false })
      .option('format', { choices: ['table', 'env'] as const, default: 'table' as const })
      .option('ttl', { type: 'string' }),
  handler: async (argv) => {
    takesString(argv.name);
    takesBoolean(argv.dryRun);
    takesBoolean(argv['dry-run']);
    takesMode(argv.format);
    // @ts-expect-error an option the builder does not declare is unknown, not a string
    takesString(argv.nmae);
    // @ts-expect-error a boolean option is not a string
    takesString(argv.dryRun);
    // @ts-expect-error an optional string may be undefined
    takesString(argv.ttl);
  },
}));

describe('command modules', () => {
  it('hand the handler the argv yargs parsed, typed by the builder', async () => {
    const seen: unknown[] = [];
    const typed = defineCommand(() => ({
      command: 'seen [names..]',
      describe: 'records its argv',
      builder: (y) => y.positional('names', { type: 'string', array: true }),
      handler: async (argv) => {
        seen.push(argv.names);
      },
    }));
    const def = typed(() => {
      throw new Error('no context needed');
    });
    assert.equal(def.command, 'seen [names..]');
    await def.handler({ _: ['seen'], $0: 'devnet-kit', names: ['a', 'b'] });
    assert.deepEqual(seen, [['a', 'b']]);
    assert.equal(typeof probe, 'function');
  });

  it('read their argv without casts', () => {
    const dir = new URL('../bin/commands/', import.meta.url).pathname;
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length >= COMMANDS.length, `${files.length} modules for ${COMMANDS.length} commands`);
    for (const file of files) {
      const text = readFileSync(join(dir, file), 'utf8');
      assert.doesNotMatch(text, /\bargv\b[^;\n]*\bas\s+(?!const\b)/, `${file} casts an argv`);
      assert.doesNotMatch(text, /Record<string, unknown>/, `${file} takes an untyped argv`);
    }
  });
});
