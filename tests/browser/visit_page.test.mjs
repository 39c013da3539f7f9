// visit_page.test.mjs (browser): a visit's page, the day journal and the
// search at 320 px wide, left to right and right to left: no sideways
// scrolling, the journal's rows stacked as cards (no table wider than the
// screen, the caption whole), and axe's WCAG 2.1 A and AA rules passed in
// French, English and Arabic.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { LANGS, assertAccessible, closeAll, launchBrowser, loginWithForm, newPage, setLanguage, setupServer, visit, withScreenshot } from './lib.mjs';

const DAY = '2026-12-03';

/* The visit of the issue: a woman of 70 who does not speak French, two
 * demands (CAF done with her, ANTS escalated), telephone interpreting. */
const VISIT = {
  started_at: `${DAY}T10:32:00Z`,
  channel: 'guichet_spontane',
  duration_min: 30,
  visitor: { gender: 'feminin', age_bracket: '70_plus', allophone: true, languages: ['ar'] },
  demands: [
    { operator_code: 'cnaf', theme_code: 'social_sante', level: 'fait_avec', outcome: 'resolu', interpreting: 'telephone', interpreting_lang: 'ar' },
    { operator_code: 'ants', theme_code: 'papiers_citoyennete', level: 'fait_avec', outcome: 'escalade', interpreting: 'telephone', interpreting_lang: 'ar' },
  ],
};

describe('the visit page and the journal at 320 px', () => {
  let srv;
  let browser;
  let id;
  before(async () => {
    srv = await setupServer();
    const token = await srv.token('agent');
    for (let i = 0; i < 3; i++) {
      const res = await srv.client().request('POST', '/api/v1/visits', {
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ site_id: srv.sites.rennes, ...VISIT }),
      });
      assert.equal(res.status, 201, res.text);
      id = res.json().id;
    }
    browser = await launchBrowser();
  });
  after(() => closeAll(browser, srv));

  for (const { code, dir } of LANGS) {
    it(`${code} (${dir})`, async () => {
      const page = await newPage(browser, srv.base, { viewport: { width: 320, height: 640 } });
      try {
        await setLanguage(page, code, '/login');
        await loginWithForm(page, srv.users.agent.email, srv.users.agent.password);
        for (const p of [`/visits/${id}`, `/journal?site=${srv.sites.rennes}&date=${DAY}`, `/visits?from=${DAY}&to=${DAY}`]) {
          await visit(page, p);
          const m = await page.evaluate(() => {
            const root = document.documentElement;
            const table = document.querySelector('table');
            const caption = table?.querySelector('caption');
            return {
              scroll: root.scrollWidth,
              client: root.clientWidth,
              tables: [...document.querySelectorAll('.table-wrap')].map((w) => [w.scrollWidth, w.clientWidth]),
              caption: caption ? [caption.scrollWidth, caption.clientWidth, caption.getBoundingClientRect().right <= root.clientWidth + 1, caption.getBoundingClientRect().left >= -1] : null,
              frenchNames: [...document.querySelectorAll('main [lang="fr"]')].map((e) => e.textContent),
            };
          });
          assert.ok(m.scroll <= m.client, `${p}: scrollWidth ${m.scroll} > clientWidth ${m.client}`);
          for (const [s, c] of m.tables) assert.ok(s <= c, `${p}: a table wider than its frame (${s} > ${c}): its rows should stack`);
          if (m.caption) {
            assert.ok(m.caption[0] <= m.caption[1] && m.caption[2] && m.caption[3], `${p}: the caption is cut: ${m.caption}`);
          }
          if (code !== 'fr') assert.ok(m.frenchNames.some((t) => /CAF/.test(t)), `${p}: the CAF's name is not marked lang="fr": ${m.frenchNames}`);
          else assert.deepEqual(m.frenchNames, [], `${p}: lang="fr" inside a French page`);
          await assertAccessible(page, `${p} in ${code}`);
        }
      } catch (e) {
        throw await withScreenshot(page, `visit-page-${code}`, e);
      } finally {
        await page.context().close();
      }
    });
  }
});
