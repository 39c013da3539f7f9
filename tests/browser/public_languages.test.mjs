// public_languages.test.mjs: every public page in each of the 20 public
// languages, in a real browser at 320 px wide: the kiosk (its language,
// service, needs and ticket screens), the door page (its language and
// service screens), the phone page of a ticket issued through the API, the
// public screen, the public notices (one notice published), the
// satisfaction page and the short-code page /a.
// Each is axe-clean (WCAG 2.1 A and AA), says its language on <html lang>,
// is right to left exactly for ar, fa, ps and prs, and scrolls only
// downwards. One server, one browser, one page reused for the whole file.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  Client,
  axeViolations,
  closeAll,
  findTags,
  formatViolations,
  htmlLangDir,
  launchBrowser,
  newPage,
  setupServer,
  visit,
} from './lib.mjs';

const PUBLIC = ['fr', 'en', 'ar', 'fa', 'ps', 'uk', 'ru', 'ti', 'es', 'pt', 'ro', 'tr', 'ta', 'bn', 'sq', 'ka',
  'prs', 'so', 'ku', 'zh'];
const RTL = new Set(['ar', 'fa', 'ps', 'prs']);

const day = (offset) => new Date(Date.now() + offset * 86400e3).toISOString().slice(0, 10);

/** The keyed addresses a manager of the Rennes site is shown: kiosk, door page, screen, satisfaction. */
async function publicLinks(srv) {
  const c = await srv.login('manager');
  const id = srv.sites.rennes;
  const out = {};
  const kiosk = await c.get(`/sites/${id}/kiosk`);
  for (const a of findTags(kiosk.text, 'a')) {
    const m = /^\/sites\/(\d+)\/(kiosk|ticket)\?key=([0-9a-f]{32})$/.exec(a.href ?? '');
    if (m && Number(m[1]) === id) out[m[2]] = a.href;
  }
  const screen = await c.get(`/sites/${id}/screen`);
  out.screen = findTags(screen.text, 'a').map((a) => a.href).find((h) => /^\/sites\/\d+\/screen\?key=[0-9a-f]{32}$/.test(h ?? ''));
  const avis = await c.get(`/satisfaction?site=${id}`);
  for (const a of findTags(avis.text, 'a')) {
    const m = /\/avis\/(\d+)\?k=([0-9a-f]{32})&via=qr$/.exec(a.href ?? '');
    if (m && Number(m[1]) === id) out.avis = `/avis/${m[1]}?k=${m[2]}&via=qr`;
  }
  // One notice published, in French only: every language shows it.
  const res = await c.submit(`/sites/${id}/notices/new`, `/sites/${id}/notices`, {
    kind: 'fermeture',
    picto: '1F6AB',
    title: 'Fermeture exceptionnelle le lundi de Pentecôte',
    body: 'Le lieu est fermé toute la journée.',
    starts: day(-1),
    starts_time: '08:00',
    ends: day(7),
    ends_time: '18:00',
  });
  assert.equal(res.status, 303, res.text.slice(0, 1000));
  for (const k of ['kiosk', 'ticket', 'screen', 'avis']) assert.ok(out[k], `no ${k} address shown to the manager`);
  return out;
}

describe('every public page in every public language', () => {
  let srv;
  let browser;
  let page;
  let links;
  let token;

  before(async () => {
    srv = await setupServer();
    links = await publicLinks(srv);
    token = await srv.token('agent');
    browser = await launchBrowser();
    page = await newPage(browser, srv.base, { viewport: { width: 320, height: 640 } });
  });
  after(() => closeAll(browser, srv));

  /** A ticket issued through the API in language code: the path of its phone page. */
  async function phonePath(code) {
    const res = await new Client(srv.url).request('POST', `/api/v1/sites/${srv.sites.rennes}/tickets`, {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'A', language: code }),
    });
    assert.ok(res.status === 200 || res.status === 201, `a ticket in ${code}: ${res.status} ${res.text.slice(0, 300)}`);
    const url = JSON.parse(res.text).public_url;
    assert.ok(url, `the ticket has no public_url: ${res.text.slice(0, 300)}`);
    return new URL(url).pathname;
  }

  /** The checks of one page as it is now shown; returns what failed (nothing: ''). */
  async function check(what, code) {
    const failed = [];
    const ld = await htmlLangDir(page);
    const dir = RTL.has(code) ? 'rtl' : 'ltr';
    if (ld.lang !== code || ld.dir !== dir) failed.push(`<html lang="${ld.lang}" dir="${ld.dir}">, expected lang="${code}" dir="${dir}"`);
    const m = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
      wide: [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 || e.getBoundingClientRect().left < -1)
        .slice(0, 5)
        .map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
    }));
    if (m.scroll > m.client) failed.push(`scrollWidth ${m.scroll} > clientWidth ${m.client} at 320 px; too wide: ${m.wide.join(', ')}`);
    const violations = await axeViolations(page);
    if (violations.length) failed.push(`${violations.length} accessibility violation(s)\n${formatViolations(violations)}`);
    if (page.problems.length) failed.push(`problems in the page: ${page.problems.join('; ')}`);
    page.problems.length = 0;
    return failed.length ? `${what} [${code}] (${page.url()}):\n  ${failed.join('\n  ')}` : '';
  }

  for (const code of PUBLIC) {
    it(`${code}: kiosk, door page, phone page, screen, notices, satisfaction and /a`, async () => {
      const failures = [];
      const at = async (what) => {
        const f = await check(what, code);
        if (f) failures.push(f);
      };

      // The kiosk, step by step, as a person goes through it.
      await visit(page, `${links.kiosk}&lang=${code}`);
      await at('the kiosk\'s language screen');
      await visit(page, `${links.kiosk}&lang=${code}&step=service`);
      await at('the kiosk\'s services');
      await Promise.all([page.waitForURL(/step=needs/), page.locator('button.kiosk-service').first().click()]);
      await at('the kiosk\'s needs');
      await Promise.all([page.waitForURL(/step=ticket/), page.locator('button.kiosk-none').click()]);
      await at('the kiosk\'s ticket');

      await visit(page, `${links.ticket}&lang=${code}`);
      await at('the door page');
      await visit(page, `${links.ticket}&lang=${code}&step=service`);
      await at('the door page\'s services');

      await visit(page, await phonePath(code));
      await at('the phone page');

      await visit(page, `${links.screen}&lang=${code}`);
      await at('the public screen');

      await visit(page, `/sites/${srv.sites.rennes}/avis-publics?lang=${code}`);
      assert.equal(await page.locator('img.notice-picto').count(), 1, 'the published notice is not shown');
      await at('the public notices');

      await visit(page, `${links.avis}&lang=${code}`);
      await at('the satisfaction page');

      await visit(page, `/a?lang=${code}`);
      await at('the short-code page');

      assert.deepEqual(failures, [], failures.join('\n\n'));
    });
  }
});
