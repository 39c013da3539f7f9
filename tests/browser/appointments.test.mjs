// appointments.test.mjs: appointments with the operators' experts in a
// real browser. Every page of the part (the slots and their form with its
// errors, the booking form, an appointment, the list with the calendar
// address, the slip) is axe-clean in French, English and Arabic, right to
// left in Arabic, and none scrolls sideways at 320 px; the manager
// publishes a slot and the adviser books it from the demand by keyboard
// alone.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  Client,
  DEFAULT_USERS,
  LANGS,
  assertAccessible,
  closeAll,
  csrfToken,
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

const DAY = 86400000;

/* "YYYY-MM-DD" in Paris, the server's time zone, of t (ms). */
function parisDate(t) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(t));
}

async function assertNoSideScroll(page, what) {
  const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(m.scroll <= m.client, `${what} scrolls sideways at 320 px: ${m.scroll} > ${m.client}`);
}

describe('appointments in the browser', () => {
  let srv, browser, token, manager, rennes;
  let days = 5;

  async function demand() {
    const res = await srv.client().request('POST', '/api/v1/visits', {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        started_at: new Date().toISOString().slice(0, 19) + 'Z',
        channel: 'guichet_spontane',
        visitor: { gender: 'masculin', age_bracket: '70_plus' },
        demands: [{ operator_code: 'cnaf', theme_code: 'social_sante', level: 'fait_avec', outcome: 'escalade' }],
      }),
    });
    assert.equal(res.status, 201, res.text);
    return res.json();
  }

  /* A slot of two seats a few days on, published by the manager over HTTP. */
  async function slot() {
    const page = await manager.get('/appointments/slots/new');
    const res = await manager.post('/appointments/slots', {
      csrf: csrfToken(page.text), site_id: rennes, operator_code: 'cnaf', mode: 'sur_place',
      date: parisDate(Date.now() + (days++) * DAY), time: '10:00', duration_min: '30', capacity: '2',
      referent_id: String(await srv.userId('caf')), place: 'bureau 2',
    });
    assert.equal(res.status, 303, res.text);
  }

  /* An appointment booked over HTTP by the adviser; its id. */
  async function appointment() {
    await slot();
    const v = await demand();
    const agent = new Client(srv.url);
    assert.equal((await agent.login(srv.users.agent.email, srv.users.agent.password)).status, 303);
    const form = await agent.get(`/demands/${v.demands[0].id}/appointment`);
    const value = /name="occurrence"[^>]*value="([^"]*)"/.exec(form.text)[1];
    const res = await agent.post(`/demands/${v.demands[0].id}/appointment`, { csrf: csrfToken(form.text), occurrence: value, lang: 'ar', email: 'p@example.net' });
    assert.equal(res.status, 303, res.text);
    return /\/appointments\/(\d+)/.exec(res.location)[1];
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
    manager = new Client(srv.url);
    assert.equal((await manager.login(srv.users.manager.email, srv.users.manager.password)).status, 303);
    const form = await manager.get('/appointments/slots/new');
    rennes = /<option value="(\d+)"[^>]*>France services Rennes/.exec(form.text)[1];
  });
  after(() => closeAll(browser, srv));

  for (const { code, dir } of LANGS) {
    it(`has accessible pages in ${code}, none wider than 320 px`, async () => {
      const id = await appointment();
      const v = await demand();
      const m = await loggedInPage(browser, srv, code, 'manager');
      const agent = await loggedInPage(browser, srv, code, 'agent');
      const caf = await loggedInPage(browser, srv, code, 'caf');
      const pages = [
        [m, '/appointments/slots', 'the slots'],
        [m, '/appointments/slots/new', 'the slot form'],
        [agent, `/demands/${v.demands[0].id}/appointment`, 'the booking form'],
        [agent, `/appointments/${id}`, 'an appointment'],
        [agent, `/visits/${v.id}`, 'the visit with its demand'],
        [caf, '/appointments', 'the referent\'s appointments'],
        [agent, `/appointments/${id}/slip`, 'the slip'],
      ];
      for (const [p, path, what] of pages) {
        await p.setViewportSize({ width: 1280, height: 900 });
        await visit(p, path);
        if (!path.endsWith('/slip')) assert.deepEqual(await htmlLangDir(p), { lang: code, dir });
        await assertAccessible(p, `${what} in ${code}`);
        await p.setViewportSize({ width: 320, height: 640 });
        await assertNoSideScroll(p, `${what} in ${code}`);
      }
      await m.setViewportSize({ width: 1280, height: 900 });
      await visit(m, '/appointments/slots/new');
      await m.click('form[action="/appointments/slots"] [type="submit"]');
      await m.waitForSelector('.field-error');
      await assertAccessible(m, `the slot form with its errors in ${code}`);
      for (const p of [m, agent, caf]) await p.context().close();
    });
  }

  it('lets the adviser book from the demand by keyboard', async () => {
    await slot();
    const v = await demand();
    const agent = await loggedInPage(browser, srv, 'fr', 'agent');
    await visit(agent, `/visits/${v.id}`);
    await tabTo(agent, (f) => f.tag === 'a' && f.href?.endsWith(`/demands/${v.demands[0].id}/appointment`), 'the booking link');
    await Promise.all([agent.waitForURL(/\/appointment$/), agent.keyboard.press('Enter')]);
    await tabTo(agent, (f) => f.name === 'occurrence', 'the first free place');
    await agent.keyboard.press('Space');
    await tabTo(agent, (f) => f.name === 'email', 'the e-mail');
    await agent.keyboard.type('marie@example.net');
    await tabTo(agent, (f) => f.tag === 'button' && /Réserver/.test(f.text), 'the booking button');
    await Promise.all([agent.waitForURL(/\/appointments\/\d+\?done=booked/), agent.keyboard.press('Enter')]);
    assert.match(await agent.textContent('main'), /Le rendez-vous est réservé/);
    await assertAccessible(agent, 'the booked appointment');
  });
});
