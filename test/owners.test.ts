// Owner isolation: two owners share one cluster. Whatever one of them runs — up, use, down --all, gc —
// never writes to the other's devnets: on Kubernetes the fake API server's request log shows no
// PATCH/POST/DELETE in the other's namespaces and the other's objects keep their resourceVersions; on
// Docker the other's entries in the local state file stay as they were. Only `gc --all-owners` (the
// cluster-wide CronJob) crosses owners, and then only for expired devnets.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { localStatePath } from '../lib/backends/metadata.js';
import { applyIngress, down, gc, InvalidInputError, listEnclaves, setDefault, up } from '../lib/index.js';
import { MINIMAL } from './support/args-fixtures.js';
import { KUBE_CONFIG, useHarness } from './support/harness.js';
import { hasKubectl } from './support/kube-env.js';
import { orphans, sleep, TSX } from './support/reliability.js';

const skip = (await hasKubectl()) ? false : 'kubectl is not on PATH';
const BASE = KUBE_CONFIG.devnet.ingress.base_domain;

interface KubeObject {
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: { rules?: { host?: string }[] };
}

describe('owner isolation on Kubernetes with ingress', { skip }, () => {
  const h = useHarness('kubernetes');
  const server = () => h.kube!.server;
  const as = (owner: string) => h.options({ owner });
  const cli = (owner: string, args: string[]) => h.cli(['--owner', owner, ...args]);

  /** Everything of `owner` on the cluster: namespaces and Ingresses, with their resourceVersions. */
  function objectsOf(owner: string): string[] {
    const namespaces = (server().list('namespaces') as KubeObject[]).filter(
      (n) => n.metadata.labels?.['devnet-kit/owner'] === owner,
    );
    const names = new Set(namespaces.map((n) => n.metadata.name));
    const ingresses = (server().list('ingresses') as KubeObject[]).filter((i) =>
      names.has(i.metadata.namespace ?? ''),
    );
    return [
      ...namespaces.map(
        (n) =>
          `Namespace ${n.metadata.name}@${n.metadata.resourceVersion} ${JSON.stringify(n.metadata.annotations)}`,
      ),
      ...ingresses.map(
        (i) => `Ingress ${i.metadata.namespace}/${i.metadata.name}@${i.metadata.resourceVersion}`,
      ),
    ].sort();
  }

  /** Requests since `from` that change something in one of `owner`'s namespaces (or the namespace). */
  function writesTo(owner: string, from = 0): string[] {
    const prefix = `kt-${owner}-`;
    return server()
      .requests.slice(from)
      .filter((r) => r.method !== 'GET' && r.path.includes(`/namespaces/${prefix}`))
      .map((r) => `${r.method} ${r.path}`);
  }

  /** Alias host → the namespaces of the Ingresses serving it. */
  function aliasHosts(owner: string): Map<string, string[]> {
    const hosts = new Map<string, string[]>();
    for (const i of server().list('ingresses') as KubeObject[]) {
      if (
        i.metadata.labels?.['devnet-kit/alias'] !== 'true' ||
        i.metadata.labels['devnet-kit/owner'] !== owner
      )
        continue;
      for (const rule of i.spec?.rules ?? []) {
        hosts.set(rule.host!, [...(hosts.get(rule.host!) ?? []), i.metadata.namespace!]);
      }
    }
    return hosts;
  }

  /** Each of `owner`'s alias hosts is served by exactly one Ingress, in the namespace of `devnet`. */
  function assertAliasOn(owner: string, devnet: string): void {
    const hosts = aliasHosts(owner);
    assert.ok(hosts.size >= 5, `${owner} has alias hosts (${hosts.size})`);
    for (const [host, namespaces] of hosts) {
      assert.match(host, new RegExp(`^[a-z0-9-]+\\.${owner}\\.${BASE.replaceAll('.', '\\.')}$`));
      assert.deepEqual(namespaces, [`kt-${devnet}`], `${host} → one Ingress, on ${devnet}`);
    }
  }

  before(async () => {
    writeFileSync(join(h.cwd, 'devnet-kit.yaml'), JSON.stringify(KUBE_CONFIG));
    // bob's devnets: one that expires at once, one that never does, and his default (the newest up).
    await up({ ...as('bob'), name: 'bob-exp', argsFile: MINIMAL, ttl: '1s' });
    await up({ ...as('bob'), name: 'bob-old', argsFile: MINIMAL });
    await up({ ...as('bob'), name: 'bob-new', argsFile: MINIMAL });
    assertAliasOn('bob', 'bob-new');
  });

  it("alice's up, use and down never write to bob's namespaces or Ingresses; both alias sets stay one Ingress per host", async () => {
    const bobBefore = objectsOf('bob');
    const from = server().requests.length;
    await up({ ...as('alice'), name: 'alice-1', argsFile: MINIMAL });
    assertAliasOn('alice', 'alice-1');
    const upped = await cli('alice', ['up', 'alice-2', '-f', MINIMAL]);
    assert.equal(upped.code, 0, upped.stderr);
    assertAliasOn('alice', 'alice-2');
    const used = await cli('alice', ['use', 'alice-1']);
    assert.equal(used.code, 0, used.stderr);
    assertAliasOn('alice', 'alice-1');
    await down('alice-1', as('alice'));
    assertAliasOn('alice', 'alice-2');

    assert.ok(writesTo('alice', from).length > 0, 'the log does record writes (to alice’s namespaces)');
    assert.deepEqual(writesTo('bob', from), [], "no PATCH/POST/DELETE in bob's namespaces");
    assert.deepEqual(objectsOf('bob'), bobBefore, "bob's namespaces and Ingresses are unchanged");
    assertAliasOn('bob', 'bob-new');
  });

  it("alice cannot use, down or re-expose bob's devnets: exit 2 naming the owner, and nothing is written", async () => {
    const from = server().requests.length;
    const used = await cli('alice', ['use', 'bob-old']);
    assert.equal(used.code, 2, used.stderr);
    assert.match(
      used.stderr,
      /devnet 'bob-old' belongs to owner 'bob', not 'alice'; pass --owner bob to act on it/,
    );
    const downed = await cli('alice', ['down', 'bob-old', 'alice-2']);
    assert.equal(downed.code, 2, downed.stderr);
    assert.match(downed.stderr, /belongs to owner 'bob'/);
    await assert.rejects(setDefault('bob-new', as('alice')), InvalidInputError);
    await assert.rejects(applyIngress('bob-new', as('alice')), InvalidInputError);
    const writes = server()
      .requests.slice(from)
      .filter((r) => r.method !== 'GET');
    assert.deepEqual(
      writes.map((r) => `${r.method} ${r.path}`),
      [],
      'not a single write, not even to alice-2',
    );
    assert.ok(
      h.fake.scope().enclaves.some((e) => e.name === 'alice-2'),
      'the typo-safe check kept alice-2 too',
    );
  });

  it("`down --all` as alice destroys alice's devnets only", async () => {
    await up({ ...as('alice'), name: 'alice-3', argsFile: MINIMAL });
    const bobBefore = objectsOf('bob');
    const from = server().requests.length;
    const r = await cli('alice', ['--json', 'down', '--all']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { removed: string[] }).removed.sort(), ['alice-2', 'alice-3']);
    assert.deepEqual(writesTo('bob', from), []);
    assert.deepEqual(objectsOf('bob'), bobBefore);
    assert.deepEqual(aliasHosts('alice').size, 0, "alice's alias Ingresses went with her devnets");
    assertAliasOn('bob', 'bob-new');
    assert.deepEqual(
      h.fake
        .scope()
        .enclaves.map((e) => e.name)
        .sort(),
      ['bob-exp', 'bob-new', 'bob-old'],
    );
  });

  it("`gc` removes this owner's expired devnets only; `gc --all-owners` removes every owner's", async () => {
    await up({ ...as('alice'), name: 'alice-exp', argsFile: MINIMAL, ttl: '1s' });
    await up({ ...as('alice'), name: 'alice-live', argsFile: MINIMAL });
    await sleep(1100); // bob-exp and alice-exp have expired
    const bobBefore = objectsOf('bob');
    let from = server().requests.length;
    const mine = await cli('alice', ['--json', 'gc']);
    assert.equal(mine.code, 0, mine.stderr);
    const doc = JSON.parse(mine.stdout) as { expired: { name: string; owner: string }[]; removed: string[] };
    assert.deepEqual(doc.removed, ['alice-exp']);
    assert.deepEqual(
      doc.expired.map((e) => e.owner),
      ['alice'],
    );
    assert.deepEqual(writesTo('bob', from), [], "plain gc never touches bob's expired devnet");
    assert.deepEqual(objectsOf('bob'), bobBefore);

    from = server().requests.length;
    const preview = await gc({ ...as('alice'), allOwners: true, dryRun: true });
    assert.deepEqual(
      preview.expired.map((e) => `${e.owner}/${e.name}`),
      ['bob/bob-exp'],
    );
    assert.deepEqual(
      server()
        .requests.slice(from)
        .filter((r) => r.method !== 'GET'),
      [],
      'a dry run writes nothing',
    );

    const all = await cli('alice', ['--json', 'gc', '--all-owners']);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual((JSON.parse(all.stdout) as { removed: string[] }).removed, ['bob-exp']);
    assert.deepEqual(
      h.fake
        .scope()
        .enclaves.map((e) => e.name)
        .sort(),
      ['alice-live', 'bob-new', 'bob-old'],
    );
    assertAliasOn('bob', 'bob-new');
    assertAliasOn('alice', 'alice-live');
  });

  it("`gc --all-owners` that removes another owner's default moves that owner's alias to their newest remaining devnet", async () => {
    await up({ ...as('bob'), name: 'bob-last', argsFile: MINIMAL, ttl: '1s' });
    assertAliasOn('bob', 'bob-last');
    await sleep(1100);
    const aliceBefore = objectsOf('alice');
    const from = server().requests.length;
    const result = await gc({ ...as('alice'), allOwners: true });
    assert.deepEqual(result.removed, ['bob-last']);
    assertAliasOn('bob', 'bob-new');
    assert.deepEqual(writesTo('alice', from), [], "alice's own devnets are not touched by the move");
    assert.deepEqual(objectsOf('alice'), aliceBefore);
  });

  it('leaves no kurtosis or kubectl process behind', async () => {
    await down({ all: true }, as('alice'));
    await down({ all: true }, as('bob'));
    assert.deepEqual(h.fake.scope().enclaves, []);
    assert.deepEqual(await orphans(h.fake.dir), []);
  });
});

