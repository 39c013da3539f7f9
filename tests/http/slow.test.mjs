// slow.test.mjs: connection handling against slow and numerous clients.
// A client sending its request head or body a byte at a time is cut at its
// deadline while others are served; the budget of connections, in all and
// per address; behind a trusted proxy, the limit per forwarded address on
// requests in flight (429), never on the proxy's own connections; /metrics
// closed without its token, or on an address of its own.
//
// Deadlines are made short through the settings; the tests wait for the
// server's events (a close, a 100 Continue), never for time itself. The
// trickling clients write a byte every TRICKLE_MS so that the idle timeout
// (30 s) never ends them: only the deadline can.

import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';

import { HOST, parseRawResponse, rawConnect, request, setupServer } from './lib.mjs';

const TRICKLE_MS = 100;
const TOKEN = 'metrics-token-for-the-tests-0123456789';

/* A connection that sends start, then one byte of more every TRICKLE_MS,
 * forever; closed resolves with the bytes received once the server ends it. */
async function trickle(port, start, more = 'X-Slow: a\r\n', localAddress = HOST) {
  const socket = net.connect({ port, host: HOST, localAddress });
  const chunks = [];
  let timer = null;
  const closed = new Promise((resolve) => {
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      resolve(Buffer.concat(chunks));
    });
  });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(start);
  let i = 0;
  timer = setInterval(() => {
    if (!socket.destroyed) socket.write(more[i++ % more.length]);
  }, TRICKLE_MS);
  return { socket, closed, stop: () => { clearInterval(timer); socket.destroy(); } };
}

/* Resolves once the bytes received on socket contain text. */
function received(socket, text) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d) => {
      seen += d.toString('latin1');
      if (seen.includes(text)) {
        socket.off('data', onData);
        resolve(seen);
      }
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error(`closed before "${text}": ${seen}`)));
  });
}

/* Opens a connection and resolves with whether the server closed it without
 * a word (refused by a limit) or kept it open until the request was sent. */
async function refusedAtOnce(port, localAddress = HOST) {
  const { socket, response } = await rawConnectFrom(port, localAddress);
  socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  const buf = await response;
  socket.destroy();
  return buf.length === 0;
}

/* Like rawConnect, from a chosen loopback address, and a reset counts as
 * an end. */
function rawConnectFrom(port, localAddress) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: HOST, localAddress });
    const chunks = [];
    const response = new Promise((res) => {
      socket.on('data', (d) => chunks.push(d));
      socket.on('close', () => res(Buffer.concat(chunks)));
      socket.on('error', () => {});
    });
    socket.once('connect', () => resolve({ socket, response }));
    socket.once('error', reject);
  });
}

