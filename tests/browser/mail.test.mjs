// mail.test.mjs: the e-mail notification pages in a real browser: one's
// settings (a group of choices per event, the test button) and the admins'
// outbox, axe-clean in French and Arabic, right to left in Arabic, usable
// by keyboard alone (a choice changed and saved), and at 320 px wide
// without sideways scrolling. The SMTP server named is closed: the test
// notification waits in the outbox, which the admin page then lists.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { assertAccessible, assertNoProblems, closeAll, htmlLangDir, launchBrowser, loggedInPage, setupServer, visit } from './lib.mjs';

/** Fails when the page is wider than its viewport. */
async function assertNoSidewaysScroll(page, what) {
  const m = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  assert.ok(m.scroll <= m.client, `${what}: scrollWidth ${m.scroll} > clientWidth ${m.client}`);
}

describe('e-mail notification pages in the browser', () => {
  let srv, browser;

  before(async () => {
    srv = await setupServer({
      serveArgs: ['--smtp-url', 'smtp://127.0.0.1:1', '--smtp-from', 'guichet@example.org', '--smtp-starttls', 'no', '--smtp-retry', '1h'],
    });
    browser = await launchBrowser();
  });
  after(() => closeAll(browser, srv));

  for (const [code, dir] of [['fr', 'ltr'], ['ar', 'rtl']]) {
    it(`has accessible settings and outbox pages in ${code}`, async () => {
      const page = await loggedInPage(browser, srv, code, 'agent');
      await visit(page, '/account/notifications');
      assert.deepEqual(await htmlLangDir(page), { lang: code, dir });
      await assertAccessible(page, `notification settings (${code})`);
      await page.click('form[action="/account/notifications/test"] button[type="submit"]');
      await page.waitForSelector('.notice');
      await assertAccessible(page, `notification settings after the test (${code})`);
      assertNoProblems(page, `notification settings (${code})`);
      await page.context().close();

      const admin = await loggedInPage(browser, srv, code, 'admin');
      await visit(admin, '/admin/mail');
      assert.ok(await admin.$('table'), 'the outbox lists the waiting message');
      await assertAccessible(admin, `outbox (${code})`);
      assertNoProblems(admin, `outbox (${code})`);
      await admin.context().close();
    });
  }

  it('a choice is changed and saved with the keyboard alone', async () => {
    const page = await loggedInPage(browser, srv, 'fr', 'manager');
    await visit(page, '/account/notifications');
    await page.focus('input[name="ev_test"][value="daily"]');
    await page.keyboard.press('Space');
    assert.ok(await page.isChecked('input[name="ev_test"][value="daily"]'));
    await page.focus('form[action="/account/notifications"] button[type="submit"]');
    await Promise.all([page.waitForURL(/done=saved/), page.keyboard.press('Enter')]);
    assert.ok(await page.isChecked('input[name="ev_test"][value="daily"]'), 'the choice was not kept');
    await page.context().close();
  });

  it('fits 320 px without sideways scrolling', async () => {
    for (const [key, p] of [['agent', '/account/notifications'], ['admin', '/admin/mail']]) {
      for (const code of ['fr', 'ar']) {
        const page = await loggedInPage(browser, srv, code, key);
        await page.setViewportSize({ width: 320, height: 640 });
        await visit(page, p);
        await assertNoSidewaysScroll(page, `${p} (${code})`);
        await page.context().close();
      }
    }
  });
});
