// sync_faults.test.mjs: offline sync over a link that fails (docs/sync.md).
// A loopback proxy between a laptop and its centre drops or stalls the
// connection at a chosen byte, up or down, at random points (seeded:
// every run cuts at the same places) of 50 syncs; either side is killed
// with SIGKILL during a push. In the end, after a sync over a sound link,
// every change the laptop saw acknowledged is on the centre exactly once,
// and both stores hold the same records.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';

import { BIN, run, runOk, setupServer } from './lib.mjs';
import { api, attachLaptop, query, records, seeded, startProxy, visitBody } from './sync_proxy.mjs';

const SEED = 20241204;
const SYNCS = 50;
/* Short, so that a stalled exchange ends soon. */
const TIMEOUT = ['--sync-timeout', '2'];
const LAPTOP_ARGS = ['--sync-interval', '86400', ...TIMEOUT];

/* Polls cond until it holds: waits on a condition, never a fixed time. */
async function waitFor(cond, what) {
  for (let i = 0; i < 2000; i++) {
    if (await cond()) return;
    await delay(10);
  }
  assert.fail(`timed out waiting for ${what}`);
}

/* The uids of the changes the laptop saw acknowledged by the centre. */
async function acknowledged(laptop) {
  return (await query(laptop.db, 'SELECT DISTINCT uid FROM sync_log WHERE pushed_at > 0 ORDER BY uid')).map((r) => r[0]);
}

/* Every acknowledged change is on the centre, and no uid is there twice. */
async function assertExactlyOnce(laptop, centre) {
  const acked = await acknowledged(laptop);
  const there = new Set((await query(centre.db, "SELECT uid FROM visits WHERE uid <> ''")).map((r) => r[0]));
  for (const uid of acked) assert.ok(there.has(uid), `acknowledged ${uid} is not on the centre`);
  const twice = await query(centre.db, "SELECT uid, count(*) FROM visits WHERE uid <> '' GROUP BY uid HAVING count(*) > 1");
  assert.deepEqual(twice, [], 'a uid is twice on the centre');
}

async function finalSync(laptop, centre) {
  const out = await runOk(['sync', 'push', '--db', laptop.db, ...TIMEOUT]);
  assert.match(out, /^sent \d+/);
  assert.match(await runOk(['sync', 'status', '--db', laptop.db]), /changes waiting: 0/);
  await assertExactlyOnce(laptop, centre);
  const here = await records(laptop.db);
  const there = await records(centre.db);
  assert.deepEqual(there.visits, here.visits);
  assert.deepEqual(there.demands, here.demands);
}

/* Before the tests of a describe block: a centre, a cutting proxy in front
 * of it and a laptop attached through the proxy, given to set(centre,
 * laptop, proxy); all three ended after them. */
function linkThroughProxy(set) {
  let centre, laptop, proxy;
  before(async () => {
    centre = await setupServer();
    proxy = await startProxy({ targetPort: centre.port });
    laptop = await attachLaptop(centre, `http://127.0.0.1:${proxy.port}`, await centre.token('agent'));
    await laptop.start(LAPTOP_ARGS);
    set(centre, laptop, proxy);
  });
  after(async () => {
    await laptop?.cleanup();
    await centre?.cleanup();
    await proxy?.close();
  });
}

