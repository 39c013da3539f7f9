// callbacks.test.mjs: a site's callbacks in a real browser. The list (with
// an overdue callback), the form with its errors and a callback's page are
// axe-clean in French, English and Arabic, right to left in Arabic, and do
// not scroll sideways at 320 px; the whole life is done by keyboard alone:
// an adviser adds a person to call back, takes the callback, records a
// call without answer, then closes it as done and lands on the recording
// form with the channel "rappel".

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';

import {
  LANGS,
  ON_PG,
  assertAccessible,
  closeAll,
  focusedElement,
  htmlLangDir,
  launchBrowser,
  loggedInPage,
  setupServer,
  tabTo,
  visit,
} from './lib.mjs';

function localDay(t) {
  const p = (n) => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())}`;
}
const tomorrow = () => localDay(new Date(Date.now() + 86400e3));

describe('callbacks in the browser', () => {
  let srv, browser, token, site;

  /* A callback added over the API; its id. */
  async function callback(name = 'Mme Haddad', part = 'matin') {
    const res = await srv.client().request('POST', `/api/v1/sites/${site}/callbacks`, {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name, phone: '06 12 34 56 78', reason: 'Dossier de retraite', lang: 'ar', day: tomorrow(), part }),
    });
    assert.equal(res.status, 201, res.text);
    return res.json().id;
  }

  async function assertNoSideScroll(page, what) {
    const m = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
      wide: [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 || e.getBoundingClientRect().left < -1)
        .slice(0, 5)
        .map((e) => e.outerHTML.slice(0, 120)),
    }));
    assert.ok(m.scroll <= m.client, `${what}: scrollWidth ${m.scroll} > clientWidth ${m.client}; too wide:\n${m.wide.join('\n')}`);
  }

  before(async () => {
    srv = await setupServer();
    site = srv.sites.rennes;
    browser = await launchBrowser();
    token = await srv.token('agent');
    /* One callback on the list whose preferred time is over. */
    const late = await callback('Déjà en retard', 'journee');
    const statement = `UPDATE callbacks SET ends_at = ${Math.floor(Date.now() / 1000) - 60} WHERE id = ${late}`;
    if (ON_PG) execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', srv.db, '-c', statement]);
    else execFileSync('sqlite3', [srv.db, statement]);
  });
  after(() => closeAll(browser, srv));

  for (const { code, dir } of LANGS) {
    it(`has accessible pages in ${code}, that reflow at 320 px`, async () => {
      const id = await callback();
      const agent = await loggedInPage(browser, srv, code, 'agent');
      await visit(agent, `/sites/${site}/callbacks`);
      assert.deepEqual(await htmlLangDir(agent), { lang: code, dir });
      assert.equal(await agent.locator('tr.overdue strong.overdue').count(), 1);
      await assertAccessible(agent, `the list in ${code}`);
      await visit(agent, `/sites/${site}/callbacks/new`);
      await assertAccessible(agent, `the form in ${code}`);
      await agent.fill('#name', '');
      await agent.click(`form[action="/sites/${site}/callbacks"] [type="submit"]`);
      await agent.waitForSelector('.error-summary');
      await assertAccessible(agent, `the form with its errors in ${code}`);
      await visit(agent, `/callbacks/${id}`);
      await assertAccessible(agent, `a callback in ${code}`);

      await agent.setViewportSize({ width: 320, height: 640 });
      for (const p of [`/sites/${site}/callbacks`, `/sites/${site}/callbacks/new`, `/callbacks/${id}`]) {
        await visit(agent, p);
        await assertNoSideScroll(agent, `${p} at 320 px in ${code}`);
      }
      await agent.context().close();
    });
  }

  it('lets an adviser add, take, call and close a callback by keyboard', async () => {
    const agent = await loggedInPage(browser, srv, 'fr', 'agent');
    await visit(agent, `/sites/${site}/callbacks`);
    await tabTo(agent, (f) => f.tag === 'a' && f.href === `/sites/${site}/callbacks/new`, 'the link to the form');
    await Promise.all([agent.waitForURL(/\/callbacks\/new$/), agent.keyboard.press('Enter')]);
    await tabTo(agent, (f) => f.name === 'name', 'the name');
    await agent.keyboard.type('Monsieur Clavier');
    await tabTo(agent, (f) => f.name === 'phone', 'the phone');
    await agent.keyboard.type('07 00 11 22 33');
    await tabTo(agent, (f) => f.name === 'day', 'the day');
    await tabTo(agent, (f) => f.name === 'part', 'the part of the day');
    await tabTo(agent, (f) => f.name === 'reason', 'the reason');
    await agent.keyboard.type('Carte grise');
    await tabTo(agent, (f) => f.tag === 'button' && f.formAction === `/sites/${site}/callbacks`, 'the submit button');
    await Promise.all([agent.waitForURL(/done=created/), agent.keyboard.press('Enter')]);
    assert.match(await agent.textContent('main'), /Monsieur Clavier/);

    /* Take it from the list: its button names the person for screen readers. */
    await tabTo(agent, (f) => f.tag === 'button' && /Prendre/.test(f.text) && /Monsieur Clavier/.test(f.describe + f.text), 'the take button', { max: 120 });
    await Promise.all([agent.waitForURL(/done=prendre/), agent.keyboard.press('Enter')]);
    const link = await agent.getAttribute('a:has-text("Monsieur Clavier")', 'href');
    await visit(agent, link);

    /* A call without answer: the first result is chosen already. */
    await tabTo(agent, (f) => f.name === 'result', 'the call\'s result');
    await agent.keyboard.press('ArrowDown');
    assert.equal((await focusedElement(agent)).value, 'messagerie');
    await tabTo(agent, (f) => f.tag === 'button' && /Enregistrer l'appel/.test(f.text), 'the call\'s button');
    await Promise.all([agent.waitForURL(/done=tentative/), agent.keyboard.press('Enter')]);
    assert.match(await agent.textContent('main'), /Messagerie/);

    await tabTo(agent, (f) => f.tag === 'button' && /Personne jointe/.test(f.text), 'the done button');
    await Promise.all([agent.waitForURL(/\/visits\/new\?callback=\d+/), agent.keyboard.press('Enter')]);
    assert.equal(await agent.inputValue('input[name="callback"]'), link.split('/').pop());
    assert.ok(await agent.isChecked('input[name="channel"][value="rappel"]').catch(() => false) ||
      (await agent.inputValue('select[name="channel"]').catch(() => '')) === 'rappel', 'the channel is "rappel"');
    await agent.context().close();
  });
});
