// visits.test.mjs (browser): recording a visit with two demands using the
// keyboard alone (Tab, Space, Enter, arrows and typing; never a click),
// with JavaScript (the demand block is added in place) and without it (the
// "Ajouter une demande" button brings the form back); then every page of
// the recording, in French, English and Arabic, passes axe's WCAG 2.1 A
// and AA rules under its Content-Security-Policy.

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
  visit,
  tabTo,
} from './lib.mjs';


async function focusOn(page, match, what) {
  const f = await focused(page);
  if (f && match(f)) return f;
  return await tabTo(page, match, what, { max: 250 });
}

const field = (name) => (f) => f.name === name && ['input', 'select', 'textarea'].includes(f.tag);
const button = (name, value) => (f) => f.tag === 'button' && (name === null ? !f.name : f.name === name) && (value === undefined || f.value === value);

/* Chooses a value of a <select> or a radio group with the arrow keys. */
async function choose(page, name, value) {
  let f = await focusOn(page, field(name), `choice ${name}`);
  for (const key of ['ArrowDown', 'ArrowUp']) {
    for (let i = 0; i < 60 && f.value !== value; i++) {
      await page.keyboard.press(key);
      f = await focused(page);
    }
  }
  assert.equal(f.value, value, `could not choose ${value} in ${name} with the arrow keys`);
  if (f.type === 'radio') assert.ok(f.checked);
}

async function typeInto(page, name, text) {
  await focusOn(page, field(name), `field ${name}`);
  await page.keyboard.type(text);
}

async function tick(page, name) {
  const f = await tabTo(page, (x) => x.name === name && x.type === 'checkbox', `checkbox ${name}`, { max: 250 });
  if (!f.checked) await page.keyboard.press('Space');
  assert.equal((await focused(page)).checked, true, `Space did not tick ${name}`);
}

/* Fills the first demand, adds a second one with Enter on "Ajouter une
 * demande", fills it and saves with Enter. */
async function recordWithKeyboard(page, { js }) {
  await visit(page, '/visits/new');
  await choose(page, 'channel', 'telephone');
  await choose(page, 'duration_min', '30');
  await choose(page, 'age_bracket', '60_69');
  await choose(page, 'gender', 'feminin');
  await tick(page, 'no_internet');
  await choose(page, 'd1_operator_code', 'cnaf');
  await choose(page, 'd1_theme_code', 'social_sante');
  await typeInto(page, 'd1_procedure_text', 'Prime d’activité');
  await tabTo(page, button('add_demand'), 'the button adding a demand', { max: 250 });
  if (js) {
    await page.keyboard.press('Enter');
    await page.waitForSelector('[name="d2_operator_code"]');
  } else {
    const [res] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(res.status(), 200, 'adding a demand without JavaScript should bring the form back');
    assert.equal(await page.inputValue('[name="d1_operator_code"]'), 'cnaf', 'the first demand lost its operator');
    assert.equal(await page.inputValue('[name="d1_procedure_text"]'), 'Prime d’activité');
  }
  const f = await focused(page);
  assert.equal(f?.name, 'd2_operator_code', `the focus is not in the new demand: ${f?.describe}`);
  await choose(page, 'd2_operator_code', 'dgfip');
  await choose(page, 'd2_theme_code', 'argent_impots');
  await choose(page, 'd2_level', 'information');
  await choose(page, 'd2_outcome', 'doit_revenir');
  await tabTo(page, button(null), 'the button saving the visit', { max: 250 });
  const [res] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.equal(res.status(), 200, `saving answered ${res.status()}: ${(await page.innerText('main')).slice(0, 800)}`);
  const url = new URL(page.url());
  assert.equal(url.pathname, '/visits/new');
  const id = url.searchParams.get('saved');
  assert.ok(id, `not saved: ${url}`);
  const text = await (await page.request.get(`/visits/${id}`)).text();
  for (const s of ['CAF (CNAF)', 'Impôts (DGFiP)', 'Téléphone', '30 min', '60 à 69 ans', 'Prime d’activité', 'Doit revenir']) {
    assert.ok(text.includes(s), `the saved visit does not show ${s}`);
  }
  return id;
}

describe('recording a visit with the keyboard alone', () => {
  let srv;
  let browser;

  before(async () => {
    srv = await setupServer({ users: { agent: DEFAULT_USERS.agent } });
    browser = await launchBrowser();
  });
  after(() => closeAll(browser, srv));

  for (const js of [true, false]) {
    it(`two demands, JavaScript ${js ? 'on' : 'off'}`, async () => {
      const page = await newPage(browser, srv.base, { javaScriptEnabled: js });
      try {
        await loginWithForm(page, srv.users.agent.email, srv.users.agent.password);
        await recordWithKeyboard(page, { js });
        assertNoProblems(page, 'keyboard recording');
      } catch (e) {
        throw await withScreenshot(page, `visit-keyboard-js-${js}`, e);
      } finally {
        await page.context().close();
      }
    });
  }
});

