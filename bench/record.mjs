// record.mjs: how fast can advisers record visits? Starts the real server
// on a free port with a fresh database (one site, one adviser, one API
// token), then measures, with a bounded number of requests spread over N
// concurrent clients on keep-alive connections:
//
//   baseline  GET /healthz            what the HTTP layer costs alone
//   pages     POST /visits            the recording form (session + CSRF)
//   api       POST /api/v1/visits     the JSON API (bearer token)
//
// in rounds (baseline, pages, api, again), and prints the median round's
// requests per second with p50 and p99 latencies, each recording figure
// beside the baseline measured in the same run, and the server's peak
// memory (VmHWM). See bench/README.md. Never run by the tests.
//
//   node bench/record.mjs [--requests N] [--clients N] [--rounds N] [--warmup N] [--threads N]

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';

import { decodeEntities, findTags, HOST, setupServer, tagAttributes } from '../tests/http/lib.mjs';

const execFileP = promisify(execFile);

const { values: opts } = parseArgs({
  options: {
    requests: { type: 'string', default: '2000' },
    clients: { type: 'string', default: '8' },
    threads: { type: 'string' },
    warmup: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
  },
});
const REQUESTS = positive('requests');
const CLIENTS = positive('clients');
const WARMUP = Number(opts.warmup);
const ROUNDS = positive('rounds');
assert.ok(Number.isInteger(WARMUP) && WARMUP >= 0, `--warmup: expected a whole number, got ${opts.warmup}`);
assert.ok(CLIENTS <= 64, '--clients: at most 64 (the server allows 64 connections per address)');

function positive(name) {
  const n = Number(opts[name]);
  assert.ok(Number.isInteger(n) && n > 0, `--${name}: expected a whole number above 0, got ${opts[name]}`);
  return n;
}

// ---------------------------------------------------------------------------
// A keep-alive client and a load loop.

const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS, maxFreeSockets: CLIENTS });

function send(port, method, path, headers = {}, body = null) {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    if (body !== null) h['content-length'] = Buffer.byteLength(body);
    const req = http.request({ host: HOST, port, method, path, headers: h, agent }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

/**
 * Runs `total` requests over CLIENTS workers; makeRequest(worker, i) sends one
 * and resolves to its response; ok(res) tells a success. Returns the figures.
 */
async function load(total, makeRequest, ok) {
  let next = 0;
  const latencies = [];
  let errors = 0;
  let firstError = null;
  let demands = 0;
  const t0 = process.hrtime.bigint();
  const worker = async (w) => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const start = process.hrtime.bigint();
      const res = await makeRequest(w, i);
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (!ok(res)) {
        errors++;
        firstError ??= res;
      } else {
        demands += res.demands ?? 0;
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, w) => worker(w)));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { rate: total / seconds, p50: at(0.5), p99: at(0.99), errors, firstError, seconds, ok: total - errors, demands };
}

// ---------------------------------------------------------------------------
// The recording form: its fields as a browser would send them.

/** The name/value pairs a browser would submit from the first form posting to action. */
function formFields(html, action) {
  const start = html.search(new RegExp(`<form\\b[^>]*action\\s*=\\s*["']?${action.replace(/\//g, '\\/')}["'\\s>]`, 'i'));
  assert.ok(start >= 0, `no form posting to ${action} in the page`);
  const end = html.indexOf('</form>', start);
  // A <template> is not submitted (the page's script copies it to add a demand).
  const form = html.slice(start, end < 0 ? undefined : end).replace(/<template\b[\s\S]*?<\/template>/gi, '');
  const fields = [];
  for (const a of findTags(form, 'input')) {
    if (!a.name || ['submit', 'button', 'image', 'file', 'reset'].includes(a.type)) continue;
    if ((a.type === 'checkbox' || a.type === 'radio') && !('checked' in a)) continue;
    fields.push([a.name, a.value ?? (a.type === 'checkbox' ? 'on' : '')]);
  }
  for (const m of form.matchAll(/<select\b[^>]*>([\s\S]*?)<\/select>/gi)) {
    const name = tagAttributes(m[0].slice(0, m[0].indexOf('>') + 1)).name;
    if (!name) continue;
    const options = findTags(m[1], 'option');
    const chosen = options.find((o) => 'selected' in o) ?? options[0];
    if (chosen) fields.push([name, chosen.value ?? '']);
  }
  for (const m of form.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/gi)) {
    const name = tagAttributes(`<textarea${m[1]}>`).name;
    if (name) fields.push([name, decodeEntities(m[2])]);
  }
  return fields;
}

