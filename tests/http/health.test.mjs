// health.test.mjs: the health model an operator alerts on
// (docs/operations.md, "Monitoring"): /healthz (alive), /readyz (the store
// answers, the statistics are loaded and current) on the public listener
// and on --metrics-listen, and the histograms of /metrics: requests by
// route, store operations, and the age of the statistics.

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
