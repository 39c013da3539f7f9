// notices.test.mjs: a site's notices in a real browser: the staff list and
// the form (with its error summary) axe-clean in French and Arabic; the
// public page axe-clean in French, Arabic and Ukrainian, right to left in
// Arabic, with its notices' pictograms drawn; at 320 px wide, the form and
// the public page scroll only downwards; the Atom feed parsed by the
// browser's own XML parser.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  Client,
  assertAccessible,
  assertNoProblems,
  closeAll,
  htmlLangDir,
  launchBrowser,
  loggedInPage,
  newPage,
  setupServer,
  visit,
} from './lib.mjs';

const day = (offset) => new Date(Date.now() + offset * 86400e3).toISOString().slice(0, 10);

/** Publishes a notice at the Rennes site as its manager, over HTTP. */
async function publish(srv, fields) {
  const c = new Client(srv.url);
  const u = srv.users.manager;
  assert.equal((await c.login(u.email, u.password)).status, 303);
  const id = srv.sites.rennes;
  const res = await c.submit(`/sites/${id}/notices/new`, `/sites/${id}/notices`, {
    kind: 'information',
    body: '',
    picto: '',
    starts: day(-1),
    starts_time: '08:00',
    ends: day(7),
    ends_time: '18:00',
    ...fields,
  });
  assert.equal(res.status, 303, res.text.slice(0, 1000));
}

/** Fails when the page is wider than its viewport. */
async function assertNoSidewaysScroll(page, what) {
  const m = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
    wide: [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
  }));
  assert.ok(m.scroll <= m.client, `${what}: scrollWidth ${m.scroll} > clientWidth ${m.client}; too wide: ${m.wide.join(', ')}`);
}

describe('notices in the browser', () => {
  let srv, browser, site;

  before(async () => {
    srv = await setupServer();
    browser = await launchBrowser();
    site = srv.sites.rennes;
    await publish(srv, {
      kind: 'fermeture',
      picto: '1F6AB',
      title: 'Fermeture exceptionnelle le lundi de Pentecôte',
      body: 'Le lieu est fermé toute la journée.\nMerci de votre compréhension.',
      title_ar: 'إغلاق استثنائي يوم الاثنين',
      body_ar: 'المكان مغلق طوال اليوم.',
    });
    await publish(srv, { kind: 'evenement', picto: '1F4C5', title: 'Atelier : créer son adresse e-mail', title_uk: 'Майстерня: створити електронну пошту' });
  });
  after(() => closeAll(browser, srv));

  for (const code of ['fr', 'ar']) {
    it(`has an accessible staff list and form in ${code}`, async () => {
      const page = await loggedInPage(browser, srv, code, 'manager');
      await visit(page, `/sites/${site}/notices`);
      assert.equal((await htmlLangDir(page)).lang, code);
      await assertAccessible(page, `notices list (${code})`);
      await visit(page, `/sites/${site}/notices/new`);
      await assertAccessible(page, `notice form (${code})`);
      // Sent empty: the error summary, each error linked to its field.
      await page.fill('#title', '');
      await page.fill('#ends', day(-3));
      await page.click('form[action$="/notices"] button[type="submit"]');
      await page.waitForSelector('.error-summary');
      await assertAccessible(page, `notice form with errors (${code})`);
      assertNoProblems(page, `notice form (${code})`);
      await page.context().close();
    });
  }

  for (const [code, dir] of [['fr', 'ltr'], ['ar', 'rtl'], ['uk', 'ltr']]) {
    it(`has an accessible public page in ${code}`, async () => {
      const page = await newPage(browser, srv.base);
      await visit(page, `/sites/${site}/avis-publics?lang=${code}`);
      assert.deepEqual(await htmlLangDir(page), { lang: code, dir });
      const pictos = await page.$$eval('img.notice-picto', (imgs) => imgs.map((i) => i.naturalWidth > 0 && i.alt === ''));
      assert.equal(pictos.length, 2);
      assert.ok(pictos.every(Boolean), 'a pictogram did not load');
      await assertAccessible(page, `public notices (${code})`);
      assertNoProblems(page, `public notices (${code})`);
      await page.context().close();
    });
  }

  it('fits 320 px without sideways scrolling', async () => {
    const viewport = { width: 320, height: 640 };
    for (const code of ['fr', 'ar']) {
      const page = await newPage(browser, srv.base, { viewport });
      await visit(page, `/sites/${site}/avis-publics?lang=${code}`);
      await assertNoSidewaysScroll(page, `public notices (${code})`);
      await page.context().close();
    }
    const staff = await loggedInPage(browser, srv, 'fr', 'manager');
    await staff.setViewportSize(viewport);
    await visit(staff, `/sites/${site}/notices/new`);
    await assertNoSidewaysScroll(staff, 'notice form');
    await staff.context().close();
  });

  it('serves a feed that the browser parses as Atom', async () => {
    const page = await newPage(browser, srv.base);
    const res = await visit(page, `/sites/${site}/notices.atom?lang=ar`);
    const body = await res.text();
    const parsed = await page.evaluate((xml) => {
      const doc = new DOMParser().parseFromString(xml, 'application/xml');
      if (doc.getElementsByTagName('parsererror').length) return { error: doc.documentElement.textContent };
      const ns = 'http://www.w3.org/2005/Atom';
      return {
        root: doc.documentElement.localName,
        ns: doc.documentElement.namespaceURI,
        entries: [...doc.getElementsByTagNameNS(ns, 'entry')].map((e) => ({
          lang: e.getAttribute('xml:lang'),
          title: e.getElementsByTagNameNS(ns, 'title')[0].textContent,
        })),
      };
    }, body);
    assert.equal(parsed.error, undefined, parsed.error);
    assert.equal(parsed.root, 'feed');
    assert.equal(parsed.ns, 'http://www.w3.org/2005/Atom');
    assert.deepEqual(parsed.entries.map((e) => e.lang).sort(), ['ar', 'fr']);
    assert.ok(parsed.entries.some((e) => e.title === 'إغلاق استثنائي يوم الاثنين'));
    await page.context().close();
  });
});