/* A typical visit: a retired woman asks about her CAF prime d'activité,
 * done with her; every other visit, a second question on her tax notice. */
const VISITOR = {
  gender: 'feminin',
  age_bracket: '60_69',
  birth_year: '1958',
  social_status: 'retraite',
  commune_insee: '35236',
};
const DEMANDS = [
  { operator_code: 'cnaf', theme_code: 'social_sante', procedure_id: '5', level: 'fait_avec', autonomy: '2', equipment: 'ordinateur', interpreting: 'aucun', outcome: 'resolu', duration_min: '30' },
  { operator_code: 'dgfip', theme_code: 'argent_impots', procedure_id: '14', level: 'information', autonomy: '0', equipment: 'aucun', interpreting: 'aucun', outcome: 'resolu', duration_min: '15' },
];

function pageBody(base, i) {
  const names = new Set(base.map(([k]) => k));
  const ndemands = 1 + (i % 2);
  const over = new Map([['channel', 'guichet_spontane'], ['ndemands', String(ndemands)], ...Object.entries(VISITOR)]);
  for (let d = 0; d < ndemands; d++) {
    for (const [k, v] of Object.entries(DEMANDS[d])) over.set(`d${d + 1}_${k}`, v);
  }
  // The form's own fields (csrf, date, time, site…) with the visit's values
  // over them; a field of the second demand goes along when the first
  // demand's field of that name is in the form.
  const out = base.filter(([k]) => !over.has(k));
  for (const [k, v] of over) {
    const d1 = k.replace(/^d\d+_/, 'd1_');
    if (names.has(k) || names.has(d1)) out.push([k, v]);
  }
  return new URLSearchParams(out).toString();
}

function apiBody(siteId, i) {
  const visitor = { ...VISITOR, birth_year: Number(VISITOR.birth_year) };
  const demands = DEMANDS.slice(0, 1 + (i % 2)).map((d) => ({
    ...d,
    procedure_id: Number(d.procedure_id),
    autonomy: Number(d.autonomy),
    duration_min: Number(d.duration_min),
    equipment: d.equipment.split(','),
  }));
  // Ten minutes ago, as RFC 3339.
  const startedAt = new Date(Date.now() - 600_000).toISOString();
  return JSON.stringify({ site_id: siteId, channel: 'guichet_spontane', started_at: startedAt, visitor, demands });
}

// ---------------------------------------------------------------------------

