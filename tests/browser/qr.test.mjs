// qr.test.mjs (browser): the printable poster of a site's QR code
// (/satisfaction/poster). Its code, as Chromium draws it, is read back by an
// independent decoder (jsQR) and must give the via=qr address that the
// advisers' page shows, which opens the public survey; the poster is only
// for those who record at the site; printed, only the poster remains; and it
// passes axe's WCAG 2.1 A and AA rules in French, English and Arabic.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';

import {
  LANGS,
  assertAccessible,
  assertNoProblems,
  closeAll,
  findTags,
  htmlLangDir,
  launchBrowser,
  loggedInPage,
  setupServer,
  visit,
  withScreenshot,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const jsQR = require('jsqr');

/* The via=qr address of a site as /satisfaction shows it, and the link to
 * its poster. */
async function addresses(page, siteId) {
  await visit(page, `/satisfaction?site=${siteId}`);
  return await page.evaluate(() => {
    const qr = [...document.querySelectorAll('a.url')].map((a) => a.getAttribute('href')).find((h) => /via=qr$/.test(h));
    const poster = [...document.querySelectorAll('a')].find((a) => a.getAttribute('href').startsWith('/satisfaction/poster'));
    return { qr, poster: poster ? poster.getAttribute('href') : null, posterText: poster ? poster.textContent.trim() : null };
  });
}

/* Decodes a PNG by drawing it on a canvas in a blank page (which has no
 * Content-Security-Policy to refuse a data: image) and handing the pixels
 * to jsQR in Node. */
async function decodePng(browser, png) {
  const blank = await browser.newPage();
  try {
    const { width, height, data } = await blank.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const px = ctx.getImageData(0, 0, c.width, c.height);
      return { width: px.width, height: px.height, data: Array.from(px.data) };
    }, png.toString('base64'));
    return jsQR(Uint8ClampedArray.from(data), width, height);
  } finally {
    await blank.close();
  }
}