describe('the form with JavaScript: picker, Enter, shortcuts, save label', () => {
  let srv;
  let browser;

  before(async () => {
    srv = await setupServer({ users: { agent: DEFAULT_USERS.agent } });
    browser = await launchBrowser();
  });
  after(() => closeAll(browser, srv));

  it('"ar" then Enter adds Arabic; Enter never sends the form; Alt+Shift+D adds a demand', async () => {
    const page = await newPage(browser, srv.base);
    try {
      await loginWithForm(page, srv.users.agent.email, srv.users.agent.password);
      await visit(page, '/visits/new');
      const save = 'form.visit-form [data-save]';
      assert.equal((await page.innerText(save)).trim(), 'Enregistrer la visite : 1 personne, 1 demande');
      assert.ok(await page.isVisible('[data-shortcuts]'), 'the shortcuts are not told');
      // The language questions wait for "does not speak French".
      assert.equal(await page.isVisible('#languages'), false);
      await tick(page, 'allophone');
      await page.keyboard.press('Tab');
      assert.equal((await focused(page))?.describe.includes('id="languages"'), true, 'Tab does not reach the language search');
      await page.keyboard.type('ar');
      const option = await page.getAttribute('#languages', 'aria-activedescendant');
      assert.equal(option, 'languages-option-ar');
      await page.keyboard.press('Enter');
      assert.equal(await page.inputValue('input[name="languages"]'), 'ar');
      assert.match(await page.innerText('.lang-chosen'), /arabe — العربية/);
      assert.equal(await page.getAttribute('.lang-chosen span[lang="ar"]', 'dir'), 'rtl');
      // By a French name, with accents or not.
      await page.keyboard.type('ukrai');
      await page.keyboard.press('Enter');
      assert.equal(await page.inputValue('input[name="languages"]'), 'ar,uk');
      // Enter in a text field and on a radio button stays in the form.
      await page.keyboard.press('Enter');
      await typeInto(page, 'birth_year', '1955');
      await page.keyboard.press('Enter');
      await choose(page, 'd1_outcome', 'doit_revenir');
      await page.keyboard.press('Enter');
      assert.equal(new URL(page.url()).searchParams.get('saved'), null, 'Enter saved the visit');
      assert.equal(await page.$('.error-summary'), null, 'Enter sent the form');
      // Alt+Shift+D adds a demand and says so on the save button.
      await page.keyboard.press('Alt+Shift+KeyD');
      await page.waitForSelector('[name="d2_operator_code"]');
      assert.equal((await focused(page))?.name, 'd2_operator_code');
      assert.equal((await page.innerText(save)).trim(), 'Enregistrer la visite : 1 personne, 2 demandes');
      // Removing a language by its button.
      await page.click('.lang-chosen button >> nth=0');
      assert.equal(await page.inputValue('input[name="languages"]'), 'uk');
      assertNoProblems(page, 'the form with JavaScript');
    } catch (e) {
      throw await withScreenshot(page, 'visit-form-js', e);
    } finally {
      await page.context().close();
    }
  });
});

