import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  BinaryNotFoundError,
  CommandFailedError,
  CommandTimeoutError,
  InterruptedError,
} from '../lib/errors.js';
import { createRunner } from '../lib/exec/exec.js';
import type { DevnetEvent } from '../lib/models.js';
import { until } from './support/reliability.js';
import { tempDir, writeExecutable } from './support/tmp.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the exec layer', () => {
  const tmp = tempDir();
  let bin: string;
  let counter: string;
  before(() => {
    bin = writeExecutable(
      tmp.dir,
      'tool',
      `
const fs = require('node:fs');
const [mode, ...rest] = process.argv.slice(2);
if (mode === 'echo-env') { console.log(JSON.stringify({ CI: process.env.CI, TZ: process.env.TZ, NO_COLOR: process.env.NO_COLOR, KUBECONFIG: process.env.KUBECONFIG, HOME: process.env.HOME })); }
else if (mode === 'args') { console.log(JSON.stringify(rest)); }
else if (mode === 'stdin') { let s=''; process.stdin.on('data', d => s += d).on('end', () => console.log(s.toUpperCase())); }
else if (mode === 'kurtosis-error') {
  process.stderr.write('\\x1b[36mINFO\\x1b[0m[2026-08-20T10:21:00Z] Creating a new enclave for Starlark to run inside... \\n');
  process.stderr.write('Error:  An error occurred running command \\'inspect\\'\\n  Caused by: An error occurred calling the run function for command \\'inspect\\'\\n  Caused by: No enclave found with identifier \\'nope\\'\\n');
  process.exit(1);
}
else if (mode === 'ansi') { console.log('\\x1b[1mUUID\\x1b[0m   Name'); }
else if (mode === 'sleep') { setTimeout(() => {}, 10000); }
else if (mode === 'flaky') {
  const f = rest[0]; const n = fs.existsSync(f) ? Number(fs.readFileSync(f, 'utf8')) : 0; fs.writeFileSync(f, String(n + 1));
  if (n < Number(rest[1])) { process.stderr.write('The connection to the server 127.0.0.1:9 was refused - did you specify the right host or port?\\n'); process.exit(1); }
  console.log('ok after ' + n);
}
else if (mode === 'denied') { process.stderr.write('Error from server (Forbidden): pods is forbidden\\n'); console.log('{"apiVersion":"v1","kind":"List","items":[]}'); process.exit(1); }
else if (mode === 'lines') { for (let i = 0; i < 5; i++) console.log('line ' + i); }
else if (mode === 'stubborn') { fs.writeFileSync(rest[0], String(process.pid)); process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); }
else if (mode === 'pid-sleep') { fs.writeFileSync(rest[0], String(process.pid)); setInterval(() => {}, 1000); }
else if (mode === 'no-read') { process.exit(0); }
else if (mode === 'split-utf8') { const e = Buffer.from('é'); process.stdout.write(e.subarray(0, 1)); setTimeout(() => process.stdout.write(Buffer.concat([e.subarray(1), Buffer.from('\\n\\n')])), 50); }
else if (mode === 'crlf') { process.stdout.write('x\\r\\n'); }
else if (mode === 'follow') { let i = 0; const t = setInterval(() => console.log('tick ' + i++), 20); process.on('SIGINT', () => { clearInterval(t); process.exit(0); }); }
`,
    );
    counter = `${tmp.dir}/count`;
  });
  after(() => tmp.cleanup());

  it('passes argv as an array, so shell metacharacters reach the tool untouched', async () => {
    const runner = createRunner({ binaries: { kubectl: bin } });
    const weird = ['$(touch /tmp/pwned)', '; rm -rf /', "it's", '`id`', '../x'];
    const result = await runner.run({ tool: 'kubectl', args: ['args', ...weird] });
    assert.deepEqual(JSON.parse(result.stdout), weird);
    assert.equal(result.exitCode, 0);
  });

  it('sets CI, TZ and NO_COLOR for kurtosis and passes KUBECONFIG and HOME through', async () => {
    const runner = createRunner({
      binaries: { kurtosis: bin },
      env: { PATH: process.env.PATH, HOME: '/home/test', KUBECONFIG: '/tmp/kc' },
    });
    const env = JSON.parse((await runner.run({ tool: 'kurtosis', args: ['echo-env'] })).stdout);
    assert.deepEqual(env, {
      CI: 'true',
      TZ: 'UTC',
      NO_COLOR: '1',
      KUBECONFIG: '/tmp/kc',
      HOME: '/home/test',
    });
  });

  it('lets the kubeconfig option override the inherited KUBECONFIG', async () => {
    const runner = createRunner({
      binaries: { kubectl: bin },
      env: { PATH: process.env.PATH, KUBECONFIG: '/users/own' },
      kubeconfig: '/tmp/overlay:/users/own',
    });
    const env = JSON.parse((await runner.run({ tool: 'kubectl', args: ['echo-env'] })).stdout);
    assert.equal(env.KUBECONFIG, '/tmp/overlay:/users/own');
    assert.equal(env.CI, undefined);
  });

  it('takes binaries from DEVNET_KIT_KURTOSIS / DEVNET_KIT_KUBECTL', async () => {
    const runner = createRunner({ env: { PATH: dirname(process.execPath), DEVNET_KIT_KUBECTL: bin } });
    assert.equal((await runner.run({ tool: 'kubectl', args: ['lines'] })).stdout.split('\n').length, 5);
  });

  it('feeds stdin when input is given', async () => {
    const runner = createRunner({ binaries: { kubectl: bin } });
    assert.equal((await runner.run({ tool: 'kubectl', args: ['stdin'], input: 'abc' })).stdout, 'ABC');
  });

  it('strips ANSI codes from what is parsed', async () => {
    const runner = createRunner({ binaries: { kurtosis: bin } });
    assert.equal((await runner.run({ tool: 'kurtosis', args: ['ansi'] })).stdout, 'UUID   Name');
  });

  it('turns a Kurtosis error block into a CommandFailedError with argv, exit code and root cause', async () => {
    const runner = createRunner({ binaries: { kurtosis: bin } });
    const error = await runner.run({ tool: 'kurtosis', args: ['kurtosis-error'] }).catch((e: unknown) => e);
    assert.ok(error instanceof CommandFailedError);
    assert.deepEqual(error.argv, [bin, 'kurtosis-error']);
    assert.equal(error.exitCode, 1);
    assert.equal(error.rootCause, "No enclave found with identifier 'nope'");
    assert.match(error.message.split('\n')[0]!, /kurtosis-error` failed with exit code 1: No enclave found/);
    assert.ok(!error.message.includes('\x1b'), 'no ANSI in the message');
    assert.ok(!error.stderrTail.some((l) => l.startsWith('INFO')), 'INFO noise is not in the tail');
  });

  it('checks the exit code before anything is parsed (kubectl prints an empty List on failure)', async () => {
    const runner = createRunner({ binaries: { kubectl: bin } });
    const error = await runner.run({ tool: 'kubectl', args: ['denied'] }).catch((e: unknown) => e);
    assert.ok(error instanceof CommandFailedError);
    assert.equal(error.rootCause, 'Error from server (Forbidden): pods is forbidden');
  });

  it('kills a command at its timeout with a CommandTimeoutError', async () => {
    const runner = createRunner({ binaries: { kubectl: bin } });
    const started = Date.now();
    const error = await runner
      .run({ tool: 'kubectl', args: ['sleep'], timeoutMs: 300 })
      .catch((e: unknown) => e);
    assert.ok(error instanceof CommandTimeoutError);
    assert.equal(error.timeoutMs, 300);
    assert.ok(Date.now() - started < 5000);
    assert.match(error.message, /timed out after 300ms/);
  });

  it('sends SIGKILL 3 s after the kill signal to a tool that ignores it', async () => {
    const runner = createRunner({ binaries: { kubectl: bin } });
    const pidFile = `${tmp.dir}/stubborn.pid`;
    const error = await runner
      .run({ tool: 'kubectl', args: ['stubborn', pidFile], timeoutMs: 300 })
      .catch((e: unknown) => e);
    assert.ok(error instanceof CommandTimeoutError);
    assert.equal((error.cause as { signal?: string }).signal, 'SIGKILL');
    assert.throws(() => process.kill(Number(readFileSync(pidFile, 'utf8')), 0), /ESRCH/);
  });

  for (const how of ['process.exit', 'SIGTERM'] as const) {
    it(`takes a running tool with it when its process ends (${how})`, async () => {
      const pidFile = `${tmp.dir}/orphan-${how}.pid`;
      const script = [
        `import { createRunner } from ${JSON.stringify(new URL('../lib/exec/exec.ts', import.meta.url).pathname)};`,
        `import { existsSync } from 'node:fs';`,
        `createRunner({ binaries: { kubectl: ${JSON.stringify(bin)} } }).run({ tool: 'kubectl', args: ['pid-sleep', ${JSON.stringify(pidFile)}] });`,
        `const t = setInterval(() => { if (existsSync(${JSON.stringify(pidFile)})) { clearInterval(t); ${
          how === 'process.exit'
            ? 'process.exit(0);'
            : "process.kill(process.pid, 'SIGTERM'); setInterval(() => {}, 1000);"
        } } }, 20);`,
      ].join('\n');
      const parent = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        timeout: 30_000,
        encoding: 'utf8',
      });
      assert.equal(parent.error, undefined);
      assert.equal(
        how === 'SIGTERM' ? parent.signal : parent.status,
        how === 'SIGTERM' ? 'SIGTERM' : 0,
        parent.stderr,
      );
      const pid = Number(readFileSync(pidFile, 'utf8'));
      await until(`tool ${pid} gone`, () => !alive(pid), 5000);
    });
  }

  it('is not failed by a tool that exits without reading its input', async () => {
    const runner = createRunner({ binaries: { kubectl: bin } });
    const result = await runner.run({ tool: 'kubectl', args: ['no-read'], input: 'x'.repeat(4 << 20) });
    assert.equal(result.exitCode, 0);
  });

  it('decodes UTF-8 split across reads and drops one final newline, LF or CRLF', async () => {
    const runner = createRunner({ binaries: { kubectl: bin } });
    assert.equal((await runner.run({ tool: 'kubectl', args: ['split-utf8'] })).stdout, 'é\n');
    assert.equal((await runner.run({ tool: 'kubectl', args: ['crlf'] })).stdout, 'x');
  });

  it('reports a binary it may not run as not found', async () => {
    const plain = `${tmp.dir}/not-executable`;
    writeFileSync(plain, '#!/bin/sh\n');
    const runner = createRunner({ binaries: { kubectl: plain } });
    const error = await runner.run({ tool: 'kubectl', args: ['get'] }).catch((e: unknown) => e);
    assert.ok(error instanceof BinaryNotFoundError, String(error));
  });

  it('reports a missing binary with an install hint', async () => {
    const runner = createRunner({ binaries: { kurtosis: `${tmp.dir}/no-such-kurtosis` } });
    const error = await runner.run({ tool: 'kurtosis', args: ['version'] }).catch((e: unknown) => e);
    assert.ok(error instanceof BinaryNotFoundError);
    assert.match(error.message, /kurtosis not found .*install the Kurtosis CLI/);
  });

  it('retries an idempotent read on a transient failure, within a small budget', async () => {
    const events: DevnetEvent[] = [];
    const runner = createRunner({
      binaries: { kubectl: bin },
      retry: { retries: 2, minTimeoutMs: 10 },
      onEvent: (e) => events.push(e),
    });
    const ok = await runner.run({ tool: 'kubectl', args: ['flaky', `${counter}-a`, '2'], idempotent: true });
    assert.equal(ok.stdout, 'ok after 2');
    assert.equal(events.filter((e) => e.type === 'retry').length, 2);
    const failed = await runner
      .run({ tool: 'kubectl', args: ['flaky', `${counter}-b`, '5'], idempotent: true })
      .catch((e: unknown) => e);
    assert.ok(failed instanceof CommandFailedError, 'gives up after the budget');
  });

  it('never retries a write, even on a transient failure', async () => {
    const runner = createRunner({ binaries: { kubectl: bin }, retry: { retries: 2, minTimeoutMs: 10 } });
    const error = await runner
      .run({ tool: 'kubectl', args: ['flaky', `${counter}-c`, '1'] })
      .catch((e: unknown) => e);
    assert.ok(error instanceof CommandFailedError);
  });

  it('emits spawn and exit events with the argv', async () => {
    const events: DevnetEvent[] = [];
    const runner = createRunner({ binaries: { kubectl: bin }, onEvent: (e) => events.push(e) });
    await runner.run({ tool: 'kubectl', args: ['lines'] });
    assert.deepEqual(
      events.map((e) => e.type),
      ['spawn', 'exit'],
    );
    assert.deepEqual((events[0] as { argv: string[] }).argv, [bin, 'lines']);
  });

  it('reports live lines through onLine', async () => {
    const lines: string[] = [];
    const runner = createRunner({ binaries: { kubectl: bin } });
    await runner.run({ tool: 'kubectl', args: ['lines'], onLine: (_s, l) => lines.push(l) });
    assert.deepEqual(lines, ['line 0', 'line 1', 'line 2', 'line 3', 'line 4']);
  });

  it('cancels a run through an AbortSignal with an InterruptedError', async () => {
    const runner = createRunner({ binaries: { kubectl: bin } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await runner
      .run({ tool: 'kubectl', args: ['sleep'], signal: controller.signal })
      .catch((e: unknown) => e);
    assert.ok(error instanceof InterruptedError);
  });

  it('follows a stream and stops it with the requested signal', async () => {
    const runner = createRunner({ binaries: { kurtosis: bin } });
    const handle = runner.follow({ tool: 'kurtosis', args: ['follow'], killSignal: 'SIGINT' });
    const seen: string[] = [];
    for await (const line of handle.lines) {
      seen.push(line);
      if (seen.length === 3) handle.stop();
    }
    const result = await handle.done;
    assert.deepEqual(seen.slice(0, 3), ['tick 0', 'tick 1', 'tick 2']);
    assert.equal(result.exitCode, 0, 'SIGINT lets the tool exit cleanly');
  });
});
