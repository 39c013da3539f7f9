// kiosk.test.mjs: taking a ticket without a login, on the kiosk at the
// entrance (/sites/ID/kiosk?key=KEY) and on a phone from the door's QR code
// (/sites/ID/ticket?key=KEY), and the ticket's own page (/t/KEY).
//
// - the keyed addresses are found where the site's manager finds them (the
//   kiosk page opened without a key); anyone else, a wrong key or another
//   site's key answers the same 404;
// - the steps (language, service, needs, ticket) in French, Arabic and
//   Ukrainian, each in the person's language and direction, with no cookie;
// - one form issues exactly one ticket, even sent twice; bad input answers
//   400 and issues nothing; an expired or forged token answers 403;
// - outside the opening hours the kiosk says so and issues nothing;
// - the door page stops one address after a few tickets (429);
// - the phone page shows the people ahead, changes after a call (the desk),
//   lets the person cancel (after a confirmation) and, after the visit,
//   answer the satisfaction questions once.
//
// The advisers' moves (call, start, finish) go through the queue's JSON API;
// the opening hours are written in the store directly, as the settings page
// is another part's subject.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { before, describe, it } from 'node:test';

import { Client, findTags, ON_PG, serverForSuite, textOf } from './lib.mjs';

/** The keyed kiosk and door addresses of a site, as its manager reads them. */
async function kioskLinks(srv, siteKey = 'rennes') {
  const c = await srv.login('manager');
  const id = srv.sites[siteKey];
  const res = await c.get(`/sites/${id}/kiosk`);
  assert.equal(res.status, 200, `the manager's /sites/${id}/kiosk answered ${res.status}`);
  const out = {};
  for (const a of findTags(res.text, 'a')) {
    const m = /^\/sites\/(\d+)\/(kiosk|ticket)\?key=([0-9a-f]{32})$/.exec(a.href ?? '');
    if (m && Number(m[1]) === id) out[m[2]] = { path: a.href, key: m[3] };
  }
  assert.ok(out.kiosk && out.ticket, 'the manager sees no keyed kiosk and door addresses');
  return out;
}

/** Runs one SQL statement on the server's store (SQLite file or PostgreSQL). */
async function sql(srv, statement) {
  const [cmd, args] = ON_PG ? ['psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', srv.db, '-c', statement]] : ['sqlite3', [srv.db, statement]];
  const r = await new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() }));
  });
  assert.equal(r.code, 0, `${cmd} failed: ${r.err}`);
  return r.out;
}

/** The fields of the first form of a page, as pairs (hidden fields only). */
function hiddenFields(html) {
  return findTags(html, 'input')
    .filter((a) => a.type === 'hidden')
    .map((a) => [a.name, a.value ?? '']);
}

/** Walks the kiosk to its needs screen in lang and returns { form, action }. */
async function needsScreen(c, base, lang, serviceIndex = 0) {
  const services = await c.get(`${base}&lang=${lang}&step=service`);
  assert.equal(services.status, 200, `the services screen answered ${services.status}`);
  const buttons = findTags(services.text, 'button').filter((b) => b.name === 'service');
  assert.ok(buttons.length >= 1, 'no service button');
  const hidden = new URLSearchParams(hiddenFields(services.text));
  hidden.set('service', buttons[serviceIndex].value);
  const form = findTags(services.text, 'form')[0];
  assert.equal(form.method, 'get', 'with needs to ask, the service leads to them by GET');
  const needs = await c.get(`${form.action}?${hidden}`);
  assert.equal(needs.status, 200, `the needs screen answered ${needs.status}: ${needs.text.slice(0, 500)}`);
  const nform = findTags(needs.text, 'form')[0];
  return { html: needs.text, action: nform.action, fields: hiddenFields(needs.text) };
}

