// kiosk.test.mjs: the kiosk at the entrance and the ticket's phone page in a
// real browser.
//
// - the whole journey (language → service → needs → ticket) by touch
//   (a touch screen, taps only) and by keyboard alone, in French, Arabic
//   and Ukrainian, each screen axe-clean and in its own direction;
// - the inactivity warning: shown after the delay the address asks for, as
//   an alert dialog with the focus in it, a live text that is also spoken,
//   extended by "I need more time"; left alone, the kiosk goes back to the
//   first screen (no sleep: the test waits for the dialog and the address);
// - 320 px wide without horizontal scrolling, targets of 44 px at least;
// - the ticket printed (print media) fits an 80 mm receipt;
// - the phone page: axe-clean, and a call by an adviser reaches it live
//   (its polite live region changes, the phone vibrates) without a reload.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  Client,
  assertAccessible,
  assertNoProblems,
  axeViolations,
  formatViolations,
  closeAll,
  findTags,
  focusedElement,
  htmlLangDir,
  launchBrowser,
  newPage,
  setupServer,
  tabTo,
  visit,
} from './lib.mjs';

async function kioskLinks(srv) {
  const c = await srv.login('manager');
  const id = srv.sites.rennes;
  const res = await c.get(`/sites/${id}/kiosk`);
  assert.equal(res.status, 200);
  const out = {};
  for (const a of findTags(res.text, 'a')) {
    const m = /^\/sites\/(\d+)\/(kiosk|ticket)\?key=([0-9a-f]{32})$/.exec(a.href ?? '');
    if (m && Number(m[1]) === id) out[m[2]] = a.href;
  }
  assert.ok(out.kiosk && out.ticket);
  return out;
}

/* Records what the page speaks or plays and what it vibrates, instead of
 * making sound in a test. */
const RECORDER = `
  window.__spoken = [];
  window.__vibrated = [];
  if (window.speechSynthesis) window.speechSynthesis.speak = function (u) { window.__spoken.push(u.text); };
  HTMLMediaElement.prototype.play = function () { window.__spoken.push(this.src); return Promise.resolve(); };
  navigator.vibrate = function (p) { window.__vibrated.push(p); return true; };
`;

const LANGS = [
  { code: 'fr', dir: 'ltr', name: 'Français' },
  { code: 'ar', dir: 'rtl', name: 'العربية' },
  { code: 'uk', dir: 'ltr', name: 'Українська' },
];

/** Fails when the page scrolls sideways or a target is under 44 px. */
async function assertFits(page, what) {
  const m = await page.evaluate(() => {
    const small = [...document.querySelectorAll('main a, main button, main label.kiosk-big, summary')]
      .filter((e) => e.offsetParent !== null)
      .map((e) => ({ e: e.outerHTML.slice(0, 80), r: e.getBoundingClientRect() }))
      .filter((x) => x.r.height < 44 || x.r.width < 44)
      .map((x) => `${x.e} ${Math.round(x.r.width)}×${Math.round(x.r.height)}`);
    return { scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth, small };
  });
  assert.ok(m.scroll <= m.client, `${what}: scrollWidth ${m.scroll} > clientWidth ${m.client}`);
  assert.deepEqual(m.small, [], `${what}: targets under 44 px`);
}

