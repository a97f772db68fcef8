// A Docker devnet of one EL/CL pair whose nodes are HTTP stubs on the host ports Kurtosis published:
// what the Docker suites of the waits and of `status` read (test/wait.test.ts, test/status.test.ts).

import { after, before } from 'node:test';
import { type Devnet, up } from '../../lib/index.js';
import { ONE_PAIR_FAST, writeArgsFile } from './args-fixtures.js';
import { type NodeStub, startNode } from './eth-stub.js';
import { type Harness, useHarness } from './harness.js';

export interface DockerNodePair {
  h: Harness;
  el: NodeStub;
  cl: NodeStub;
  /** The devnet `name`, up for the owner alice. */
  net: Devnet;
}

/**
 * The stubs, the harness and `up` of `name`, made in `before()` hooks, removed in `after()` (the stubs
 * after the harness); the fields exist inside hooks and tests.
 */
export function useDockerNodePair(name: string, stub: Parameters<typeof startNode>[1] = {}): DockerNodePair {
  let el: NodeStub | undefined;
  let cl: NodeStub | undefined;
  let net: Devnet | undefined;
  const made = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useDockerNodePair: ${what} exists only inside hooks and tests`);
    return value;
  };
  before(async () => {
    [el, cl] = await Promise.all([startNode('el', stub), startNode('cl', stub)]);
  });
  const h = useHarness('docker', () => ({
    ids: {
      services: {
        'el-1-geth-lighthouse': { hostPorts: { rpc: made(el, 'el').port } },
        'cl-1-lighthouse-geth': { hostPorts: { http: made(cl, 'cl').port } },
      },
    },
  }));
  before(async () => {
    net = await up({ ...h.options(), name, argsFile: writeArgsFile(h.cwd, 'one-pair.yaml', ONE_PAIR_FAST) });
  });
  after(async () => {
    await el?.close().catch(() => {});
    await cl?.close().catch(() => {});
  });
  return {
    h,
    get el() {
      return made(el, 'el');
    },
    get cl() {
      return made(cl, 'cl');
    },
    get net() {
      return made(net, 'net');
    },
  };
}
