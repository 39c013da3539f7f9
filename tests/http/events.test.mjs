// events.test.mjs: the live events of a site and the public screen
// (/sites/ID/screen?key=KEY, its Server-Sent Events and the audio of its
// calls).
//
// - the keyed address is what a staff member of the site finds on the
//   screen's page opened without a key; a wrong key, another site's key or
//   no key answer the same 404;
// - a screen connected before a call receives it, with the texts in French
//   and in the person's language and the addresses of its audio;
// - a screen that reconnects with Last-Event-ID gets what it missed; one
//   whose id is from before the server started gets "reset";
// - 200 streams opened then dropped leave no watcher behind (/metrics);
// - with more streams open than the server has threads, pages still answer:
//   the streams hold no thread;
// - the page itself works without JavaScript: its state, a refresh link, a
//   polite live region, the high-contrast mode in the address, no refresh.
//
// Calls go through the queue's JSON API, as an adviser's desk would.

import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, it } from 'node:test';

import { Client, findTags, serverForSuite } from './lib.mjs';

const METRICS_TOKEN = 'events-test-metrics-token-0123456789';
const THREADS = 2;
/* How long a test waits for something the server must do at once: only a
 * bound against hanging, never a measure. */
const WAIT_MS = 15000;

/** A Server-Sent Events client over node:http, that keeps every event. */
class Stream {
  constructor(base, path, headers = {}) {
    this.events = [];
    this.comments = [];
    this.retry = null;
    this.waiters = [];
    this.closed = false;
    this.buffer = '';
    this.status = null;
    this.headers = null;
    const u = new URL(path, base);
    this.opened = new Promise((resolve, reject) => {
      this.req = http.get(u, { headers: { accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
        this.status = res.statusCode;
        this.headers = res.headers;
        this.res = res;
        res.setEncoding('utf8');
        res.on('data', (chunk) => this.feed(chunk));
        res.on('end', () => { this.closed = true; this.check(); });
        res.on('error', () => { this.closed = true; this.check(); });
        resolve(this);
      });
      this.req.on('error', (e) => { this.closed = true; this.check(); reject(e); });
    });
  }

  feed(chunk) {
    this.buffer += chunk;
    let end;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const ev = { id: null, event: 'message', data: [] };
      let isEvent = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) { this.comments.push(line); continue; }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'retry') this.retry = Number(value);
        else if (field === 'id') { ev.id = value; isEvent = true; }
        else if (field === 'event') ev.event = value;
        else if (field === 'data') { ev.data.push(value); isEvent = true; }
      }
      if (isEvent) this.events.push({ ...ev, data: ev.data.join('\n') });
    }
    this.check();
  }

  check() {
    this.waiters = this.waiters.filter((w) => {
      const found = w.pred(this);
      if (found) { w.resolve(found); return false; }
      if (this.closed) { w.reject(new Error(`the stream closed while waiting for ${w.what}`)); return false; }
      return true;
    });
  }

  /** Resolves with pred's first truthy answer, as bytes arrive. */
  until(pred, what) {
    const found = pred(this);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${WAIT_MS} ms; got ${JSON.stringify(this.events)}`)), WAIT_MS);
      this.waiters.push({
        pred,
        what,
        resolve: (v) => { clearTimeout(timer); resolve(v); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
    });
  }

  event(kind, pred = () => true) {
    return this.until((s) => s.events.find((e) => e.event === kind && pred(e)), `event ${kind}`);
  }

  /** The stream is open once its first "retry:" has arrived. */
  ready() {
    return this.until((s) => s.retry !== null, 'retry line');
  }

  close() {
    this.req.destroy();
  }
}

/** Polls until fn() is truthy (a state the server reaches on its own, such
 * as a watcher freed after its client left). */
async function eventually(fn, what) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${WAIT_MS} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('live events and the public screen', () => {
  let srv;
  const tokens = {};
  serverForSuite((s) => { srv = s; }, { tokens, tokenUsers: ['agent'], serveArgs: ['--threads', String(THREADS), '--metrics-token', METRICS_TOKEN, '--max-connections-per-address', '1000'] });

  async function api(method, p, body) {
    const res = await new Client(srv.url).request(method, p, {
      headers: { authorization: `Bearer ${tokens.agent}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let json = null;
    try { json = JSON.parse(res.text); } catch { /* not JSON */ }
    return { status: res.status, json, text: res.text };
  }

  /** Issues a ticket in language and calls the next one to desk. */
  async function issueAndCall(language, desk) {
    const site = srv.sites.rennes;
    const t = await api('POST', `/api/v1/sites/${site}/tickets`, { service: 'A', language });
    assert.equal(t.status, 201, `POST tickets answered ${t.status}: ${t.text.slice(0, 300)}`);
    const c = await api('POST', `/api/v1/sites/${site}/queue/next`, { desk });
    assert.equal(c.status, 200, `POST queue/next answered ${c.status}: ${c.text.slice(0, 300)}`);
    return c.json;
  }

  /** The screen's keyed address of a site, as its staff reads it. */
  async function screenPath(siteKey = 'rennes', user = 'manager') {
    const c = await srv.login(user);
    const id = srv.sites[siteKey];
    const res = await c.get(`/sites/${id}/screen`);
    assert.equal(res.status, 200, `the staff's /sites/${id}/screen answered ${res.status}`);
    for (const a of findTags(res.text, 'a')) {
      const m = /^\/sites\/(\d+)\/screen\?key=([0-9a-f]{32})$/.exec(a.href ?? '');
      if (m && Number(m[1]) === id) return { path: a.href, key: m[2], id };
    }
    throw new Error('the staff page shows no keyed screen address');
  }

  async function watchers() {
    const res = await new Client(srv.url).get('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(res.status, 200);
    const m = /^guichet_events_watchers (\d+)$/m.exec(res.text);
    assert.ok(m, 'no guichet_events_watchers in /metrics');
    return Number(m[1]);
  }

  it('a wrong key, another site\'s key or no key answer 404', async () => {
    const { key, id } = await screenPath();
    const other = await screenPath('brest', 'admin');
    const anon = new Client(srv.url);
    assert.equal((await anon.get(`/sites/${id}/screen?key=${key}`)).status, 200);
    for (const p of [
      `/sites/${id}/screen`,
      `/sites/${id}/screen?key=${'0'.repeat(32)}`,
      `/sites/${id}/screen?key=${other.key}`,
      `/sites/${id}/screen/events?key=${other.key}`,
      `/sites/${id}/screen/events`,
      `/sites/${id}/screen/audio/1/fr.wav?key=${other.key}`,
      `/sites/999999/screen?key=${key}`,
    ]) {
      assert.equal((await anon.get(p)).status, 404, p);
    }
  });

  it('the page shows its state without JavaScript, with a live region and no refresh', async () => {
    const { path } = await screenPath();
    const c = new Client(srv.url);
    const res = await c.get(path);
    assert.equal(res.status, 200);
    const html = res.text;
    assert.doesNotMatch(html, /http-equiv="?refresh/i);
    assert.match(html, /role="status"[^>]*aria-live="polite"/);
    assert.match(html, /<h2 id="screen-now-title">/);
    const body = findTags(html, 'body')[0];
    assert.match(body['data-events'], /^\/sites\/\d+\/screen\/events\?key=[0-9a-f]{32}&last=\d+$/);
    const links = findTags(html, 'a').map((a) => a.href);
    assert.ok(links.includes(path), 'no refresh link to the page itself');
    assert.ok(links.includes(`${path}&contrast=1`), 'no link to the high-contrast mode');
    const mute = findTags(html, 'button').find((b) => b.id === 'screen-mute');
    assert.ok(mute && mute['aria-pressed'] === 'false' && 'hidden' in mute, 'the mute button is not there, hidden until the script shows it');
    const high = await c.get(`${path}&contrast=1`);
    assert.match(findTags(high.text, 'body')[0].class, /\bscreen-contrast\b/);
    const ar = await c.get(`${path}&lang=ar`);
    assert.match(ar.text, /<html lang="ar" dir="rtl">/);
  });

  it('a screen connected before a call receives it, in French and in the person\'s language', async () => {
    const { path, key, id } = await screenPath();
    const eventsPath = path.replace('/screen?', '/screen/events?');
    const s = new Stream(srv.url, eventsPath);
    await s.opened;
    assert.equal(s.status, 200);
    assert.match(s.headers['content-type'], /^text\/event-stream/);
    assert.equal(s.headers['content-encoding'], undefined);
    await s.ready();

    const called = await issueAndCall('ar', 'Guichet 2');
    const ev = await s.event('call', (e) => JSON.parse(e.data).label === called.number);
    const d = JSON.parse(ev.data);
    assert.equal(d.desk, 'Guichet 2');
    assert.equal(d.lang, 'ar');
    assert.equal(d.dir, 'rtl');
    assert.equal(d.text_fr, `Ticket ${called.number} : Guichet 2`);
    assert.ok(d.text.includes(called.number) && d.text.includes('Guichet 2') && d.text !== d.text_fr, `the Arabic text is ${d.text}`);
    assert.match(ev.id, /^\d+$/);
    assert.deepEqual(d.audio, [
      `/sites/${id}/screen/audio/${ev.id}/fr.wav?key=${key}`,
      `/sites/${id}/screen/audio/${ev.id}/ar.wav?key=${key}`,
    ]);
    // The issue of the ticket came first, as a "queue" event.
    assert.ok(s.events.some((e) => e.event === 'queue'), 'no queue event for the ticket issued');
    s.close();

    // Its audio: French, and a language that is neither French nor the
    // person's is refused.
    const anon = new Client(srv.url);
    const fr = await anon.get(d.audio[0]);
    assert.equal(fr.status, 200, `the French audio answered ${fr.status}`);
    assert.equal(fr.header('content-type'), 'audio/wav');
    assert.equal(fr.body.subarray(0, 4).toString('latin1'), 'RIFF');
    assert.equal((await anon.get(`/sites/${id}/screen/audio/${ev.id}/uk.wav?key=${key}`)).status, 404);
    assert.equal((await anon.get(`/sites/${id}/screen/audio/1/fr.wav?key=${key}`)).status, 404);
  });

  it('a site\'s own wording of the call reaches its screen (docs/speech.md)', async () => {
    const { path, id } = await screenPath();
    const manager = await srv.login('manager');
    const list = await manager.get(`/sites/${id}/phrases?lang=fr&q=${encodeURIComponent('Ticket {ticket}')}`);
    const link = findTags(list.text, 'a').find((a) => (a['aria-label'] ?? '').endsWith('Ticket {ticket} : {desk}'));
    assert.ok(link, 'the call\'s phrase is listed');
    const phrase = new URL(link.href, srv.url).searchParams.get('phrase');
    const saved = await manager.submit(link.href, `/sites/${id}/phrases/edit`, {
      action: 'save', lang: 'fr', phrase, text: 'Appel du {ticket} au {desk}',
    });
    assert.equal(saved.status, 303);
    try {
      const s = new Stream(srv.url, path.replace('/screen?', '/screen/events?'));
      await s.opened;
      await s.ready();
      const called = await issueAndCall('uk', 'Guichet 2');
      const ev = await s.event('call', (e) => JSON.parse(e.data).label === called.number);
      const d = JSON.parse(ev.data);
      s.close();
      assert.equal(d.text_fr, `Appel du ${called.number} au Guichet 2`);
      assert.ok(!d.text.startsWith('Appel'), 'the other language keeps its translation');
    } finally {
      await manager.submit(link.href, `/sites/${id}/phrases/edit`, { action: 'reset', lang: 'fr', phrase });
    }
  });

  it('a screen that reconnects with Last-Event-ID gets what it missed', async () => {
    const { path } = await screenPath();
    const eventsPath = path.replace('/screen?', '/screen/events?');
    const first = new Stream(srv.url, eventsPath);
    await first.ready();
    const a = await issueAndCall('uk', 'Guichet 1');
    const seen = await first.event('call', (e) => JSON.parse(e.data).label === a.number);
    first.close();

    // Meanwhile, two more calls.
    const b = await issueAndCall('es', 'Guichet 3');
    const c = await issueAndCall('', 'Guichet 4');

    const again = new Stream(srv.url, eventsPath, { 'last-event-id': seen.id });
    const gotB = await again.event('call', (e) => JSON.parse(e.data).label === b.number);
    const gotC = await again.event('call', (e) => JSON.parse(e.data).label === c.number);
    assert.ok(BigInt(gotB.id) > BigInt(seen.id) && BigInt(gotC.id) > BigInt(gotB.id));
    assert.ok(!again.events.some((e) => e.id === seen.id), 'the event already seen came again');
    assert.equal(JSON.parse(gotC.data).lang, 'fr');
    again.close();

    // The header wins over the page's ?last=.
    const both = new Stream(srv.url, `${eventsPath}&last=1`, { 'last-event-id': gotB.id });
    await both.event('call', (e) => e.id === gotC.id);
    assert.ok(!both.events.some((e) => e.event === 'reset'));
    both.close();

    // An id from before this server started: the screen must reload.
    const stale = new Stream(srv.url, `${eventsPath}&last=1`);
    await stale.event('reset');
    stale.close();
  });

  it('200 streams opened and dropped leave no watcher behind', async () => {
    const { path } = await screenPath();
    const eventsPath = path.replace('/screen?', '/screen/events?');
    // The streams the tests before closed are freed once the server notices
    // (within a second or so): count from there, not from a moment when some
    // of them are still being noticed.
    await eventually(async () => (await watchers()) === 0, 'the earlier streams freed');
    const before = 0;
    const streams = [];
    for (let i = 0; i < 200; i++) streams.push(new Stream(srv.url, eventsPath));
    await Promise.all(streams.map((s) => s.ready()));
    assert.ok((await watchers()) >= before + 200, 'the 200 streams are not counted');
    for (const s of streams) s.close();
    await eventually(async () => (await watchers()) === before, 'the watchers count back to its value');
  });

  it('more open streams than server threads leave the pages answering', async () => {
    const { path } = await screenPath();
    const eventsPath = path.replace('/screen?', '/screen/events?');
    const streams = [];
    for (let i = 0; i < THREADS * 10; i++) streams.push(new Stream(srv.url, eventsPath));
    await Promise.all(streams.map((s) => s.ready()));
    const c = new Client(srv.url);
    for (let i = 0; i < 5; i++) {
      assert.equal((await c.get('/healthz')).status, 200);
      assert.equal((await c.get(path)).status, 200);
    }
    // And the streams still receive.
    const called = await issueAndCall('fr', 'Guichet 5');
    await Promise.all(streams.map((s) => s.event('call', (e) => JSON.parse(e.data).label === called.number)));
    for (const s of streams) s.close();
  });
});

describe('a server with streams open', () => {
  let srv;
  serverForSuite((s) => { srv = s; });

  it('stops at once, ending its streams', async () => {
    const c = await srv.login('manager');
    const res = await c.get(`/sites/${srv.sites.rennes}/screen`);
    const a = findTags(res.text, 'a').find((x) => /\/screen\?key=/.test(x.href ?? ''));
    assert.ok(a, 'no keyed screen address');
    const streams = [];
    for (let i = 0; i < 5; i++) streams.push(new Stream(srv.url, a.href.replace('/screen?', '/screen/events?')));
    await Promise.all(streams.map((s) => s.ready()));
    const ended = Promise.all(streams.map((s) => s.until((x) => x.closed, 'the end of the stream')));
    await srv.stop();
    await ended;
  });
});
