// avis.test.mjs: the public satisfaction page of a site (/avis/ID?k=KEY):
// a wrong key and an unknown site answer the same 404; the form has the
// three questions with their labels and recordings; a valid answer is
// stored (seen in `guichet stats`) and thanked, the comment never logged;
// errors answer 400 with the summary; no CSRF token answers 403; the 31st
// answer from one address in the window answers 429; the recordings are WAV
// files in fr, en and ar, cached with a stable ETag, and unknown phrases or
// languages answer 404.
//
// The key of a site's page is a MAC under the server's secret, so the tests
// read the addresses where the site's managers find them: GET /satisfaction.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';

import {
  Client,
  csrfToken,
  findTags,
  htmlAttributes,
  serverForSuite,
  setupServer,
  stopServer,
  stripPath,
  textOf,
} from './lib.mjs';

const HAVE_ESPEAK = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v espeak-ng'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const NO_ESPEAK = HAVE_ESPEAK ? false : 'espeak-ng is not installed';

const PHRASES = ['question1', 'pas_bien', 'moyen', 'tres_bien', 'question2', 'clarte_1', 'clarte_2', 'clarte_3',
  'clarte_4', 'clarte_5', 'question3', 'avertissement', 'envoyer', 'merci'];

/** The kiosk and QR addresses of a site, as its manager sees them on /satisfaction. */
async function avisLinks(srv, userKey = 'manager', siteKey = 'rennes') {
  const c = new Client(srv.url);
  const u = srv.users[userKey];
  const login = await c.login(u.email, u.password);
  assert.equal(login.status, 303, `login as ${userKey} failed: ${login.status}`);
  const id = srv.sites[siteKey];
  const res = await c.get(`/satisfaction?site=${id}`);
  assert.equal(res.status, 200, `GET /satisfaction answered ${res.status}`);
  const out = {};
  for (const a of findTags(res.text, 'a')) {
    const m = /\/avis\/(\d+)\?k=([0-9a-f]{32})&via=(borne|qr)$/.exec(a.href ?? '');
    if (m && Number(m[1]) === id) out[m[3]] = `/avis/${m[1]}?k=${m[2]}&via=${m[3]}`;
  }
  assert.ok(out.borne && out.qr, 'the advisers\' page /satisfaction shows no kiosk and QR addresses');
  return out;
}

function today() {
  return new Date().toISOString().slice(0, 10);
}

async function satisfactionCounts(srv, siteId) {
  const out = await srv.cliOk(['stats', '--site', String(siteId), '--from', today(), '--to', today()]);
  return JSON.parse(out).satisfaction;
}

