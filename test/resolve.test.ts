// One way to find a devnet (lib/backends/resolve.ts): on both backends, every command that takes a
// devnet gives the same answer for the same identifier — a name, a full UUID, a short (12-character)
// UUID, none (the owner's default, where the command has one), an unknown one, another owner's devnet.
// Reads may name anyone's devnet; writes (use, down) refuse another owner's. Each command's answer is
// told apart by what it returns: alice's devnet runs geth/lighthouse, bob's nethermind/teku.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { matchDevnet } from '../lib/backends/resolve.js';
import {
  DevnetKitError,
  down,
  forward,
  getLogs,
  inspectEnclave,
  listEnclaves,
  listEndpoints,
  listServices,
  setDefault,
  status,
  up,
} from '../lib/index.js';
import { createHarness, type Harness } from './support/harness.js';
import { hasKubectl } from './support/kube-env.js';
import { MINIMAL } from './support/reliability.js';

const skipKube = (await hasKubectl()) ? false : 'kubectl is not on PATH';
const BOB_ARGS = {
  participants: [{ el_type: 'nethermind', cl_type: 'teku' }],
  network_params: { preset: 'minimal' },
};

/** Which devnet a list of service names belongs to (helper containers like the keystore one tell nothing). */
function devnetOfServices(names: readonly string[]): string {
  const devnets = new Set<string>();
  for (const n of names) {
    if (n.includes('geth')) devnets.add('a1');
    else if (n.includes('nethermind')) devnets.add('b1');
  }
  assert.equal(devnets.size, 1, `services of one devnet: ${names.join(', ')}`);
  return [...devnets][0]!;
}

type Answer = string; // the devnet's name, or the error's code
type Command = (id: string | undefined, options: ReturnType<Harness['options']>) => Promise<Answer>;

/** `undefined` id: the command has no default devnet (its name is required). */
const COMMANDS: Record<string, { takesDefault: boolean; write: boolean; run: Command }> = {
  inspect: {
    takesDefault: false,
    write: false,
    run: async (id, o) => (await inspectEnclave(id!, o)).enclave.name,
  },
  services: {
    takesDefault: false,
    write: false,
    run: async (id, o) => devnetOfServices((await listServices(id!, o)).map((s) => s.name)),
  },
  endpoints: {
    takesDefault: true,
    write: false,
    run: async (id, o) => {
      const endpoints = await listEndpoints(id, o);
      assert.ok(endpoints.length > 0, 'the devnet has public endpoints');
      return devnetOfServices(endpoints.map((e) => e.service));
    },
  },
  logs: {
    takesDefault: false,
    write: false,
    run: async (id, o) => {
      const lines = await getLogs(id!, { ...o, tail: 1 });
      assert.ok(lines.length > 0, 'the devnet has log lines');
      return devnetOfServices(lines.map((l) => l.service));
    },
  },
  status: {
    takesDefault: true,
    write: false,
    run: async (id, o) => (await status(id, { ...o, requestTimeoutMs: 300 })).devnet,
  },
  forward: {
    takesDefault: true,
    write: false,
    run: async (id, o) => {
      const fw = await forward(id, [], o);
      await fw.stop();
      return fw.devnet;
    },
  },
  use: {
    takesDefault: false,
    write: true,
    run: async (id, o) => (await setDefault(id!, o)).name,
  },
  // Destroys nothing: every target is resolved before anything is removed, so a resolved `id` shows as
  // the NotFoundError of the unknown second target.
  down: {
    takesDefault: false,
    write: true,
    run: async (id, o) => {
      try {
        await down([id!, 'zz-no-such-devnet'], o);
      } catch (error) {
        if (
          error instanceof DevnetKitError &&
          error.code === 'NOT_FOUND' &&
          /zz-no-such-devnet/.test(error.message)
        )
          return 'resolved';
        throw error;
      }
      throw new Error('down removed something');
    },
  },
};

async function answer(command: Command, id: string | undefined, o: ReturnType<Harness['options']>) {
  try {
    return await command(id, o);
  } catch (error) {
    if (error instanceof DevnetKitError) return error.code;
    throw error;
  }
}

