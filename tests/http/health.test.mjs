// health.test.mjs: the health model an operator alerts on
// (docs/operations.md, "Monitoring"): /healthz (alive), /readyz (the store
// answers, the statistics are loaded and current, the mail queue is not
// stuck) on the public listener and on --metrics-listen, and the
// histograms of /metrics: requests by route, store operations, and the age
// of the statistics.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Client, request, setupServer } from './lib.mjs';

const TOKEN = 'health-test-metrics-token-0123456789';
/** A bound against hanging, never a measure. */
const WAIT_MS = 20000;

describe('health and readiness', () => {
  let srv;
  before(async () => {
    srv = await setupServer({ serveArgs: ['--metrics-token', TOKEN] });
  });
  after(async () => {
    await srv.cleanup();
  });

  /** GET /readyz until it answers 200 (the engine loads in the background). */
  async function ready(base) {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const res = await request(base, 'GET', '/readyz');
      if (res.status === 200 || Date.now() > deadline) return res;
      assert.equal(res.status, 503, `/readyz answered ${res.status}`);
      assert.match(res.text, /statistics loading/);
      await new Promise((r) => setImmediate(r));
    }
  }

  it('is alive, then ready once the statistics are loaded', async () => {
    const alive = await request(srv.url, 'GET', '/healthz');
    assert.equal(alive.status, 200);
    const res = await ready(srv.url);
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /^store ok$/m);
    assert.match(res.text, /^statistics ok \(\d+ s old\)$/m);
    assert.equal(res.header('cache-control'), 'no-store');
  });

  it('gives the histograms and gauges the alert rules use', async () => {
    await new Client(srv.url).get('/login');
    const res = await request(srv.url, 'GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    const m = res.text;
    assert.match(m, /^# TYPE guichet_http_request_duration_seconds histogram$/m);
    assert.match(m, /^guichet_http_request_duration_seconds_bucket\{route="\/login",le="\+Inf"\} [1-9]\d*$/m);
    assert.match(m, /^# TYPE guichet_store_operation_seconds histogram$/m);
    const inf = /^guichet_store_operation_seconds_bucket\{le="\+Inf"\} (\d+)$/m.exec(m);
    const count = /^guichet_store_operation_seconds_count (\d+)$/m.exec(m);
    assert.ok(inf && count && Number(inf[1]) > 0 && inf[1] === count[1], 'store operations counted');
    const buckets = [...m.matchAll(/^guichet_store_operation_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)].map((x) => Number(x[2]));
    assert.deepEqual([...buckets].sort((a, b) => a - b), buckets, 'the buckets are cumulative');
    assert.match(m, /^guichet_stats_lag_seconds \d+(\.\d+)?$/m);
    assert.match(m, /^guichet_stats_ready 1$/m);
  });
});

describe('readiness on the metrics listener', () => {
  let srv;
  let port;
  before(async () => {
    srv = await setupServer({ start: false });
    const net = await import('node:net');
    port = await new Promise((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
    await srv.start(['--metrics-listen', `127.0.0.1:${port}`]);
  });
  after(async () => {
    await srv.cleanup();
  });

  it('answers /readyz and /healthz beside /metrics', async () => {
    const base = `http://127.0.0.1:${port}`;
    assert.equal((await request(base, 'GET', '/healthz')).status, 200);
    const deadline = Date.now() + WAIT_MS;
    let res;
    do {
      res = await request(base, 'GET', '/readyz');
      if (res.status === 200) break;
      await new Promise((r) => setImmediate(r));
    } while (Date.now() < deadline);
    assert.equal(res.status, 200, res.text);
    assert.match((await request(base, 'GET', '/metrics')).text, /guichet_store_operation_seconds_count/);
  });
});

// With e-mail configured, /readyz also says whether the outbox drains: an
// SMTP server that accepts connections and never answers holds the
// server's worker on one message, while messages due an hour ago wait
// behind it: the queue is stuck (503) until they are tried.
describe('readiness of the mail queue', () => {
  let srv, silent;
  const sockets = new Set();
  const ON_PG = !!process.env.GUICHET_TEST_PG_URL;
  const sql = async (q) => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const run = promisify(execFile);
    return ON_PG ? run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', srv.db, '-c', q])
      : run('sqlite3', ['-cmd', '.timeout 5000', srv.db, q]);
  };
  before(async () => {
    const net = await import('node:net');
    silent = net.createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address();
    srv = await setupServer({
      serveArgs: ['--smtp-url', `smtp://127.0.0.1:${port}`, '--smtp-from', 'guichet@example.org', '--smtp-starttls', 'no',
        '--smtp-timeout', '5s'],
    });
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    if (srv) await srv.cleanup();
    if (silent) await new Promise((resolve) => silent.close(resolve));
  });

  it('is ready with nothing overdue, and says the queue is stuck when messages wait past their time', async () => {
    const deadline = Date.now() + WAIT_MS;
    let res;
    do res = await request(srv.url, 'GET', '/readyz');
    while (res.status !== 200 && Date.now() < deadline && /statistics loading/.test(res.text));
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /^mail ok \(0 s overdue\)$/m);
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    const rows = [1, 2, 3].map(() => `((SELECT min(id) FROM users), 'test', 'waiting', ${hourAgo}, ${hourAgo})`).join(', ');
    await sql(`INSERT INTO mail_outbox (user_id, kind, status, created_at, next_at) VALUES ${rows}`);
    res = await request(srv.url, 'GET', '/readyz');
    assert.equal(res.status, 503, res.text);
    assert.match(res.text, /^mail stuck \(\d+ s overdue\)$/m);
    assert.match(res.text, /^store ok$/m);
  });
});
