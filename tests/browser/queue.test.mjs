// queue.test.mjs: the advisers' page of the waiting queue and its settings
// in a browser: axe-clean in French, English and Arabic (right to left),
// with waiting and called tickets on the page, and no sideways scrolling at
// 320 CSS pixels; calling the next person by keyboard alone.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { LANGS, assertAccessible, closeAll, htmlLangDir, launchBrowser, loggedInPage, setupServer, visit } from './lib.mjs';

describe('the queue pages in a browser', () => {
  let srv;
  let browser;
  let token;
  const call = (method, p, body) => srv.client().request(method, p, {
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

  before(async () => {
    srv = await setupServer();
    browser = await launchBrowser();
    token = await srv.token('agent');
    const site = srv.sites.rennes;
    for (const body of [{ service: 'A', language: 'ar', needs: ['interprete'] }, { service: 'B', priority: 'rendez_vous' }, { service: 'C', language: 'uk' }]) {
      const res = await call('POST', `/api/v1/sites/${site}/tickets`, body);
      assert.equal(res.status, 201, res.text);
    }
    const next = await call('POST', `/api/v1/sites/${site}/queue/next`, { desk: 'Guichet 2' });
    assert.equal(next.status, 200, next.text);
  });
  after(() => closeAll(browser, srv));

  for (const { code, dir } of LANGS) {
    it(`is accessible in ${code}`, async () => {
      const page = await loggedInPage(browser, srv, code, 'manager');
      try {
        for (const p of [`/sites/${srv.sites.rennes}/queue`, `/sites/${srv.sites.rennes}/queue/settings`]) {
          await visit(page, p);
          assert.deepEqual(await htmlLangDir(page), { lang: code, dir });
          await assertAccessible(page, `${p} (${code})`);
        }
      } finally {
        await page.context().close();
      }
    });
  }

  it('does not scroll sideways at 320 px, and calls the next person by keyboard', async () => {
    const page = await loggedInPage(browser, srv, 'ar', 'agent');
    try {
      await page.setViewportSize({ width: 320, height: 640 });
      await visit(page, `/sites/${srv.sites.rennes}/queue`);
      const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      assert.ok(m.scroll <= m.client, `scrollWidth ${m.scroll} > clientWidth ${m.client}`);
      await page.focus('#desk');
      await page.keyboard.press('Control+A');
      await page.keyboard.type('Guichet 5');
      await page.keyboard.press('Tab');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      assert.match(page.url(), /done=called/);
      assert.equal(await page.inputValue('#desk'), 'Guichet 5');
    } finally {
      await page.context().close();
    }
  });
});
