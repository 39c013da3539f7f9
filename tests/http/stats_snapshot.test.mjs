// stats_snapshot.test.mjs: the statistics engine's snapshot (docs/stats.md,
// "The snapshot"): `guichet stats` writes it, answers from it the same
// figures, catches up with visits recorded since, rebuilds a damaged one;
// a restarted server opens it and says so in its log and /metrics.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ON_PG, Server, freshDb, makeTempDir, removeTempDir, request, run, runOk } from './lib.mjs';

const FROM = '2025-02-01';
const END = '2025-03-28';
const TOKEN = 'snapshot-test-metrics-token-0123456789';
/** A bound against hanging, never a measure. */
const WAIT_MS = 20000;

describe('the statistics snapshot', () => {
  let dir;
  let db;
  let snap;
  let env;
  const stats = async (args = []) => {
    const r = await run(['stats', '--db', db, '--from', FROM, '--to', END, ...args], { env });
    assert.equal(r.code, 0, r.stderr);
    return r;
  };
  const sql = async () => (await stats(['--method', 'sql'])).stdout;

  before(async () => {
    dir = await makeTempDir('guichet-snapshot-');
    db = await freshDb(dir);
    snap = path.join(dir, 'engine.stats');
    env = { GUICHET_STATS_SNAPSHOT: snap };
    await runOk(['init', '--db', db]);
    await runOk(['demo', '--db', db, '--days', '40', '--end', END, '--seed', '3']);
  });
  after(async () => {
    await removeTempDir(dir);
  });

  it('is written by guichet stats, which then answers from it the same figures', async () => {
    assert.equal(existsSync(snap), false);
    const first = await stats();
    assert.equal(existsSync(snap), true, 'the snapshot is written after a load from the store');
    const second = await stats();
    assert.doesNotMatch(second.stderr, /snapshot not used/);
    assert.equal(second.stdout, first.stdout);
    if (!ON_PG) assert.equal(second.stdout, await sql());
    for (const args of [['--operator', 'cnaf'], ['--departement', '35'], ['--public', 'allophone']]) {
      const a = await stats(args);
      assert.doesNotMatch(a.stderr, /snapshot not used/);
      if (!ON_PG) assert.equal(a.stdout, (await stats([...args, '--method', 'sql'])).stdout, args.join(' '));
    }
  });

  it('catches up with visits recorded since it was written', async () => {
    const before = JSON.parse((await stats()).stdout);
    await runOk(['demo', '--db', db, '--days', '5', '--end', END, '--seed', '11', '--force']);
    const r = await stats();
    assert.doesNotMatch(r.stderr, /snapshot not used/);
    const now = JSON.parse(r.stdout);
    assert.ok(now.visits > before.visits, `${now.visits} visits after, ${before.visits} before`);
    if (!ON_PG) assert.equal(r.stdout, await sql());
  });

  it('is rebuilt from the store when damaged, cut short or not a snapshot', async () => {
    const good = (await stats()).stdout;
    const bytes = readFileSync(snap);
    const damaged = Buffer.from(bytes);
    damaged[Math.floor(damaged.length / 2)] ^= 0x20;
    const cases = [
      ['damaged', damaged],
      ['truncated', bytes.subarray(0, bytes.length - 1000)],
      ['not a snapshot', Buffer.from('visits;demands\n')],
    ];
    for (const [reason, content] of cases) {
      writeFileSync(snap, content);
      const r = await stats();
      assert.match(r.stderr, new RegExp(`snapshot not used.*reason="${reason}"`), r.stderr);
      assert.equal(r.stdout, good, reason);
      const again = await stats();
      assert.doesNotMatch(again.stderr, /snapshot not used/, 'written again after the rebuild');
      assert.equal(again.stdout, good);
    }
  });

  it('is opened by a restarted server, which says so', async () => {
    const srv = new Server();
    srv.dir = dir;
    srv.db = db;
    await srv.start(['--stats-snapshot', snap, '--metrics-token', TOKEN]);
    try {
      const deadline = Date.now() + WAIT_MS;
      let ready;
      do {
        ready = await request(srv.url, 'GET', '/readyz');
        if (ready.status !== 200) await new Promise((r) => setImmediate(r));
      } while (ready.status !== 200 && Date.now() < deadline);
      assert.equal(ready.status, 200, ready.text);
      await srv.waitLog(/msg="statistics loaded" .* from=snapshot/);
      const m = await request(srv.url, 'GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(m.status, 200);
      assert.match(m.text, /^guichet_stats_from_snapshot 1$/m);
      const bpd = /^guichet_stats_bytes_per_demand ([\d.]+)$/m.exec(m.text);
      assert.ok(bpd && Number(bpd[1]) > 0, 'bytes per demand printed');
    } finally {
      await srv.stop();
    }
  });
});