/** Issues a ticket from the kiosk (or door) in lang; returns the POST's response. */
async function issue(c, base, lang, { needs = [], none = false, serviceIndex = 0 } = {}) {
  const s = await needsScreen(c, base, lang, serviceIndex);
  const pairs = [...s.fields];
  for (const n of needs) pairs.push(['need', n]);
  if (none) pairs.push(['none', '1']);
  return { res: await c.post(s.action, pairs), screen: s };
}

/** The ticket key and label of the kiosk's ticket page after a redirection. */
async function ticketOf(c, res) {
  assert.equal(res.status, 303, `issuing answered ${res.status}: ${res.text.slice(0, 800)}`);
  const m = /[?&]t=([^&]+)/.exec(res.location);
  assert.ok(m, `the redirection names no ticket: ${res.location}`);
  const page = await c.get(res.location);
  assert.equal(page.status, 200);
  const label = /class="ticket-number[^"]*"[^>]*>[\s\S]*?<bdi dir="ltr">([A-Z]\d{3})<\/bdi>/.exec(page.text);
  assert.ok(label, 'the ticket page shows no number');
  return { key: decodeURIComponent(m[1]), label: label[1], page };
}

describe('kiosk: keys and addresses', () => {
  let srv;
  let links;
  serverForSuite((s) => {
    srv = s;
  });
  before(async () => {
    links = await kioskLinks(srv);
  });

  it('answers the same 404 without a key, with a wrong key, with another site\'s key and for an unknown site', async () => {
    const c = new Client(srv.url);
    const id = srv.sites.rennes;
    const brestLinks = await kioskLinks(srv, 'brest').catch(() => null);
    const wrong = links.kiosk.key.replace(/^./, (ch) => (ch === '0' ? '1' : '0'));
    const paths = [
      `/sites/${id}/kiosk`,
      `/sites/${id}/kiosk?key=${wrong}`,
      `/sites/${id}/kiosk?key=${links.ticket.key}`,
      `/sites/${id}/ticket?key=${links.kiosk.key}`,
      `/sites/999999/kiosk?key=${links.kiosk.key}`,
      `/sites/abc/kiosk?key=${links.kiosk.key}`,
    ];
    if (brestLinks) paths.push(`/sites/${id}/kiosk?key=${brestLinks.kiosk.key}`);
    for (const p of paths) {
      const res = await c.get(p);
      assert.equal(res.status, 404, `${p} answered ${res.status}`);
    }
    const agent = await srv.login('agent');
    assert.equal((await agent.get(`/sites/${id}/kiosk`)).status, 404, 'an agent reads no keyed address');
  });

  it('sets no cookie and starts in French with every language named in itself', async () => {
    const c = new Client(srv.url);
    const res = await c.get(links.kiosk.path);
    assert.equal(res.status, 200);
    assert.equal(res.headers['set-cookie'], undefined, 'the kiosk must not keep anything between two people');
    assert.match(res.text, /<html lang="fr" dir="ltr">/);
    const langs = findTags(res.text, 'a').filter((a) => /[?&]step=service/.test(a.href ?? ''));
    const byLang = Object.fromEntries(langs.map((a) => [a.lang, a]));
    for (const code of ['fr', 'en', 'ar', 'uk']) assert.ok(byLang[code], `no button for ${code}`);
    assert.equal(byLang.ar.dir, 'rtl');
    assert.match(res.text, /العربية/);
    assert.match(res.text, /Українська/);
    assert.doesNotMatch(res.text, /flag|drapeau|1F1[EF][0-9A-F]{2}/i, 'no flags for languages');
  });

  it('shows the door poster with a QR code and a short address that leads to the door page', async () => {
    const m = await srv.login('manager');
    const res = await m.get(`/sites/${srv.sites.rennes}/ticket/poster`);
    assert.equal(res.status, 200);
    assert.match(res.text, /<svg[^>]*role="img"/);
    const short = /\/d\/(\d+-[0-9a-f]{10})/.exec(res.text);
    assert.ok(short, 'the poster shows no short address');
    const go = await new Client(srv.url).get(`/d/${short[1]}`);
    assert.equal(go.status, 303);
    assert.equal(go.location, links.ticket.path);
    assert.equal((await new Client(srv.url).get('/d/1-0000000000')).status, 404);
    const agent = await srv.login('agent');
    assert.equal((await agent.get(`/sites/${srv.sites.rennes}/ticket/poster`)).status, 403);
  });
});