for (const backend of ['docker', 'kubernetes'] as const) {
  describe(`which devnet an identifier means, on ${backend}`, {
    skip: backend === 'kubernetes' && skipKube,
  }, () => {
    let h: Harness;
    let a1: { uuid: string };
    let b1: { uuid: string };
    before(async () => {
      h = await createHarness(backend);
      await up({ ...h.options({ owner: 'bob' }), name: 'b1', args: BOB_ARGS, wait: 'none' });
      await up({ ...h.options(), name: 'a1', argsFile: MINIMAL, wait: 'none' });
      const all = await listEnclaves({ ...h.options(), allOwners: true });
      a1 = all.find((e) => e.name === 'a1')!;
      b1 = all.find((e) => e.name === 'b1')!;
      assert.match(a1.uuid, /^[0-9a-f]{32}$/);
      assert.notEqual(a1.uuid.slice(0, 12), b1.uuid.slice(0, 12));
    });
    after(async () => {
      await h?.cleanup();
    });

    const rows = (): { ref: string; id: string | undefined; read: Answer; write: Answer }[] => [
      { ref: 'name', id: 'a1', read: 'a1', write: 'a1' },
      { ref: 'full uuid', id: a1.uuid, read: 'a1', write: 'a1' },
      { ref: 'short uuid', id: a1.uuid.slice(0, 12), read: 'a1', write: 'a1' },
      { ref: 'default', id: undefined, read: 'a1', write: 'n/a' },
      { ref: 'unknown', id: 'nope-404', read: 'NOT_FOUND', write: 'NOT_FOUND' },
      { ref: "other owner's name", id: 'b1', read: 'b1', write: 'INVALID_INPUT' },
      { ref: "other owner's short uuid", id: b1.uuid.slice(0, 12), read: 'b1', write: 'INVALID_INPUT' },
    ];

    for (const [name, command] of Object.entries(COMMANDS)) {
      it(`${name}: name, full and short uuid, default, unknown, another owner's`, async () => {
        const got: Record<string, Answer> = {};
        const want: Record<string, Answer> = {};
        for (const row of rows()) {
          if (row.id === undefined && !command.takesDefault) continue;
          const expected = command.write ? row.write : row.read;
          want[row.ref] = command.write && expected === 'a1' && name === 'down' ? 'resolved' : expected;
          got[row.ref] = await answer(command.run, row.id, h.options());
        }
        assert.deepEqual(got, want);
      });
    }
  });
}

describe('matchDevnet', () => {
  const refs = [
    { name: 'old', uuid: 'abcdef012345aaaaaaaaaaaaaaaaaaaa', meta: { terminating: true } },
    { name: 'old', uuid: 'abcdef012345bbbbbbbbbbbbbbbbbbbb' },
    { name: 'abcdef01234c', uuid: '0123456789ab0123456789ab01234567' },
  ] as Parameters<typeof matchDevnet>[0];

  it('prefers a live devnet to one going away under the same name', () => {
    assert.equal(matchDevnet(refs, 'old')?.uuid, 'abcdef012345bbbbbbbbbbbbbbbbbbbb');
  });
  it('takes a full uuid even of a devnet going away', () => {
    assert.equal(matchDevnet(refs, 'abcdef012345aaaaaaaaaaaaaaaaaaaa')?.meta?.terminating, true);
  });
  it('a name wins over a short uuid, as in Kurtosis', () => {
    assert.equal(matchDevnet(refs, 'abcdef01234c')?.name, 'abcdef01234c');
    assert.equal(matchDevnet(refs, '0123456789ab')?.name, 'abcdef01234c');
  });
  it('a short uuid that matches two devnets, or is not 12 hex digits, matches none', () => {
    assert.equal(matchDevnet(refs, 'abcdef012345'), undefined);
    assert.equal(matchDevnet(refs, '0123456789a'), undefined);
    assert.equal(matchDevnet(refs, '0123456789AB'), undefined);
  });
});