describe('kiosk in a browser', () => {
  let browser;
  let srv;
  let links;
  let token;

  before(async () => {
    srv = await setupServer();
    links = await kioskLinks(srv);
    token = await srv.token('agent');
    browser = await launchBrowser();
  });
  after(() => closeAll(browser, srv));

  for (const l of LANGS) {
    it(`takes a ticket by touch in ${l.code}`, async () => {
      const page = await newPage(browser, srv.base, { hasTouch: true, isMobile: false, viewport: { width: 1024, height: 768 } });
      try {
        await visit(page, links.kiosk);
        await assertAccessible(page, 'the language screen');
        await Promise.all([page.waitForURL(/step=service/), page.locator(`a.kiosk-lang[lang="${l.code}"]`).tap()]);
        assert.deepEqual(await htmlLangDir(page), { lang: l.code, dir: l.dir });
        await assertAccessible(page, `the services screen [${l.code}]`);
        await Promise.all([page.waitForURL(/step=needs/), page.locator('button.kiosk-service').first().tap()]);
        await assertAccessible(page, `the needs screen [${l.code}]`);
        await page.locator('label[for="need-interprete"]').tap();
        assert.equal(await page.locator('#need-interprete').isChecked(), true, 'a tap on the card ticks the need');
        await Promise.all([page.waitForURL(/step=ticket/), page.locator('button.kiosk-continue').tap()]);
        assert.deepEqual(await htmlLangDir(page), { lang: l.code, dir: l.dir });
        assert.match(await page.locator('.ticket-number bdi').innerText(), /[A-Z]\d{3}/);
        await assertAccessible(page, `the ticket [${l.code}]`);
        assert.equal(await page.locator('[data-print]').isVisible(), true, 'the print button is shown with a script');
        await Promise.all([page.waitForURL((u) => !u.search.includes('step=')), page.locator('a.kiosk-finished').tap()]);
        assert.deepEqual(await htmlLangDir(page), { lang: 'fr', dir: 'ltr' }, 'the next person starts in French');
      } finally {
        await page.context().close();
      }
    });

    it(`takes a ticket by keyboard alone in ${l.code}`, async () => {
      const page = await newPage(browser, srv.base);
      try {
        await visit(page, links.kiosk);
        await tabTo(page, (f) => f.tag === 'a' && (f.text ?? '') === l.name, `the ${l.code} button`);
        await Promise.all([page.waitForURL(/step=service/), page.keyboard.press('Enter')]);
        await tabTo(page, (f) => f.tag === 'button' && f.name === 'service', 'the first service');
        await Promise.all([page.waitForURL(/step=needs/), page.keyboard.press('Enter')]);
        // The checkbox is hidden behind its card: the card shows the focus.
        await tabTo(page, (f) => f.name === 'need', 'the first need', { checkFocus: false });
        const outline = await page.evaluate(() => {
          const label = document.querySelector(`label[for="${document.activeElement.id}"]`);
          const cs = getComputedStyle(label);
          return cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
        });
        assert.ok(outline, 'the focused need\'s card shows the focus');
        await page.keyboard.press('Space');
        assert.equal(await page.evaluate(() => document.activeElement.checked), true);
        await tabTo(page, (f) => f.tag === 'button' && /kiosk-continue/.test(f.describe), 'continue');
        await Promise.all([page.waitForURL(/step=ticket/), page.keyboard.press('Enter')]);
        assert.deepEqual(await htmlLangDir(page), { lang: l.code, dir: l.dir });
        assert.match(await page.locator('.ticket-number bdi').innerText(), /[A-Z]\d{3}/);
        assertNoProblems(page, 'keyboard journey');
      } finally {
        await page.context().close();
      }
    });
  }

  it('warns of inactivity visibly and aloud, lets the person extend, and goes back only when nobody answers', async () => {
    const page = await newPage(browser, srv.base);
    await page.addInitScript(RECORDER);
    // The page's clock is driven by the test: nothing depends on how fast
    // the machine is, and nothing sleeps.
    await page.clock.install();
    try {
      await visit(page, `${links.kiosk}&idle=5&lang=ar&step=service`);
      const url = page.url();
      await page.clock.pauseAt(new Date(Date.now() + 1000));
      const dialog = page.locator('#kiosk-idle');
      assert.equal(await dialog.isVisible(), false);
      await page.clock.runFor(5000);
      await dialog.waitFor({ state: 'visible' });
      assert.equal(await dialog.getAttribute('role'), 'alertdialog');
      assert.equal(await page.locator('#kiosk-idle-text').getAttribute('aria-live'), 'assertive');
      const f = await focusedElement(page);
      assert.ok(f && /data-more/.test(f.describe), `the focus is not on "more time": ${f?.describe}`);
      assert.ok((await page.evaluate(() => window.__spoken.length)) > 0, 'the warning was not spoken');
      // axe waits on timers: the test moves the page's clock until it is
      // done (a few milliseconds of the grace period).
      let violations = null;
      const axe = axeViolations(page).then((v) => {
        violations = v;
      });
      while (violations === null) await Promise.race([axe, page.clock.runFor(10)]);
      assert.equal(violations.length, 0, `the inactivity warning: ${formatViolations(violations)}`);
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'hidden' });
      await page.clock.runFor(4000);
      assert.equal(page.url(), url, 'asking for more time keeps the screen');
      // Left alone, the warning comes back and then the first screen.
      await page.clock.runFor(1000);
      await dialog.waitFor({ state: 'visible' });
      await Promise.all([page.waitForURL((u) => !u.search.includes('step=')), page.clock.runFor(5000)]);
      assert.deepEqual(await htmlLangDir(page), { lang: 'fr', dir: 'ltr' });
    } finally {
      await page.context().close();
    }
  });

  for (const l of LANGS) {
    it(`fits 320 px without horizontal scrolling [${l.code}]`, async () => {
      const page = await newPage(browser, srv.base, { viewport: { width: 320, height: 640 } });
      try {
        await visit(page, links.kiosk);
        await assertFits(page, 'languages');
        await visit(page, `${links.kiosk}&lang=${l.code}&step=service`);
        await assertFits(page, 'services');
        await Promise.all([page.waitForURL(/step=needs/), page.locator('button.kiosk-service').first().click()]);
        await assertFits(page, 'needs');
        await Promise.all([page.waitForURL(/step=ticket/), page.locator('button.kiosk-none').click()]);
        await assertFits(page, 'ticket');
        const phone = page.url().replace(/.*[?&]t=([^&]+).*/, '/t/$1');
        await visit(page, phone);
        await assertFits(page, 'phone page');
        await assertAccessible(page, `the phone page [${l.code}]`);
      } finally {
        await page.context().close();
      }
    });
  }

  it('prints the ticket on an 80 mm receipt', async () => {
    const page = await newPage(browser, srv.base);
    try {
      await visit(page, `${links.kiosk}&lang=fr&step=service`);
      await Promise.all([page.waitForURL(/step=needs/), page.locator('button.kiosk-service').first().click()]);
      await Promise.all([page.waitForURL(/step=ticket/), page.locator('button.kiosk-none').click()]);
      await page.emulateMedia({ media: 'print' });
      const m = await page.evaluate(() => {
        const mm = 96 / 25.4;
        const ticket = document.querySelector('.ticket').getBoundingClientRect();
        const widest = Math.max(...[...document.querySelectorAll('.ticket *')].map((e) => e.getBoundingClientRect().right));
        const hidden = ['.kiosk-actions', 'h1'].every((s) => getComputedStyle(document.querySelector(s)).display === 'none');
        return { width: ticket.width / mm, right: (widest - ticket.left) / mm, left: ticket.left / mm, hidden };
      });
      assert.ok(m.width <= 80, `the printed ticket is ${m.width.toFixed(1)} mm wide`);
      assert.ok(m.right <= 80, `its content reaches ${m.right.toFixed(1)} mm`);
      assert.ok(m.hidden, 'the buttons and title are printed');
      const pdf = await page.pdf({ width: '80mm', height: '200mm', printBackground: true, preferCSSPageSize: true });
      assert.ok(pdf.length > 1000);
    } finally {
      await page.context().close();
    }
  });

  it('takes a ticket on a phone from the door\'s QR code, and shows the door poster', async () => {
    const page = await newPage(browser, srv.base, { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });
    try {
      await visit(page, links.ticket);
      await assertFits(page, 'the door page');
      await Promise.all([page.waitForURL(/step=service/), page.locator('a.kiosk-lang[lang="ar"]').tap()]);
      await assertAccessible(page, 'the door page\'s services');
      await Promise.all([page.waitForURL(/step=needs/), page.locator('button.kiosk-service').first().tap()]);
      await Promise.all([page.waitForURL(/\/t\//), page.locator('button.kiosk-none').tap()]);
      assert.deepEqual(await htmlLangDir(page), { lang: 'ar', dir: 'rtl' });
      await assertAccessible(page, 'the phone page from the door');
      assert.equal(await page.locator('#kiosk-idle').count(), 0, 'no inactivity warning on a person\'s own phone');
    } finally {
      await page.context().close();
    }
    const manager = await newPage(browser, srv.base);
    try {
      await visit(manager, '/login');
      await manager.fill('form[action="/login"] [name="email"]', srv.users.manager.email);
      await manager.fill('form[action="/login"] [name="password"]', srv.users.manager.password);
      await Promise.all([manager.waitForURL((u) => !u.pathname.startsWith('/login')), manager.click('form[action="/login"] [type="submit"]')]);
      await visit(manager, `/sites/${srv.sites.rennes}/ticket/poster`);
      await assertAccessible(manager, 'the door poster');
    } finally {
      await manager.context().close();
    }
  });

  it('updates the phone page live when the ticket is called', async () => {
    const c = new Client(srv.url);
    const svc = await c.get(`${links.kiosk}&lang=uk&step=service`);
    const service = findTags(svc.text, 'button').find((b) => b.name === 'service').value;
    const needs = await c.get(`${links.kiosk.replace('?', '?step=needs&')}&lang=uk&service=${service}`);
    const fields = findTags(needs.text, 'input').filter((a) => a.type === 'hidden').map((a) => [a.name, a.value]);
    const res = await c.post(links.kiosk, [...fields, ['none', '1']]);
    assert.equal(res.status, 303);
    const key = /[?&]t=([^&]+)/.exec(res.location)[1];
    const page = await newPage(browser, srv.base, { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });
    await page.addInitScript(RECORDER);
    try {
      await visit(page, `/t/${key}`);
      assert.deepEqual(await htmlLangDir(page), { lang: 'uk', dir: 'ltr' });
      assert.equal(await page.locator('#phone-live').getAttribute('aria-live'), 'polite');
      await assertAccessible(page, 'the phone page');
      const label = (await page.locator('.ticket-number bdi').innerText()).trim();
      const api = async (method, p, body) => {
        const r = await new Client(srv.url).request(method, p, {
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body && JSON.stringify(body),
        });
        return { status: r.status, json: JSON.parse(r.text || 'null'), text: r.text };
      };
      const q = await api('GET', `/api/v1/sites/${srv.sites.rennes}/queue`);
      const list = Array.isArray(q.json) ? q.json : q.json.tickets ?? q.json.waiting ?? [];
      const t = list.find((x) => x.number === label || x.label === label);
      assert.ok(t, `${label} not in the queue: ${q.text.slice(0, 300)}`);
      const call = await api('POST', `/api/v1/tickets/${t.id}/call`, { desk: '3' });
      assert.ok([200, 201].includes(call.status), call.text);
      await page.locator('#phone-live .phone-call').waitFor({ state: 'visible' });
      assert.match(await page.locator('#phone-live').innerText(), /3/);
      await page.waitForFunction(() => window.__vibrated.length > 0);
      await assertAccessible(page, 'the phone page after the call');
    } finally {
      await page.context().close();
    }
  });
});
