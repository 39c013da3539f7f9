// totp.test.mjs (browser): the second factor's pages in French, English and
// Arabic: the enrolment (QR code, key, a wrong then a right code), the
// recovery codes, the enabled state, the code's step of a login (a wrong then
// a right code) and the administrators' page. Each passes axe's WCAG 2.1 A
// and AA rules with the right language and direction, and the forms are
// filled and sent with the keyboard alone, the focus visible at every stop.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  LANGS,
  assertAccessible,
  closeAll,
  focusedElement,
  htmlLangDir,
  launchBrowser,
  loggedInPage,
  newPage,
  setLanguage,
  setupServer,
  tabTo,
  visit,
  withScreenshot,
} from './lib.mjs';

function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of s.replace(/\s/g, '')) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

function totpAt(key, step) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const h = createHmac('sha1', key).update(msg).digest();
  const o = h[h.length - 1] & 0xf;
  return String((((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]) % 1e6).padStart(6, '0');
}

/* The codes of one account: each step once, the current one when possible
 * (the server accepts the step after its own too). */
class Phone {
  constructor(b32) {
    this.key = base32Decode(b32);
    this.last = -1;
  }

  next() {
    const now = Math.floor(Date.now() / 30000);
    this.last = Math.max(now, this.last + 1);
    assert.ok(this.last <= now + 1, 'more than two codes in one step');
    return totpAt(this.key, this.last);
  }

  wrong() {
    const now = Math.floor(Date.now() / 30000);
    const taken = new Set([-1, 0, 1, 2].map((d) => totpAt(this.key, now + d)));
    for (let n = 0; ; n++) if (!taken.has(String(n).padStart(6, '0'))) return String(n).padStart(6, '0');
  }
}

const USERS = {
  admin: { email: 'admin@example.org', name: 'Alice Administratrice', role: 'admin' },
  fr: { email: 'resp.fr@example.org', name: 'Fanny Responsable', role: 'manager', sites: ['rennes'] },
  en: { email: 'resp.en@example.org', name: 'Edward Responsable', role: 'manager', sites: ['rennes'] },
  ar: { email: 'resp.ar@example.org', name: 'Amina Responsable', role: 'manager', sites: ['rennes'] },
};

const field = (name) => (f) => f.name === name && ['input', 'select', 'textarea'].includes(f.tag);
const submitOf = (action) => (f) => f.formAction === action && f.tag === 'button' && (f.type === '' || f.type === 'submit');

/* Tabs to the field (unless it has the focus) and types text into it. */
async function typeInto(page, name, text) {
  const f = await focusedElement(page);
  if (!f || !field(name)(f)) await tabTo(page, field(name), `field ${name}`);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
}

/* Presses Enter in the focused form and returns the status of the page it leads to. */
async function enter(page) {
  const [res] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  await page.waitForLoadState('load');
  return res.status();
}

describe('the second factor in a browser', () => {
  let srv;
  let browser;

  before(async () => {
    srv = await setupServer({ users: USERS });
    browser = await launchBrowser();
  });
  after(() => closeAll(browser, srv));

  for (const { code, dir } of LANGS) {
    it(`enrols and logs in with a code, by keyboard, accessibly [${code}]`, async () => {
      const page = await loggedInPage(browser, srv, code, code);
      /* Language, direction, one <main> and one <h1>, then axe. */
      async function check(what) {
        const ld = await htmlLangDir(page);
        assert.equal(ld.lang, code, `${what}: <html lang>`);
        assert.equal(ld.dir, dir, `${what}: <html dir>`);
        const counts = await page.evaluate(() => ({
          main: document.querySelectorAll('main').length,
          h1: document.querySelectorAll('h1').length,
        }));
        assert.deepEqual(counts, { main: 1, h1: 1 }, what);
        await assertAccessible(page, `${what} [${code}]`);
      }
      try {
        await visit(page, '/account/totp');
        await check('enrolment');
        const qr = await page.evaluate(() => {
          const svg = document.querySelector('.totp-qr svg');
          const r = svg.getBoundingClientRect();
          return { role: svg.getAttribute('role'), title: svg.querySelector('title').textContent.trim(), width: r.width };
        });
        assert.equal(qr.role, 'img');
        assert.ok(qr.title, 'the QR code has an accessible name');
        assert.ok(qr.width >= 150, `the QR code is ${qr.width} px wide`);
        const phone = new Phone(await page.locator('#cle').textContent());

        await typeInto(page, 'code', phone.wrong());
        assert.equal(await enter(page), 400);
        await check('enrolment with a wrong code');
        assert.equal(await page.locator('.error-summary a[href="#code"]').count(), 1, 'the error summary links to the field');

        await typeInto(page, 'code', phone.next());
        await tabTo(page, submitOf('/account/totp'), 'the activation button');
        assert.equal(await enter(page), 200);
        await check('recovery codes');
        assert.equal(await page.locator('.recovery-codes code').count(), 10);

        await tabTo(page, (f) => f.tag === 'a' && f.href === '/' && f.inMain, 'the link to continue');
        assert.equal(await enter(page), 200);
        assert.equal(new URL(page.url()).pathname, '/');

        await visit(page, '/account/totp');
        await check('second factor enabled');
        assert.equal(await page.locator('#cle').count(), 0, 'the key is never shown again');

        // A new login: the password, then the code's step.
        await page.context().clearCookies();
        await setLanguage(page, code, '/login');
        await visit(page, '/login');
        await typeInto(page, 'email', srv.users[code].email);
        await typeInto(page, 'password', srv.users[code].password);
        assert.equal(await enter(page), 200);
        assert.equal(new URL(page.url()).pathname, '/login/code');
        await check('code step');

        await typeInto(page, 'code', phone.wrong());
        assert.equal(await enter(page), 401);
        await check('code step with a wrong code');
        assert.equal(await page.locator('.error-summary a[href="#code"]').count(), 1);

        await typeInto(page, 'code', phone.next());
        await tabTo(page, submitOf('/login/code'), 'the confirmation button');
        assert.equal(await enter(page), 200);
        assert.equal(new URL(page.url()).pathname, '/');
      } catch (e) {
        throw await withScreenshot(page, `totp-${code}`, e);
      } finally {
        await page.context().close();
      }
    });

    it(`the administrators' page, by keyboard, accessibly [${code}]`, async () => {
      const page = await loggedInPage(browser, srv, code, 'admin');
      try {
        await visit(page, '/admin/security');
        await assertAccessible(page, `security [${code}]`);
        assert.equal((await htmlLangDir(page)).dir, dir);
        const box = await tabTo(page, (f) => f.name === 'totp_role' && f.value === 'operator', 'the operator checkbox');
        if (!box.checked) await page.keyboard.press('Space');
        assert.equal((await focusedElement(page)).checked, true);
        await tabTo(page, submitOf('/admin/security'), 'the save button');
        assert.equal(await enter(page), 200);
        assert.equal(await page.locator('input[name="totp_role"][value="operator"]:checked').count(), 1);
        await assertAccessible(page, `security saved [${code}]`);
      } catch (e) {
        throw await withScreenshot(page, `security-${code}`, e);
      } finally {
        await page.context().close();
      }
    });
  }
});
