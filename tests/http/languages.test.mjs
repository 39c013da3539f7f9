// languages.test.mjs: the public pages' languages, fonts and pictograms.
// The fonts and the OpenMoji pictograms are served by Guichet itself, with
// their type and long cache lifetimes; the about page credits them and names
// the 20 public languages in themselves; the staff pages keep offering only
// their complete languages (French, English, Arabic).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ROOT, findTags, setupServer, textOf } from './lib.mjs';

const PUBLIC = [
  ['fr', 'Français', 'ltr'], ['en', 'English', 'ltr'], ['ar', 'العربية', 'rtl'], ['fa', 'فارسی', 'rtl'],
  ['ps', 'پښتو', 'rtl'], ['uk', 'Українська', 'ltr'], ['ru', 'Русский', 'ltr'], ['ti', 'ትግርኛ', 'ltr'],
  ['es', 'Español', 'ltr'], ['pt', 'Português', 'ltr'], ['ro', 'Română', 'ltr'], ['tr', 'Türkçe', 'ltr'],
  ['ta', 'தமிழ்', 'ltr'], ['bn', 'বাংলা', 'ltr'], ['sq', 'Shqip', 'ltr'], ['ka', 'ქართული', 'ltr'],
  ['prs', 'دری', 'rtl'], ['so', 'Soomaali', 'ltr'], ['ku', 'Kurmancî', 'ltr'], ['zh', '中文', 'ltr'],
];
const FONTS = ['sans', 'arabic', 'ethiopic', 'tamil', 'bengali', 'georgian', 'cjk'];

