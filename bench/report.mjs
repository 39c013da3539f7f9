// report.mjs: how long do the steering reports take over HTTP? Starts the
// real server on a free port (a fresh demonstration database, or an existing
// one with --db), waits until the statistics engine has loaded, logs in as an
// administrator and then asks, one request after the other on one keep-alive
// connection that accepts gzip as a browser does:
//
//   GET /healthz                          the baseline: the HTTP layer alone
//   /reports/site/ID                      a site (HTML)
//   /reports/departement/CODE             the site's département (HTML)
//   /reports/national                     every site (HTML, then JSON)
//   /reports/national?operator&channel&public   with filters (HTML)
//   /reports/national?format=xlsx         the workbook
//   /reports/national?format=csv&table=…  one table
//
// and prints for each the p50 and p95 latencies, the bytes on the wire and
// uncompressed, and the ratio of each p50 to the baseline's, with the
// server's resident memory and the engine's figures from /metrics. See
// bench/README.md. Never run by the tests; never asserts a timing.
//
//   node bench/report.mjs [--requests N] [--warmup N] [--from DATE] [--to DATE]
//                         [--db PATH --email E --password P] [--site ID] [--table ID]
//                         [--threads N] [--settle S] [--load-timeout S]

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';

import { Client, HOST, makeTempDir, runOk, Server, setupServer } from '../tests/http/lib.mjs';

const { values: opts } = parseArgs({
  options: {
    requests: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    db: { type: 'string' },
    email: { type: 'string' },
    password: { type: 'string' },
    site: { type: 'string' },
    table: { type: 'string', default: 'by_operator' },
    from: { type: 'string' },
    to: { type: 'string' },
    threads: { type: 'string' },
    'load-timeout': { type: 'string', default: '600' },
    settle: { type: 'string', default: '6' },
  },
});
const REQUESTS = whole('requests', 1);
const WARMUP = whole('warmup', 0);
const LOAD_TIMEOUT_S = whole('load-timeout', 1);
const SETTLE_S = whole('settle', 0);
if (opts.db) {
  // A database given by --db is only ever written by the login itself: no
  // account is created there, so one must be named.
  assert.ok(opts.email && opts.password, '--db: give an existing administrator with --email and --password');
} else {
  assert.ok(!opts.email && !opts.password, '--email and --password go with --db (the demonstration database gets its own account)');
}
for (const d of ['from', 'to']) {
  if (opts[d]) assert.match(opts[d], /^\d{4}-\d{2}-\d{2}$/, `--${d}: expected YYYY-MM-DD, got ${opts[d]}`);
}
if (opts.site) whole('site', 1);
assert.match(opts.table, /^[a-z_]+$/, `--table: expected a section id such as by_operator, got ${opts.table}`);

function whole(name, min) {
  const n = Number(opts[name]);
  assert.ok(Number.isInteger(n) && n >= min, `--${name}: expected a whole number of at least ${min}, got ${opts[name]}`);
  return n;
}

// ---------------------------------------------------------------------------
// One keep-alive connection; the body is timed as it arrives on the wire and
// decompressed afterwards, outside the timing.

const agent = new http.Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 });
const BROWSER = {
  'accept-encoding': 'gzip, deflate, br, zstd',
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'accept-language': 'fr-FR,fr;q=0.9',
};

/* /metrics needs a token; this one lives as long as the bench's server. */
const METRICS_TOKEN = crypto.randomBytes(24).toString('hex');