describe('kiosk: the steps in French, Arabic and Ukrainian', () => {
  let srv;
  let links;
  serverForSuite((s) => {
    srv = s;
  });
  before(async () => {
    links = await kioskLinks(srv);
  });

  const cases = [
    { lang: 'fr', dir: 'ltr', services: 'Choisissez ce que vous venez faire', needs: 'Avez-vous besoin d\'aide en plus ?', ticket: 'Votre ticket' },
    { lang: 'ar', dir: 'rtl', services: 'اختر سبب حضورك', needs: 'هل تحتاج إلى مساعدة إضافية؟', ticket: 'تذكرتك' },
    { lang: 'uk', dir: 'ltr', services: 'Оберіть, навіщо ви прийшли', needs: 'Вам потрібна додаткова допомога?', ticket: 'Ваш талон' },
  ];
  for (const k of cases) {
    it(`walks language → service → needs → ticket in ${k.lang}`, async () => {
      const c = new Client(srv.url);
      const services = await c.get(`${links.kiosk.path}&lang=${k.lang}&step=service`);
      assert.equal(services.status, 200);
      assert.match(services.text, new RegExp(`<html lang="${k.lang}" dir="${k.dir}">`));
      assert.ok(textOf(services.text).includes(k.services), `the services screen is not in ${k.lang}`);
      const s = await needsScreen(c, links.kiosk.path, k.lang);
      assert.ok(textOf(s.html).includes(k.needs), `the needs screen is not in ${k.lang}`);
      for (const code of ['interprete', 'mobilite_reduite', 'audition', 'aide_lecture']) {
        assert.ok(findTags(s.html, 'input').some((a) => a.name === 'need' && a.value === code), `need ${code} not offered`);
      }
      const { res } = await issue(c, links.kiosk.path, k.lang, { needs: ['interprete'] });
      const t = await ticketOf(c, res);
      assert.match(t.page.text, new RegExp(`<html lang="${k.lang}" dir="${k.dir}">`));
      assert.ok(textOf(t.page.text).includes(k.ticket), `the ticket is not in ${k.lang}`);
      assert.match(t.page.text, /<svg[^>]*role="img"/, 'the ticket has no QR code');
      assert.match(t.page.text, /ticket-print\.css/, 'the ticket has no receipt stylesheet');
      const phone = await c.get(`/t/${t.key}`);
      assert.equal(phone.status, 200);
      assert.match(phone.text, new RegExp(`<html lang="${k.lang}" dir="${k.dir}">`), 'the phone page speaks the ticket\'s language');
      assert.equal(c.jar.size, 0, 'no cookie was set on the way');
    });
  }
});

