// avis.test.mjs: the public satisfaction page of a site (/avis/ID?k=KEY):
// a wrong key and an unknown site answer the same 404; the form has the
// three questions with their labels, one "listen" control per question and
// one for the whole page (links to the recordings, no native players); a
// valid answer is stored (seen in `guichet stats`) and thanked, the comment
// never logged; errors answer 400 with the summary and its recording; no
// CSRF token answers 403; the 31st answer from one address in the window
// answers 429; every public language renders, right to left where it
// should; the language lives in the address only, so the next person at the
// kiosk starts in French; the poster's short code leads to the page on /a
// and changes with the key; the recordings are WAV files in fr, en and ar,
// cached with a stable ETag, and unknown phrases or languages answer 404
// (their byte ranges are tested with the speech).
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

/* The 20 languages of the public pages, and those written right to left. */
const PUBLIC_LANGS = ['fr', 'en', 'ar', 'fa', 'ps', 'uk', 'ru', 'ti', 'es', 'pt', 'ro', 'tr', 'ta', 'bn', 'sq', 'ka',
  'prs', 'so', 'ku', 'zh'];
const RTL = new Set(['ar', 'fa', 'ps', 'prs']);

/** The "listen" controls of a page: their address and the recordings they play. */
function listens(html) {
  return findTags(html, 'a').filter((a) => /\bavis-listen\b/.test(a.class ?? ''))
    .map((a) => ({ href: a.href, audio: (a['data-audio'] ?? '').split(' ').filter(Boolean) }));
}

/** The address of a public phrase's recording in lang for the site. */
function audioOf(lang, siteId) {
  return new RegExp(`^/audio/${lang}/[0-9a-f]{12}\\.wav\\?site=${siteId}$`);
}