function get(port, path, cookie, extra = {}) {
  return new Promise((resolve, reject) => {
    const headers = { ...BROWSER, ...extra };
    if (cookie) headers.cookie = cookie;
    const start = process.hrtime.bigint();
    const req = http.request({ host: HOST, port, method: 'GET', path, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => {
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        resolve({ status: res.statusCode, headers: res.headers, raw: Buffer.concat(chunks), ms });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function body(res) {
  const enc = (res.headers['content-encoding'] ?? '').toLowerCase();
  if (enc === 'gzip' || enc === 'x-gzip') return zlib.gunzipSync(res.raw);
  assert.ok(enc === '' || enc === 'identity', `unexpected content-encoding ${enc}`);
  return res.raw;
}

function describe(res) {
  const text = body(res).toString('utf8').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return `${res.status}: ${text.slice(0, 400)}`;
}

/** A non-2xx answer ends the bench: its figures would not be the report's. */
async function getOk(port, path, cookie, extra) {
  const res = await get(port, path, cookie, extra);
  if (res.status < 200 || res.status > 299) throw new Error(`GET ${path} answered ${describe(res)}`);
  return res;
}

/** WARMUP unmeasured requests, then REQUESTS measured ones, one at a time. */
async function measure(port, path, cookie) {
  for (let i = 0; i < WARMUP; i++) await getOk(port, path, cookie);
  const times = [];
  let last;
  for (let i = 0; i < REQUESTS; i++) {
    last = await getOk(port, path, cookie);
    times.push(last.ms);
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
  const type = (last.headers['content-type'] ?? '').split(';')[0];
  return { p50: at(0.5), p95: at(0.95), wire: last.raw.length, plain: body(last).length, type, encoding: last.headers['content-encoding'] ?? '' };
}

// ---------------------------------------------------------------------------

function fmt(n, digits = 0) {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function rss(pid) {
  const m = /^VmRSS:\s*(\d+)\s*kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? `${fmt(Number(m[1]) / 1024, 1)} MiB` : '?';
}

/** Resolves with the log line once the engine has loaded (the server logs it on stderr). */
function engineLoaded(srv) {
  return new Promise((resolve, reject) => {
    const found = () => /^.*msg="statistics loaded".*$/m.exec(srv.log)?.[0];
    const done = (f, v) => {
      clearTimeout(timer);
      srv.child.stderr.off('data', onData);
      srv.child.off('close', onClose);
      f(v);
    };
    const onData = () => {
      const line = found();
      if (line) done(resolve, line);
    };
    const onClose = () => done(reject, new Error(`guichet serve exited before the statistics loaded\n${srv.log}`));
    const timer = setTimeout(
      () => done(reject, new Error(`the statistics did not load within ${LOAD_TIMEOUT_S} s\n${srv.log}`)),
      LOAD_TIMEOUT_S * 1000,
    );
    srv.child.stderr.on('data', onData);
    srv.child.on('close', onClose);
    onData();
  });
}

/** The engine's gauges from /metrics, as name{labels} -> value. */
async function engineMetrics(port) {
  const res = await getOk(port, '/metrics', undefined, { authorization: `Bearer ${METRICS_TOKEN}` });
  const out = [];
  for (const m of body(res).toString('utf8').matchAll(/^(guichet_stats_(?:rows|bytes|load_seconds|refresh_seconds)\S*)\s+(\S+)$/gm)) out.push([m[1], Number(m[2])]);
  return out;
}

/** A server on a new demonstration database, with an administrator of a random e-mail. */
async function demoServer(serveArgs) {
  const srv = await setupServer({ sites: {}, users: {}, start: false });
  try {
    await runOk(['demo', '--db', srv.db], { timeoutMs: 600_000 });
    srv.lastWrite = Date.now();
    const tag = crypto.randomBytes(6).toString('hex');
    await srv.addUser('bench', {
      email: `bench-${tag}@example.org`,
      name: 'Bench Report',
      role: 'admin',
      password: `bench ${crypto.randomBytes(12).toString('hex')}`,
    });
    srv.startedAt = Date.now();
    await srv.start(serveArgs);
  } catch (e) {
    await srv.cleanup();
    throw e;
  }
  return srv;
}

/** A server on an existing database; the temporary directory holds only the port file. */
async function existingServer(serveArgs) {
  assert.ok(fs.existsSync(opts.db), `--db: no file ${opts.db}`);
  const srv = new Server();
  srv.dir = await makeTempDir('guichet-bench-');
  srv.db = opts.db;
  srv.users.bench = { email: opts.email, password: opts.password, role: 'admin' };
  try {
    srv.startedAt = Date.now();
    await srv.start(serveArgs);
  } catch (e) {
    await srv.cleanup();
    throw e;
  }
  return srv;
}

/** The first site report the reader is offered, and its département (from the national report's links). */
async function pickScope(port, cookie, period) {
  let site = opts.site;
  if (!site) {
    const list = body(await getOk(port, '/reports', cookie)).toString('utf8');
    site = /href="\/reports\/site\/(\d+)/.exec(list)?.[1];
    assert.ok(site, 'GET /reports offers no site report: give one with --site');
  }
  const page = body(await getOk(port, `/reports/site/${site}?${period}format=json`, cookie)).toString('utf8');
  const json = JSON.parse(page);
  let dept = findDepartement(json);
  if (!dept) {
    const national = body(await getOk(port, `/reports/national${period ? `?${period.slice(0, -1)}` : ''}`, cookie)).toString('utf8');
    dept = /href="\/reports\/departement\/([0-9AB]{2,3})/.exec(national)?.[1];
  }
  assert.ok(dept, `found no département for site ${site}`);
  return { site, dept };
}

/** The département of a site's JSON answer, if it names one. */
function findDepartement(v) {
  if (!v || typeof v !== 'object') return null;
  for (const [k, x] of Object.entries(v)) {
    if ((k === 'departement' || k === 'departement_code') && typeof x === 'string' && /^[0-9AB]{2,3}$/.test(x)) return x;
    const inner = typeof x === 'object' ? findDepartement(x) : null;
    if (inner) return inner;
  }
  return null;
}

async function main() {
  const serveArgs = ['--metrics-token', METRICS_TOKEN, ...(opts.threads ? ['--threads', opts.threads] : [])];
  const srv = opts.db ? await existingServer(serveArgs) : await demoServer(serveArgs);
  let failed = false;
  try {
    const port = srv.port;
    const pid = srv.child.pid;
    const loaded = await engineLoaded(srv);
    const readyS = (Date.now() - srv.startedAt) / 1000;
    // The engine reads again, at every question, the rows changed in the
    // last seconds before its latest refresh (a margin for clocks and late
    // commits): right after `guichet demo` has written a year at once, each
    // question would re-read the whole year. A desk's steady state is
    // measured once the demonstration's writes are past that margin.
    const settle = srv.lastWrite ? srv.lastWrite + SETTLE_S * 1000 - Date.now() : 0;
    if (settle > 0) await new Promise((resolve) => setTimeout(resolve, settle));
    const cpus = os.cpus();
    console.log(`guichet report bench: ${opts.db ? opts.db : `demonstration database in ${srv.dir}`}, server pid ${pid}, ` +
      `${cpus.length} × ${cpus[0]?.model?.trim() ?? 'CPU'} (load average ${os.loadavg()[0].toFixed(2)}), ` +
      `one keep-alive client accepting gzip, ${REQUESTS} requests each after ${WARMUP} to warm up`);
    console.log(`engine ready ${fmt(readyS, 1)} s after the start: ${loaded.replace(/^.*msg="statistics loaded"\s*/, '')}`);
    console.log(`server memory after loading (VmRSS): ${rss(pid)}`);

    const c = new Client(srv.base);
    const u = srv.users.bench;
    const res = await c.login(u.email, u.password);
    assert.equal(res.status, 303, `login of ${u.email} answered ${res.status}, not 303`);
    const cookie = c.cookieHeader();

    const period = [opts.from && `from=${opts.from}`, opts.to && `to=${opts.to}`].filter(Boolean).map((p) => `${p}&`).join('');
    const q = (extra) => {
      const s = `${period}${extra}`.replace(/&$/, '');
      return s ? `?${s}` : '';
    };
    const { site, dept } = await pickScope(port, cookie, period);
    const filters = 'operator=dgfip&channel=telephone&public=sans_internet';
    const runs = [
      ['baseline GET /healthz', '/healthz', null],
      [`site ${site} (HTML)`, `/reports/site/${site}${q('')}`, cookie],
      [`département ${dept} (HTML)`, `/reports/departement/${dept}${q('')}`, cookie],
      ['national (HTML)', `/reports/national${q('')}`, cookie],
      ['national (JSON)', `/reports/national${q('format=json')}`, cookie],
      ['national, 3 filters (HTML)', `/reports/national${q(filters)}`, cookie],
      ['national workbook (XLSX)', `/reports/national${q('format=xlsx')}`, cookie],
      [`national ${opts.table} (CSV)`, `/reports/national${q(`format=csv&table=${opts.table}`)}`, cookie],
    ];
    const rows = [];
    for (const [what, path, ck] of runs) rows.push([what, await measure(port, path, ck)]);

    const base = rows[0][1].p50;
    const w = Math.max(...rows.map(([what]) => what.length));
    console.log(`${'what'.padEnd(w)}  ${'p50 ms'.padStart(8)}  ${'p95 ms'.padStart(8)}  ${'× base'.padStart(8)}  ${'wire B'.padStart(10)}  ${'plain B'.padStart(10)}  type`);
    for (const [what, r] of rows) {
      const plain = r.type === 'text/html' || r.encoding ? fmt(r.plain) : '';
      console.log(`${what.padEnd(w)}  ${fmt(r.p50, 2).padStart(8)}  ${fmt(r.p95, 2).padStart(8)}  ${fmt(r.p50 / base, r.p50 / base < 10 ? 1 : 0).padStart(8)}  ` +
        `${fmt(r.wire).padStart(10)}  ${plain.padStart(10)}  ${r.type}${r.encoding ? ` (${r.encoding})` : ''}`);
    }
    console.log(`paths: ${runs.slice(1).map(([, p]) => p).join('  ')}`);
    console.log(`server memory after the measures (VmRSS): ${rss(pid)}`);
    console.log(`engine (/metrics): ${(await engineMetrics(port)).map(([k, v]) => `${k} ${fmt(v, k.includes('seconds') ? 3 : 0)}`).join(', ')}`);
  } catch (e) {
    failed = true;
    console.error(`bench: ${e.message}`);
  } finally {
    agent.destroy();
    await srv.stop();
    await srv.cleanup();
  }
  if (failed) process.exitCode = 1;
}

main().catch((e) => {
  console.error(`bench: ${e.message}`);
  process.exitCode = 1;
});