describe('kiosk: issuing', () => {
  let srv;
  let links;
  serverForSuite((s) => {
    srv = s;
  });
  before(async () => {
    links = await kioskLinks(srv);
  });

  it('issues exactly one ticket per form, even when the form is sent twice', async () => {
    const c = new Client(srv.url);
    const s = await needsScreen(c, links.kiosk.path, 'fr');
    const first = await c.post(s.action, [...s.fields, ['none', '1']]);
    const again = await c.post(s.action, [...s.fields, ['none', '1']]);
    const a = await ticketOf(c, first);
    const b = await ticketOf(c, again);
    assert.equal(a.key, b.key, 'the same form sent twice must lead to the same ticket');
    const next = await ticketOf(c, (await issue(c, links.kiosk.path, 'fr', { none: true })).res);
    assert.notEqual(next.key, a.key);
    assert.equal(Number(next.label.slice(1)), Number(a.label.slice(1)) + 1, `${a.label} then ${next.label}`);
  });

  it('answers 400 to bad input and issues nothing', async () => {
    const c = new Client(srv.url);
    const s = await needsScreen(c, links.kiosk.path, 'fr');
    const f = new Map(s.fields);
    const base = [...s.fields].filter(([k]) => k !== 'service');
    const before = await ticketOf(c, (await issue(c, links.kiosk.path, 'fr', { none: true })).res);
    const bad = [
      [...base, ['service', '999999']],
      [...base, ['service', 'abc']],
      [...base],
      [...s.fields, ['need', 'bogus']],
      [...s.fields.map(([k, v]) => [k, k === 'lang' ? 'xx' : v])],
    ];
    for (const pairs of bad) {
      // A new token each time: a used one would lead to its ticket.
      const fresh = await needsScreen(c, links.kiosk.path, 'fr');
      const token = new Map(fresh.fields).get('token');
      const body = pairs.map(([k, v]) => [k, k === 'token' ? token : v]);
      const res = await c.post(s.action, body);
      assert.equal(res.status, 400, `${JSON.stringify(body)} answered ${res.status}`);
    }
    assert.ok(f.get('token'));
    const after = await ticketOf(c, (await issue(c, links.kiosk.path, 'fr', { none: true })).res);
    assert.equal(Number(after.label.slice(1)), Number(before.label.slice(1)) + 1, 'a refused form issued a ticket');
  });

  it('answers 403 to a forged or missing token', async () => {
    const c = new Client(srv.url);
    const s = await needsScreen(c, links.kiosk.path, 'fr');
    const forged = s.fields.map(([k, v]) => [k, k === 'token' ? v.replace(/\.(.)/, (m, ch) => `.${ch === 'a' ? 'b' : 'a'}`) : v]);
    assert.equal((await c.post(s.action, [...forged, ['none', '1']])).status, 403);
    const old = s.fields.map(([k, v]) => [k, k === 'token' ? `1000.${v.split('.').slice(1).join('.')}` : v]);
    assert.equal((await c.post(s.action, [...old, ['none', '1']])).status, 403);
    const none = s.fields.filter(([k]) => k !== 'token');
    assert.equal((await c.post(s.action, [...none, ['none', '1']])).status, 403);
  });

  it('says the site is closed outside its hours, in the person\'s language, and issues nothing', async () => {
    const c = new Client(srv.url);
    const s = await needsScreen(c, links.kiosk.path, 'uk');
    const id = srv.sites.rennes;
    await sql(srv, `INSERT INTO queue_settings (site_id, show_names, hours_set, kiosk_languages, kiosk_needs, updated_at) VALUES (${id}, 0, 1, '', 15, 0)`);
    for (let d = 1; d <= 7; d++) await sql(srv, `INSERT INTO queue_hours (site_id, weekday, opens, closes) VALUES (${id}, ${d}, 0, 0)`);
    try {
      const screen = await c.get(`${links.kiosk.path}&lang=uk&step=service`);
      assert.equal(screen.status, 200);
      assert.ok(textOf(screen.text).includes('Заклад зачинено'), 'the closed message is not in Ukrainian');
      assert.equal(findTags(screen.text, 'button').filter((b) => b.name === 'service').length, 0);
      const res = await c.post(s.action, [...s.fields, ['none', '1']]);
      assert.notEqual(res.status, 303, 'a closed kiosk issued a ticket');
      assert.ok(textOf(res.text).includes('Заклад зачинено'));
    } finally {
      await sql(srv, `DELETE FROM queue_hours WHERE site_id = ${id}`);
      await sql(srv, `DELETE FROM queue_settings WHERE site_id = ${id}`);
    }
  });

  it('stops one address taking many tickets at the door (429), in the person\'s language', async () => {
    const c = new Client(srv.url);
    let refused = null;
    for (let i = 0; i < 10 && !refused; i++) {
      const { res } = await issue(c, links.ticket.path, 'en', { none: true });
      if (res.status === 429) refused = res;
      else {
        assert.equal(res.status, 303);
        // The door page leads straight to the phone page.
        const to = await c.get(res.location);
        assert.equal(to.status, 303);
        assert.match(to.location, /^\/t\/[^/?]+\?lang=en$/);
      }
    }
    assert.ok(refused, 'ten tickets from one address were all accepted');
    assert.ok(textOf(refused.text).includes('Several tickets have already been taken with this phone'));
  });
});

