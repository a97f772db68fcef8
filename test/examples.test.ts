// The examples run as users run them — `import … from 'devnet-kit'`, a separate process — against the
// fakes: the fake kurtosis (Docker backend) publishes the nodes' host ports on local stub servers whose
// chain advances, so waits, JSON-RPC calls and teardown all happen for real.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type NodeStub, startNode } from './support/eth-stub.js';
import { useHarness } from './support/harness.js';
import { assertBuilt } from './support/reliability.js';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;

describe('the examples', () => {
  let el: NodeStub;
  let cl: NodeStub;
  before(async () => {
    // The examples import 'devnet-kit', which resolves to the built dist/index.js (package exports).
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