describe('accessibility of the recording pages (axe, WCAG 2.1 AA)', () => {
  let srv;
  let browser;
  let visitId;
  let workshopId;

  before(async () => {
    // An administrator who also works at a site sees every page.
    srv = await setupServer({
      users: { admin: { ...DEFAULT_USERS.admin, sites: ['rennes'] }, agent: DEFAULT_USERS.agent },
    });
    browser = await launchBrowser();
    const c = await srv.login('agent');
    const today = new Date().toISOString().slice(0, 10);
    let res = await c.submit('/visits/new', '/visits', {
      site_id: String(srv.sites.rennes), date: today, time: '00:00', channel: 'guichet_spontane', duration_min: '15',
      ndemands: '1', d1_operator_code: 'cnaf', d1_theme_code: 'social_sante', d1_level: 'fait_avec', d1_outcome: 'resolu',
      identified: '1', consent_reason: 'suivi', full_name: 'Jeanne Témoin',
    });
    assert.equal(res.status, 303);
    visitId = /saved=(\d+)/.exec(res.location)[1];
    res = await c.submit('/workshops/new', '/workshops', {
      site_id: String(srv.sites.rennes), topic_code: 'diagnostic_numerique', level: 'debutant', date: today, time: '00:00',
      duration_min: '60', participants: '4', g_feminin: '2',
    });
    assert.equal(res.status, 303);
    workshopId = /\/workshops\/(\d+)/.exec(res.location)[1];
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

      /* Language, direction, one <main> and <h1>, then axe with every
       * folded part opened so that it is checked too. */
      async function check(what) {
        assert.deepEqual(await htmlLangDir(page), { lang: code, dir }, what);
        const counts = await page.evaluate(() => ({ main: document.querySelectorAll('main').length, h1: document.querySelectorAll('h1').length }));
        assert.deepEqual(counts, { main: 1, h1: 1 }, what);
        await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
        await assertAccessible(page, `${what} [${code}]`);
      }

      const pages = [
        ['visit form', () => '/visits/new'],
        ['visit form after saving', () => `/visits/new?saved=${visitId}`],
        ['a visit', () => `/visits/${visitId}`],
        ['correcting a visit', () => `/visits/${visitId}/edit`],
        ['deleting a visit', () => `/visits/${visitId}/delete`],
        ['day journal', () => '/journal'],
        ['search', () => '/visits'],
        ['workshops', () => '/workshops'],
        ['new workshop', () => '/workshops/new'],
        ['a workshop', () => `/workshops/${workshopId}`],
        ['correcting a workshop', () => `/workshops/${workshopId}/edit`],
        ['operators', () => '/admin/operators'],
        ['new operator', () => '/admin/operators/new'],
        ['editing an operator', () => '/admin/operators/cnaf/edit'],
        ['procedures', () => '/admin/procedures'],
        ['new procedure', () => '/admin/procedures/new'],
        ['editing a procedure', () => '/admin/procedures/1/edit'],
        ['themes', () => '/admin/themes'],
        ['editing a theme', () => '/admin/themes/logement/edit'],
        ['topics', () => '/admin/topics'],
        ['new topic', () => '/admin/topics/new'],
        ['editing a topic', () => '/admin/topics/navigation_internet/edit'],
        ['site settings', () => `/sites/${srv.sites.rennes}/settings`],
      ];
      for (const [what, p] of pages) {
        it(what, async () => {
          await visit(page, p());
          await check(what);
        });
      }

      it('search with a bad filter (400)', async () => {
        await visit(page, '/visits?from=demain&channel=pigeon', 400);
        await check('search with errors');
      });

      it('visit form with errors (400)', async () => {
        await visit(page, '/visits/new');
        await page.selectOption('[name="d1_operator_code"]', '');
        // The note sits in the folded "Précisions".
        await page.evaluate(() => { document.querySelector('[name="d1_note"]').value = 'x'.repeat(600); });
        const [res] = await Promise.all([page.waitForNavigation(), page.click('form.visit-form .actions button:not([name])')]);
        assert.equal(res.status(), 400);
        await check('visit form with errors');
        const targets = await page.evaluate(() =>
          [...document.querySelectorAll('.error-summary a[href^="#"]')].map((a) => a.getAttribute('href').slice(1)),
        );
        assert.ok(targets.length >= 2, `the summary lists ${targets}`);
        for (const id of targets) assert.ok(await page.$(`[id="${id}"]`), `the summary links to a missing #${id}`);
      });

      it('visit form with a demand added without JavaScript', async () => {
        await visit(page, '/visits/new');
        // The server's answer to "Ajouter une demande", as without JavaScript.
        await page.evaluate(() => {
          const b = document.querySelector('button[name="add_demand"]');
          const clone = b.cloneNode(true);
          b.replaceWith(clone);
        });
        const [res] = await Promise.all([page.waitForNavigation(), page.click('button[name="add_demand"]')]);
        assert.equal(res.status(), 200);
        assert.ok(await page.$('[name="d2_operator_code"]'));
        await check('visit form with two demands');
      });

      it('visit form with the language picker in use, and at 320 px', async () => {
        await visit(page, '/visits/new');
        await page.check('[name="allophone"]');
        await page.focus('#languages');
        await page.keyboard.type('ar');
        await page.keyboard.press('Enter');
        assert.equal(await page.inputValue('input[name="languages"]'), 'ar');
        await page.keyboard.type('u');
        assert.equal(await page.getAttribute('#languages', 'aria-expanded'), 'true');
        await check('visit form, language picker');
        for (const width of [320, 1280]) {
          await page.setViewportSize({ width, height: 900 });
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          assert.ok(overflow <= 0, `${code}: the form scrolls sideways by ${overflow} px at ${width} px`);
        }
      });

      it('topic form with errors (400)', async () => {
        await visit(page, '/admin/topics/new');
        await page.fill('[name="code"]', 'Pas Bon');
        await page.fill('[name="label"]', 'Jeux vidéo');
        const [res] = await Promise.all([page.waitForNavigation(), page.click('main form button[type="submit"]')]);
        assert.equal(res.status(), 400);
        await check('topic form with errors');
      });

      it('workshop form with errors (400)', async () => {
        await visit(page, '/workshops/new');
        await page.fill('[name="participants"]', '2');
        await page.fill('[name="g_feminin"]', '5');
        const [res] = await Promise.all([page.waitForNavigation(), page.click('main form button[type="submit"]')]);
        assert.equal(res.status(), 400);
        await check('workshop form with errors');
      });
    });
  }
});
