// satisfaction.test.mjs (browser): a paper answer typed with the keyboard
// alone (Tab, arrows, typing and Enter; never a click), with and without
// JavaScript; then the advisers' satisfaction pages, in French, English and
// Arabic, pass axe's WCAG 2.1 A and AA rules under the Content-Security-Policy.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  DEFAULT_USERS,
  LANGS,
  assertAccessible,
  assertNoProblems,
  closeAll,
  focusedElement as focused,
  htmlLangDir,
  launchBrowser,
  loggedInPage,
  loginWithForm,
  newPage,
  withScreenshot,
  setupServer,
  textOf,
  visit,
  tabTo,
} from './lib.mjs';


const field = (name) => (f) => f.name === name && ['input', 'select', 'textarea'].includes(f.tag);

/* Chooses a radio of a group with the arrow keys. */
async function choose(page, name, value) {
  let f = await tabTo(page, field(name), `choice ${name}`, { max: 150 });
  for (const key of ['ArrowDown', 'ArrowUp']) {
    for (let i = 0; i < 10 && !(f.value === value && f.checked); i++) {
      await page.keyboard.press(key);
      f = await focused(page);
    }
  }
  assert.equal(f.value, value, `could not choose ${value} in ${name} with the arrow keys`);
  assert.ok(f.checked, `${name}=${value} is not checked`);
}

async function countOf(page, label) {
  const html = await (await page.request.get('/satisfaction')).text();
  const m = new RegExp(`${label}\\s+(\\d+)\\s+\\d+ %`).exec(textOf(html));
  return m ? Number(m[1]) : 0;
}

describe('a paper answer typed with the keyboard alone', () => {
  let srv;
  let browser;

  before(async () => {
    srv = await setupServer({ users: { agent: DEFAULT_USERS.agent } });
    browser = await launchBrowser();
  });
  after(() => closeAll(browser, srv));

  for (const js of [true, false]) {
    it(`JavaScript ${js ? 'on' : 'off'}`, async () => {
      const page = await newPage(browser, srv.base, { javaScriptEnabled: js });
      try {
        await loginWithForm(page, srv.users.agent.email, srv.users.agent.password);
        const before = await countOf(page, 'Moyen');
        await visit(page, '/satisfaction/new');
        // The date is today's already; the first question comes next.
        await choose(page, 'overall', '2');
        await choose(page, 'clarity', '4');
        await tabTo(page, field('comment'), 'the comment', { max: 150 });
        await page.keyboard.type('Réponse saisie au clavier');
        await tabTo(page, (f) => f.tag === 'button' && f.type === 'submit', 'the button saving the answer', { max: 150 });
        const [res] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
        assert.equal(res.status(), 200, `saving answered ${res.status()}: ${(await page.innerText('main')).slice(0, 800)}`);
        const url = new URL(page.url());
        assert.equal(url.pathname, '/satisfaction/new');
        assert.equal(url.searchParams.get('saved'), '1');
        assert.match(await page.innerText('main'), /Réponse enregistrée/);
        // Ready for the next form: nothing chosen, clarity back to "Non répondu".
        assert.equal(await page.locator('input[name="overall"]:checked').count(), 0);
        assert.equal(await page.inputValue('input[name="clarity"]:checked'), '0');
        assert.equal(await countOf(page, 'Moyen'), before + 1);
        assertNoProblems(page, 'keyboard paper answer');
      } catch (e) {
        throw await withScreenshot(page, `satisfaction-keyboard-js-${js}`, e);
      } finally {
        await page.context().close();
      }
    });
  }
});

describe('accessibility of the satisfaction pages (axe, WCAG 2.1 AA)', () => {
  let srv;
  let browser;
  let answerId;

  before(async () => {
    // An administrator who also works at a site sees every part of the pages.
    srv = await setupServer({
      users: { admin: { ...DEFAULT_USERS.admin, sites: ['rennes'] }, agent: DEFAULT_USERS.agent },
    });
    browser = await launchBrowser();
    const c = await srv.login('agent');
    const today = new Date().toISOString().slice(0, 10);
    const res = await c.submit('/satisfaction/new', '/satisfaction', {
      site_id: String(srv.sites.rennes), date: today, overall: '3', clarity: '5', comment: 'Merci pour votre aide',
    });
    assert.equal(res.status, 303);
    const page = await c.get('/satisfaction');
    answerId = /\/satisfaction\/(\d+)\/delete/.exec(page.text)[1];
  });
  after(() => closeAll(browser, srv));

  for (const { code, dir } of LANGS) {
    describe(`in ${code}`, () => {
      let page;

      before(async () => {
        page = await loggedInPage(browser, srv, code, 'admin');
      });
      after(async () => {
        await page.context().close();
      });

      async function check(what) {
        assert.deepEqual(await htmlLangDir(page), { lang: code, dir }, what);
        const counts = await page.evaluate(() => ({ main: document.querySelectorAll('main').length, h1: document.querySelectorAll('h1').length }));
        assert.deepEqual(counts, { main: 1, h1: 1 }, what);
        await assertAccessible(page, `${what} [${code}]`);
      }

      for (const [what, p] of [
        ['answers', () => '/satisfaction'],
        ['paper form', () => '/satisfaction/new'],
        ['paper form after saving', () => `/satisfaction/new?site=${srv.sites.rennes}&saved=1`],
        ['deleting an answer', () => `/satisfaction/${answerId}/delete`],
        ['changing the key', () => `/satisfaction/key?site=${srv.sites.rennes}`],
        ['answers after changing the key', () => `/satisfaction?site=${srv.sites.rennes}&key=1`],
      ]) {
        it(what, async () => {
          await visit(page, p());
          await check(what);
        });
      }

      it('paper form with errors', async () => {
        await visit(page, '/satisfaction/new');
        await page.fill('[name="date"]', '');
        const [res] = await Promise.all([page.waitForNavigation(), page.click('form[action="/satisfaction"] button[type="submit"]')]);
        assert.equal(res.status(), 400);
        await check('paper form with errors');
      });
    });
  }
});
