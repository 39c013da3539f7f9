// reports.test.mjs: the steering report pages in a browser, on a month of
// demonstration data. The report of a site and of a département (as the
// coordinator) and the national dashboard (as the administrator) pass axe
// in French, English and Arabic with the right language and direction;
// every chart is followed by the table of its figures; the filters and the
// publication version work without JavaScript; at 320 px the page never
// scrolls sideways (tables scroll inside their own wrapper).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  LANGS,
  assertAccessible,
  closeAll,
  htmlLangDir,
  launchBrowser,
  loggedInPage,
  loginWithForm,
  newPage,
  runOk,
  setupServer,
  visit,
} from './lib.mjs';

const END = '2025-03-28';
const PERIOD = `from=2025-02-27&to=${END}`;
/* guichet demo adds its four sites after the three fixture ones. */
const DEMO_SITE = 4;

/** Every chart of the page, and what comes right after its <figure>. */
async function chartsAndTables(page) {
  return await page.evaluate(() =>
    [...document.querySelectorAll('main svg[role="img"]')].map((svg) => {
      const fig = svg.closest('figure');
      const next = fig?.nextElementSibling;
      const table = next?.tagName === 'TABLE' ? next : next?.querySelector(':scope > table');
      return {
        section: svg.closest('section')?.id || svg.closest('section')?.getAttribute('aria-labelledby'),
        inFigure: Boolean(fig),
        tableNext: Boolean(table),
        sameSection: Boolean(table) && table.closest('section') === svg.closest('section'),
      };
    }));
}

describe('steering report pages in a browser', () => {
  let srv;
  let browser;

  before(async () => {
    srv = await setupServer({ start: false });
    await runOk(['demo', '--db', srv.db, '--days', '30', '--end', END, '--seed', '3', '--force']);
    await srv.start();
    browser = await launchBrowser();
  });
  after(() => closeAll(browser, srv));

  const pages = [
    ['the report of a site', 'coordinator', `/reports/site/${DEMO_SITE}?${PERIOD}`],
    ['the report of a département', 'coordinator', `/reports/departement/35?${PERIOD}`],
    ['the national dashboard', 'admin', `/reports/national?${PERIOD}`],
    ['the choice of a report', 'admin', '/reports'],
    ['the choice of a report with several sites', 'coordinator', '/reports'],
  ];

  for (const { code, dir } of LANGS) {
    describe(`in ${code}`, () => {
      const logged = {};
      before(async () => {
        for (const key of ['coordinator', 'admin']) logged[key] = await loggedInPage(browser, srv, code, key);
      });
      after(async () => {
        for (const p of Object.values(logged)) await p.context().close();
      });

      for (const [what, key, p] of pages) {
        it(`${what} is accessible, each chart followed by its table`, async () => {
          const page = logged[key];
          await visit(page, p);
          const ld = await htmlLangDir(page);
          assert.equal(ld.lang, code);
          assert.equal(ld.dir, dir);
          await assertAccessible(page, `${what} [${code}]`);
          const charts = await chartsAndTables(page);
          if (p !== '/reports') assert.ok(charts.length >= 10, `${what}: ${charts.length} charts`);
          for (const c of charts) {
            assert.ok(c.inFigure, `${what}: a chart of ${c.section} outside a <figure>`);
            assert.ok(c.tableNext && c.sameSection, `${what}: the chart of ${c.section} is not followed by its table`);
          }
        });
      }
    });
  }

  describe('without JavaScript', () => {
    let page;
    before(async () => {
      page = await newPage(browser, srv.base, { javaScriptEnabled: false });
      await loginWithForm(page, srv.users.coordinator.email, srv.users.coordinator.password);
    });
    after(async () => {
      await page.context().close();
    });

    it('opens a report from the list, filters it and switches to the publication version', async () => {
      await visit(page, `/reports?${PERIOD}`);
      await Promise.all([page.waitForURL(/\/reports\/departement\/35/), page.click('main a[href^="/reports/departement/35"]')]);
      assert.match(page.url(), /from=2025-02-27/);
      await page.selectOption('form.report-filters select[name="channel"]', 'telephone');
      await Promise.all([page.waitForURL(/channel=telephone/), page.click('form.report-filters button[type="submit"]')]);
      const cover = await page.textContent('.report-cover');
      assert.match(cover, /Canal : Téléphone/);
      await Promise.all([page.waitForURL(/masked=1/), page.click('.report-downloads a[href*="masked=1"]')]);
      assert.match(await page.textContent('.report-cover'), /masqués/);
      const channel = await page.inputValue('form.report-filters select[name="channel"]');
      assert.equal(channel, 'telephone', 'the filter stays');
    });

    it('puts several sites together in one report', async () => {
      await visit(page, `/reports?${PERIOD}`);
      const boxes = page.locator('form[action="/reports/sites"] input[name="site"]');
      await boxes.nth(0).check();
      await boxes.nth(1).check();
      await Promise.all([page.waitForURL(/\/reports\/sites\?/), page.click('form[action="/reports/sites"] button[type="submit"]')]);
      assert.match(page.url(), /site=\d+&site=\d+/);
      assert.match(await page.textContent('h1'), /2 lieux/);
      assert.ok(await page.locator('#s-by_site').count(), 'a table by site');
    });
  });

  describe('at 320 px', () => {
    for (const code of ['fr', 'ar']) {
      it(`the département report does not scroll sideways (${code})`, async () => {
        const page = await loggedInPage(browser, srv, code, 'coordinator');
        await page.setViewportSize({ width: 320, height: 640 });
        try {
          for (const p of [`/reports/departement/35?${PERIOD}`, '/reports']) {
            await visit(page, p);
            const m = await page.evaluate(() => ({
              scroll: document.documentElement.scrollWidth,
              client: document.documentElement.clientWidth,
              wide: [...document.querySelectorAll('body *')]
                .filter((e) => !e.closest('.table-wrap, .report-chart') && (e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 || e.getBoundingClientRect().left < -1))
                .slice(0, 5)
                .map((e) => e.outerHTML.slice(0, 120)),
              // Chart text as drawn on the screen, in CSS pixels.
              smallest: Math.min(...[...document.querySelectorAll('.report-chart svg text')].map((t) => t.getBoundingClientRect().height)),
              // Frames that scroll sideways and cannot take the focus.
              unreachable: [...document.querySelectorAll('.table-wrap, .report-chart')]
                .filter((e) => e.scrollWidth > e.clientWidth + 1 && e.tabIndex < 0)
                .map((e) => e.outerHTML.slice(0, 80)),
            }));
            assert.ok(m.scroll <= m.client, `${p}: scrollWidth ${m.scroll} > clientWidth ${m.client}; too wide:\n${m.wide.join('\n')}`);
            if (p.startsWith('/reports/')) assert.ok(m.smallest >= 10, `${p}: chart text ${m.smallest} px high at 320 px`);
            assert.deepEqual(m.unreachable, [], `${p}: scrolling frames out of the keyboard's reach`);
          }
        } finally {
          await page.context().close();
        }
      });
    }
  });
});
