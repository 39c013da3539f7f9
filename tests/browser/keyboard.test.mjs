// keyboard.test.mjs: the everyday journey of an administrator done with the
// keyboard alone (Tab, Shift+Tab, Enter, Space, arrows and typing; never a
// click): log in, open the sites, create a site, open the users, create a
// user, log out. The skip link is the first stop and focus is always visible.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  assertNoProblems,
  closeAll,
  focusedElement as focused,
  launchBrowser,
  newPage,
  withScreenshot,
  setupServer,
  visit,
  tabTo,
  assertFocusVisible,
} from './lib.mjs';


/* Presses Tab (or Shift+Tab) until the focused element matches, checking
 * every stop on the way shows its focus. */

/* The element already focused if it matches, else the next matching one. */
async function focusOn(page, match, what) {
  const f = await focused(page);
  if (f && match(f)) return f;
  return await tabTo(page, match, what);
}

const field = (name) => (f) => f.name === name && ['input', 'select', 'textarea'].includes(f.tag);
const link = (href) => (f) => f.tag === 'a' && f.href === href;
const submitOf = (action) => (f) =>
  f.formAction === action && ((f.tag === 'button' && (f.type === '' || f.type === 'submit')) || (f.tag === 'input' && f.type === 'submit'));

async function typeInto(page, name, text) {
  await focusOn(page, field(name), `field ${name}`);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
}

/* Chooses a value in a <select> or a radio group with the arrow keys. */
async function choose(page, name, value) {
  let f = await focusOn(page, field(name), `choice ${name}`);
  for (let i = 0; i < 30 && f.value !== value; i++) {
    await page.keyboard.press('ArrowDown');
    f = await focused(page);
  }
  for (let i = 0; i < 30 && f.value !== value; i++) {
    await page.keyboard.press('ArrowUp');
    f = await focused(page);
  }
  assert.equal(f.value, value, `could not choose ${value} in ${name} with the arrow keys`);
  if (f.type === 'radio') assert.ok(f.checked);
}

/* Ticks the checkbox name=value with Space. */
async function tick(page, name, value) {
  const f = await tabTo(page, (x) => x.name === name && x.value === value && x.type === 'checkbox', `checkbox ${name}=${value}`);
  if (!f.checked) await page.keyboard.press('Space');
  const after = await focused(page);
  assert.equal(after.checked, true, `Space did not tick ${name}=${value}`);
}

/* Presses Enter and waits for the page at the path matching re. */
async function enterTo(page, re) {
  await Promise.all([page.waitForURL((u) => re.test(u.pathname)), page.keyboard.press('Enter')]);
  await page.waitForLoadState('load');
}

describe('keyboard only', () => {
  let srv;
  let browser;
  let page;

  before(async () => {
    srv = await setupServer();
    browser = await launchBrowser();
    page = await newPage(browser, srv.base);
  });
  after(() => closeAll(browser, srv));

  it('the skip link is the first stop, visible, and leads into the main content', async () => {
    await visit(page, '/login');
    await page.keyboard.press('Tab');
    const f = await focused(page);
    assert.ok(f, 'Tab focused nothing');
    assert.equal(f.tag, 'a', `the first stop is not a link: ${f.describe}`);
    assert.ok(f.href?.startsWith('#'), `the first stop is not a skip link: ${f.describe}`);
    assertFocusVisible(f);
    const target = await page.evaluate((id) => {
      const el = document.getElementById(id);
      return el ? { tag: el.tagName.toLowerCase(), hasMain: el.tagName === 'MAIN' || Boolean(el.querySelector('main')) || Boolean(el.closest('main')) } : null;
    }, f.href.slice(1));
    assert.ok(target, `the skip link points to nothing: ${f.href}`);
    assert.ok(target.hasMain, `the skip link does not lead to <main>: ${f.href}`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    const next = await focused(page);
    assert.ok(next?.inMain, `after the skip link, Tab does not land in the main content: ${next?.describe}`);
  });

  it('Shift+Tab walks back', async () => {
    await visit(page, '/login');
    const first = await tabTo(page, field('email'), 'e-mail field');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Shift+Tab');
    const back = await focused(page);
    assert.equal(back.describe, first.describe, 'Shift+Tab did not come back to the e-mail field');
  });

  it('logs in, creates a site, then a user, and logs out', async () => {
    try {
      await journey();
    } catch (e) {
      throw await withScreenshot(page, 'keyboard-journey', e);
    }
  });

  async function journey() {
    const admin = srv.users.admin;
    await visit(page, '/login');
    await typeInto(page, 'email', admin.email);
    await tabTo(page, field('password'), 'password field');
    await page.keyboard.type(admin.password);
    await tabTo(page, submitOf('/login'), 'the login button');
    await enterTo(page, /^\/$/);

    await tabTo(page, link('/sites'), 'the link to the sites');
    await enterTo(page, /^\/sites$/);
    await tabTo(page, link('/sites/new'), 'the link to a new site');
    await enterTo(page, /^\/sites\/new$/);

    await typeInto(page, 'name', 'Espace numérique de Fougères');
    await choose(page, 'type', 'france_services');
    await typeInto(page, 'commune_insee', '35115');
    await typeInto(page, 'address', '1 place Aristide Briand');
    await tick(page, 'languages', 'fr');
    await tabTo(page, submitOf('/sites'), 'the button creating the site');
    await enterTo(page, /^\/sites\/\d+$/);
    const siteId = /\/sites\/(\d+)$/.exec(new URL(page.url()).pathname)[1];
    assert.ok((await page.content()).includes('Espace numérique de Fougères'), 'the new site page does not show its name');

    await tabTo(page, link('/users'), 'the link to the users');
    await enterTo(page, /^\/users$/);
    await tabTo(page, link('/users/new'), 'the link to a new user');
    await enterTo(page, /^\/users\/new$/);

    await typeInto(page, 'email', 'clavier@example.org');
    await typeInto(page, 'name', 'Claire Clavier');
    await choose(page, 'role', 'agent');
    await tick(page, 'sites', siteId);
    await typeInto(page, 'password', 'mot de passe au clavier');
    await tabTo(page, submitOf('/users'), 'the button creating the user');
    await enterTo(page, /^\/users(\/\d+)?$/);
    assert.match(await srv.cliOk(['user', 'list']), /clavier@example\.org/);

    await tabTo(page, submitOf('/logout'), 'the logout button');
    await enterTo(page, /^\/login$/);
    assertNoProblems(page, 'keyboard journey');
  }
});
