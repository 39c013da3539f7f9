// opendata.test.mjs: the public open-data page in a browser. Without a
// login, in French, English and Arabic, the page and its answer to bad
// months (an error summary linked to the field) pass axe with the right
// language and direction; without JavaScript and by keyboard alone, the
// month form downloads the activity file.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  LANGS,
  assertAccessible,
  closeAll,
  htmlLangDir,
  launchBrowser,
  newPage,
  setLanguage,
  setupServer,
  tabTo,
  visit,
} from './lib.mjs';

describe('open-data page in a browser', () => {
  let srv;
  let browser;

  before(async () => {
    srv = await setupServer();
    browser = await launchBrowser();
  });
  after(() => closeAll(browser, srv));

  for (const { code, dir } of LANGS) {
    it(`is accessible in ${code}, and so is its answer to a bad month`, async () => {
      const page = await newPage(browser, srv.base);
      try {
        await setLanguage(page, code, '/opendata');
        await visit(page, '/opendata');
        assert.deepEqual(await htmlLangDir(page), { lang: code, dir });
        await assertAccessible(page, `/opendata (${code})`);
        await visit(page, '/opendata/activite.csv?from=2025-13&to=2025-02', 400);
        assert.equal(await page.locator('.error-summary a[href="#from"]').count(), 1, 'the summary links to the month');
        await assertAccessible(page, `/opendata with a bad month (${code})`);
      } finally {
        await page.context().close();
      }
    });
  }

  it('downloads the activity by keyboard alone, without JavaScript', async () => {
    const page = await newPage(browser, srv.base, { javaScriptEnabled: false, acceptDownloads: true });
    try {
      await visit(page, '/opendata');
      await tabTo(page, (f) => f.name === 'from', 'the first month', { max: 40 });
      await tabTo(page, (f) => f.tag === 'button' && f.type === 'submit', 'the download button', { max: 40 });
      const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
      assert.match(download.suggestedFilename(), /^guichet-activite-\d{4}-\d{2}-\d{4}-\d{2}\.csv$/);
    } finally {
      await page.context().close();
    }
  });
});
