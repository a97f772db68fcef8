// The examples run as users run them — `import … from 'devnet-kit'`, a separate process — against the
// fakes: the fake kurtosis (Docker backend) publishes the nodes' host ports on local stub servers whose
// chain advances, so waits, JSON-RPC calls and teardown all happen for real.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { down, listEnclaves } from '../lib/index.js';
import { type NodeStub, startNode } from './support/eth-stub.js';
import { useHarness } from './support/harness.js';
import { assertBuilt } from './support/reliability.js';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const NETWORK_PARAMS = new URL('../examples/network_params.yaml', import.meta.url).pathname;

describe('the examples', () => {
  let el: NodeStub;
  let cl: NodeStub;
  before(async () => {
    // The examples import 'devnet-kit', which resolves to the built dist/index.mjs (package exports).
    assertBuilt();
    [el, cl] = await Promise.all([startNode('el', { advanceMs: 100 }), startNode('cl', { advanceMs: 100 })]);
  });
  const h = useHarness('docker', () => ({
    ids: {
      services: {
        'el-1-geth-lighthouse': { hostPorts: { rpc: el.port } },
        'cl-1-lighthouse-geth': { hostPorts: { http: cl.port } },
      },
    },
  }));
  after(() => Promise.all([el.close(), cl.close()]));

  // NODE_TEST_CONTEXT would make a nested `node --test` report to this runner instead of stdout.
  const env = () => {
    const { NODE_TEST_CONTEXT: _ctx, ...rest } = h.env;
    return { ...rest, DEVNET_KIT_OWNER: 'example' };
  };

  it('quickstart.ts creates a devnet, reads a block over JSON-RPC and destroys it at scope exit', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/quickstart.ts'], {
      cwd: root,
      env: env(),
      timeout: 60_000,
    });
    assert.match(stdout, /^devnet example-[0-9a-f]{6}: block [1-9]\d* at http:\/\/127\.0\.0\.1:\d+$/m);
    assert.ok(el.requests.some((r) => r.contentType === 'application/json'));
    assert.deepEqual(h.fake.scope().enclaves, [], 'await using destroyed the devnet');
  });

  it('suite.test.ts runs its tests against one devnet and removes it afterwards', async () => {
    // TAP named: Node 20 reports TAP to a pipe by default, Node 24 the spec reporter.
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=tap', 'examples/suite.test.ts'],
      {
        cwd: root,
        env: env(),
        timeout: 60_000,
      },
    );
    assert.match(stdout, /# pass 3/);
    assert.match(stdout, /# fail 0/);
    assert.deepEqual(h.fake.scope().enclaves, []);
  });

  it('compose.ts runs the steps of up by hand and leaves the devnet, owned and listed, for what comes next', async () => {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'examples/compose.ts'], {
      cwd: root,
      env: env(),
      timeout: 60_000,
    });
    const m =
      /^devnet (example-[0-9a-f]{6}): 2 nodes ready, block [1-9]\d* at http:\/\/127\.0\.0\.1:(\d+);/m.exec(
        stdout,
      );
    assert.ok(m, stdout);
    assert.equal(Number(m[2]), el.port, 'the EL rpc endpoint runPackage returned');
    // Each step reported its phases through onEvent, in up's order.
    const phases = [
      ...stderr.matchAll(
        /^• (checking Kurtosis cluster|creating enclave|running|reading services|waiting)/gm,
      ),
    ];
    assert.deepEqual(
      phases.map((p) => p[1]),
      ['checking Kurtosis cluster', 'creating enclave', 'running', 'reading services', 'waiting'],
      stderr,
    );
    const listed = await listEnclaves({ env: env(), cwd: h.cwd });
    assert.deepEqual(
      listed.map((e) => [e.name, e.owner, e.isDefault, typeof e.expiresAt]),
      [[m[1], 'example', true, 'string']],
      'runPackage labelled it as the owner’s default, with the TTL',
    );
    await down(m[1]!, { env: env(), cwd: h.cwd });
    assert.deepEqual(h.fake.scope().enclaves, []);
  });

  it('compose.ts removes the devnet with down when a step after runPackage fails', async () => {
    // A chain that does not move: the wait for blocks times out.
    const { block } = el.state;
    Object.assign(el.state, { block: 0, stalled: true });
    try {
      const from = h.kurtosisCalls().length;
      const failed = await run(
        process.execPath,
        ['--import', 'tsx', 'examples/compose.ts', NETWORK_PARAMS, '1s'],
        {
          cwd: root,
          env: env(),
          timeout: 60_000,
        },
      ).then(
        () => undefined,
        (error: { code?: number; stderr?: string }) => error,
      );
      assert.ok(failed, 'the script failed');
      assert.equal(failed.code, 1);
      assert.match(failed.stderr ?? '', /WaitTimeoutError|timed out after 1s waiting for blocks/);
      assert.match(failed.stderr ?? '', /^failed, removing devnet example-[0-9a-f]{6}$/m);
      const calls = h
        .kurtosisCalls()
        .slice(from)
        .map((a) => a.join(' '));
      assert.ok(
        calls.some((c) => /^enclave rm -f example-[0-9a-f]{6}$/.test(c)),
        calls.join('\n'),
      );
      assert.deepEqual(h.fake.scope().enclaves, []);
    } finally {
      Object.assign(el.state, { block, stalled: false });
    }
  });

  it('the GitHub workflow creates with --wait finalized and always destroys', async () => {
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const workflow = parse(readFileSync(new URL('../examples/github-actions.yml', import.meta.url), 'utf8'));
    const steps = workflow.jobs.e2e.steps as { name?: string; run?: string; if?: string }[];
    const upStep = steps.find((s) => s.run?.includes('devnet-kit up'));
    assert.match(upStep?.run ?? '', /--wait finalized/);
    const downStep = steps.find((s) => s.run?.includes('devnet-kit down'));
    assert.match(downStep?.if ?? '', /always\(\)/);
  });
});
