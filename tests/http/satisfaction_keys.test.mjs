// satisfaction_keys.test.mjs: the protections of the public satisfaction
// page beyond one address's throttle, and the addresses given to the public:
// - a site takes at most LIMIT_SATISFACTION_SITE_PER_HOUR (120) answers from
//   the kiosk and the QR code in an hour, whatever addresses send them; the
//   next is refused with 429 in the person's language, and paper answers are
//   not counted;
// - a manager of the site (or an administrator) changes the site's key: the
//   old addresses answer 404, the new ones work, the page says to reprint
//   the posters, and the journal keeps the change; an agent cannot;
// - the addresses shown and printed never come from the Host header: a
//   forged or very long Host gives neither a 500 nor itself on the poster;
//   public-url is used when set, and one too long for a QR code is printed
//   as text only.

import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, it } from 'node:test';

import { findTags, serverForSuite, textOf } from './lib.mjs';

const SITE_CAP = 120;
const ADDRESS_CAP = 30; // answers per address per 10 minutes (page_avis.c)

/** The kiosk and QR addresses of a site as shown on /satisfaction, relative and absolute. */
async function addresses(c, siteId, opts = {}) {
  const res = await c.get(`/satisfaction?site=${siteId}`, opts);
  assert.equal(res.status, 200, `GET /satisfaction answered ${res.status}`);
  const out = { page: res };
  for (const a of findTags(res.text, 'a')) {
    const m = /^(.*)(\/avis\/(\d+)\?k=([0-9a-f]{32})&via=(borne|qr))$/.exec(a.href ?? '');
    if (m && Number(m[3]) === siteId) {
      out[m[5]] = m[2];
      out[`${m[5]}Url`] = m[1] + m[2];
      out.key = m[4];
    }
  }
  return out;
}

/** One POST of an urlencoded form from a chosen loopback source address. */
function postFrom(base, localAddress, path, { cookie, body, lang = 'fr' }) {
  const u = new URL(base);
  const payload = Buffer.from(body);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: u.hostname,
      port: u.port,
      method: 'POST',
      path,
      localAddress,
      agent: false,
      timeout: 30000,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': payload.length,
        'accept-language': lang,
        cookie,
      },
    });
    req.on('timeout', () => req.destroy(new Error(`POST ${path}: no answer`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.end(payload);
  });
}

function today() {
  return new Date().toISOString().slice(0, 10);
}

async function answersToday(srv, siteId) {
  const out = await srv.cliOk(['stats', '--site', String(siteId), '--from', today(), '--to', today()]);
  return JSON.parse(out).satisfaction.answers;
}