/** A JSON API call with a bearer token. */
async function api(srv, token, method, p, body) {
  const c = new Client(srv.url);
  const res = await c.request(method, p, {
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let json = null;
  try {
    json = JSON.parse(res.text);
  } catch { /* not JSON */ }
  return { status: res.status, json, text: res.text };
}

/** The id of the waiting ticket with this label, from the queue API. */
async function ticketId(srv, token, label) {
  const q = await api(srv, token, 'GET', `/api/v1/sites/${srv.sites.rennes}/queue`);
  assert.equal(q.status, 200, `GET queue answered ${q.status}: ${q.text.slice(0, 300)}`);
  const list = Array.isArray(q.json) ? q.json : q.json.tickets ?? q.json.waiting ?? q.json.data ?? [];
  const t = list.find((x) => x.number === label || x.label === label);
  assert.ok(t, `ticket ${label} is not in the queue: ${q.text.slice(0, 500)}`);
  return t.id;
}

/**
 * Opens a text/event-stream: { ready } resolves once the server answered
 * (the stream is registered), { event } with the first event that
 * satisfies pred; the connection is then closed.
 */
function openStream(base, p, pred) {
  let ready;
  const readyP = new Promise((r) => {
    ready = r;
  });
  const event = new Promise((resolve, reject) => {
    const req = http.get(`${base}${p}`, { headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`${p} answered ${res.statusCode}`));
        res.resume();
        return;
      }
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        text += d;
        // The first bytes (retry:) say the stream is open.
        ready();
        for (const block of text.split('\n\n').slice(0, -1)) {
          const lines = block.split('\n').filter((l) => /^(event|data|id):/.test(l));
          const ev = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
          if (ev.event && pred(ev)) {
            resolve(ev);
            req.destroy();
            return;
          }
        }
      });
      res.on('error', () => {});
    });
    req.on('error', (e) => {
      if (e.code !== 'ECONNRESET') reject(e);
    });
  });
  return { ready: readyP, event };
}