function fmt(n, digits = 0) {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function describeError(what, r) {
  if (!r.firstError) return '';
  const e = r.firstError;
  const text = e.text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').slice(0, 400);
  return `\n  ${what}: ${fmt(r.errors)} of the requests failed; the first answered ${e.status}: ${text}`;
}

function peakRss(pid) {
  const m = /^VmHWM:\s*(\d+)\s*kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/* A visit of the bench has 1 demand when i is even, 2 when odd. */
const withDemands = (i) => (res) => Object.assign(res, { demands: 1 + (i % 2) });

async function storedCounts(db) {
  try {
    const { stdout } = await execFileP('sqlite3', [db, 'SELECT count(*), (SELECT count(*) FROM demands) FROM visits']);
    const [visits, demands] = stdout.trim().split('|').map(Number);
    return { visits, demands };
  } catch {
    return null; // no sqlite3 command: the check is skipped
  }
}

/** The round whose rate is the median, and the range of the rates. */
function median(results) {
  const sorted = [...results].sort((a, b) => a.rate - b.rate);
  return { ...sorted[Math.floor((sorted.length - 1) / 2)], min: sorted[0].rate, max: sorted.at(-1).rate };
}

function line(label, what, unit, r, baseline) {
  const spread = ROUNDS > 1 ? `  [${ROUNDS} rounds: ${fmt(r.min)}–${fmt(r.max)}]` : '';
  const base = baseline ? `  (baseline /healthz: ${fmt(baseline.rate)} req/s, p99 ${fmt(baseline.p99, 2)} ms)` : '';
  return `${label.padEnd(9)} ${what.padEnd(20)} ${fmt(r.rate).padStart(7)} ${unit.padEnd(8)}  p50 ${fmt(r.p50, 2)} ms  p99 ${fmt(r.p99, 2)} ms${base}${spread}`;
}

async function main() {
  const serveArgs = opts.threads ? ['--threads', opts.threads] : [];
  const srv = await setupServer({
    sites: { redon: { name: 'France Services de Redon', type: 'france_services', commune: '35236' } },
    users: { agent: { email: 'agent@bench.example.org', name: 'Agent Bench', role: 'agent', sites: ['redon'] } },
    serveArgs,
  });
  let failed = false;
  try {
    const port = srv.port;
    const siteId = srv.sites.redon;
    const token = await srv.token('agent');
    const cpus = os.cpus();
    console.log(`guichet bench: ${CLIENTS} clients over keep-alive, ${fmt(REQUESTS)} requests a run (after ${WARMUP} to warm up), ` +
      `${ROUNDS} rounds, server pid ${srv.child.pid}${opts.threads ? ` with ${opts.threads} threads` : ''}, ` +
      `${cpus.length} × ${cpus[0]?.model?.trim() ?? 'CPU'} (load average ${os.loadavg()[0].toFixed(2)}), SQLite in ${srv.dir}`);

    // (a) the baseline.
    const healthz = () => send(port, 'GET', '/healthz');
    const okHealth = (r) => r.status === 200;

    // (b) the pages: one session; each client reads the form (its CSRF
    // token and defaults) once, then posts visits.
    const login = await srv.login('agent');
    const cookie = login.cookieHeader();
    const forms = [];
    for (let w = 0; w < CLIENTS; w++) {
      const res = await send(port, 'GET', '/visits/new', { cookie });
      assert.equal(res.status, 200, `GET /visits/new answered ${res.status}: ${res.text.slice(0, 300)}`);
      forms.push(formFields(res.text, '/visits'));
    }
    const postVisit = (w, i) =>
      send(port, 'POST', '/visits', { cookie, 'content-type': 'application/x-www-form-urlencoded' }, pageBody(forms[w], i)).then(withDemands(i));
    const redirected = (r) => r.status === 303;
    const first = await postVisit(0, 1);
    assert.equal(first.status, 303, `POST /visits answered ${first.status}, not 303: ${first.text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').slice(0, 600)}`);

    // (c) the API.
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const postApi = (w, i) => send(port, 'POST', '/api/v1/visits', auth, apiBody(siteId, i)).then(withDemands(i));
    const created = (r) => r.status === 201;
    const one = await postApi(0, 1);
    assert.equal(one.status, 201, `POST /api/v1/visits answered ${one.status}: ${one.text.slice(0, 600)}`);

    // Rounds of the three runs, one after the other, so that each recording
    // figure has a baseline measured moments before it on the same machine.
    const runs = { base: [], pages: [], api: [] };
    const recorded = [];
    for (let round = 0; round < ROUNDS; round++) {
      await load(WARMUP, healthz, okHealth);
      runs.base.push(await load(REQUESTS, healthz, okHealth));
      recorded.push(await load(WARMUP, postVisit, redirected));
      runs.pages.push(await load(REQUESTS, postVisit, redirected));
      recorded.push(await load(WARMUP, postApi, created));
      runs.api.push(await load(REQUESTS, postApi, created));
    }
    recorded.push(...runs.pages, ...runs.api);
    const base = median(runs.base);
    const pages = median(runs.pages);
    const api = median(runs.api);
    console.log(line('baseline', 'GET /healthz', 'req/s', base, null));
    console.log(line('pages', 'POST /visits', 'visits/s', pages, base));
    console.log(line('api', 'POST /api/v1/visits', 'visits/s', api, base));
    for (const [what, list] of Object.entries(runs)) {
      for (const r of list) {
        const msg = describeError(what, r);
        if (msg) console.log(msg.trimStart());
      }
    }
    console.log(`server peak memory (VmHWM): ${fmt(peakRss(srv.child.pid) / 1048576, 1)} MiB`);

    // Every visit answered as recorded must be in the database, with its demands.
    const expected = {
      visits: 2 + recorded.reduce((n, r) => n + r.ok, 0),
      demands: 4 + recorded.reduce((n, r) => n + r.demands, 0),
    };
    const stored = await storedCounts(srv.db);
    if (stored !== null) {
      console.log(`stored: ${fmt(stored.visits)} visits, ${fmt(stored.demands)} demands (expected ${fmt(expected.visits)} and ${fmt(expected.demands)})`);
      failed ||= stored.visits !== expected.visits || stored.demands !== expected.demands;
    }
    failed ||= [...runs.base, ...runs.pages, ...runs.api].some((r) => r.errors > 0);
  } finally {
    agent.destroy();
    await srv.stop();
    await srv.cleanup();
  }
  if (failed) {
    console.error('bench: some requests failed or the count of stored visits is off: the figures above are not to be trusted');
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(`bench: ${e.message}`);
  process.exitCode = 1;
});
