// The npx one-shot: the packed tarball installs into an empty directory, where the CLI answers and the
// library imports — what users get from `npx devnet-kit` and `npm install devnet-kit`.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { assertBuilt } from './support/reliability.js';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;

describe('the packed package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'devnet-kit-pack-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('installs from its tarball into an empty project; the CLI and the library work there', {
    timeout: 180_000,
  }, async () => {
    // --ignore-scripts: pack the dist/ `npm test` built. `prepare` would rebuild it in place (rm -rf
    // dist first) under every other test file that is running the CLI from it at the same time.
    assertBuilt();
    await run('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', dir], {
      cwd: root,
      timeout: 120_000,
    });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack produced a tarball');
    const { stdout: listing } = await run('tar', ['-tzf', join(dir, tarball)]);
    assert.ok(listing.includes('package/dist/cli.js'));
    assert.ok(listing.includes('package/dist/types/index.d.ts'));
    assert.ok(!listing.includes('package/test/'), 'tests are not shipped');
    assert.ok(!listing.includes('package/fixtures/'), 'fixtures are not shipped');

    const project = join(dir, 'project');
    await run('mkdir', ['-p', project]);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', version: '1.0.0', type: 'module', private: true }),
    );
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, tarball)], {
      cwd: project,
      timeout: 150_000,
    });

    const help = await run('npx', ['--no-install', 'devnet-kit', '--help'], { cwd: project });
    assert.match(help.stdout, /devnet-kit up/);
    const version = await run('npx', ['--no-install', 'devnet-kit', '--version'], { cwd: project });
    assert.match(version.stdout.trim(), /^\d+\.\d+\.\d+$/);
    const dry = await run(
      'npx',
      ['--no-install', 'devnet-kit', '--owner', 'ci', 'up', 'packed', '--dry-run'],
      {
        cwd: project,
        env: {
          ...process.env,
          PATH: `${join(project, 'node_modules', '.bin')}:${process.env.PATH}`,
          DEVNET_KIT_KURTOSIS: '/nonexistent/kurtosis',
        },
      },
    );
    assert.match(dry.stdout, /kurtosis enclave add -n packed/);

    writeFileSync(
      join(project, 'use.mjs'),
      "import { up, down, waitFor, Devnet, InvalidInputError } from 'devnet-kit';\n" +
        "const plan = await up({ name: 'lib-plan', owner: 'ci', dryRun: true });\n" +
        'console.log(JSON.stringify({ up: typeof up, down: typeof down, waitFor: typeof waitFor, Devnet: typeof Devnet, err: typeof InvalidInputError, services: plan.services.map((s) => s.name) }));\n',
    );
    const lib = await run(process.execPath, ['use.mjs'], { cwd: project });
    const answer = JSON.parse(lib.stdout);
    assert.deepEqual(
      { up: answer.up, down: answer.down, waitFor: answer.waitFor, Devnet: answer.Devnet, err: answer.err },
      { up: 'function', down: 'function', waitFor: 'function', Devnet: 'function', err: 'function' },
    );
    assert.ok(answer.services.includes('el-1-geth-lighthouse'));

    // dist/cli.js is CommonJS by dist/package.json, the declarations ES modules by their own: a
    // TypeScript ES module consumer still gets named imports and the models' types.
    assert.ok(listing.includes('package/dist/package.json'));
    assert.ok(listing.includes('package/dist/types/package.json'));
    writeFileSync(
      join(project, 'use.ts'),
      "import { up, type Devnet, type UpOptions } from 'devnet-kit';\n" +
        "const options: UpOptions = { name: 'typed', dryRun: true };\n" +
        'const net: Devnet | undefined = undefined;\n' +
        'export const started: Promise<unknown> = up(options);\n' +
        'export const none = net;\n' +
        '// @ts-expect-error: a devnet name is a string\n' +
        'export const wrong: UpOptions = { name: 42 };\n',
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          typeRoots: [join(root, 'node_modules', '@types')],
          types: ['node'],
        },
        files: ['use.ts'],
      }),
    );
    const tsc = await run(
      process.execPath,
      [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project],
      { cwd: project, timeout: 120_000 },
    ).catch((error: { stdout?: string; message: string }) => ({ failed: error.stdout || error.message }));
    assert.ok(!('failed' in tsc), `tsc on a consumer of the package: ${'failed' in tsc ? tsc.failed : ''}`);
  });
});