describe('the phone page', () => {
  let srv;
  let links;
  const tokens = {};
  serverForSuite(
    (s) => {
      srv = s;
    },
    { tokens, tokenUsers: ['agent'] },
  );
  before(async () => {
    links = await kioskLinks(srv);
  });

  it('shows the people ahead, changes after a call, and tells the desk', async () => {
    const c = new Client(srv.url);
    const first = await ticketOf(c, (await issue(c, links.kiosk.path, 'fr', { none: true })).res);
    const second = await ticketOf(c, (await issue(c, links.kiosk.path, 'fr', { none: true })).res);
    const page = await c.get(`/t/${second.key}`);
    assert.equal(page.status, 200);
    assert.ok(textOf(page.text).includes('Personnes avant vous : 1'), textOf(page.text));
    assert.match(page.text, /role="status" aria-live="polite"/);
    const live = findTags(page.text, 'div').find((d) => d.id === 'phone-live');
    assert.match(live['data-events'], new RegExp(`^/t/${second.key}/events\\?`));

    // An event stream opened before the call receives it.
    const stream = openStream(srv.url, live['data-events'], (ev) => ev.event === 'call' || ev.event === 'queue');
    await stream.ready;
    const id = await ticketId(srv, tokens.agent, first.label);
    const call = await api(srv, tokens.agent, 'POST', `/api/v1/tickets/${id}/call`, { desk: '2' });
    assert.ok([200, 201].includes(call.status), `call answered ${call.status}: ${call.text.slice(0, 300)}`);
    const ev = await stream.event;
    assert.ok(ev.data.startsWith('{'));

    const mine = await c.get(`/t/${first.key}`);
    assert.ok(textOf(mine.text).includes('C\'est votre tour !'), 'the called ticket does not say so');
    assert.ok(textOf(mine.text).includes('Allez au guichet 2.'), 'the called ticket does not name its desk');
    const after = await c.get(`/t/${second.key}`);
    assert.ok(textOf(after.text).includes('Vous êtes la prochaine personne appelée.'), textOf(after.text));
    const status = await c.get(`/t/${first.key}/status`);
    assert.equal(status.status, 200);
    const j = JSON.parse(status.text);
    assert.equal(j.status, 'appele');
    assert.equal(j.desk, '2');
    assert.match(j.html, /guichet 2/);
  });

  it('cancels after a confirmation', async () => {
    const c = new Client(srv.url);
    const t = await ticketOf(c, (await issue(c, links.kiosk.path, 'ar', { none: true })).res);
    const confirm = await c.get(`/t/${t.key}/cancel`);
    assert.equal(confirm.status, 200);
    assert.match(confirm.text, /<html lang="ar" dir="rtl">/);
    const fields = hiddenFields(confirm.text);
    const bad = await c.post(`/t/${t.key}/cancel`, fields.filter(([k]) => k !== 'token'));
    assert.equal(bad.status, 403);
    assert.ok(!textOf((await c.get(`/t/${t.key}`)).text).includes('أُلغيت هذه التذكرة.'));
    const res = await c.post(`/t/${t.key}/cancel`, fields);
    assert.equal(res.status, 303);
    const page = await c.get(res.location);
    assert.ok(textOf(page.text).includes('أُلغيت هذه التذكرة.'), textOf(page.text));
    assert.equal((await c.get('/t/not-a-ticket')).status, 404);
  });

  it('asks the satisfaction questions after the visit, answerable once', async () => {
    const c = new Client(srv.url);
    const t = await ticketOf(c, (await issue(c, links.kiosk.path, 'fr', { none: true })).res);
    const id = await ticketId(srv, tokens.agent, t.label);
    for (const step of ['call', 'start', 'finish']) {
      const r = await api(srv, tokens.agent, 'POST', `/api/v1/tickets/${id}/${step}`, { desk: '1' });
      assert.ok([200, 201].includes(r.status), `${step} answered ${r.status}: ${r.text.slice(0, 300)}`);
    }
    const page = await c.get(`/t/${t.key}`);
    assert.ok(textOf(page.text).includes('Votre visite est terminée.'));
    const form = findTags(page.text, 'form').find((f) => /\/avis/.test(f.action ?? ''));
    assert.ok(form, 'no satisfaction form after the visit');
    const fields = hiddenFields(page.text);
    const empty = await c.post(form.action, fields);
    assert.equal(empty.status, 400, 'an answer without the first question is refused');
    const ok = await c.post(form.action, [...fields, ['overall', '3'], ['clarity', '5']]);
    assert.equal(ok.status, 303);
    const thanks = await c.get(ok.location);
    assert.ok(textOf(thanks.text).includes('Merci pour votre avis !'));
    assert.equal(findTags(thanks.text, 'form').filter((f) => /\/avis/.test(f.action ?? '')).length, 0);
    const again = await c.post(form.action, [...fields, ['overall', '1']]);
    assert.equal(again.status, 409, 'a second answer for the same visit is refused');
    const today = new Date().toISOString().slice(0, 10);
    const stats = JSON.parse(await srv.cliOk(['stats', '--site', String(srv.sites.rennes), '--from', today, '--to', today]));
    assert.equal(stats.satisfaction.answers, 1, JSON.stringify(stats.satisfaction));
    assert.equal(stats.satisfaction.counts.tres_bien, 1);
  });
});
