// languages.test.mjs (browser): the 20 public languages are drawn with the
// fonts Guichet serves itself, glyph by glyph, never with a font of the
// machine; nothing is fetched from another host; the page stays accessible.
//
// The about page names every public language in itself (web_public_lang_names)
// and loads fonts.css and public.css. Beside those names, a sentence of each
// language's catalog ("Choisissez votre langue", which every public catalog
// translates) is added to the page with its lang=, so that the subsets are
// checked against real text too. Chromium's DevTools tell which fonts drew a
// node's glyphs (CSS.getPlatformFontsForNode): every one must be a web font.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ROOT, assertAccessible, closeAll, launchBrowser, newPage, setLanguage, setupServer, visit } from './lib.mjs';

const PUBLIC = ['fr', 'en', 'ar', 'fa', 'ps', 'uk', 'ru', 'ti', 'es', 'pt', 'ro', 'tr', 'ta', 'bn', 'sq', 'ka',
  'prs', 'so', 'ku', 'zh'];
const RTL = new Set(['ar', 'fa', 'ps', 'prs']);
const SAMPLE = 'Choisissez votre langue';

/* The translation of msgid in po/CODE.po, or the French when there is none. */
function translation(code, msgid) {
  if (code === 'fr') return msgid;
  const text = fs.readFileSync(path.join(ROOT, 'po', `${code}.po`), 'utf8');
  const unq = (s) => JSON.parse(s);
  const entries = text.split(/\n\s*\n/);
  for (const e of entries) {
    const id = e.match(/^msgid ((?:".*"\n?)+)/m);
    const str = e.match(/^msgstr ((?:".*"\n?)+)/m);
    if (!id || !str || /^#, .*fuzzy/m.test(e)) continue;
    const join = (m) => m[1].trim().split('\n').map(unq).join('');
    if (join(id) === msgid && join(str)) return join(str);
  }
  return msgid;
}

/* Which fonts drew the text of each element matching selector. */
async function fontsOf(page, cdp, selector) {
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
  const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector });
  const out = [];
  for (const nodeId of nodeIds) {
    const { node } = await cdp.send('DOM.describeNode', { nodeId });
    const attrs = Object.fromEntries((node.attributes ?? []).reduce((a, v, i, all) => (i % 2 ? a : [...a, [v, all[i + 1]]]), []));
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    out.push({ lang: attrs.lang, fonts });
  }
  return out;
}

