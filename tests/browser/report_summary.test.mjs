// report_summary.test.mjs: the committee's summary in a browser, on a month
// of demonstration data. The summary of a département (as its
// coordinator) and of a site pass axe in French and Arabic with the right
// language and direction; printed on A4 (Chromium's own PDF, print media)
// each holds on two pages at most, the publication version too; at 320 px
// it never scrolls sideways, and its scrolling frames take the focus.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { assertAccessible, closeAll, htmlLangDir, launchBrowser, loggedInPage, runOk, setupServer, visit } from './lib.mjs';

const END = '2025-03-28';
const PERIOD = `from=2025-02-27&to=${END}`;
/* guichet demo adds its four sites after the three fixture ones. */
const DEMO_SITE = 4;

/** The pages of a PDF as Chromium writes it: one /Type /Page dictionary each. */
function pdfPages(pdf) {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}

describe('the committee summary in a browser', () => {
  let srv;
  let browser;

  before(async () => {
    srv = await setupServer({ start: false });
    await runOk(['demo', '--db', srv.db, '--days', '30', '--end', END, '--seed', '3', '--force']);
    await srv.start();
    browser = await launchBrowser();
  });
  after(() => closeAll(browser, srv));

  const summaries = [
    ['the summary of a département', `/reports/departement/35/summary?${PERIOD}`],
    ['the summary of a site', `/reports/site/${DEMO_SITE}/summary?${PERIOD}`],
    ['the publication summary of a département', `/reports/departement/35/summary?${PERIOD}&masked=1`],
  ];

  for (const [code, dir] of [['fr', 'ltr'], ['ar', 'rtl']]) {
    describe(`in ${code}`, () => {
      let page;
      before(async () => {
        page = await loggedInPage(browser, srv, code, 'coordinator');
      });
      after(async () => {
        await page?.context().close();
      });

      for (const [what, p] of summaries) {
        it(`${what} is accessible and prints on two A4 pages at most`, async () => {
          await visit(page, p);
          const ld = await htmlLangDir(page);
          assert.equal(ld.lang, code);
          assert.equal(ld.dir, dir);
          await assertAccessible(page, `${what} [${code}]`);
          // Print media: the downloads and the site's menus are left out.
          await page.emulateMedia({ media: 'print' });
          const hidden = await page.evaluate(() => getComputedStyle(document.querySelector('.summary-links')).display);
          assert.equal(hidden, 'none', 'the links are not printed');
          const pdf = await page.pdf({ format: 'A4', printBackground: false, preferCSSPageSize: true });
          await page.emulateMedia({ media: null });
          const n = pdfPages(pdf);
          assert.ok(n >= 1 && n <= 2, `${what} [${code}]: ${n} A4 pages`);
        });
      }

      it('does not scroll sideways at 320 px', async () => {
        await page.setViewportSize({ width: 320, height: 640 });
        try {
          for (const [, p] of summaries) {
            await visit(page, p);
            const m = await page.evaluate(() => ({
              scroll: document.documentElement.scrollWidth,
              client: document.documentElement.clientWidth,
              wide: [...document.querySelectorAll('body *')]
                .filter((e) => !e.closest('.table-wrap') && (e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 || e.getBoundingClientRect().left < -1))
                .slice(0, 5)
                .map((e) => e.outerHTML.slice(0, 120)),
              unreachable: [...document.querySelectorAll('.table-wrap')]
                .filter((e) => e.scrollWidth > e.clientWidth + 1 && e.tabIndex < 0)
                .map((e) => e.outerHTML.slice(0, 80)),
            }));
            assert.ok(m.scroll <= m.client, `${p}: scrollWidth ${m.scroll} > clientWidth ${m.client}; too wide:\n${m.wide.join('\n')}`);
            assert.deepEqual(m.unreachable, [], `${p}: scrolling frames out of the keyboard's reach`);
          }
        } finally {
          await page.setViewportSize({ width: 1280, height: 900 });
        }
      });
    });
  }
});