describe('satisfaction: the cap of answers per site', () => {
  let srv;
  serverForSuite((s) => (srv = s));

  it('refuses the answer past the site cap from any address, with 429 in the person\'s language', async () => {
    const manager = await srv.login('manager');
    const links = await addresses(manager, srv.sites.rennes);
    assert.ok(links.borne, 'no kiosk address on /satisfaction');
    // A browser of the public: its cookie and CSRF token, then answers sent
    // from several loopback addresses, each under its own throttle.
    const visitor = srv.client();
    const { csrf } = await visitor.form(links.borne);
    const cookie = visitor.cookieHeader();
    const body = new URLSearchParams({ overall: '3', csrf }).toString();
    const sources = Math.ceil((SITE_CAP + 1) / (ADDRESS_CAP - 1));
    let sent = 0;
    for (let s = 0; s < sources && sent < SITE_CAP; s++) {
      const from = `127.0.0.${10 + s}`;
      for (let i = 0; i < ADDRESS_CAP - 1 && sent < SITE_CAP; i++, sent++) {
        const res = await postFrom(srv.url, from, links.borne, { cookie, body });
        assert.equal(res.status, 303, `answer ${sent + 1} from ${from} answered ${res.status}`);
      }
    }
    assert.equal(await answersToday(srv, srv.sites.rennes), SITE_CAP);

    // A fresh address, never throttled: refused by the site's cap.
    const fr = await postFrom(srv.url, '127.0.0.200', links.borne, { cookie, body });
    assert.equal(fr.status, 429);
    assert.match(textOf(fr.text), /Ce lieu a reçu beaucoup d'avis dans la dernière heure/);
    const en = await postFrom(srv.url, '127.0.0.201', links.qr, { cookie, body, lang: 'en' });
    assert.equal(en.status, 429);
    assert.match(textOf(en.text), /This place has received many answers in the last hour/);
    const ar = await postFrom(srv.url, '127.0.0.202', links.qr, { cookie, body, lang: 'ar' });
    assert.equal(ar.status, 429);
    assert.match(ar.text, /<html[^>]*lang="ar"/);
    assert.equal(await answersToday(srv, srv.sites.rennes), SITE_CAP, 'a refused answer was stored');

    // Another site is not affected, and paper answers are still typed.
    const brest = await addresses(await srv.login('agentBrest'), srv.sites.brest);
    assert.ok(brest.qr, 'no QR address for Brest');
    const other = await postFrom(srv.url, '127.0.0.203', brest.qr, { cookie, body });
    assert.equal(other.status, 303);
    const { csrf: paperCsrf } = await manager.form('/satisfaction/new');
    const paper = await manager.post('/satisfaction', {
      site_id: String(srv.sites.rennes), date: today(), overall: '2', clarity: '', comment: '', csrf: paperCsrf,
    });
    assert.equal(paper.status, 303, `a paper answer past the cap answered ${paper.status}: ${textOf(paper.text).slice(0, 500)}`);
    assert.equal(await answersToday(srv, srv.sites.rennes), SITE_CAP + 1);
  });
});

describe('satisfaction: changing a site key', () => {
  let srv;
  serverForSuite((s) => (srv = s));

  it('lets a manager change the key: the old addresses stop working and the change is journaled', async () => {
    const id = srv.sites.rennes;
    const manager = await srv.login('manager');
    const before = await addresses(manager, id);
    const visitor = srv.client();
    assert.equal((await visitor.get(before.qr)).status, 200);

    const link = findTags(before.page.text, 'a').find((a) => a.href === `/satisfaction/key?site=${id}`);
    assert.ok(link, 'no link to change the key on the manager\'s page');
    const confirm = await manager.get(`/satisfaction/key?site=${id}`);
    assert.equal(confirm.status, 200);
    assert.match(textOf(confirm.text), /réimprimer les affiches/);
    // Without the CSRF token nothing changes.
    assert.equal((await manager.post(`/satisfaction/key?site=${id}`, {})).status, 403);
    assert.equal((await addresses(manager, id)).key, before.key);

    const res = await manager.submit(`/satisfaction/key?site=${id}`, `/satisfaction/key?site=${id}`, {});
    assert.equal(res.status, 303);
    assert.equal(res.location, `/satisfaction?site=${id}&key=1`);
    const page = await manager.follow(res);
    assert.match(textOf(page.text), /Les anciennes adresses ne fonctionnent plus : réimprimez les affiches/);

    const after = await addresses(manager, id);
    assert.notEqual(after.key, before.key);
    assert.equal((await visitor.get(before.qr)).status, 404, 'the old QR address still works');
    assert.equal((await visitor.get(before.borne)).status, 404, 'the old kiosk address still works');
    const form = await visitor.form(after.qr);
    assert.equal((await visitor.post(before.qr, { overall: '3', csrf: form.csrf })).status, 404);
    assert.equal((await visitor.post(after.qr, { overall: '3', csrf: form.csrf })).status, 303);
    // The poster prints the new address.
    const poster = await manager.get(`/satisfaction/poster?site=${id}`);
    assert.ok(poster.text.includes(after.key) && !poster.text.includes(before.key));

    // A second change gives yet another key; the admin may change it too.
    const admin = await srv.login('admin');
    assert.equal((await admin.submit(`/satisfaction/key?site=${id}`, `/satisfaction/key?site=${id}`, {})).status, 303);
    const third = await addresses(manager, id);
    assert.ok(third.key !== after.key && third.key !== before.key);
    assert.equal((await visitor.get(after.qr)).status, 404);

    const audit = textOf((await admin.get('/audit')).text);
    assert.match(audit, new RegExp(`modification satisfaction_key ${id}\\b`));
  });

  it('refuses the change to an agent (403) and to a manager of another site (404)', async () => {
    const id = srv.sites.rennes;
    const agent = await srv.login('agent');
    const page = await agent.get(`/satisfaction?site=${id}`);
    assert.ok(!findTags(page.text, 'a').some((a) => a.href?.startsWith('/satisfaction/key')), 'an agent is offered the change');
    const key = (await addresses(agent, id)).key;
    assert.equal((await agent.get(`/satisfaction/key?site=${id}`)).status, 403);
    const csrf = await agent.csrf('/satisfaction/new');
    assert.equal((await agent.post(`/satisfaction/key?site=${id}`, { csrf })).status, 403);
    const other = await srv.login('agentBrest');
    assert.equal((await other.get(`/satisfaction/key?site=${id}`)).status, 404);
    assert.equal((await other.get('/satisfaction/key?site=999999')).status, 404);
    assert.equal((await addresses(agent, id)).key, key, 'the key changed');
  });
});

describe('satisfaction: addresses for the public never come from the Host header', () => {
  let srv;
  serverForSuite((s) => (srv = s));

  it('ignores a forged or very long Host on the page and the poster', async () => {
    const id = srv.sites.rennes;
    const manager = await srv.login('manager');
    const port = new URL(srv.url).port;
    for (const host of [`${'h'.repeat(170)}`, `${'h'.repeat(156)}`, `${'a'.repeat(150)}.example`, 'evil.example', `${'x'.repeat(400)}.example:80`]) {
      const headers = { host };
      const poster = await manager.get(`/satisfaction/poster?site=${id}`, { headers });
      assert.equal(poster.status, 200, `Host of ${host.length} characters: the poster answered ${poster.status}`);
      assert.ok(!poster.text.includes(host), 'the Host header is printed on the poster');
      const page = await manager.get(`/satisfaction?site=${id}`, { headers });
      assert.equal(page.status, 200, `Host of ${host.length} characters: /satisfaction answered ${page.status}`);
      assert.ok(!page.text.includes(host), 'the Host header is shown as an address');
      // The server listens on loopback only: the demonstration address.
      const url = /<p class="poster-url"><bdi>([^<]*)<\/bdi>/.exec(poster.text)?.[1];
      assert.match(url ?? '', new RegExp(`^http://127\\.0\\.0\\.1:${port}/avis/${id}\\?k=[0-9a-f]{32}&amp;via=qr$`));
      assert.match(poster.text, /<svg[^>]*class="qr/);
    }
  });
});

describe('satisfaction: addresses from public-url', () => {
  let srv;
  serverForSuite((s) => (srv = s), { serveArgs: ['--public-url', 'https://avis.example.org/'] });

  it('starts every public address with public-url', async () => {
    const id = srv.sites.rennes;
    const manager = await srv.login('manager');
    const links = await addresses(manager, id, { headers: { host: 'evil.example' } });
    assert.match(links.qrUrl, new RegExp(`^https://avis\\.example\\.org/avis/${id}\\?k=[0-9a-f]{32}&via=qr$`));
    assert.match(links.borneUrl, /^https:\/\/avis\.example\.org\/avis\//);
    const poster = await manager.get(`/satisfaction/poster?site=${id}`, { headers: { host: 'evil.example' } });
    assert.equal(poster.status, 200);
    assert.ok(poster.text.includes(`https://avis.example.org/avis/${id}?k=`));
    assert.ok(!poster.text.includes('evil.example'));
  });
});

describe('satisfaction: a public-url too long for a QR code', () => {
  let srv;
  const base = `https://${'a'.repeat(170)}.example.org`;
  serverForSuite((s) => (srv = s), { serveArgs: ['--public-url', base] });

  it('prints the address as text and says why, instead of a 500', async () => {
    const id = srv.sites.rennes;
    const manager = await srv.login('manager');
    const poster = await manager.get(`/satisfaction/poster?site=${id}`);
    assert.equal(poster.status, 200);
    assert.ok(poster.text.includes(`${base}/avis/${id}?k=`));
    assert.doesNotMatch(poster.text, /<svg[^>]*class="qr/);
    assert.match(textOf(poster.text), /trop longue pour un QR code/);
  });
});
