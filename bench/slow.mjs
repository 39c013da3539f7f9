// slow.mjs: do real users keep being served while thousands of slow or idle
// connections hold on? Starts the real server on a free port of 127.0.0.1
// with a fresh database, then runs the same load of real users twice:
//
//   baseline   --users clients, each on its own keep-alive connection, send
//              --requests GET /login each (a page: template, language, cookie)
//   attacked   the same, while --attackers connections hold on: half send a
//              request head a byte every --trickle-ms (slowloris), half
//              connect and send nothing; each one the server closes is
//              opened again at once, for as long as the users run
//
// and prints the users' rate, p50, p99 and errors of both runs side by side,
// with what the attackers saw. Users and attackers come from different
// addresses of 127.0.0.0/8 (127.0.1.x and 127.0.2.x, at most --per-address
// connections each), as they would from different machines. Loopback only.
// Never run by the tests. See bench/README.md.
//
// Each connection is a descriptor in this process and in the server: raise
// the open-files limit first, e.g. `ulimit -n 30000`.
//
//   node bench/slow.mjs [--attackers N] [--users N] [--requests N] [--threads N]
//                       [--head-timeout S] [--max-connections N] [--per-address N] [--trickle-ms N]

import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { parseArgs } from 'node:util';

import { HOST, setupServer } from '../tests/http/lib.mjs';

const { values: opts } = parseArgs({
  options: {
    attackers: { type: 'string', default: '10000' },
    users: { type: 'string', default: '1000' },
    requests: { type: 'string', default: '200' },
    threads: { type: 'string' },
    'head-timeout': { type: 'string', default: '10' },
    'max-connections': { type: 'string', default: '16384' },
    'per-address': { type: 'string', default: '64' },
    'trickle-ms': { type: 'string', default: '1000' },
    'request-timeout-ms': { type: 'string', default: '30000' },
  },
});
const num = (name, min = 1) => {
  const n = Number(opts[name]);
  assert.ok(Number.isInteger(n) && n >= min, `--${name}: expected a whole number from ${min}, got ${opts[name]}`);
  return n;
};
const ATTACKERS = num('attackers', 0);
const USERS = num('users');
const REQUESTS = num('requests');
const PER_ADDRESS = num('per-address');
const TRICKLE_MS = num('trickle-ms');
const REQUEST_TIMEOUT_MS = num('request-timeout-ms');
/* A few connections below the server's limit per address, so that the
 * limit itself is never what refuses them. */
const PER_SOURCE = Math.max(1, PER_ADDRESS - 4);

const need = ATTACKERS + USERS + 200;
const nofile = Number(fs.readFileSync('/proc/self/limits', 'utf8').match(/^Max open files\s+(\d+)/m)?.[1] ?? 0);
assert.ok(nofile >= need, `the open-files limit is ${nofile}, this run needs ${need}: raise it first (ulimit -n ${need + 1000})`);

