// reflow.test.mjs: at 320 CSS pixels wide (a phone, or 400 % zoom on a
// laptop; WCAG 1.4.10) and at 200 % zoom of a 1280-pixel screen, the main
// pages never scroll sideways, left to right and right to left.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { closeAll, launchBrowser, loginWithForm, newPage, setLanguage, setupServer, visit, withScreenshot } from './lib.mjs';

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

/* Every staff page each role reaches from the menus (and the pages those
 * lead to), on the demonstration data, at 320 px in French and in Arabic:
 * no sideways scrolling, and every region that scrolls takes the keyboard's
 * focus. {site}, {visit}, {day}, {workshop} and {user} are read from the
 * pages themselves; [path, status] for a page that refuses this role. */
const COMMON = [
  '/', '/journal', '{day}', '/visits', '{visit}', '/workshops', '{workshop}', '/reports', '/reports/site/{site}',
  '/reports/site/{site}/summary', '/satisfaction', '/sites', '/sites/{site}', '/sites/{site}/notices', '/export',
  '/account/password', '/account/tokens', '/account/totp', '/escalations', '/address',
];
const RECORDER = ['/visits/new', '/workshops/new', '/satisfaction/new', '/sites/{site}/queue', '/import'];
const SITE_ADMIN = [
  '/sites/{site}/edit', '/sites/{site}/settings', '/sites/{site}/queue/settings', '/sites/{site}/notices/new',
  '/sites/{site}/audio', '/users', '/users/new', '{user}',
];
const STAFF_PAGES = {
  agent: [...COMMON, ...RECORDER],
  manager: [...COMMON, ...RECORDER, ...SITE_ADMIN],
  coordinator: [...COMMON, '/reports/departement/35', '/reports/departement/35/summary', '/sites/{site}/notices/new'],
  admin: [
    ...COMMON, ...SITE_ADMIN, ['/visits/new', 403], '/reports/departement/35', '/reports/national', '/sites/new',
    '/admin/operators', '/admin/operators/new', '/admin/procedures', '/admin/procedures/new', '/admin/themes',
    '/admin/topics', '/audit', '/admin/security',
  ],
};

/* What is wrong with the page at this width: its own sideways scrolling,
 * and the regions that scroll without taking the focus. */
async function reflowProblems(page) {
  return await page.evaluate(() => {
    const root = document.documentElement;
    const problems = [];
    if (root.scrollWidth > root.clientWidth) {
      const wide = [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > root.clientWidth + 1 || e.getBoundingClientRect().left < -1)
        .slice(0, 3)
        .map((e) => e.outerHTML.slice(0, 120));
      problems.push(`scrollWidth ${root.scrollWidth} > clientWidth ${root.clientWidth}; too wide:\n  ${wide.join('\n  ')}`);
    }
    for (const e of document.querySelectorAll('body *')) {
      const cs = getComputedStyle(e);
      const scrolls =
        (/auto|scroll/.test(cs.overflowX) && e.scrollWidth > e.clientWidth) ||
        (/auto|scroll/.test(cs.overflowY) && e.scrollHeight > e.clientHeight);
      if (scrolls && !(e.tabIndex >= 0 || e.querySelector('a[href], button, input, select, textarea, [tabindex]'))) {
        problems.push(`a scrolling region the keyboard cannot reach: ${e.outerHTML.slice(0, 120)}`);
      }
      if (scrolls && e.tabIndex >= 0 && !(e.getAttribute('aria-label') || e.getAttribute('aria-labelledby'))) {
        problems.push(`a scrolling region without a name: ${e.outerHTML.slice(0, 120)}`);
      }
    }
    return problems;
  });
}

describe('every staff page of every role at 320 px', () => {
  let srv;
  let browser;
  let password;
  const accounts = {};
  before(async () => {
    srv = await setupServer({ sites: {}, users: {}, start: false });
    const out = await srv.cliOk(['demo', '--days', '10']);
    password = /password:\s*(\S+)/i.exec(out)?.[1];
    for (const line of out.split('\n')) {
      const m = /^\s*(admin|coordinator|manager|agent)\s+(\S+@\S+)/.exec(line);
      if (m && !accounts[m[1]]) accounts[m[1]] = m[2];
    }
    assert.ok(password && Object.keys(accounts).length === 4, `the demo printed no accounts:\n${out}`);
    await srv.start();
    browser = await launchBrowser();
  });
  after(() => closeAll(browser, srv));

  for (const code of ['fr', 'ar']) {
    for (const role of Object.keys(STAFF_PAGES)) {
      it(`${role}, ${code}`, async () => {
        const page = await newPage(browser, srv.base, { viewport: { width: 320, height: 640 } });
        try {
          await setLanguage(page, code, '/login');
          await loginWithForm(page, accounts[role], password);
          // Every link of the menu is in the list.
          const menu = await page.evaluate(() => [...document.querySelectorAll('.main-nav a[href]')].map((a) => a.getAttribute('href')));
          const listed = STAFF_PAGES[role].map((p) => (Array.isArray(p) ? p[0] : p));
          for (const href of menu) assert.ok(listed.includes(href), `${role}: the menu's ${href} is not in STAFF_PAGES`);
          // The records to open, read from the pages.
          const firstHref = async (p, re) => {
            await visit(page, p);
            const hrefs = await page.evaluate(() => [...document.querySelectorAll('main a[href]')].map((a) => a.getAttribute('href')));
            return hrefs.find((h) => re.test(h));
          };
          const values = {};
          values.visit = await firstHref('/visits', /^\/visits\/\d+$/);
          assert.ok(values.visit, `${role}: no visit in the search`);
          values.day = await firstHref(values.visit, /^\/journal\?site=\d+&date=/);
          values.site = /site=(\d+)/.exec(values.day)[1];
          values.workshop = await firstHref('/workshops', /^\/workshops\/\d+$/);
          if (role === 'manager' || role === 'admin') values.user = await firstHref('/users', /^\/users\/\d+$/);
          for (const entry of STAFF_PAGES[role]) {
            const [pattern, status] = Array.isArray(entry) ? entry : [entry, 200];
            const p = pattern.replace(/\{(\w+)\}/g, (_, k) => values[k] ?? '');
            if (!p) continue; // no workshop in these days at this site
            await visit(page, p, status);
            const problems = await reflowProblems(page);
            assert.deepEqual(problems, [], `${role}, ${code}, ${p}:\n${problems.join('\n')}`);
          }
        } catch (e) {
          throw await withScreenshot(page, `reflow-${role}-${code}`, e);
        } finally {
          await page.context().close();
        }
      });
    }
  }
});
