// hostile.test.mjs: text written to break out of the HTML, stored through the
// forms, never runs in a real browser: no dialog opens, no element is
// injected, and the text reads back exactly as typed.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { assertNoProblems, closeAll, launchBrowser, loginWithForm, newPage, setupServer, visit } from './lib.mjs';

const HOSTILE = `<script>alert(1)</script> "><img src=x onerror=alert(2)> <svg onload=alert(3)> l'accueil`;

describe('hostile text in a real browser', () => {
  let srv;
  let browser;
  let page;
  let siteId;
  let userId;

  before(async () => {
    srv = await setupServer();
    const admin = await srv.login('admin');
    const site = await admin.submit('/sites/new', '/sites', [
      ['name', `Site ${HOSTILE}`],
      ['type', 'association'],
      ['address', HOSTILE],
      ['opening_hours', HOSTILE],
    ]);
    assert.equal(site.status, 303, `creating the site answered ${site.status}`);
    siteId = Number(/^\/sites\/(\d+)$/.exec(site.location)?.[1]);
    const user = await admin.submit('/users/new', '/users', [
      ['email', 'hostile@example.org'],
      ['name', `Nom ${HOSTILE}`],
      ['role', 'agent'],
      ['sites', String(siteId)],
      ['password', 'mot de passe hostile'],
    ]);
    assert.equal(user.status, 303, `creating the user answered ${user.status}`);
    srv.users.hostile = { email: 'hostile@example.org', password: 'mot de passe hostile' };
    userId = await srv.userId('hostile');

    browser = await launchBrowser();
    page = await newPage(browser, srv.base);
    await loginWithForm(page, srv.users.admin.email, srv.users.admin.password);
  });
  after(() => closeAll(browser, srv));

  const pages = () => ['/sites', `/sites/${siteId}`, `/sites/${siteId}/edit`, '/users', `/users/${userId}`, '/users/new'];

  it('no page runs the injected markup, and the text shows as typed', async () => {
    for (const p of pages()) {
      await visit(page, p);
      const found = await page.evaluate(() => ({
        injected: document.querySelectorAll('img[src="x"], svg[onload], [onerror]').length,
        inlineScripts: [...document.scripts].filter((s) => !s.src).length,
        text: document.body.innerText + [...document.querySelectorAll('input, textarea')].map((e) => e.value).join(' '),
      }));
      assert.equal(found.injected, 0, `${p}: an element was injected`);
      assert.equal(found.inlineScripts, 0, `${p}: an inline <script> is in the document`);
      assert.ok(found.text.includes('<script>alert(1)</script>'), `${p}: the text is not shown as typed`);
    }
    assertNoProblems(page, 'hostile pages');
  });

  it("the hostile user's own pages are safe too", async () => {
    const context = await browser.newContext({ baseURL: srv.base });
    const p2 = await context.newPage();
    const problems = [];
    p2.on('dialog', (d) => {
      problems.push(d.message());
      d.dismiss().catch(() => {});
    });
    try {
      await p2.goto('/login');
      await p2.fill('form[action="/login"] [name="email"]', 'hostile@example.org');
      await p2.fill('form[action="/login"] [name="password"]', 'mot de passe hostile');
      await Promise.all([p2.waitForURL((u) => u.pathname === '/'), p2.click('form[action="/login"] [type="submit"]')]);
      for (const p of ['/', '/sites', '/account/password']) await p2.goto(p);
      assert.deepEqual(problems, [], 'a dialog opened');
    } finally {
      await context.close();
    }
  });
});
