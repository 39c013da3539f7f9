// store.mjs: the same work on SQLite and on PostgreSQL, side by side, in one
// run: demands written per second through the JSON API, then the latency of
// the reports (GET /api/v1/visits, a listing page; `guichet export demands`,
// the whole CSV). Starts its own throwaway PostgreSQL cluster with
// scripts/pg-cluster and removes it at the end. See bench/README.md. Never
// run by the tests.
//
//   node bench/store.mjs [--visits N] [--clients N] [--reads N] [--exports N] [--threads N]

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';

import { BIN, HOST, ROOT, setupServer } from '../tests/http/lib.mjs';

const execFileP = promisify(execFile);

const { values: opts } = parseArgs({
  options: {
    visits: { type: 'string', default: '3000' },
    clients: { type: 'string', default: '8' },
    reads: { type: 'string', default: '300' },
    exports: { type: 'string', default: '5' },
    threads: { type: 'string' },
  },
});
function positive(name) {
  const n = Number(opts[name]);
  assert.ok(Number.isInteger(n) && n > 0, `--${name}: expected a whole number above 0, got ${opts[name]}`);
  return n;
}
const VISITS = positive('visits');
const CLIENTS = positive('clients');
const READS = positive('reads');
const EXPORTS = positive('exports');
assert.ok(CLIENTS <= 64, '--clients: at most 64 (the server allows 64 connections per address)');
const DEMANDS_PER_VISIT = 2;

const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS, maxFreeSockets: CLIENTS });

function send(port, method, p, headers = {}, body = null) {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    if (body !== null) h['content-length'] = Buffer.byteLength(body);
    const req = http.request({ host: HOST, port, method, path: p, headers: h, agent }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

/** Runs total requests over `clients` workers; returns { seconds, latencies (ms) }. */
async function load(total, clients, one) {
  let next = 0;
  const latencies = [];
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) {
        const i = next++;
        const s = process.hrtime.bigint();
        await one(i);
        latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
      }
    }),
  );
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, latencies };
}

function pct(values, p) {
  const v = [...values].sort((a, b) => a - b);
  return v[Math.min(v.length - 1, Math.floor((p / 100) * v.length))];
}