describe('deadlines that trickled bytes cannot push back', () => {
  let srv;
  before(async () => {
    srv = await setupServer({ users: {}, serveArgs: ['--head-timeout', '1s'] });
  });
  after(async () => {
    await srv.stop();
    await srv.cleanup();
  });

  it('cuts slow request heads at their deadline while a normal client is served', { timeout: 30000 }, async () => {
    const slow = [];
    for (let i = 0; i < 20; i++) slow.push(await trickle(srv.port, 'GET / HTTP/1.1\r\nHost: x\r\n'));
    // While they trickle, others are served.
    for (let i = 0; i < 5; i++) assert.equal((await request(srv.base, 'GET', '/healthz')).status, 200);
    const ends = await Promise.all(slow.map((s) => s.closed));
    for (const buf of ends) assert.doesNotMatch(buf.toString('latin1'), /^HTTP\/1\.1 200/, 'a slow head was answered');
    await srv.waitLog(/connections closed at their deadline/);
    assert.equal((await request(srv.base, 'GET', '/healthz')).status, 200);
  });

  it('cuts a request line sent a byte at a time', { timeout: 30000 }, async () => {
    const s = await trickle(srv.port, 'G', 'E');
    await s.closed;
  });

  it('cuts a slow body at the deadline its length allows', { timeout: 30000 }, async () => {
    const s = await trickle(
      srv.port,
      'POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n',
      'a',
    );
    const buf = await s.closed;
    assert.equal(buf.length, 0, `a cut body was answered: ${buf.toString('latin1').slice(0, 100)}`);
  });

  it('cuts the slow head of a second request on a kept-alive connection', { timeout: 30000 }, async () => {
    const s = await trickle(srv.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n');
    const buf = await s.closed;
    // The first request was answered, the second never.
    assert.equal(buf.toString('latin1').match(/HTTP\/1\.1 \d{3}/g).length, 1);
    assert.equal(parseRawResponse(buf).status, 200);
  });
});

describe('the budget of connections', () => {
  let srv;
  before(async () => {
    srv = await setupServer({
      users: {},
      serveArgs: ['--threads', '1', '--head-timeout', '3s', '--max-connections', '8', '--max-connections-per-address', '4'],
    });
  });
  after(async () => {
    await srv.stop();
    await srv.cleanup();
  });

  it('refuses a fifth connection from one address, not from another', { timeout: 30000 }, async () => {
    const slow = [];
    for (let i = 0; i < 4; i++) slow.push(await trickle(srv.port, 'GET / HTTP/1.1\r\nHost: x\r\n'));
    assert.ok(await refusedAtOnce(srv.port), 'a fifth connection from 127.0.0.1 was taken');
    assert.ok(!(await refusedAtOnce(srv.port, '127.0.0.2')), 'another address was refused');
    for (const s of slow) s.stop();
    await Promise.all(slow.map((s) => s.closed));
  });

  it('keeps a connection past the total waiting until the slow ones are cut', { timeout: 30000 }, async () => {
    const slow = [];
    for (let a = 2; a <= 3; a++) {
      for (let i = 0; i < 4; i++) slow.push(await trickle(srv.port, 'GET / HTTP/1.1\r\nHost: x\r\n', undefined, `127.0.0.${a}`));
    }
    // The ninth stays in the listening queue: libmicrohttpd accepts no more
    // while the budget is spent, and takes it when a place frees up.
    let firstCut = false;
    for (const s of slow) s.closed.then(() => { firstCut = true; });
    const ninth = await rawConnectFrom(srv.port, '127.0.0.4');
    ninth.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const buf = await ninth.response;
    assert.ok(firstCut, 'the ninth connection was served while eight slow ones held the budget');
    assert.equal(parseRawResponse(buf).status, 200);
    await Promise.all(slow.map((s) => s.closed));
  });
});

describe('behind a trusted proxy', () => {
  let srv;
  before(async () => {
    srv = await setupServer({ users: {}, serveArgs: ['--trust-proxy', '--max-connections-per-address', '2'] });
  });
  after(async () => {
    await srv.stop();
    await srv.cleanup();
  });

  /* A POST whose head the server has read (it said 100 Continue), its body
   * still to come: a request in flight. */
  async function inFlight(forwarded) {
    const { socket, response } = await rawConnect(srv.port);
    const continued = received(socket, '100 Continue');
    socket.write(`POST /login HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: ${forwarded}\r\nExpect: 100-continue\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\nConnection: close\r\n\r\n`);
    await continued;
    return { socket, response };
  }

  it('limits the requests in flight per forwarded address, not the proxy', { timeout: 30000 }, async () => {
    const held = [];
    // Six requests in flight from the proxy's one address: more than the
    // limit per address, which therefore does not apply to it.
    for (const fwd of ['203.0.113.7', '203.0.113.7', '203.0.113.8', '203.0.113.8', '203.0.113.9', '203.0.113.9']) {
      held.push(await inFlight(`198.51.100.1, ${fwd}`));
    }
    const busy = await request(srv.base, 'GET', '/healthz', { headers: { 'x-forwarded-for': '203.0.113.7' } });
    assert.equal(busy.status, 429);
    assert.equal(busy.headers['retry-after'], '1');
    const other = await request(srv.base, 'GET', '/healthz', { headers: { 'x-forwarded-for': '203.0.113.10' } });
    assert.equal(other.status, 200);

    // A request that ends gives its place back.
    held[0].socket.write('x=abc');
    const answer = (await held[0].response).toString('latin1').replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
    assert.equal(parseRawResponse(Buffer.from(answer, 'latin1')).status, 403);
    const again = await request(srv.base, 'GET', '/healthz', { headers: { 'x-forwarded-for': '203.0.113.7' } });
    assert.equal(again.status, 200);
    for (const h of held.slice(1)) h.socket.destroy();
  });
});

describe('/metrics', () => {
  it('is not there without a token or a listener of its own', { timeout: 30000 }, async () => {
    const srv = await setupServer({ users: {} });
    try {
      assert.equal((await request(srv.base, 'GET', '/metrics')).status, 404);
    } finally {
      await srv.stop();
      await srv.cleanup();
    }
  });

  it('answers only with its token', { timeout: 30000 }, async () => {
    const srv = await setupServer({ users: {}, serveArgs: ['--metrics-token', TOKEN] });
    try {
      const none = await request(srv.base, 'GET', '/metrics');
      assert.equal(none.status, 401);
      assert.doesNotMatch(none.text, /guichet_/);
      const wrong = await request(srv.base, 'GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}x` } });
      assert.equal(wrong.status, 401);
      const right = await request(srv.base, 'GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(right.status, 200);
      assert.match(right.text, /^# TYPE guichet_http_requests_total counter$/m);
    } finally {
      await srv.stop();
      await srv.cleanup();
    }
  });

  it('is served without token on the metrics-listen address only', { timeout: 30000 }, async () => {
    const srv = await setupServer({ users: {}, serveArgs: ['--metrics-listen', `${HOST}:0`] });
    try {
      // The line is written before the port file: wait for it to arrive.
      const m = await srv.waitLog(/msg="metrics listening" address="[^"]*" port=(\d+)/);
      const base = `http://${HOST}:${m[1]}`;
      const res = await request(base, 'GET', '/metrics');
      assert.equal(res.status, 200);
      assert.match(res.text, /^guichet_store_errors_total \d+$/m);
      assert.equal((await request(base, 'GET', '/login')).status, 404, 'the metrics listener serves pages');
      assert.equal((await request(srv.base, 'GET', '/metrics')).status, 404);
    } finally {
      await srv.stop();
      await srv.cleanup();
    }
  });
});