describe('public satisfaction page', () => {
  let srv;
  let links;
  serverForSuite((s) => {
    srv = s;
  });
  before(async () => {
    links = await avisLinks(srv);
  });

  it('answers the same 404 to a wrong key and to an unknown site', async () => {
    const id = srv.sites.rennes;
    const key = new URL(links.qr, 'http://x').searchParams.get('k');
    const c = new Client(srv.url);
    const wrong = await c.get(`/avis/${id}?k=${'0'.repeat(32)}&via=qr`);
    const missing = await c.get(`/avis/${id}?via=qr`);
    const unknown = await c.get(`/avis/999999?k=${key}&via=qr`);
    const otherSite = await c.get(`/avis/${srv.sites.brest}?k=${key}&via=qr`);
    for (const r of [wrong, missing, unknown, otherSite]) assert.equal(r.status, 404);
    const norm = (r, p) => stripPath(r.text, p);
    assert.equal(norm(wrong, `/avis/${id}`), norm(unknown, '/avis/999999'));
    assert.equal(norm(wrong, `/avis/${id}`), norm(missing, `/avis/${id}`));
    assert.equal(norm(wrong, `/avis/${id}`), norm(otherSite, `/avis/${srv.sites.brest}`));
    assert.ok(!wrong.text.includes('France services Rennes'), 'the 404 names the site');
  });

  it('shows the three questions with pictograms, labels and recordings', async () => {
    const c = new Client(srv.url);
    const res = await c.get(links.borne);
    assert.equal(res.status, 200);
    const html = res.text;
    const text = textOf(html);
    assert.ok(text.includes('France services Rennes Centre'), 'the site is named');
    assert.ok(text.includes('De façon générale, comment ça s\'est passé ?'));
    assert.ok(findTags(html, 'link').some((l) => l.href === '/static/avis.css'), 'avis.css is linked');
    // A kiosk does not lead to the advisers' pages: no link to the home page.
    assert.ok(!findTags(html, 'a').some((a) => a.href === '/'), 'a link leads away to the home page');
    assert.ok(!html.includes('main-nav'), 'no navigation of the advisers for the public');
    assert.ok(csrfToken(html), 'the form carries a CSRF token');
    const form = findTags(html, 'form').find((f) => f.action?.startsWith('/avis/'));
    assert.equal(form.action, links.borne, 'the form posts back to the same address');

    const overall = findTags(html, 'input').filter((i) => i.name === 'overall');
    assert.deepEqual(overall.map((i) => i.value), ['1', '2', '3']);
    assert.equal(overall[0].id, 'overall', 'the first radio has the field\'s id (error summary link)');
    const labels = findTags(html, 'label');
    for (const [i, label] of ['Pas bien', 'Moyen', 'Très bien'].entries()) {
      assert.ok(labels.some((l) => l.for === overall[i].id), `radio ${i + 1} has a label`);
      assert.ok(text.includes(label), `label ${label}`);
    }
    const clarity = findTags(html, 'input').filter((i) => i.name === 'clarity');
    assert.deepEqual(clarity.map((i) => i.value), ['1', '2', '3', '4', '5']);
    assert.ok(clarity.every((i) => !('checked' in i)), 'no clarity is chosen beforehand');
    assert.ok(overall.every((i) => !('checked' in i)), 'no overall answer is chosen beforehand');
    assert.ok(text.includes('Pas clair du tout') && text.includes('Très clair'));
    assert.ok(text.includes('N\'écrivez pas votre nom, votre téléphone ni d\'autres informations personnelles.'));
    assert.ok(findTags(html, 'textarea').some((t) => t.name === 'comment'));
    assert.ok(text.includes('Envoyer mon avis'));
    assert.equal((html.match(/<svg\b/g) ?? []).length >= 8, true, 'a pictogram for each choice');

    const audios = findTags(html, 'audio');
    const srcs = audios.map((a) => a.src);
    for (const p of PHRASES.filter((x) => x !== 'merci')) assert.ok(srcs.includes(`/avis/audio/fr/${p}`), `audio of ${p}`);
    for (const a of audios) {
      assert.equal(a.preload, 'none');
      assert.ok('controls' in a);
      assert.match(a['aria-label'], /^Écouter : ./);
    }
    assert.ok(audios.some((a) => a['aria-label'] === 'Écouter : Très bien'));
  });

  it('keeps the key when the language is changed, and speaks Arabic right to left', async () => {
    const c = new Client(srv.url);
    const page = await c.get(links.qr);
    const link = findTags(page.text, 'a').find((a) => a.hreflang === 'ar');
    assert.ok(link, 'a link to Arabic');
    const sw = await c.get(link.href);
    assert.equal(sw.status, 303);
    assert.equal(sw.location, links.qr);
    const ar = await c.follow(sw);
    assert.equal(ar.status, 200);
    assert.deepEqual([htmlAttributes(ar.text).lang, htmlAttributes(ar.text).dir], ['ar', 'rtl']);
    assert.ok(findTags(ar.text, 'audio').some((a) => a.src === '/avis/audio/ar/tres_bien'));
  });

  it('stores a valid answer, thanks the person and never logs the comment', async () => {
    const id = srv.sites.rennes;
    const before_ = await satisfactionCounts(srv, id);
    const c = new Client(srv.url);
    const { csrf } = await c.form(links.borne);
    const marker = `Accueil parfait ${Date.now()}`;
    const res = await c.post(links.borne, { overall: '3', clarity: '4', comment: marker, csrf });
    assert.equal(res.status, 303, res.text.slice(0, 1000));
    assert.equal(res.location, `${links.borne}&merci=1`);
    const thanks = await c.follow(res);
    assert.equal(thanks.status, 200);
    const text = textOf(thanks.text);
    assert.ok(text.includes('Merci pour votre avis !'));
    assert.ok(findTags(thanks.text, 'audio').some((a) => a.src === '/avis/audio/fr/merci'));
    const again = findTags(thanks.text, 'a').find((a) => a.class === 'avis-again');
    assert.ok(again, 'a kiosk offers to give another answer');
    assert.equal(again.href, links.borne);
    assert.ok(!findTags(thanks.text, 'meta').some((m) => m['http-equiv']), 'no timed redirection');

    const after_ = await satisfactionCounts(srv, id);
    assert.equal(after_.counts.tres_bien, before_.counts.tres_bien + 1);
    assert.equal(after_.answers, before_.answers + 1);
    assert.ok(!srv.log.includes(marker), 'the comment is in the server log');

    // From a phone: stored as well, without "another answer".
    const q = new Client(srv.url);
    const f = await q.form(links.qr);
    const r2 = await q.post(links.qr, { overall: '1', clarity: '', comment: '', csrf: f.csrf });
    assert.equal(r2.status, 303);
    const t2 = await q.follow(r2);
    assert.ok(!findTags(t2.text, 'a').some((a) => a.class === 'avis-again'));
    const last = await satisfactionCounts(srv, id);
    assert.equal(last.counts.pas_bien, after_.counts.pas_bien + 1);
  });

  it('answers 400 with the error summary when the first question is not answered', async () => {
    const c = new Client(srv.url);
    const { csrf } = await c.form(links.qr);
    const res = await c.post(links.qr, { clarity: '2', comment: 'Un mot', csrf });
    assert.equal(res.status, 400);
    assert.match(res.text, /error-summary/);
    assert.match(res.text, /href="#overall"/);
    assert.ok(findTags(res.text, 'input').some((i) => i.name === 'clarity' && i.value === '2' && 'checked' in i),
      'the clarity given is kept');
    assert.match(res.text, />Un mot<\/textarea>/);
    const bad = await c.post(links.qr, { overall: '7', csrf });
    assert.equal(bad.status, 400);
  });

  it('answers 403 without the CSRF token, and 404 for a wrong key before anything else', async () => {
    const c = new Client(srv.url);
    await c.get(links.qr);
    const res = await c.post(links.qr, { overall: '2' });
    assert.equal(res.status, 403);
    const id = srv.sites.rennes;
    const wrong = await c.post(`/avis/${id}?k=${'f'.repeat(32)}&via=qr`, { overall: '2' });
    assert.equal(wrong.status, 404);
  });

  it('serves each recording as a cached WAV file in fr, en and ar', { skip: NO_ESPEAK }, async () => {
    const c = new Client(srv.url);
    for (const lang of ['fr', 'en', 'ar']) {
      const res = await c.get(`/avis/audio/${lang}/tres_bien`);
      assert.equal(res.status, 200, `${lang}: ${res.text.slice(0, 200)}`);
      assert.equal(res.header('content-type'), 'audio/wav');
      assert.equal(res.body.subarray(0, 4).toString('latin1'), 'RIFF');
      assert.match(res.header('cache-control'), /public/);
      assert.match(res.header('cache-control'), /max-age=86400/);
      const etag = res.header('etag');
      assert.ok(etag, 'an ETag');
      const second = await c.get(`/avis/audio/${lang}/tres_bien`);
      assert.equal(second.header('etag'), etag, 'the same recording the second time');
      assert.ok(second.body.equals(res.body));
      const revalidated = await c.get(`/avis/audio/${lang}/tres_bien`, { headers: { 'if-none-match': etag } });
      assert.equal(revalidated.status, 304);
    }
  });

  it('answers 404 for an unknown phrase or language', async () => {
    const c = new Client(srv.url);
    for (const p of ['/avis/audio/fr/bonjour', '/avis/audio/xx/merci', '/avis/audio/de/merci',
      '/avis/audio/fr/merci.wav', '/avis/audio/FR/merci', '/avis/audio/fr/Merci']) {
      const res = await c.get(p);
      assert.equal(res.status, 404, p);
    }
  });
});

describe('public satisfaction page: throttle', () => {
  let srv;
  before(async () => {
    srv = await setupServer();
  });
  after(() => stopServer(srv));

  it('refuses the 31st answer from one address within ten minutes with 429', async () => {
    const links = await avisLinks(srv);
    const c = new Client(srv.url);
    const { csrf } = await c.form(links.borne);
    for (let i = 1; i <= 30; i++) {
      const res = await c.post(links.borne, { overall: String((i % 3) + 1), csrf });
      assert.equal(res.status, 303, `answer ${i} answered ${res.status}`);
    }
    const res = await c.post(links.borne, { overall: '3', csrf });
    assert.equal(res.status, 429);
    assert.ok(textOf(res.text).includes('Attendez quelques minutes'));
    const counts = await satisfactionCounts(srv, srv.sites.rennes);
    assert.equal(counts.answers, 30);
  });
});
