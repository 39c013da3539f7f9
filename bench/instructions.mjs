// instructions.mjs: how many instructions does a view of each agent page
// cost? Starts the real server under Valgrind's callgrind on a demonstration
// database (or --db), logs in as an adviser, views each page a few times to
// warm what the server keeps, then counts the instructions of N more views
// over one keep-alive connection: what the server's callbacks for a request
// run (parsing, the page, SQLite, the C library; not libmicrohttpd's own loop
// nor the kernel). /healthz, the HTTP layer and one statement, is counted in
// the same run as the baseline.
//
// A count does not move with the machine's other work, as a rate or a p99
// does (pages.mjs): on a shared two-core machine it tells what a change to a
// page's code gained to a fraction of a percent. Two builds are compared by
// running the script with each (GUICHET_BIN). callgrind counts a string
// instruction repeated by the processor (rep stos, rep movs) once per
// repetition, so the C library's memset and memcpy weigh more here than in
// time. Never run by the tests; never asserts a count.
//
//   node bench/instructions.mjs [--views 200] [--db PATH --email E --password P]
//                               [--only TEXT] [--keep DIR]
//
// --keep DIR writes each page's counts there (healthz.callgrind,
// search.callgrind...), for callgrind_annotate to say where they go.
//
// valgrind (Debian package valgrind) is needed: the script says so and exits
// 0 without it. See bench/README.md.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { BIN, canConnect, HOST, makeTempDir, removeTempDir, runOk } from '../tests/http/lib.mjs';
import { agentPages } from './agent_pages.mjs';

const { values: opts } = parseArgs({
  options: {
    views: { type: 'string', default: '200' },
    warm: { type: 'string', default: '20' },
    db: { type: 'string' },
    email: { type: 'string', default: 'agent1.redon@demo.guichet.fr' },
    password: { type: 'string', default: 'demo-guichet-2026' },
    only: { type: 'string' },
    keep: { type: 'string' },
  },
});
const VIEWS = whole('views', 1);
/* What is counted: the server's callbacks for a request (src/http/http.c),
 * from its first line to its end, and all they call. The server's other
 * threads (the statistics engine's refresh, the mail, the retention) are
 * not, nor what libmicrohttpd does between the callbacks (the same for
 * every page). */
const COUNTED = ['uri_logged', 'on_request', 'request_done'];
const WARM = whole('warm', 1);

function whole(name, min) {
  const n = Number(opts[name]);
  assert.ok(Number.isInteger(n) && n >= min, `--${name}: expected a whole number of at least ${min}, got ${opts[name]}`);
  return n;
}

const found = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).stdout.toString().trim();
const VALGRIND = found('valgrind');
const CONTROL = found('callgrind_control');
if (!VALGRIND || !CONTROL) {
  console.log('instructions.mjs needs valgrind (apt install valgrind): nothing measured');
  process.exit(0);
}

/** Runs callgrind_control with one command (-z: zero the counts, -d: write
 * them to a new file) and waits for it: the server takes it up at its next
 * run of code. */
function control(flag, pid) {
  const r = spawnSync(CONTROL, [flag, String(pid)], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `callgrind_control ${flag} failed: ${r.stderr}`);
}

/** The instructions counted in a file written by callgrind. */
function totalOf(file) {
  const m = /^(?:summary|totals):\s+(\d+)/m.exec(fs.readFileSync(file, 'utf8'));
  assert.ok(m, `no total in ${file}`);
  return Number(m[1]);
}

/** n views of p over the agent's one connection; each answer read whole. */
async function views(agent, port, p, cookie, n) {
  for (let i = 0; i < n; i++) {
    const status = await new Promise((resolve, reject) => {
      const req = http.get({ host: HOST, port, path: p, agent, headers: cookie ? { cookie } : {} }, (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve(res.statusCode));
      });
      req.on('error', reject);
    });
    assert.equal(status, 200, `GET ${p} answered ${status}`);
  }
}

const dir = await makeTempDir('guichet-bench-instructions-');
let child = null;
try {
  const db = opts.db ? path.resolve(opts.db) : path.join(dir, 'demo.db');
  if (!opts.db) await runOk(['demo', '--db', db], { timeoutMs: 600_000 });
  const portFile = path.join(dir, 'port');
  const out = path.join(dir, 'callgrind.out');
  const log = fs.openSync(path.join(dir, 'guichet.log'), 'a');
  child = spawn(
    VALGRIND,
    [
      '--tool=callgrind',
      `--callgrind-out-file=${out}`,
      ...COUNTED.map((f) => `--toggle-collect=${f}`),
      BIN, 'serve', '--db', db, '--listen', `${HOST}:0`, '--port-file', portFile,
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', log] },
  );
  fs.closeSync(log);
  let exited = false;
  child.on('close', () => (exited = true));
  let port = 0;
  const deadline = Date.now() + 120_000;
  while (!port) {
    assert.ok(!exited, `the server under valgrind exited: ${fs.readFileSync(path.join(dir, 'guichet.log'), 'utf8')}`);
    assert.ok(Date.now() < deadline, 'the server under valgrind wrote no port within 2 minutes');
    const text = fs.existsSync(portFile) ? fs.readFileSync(portFile, 'utf8').trim() : '';
    if (/^\d+$/.test(text) && (await canConnect(Number(text)))) port = Number(text);
    else await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const base = `http://${HOST}:${port}`;
  const { cookie, pages } = await agentPages(base, opts.email, opts.password, opts.only);

  const version = spawnSync(VALGRIND, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`guichet bench instructions: ${version} callgrind, ${VIEWS} views a page after ${WARM}, one keep-alive connection; server pid ${child.pid}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let dumps = 0;
  if (opts.keep) fs.mkdirSync(opts.keep, { recursive: true });
  const count = async (name, p, withCookie) => {
    await views(agent, port, p, withCookie ? cookie : null, WARM);
    control('-z', child.pid);
    await views(agent, port, p, withCookie ? cookie : null, VIEWS);
    control('-d', child.pid);
    dumps++;
    if (opts.keep) fs.copyFileSync(`${out}.${dumps}`, path.join(opts.keep, `${name.replace(/\W+/g, '_')}.callgrind`));
    return totalOf(`${out}.${dumps}`) / VIEWS;
  };
  const fmt = (n) => Math.round(n).toLocaleString('en').padStart(9);
  const baseline = await count('healthz', '/healthz', false);
  console.log(`${'/healthz'.padEnd(12)} ${fmt(baseline)} instructions a view (the HTTP layer and one statement)`);
  for (const [name, p] of pages) {
    const n = await count(name, p, true);
    console.log(`${name.padEnd(12)} ${fmt(n)} instructions a view   ${(n / baseline).toFixed(1)}× /healthz`);
  }
  agent.destroy();
} finally {
  if (child && child.exitCode === null) {
    const gone = new Promise((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    await gone;
  }
  await removeTempDir(dir);
}