/** The short code printed on a site's poster, read by its manager. */
async function posterCode(client, siteId) {
  const res = await client.get(`/satisfaction/poster?site=${siteId}`);
  assert.equal(res.status, 200);
  const m = /<p class="poster-code"><bdi>([^<]+)<\/bdi>/.exec(res.text);
  assert.ok(m, 'the poster shows no short code');
  return m[1];
}

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

    // No native players: one "listen" for the whole page and one per
    // question, each a link to its first recording that avis.js turns into
    // a button playing them all.
    assert.equal(findTags(html, 'audio').length, 0, 'native audio players in the page');
    const ls = listens(html);
    const id = srv.sites.rennes;
    const inFr = ls.filter((l) => l.audio.every((u) => audioOf('fr', id).test(u)));
    assert.deepEqual(inFr.map((l) => l.audio.length).sort((x, y) => x - y), [2, 4, 6, 14],
      'one listen per question (3 questions) and one for the whole page, none per choice');
    for (const l of inFr) assert.equal(l.href, l.audio[0], 'without JavaScript the link opens the first recording');
    const whole = inFr.find((l) => l.audio.length === 14);
    for (const l of inFr) assert.ok(l.audio.every((u) => whole.audio.includes(u)), 'the whole page reads every question');
    assert.equal(new Set(whole.audio).size, 14, 'the introduction, the questions, the choices, the warning, the button');
    // The language choice speaks in every language that has a voice.
    const choose = ls.find((l) => l.audio.some((u) => u.startsWith('/audio/ar/')));
    assert.ok(choose && choose.audio.some((u) => audioOf('fr', id).test(u)) && choose.audio.some((u) => u.startsWith('/audio/uk/')),
      'the language choice is not spoken in each language');
    assert.ok(findTags(html, 'script').some((t) => t.src === '/static/avis.js'), 'avis.js is loaded');
  });

  it('keeps the key when the language is changed, and speaks Arabic right to left', async () => {
    const c = new Client(srv.url);
    const page = await c.get(links.qr);
    const link = findTags(page.text, 'a').find((a) => a.hreflang === 'ar');
    assert.ok(link, 'a link to Arabic');
    assert.equal(link.href, `${links.qr}&lang=ar`, 'the language goes into the address of the visit');
    const ar = await c.get(link.href);
    assert.equal(ar.status, 200);
    assert.ok(!(ar.header('set-cookie') ?? '').includes('guichet_lang'), 'the language is kept in a cookie');
    assert.deepEqual([htmlAttributes(ar.text).lang, htmlAttributes(ar.text).dir], ['ar', 'rtl']);
    assert.ok(listens(ar.text).some((l) => l.audio.length === 4 && l.audio.every((u) => audioOf('ar', srv.sites.rennes).test(u))),
      'the first question is heard in Arabic');
    const form = findTags(ar.text, 'form').find((f) => f.action?.startsWith('/avis/'));
    assert.equal(form.action, `${links.qr}&lang=ar`, 'the form keeps the language');
  });

  it('renders in each of the 20 public languages', async () => {
    const c = new Client(srv.url);
    const french = textOf((await c.get(links.qr)).text);
    for (const code of PUBLIC_LANGS) {
      const res = await c.get(`${links.qr}&lang=${code}`);
      assert.equal(res.status, 200, code);
      const h = htmlAttributes(res.text);
      assert.deepEqual([h.lang, h.dir], [code, RTL.has(code) ? 'rtl' : 'ltr'], code);
      const text = textOf(res.text);
      if (code !== 'fr') {
        for (const fr of ['De façon générale, comment ça s\'est passé ?', 'Pas clair du tout', 'Envoyer mon avis',
          'N\'écrivez pas votre nom, votre téléphone ni d\'autres informations personnelles.']) {
          assert.ok(!text.includes(fr), `[${code}] "${fr}" is not translated`);
        }
      }
      assert.ok(text.includes('France services Rennes Centre'), `[${code}] the site is named`);
      // Each language is offered, named in itself.
      const names = findTags(res.text, 'a').filter((a) => a.hreflang).map((a) => a.hreflang);
      assert.deepEqual([...names].sort(), [...PUBLIC_LANGS].sort(), `[${code}] the language choice`);
    }
    assert.ok(french.includes('De façon générale'));
    // A language outside the list is the default one, not an error.
    const xx = await c.get(`${links.qr}&lang=xx`);
    assert.equal(xx.status, 200);
    assert.equal(htmlAttributes(xx.text).lang, 'fr');
  });

  it('does not keep one person\'s language for the next one at the kiosk', async () => {
    const kiosk = new Client(srv.url);
    const uk = await kiosk.get(`${links.borne}&lang=uk`);
    assert.equal(htmlAttributes(uk.text).lang, 'uk');
    const csrf = csrfToken(uk.text);
    const res = await kiosk.post(`${links.borne}&lang=uk`, { overall: '2', csrf });
    assert.equal(res.status, 303);
    assert.equal(res.location, `${links.borne}&lang=uk&merci=1`, 'the thanks come in the person\'s language');
    const thanks = await kiosk.follow(res);
    assert.equal(htmlAttributes(thanks.text).lang, 'uk');
    const next = findTags(thanks.text, 'a').find((a) => a.class === 'avis-again');
    assert.equal(next.href, links.borne, '"next person" leads to the start without a language');
    const idle = findTags(thanks.text, 'div').find((d) => d.class === 'avis-idle');
    assert.ok(idle && 'hidden' in idle, 'the kiosk\'s return to the start');
    assert.equal(idle['data-href'], links.borne);
    assert.ok(Number(idle['data-after']) > 0 && Number(idle['data-warn']) >= 20, 'at least 20 seconds of warning');
    // The next person, on the same kiosk (same cookies), starts in French
    // even when the browser asks for another language.
    const again = await kiosk.get(next.href, { headers: { 'accept-language': 'uk' } });
    assert.equal(htmlAttributes(again.text).lang, 'fr');
    for (const r of [uk, res, thanks, again]) {
      assert.ok(!(r.header('set-cookie') ?? '').includes('guichet_lang'), 'a language cookie was set');
    }
    // The staff's language cookie does not choose the public page's either.
    const staff = new Client(srv.url);
    await staff.get('/lang/en?next=/');
    assert.equal(htmlAttributes((await staff.get(links.borne)).text).lang, 'fr');
    // On a person's own phone, their browser's language is used.
    const phone = await new Client(srv.url).get(links.qr, { headers: { 'accept-language': 'fa-IR,fa;q=0.9' } });
    assert.equal(htmlAttributes(phone.text).lang, 'fa');
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
    assert.ok(listens(thanks.text).some((l) => l.audio.length === 3 && l.audio.every((u) => audioOf('fr', id).test(u))),
      'the thanks are heard');
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
    // The error is spoken too.
    const summary = /<div class="error-summary[\s\S]*?<\/div>/.exec(res.text)?.[0] ?? '';
    assert.ok(listens(summary).some((l) => l.audio.length === 2), 'the errors are heard');
    const bad = await c.post(links.qr, { overall: '7', csrf });
    assert.equal(bad.status, 400);
  });

  it('leads the poster\'s short code to the page', async () => {
    const id = srv.sites.rennes;
    const manager = await srv.login('manager');
    const code = await posterCode(manager, id);
    assert.match(code, /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/, `the code ${code}`);
    const visitor = new Client(srv.url);
    const direct = await visitor.get(`/a/${code.replace('-', '')}`);
    assert.equal(direct.status, 303);
    assert.equal(direct.location, links.qr);
    // As people type it: lower case, with the dash or spaces, on /a.
    const form = await visitor.get('/a');
    assert.equal(form.status, 200);
    assert.ok(findTags(form.text, 'input').some((i) => i.name === 'code'), '/a asks for the code');
    const typed = await visitor.get(`/a?code=${encodeURIComponent(code.toLowerCase().replace('-', ' - '))}`);
    assert.equal(typed.status, 303);
    assert.equal(typed.location, links.qr);
    const inUk = await visitor.get(`/a?code=${code}&lang=uk`);
    assert.equal(inUk.location, `${links.qr}&lang=uk`, 'the language chosen on /a goes on');
    // A wrong code: 404 with the form again, its text and its recording.
    const wrong = await visitor.get('/a?code=ZZZZ-ZZZZ');
    assert.equal(wrong.status, 404);
    assert.match(textOf(wrong.text), /Ce code n'est pas reconnu/);
    assert.ok(findTags(wrong.text, 'input').some((i) => i.name === 'code' && i.value === 'ZZZZ-ZZZZ'));
    for (const bad of ['/a/0', '/a/%00', `/a/${'9'.repeat(40)}`, '/a?code=%3Cscript%3E']) {
      const r = await visitor.get(bad);
      assert.ok(r.status === 404 || r.status === 400, `${bad} answered ${r.status}`);
      assert.ok(!r.text.includes('<script>'), `${bad} is echoed unescaped`);
    }
    // Another site has another code.
    const brest = await posterCode(await srv.login('agentBrest'), srv.sites.brest);
    assert.notEqual(brest, code);
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

  it('links each "listen" to a recording that plays, in a language with a voice', { skip: NO_ESPEAK }, async () => {
    const c = new Client(srv.url);
    for (const lang of ['fr', 'ar', 'uk']) {
      const page = await c.get(`${links.qr}&lang=${lang}`);
      const card = listens(page.text).find((l) => l.audio.length === 4);
      assert.ok(card, `[${lang}] no "listen" for the first question`);
      const res = await c.get(card.audio[1]);
      assert.equal(res.status, 200, `[${lang}] ${card.audio[1]}: ${res.status}`);
      assert.match(res.header('content-type'), /^audio\//);
    }
    // Without a voice the page is text only: no "listen" at all.
    const ti = await c.get(`${links.qr}&lang=ti`);
    assert.equal(listens(ti.text).filter((l) => l.audio.every((u) => u.startsWith('/audio/ti/'))).length, 0);
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

describe('public satisfaction page: the short code follows the key', () => {
  let srv;
  serverForSuite((s) => {
    srv = s;
  });

  it('gives a new code when the key changes, and the old one stops working', async () => {
    const id = srv.sites.rennes;
    const manager = await srv.login('manager');
    const before_ = await posterCode(manager, id);
    assert.equal(await posterCode(manager, id), before_, 'the code is stable');
    const visitor = new Client(srv.url);
    assert.equal((await visitor.get(`/a/${before_}`)).status, 303);
    const res = await manager.submit(`/satisfaction/key?site=${id}`, `/satisfaction/key?site=${id}`, {});
    assert.equal(res.status, 303);
    const after_ = await posterCode(manager, id);
    assert.notEqual(after_, before_);
    assert.equal((await visitor.get(`/a/${before_}`)).status, 404, 'the old code still works');
    const now = await visitor.get(`/a/${after_}`);
    assert.equal(now.status, 303);
    const links = await avisLinks(srv);
    assert.equal(now.location, links.qr, 'the new code leads to the new address');
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
