// shutdown.test.mjs: SIGTERM and SIGINT let requests in flight finish, then
// the process exits 0; no answer is ever cut in the middle.

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import { canConnect, formEncode, parseRawResponse, rawConnect, setupServer } from './lib.mjs';

/* Resolves when the bytes received on a raw connection satisfy `test`;
 * rejects at the deadline or when the connection ends first. */
function waitForBytes(conn, test, what, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const check = () => {
      const buf = Buffer.concat(conn.chunks);
      if (test(buf)) {
        cleanup();
        resolve(buf);
      }
    };
    const onEnd = () => {
      cleanup();
      reject(new Error(`connection closed before ${what}: ${JSON.stringify(Buffer.concat(conn.chunks).toString('latin1').slice(0, 300))}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      conn.socket.off('data', onData);
      conn.socket.off('end', onEnd);
    };
    const onData = () => setImmediate(check);
    conn.socket.on('data', onData);
    conn.socket.on('end', onEnd);
    check();
  });
}

/* Waits until the server refuses new connections (it has taken the signal
 * into account), up to a deadline; true when it did. */
async function waitRefused(port, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await canConnect(port))) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

describe('graceful shutdown', () => {
  const servers = [];
  after(async () => {
    for (const s of servers) await s.cleanup();
  });

  it('a POST whose body is half sent when SIGTERM arrives still gets its whole answer', async () => {
    const srv = await setupServer();
    servers.push(srv);
    const c = srv.client();
    const { csrf } = await c.form('/login');
    const body = Buffer.from(formEncode({ email: srv.users.agent.email, password: srv.users.agent.password, csrf }));
    const half = Math.floor(body.length / 2);

    const conn = await rawConnect(srv.port);
    conn.socket.write(
      `POST /login HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\n` +
        'Content-Type: application/x-www-form-urlencoded\r\n' +
        `Content-Length: ${body.length}\r\nCookie: ${c.cookieHeader()}\r\n` +
        'Expect: 100-continue\r\nConnection: close\r\n\r\n',
    );
    // "100 Continue" proves the server has read the headers: the request is in flight.
    await waitForBytes(conn, (b) => /^HTTP\/1\.1 100/.test(b.toString('latin1')), '100 Continue');
    conn.chunks.length = 0;
    conn.socket.write(body.subarray(0, half));

    srv.signal('SIGTERM');
    // Once new connections are refused, the server is surely shutting down.
    await waitRefused(srv.port);
    conn.socket.write(body.subarray(half));

    const raw = await conn.response;
    const res = parseRawResponse(raw);
    assert.equal(res.status, 303, `answer: ${raw.toString('utf8').slice(0, 500)}`);
    assert.equal(res.headers.location, '/');
    assert.match(res.headers['set-cookie'] ?? '', /guichet_session=/);

    const exit = await srv.waitExit();
    assert.deepEqual(exit, { code: 0, signal: null }, `exit: ${JSON.stringify(exit)}\n${srv.log.slice(-2000)}`);
    assert.equal(await canConnect(srv.port), false, 'a connection was accepted after the server exited');
  });

  it('an idle keep-alive connection does not hold the shutdown back', async () => {
    const srv = await setupServer();
    servers.push(srv);
    const conn = await rawConnect(srv.port);
    conn.socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\n\r\n`);
    await waitForBytes(
      conn,
      (b) => {
        try {
          parseRawResponse(b);
          return true;
        } catch {
          return false;
        }
      },
      'an answer to GET /healthz',
    );
    const started = Date.now();
    srv.signal('SIGTERM');
    // Well below the grace period (20 s): an idle connection is not a request in flight.
    const exit = await srv.waitExit(10_000);
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.ok(Date.now() - started < 10_000);
    conn.socket.destroy();
  });

  it('SIGINT stops the server cleanly too', async () => {
    const srv = await setupServer({ users: {}, serveArgs: ['--threads', '1'] });
    servers.push(srv);
    assert.equal((await srv.client().get('/healthz')).status, 200);
    await srv.stop('SIGINT');
    assert.equal(await canConnect(srv.port), false);
  });

  it('many concurrent GETs with a SIGTERM in the middle: every answer is whole', async () => {
    const srv = await setupServer({ users: {} });
    servers.push(srv);
    const paths = ['/static/guichet.css', '/login', '/about', '/healthz'];
    const reference = {};
    for (const p of paths) {
      const res = await srv.client().get(p);
      assert.equal(res.status, 200, `${p} answered ${res.status}`);
      reference[p] = res.body;
    }

    const TOTAL = 240;
    const CONCURRENCY = 16;
    const SIGNAL_AFTER = 60;
    let next = 0;
    let answered = 0;
    let signalled = false;
    const results = [];

    const worker = async () => {
      while (next < TOTAL) {
        const i = next++;
        const p = paths[i % paths.length];
        try {
          const res = await srv.client().get(p);
          results.push({ p, res });
          answered++;
        } catch (e) {
          results.push({ p, error: e });
        }
        if (!signalled && answered >= SIGNAL_AFTER) {
          signalled = true;
          srv.signal('SIGTERM');
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    assert.ok(signalled, `only ${answered} requests were answered before the end`);

    const exit = await srv.waitExit();
    assert.deepEqual(exit, { code: 0, signal: null }, `exit: ${JSON.stringify(exit)}\n${srv.log.slice(-2000)}`);

    const cut = results.filter((r) => r.error?.afterHeaders);
    assert.deepEqual(cut.map((r) => `${r.p}: ${r.error.message}`), [], 'answers were cut off');
    for (const { p, res } of results.filter((r) => r.res)) {
      assert.ok([200, 503].includes(res.status), `${p} answered ${res.status} during shutdown`);
      if (res.status === 200 && p !== '/login') assert.deepEqual(res.body, reference[p], `${p}: the body differs`);
      if (res.status === 200 && p === '/login') assert.match(res.text, /<\/html>\s*$/i, '/login: the page is incomplete');
    }
    assert.ok(results.filter((r) => r.res).length >= SIGNAL_AFTER);
    // What was not answered was refused or dropped before any answer.
    for (const r of results.filter((x) => x.error && !x.error.afterHeaders)) {
      assert.match(String(r.error.code ?? r.error.message), /ECONNREFUSED|ECONNRESET|EPIPE|socket hang up/i, `${r.p}: ${r.error.message}`);
    }
  });
});
