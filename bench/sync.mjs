// sync.mjs: a day of a busy site recorded on a laptop and pushed to its
// centre (docs/sync.md) over a slow link: a loopback proxy
// (tests/http/sync_proxy.mjs) that delays every byte by --delay ms in each
// direction. Prints the time and the bytes of the push and of the pull
// after it, beside `guichet migrate-data` of the same laptop store into an
// empty central database. The centre is on a throwaway PostgreSQL cluster
// (scripts/pg-cluster, removed at the end). See bench/README.md. Never run
// by the tests.
//
//   node bench/sync.mjs [--visits N] [--delay MS] [--rounds N]

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';

import { BIN, ROOT, freshDb, runOk, setupServer } from '../tests/http/lib.mjs';
import { api, attachLaptop, loadSliverGeo, query, startProxy, visitBody } from '../tests/http/sync_proxy.mjs';

const execFileP = promisify(execFile);

const { values: opts } = parseArgs({
  options: {
    visits: { type: 'string', default: '200' },
    delay: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3' },
  },
});
function whole(name, min) {
  const n = Number(opts[name]);
  assert.ok(Number.isInteger(n) && n >= min, `--${name}: expected a whole number from ${min}, got ${opts[name]}`);
  return n;
}
const VISITS = whole('visits', 1);
const DELAY = whole('delay', 0);
const ROUNDS = whole('rounds', 1);

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const ms = (n) => `${Math.round(n).toLocaleString('en')} ms`;

async function timed(fn) {
  const t0 = process.hrtime.bigint();
  const out = await fn();
  return { out, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

/* One round: a new centre and laptop, VISITS visits recorded offline, one push. */
async function round(i) {
  const centre = await setupServer();
  await loadSliverGeo(centre);
  const proxy = await startProxy({ targetPort: centre.port, delayMs: DELAY });
  let laptop;
  try {
    laptop = await attachLaptop(centre, `http://127.0.0.1:${proxy.port}`, await centre.token('agent'), { name: `bench-laptop-${i}` });
    await laptop.start(['--sync-interval', '86400']);
    const token = await laptop.token('agent');
    // A day of the site: every visit on the same day.
    for (let n = 0; n < VISITS; n++) {
      const body = visitBody(n, { started_at: `2024-03-12T${String(8 + (n % 10)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}:00+01:00` });
      const res = await api(laptop, token, 'POST', '/api/v1/visits', body);
      assert.equal(res.status, 201, res.text);
    }
    await laptop.stop();
    const up0 = proxy.bytesUp;
    const down0 = proxy.bytesDown;
    const conns0 = proxy.connections;
    const push = await timed(() => runOk(['sync', 'push', '--db', laptop.db]));
    const pushed = { ms: push.ms, up: proxy.bytesUp - up0, down: proxy.bytesDown - down0, requests: proxy.connections - conns0, out: push.out };
    const up1 = proxy.bytesUp;
    const down1 = proxy.bytesDown;
    const pull = await timed(() => runOk(['sync', 'pull', '--db', laptop.db]));
    const pulled = { ms: pull.ms, up: proxy.bytesUp - up1, down: proxy.bytesDown - down1 };
    const onCentre = Number((await query(centre.db, "SELECT count(*) FROM visits WHERE uid <> ''"))[0][0]);
    assert.equal(onCentre, VISITS, `${onCentre} visits reached the centre, expected ${VISITS}`);

    // The same laptop store, moved at once into an empty central database.
    const target = await freshDb(laptop.dir, 'target.db');
    await runOk(['init', '--db', target]);
    const migrate = await timed(() => runOk(['migrate-data', '--from', laptop.db, '--to', target]));
    const size = fs.statSync(laptop.db).size;
    return { pushed, pulled, migrate: migrate.ms, size };
  } finally {
    await laptop?.cleanup();
    await centre.cleanup();
    await proxy.close();
  }
}

async function main() {
  const cpus = os.cpus();
  console.log(
    `guichet sync bench: ${VISITS} visits recorded offline, pushed through a loopback proxy adding ${DELAY} ms each way, ` +
      `${ROUNDS} rounds, ${cpus.length} × ${cpus[0]?.model ?? 'CPU'} (load average ${os.loadavg()[0].toFixed(2)}), binary ${BIN}`,
  );
  const dir = fs.mkdtempSync('/tmp/guichet-bench-pg-');
  fs.rmdirSync(dir);
  const cluster = path.join(ROOT, 'scripts', 'pg-cluster');
  const stop = () => execFileP(cluster, ['stop', dir]).catch((e) => console.error(`could not remove the cluster in ${dir}: ${e.message}`));
  process.once('SIGINT', async () => {
    await stop();
    process.exit(130);
  });
  try {
    const { stdout } = await execFileP(cluster, ['start', dir]);
    // The centre and migrate-data's target on the cluster (tests/http/lib.mjs, freshDb).
    process.env.GUICHET_TEST_PG_URL = stdout.trim().split('\n').pop();
    const results = [];
    for (let i = 0; i < ROUNDS; i++) results.push(await round(i));
    results.sort((a, b) => a.pushed.ms - b.pushed.ms);
    const mid = results[Math.floor(results.length / 2)];
    const range = (f) => `${ms(f(results[0]))}–${ms(f(results[results.length - 1]))}`;
    console.log(`push      ${ms(mid.pushed.ms)}  ${mid.pushed.requests} requests, ${kb(mid.pushed.up)} up, ${kb(mid.pushed.down)} down  (${mid.pushed.out.trim()})  [${ROUNDS} rounds: ${range((r) => r.pushed.ms)}]`);
    console.log(`pull      ${ms(mid.pulled.ms)}  ${kb(mid.pulled.up)} up, ${kb(mid.pulled.down)} down`);
    console.log(`migrate-data of the same store (local, no link): ${ms(mid.migrate)}; the laptop's SQLite file: ${kb(mid.size)}`);
    console.log(`per visit: ${((mid.pushed.up + mid.pushed.down) / VISITS).toFixed(0)} bytes on the link`);
  } finally {
    await stop();
  }
}

await main();