describe('the QR code poster', () => {
  let srv;
  let browser;

  before(async () => {
    srv = await setupServer();
    browser = await launchBrowser();
  });
  after(() => closeAll(browser, srv));

  it('prints a code that reads as the via=qr address and opens the survey', async () => {
    const page = await loggedInPage(browser, srv, 'fr', 'manager');
    try {
      const id = srv.sites.rennes;
      const shown = await addresses(page, id);
      assert.ok(shown.qr, 'no via=qr address on /satisfaction');
      assert.equal(shown.poster, `/satisfaction/poster?site=${id}`);
      assert.equal(shown.posterText, "Imprimer l'affiche");

      await visit(page, shown.poster);
      const poster = await page.evaluate(() => ({
        h1: document.querySelector('h1').textContent.trim(),
        smileys: [...document.querySelectorAll('.poster-smileys svg')].map((s) => s.getAttribute('aria-hidden')),
        text: document.querySelector('.poster-text').textContent.trim(),
        url: document.querySelector('.poster-url').textContent.trim(),
        site: document.querySelector('.poster-site').textContent.trim(),
        qrRole: document.querySelector('.poster-qr svg').getAttribute('role'),
        qrTitle: document.querySelector('.poster-qr svg title').textContent.trim(),
        css: [...document.querySelectorAll('link[rel=stylesheet]')].map((l) => l.getAttribute('href')),
      }));
      assert.equal(poster.h1, 'Donnez votre avis');
      assert.deepEqual(poster.smileys, ['true', 'true', 'true']);
      assert.equal(poster.text, "Scannez ce code avec votre téléphone. C'est anonyme.");
      assert.equal(poster.url, shown.qr);
      assert.equal(poster.site, 'France services Rennes Centre');
      assert.equal(poster.qrRole, 'img');
      assert.ok(poster.qrTitle, 'the QR code has no accessible name');
      assert.ok(poster.css.includes('/static/poster.css'), 'poster.css is not linked');

      const png = await page.locator('.poster-qr svg').screenshot();
      const decoded = await decodePng(browser, png);
      assert.ok(decoded, 'jsQR found no QR code in the poster');
      assert.equal(decoded.data, shown.qr);

      // The address read from the code is the public survey.
      await visit(page, decoded.data);
      assert.equal(new URL(page.url()).pathname, `/avis/${id}`);
      assert.equal(await page.locator('input[type=radio][name="overall"]').count(), 3, 'three overall choices');
      assertNoProblems(page, 'poster and survey');
    } catch (e) {
      throw await withScreenshot(page, 'qr-poster', e);
    } finally {
      await page.context().close();
    }
  });

  it('prints only the poster, the code about 8 cm wide', async () => {
    const page = await loggedInPage(browser, srv, 'fr', 'manager');
    try {
      await visit(page, `/satisfaction/poster?site=${srv.sites.rennes}`);
      await page.emulateMedia({ media: 'print' });
      const shown = await page.evaluate(() => {
        const visible = (sel) => {
          const e = document.querySelector(sel);
          return Boolean(e && e.getClientRects().length && getComputedStyle(e).display !== 'none');
        };
        return {
          nav: visible('.main-nav'),
          lang: visible('.lang-nav'),
          header: visible('.site-header'),
          footer: visible('.site-footer'),
          help: visible('.poster-help'),
          poster: visible('.poster'),
          h1: visible('h1'),
          qrWidth: document.querySelector('.poster-qr svg').getBoundingClientRect().width,
        };
      });
      assert.deepEqual(
        { nav: shown.nav, lang: shown.lang, header: shown.header, footer: shown.footer, help: shown.help, poster: shown.poster, h1: shown.h1 },
        { nav: false, lang: false, header: false, footer: false, help: false, poster: true, h1: true },
      );
      // 8 cm at the CSS 96 pixels per inch.
      assert.ok(Math.abs(shown.qrWidth - (8 / 2.54) * 96) < 2, `the code is ${shown.qrWidth}px wide`);
      await page.emulateMedia({ media: 'screen' });
      assert.ok(await page.locator('.main-nav').isVisible(), 'the menu is hidden on screen');
    } finally {
      await page.context().close();
    }
  });

  it('is only for those who record at the site', async () => {
    const rennes = srv.sites.rennes;
    const manager = await srv.login('manager');
    assert.equal((await manager.get(`/satisfaction/poster?site=${rennes}`)).status, 200);
    // An adviser of another site, a coordinator who only reads, an unknown
    // or malformed site: the 404 of a missing site.
    const brest = await srv.login('agentBrest');
    assert.equal((await brest.get(`/satisfaction/poster?site=${rennes}`)).status, 404);
    const coord = await srv.login('coordinator');
    const c = await coord.get(`/satisfaction/poster?site=${rennes}`);
    assert.equal(c.status, 404);
    assert.doesNotMatch(c.text, /\/avis\//);
    assert.doesNotMatch((await coord.get(`/satisfaction?site=${rennes}`)).text, /\/satisfaction\/poster/);
    assert.equal((await manager.get('/satisfaction/poster?site=999999')).status, 404);
    assert.equal((await manager.get('/satisfaction/poster?site=abc')).status, 404);
    // Not logged in: to the login page.
    const anon = await srv.client().get(`/satisfaction/poster?site=${rennes}`);
    assert.ok([302, 303].includes(anon.status), `anonymous answered ${anon.status}`);
    assert.ok(!findTags(anon.text, 'svg').length, 'an anonymous visitor got the code');
  });

  for (const { code, dir } of LANGS) {
    it(`is accessible in ${code}`, async () => {
      const page = await loggedInPage(browser, srv, code, 'manager');
      try {
        await visit(page, `/satisfaction/poster?site=${srv.sites.rennes}`);
        assert.deepEqual(await htmlLangDir(page), { lang: code, dir });
        await assertAccessible(page, `poster [${code}]`);
      } finally {
        await page.context().close();
      }
    });
  }
});
