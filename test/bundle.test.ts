// What esbuild makes of our imports. A dynamic `import('pkg')` of a CommonJS package (yaml under Node)
// becomes, in the split CLI bundle, a chunk that exports only `default`: named imports from it are
// undefined at run time although they type-check and work under tsx. That is how the Kubernetes text
// dry-run shipped broken. Packages are imported statically; laziness comes from importing our own
// modules dynamically.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { assertBuilt } from './support/reliability.js';

const ROOT = new URL('..', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(ROOT, dir, f));
}

describe('the bundle', () => {
  it('bin/ and lib/ import packages statically only (dynamic imports are of our own modules)', () => {
    const offenders: string[] = [];
    for (const file of [...sources('bin'), ...sources('lib')]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bimport\(\s*(['"`])([^'"`]+)\1\s*\)/g)) {
        const line = text.slice(0, m.index).split('\n').length;
        // `typeof import('…')` is a type, not a load.
        if (/typeof\s+$/.test(text.slice(Math.max(0, m.index - 10), m.index))) continue;
        // Node's built-ins are never bundled, so their shape is Node's own.
        if (!m[2]!.startsWith('.') && !m[2]!.startsWith('node:'))
          offenders.push(`${relative(ROOT, file)}:${line}: import('${m[2]}')`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('has no chunk that re-exports a CommonJS module as `default` alone', () => {
    assertBuilt();
    const dir = join(ROOT, 'dist', 'chunks');
    const chunks = readdirSync(dir).filter((f) => f.endsWith('.mjs'));
    assert.ok(chunks.length > 10, `the CLI's chunks: ${chunks.join(', ')}`);
    const offenders = chunks.filter((f) =>
      /^export default require_\w+\(\);$/m.test(readFileSync(join(dir, f), 'utf8')),
    );
    assert.deepEqual(offenders, []);
  });

  it('starts from a CommonJS dist/cli.js (no ESM loader before a command runs; issue #16)', () => {
    assertBuilt();
    const scope = JSON.parse(readFileSync(join(ROOT, 'dist', 'package.json'), 'utf8')) as { type?: string };
    assert.equal(scope.type, 'commonjs');
    const cli = readFileSync(join(ROOT, 'dist', 'cli.js'), 'utf8');
    assert.doesNotMatch(cli, /^import\s|^export\s|import\.meta/m, 'no module syntax in dist/cli.js');
    // The rest of dist/ stays ES modules, named so.
    assert.deepEqual(
      readdirSync(join(ROOT, 'dist')).filter((f) => f.endsWith('.js')),
      ['cli.js'],
    );
  });
});