/* The codes of static/pictos.list. */
function pictoList() {
  const text = fs.readFileSync(path.join(ROOT, 'static', 'pictos.list'), 'utf8');
  return text.split('\n').map((l) => l.replace(/#.*/, '').trim().split(/\s+/)[0]).filter(Boolean);
}

/* Every OpenMoji code the C sources name: a string literal of upper-case
 * hex code points on a line that speaks of a picto. */
function pictosInSources() {
  const found = new Set();
  const src = path.join(ROOT, 'src');
  for (const dir of fs.readdirSync(src)) {
    const d = path.join(src, dir);
    if (!fs.statSync(d).isDirectory()) continue;
    for (const f of fs.readdirSync(d).filter((n) => n.endsWith('.c'))) {
      for (const line of fs.readFileSync(path.join(d, f), 'utf8').split('\n')) {
        if (!/picto/i.test(line)) continue;
        for (const m of line.matchAll(/"((?:[0-9A-F]{4,5})(?:-[0-9A-F]{4,5})*)"/g)) {
          if (/[A-F]/.test(m[1]) || m[1].length === 5) found.add(m[1]);
        }
      }
    }
  }
  return [...found];
}

describe('languages, fonts and pictograms', () => {
  let srv;
  before(async () => {
    srv = await setupServer();
  });
  after(async () => {
    await srv.stop();
    await srv.cleanup();
  });

  describe('fonts', () => {
    let css;
    before(async () => {
      const res = await srv.client().get('/static/fonts.css');
      assert.equal(res.status, 200);
      assert.match(res.header('content-type'), /^text\/css/);
      css = res.text;
    });

    it('declares one face per script and weight, each with its unicode-range', () => {
      const faces = css.match(/@font-face \{[^}]*\}/g) || [];
      assert.equal(faces.length, FONTS.length * 2, css.slice(0, 500));
      for (const face of faces) {
        assert.match(face, /font-weight: (400|700);/);
        assert.match(face, /font-display: swap;/);
        assert.match(face, /unicode-range: U\+[0-9A-F]/);
        assert.match(face, /src: url\("\/static\/fonts\/[a-z]+-(400|700)\.woff2\?v=[0-9a-f]{12}"\) format\("woff2"\)/);
      }
    });

    it('serves every face from this server, as font/woff2, cached for a year', async () => {
      const urls = [...css.matchAll(/url\("([^"]+)"\)/g)].map((m) => m[1]);
      assert.equal(urls.length, FONTS.length * 2);
      for (const url of urls) {
        assert.ok(url.startsWith('/static/fonts/'), `${url} is not served by Guichet`);
        const res = await srv.client().get(url);
        assert.equal(res.status, 200, url);
        assert.equal(res.header('content-type'), 'font/woff2', url);
        assert.equal(res.header('cache-control'), 'public, max-age=31536000, immutable', url);
        assert.ok(res.header('etag'), url);
        assert.equal(res.body.subarray(0, 4).toString('latin1'), 'wOF2', `${url} is not WOFF2`);
        // Cut to the characters of Guichet's texts: small downloads.
        assert.ok(res.body.length < 150_000, `${url} weighs ${res.body.length} bytes`);
      }
    });

    it('answers 304 to a revalidation and 404 to a missing font or a path outside', async () => {
      const first = await srv.client().get('/static/fonts/sans-400.woff2');
      const again = await srv.client().get('/static/fonts/sans-400.woff2', {
        headers: { 'if-none-match': first.header('etag') },
      });
      assert.equal(again.status, 304);
      for (const p of ['/static/fonts/nope.woff2', '/static/fonts/.hidden', '/static/fonts/fonts.css']) {
        const res = await srv.client().get(p);
        assert.equal(res.status, 404, p);
        assert.equal(res.header('cache-control'), 'no-store', p);
      }
      // An encoded slash never reaches a file outside the folder.
      const outside = await srv.client().get('/static/fonts/..%2Fguichet.css');
      assert.ok([400, 404].includes(outside.status), String(outside.status));
    });

    it('has public.css with a font stack per script', async () => {
      const res = await srv.client().get('/static/public.css');
      assert.equal(res.status, 200);
      assert.match(res.header('content-type'), /^text\/css/);
      for (const [sel, family] of [['ar', 'Arabic'], ['prs', 'Arabic'], ['ti', 'Ethiopic'], ['ta', 'Tamil'],
        ['bn', 'Bengali'], ['ka', 'Georgian'], ['zh', 'CJK']]) {
        assert.match(res.text, new RegExp(`:lang\\(${sel}\\)[^{]*\\{\\s*font-family: "Guichet ${family}"`), sel);
      }
    });
  });

  describe('pictograms', () => {
    it('serves every pictogram of static/pictos.list as SVG, cached for a month', async () => {
      const codes = pictoList();
      assert.ok(codes.length >= 30, `only ${codes.length} pictograms`);
      for (const code of codes) {
        const res = await srv.client().get(`/static/picto/${code}.svg`);
        assert.equal(res.status, 200, code);
        assert.equal(res.header('content-type'), 'image/svg+xml', code);
        assert.equal(res.header('cache-control'), 'public, max-age=2592000', code);
        assert.match(res.text, /^<svg[^>]*viewBox="0 0 72 72"/, code);
      }
    });

    it('lists every pictogram the sources name', () => {
      const listed = new Set(pictoList());
      const missing = pictosInSources().filter((c) => !listed.has(c));
      assert.deepEqual(missing, [], 'add them to static/pictos.list');
    });

    it('answers 404 to a pictogram not embedded', async () => {
      for (const p of ['/static/picto/1F4A9.svg', '/static/picto/zz.svg', '/static/picto/']) {
        const res = await srv.client().get(p);
        assert.equal(res.status, 404, p);
      }
    });
  });

  describe('the about page', () => {
    let html;
    before(async () => {
      const res = await srv.client().get('/about');
      assert.equal(res.status, 200);
      html = res.text;
    });

    it('credits the fonts and OpenMoji with their licences', () => {
      const text = textOf(html);
      assert.match(text, /Noto Sans/);
      assert.match(text, /SIL Open Font License 1\.1/);
      assert.match(text, /OpenMoji/);
      assert.match(text, /CC BY-SA 4\.0/);
      assert.match(text, /https:\/\/openmoji\.org\//);
    });

    it('names the 20 public languages in themselves, each with its lang and dir', () => {
      const ul = html.match(/<ul class="lang-names">([\s\S]*?)<\/ul>/);
      assert.ok(ul, 'no list of the public languages');
      const items = [...ul[1].matchAll(/<li lang="([^"]+)" dir="(ltr|rtl)">([^<]*)<\/li>/g)]
        .map((m) => [m[1], m[3], m[2]]);
      assert.deepEqual(items, PUBLIC);
    });

    it('loads the served fonts', () => {
      const hrefs = findTags(html, 'link').map((a) => a.href);
      assert.ok(hrefs.includes('/static/fonts.css'), hrefs.join(' '));
      assert.ok(hrefs.includes('/static/public.css'), hrefs.join(' '));
    });
  });

  describe('the staff pages', () => {
    it('offer French, English and Arabic only in their switcher', async () => {
      const res = await srv.client().get('/login');
      const nav = res.text.match(/<nav class="lang-nav"[\s\S]*?<\/nav>/);
      assert.ok(nav, 'no language switcher');
      const codes = [...nav[0].matchAll(/href="\/lang\/([a-z]+)\?/g)].map((m) => m[1]);
      assert.deepEqual(codes, ['fr', 'en', 'ar']);
    });

    it('choose among their languages from Accept-Language', async () => {
      const uk = await srv.client().get('/login', { headers: { 'accept-language': 'uk-UA,uk;q=0.9' } });
      assert.match(uk.text, /<html lang="fr" dir="ltr">/);
      const ar = await srv.client().get('/login', { headers: { 'accept-language': 'fa-AF, ar;q=0.5' } });
      assert.match(ar.text, /<html lang="ar" dir="rtl">/);
    });

    it('refuse a public-only language in /lang/', async () => {
      const c = srv.client();
      const res = await c.get('/lang/uk?next=/login');
      assert.equal(res.status, 404);
      assert.equal(c.cookie('guichet_lang'), undefined);
      const ok = await c.get('/lang/ar?next=/login');
      assert.ok([302, 303].includes(ok.status), String(ok.status));
      assert.equal(c.cookie('guichet_lang'), 'ar');
    });
  });
});