describe('owner isolation on Docker', () => {
  const h = useHarness('docker');
  const as = (owner: string) => h.options({ owner });
  const cli = (owner: string, args: string[]) => h.cli(['--owner', owner, ...args]);
  const state = () => {
    try {
      return JSON.parse(readFileSync(localStatePath(h.env, 'docker'), 'utf8')) as Record<
        string,
        { name: string; owner?: string }
      >;
    } catch {
      return {};
    }
  };
  const entriesOf = (owner: string) =>
    Object.entries(state())
      .filter(([, e]) => e.owner === owner)
      .map(([uuid, e]) => JSON.stringify({ uuid, ...e }))
      .sort();

  before(async () => {
    await up({ ...as('bob'), name: 'bob-exp', argsFile: MINIMAL, ttl: '1s' });
    await up({ ...as('bob'), name: 'bob-1', argsFile: MINIMAL });
    await up({ ...as('alice'), name: 'alice-exp', argsFile: MINIMAL, ttl: '1s' });
    await up({ ...as('alice'), name: 'alice-1', argsFile: MINIMAL });
    await up({ ...as('alice'), name: 'alice-2', argsFile: MINIMAL });
  });

  it("ls shows the owner's devnets; use moves alice's default and never bob's", async () => {
    assert.deepEqual((await listEnclaves(as('alice'))).map((e) => e.name).sort(), [
      'alice-1',
      'alice-2',
      'alice-exp',
    ]);
    assert.equal((await listEnclaves({ ...as('alice'), allOwners: true })).length, 5);
    const bobBefore = entriesOf('bob');
    const used = await cli('alice', ['use', 'alice-1']);
    assert.equal(used.code, 0, used.stderr);
    const refused = await cli('alice', ['use', 'bob-1']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /belongs to owner 'bob'/);
    const listed = await listEnclaves({ ...as('alice'), allOwners: true });
    assert.deepEqual(
      listed
        .filter((e) => e.isDefault)
        .map((e) => e.name)
        .sort(),
      ['alice-1', 'bob-1'],
    );
    assert.deepEqual(entriesOf('bob'), bobBefore, "bob's state entries are unchanged");
  });

  it("gc as alice removes alice's expired devnet only; down --all as alice removes alice's only", async () => {
    await sleep(1100);
    const bobBefore = entriesOf('bob');
    const collected = await cli('alice', ['--json', 'gc']);
    assert.equal(collected.code, 0, collected.stderr);
    assert.deepEqual((JSON.parse(collected.stdout) as { removed: string[] }).removed, ['alice-exp']);
    const all = await cli('alice', ['--json', 'down', '--all']);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual((JSON.parse(all.stdout) as { removed: string[] }).removed.sort(), [
      'alice-1',
      'alice-2',
    ]);
    assert.deepEqual(
      h.fake
        .scope()
        .enclaves.map((e) => e.name)
        .sort(),
      ['bob-1', 'bob-exp'],
    );
    assert.deepEqual(entriesOf('bob'), bobBefore);
    assert.deepEqual(entriesOf('alice'), []);
  });

  it("gc --all-owners removes bob's expired devnet too, and nothing that has not expired", async () => {
    const r = await cli('alice', ['--json', 'gc', '--all-owners']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { removed: string[] }).removed, ['bob-exp']);
    assert.deepEqual(
      h.fake.scope().enclaves.map((e) => e.name),
      ['bob-1'],
    );
    await down('bob-1', as('bob'));
    assert.deepEqual(await orphans(h.fake.dir), []);
  });

  it("parallel devnet-kit processes of two owners never lose each other's ownership records", async () => {
    // The local state file is shared by every devnet-kit of this user (parallel CI jobs on one runner).
    // A lost record makes a devnet ownerless: invisible to `ls`, `down --all` and `gc` — a leak.
    const writer = new URL('./support/meta-writer.ts', import.meta.url).pathname;
    const count = 150;
    const run = (owner: string) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ['--import', TSX, writer, owner, String(count)], {
          env: h.env,
          cwd: h.cwd,
          stdio: 'inherit',
        });
        child.on('exit', resolve);
      });
    const codes = await Promise.all(['alice', 'bob', 'carol'].map(run));
    assert.deepEqual(codes, [0, 0, 0]);
    for (const owner of ['alice', 'bob', 'carol']) {
      const written = Object.entries(state()).filter(
        ([uuid, e]) => uuid.startsWith(`writer-${owner}-`) && e.owner === owner,
      );
      assert.equal(written.length, count, `${owner}: every record kept`);
    }
  });
});
