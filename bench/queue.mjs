// queue.mjs: how fast does a call reach the waiting rooms' screens and the
// people's phones, and what do a thousand of them cost the server? Starts
// the real server on a free port of 127.0.0.1 with a fresh database, then
// runs the same desk work twice:
//
//   quiet      no listener: --calls times, a ticket is issued and the next
//              one called (POST /api/v1/sites/ID/queue/next), and the
//              advisers' queue page (GET /sites/ID/queue) is read
//   listened   the same, while --listeners Server-Sent Events streams of
//              the site's public screen are open (screens and phones)
//
// and prints side by side: the delay from the call (just before the API
// request) to the event read by each listener (p50, p99, over every
// listener and every call), the call's own latency, the advisers' page
// latency (p50, p99), and the server's resident memory (VmRSS of
// /proc/PID/status) at the end of each run. Loopback only. Never run by the
// tests. See bench/README.md.
//
// Each stream is a descriptor here and in the server: raise the open-files
// limit first if needed, e.g. `ulimit -n 8192`.
//
//   node bench/queue.mjs [--listeners N] [--calls N] [--threads N]

import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';

import { findTags, setupServer } from '../tests/http/lib.mjs';

const { values: opts } = parseArgs({
  options: {
    listeners: { type: 'string', default: '1000' },
    calls: { type: 'string', default: '100' },
    threads: { type: 'string' },
  },
});
const num = (name, min = 1) => {
  const n = Number(opts[name]);
  assert.ok(Number.isInteger(n) && n >= min, `--${name}: expected a whole number from ${min}, got ${opts[name]}`);
  return n;
};
const LISTENERS = num('listeners', 0);
const CALLS = num('calls');

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

function req(base, method, path, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const r = http.request(new URL(path, base), { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
    });
    r.on('error', reject);
    if (body) r.write(body);
    r.end();
  });
}

/** A listener: an SSE stream that calls onCall(label, time) per call. */
function listen(base, path, onCall) {
  return new Promise((resolve, reject) => {
    const r = http.get(new URL(path, base), { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
      res.setEncoding('utf8');
      let buffer = '';
      let opened = false;
      res.on('data', (chunk) => {
        const now = performance.now();
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!opened && block.startsWith('retry:')) { opened = true; resolve(r); }
          if (!/^event: call$/m.test(block)) continue;
          const data = /^data: (.*)$/m.exec(block);
          if (data) onCall(JSON.parse(data[1]).label, now);
        }
      });
    });
    r.on('error', reject);
  });
}

const pct = (v, p) => {
  if (!v.length) return NaN;
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (x) => (Number.isNaN(x) ? '—' : x.toFixed(2));
const rss = (pid) => {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

async function run(srv, token, site, screenEvents, cookie, listeners) {
  const api = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const sent = new Map(); // label -> time of the call
  const delays = [];
  const streams = [];
  for (let i = 0; i < listeners; i++) {
    streams.push(await listen(srv.base, screenEvents, (label, t) => {
      const t0 = sent.get(label);
      if (t0 !== undefined) delays.push(t - t0);
    }));
  }
  const callMs = [];
  const pageMs = [];
  for (let i = 0; i < CALLS; i++) {
    const t = await req(srv.base, 'POST', `/api/v1/sites/${site}/tickets`, { headers: api, body: JSON.stringify({ service: 'A', language: 'ar' }) });
    assert.equal(t.status, 201, t.text);
    const label = JSON.parse(t.text).number;
    const t0 = performance.now();
    sent.set(label, t0);
    const c = await req(srv.base, 'POST', `/api/v1/sites/${site}/queue/next`, { headers: api, body: JSON.stringify({ desk: 'Guichet 1' }) });
    callMs.push(performance.now() - t0);
    assert.equal(c.status, 200, c.text);
    const p0 = performance.now();
    const page = await req(srv.base, 'GET', `/sites/${site}/queue`, { headers: { cookie } });
    pageMs.push(performance.now() - p0);
    assert.equal(page.status, 200);
    // Finish the ticket, so that the active list stays short.
    const id = JSON.parse(c.text).id;
    await req(srv.base, 'POST', `/api/v1/tickets/${id}/start`, { headers: api, body: '{}' });
    await req(srv.base, 'POST', `/api/v1/tickets/${id}/finish`, { headers: api, body: '{}' });
  }
  // Every listener's last call, then the memory with the streams still open.
  const want = listeners * CALLS;
  const deadline = Date.now() + 30000;
  while (delays.length < want && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const memory = rss(srv.child.pid);
  for (const s of streams) s.destroy();
  return { delays, lost: want - delays.length, callMs, pageMs, memory };
}

const serveArgs = ['--max-connections', String(LISTENERS + 512), '--max-connections-per-address', String(LISTENERS + 64)];
if (opts.threads) serveArgs.push('--threads', opts.threads);
const srv = await setupServer({ serveArgs });
try {
  const site = srv.sites.rennes;
  const token = await srv.token('agent');
  const manager = await srv.login('manager');
  const staff = await manager.get(`/sites/${site}/screen`);
  const screen = findTags(staff.text, 'a').map((a) => a.href).find((h) => /\/screen\?key=/.test(h ?? ''));
  assert.ok(screen, 'no keyed screen address');
  const screenEvents = screen.replace('/screen?', '/screen/events?');
  const adviser = await srv.login('agent');
  const cookie = adviser.cookieHeader();

  const quiet = await run(srv, token, site, screenEvents, cookie, 0);
  const listened = await run(srv, token, site, screenEvents, cookie, LISTENERS);

  console.log(`guichet queue bench: ${CALLS} calls, ${LISTENERS} listeners, threads ${opts.threads ?? 'default'}`);
  console.log('| run | listeners | call → event p50 ms | p99 ms | events lost | call p50 ms | call p99 ms | advisers\' page p50 ms | p99 ms | RSS MiB |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, r, n] of [['quiet', quiet, 0], ['listened', listened, LISTENERS]]) {
    console.log(`| ${name} | ${n} | ${ms(pct(r.delays, 50))} | ${ms(pct(r.delays, 99))} | ${r.lost} | ${ms(pct(r.callMs, 50))} | ${ms(pct(r.callMs, 99))} | ${ms(pct(r.pageMs, 50))} | ${ms(pct(r.pageMs, 99))} | ${r.memory.toFixed(1)} |`);
  }
} finally {
  await srv.stop();
  await srv.cleanup();
}
