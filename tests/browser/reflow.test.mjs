// reflow.test.mjs: at 320 CSS pixels wide (a phone, or 400 % zoom on a
// laptop; WCAG 1.4.10) and at 200 % zoom of a 1280-pixel screen, the main
// pages never scroll sideways, left to right and right to left.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { closeAll, launchBrowser, loginWithForm, newPage, setLanguage, setupServer, visit } from './lib.mjs';

const VIEWPORTS = [
  { name: '320 px', viewport: { width: 320, height: 640 } },
  { name: '200 % zoom', viewport: { width: 640, height: 450 } },
];

describe('reflow without horizontal scrolling', () => {
  let srv;
  let browser;
  let userId;
  before(async () => {
    srv = await setupServer();
    userId = await srv.userId('agent');
    browser = await launchBrowser();
  });
  after(() => closeAll(browser, srv));

  for (const { name, viewport } of VIEWPORTS) {
    for (const code of ['fr', 'ar']) {
      describe(`${name}, ${code}`, () => {
        let page;
        before(async () => {
          page = await newPage(browser, srv.base, { viewport });
          await setLanguage(page, code, '/login');
        });
        after(async () => {
          await page.context().close();
        });

        async function assertNoSideScroll(p, status = 200) {
          await visit(page, p, status);
          const m = await page.evaluate(() => ({
            scroll: document.documentElement.scrollWidth,
            client: document.documentElement.clientWidth,
            wide: [...document.querySelectorAll('body *')]
              .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 || e.getBoundingClientRect().left < -1)
              .slice(0, 5)
              .map((e) => e.outerHTML.slice(0, 120)),
          }));
          assert.ok(m.scroll <= m.client, `${p}: scrollWidth ${m.scroll} > clientWidth ${m.client}; too wide:\n${m.wide.join('\n')}`);
        }

        it('login', async () => assertNoSideScroll('/login'));
        it('about', async () => assertNoSideScroll('/about'));

        it('pages of a logged-in admin', async () => {
          await loginWithForm(page, srv.users.admin.email, srv.users.admin.password);
          for (const p of ['/', '/sites', `/sites/${srv.sites.rennes}`, '/sites/new', '/users', '/users/new', `/users/${userId}`, '/account/password']) {
            await assertNoSideScroll(p);
          }
          await assertNoSideScroll('/sites/999999', 404);
        });
      });
    }
  }
});
