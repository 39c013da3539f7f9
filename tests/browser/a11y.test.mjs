// a11y.test.mjs: every page, in French, English and Arabic, passes axe's
// WCAG 2.1 A and AA rules, declares its language and direction, and runs
// under its Content-Security-Policy without a violation.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  LANGS,
  assertAccessible,
  closeAll,
  htmlLangDir,
  launchBrowser,
  loggedInPage,
  newPage,
  setLanguage,
  setupServer,
  visit,
} from './lib.mjs';

const submit = (form) => `${form} button:not([type]), ${form} button[type="submit"], ${form} input[type="submit"]`;

describe('accessibility of every page (axe, WCAG 2.1 AA)', () => {
  let srv;
  let browser;
  let userId;

  before(async () => {
    srv = await setupServer();
    userId = await srv.userId('agent');
    // A token of the admin, so that /account/tokens shows its table and revoke button.
    await srv.cliOk(['token', 'create', '--user', srv.users.admin.email, '--name', 'Tableau de bord']);
    browser = await launchBrowser();
  });
  after(() => closeAll(browser, srv));

  for (const { code, dir } of LANGS) {
    describe(`in ${code}`, () => {
      let page;

      /* Checks language and direction, one <main> and one <h1>, then axe. */
      async function check(what) {
        const ld = await htmlLangDir(page);
        assert.equal(ld.lang, code, `${what}: <html lang> is ${ld.lang}`);
        assert.equal(ld.dir, dir, `${what}: <html dir> is ${ld.dir}`);
        const counts = await page.evaluate(() => ({
          main: document.querySelectorAll('main').length,
          h1: document.querySelectorAll('h1').length,
          title: document.title.trim(),
        }));
        assert.equal(counts.main, 1, `${what}: ${counts.main} <main> elements`);
        assert.equal(counts.h1, 1, `${what}: ${counts.h1} <h1> elements`);
        assert.ok(counts.title, `${what}: empty <title>`);
        await assertAccessible(page, `${what} [${code}]`);
      }

      describe('logged out', () => {
        before(async () => {
          page = await newPage(browser, srv.base);
          await setLanguage(page, code, '/login');
        });
        after(async () => {
          await page.context().close();
        });

        it('login', async () => {
          await visit(page, '/login');
          await check('login');
        });

        it('login refused (401)', async () => {
          await visit(page, '/login');
          await page.fill('form[action="/login"] [name="email"]', srv.users.agent.email);
          await page.fill('form[action="/login"] [name="password"]', 'mauvais mot de passe');
          const [res] = await Promise.all([page.waitForNavigation(), page.click(submit('form[action="/login"]'))]);
          assert.equal(res.status(), 401);
          await check('login refused');
        });

        it('about', async () => {
          await visit(page, '/about');
          await check('about');
        });

        it('404', async () => {
          await visit(page, '/nulle/part', 404);
          await check('404');
        });
      });

      describe('logged in as an admin', () => {
        before(async () => {
          page = await loggedInPage(browser, srv, code, 'admin');
        });
        after(async () => {
          await page.context().close();
        });

        const pages = [
          ['home', () => '/'],
          ['sites', () => '/sites'],
          ['a site', () => `/sites/${srv.sites.rennes}`],
          ['edit a site', () => `/sites/${srv.sites.rennes}/edit`],
          ['new site', () => '/sites/new'],
          ['users', () => '/users'],
          ['new user', () => '/users/new'],
          ['a user', () => `/users/${userId}`],
          ['change of password', () => '/account/password'],
          ['API tokens', () => '/account/tokens'],
          ['about', () => '/about'],
          ['audit journal', () => '/audit'],
          ['recording settings of a site', () => `/sites/${srv.sites.rennes}/settings`],
          ['export', () => '/export'],
        ];
        for (const [what, p] of pages) {
          it(what, async () => {
            await visit(page, p());
            await check(what);
          });
        }

        it('new site re-displayed with errors (400)', async () => {
          await visit(page, '/sites/new');
          // Skip the browser's own checks so that the server's errors show.
          await page.evaluate(() => {
            for (const f of document.forms) f.noValidate = true;
          });
          await page.fill('form[action="/sites"] [name="name"]', '');
          const [res] = await Promise.all([page.waitForNavigation(), page.click(submit('form[action="/sites"]'))]);
          assert.equal(res.status(), 400);
          await check('new site with errors');
          // The summary links to the fields in error.
          const links = await page.evaluate(() =>
            [...document.querySelectorAll('main a[href^="#"]')].map((a) => a.getAttribute('href').slice(1)).filter((id) => {
              const el = document.getElementById(id);
              return el && el.matches('input, select, textarea, fieldset');
            }),
          );
          assert.ok(links.length > 0, 'the error summary does not link to the fields');
          const invalid = await page.evaluate(() => document.querySelectorAll('[aria-invalid="true"]').length);
          assert.ok(invalid > 0, 'no field is marked aria-invalid');
        });

        it('404 while logged in', async () => {
          await visit(page, '/sites/999999', 404);
          await check('404 logged in');
        });
      });

      describe('logged in as an agent', () => {
        before(async () => {
          page = await loggedInPage(browser, srv, code, 'agent');
        });
        after(async () => {
          await page.context().close();
        });

        for (const [what, p] of [
          ['home of an agent', '/'],
          ['import', '/import'],
          ['export', '/export'],
        ]) {
          it(what, async () => {
            await visit(page, p);
            await check(what);
          });
        }
      });

      describe('logged in as an admin, again', () => {
        before(async () => {
          page = await loggedInPage(browser, srv, code, 'admin');
        });
        after(async () => {
          await page.context().close();
        });

        it('404 of a missing site', async () => {
          await visit(page, '/sites/999999', 404);
          await check('404 logged in');
        });
      });
    });
  }
});