/** The address of the i-th source in 127.SUBNET.x.y, never .0 nor .255. */
function source(subnet, i) {
  return `127.${subnet}.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}

// ---------------------------------------------------------------------------
// Real users: each on its own keep-alive connection, PER_SOURCE per address.

async function users(port) {
  const agents = [];
  const agentFor = (u) => {
    const a = Math.floor(u / PER_SOURCE);
    agents[a] ??= new http.Agent({ keepAlive: true, maxSockets: PER_SOURCE, localAddress: source(1, a) });
    return agents[a];
  };
  const latencies = [];
  let errors = 0;
  const reasons = new Map();
  const fail = (why) => {
    errors++;
    reasons.set(why, (reasons.get(why) ?? 0) + 1);
  };
  const one = (agent) =>
    new Promise((resolve) => {
      const start = process.hrtime.bigint();
      const req = http.request({ host: HOST, port, path: '/login', agent, headers: { 'accept-language': 'fr' } }, (res) => {
        res.on('data', () => {});
        res.on('end', () => {
          if (res.statusCode === 200) latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
          else fail(`status ${res.statusCode}`);
          resolve();
        });
        res.on('error', (e) => {
          fail(e.code ?? e.message);
          resolve();
        });
      });
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('timeout')));
      req.on('error', (e) => {
        fail(e.code ?? e.message);
        resolve();
      });
      req.end();
    });
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: USERS }, async (_, u) => {
      const agent = agentFor(u);
      for (let i = 0; i < REQUESTS; i++) await one(agent);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  for (const a of agents) a?.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : NaN);
  return { rate: latencies.length / seconds, p50: at(0.5), p99: at(0.99), errors, reasons, seconds };
}

// ---------------------------------------------------------------------------
// Attackers: slow heads and idle connections, opened again when closed.

function attack(port) {
  const state = { open: 0, opened: 0, closed: 0, refused: 0, stopping: false, sockets: new Set() };
  let ready;
  const allOpen = new Promise((resolve) => (ready = resolve));
  let firstRound = ATTACKERS;
  const tried = new Uint8Array(ATTACKERS);
  const firstTry = (k) => {
    if (tried[k]) return;
    tried[k] = 1;
    if (--firstRound === 0) ready();
  };
  const connect = (k) => {
    if (state.stopping) return;
    const socket = net.connect({ port, host: HOST, localAddress: source(2, Math.floor(k / PER_SOURCE)) });
    let connected = false;
    socket.on('error', () => {});
    socket.once('connect', () => {
      connected = true;
      state.open++;
      state.opened++;
      state.sockets.add(socket);
      socket.slow = k % 2 === 0;
      if (socket.slow) socket.write('GET / HTTP/1.1\r\nHost: guichet\r\n');
      firstTry(k);
    });
    socket.once('close', () => {
      state.sockets.delete(socket);
      if (connected) {
        state.open--;
        state.closed++;
      } else {
        state.refused++;
        firstTry(k);
      }
      // A slowloris opens its connection again as soon as it is closed.
      if (!state.stopping) setImmediate(() => connect(k));
    });
  };
  for (let k = 0; k < ATTACKERS; k++) connect(k);
  if (ATTACKERS === 0) ready();
  // The slow half sends one byte of a header each TRICKLE_MS.
  const timer = setInterval(() => {
    for (const s of state.sockets) if (!s.destroyed && s.slow) s.write('X');
  }, TRICKLE_MS);
  state.stop = () => {
    state.stopping = true;
    clearInterval(timer);
    for (const s of state.sockets) s.destroy();
  };
  state.ready = allOpen;
  return state;
}

// ---------------------------------------------------------------------------

function fmt(n, digits = 0) {
  return Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '-';
}

function line(what, r) {
  const why = [...r.reasons].map(([k, v]) => `${k} ×${fmt(v)}`).join(', ');
  return `${what.padEnd(9)} ${fmt(r.rate).padStart(7)} req/s  p50 ${fmt(r.p50, 2).padStart(8)} ms  p99 ${fmt(r.p99, 2).padStart(8)} ms  errors ${fmt(r.errors)} of ${fmt(USERS * REQUESTS)}${why ? ` (${why})` : ''}  in ${fmt(r.seconds, 1)} s`;
}

function serverFds(pid) {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return NaN;
  }
}

function peakRss(pid) {
  const m = /^VmHWM:\s*(\d+)\s*kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

const serveArgs = [
  '--head-timeout', `${opts['head-timeout']}s`,
  '--max-connections', opts['max-connections'],
  '--max-connections-per-address', String(PER_ADDRESS),
  ...(opts.threads ? ['--threads', opts.threads] : []),
];
const srv = await setupServer({ sites: {}, users: {}, serveArgs });
try {
  const pid = srv.child.pid;
  const cpus = os.cpus();
  console.log(
    `guichet bench slow: ${fmt(USERS)} users × ${fmt(REQUESTS)} GET /login, ${fmt(ATTACKERS)} attackers (half slow heads, a byte each ${TRICKLE_MS} ms; half idle), ` +
      `serve ${serveArgs.join(' ')}, server pid ${pid}, ${cpus.length} × ${cpus[0]?.model ?? 'CPU'} (load average ${os.loadavg()[0].toFixed(2)})`,
  );
  const baseline = await users(srv.port);
  console.log(line('baseline', baseline));

  const a = attack(srv.port);
  await a.ready;
  const held = a.open;
  const fdsBefore = serverFds(pid);
  const attacked = await users(srv.port);
  const fdsDuring = serverFds(pid);
  a.stop();
  console.log(line('attacked', attacked));
  console.log(
    `attackers: ${fmt(held)} connections open when the users started (server descriptors ${fmt(fdsBefore)}, ${fmt(fdsDuring)} at the end), ` +
      `${fmt(a.opened)} opened in all, ${fmt(a.closed)} closed by the server, ${fmt(a.refused)} refused before connecting`,
  );
  const cut = [...srv.log.matchAll(/connections closed at their deadline" count=(\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
  console.log(`server: ${fmt(cut)} connections cut at their deadline; peak memory (VmHWM) ${fmt(peakRss(pid) / 1048576, 1)} MiB`);
  console.log(`p99 attacked / baseline: ${fmt(attacked.p99 / baseline.p99, 2)}×`);
  if (attacked.errors || baseline.errors) process.exitCode = 1;
} finally {
  await srv.stop();
  await srv.cleanup();
}
