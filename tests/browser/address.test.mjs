// address.test.mjs: addresses in a browser (docs/addresses.md). The
// adviser's page, used with the keyboard alone in French, English and
// Arabic: free text typed, the address written, the postcodes offered as
// radios and one chosen; axe-clean in each language. The "who to tell"
// checklist of a visit: items ticked with the keyboard and saved; in
// French, Arabic and Dari it passes axe and prints on one A4 page without
// the adviser's controls; no sideways scrolling at 320 px.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { assertAccessible, closeAll, focusedElement, htmlLangDir, launchBrowser, loggedInPage, setupServer, tabTo, visit } from './lib.mjs';

function pdfPages(pdf) {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}

async function sideways(page) {
  return await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
}

describe('addresses in a browser', () => {
  let srv;
  let browser;
  let visitId;

  before(async () => {
    srv = await setupServer({
      sites: { rennes: { name: 'France services Rennes Centre', type: 'france_services', commune: '35238' } },
      users: { agent: { email: 'agent.rennes@example.org', name: 'Agathe Conseillère', role: 'agent', sites: ['rennes'] } },
      start: false,
    });
    await srv.cliOk(['geo', 'load']);
    await srv.start();
    const token = await srv.token('agent');
    const res = await srv.client().request('POST', '/api/v1/visits', {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        started_at: '2025-03-04T10:15:00+01:00',
        channel: 'guichet_spontane',
        duration_min: 30,
        visitor: { gender: 'feminin', age_bracket: '70_plus', languages: ['ar'] },
        demands: [{ operator_code: 'cnaf', theme_code: 'logement', procedure_text: "Changement d'adresse", level: 'fait_avec', outcome: 'resolu' }],
      }),
    });
    assert.equal(res.status, 201, res.text);
    visitId = res.json().id;
    browser = await launchBrowser();
  });
  after(() => closeAll(browser, srv));

  for (const code of ['fr', 'en', 'ar']) {
    it(`the adviser's page by keyboard, axe-clean [${code}]`, async () => {
      const page = await loggedInPage(browser, srv, code, 'agent');
      try {
        await visit(page, '/address');
        assert.equal((await htmlLangDir(page)).lang, code);
        await assertAccessible(page, `the address page [${code}]`);
        await tabTo(page, (f) => f.name === 'text', 'the free-text field');
        await page.keyboard.type('Mme Dupont\n3 rue des Lilas\nChanzeaux');
        await tabTo(page, (f) => f.tag === 'button' && f.formAction === '/address' && f.describe.includes('value="text"'), 'the free-text button');
        await Promise.all([page.waitForLoadState('load'), page.waitForURL('**/address'), page.keyboard.press('Enter')]);
        await page.waitForSelector('input[name="proposal"]');
        await assertAccessible(page, `the address page with proposals [${code}]`);
        // The first radio is checked; arrows move within the group.
        await tabTo(page, (f) => f.name === 'proposal', 'the proposals');
        for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
        const chosen = await focusedElement(page);
        assert.equal(chosen.checked, true);
        assert.match(chosen.value, /^\d{5}\|Chanzeaux$/);
        await tabTo(page, (f) => f.tag === 'button' && f.describe.includes('value="fields"'), 'the choice button');
        await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
        const lines = await page.locator('.addr-lines').innerText();
        assert.match(lines, /3 RUE DES LILAS\s+CHANZEAUX\s+\d{5} CHEMILLE EN ANJOU/);
        await assertAccessible(page, `the written address [${code}]`);
      } finally {
        await page.context().close();
      }
    });
  }

  it('ticks the checklist of a visit by keyboard, and prints it on one A4 page', async () => {
    const page = await loggedInPage(browser, srv, 'fr', 'agent');
    try {
      await visit(page, `/visits/${visitId}/address-checklist?lang=ar`);
      await tabTo(page, (f) => f.name === 'done' && f.value === 'caf', 'the CAF box');
      await page.keyboard.press('Space');
      await tabTo(page, (f) => f.name === 'done' && f.value === 'carte_grise', 'the carte grise box');
      await page.keyboard.press('Space');
      await tabTo(page, (f) => f.tag === 'button' && f.formAction === `/visits/${visitId}/address-checklist`, 'the save button');
      await Promise.all([page.waitForURL(/saved=1/), page.keyboard.press('Enter')]);
      assert.equal(await page.locator('.ck-item.ck-done').count(), 2);
      for (const [code, dir] of [['fr', 'ltr'], ['ar', 'rtl'], ['prs', 'rtl']]) {
        await visit(page, `/visits/${visitId}/address-checklist?lang=${code}`);
        const ld = await htmlLangDir(page);
        assert.equal(ld.lang, code);
        assert.equal(ld.dir, dir);
        assert.equal(await page.locator('button[data-print]').isVisible(), true);
        await assertAccessible(page, `the checklist [${code}]`);
        await page.emulateMedia({ media: 'print' });
        try {
          const hidden = await page.evaluate(() => ['.ck-controls', '.lang-choice'].map((s) => getComputedStyle(document.querySelector(s)).display));
          assert.deepEqual(hidden, ['none', 'none']);
          const pdf = await page.pdf({ format: 'A4', printBackground: false, preferCSSPageSize: true });
          assert.equal(pdfPages(pdf), 1, `[${code}]: ${pdfPages(pdf)} A4 pages`);
        } finally {
          await page.emulateMedia({ media: null });
        }
      }
      await page.setViewportSize({ width: 320, height: 640 });
      for (const p of ['/address', `/visits/${visitId}/address-checklist?lang=ar`, '/address/checklist?lang=ta']) {
        await visit(page, p);
        const m = await sideways(page);
        assert.ok(m.scroll <= m.client, `${p} scrolls sideways at 320 px: ${m.scroll} > ${m.client}`);
      }
    } finally {
      await page.context().close();
    }
  });
});
