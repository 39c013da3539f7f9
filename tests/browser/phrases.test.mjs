// phrases.test.mjs: a site's own wording of public phrases, in the browser.
// The list and a phrase's form are axe-clean in French, English and Arabic,
// fit a 320 px wide screen without sideways scrolling, and a manager
// changes a phrase by keyboard alone; an error answers with the summary
// focused and the typed text kept; the kiosk then says the new wording.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { LANGS, assertAccessible, closeAll, launchBrowser, loggedInPage, newPage, setupServer, visit } from './lib.mjs';

async function noSideways(page, what) {
  const w = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(w.scroll <= w.client, `${what}: ${w.scroll} px wide in a ${w.client} px window`);
}

describe('a site\'s wording of public phrases', () => {
  let srv;
  let browser;

  before(async () => {
    srv = await setupServer();
    browser = await launchBrowser();
  });
  after(() => closeAll(browser, srv));

  for (const { code } of LANGS) {
    it(`the list and the form are accessible and fit 320 px [${code}]`, async () => {
      const page = await loggedInPage(browser, srv, code, 'manager');
      try {
        const site = srv.sites.rennes;
        await visit(page, `/sites/${site}/phrases?lang=ar`);
        await assertAccessible(page, `phrases list [${code}]`);
        const edit = await page.getAttribute('table a[href*="/phrases/edit"]', 'href');
        await visit(page, edit);
        await assertAccessible(page, `phrase form [${code}]`);
        await page.setViewportSize({ width: 320, height: 640 });
        await visit(page, `/sites/${site}/phrases?lang=uk&q=Recommencer`);
        await noSideways(page, `phrases list at 320 px [${code}]`);
        await visit(page, edit);
        await noSideways(page, `phrase form at 320 px [${code}]`);
      } finally {
        await page.context().close();
      }
    });
  }

  it('a manager changes a phrase by keyboard, and the kiosk says it', async () => {
    const page = await loggedInPage(browser, srv, 'fr', 'manager');
    try {
      const site = srv.sites.rennes;
      await visit(page, `/sites/${site}/phrases?lang=uk&q=${encodeURIComponent('Choisissez ce que vous venez faire')}`);
      await page.focus('table a[href*="/phrases/edit"]');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      await page.focus('#text');
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Delete');
      // An empty text: the form answers with its error, focused on the summary.
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Tab').then(() => page.keyboard.press('Enter'))]);
      assert.match(await page.textContent('main'), /Écrivez le texte de la phrase/);
      await assertAccessible(page, 'phrase form with an error');
      await page.focus('#text');
      await page.keyboard.type('Що вас привело сьогодні?');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Tab').then(() => page.keyboard.press('Enter'))]);
      assert.match(await page.textContent('main'), /Formulation enregistrée pour ce lieu/);

      await visit(page, `/sites/${site}/kiosk`);
      const kiosk = await page.getAttribute(`a[href^="/sites/${site}/kiosk?key="]`, 'href');
      const visitor = await newPage(browser, srv.base);
      try {
        await visit(visitor, `${kiosk}&lang=uk&step=service`);
        assert.match(await visitor.textContent('h1'), /Що вас привело сьогодні\?/);
      } finally {
        await visitor.context().close();
      }
    } finally {
      await page.context().close();
    }
  });
});
