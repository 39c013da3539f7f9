// pages.mjs: how close do the advisers' pages come to a static file? Starts
// the real server on a demonstration database (or --db), logs in as an
// adviser, fetches each agent page once and writes its exact bytes to a
// folder that Debian's nginx serves in the same run; then loads each page
// from Guichet and the same bytes from nginx with wrk (N keep-alive
// connections, the same duration), one after the other, and prints the
// rate, p50 and p99 of both and the ratio. /healthz is the baseline of the
// HTTP layer alone. Never run by the tests; never asserts a timing.
//
//   node bench/pages.mjs [--connections 64] [--duration 5] [--threads 2]
//                        [--server-threads N] [--db PATH --email E --password P]
//                        [--only TEXT]
//
// wrk (Debian package wrk) and nginx (package nginx) are needed: the script
// says so and exits 0 without them. See bench/README.md.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { HOST, makeTempDir, removeTempDir, runOk, Server } from '../tests/http/lib.mjs';
import { agentPages } from './agent_pages.mjs';
import { NGINX, startNginx } from '../tests/http/nginx_lib.mjs';

const { values: opts } = parseArgs({
  options: {
    connections: { type: 'string', default: '64' },
    duration: { type: 'string', default: '5' },
    threads: { type: 'string', default: '2' },
    'server-threads': { type: 'string' },
    db: { type: 'string' },
    email: { type: 'string', default: 'agent1.redon@demo.guichet.fr' },
    password: { type: 'string', default: 'demo-guichet-2026' },
    only: { type: 'string' },
  },
});
const CONNECTIONS = whole('connections', 1);
const DURATION = whole('duration', 1);
const THREADS = whole('threads', 1);

function whole(name, min) {
  const n = Number(opts[name]);
  assert.ok(Number.isInteger(n) && n >= min, `--${name}: expected a whole number of at least ${min}, got ${opts[name]}`);
  return n;
}

const WRK = spawnSync('sh', ['-c', 'command -v wrk']).stdout.toString().trim();
if (!NGINX || !WRK) {
  console.log(`pages.mjs needs ${!NGINX ? 'nginx' : ''}${!NGINX && !WRK ? ' and ' : ''}${!WRK ? 'wrk' : ''} (apt install nginx wrk): nothing measured`);
  process.exit(0);
}

/** Runs wrk against url; returns { rate, p50, p99, errors }. Asynchronous:
 * the server's standard output still comes through this process, which
 * must keep reading it (its log goes to a file). */
async function wrk(url, cookie) {
  const args = [`-t${THREADS}`, `-c${CONNECTIONS}`, `-d${DURATION}s`, '--latency'];
  if (cookie) args.push('-H', `Cookie: ${cookie}`);
  args.push(url);
  const text = await new Promise((resolve, reject) => {
    const child = spawn(WRK, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out).toString()) : reject(new Error(`wrk failed: ${Buffer.concat(err)}`))));
  });
  const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1]);
  const ms = (label) => {
    const m = new RegExp(`^\\s+${label}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(text);
    if (!m) return NaN;
    const v = Number(m[1]);
    return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
  };
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0);
  const socketErrors = /Socket errors: (.*)/.exec(text)?.[1] ?? '';
  return { rate, p50: ms('50'), p99: ms('99'), non2xx, socketErrors };
}

const dir = await makeTempDir('guichet-bench-pages-');
const srv = new Server();
srv.dir = dir;
let nginx = null;
try {
  if (opts.db) {
    srv.db = path.resolve(opts.db);
  } else {
    srv.db = path.join(dir, 'demo.db');
    await runOk(['demo', '--db', srv.db], { timeoutMs: 600_000 });
  }
  // Both servers write a line a request to a file: Guichet its log on
  // stderr, nginx its access log.
  await srv.start(opts['server-threads'] ? ['--threads', String(whole('server-threads', 1))] : [], {
    logFile: path.join(dir, 'guichet.log'),
  });
  const { client, cookie, pages } = await agentPages(srv.url, opts.email, opts.password, opts.only);

  const root = path.join(dir, 'static');
  fs.mkdirSync(root);
  for (const [name, p] of pages) {
    const res = await client.get(p);
    assert.equal(res.status, 200, `GET ${p} answered ${res.status}`);
    fs.writeFileSync(path.join(root, `${name.replace(/ /g, '_')}.html`), res.body);
  }
  fs.writeFileSync(path.join(root, 'healthz'), (await client.get('/healthz')).text);
  nginx = await startNginx({
    dir: path.join(dir, 'nginx'),
    connections: 1024,
    http: 'keepalive_requests 1000000;',
    server: `root ${root};
    access_log ${path.join(dir, 'access.log')};
    default_type text/html;
    location / { try_files $uri =404; }`,
  });

  const cpu = os.cpus();
  console.log(
    `guichet bench pages: wrk ${THREADS} threads, ${CONNECTIONS} connections, ${DURATION} s a run; ${cpu.length} × ${cpu[0]?.model ?? 'CPU'} (load ${os.loadavg()[0].toFixed(2)}); server pid ${srv.child.pid}`,
  );
  const row = (name, g, n) =>
    console.log(
      `${name.padEnd(12)} guichet ${Math.round(g.rate).toLocaleString('en').padStart(7)} req/s p50 ${g.p50.toFixed(2).padStart(6)} ms p99 ${g.p99.toFixed(2).padStart(6)} ms` +
        `   nginx ${Math.round(n.rate).toLocaleString('en').padStart(7)} req/s p99 ${n.p99.toFixed(2).padStart(6)} ms   ratio ${(g.rate / n.rate).toFixed(2)}×` +
        (g.non2xx || g.socketErrors ? `   (${g.non2xx} non-2xx; ${g.socketErrors})` : ''),
    );
  row('/healthz', await wrk(`${srv.url}/healthz`), await wrk(`http://${HOST}:${nginx.port}/healthz`));
  for (const [name, p] of pages) {
    const g = await wrk(`${srv.url}${p}`, cookie);
    const n = await wrk(`http://${HOST}:${nginx.port}/${name.replace(/ /g, '_')}.html`);
    row(name, g, n);
  }
} finally {
  if (nginx) await nginx.stop();
  if (srv.child) await srv.stop();
  await removeTempDir(dir);
}