describe('public languages in the browser', () => {
  let srv;
  let browser;
  before(async () => {
    srv = await setupServer();
    browser = await launchBrowser();
  });
  after(() => closeAll(browser, srv));

  for (const staff of ['fr', 'ar']) {
    describe(`the about page, in ${staff}`, () => {
      let page;
      let cdp;
      const foreign = [];
      before(async () => {
        page = await newPage(browser, srv.base);
        page.on('request', (req) => {
          if (!req.url().startsWith(srv.base)) foreign.push(req.url());
        });
        if (staff !== 'fr') await setLanguage(page, staff, '/about');
        await visit(page, '/about');
        // One sentence of each catalog beside the names.
        const samples = PUBLIC.map((code) => ({ code, text: translation(code, SAMPLE), rtl: RTL.has(code) }));
        await page.evaluate((list) => {
          const ul = document.createElement('ul');
          ul.className = 'lang-samples';
          for (const s of list) {
            const li = document.createElement('li');
            li.lang = s.code;
            li.dir = s.rtl ? 'rtl' : 'ltr';
            li.textContent = s.text;
            ul.append(li);
          }
          document.querySelector('.lang-names').after(ul);
        }, samples);
        // Every face the page needs, loaded before the glyphs are counted.
        await page.evaluate(async () => {
          const els = [...document.querySelectorAll('.lang-names li, .lang-samples li')];
          await Promise.all(els.map((el) => document.fonts.load(getComputedStyle(el).font, el.textContent)));
          await document.fonts.ready;
        });
        cdp = await page.context().newCDPSession(page);
        await cdp.send('DOM.enable');
        await cdp.send('CSS.enable');
      });
      after(async () => {
        await page.context().close();
      });

      it('names each public language with its lang and dir', async () => {
        const items = await page.$$eval('.lang-names li', (lis) => lis.map((li) => [li.lang, li.dir, li.textContent]));
        assert.deepEqual(items.map((i) => i[0]), PUBLIC);
        for (const [code, dir] of items) assert.equal(dir, RTL.has(code) ? 'rtl' : 'ltr', code);
      });

      it('draws every glyph of the 20 names and sentences with a served font', async () => {
        const found = [...await fontsOf(page, cdp, '.lang-names li'), ...await fontsOf(page, cdp, '.lang-samples li')];
        assert.equal(found.length, 40);
        const bad = found.filter((f) => f.fonts.length === 0 || f.fonts.some((x) => !x.isCustomFont));
        assert.deepEqual(bad.map((f) => `${f.lang}: ${f.fonts.map((x) => `${x.familyName}${x.isCustomFont ? '' : ' (local)'}`).join(', ')}`), []);
      });

      it('draws each script with its own face', async () => {
        const faces = { ar: 'Arabic', fa: 'Arabic', ps: 'Arabic', prs: 'Arabic', ti: 'Ethiopic', ta: 'Tamil',
          bn: 'Bengali', ka: 'Georgian', zh: 'CJK', uk: 'Noto Sans', ru: 'Noto Sans', fr: 'Noto Sans' };
        const found = await fontsOf(page, cdp, '.lang-names li');
        for (const { lang, fonts } of found) {
          if (!faces[lang]) continue;
          const main = fonts.reduce((a, b) => (b.glyphCount > a.glyphCount ? b : a));
          assert.ok(main.familyName.includes(faces[lang]), `${lang} drawn with ${main.familyName}`);
        }
      });

      it('fetches nothing from another host', () => {
        assert.deepEqual(foreign, []);
      });

      it('is accessible', async () => {
        await page.evaluate(() => document.querySelector('.lang-samples')?.remove());
        await assertAccessible(page, `about (${staff})`);
      });
    });
  }

  describe('the language chooser of a public page (the notices of a site)', () => {
    for (const code of ['ti', 'ar', 'zh']) {
      it(`offers every language in itself, with big targets, in ${code}`, async () => {
        const page = await newPage(browser, srv.base, { viewport: { width: 320, height: 640 }, hasTouch: true });
        try {
          await visit(page, `/sites/${srv.sites.rennes}/avis-publics?lang=${code}`);
          assert.equal(await page.getAttribute('html', 'lang'), code);
          assert.equal(await page.getAttribute('html', 'dir'), RTL.has(code) ? 'rtl' : 'ltr');
          const links = await page.$$eval('nav.lang-choice a', (as) => as.map((a) => {
            const r = a.getBoundingClientRect();
            return { lang: a.lang, dir: a.dir, current: a.getAttribute('aria-current'), w: r.width, h: r.height,
              href: a.getAttribute('href') };
          }));
          assert.deepEqual(links.map((l) => l.lang), PUBLIC);
          for (const l of links) {
            assert.equal(l.dir, RTL.has(l.lang) ? 'rtl' : 'ltr', l.lang);
            assert.ok(l.w >= 44 && l.h >= 44, `${l.lang}: ${l.w}×${l.h} px`);
            assert.ok(l.href.endsWith(`lang=${l.lang}`), l.href);
          }
          assert.deepEqual(links.filter((l) => l.current).map((l) => l.lang), [code]);
          // No sideways scrolling at 320 px.
          const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          assert.ok(wide <= 0, `${wide} px too wide`);
          await assertAccessible(page, `notices in ${code}`);
        } finally {
          await page.context().close();
        }
      });
    }

    it('is reached and followed with the keyboard', async () => {
      const page = await newPage(browser, srv.base);
      try {
        await visit(page, `/sites/${srv.sites.rennes}/avis-publics?lang=fr`);
        let lang = null;
        for (let i = 0; i < 40 && lang !== 'uk'; i++) {
          await page.keyboard.press('Tab');
          lang = await page.evaluate(() => (document.activeElement?.closest('nav.lang-choice') ? document.activeElement.lang : null));
        }
        assert.equal(lang, 'uk', 'Tab never reached Українська');
        const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
        assert.notEqual(outline, 'none');
        await Promise.all([page.waitForURL(/lang=uk/), page.keyboard.press('Enter')]);
        assert.equal(await page.getAttribute('html', 'lang'), 'uk');
        assert.equal(await page.getAttribute('nav.lang-choice a[aria-current="true"]', 'lang'), 'uk');
      } finally {
        await page.context().close();
      }
    });
  });

  it('loads no web font on the staff pages, one face per script on the about page', async () => {
    const page = await newPage(browser, srv.base);
    try {
      const fonts = [];
      page.on('request', (req) => {
        if (req.url().includes('/static/fonts/')) fonts.push(new URL(req.url()).pathname);
      });
      await visit(page, '/login');
      await page.evaluate(() => document.fonts.ready);
      assert.deepEqual(fonts, []);
      await visit(page, '/about');
      await page.evaluate(() => document.fonts.ready);
      // The about page shows every script: every regular face, each once.
      const names = [...new Set(fonts)].map((p) => p.replace('/static/fonts/', ''));
      for (const f of ['sans', 'arabic', 'ethiopic', 'tamil', 'bengali', 'georgian', 'cjk'])
        assert.ok(names.includes(`${f}-400.woff2`), `${f}-400 not loaded: ${names.join(' ')}`);
    } finally {
      await page.context().close();
    }
  });
});
