// escalations.test.mjs: escalations to an operator's back office in a real
// browser. Every page of the part (the list, the adviser's form with its
// errors, an escalation as each side sees it, the referents' page) is
// axe-clean in French, English and Arabic, right to left in Arabic; and
// the whole life is done by keyboard alone: the adviser escalates a
// demand, the CAF referent answers, the adviser closes it.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  Client,
  DEFAULT_USERS,
  LANGS,
  assertAccessible,
  closeAll,
  csrfToken,
  focusedElement,
  htmlLangDir,
  launchBrowser,
  loggedInPage,
  setupServer,
  tabTo,
  visit,
} from './lib.mjs';

const USERS = {
  ...DEFAULT_USERS,
  caf: { email: 'caf.35@example.org', name: 'Camille Référente CAF', role: 'operator', operator: 'cnaf' },
};

describe('escalations in the browser', () => {
  let srv, browser, token;

  /* A visit at Rennes with one demand to CAF to escalate; the demand's id. */
  async function demand() {
    const res = await srv.client().request('POST', '/api/v1/visits', {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        started_at: '2026-03-04T10:15:00+01:00',
        channel: 'guichet_spontane',
        visitor: { gender: 'masculin', age_bracket: '70_plus' },
        demands: [{ operator_code: 'cnaf', theme_code: 'social_sante', level: 'fait_avec', outcome: 'escalade' }],
      }),
    });
    assert.equal(res.status, 201, res.text);
    return res.json().demands[0].id;
  }

  /* An escalation sent over the API, answered or not; its id. */
  async function escalation() {
    const d = await demand();
    const res = await srv.client().request('POST', `/api/v1/demands/${d}/escalations`, {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'Le versement de la prime est suspendu depuis mars.', consent: true }),
    });
    assert.equal(res.status, 201, res.text);
    return res.json().id;
  }

  before(async () => {
    srv = await setupServer({ users: USERS });
    browser = await launchBrowser();
    token = await srv.token('agent');
    const admin = new Client(srv.url);
    assert.equal((await admin.login(srv.users.admin.email, srv.users.admin.password)).status, 303);
    const page = await admin.get('/escalations/referents');
    const res = await admin.post('/escalations/referents', { csrf: csrfToken(page.text), [`dep_${await srv.userId('caf')}`]: '35' });
    assert.equal(res.status, 303, res.text);
  });
  after(() => closeAll(browser, srv));

  for (const { code, dir } of LANGS) {
    it(`has accessible pages in ${code}`, async () => {
      const id = await escalation();
      const d = await demand();
      const agent = await loggedInPage(browser, srv, code, 'agent');
      await visit(agent, '/escalations');
      assert.deepEqual(await htmlLangDir(agent), { lang: code, dir });
      await assertAccessible(agent, `the advisers' list in ${code}`);
      await visit(agent, `/demands/${d}/escalate`);
      await assertAccessible(agent, `the escalation form in ${code}`);
      await agent.click('form[action$="/escalate"] [type="submit"]');
      await agent.waitForSelector('.field-error');
      await assertAccessible(agent, `the escalation form with its errors in ${code}`);
      await visit(agent, `/escalations/${id}`);
      await assertAccessible(agent, `an escalation, adviser's side, in ${code}`);

      const caf = await loggedInPage(browser, srv, code, 'caf');
      await visit(caf, '/escalations');
      await assertAccessible(caf, `the referent's queue in ${code}`);
      await visit(caf, `/escalations/${id}`);
      await assertAccessible(caf, `an escalation, referent's side, in ${code}`);

      const admin = await loggedInPage(browser, srv, code, 'admin');
      await visit(admin, '/escalations/referents');
      await assertAccessible(admin, `the referents' page in ${code}`);
      for (const p of [agent, caf, admin]) await p.context().close();
    });
  }

  it('lets the adviser escalate, the referent answer and the adviser close, by keyboard', async () => {
    const d = await demand();
    const agent = await loggedInPage(browser, srv, 'fr', 'agent');
    await visit(agent, `/demands/${d}/escalate`);
    await tabTo(agent, (f) => f.name === 'question', 'the question');
    await agent.keyboard.type('Le dossier est bloqué, merci de regarder.');
    await tabTo(agent, (f) => f.name === 'consent', 'the consent');
    await agent.keyboard.press('Space');
    assert.equal((await focusedElement(agent)).checked, true);
    await tabTo(agent, (f) => f.tag === 'button' && f.formAction?.endsWith('/escalate'), 'the submit button');
    await Promise.all([agent.waitForURL(/\/escalations\/\d+/), agent.keyboard.press('Enter')]);
    const escPath = new URL(agent.url()).pathname;

    const caf = await loggedInPage(browser, srv, 'fr', 'caf');
    await visit(caf, escPath);
    await tabTo(caf, (f) => f.name === 'answer_text', 'the answer');
    await caf.keyboard.type('Le versement reprend le 5 du mois.');
    await tabTo(caf, (f) => f.tag === 'button', 'the answer\'s button');
    await Promise.all([caf.waitForURL(/done=repondre/), caf.keyboard.press('Enter')]);

    await visit(agent, escPath);
    assert.match(await agent.textContent('main'), /Le versement reprend le 5 du mois/);
    await tabTo(agent, (f) => f.name === 'told_by', 'how the person was told');
    await agent.keyboard.press('Space');
    await tabTo(agent, (f) => f.name === 'useful', 'was it useful');
    await agent.keyboard.press('Space');
    await tabTo(agent, (f) => f.tag === 'button' && /Clôturer/.test(f.text), 'the closing button');
    await Promise.all([agent.waitForURL(/done=cloturer/), agent.keyboard.press('Enter')]);
    assert.match(await agent.textContent('main'), /Clôturée/);
    await assertAccessible(agent, 'the closed escalation');
  });
});
