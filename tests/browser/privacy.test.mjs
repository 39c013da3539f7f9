// privacy.test.mjs: the pages of a person's rights in a browser. The export
// of an identified person, in French, English and Arabic (chosen for her,
// whatever the adviser's language), passes axe with the right language and
// direction, and so do the visit page that links to it and the confirmation
// of the erasure.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { LANGS, assertAccessible, closeAll, htmlLangDir, launchBrowser, loggedInPage, setupServer, visit } from './lib.mjs';

const TODAY = new Date().toISOString().slice(0, 10);

describe('the export of a person in a browser', () => {
  let srv;
  let browser;
  let visitId;
  let person;

  before(async () => {
    srv = await setupServer();
    browser = await launchBrowser();
    const agent = await srv.login('agent');
    const { csrf } = await agent.form('/visits/new');
    const res = await agent.post('/visits', {
      site_id: String(srv.sites.rennes), date: TODAY, time: '00:00', channel: 'guichet_spontane', duration_min: '20',
      age_bracket: '70_plus', gender: 'feminin', social_status: 'retraite', commune_insee: '', ndemands: '1',
      d1_operator_code: 'cnav', d1_theme_code: 'social_sante', d1_procedure_id: '', d1_level: 'fait_avec',
      d1_outcome: 'doit_revenir', d1_interpreting: 'aucun', d1_note: 'revenir avec le relevé de carrière',
      identified: '1', consent_reason: 'suivi', full_name: 'Fatima Exemple', phone: '06 98 76 54 32', email: '',
      csrf,
    });
    assert.equal(res.status, 303);
    visitId = Number(/saved=(\d+)/.exec(res.location)[1]);
    const page = await agent.get(`/visits/${visitId}`);
    person = Number(/href="\/visitors\/(\d+)\/export"/.exec(page.text)[1]);
  });
  after(() => closeAll(browser, srv));

  for (const { code, dir } of LANGS) {
    it(`is accessible in ${code}, as are the visit page and the erasure's confirmation`, async () => {
      const page = await loggedInPage(browser, srv, 'fr', 'agent');
      try {
        await visit(page, `/visitors/${person}/export?lang=${code}`);
        assert.deepEqual(await htmlLangDir(page), { lang: code, dir });
        assert.ok((await page.textContent('main')).includes('Fatima Exemple'));
        await assertAccessible(page, `/visitors/${person}/export?lang=${code}`);
        await page.context().close();
      } catch (e) {
        await page.context().close();
        throw e;
      }
      const adviser = await loggedInPage(browser, srv, code, 'agent');
      try {
        await visit(adviser, `/visits/${visitId}`);
        assert.equal(await adviser.locator(`a[href="/visitors/${person}/export"]`).count(), 1);
        await assertAccessible(adviser, `/visits/${visitId} (${code})`);
        await visit(adviser, `/visitors/${person}/erase?visit=${visitId}`);
        assert.deepEqual(await htmlLangDir(adviser), { lang: code, dir });
        await assertAccessible(adviser, `/visitors/${person}/erase (${code})`);
      } finally {
        await adviser.context().close();
      }
    });
  }
});