function visitBody(i) {
  return JSON.stringify({
    started_at: new Date(Date.now() - 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
    channel: 'guichet_spontane',
    visitor: { gender: 'feminin', age_bracket: '60_69', social_status: 'retraite' },
    demands: [
      { operator_code: 'cnaf', theme_code: 'social_sante', procedure_id: 5, level: 'fait_avec', outcome: 'resolu', duration_min: 15 },
      { operator_code: 'dgfip', theme_code: 'argent_impots', level: 'information', outcome: 'resolu', duration_min: 5, note: `visite ${i}` },
    ],
  });
}

/** The figures of one engine: starts a server on a fresh database of it. */
async function measure(engine, pgUrl) {
  if (pgUrl) process.env.GUICHET_TEST_PG_URL = pgUrl;
  else delete process.env.GUICHET_TEST_PG_URL;
  const users = { agent: { email: 'agent@example.org', name: 'Agathe Conseillère', role: 'agent', sites: ['rennes'] } };
  const srv = await setupServer({ users, serveArgs: opts.threads ? ['--threads', opts.threads] : [] });
  try {
    const token = await srv.token('agent');
    const port = new URL(srv.url).port;
    const auth = { authorization: `Bearer ${token}` };
    const json = { ...auth, 'content-type': 'application/json' };
    let failed = 0;
    let firstFailure = null;
    const check = (res, want) => {
      if (res.status === want) return;
      failed++;
      firstFailure ??= `${res.status} ${res.text.slice(0, 300)}`;
    };

    const write = await load(VISITS, CLIENTS, async (i) => check(await send(port, 'POST', '/api/v1/visits', json, visitBody(i)), 201));
    const list = await load(READS, CLIENTS, async () => check(await send(port, 'GET', '/api/v1/visits?limit=200', auth), 200));
    const exportMs = [];
    let rows = 0;
    for (let i = 0; i < EXPORTS; i++) {
      const t = process.hrtime.bigint();
      const { stdout } = await execFileP(BIN, ['export', 'demands', '--db', srv.db], { maxBuffer: 512 * 1024 * 1024 });
      exportMs.push(Number(process.hrtime.bigint() - t) / 1e6);
      rows = stdout.split('\n').filter((l) => l !== '').length - 1;
    }
    return {
      engine,
      demandsPerS: (VISITS * DEMANDS_PER_VISIT) / write.seconds,
      writeP50: pct(write.latencies, 50),
      writeP99: pct(write.latencies, 99),
      listPerS: READS / list.seconds,
      listP50: pct(list.latencies, 50),
      listP99: pct(list.latencies, 99),
      exportP50: pct(exportMs, 50),
      exportMax: Math.max(...exportMs),
      rows,
      failed,
      firstFailure,
    };
  } finally {
    if (srv.child) await srv.stop();
    await srv.cleanup();
  }
}

const num = (n, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

function print(results) {
  const line = (label, f) => console.log(label.padEnd(44) + results.map((r) => f(r).padStart(22)).join(''));
  console.log(''.padEnd(44) + results.map((r) => r.engine.padStart(22)).join(''));
  line(`demands written /s (${num(VISITS)} visits × ${DEMANDS_PER_VISIT})`, (r) => num(r.demandsPerS));
  line('  POST /api/v1/visits p50 / p99 (ms)', (r) => `${num(r.writeP50, 2)} / ${num(r.writeP99, 2)}`);
  line(`GET /api/v1/visits?limit=200 (${num(READS)}) req/s`, (r) => num(r.listPerS));
  line('  p50 / p99 (ms)', (r) => `${num(r.listP50, 2)} / ${num(r.listP99, 2)}`);
  line(`guichet export demands (${EXPORTS} runs) median / max ms`, (r) => `${num(r.exportP50)} / ${num(r.exportMax)}`);
  line('  rows exported', (r) => num(r.rows));
}

async function main() {
  const cpus = os.cpus();
  console.log(
    `guichet store bench: ${CLIENTS} clients over keep-alive, ${VISITS} visits then ${READS} listings and ${EXPORTS} exports per engine, ` +
      `${cpus.length} × ${cpus[0]?.model ?? 'CPU'} (load average ${os.loadavg()[0].toFixed(2)}), SQLite in ${os.tmpdir()}`,
  );
  // A short path: the cluster's Unix socket lives in it.
  const dir = fs.mkdtempSync('/tmp/guichet-bench-pg-');
  fs.rmdirSync(dir);
  const cluster = path.join(ROOT, 'scripts', 'pg-cluster');
  const stop = () => execFileP(cluster, ['stop', dir]).catch((e) => console.error(`could not remove the cluster in ${dir}: ${e.message}`));
  process.once('SIGINT', async () => {
    await stop();
    process.exit(130);
  });
  let failed = 0;
  try {
    const { stdout } = await execFileP(cluster, ['start', dir]);
    const pgUrl = stdout.trim().split('\n').pop();
    const results = [await measure('SQLite', null), await measure('PostgreSQL', pgUrl)];
    print(results);
    for (const r of results) {
      if (r.failed) {
        failed++;
        console.error(`${r.engine}: ${r.failed} requests failed, the first: ${r.firstFailure}`);
      }
      if (r.rows !== VISITS * DEMANDS_PER_VISIT) {
        failed++;
        console.error(`${r.engine}: ${r.rows} demands exported, expected ${VISITS * DEMANDS_PER_VISIT}`);
      }
    }
  } finally {
    await stop();
  }
  if (failed) {
    console.error('some requests failed: the figures are not to be trusted');
    process.exitCode = 1;
  }
}

await main();