describe('sync over a link cut at random points', () => {
  let centre, laptop, proxy;
  linkThroughProxy((c, l, x) => ([centre, laptop, proxy] = [c, l, x]));

  it(`loses nothing and duplicates nothing over ${SYNCS} cut syncs`, async () => {
    const rand = seeded(SEED);
    const token = await laptop.token('agent');
    let n = 0;
    let failed = 0;
    for (let i = 0; i < SYNCS; i++) {
      const count = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < count; k++) {
        const res = await api(laptop, token, 'POST', '/api/v1/visits', visitBody(n++));
        assert.equal(res.status, 201, res.text);
      }
      if (i % 7 === 3) {
        // A visit last changed two seconds ago or more: two writes of one
        // record within a second are the core's concern (sync.test.mjs).
        const old = await query(laptop.db, "SELECT id FROM visits WHERE changed_at < CAST(strftime('%s', 'now') AS INTEGER) - 1 ORDER BY id");
        if (old.length) {
          const id = old[Math.floor(rand() * old.length)][0];
          const fix = await api(laptop, token, 'PATCH', `/api/v1/visits/${id}`, { duration_min: 30 + i });
          assert.equal(fix.status, 200, fix.text);
        }
      }
      const up = rand() < 0.6;
      proxy.fault = {
        kind: rand() < 0.1 ? 'stall' : 'drop',
        direction: up ? 'up' : 'down',
        at: 1 + Math.floor(rand() * (up ? 6000 : 700)),
      };
      const r = await run(['sync', 'push', '--db', laptop.db, ...TIMEOUT]);
      assert.ok(r.code === 0 || r.code === 1, `sync push exited ${r.code}: ${r.stderr}`);
      if (r.code === 1) failed++;
      await assertExactlyOnce(laptop, centre);
    }
    proxy.fault = null;
    assert.ok(failed > SYNCS / 4, `only ${failed} of the ${SYNCS} syncs were cut`);
    await finalSync(laptop, centre);
  });
});

describe('sync when a side is killed during a push', () => {
  let centre, laptop, proxy;
  let n = 1000;
  linkThroughProxy((c, l, x) => ([centre, laptop, proxy] = [c, l, x]));

  async function record(k) {
    const token = await laptop.token('agent');
    for (let i = 0; i < k; i++) assert.equal((await api(laptop, token, 'POST', '/api/v1/visits', visitBody(n++))).status, 201);
  }

  /* A push from the command line, left running until the proxy cuts. */
  function pushInBackground() {
    const child = spawn(BIN, ['sync', 'push', '--db', laptop.db, '--sync-timeout', '30'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    return { child, exited };
  }

  for (const direction of ['up', 'down']) {
    it(`kill -9 of the centre with the push stalled ${direction === 'up' ? 'mid-body' : 'before its answer'}`, async () => {
      await record(6);
      const faults = proxy.faults;
      proxy.fault = { kind: 'stall', direction, at: direction === 'up' ? 700 : 1 };
      const push = pushInBackground();
      await waitFor(() => proxy.faults > faults, 'the proxy to stall the push');
      centre.signal('SIGKILL');
      await centre.waitExit();
      // The stalled connection ends with the centre.
      proxy.dropAll();
      const r = await push.exited;
      assert.equal(r.code, 1);
      await centre.start();
      proxy.targetPort = centre.port;
      await finalSync(laptop, centre);
    });
  }

  it('kill -9 of the laptop\'s push before the centre\'s answer', async () => {
    await record(5);
    const faults = proxy.faults;
    proxy.fault = { kind: 'stall', direction: 'down', at: 1 };
    const push = pushInBackground();
    await waitFor(() => proxy.faults > faults, 'the proxy to stall the push');
    push.child.kill('SIGKILL');
    assert.equal((await push.exited).signal, 'SIGKILL');
    proxy.dropAll();
    await finalSync(laptop, centre);
  });

  it('kill -9 of the laptop\'s server during its own push', async () => {
    await record(5);
    const m = await laptop.login('manager');
    const { csrf } = await m.form('/sync');
    const faults = proxy.faults;
    proxy.fault = { kind: 'stall', direction: 'down', at: 1 };
    const pending = m.post('/sync', { csrf }).catch(() => null);
    await waitFor(() => proxy.faults > faults, 'the proxy to stall the push');
    await laptop.kill();
    proxy.dropAll();
    await pending;
    await laptop.start(LAPTOP_ARGS);
    await finalSync(laptop, centre);
  });
});
