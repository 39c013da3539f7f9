// screen.test.mjs: the public screen of a waiting room in a browser. It is
// accessible (axe) in French and in Arabic, in its normal and its
// high-contrast mode, and at 320 px without sideways scrolling; a call made
// at a desk (through the queue's API) reaches its polite live region in
// French and in the person's language, and its lists, with no reload; the
// mute button says its state.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Client, assertAccessible, assertNoProblems, closeAll, findTags, htmlLangDir, launchBrowser, newPage, setupServer, visit } from './lib.mjs';

describe('the public screen in a browser', () => {
  let srv;
  let browser;
  let path;
  let token;

  before(async () => {
    srv = await setupServer();
    browser = await launchBrowser();
    token = await srv.token('agent');
    const c = await srv.login('manager');
    const res = await c.get(`/sites/${srv.sites.rennes}/screen`);
    path = findTags(res.text, 'a').map((a) => a.href).find((h) => /^\/sites\/\d+\/screen\?key=[0-9a-f]{32}$/.test(h ?? ''));
    assert.ok(path, 'no keyed screen address on the staff page');
  });
  after(() => closeAll(browser, srv));

  async function api(method, p, body) {
    const res = await new Client(srv.url).request(method, p, {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.ok(res.status === 200 || res.status === 201, `${method} ${p} answered ${res.status}: ${res.text.slice(0, 300)}`);
    return JSON.parse(res.text);
  }

  for (const [code, dir] of [['fr', 'ltr'], ['ar', 'rtl']]) {
    for (const contrast of [false, true]) {
      it(`is accessible in ${code}${contrast ? ', high contrast' : ''}`, async () => {
        const page = await newPage(browser, srv.base);
        try {
          const p = `${path}${code === 'fr' ? '' : `&lang=${code}`}${contrast ? '&contrast=1' : ''}`;
          await visit(page, p);
          assert.deepEqual(await htmlLangDir(page), { lang: code, dir });
          // The script shows the mute button.
          await page.locator('#screen-mute:not([hidden])').waitFor();
          await assertAccessible(page, p);
          await page.setViewportSize({ width: 320, height: 640 });
          const wide = await page.evaluate(() => document.documentElement.scrollWidth);
          assert.ok(wide <= 320, `${p} scrolls sideways at 320 px (${wide} px)`);
        } finally {
          await page.context().close();
        }
      });
    }
  }

  it('receives a call in its live region, in French and in the person\'s language', async () => {
    const page = await newPage(browser, srv.base);
    try {
      await visit(page, path);
      const mute = page.locator('#screen-mute');
      await mute.waitFor();
      await mute.click();
      assert.equal(await mute.getAttribute('aria-pressed'), 'true');
      const live = page.locator('#screen-live[role="status"][aria-live="polite"]');
      assert.equal(await live.count(), 1);

      // The page's stream starts after the newest event it shows: a call
      // made before the stream opens still arrives.
      await api('POST', `/api/v1/sites/${srv.sites.rennes}/tickets`, { service: 'A', language: 'ar' });
      const called = await api('POST', `/api/v1/sites/${srv.sites.rennes}/queue/next`, { desk: 'Guichet 2' });
      const number = called.number;
      await page.locator('#screen-live p[lang="fr"]', { hasText: number }).waitFor();
      assert.equal(await page.locator('#screen-live p[lang="fr"]').textContent(), `Ticket ${number} : Guichet 2`);
      const own = page.locator('#screen-live p[lang="ar"]');
      assert.equal(await own.getAttribute('dir'), 'rtl');
      assert.ok((await own.textContent()).includes(number));
      // The lists follow, without reloading the page.
      await page.locator('#screen-now .screen-ticket', { hasText: number }).waitFor();
      await assertAccessible(page, 'the screen after a call');
      assertNoProblems(page, 'the screen after a call');
    } finally {
      await page.context().close();
    }
  });
});
