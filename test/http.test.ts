// lib/exec/http.ts against local servers: what a node answers, and each way a request ends early.

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { InterruptedError } from '../lib/errors.js';
import { HttpUnreachableError, httpRequest } from '../lib/exec/http.js';

describe('httpRequest', () => {
  let server: Server;
  let base: string;
  const seen: { method?: string; type?: string; body: string }[] = [];
  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (d: string) => {
        body += d;
      });
      req.on('end', () => {
        seen.push({ method: req.method, type: req.headers['content-type'], body });
        if (req.url === '/slow') return; // never answers
        if (req.url === '/cut') {
          res.writeHead(200, { 'content-length': '100' });
          res.write('{"partial":');
          res.destroy();
          return;
        }
        res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('GETs, and POSTs JSON with its content type, returning status and text', async () => {
    assert.deepEqual(await httpRequest({ url: `${base}/` }), { status: 200, text: '{"ok":true}' });
    const res = await httpRequest({ url: `${base}/missing`, json: { jsonrpc: '2.0', id: 1 } });
    assert.equal(res.status, 404);
    assert.deepEqual(seen.at(-1), {
      method: 'POST',
      type: 'application/json',
      body: '{"jsonrpc":"2.0","id":1}',
    });
  });

  it('a node that does not answer in time, one that refuses, one that hangs up mid-answer: HttpUnreachableError', async () => {
    await assert.rejects(httpRequest({ url: `${base}/slow`, timeoutMs: 200 }), (e: unknown) => {
      assert.ok(e instanceof HttpUnreachableError);
      assert.match(e.message, /no answer within 200 ms/);
      return true;
    });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(httpRequest({ url: `http://127.0.0.1:${port}/` }), (e: unknown) => {
      assert.ok(e instanceof HttpUnreachableError);
      assert.match(e.message, /ECONNREFUSED/);
      return true;
    });
    await assert.rejects(httpRequest({ url: `${base}/cut` }), HttpUnreachableError);
  });

  it('the caller’s signal cancels at once (InterruptedError), before and during a request', async () => {
    const controller = new AbortController();
    const pending = httpRequest({ url: `${base}/slow`, signal: controller.signal, timeoutMs: 30_000 });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, InterruptedError);
    await assert.rejects(httpRequest({ url: `${base}/`, signal: controller.signal }), InterruptedError);
  });

  it('many requests on one signal (a status of every node at once) add no listener warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const controller = new AbortController();
      await Promise.all(
        Array.from({ length: 24 }, () => httpRequest({ url: `${base}/`, signal: controller.signal })),
      );
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(
        warnings.map((w) => w.message),
        [],
      );
    } finally {
      process.off('warning', onWarning);
    }
  });
});
