// lib.mjs (browser): Debian's Chromium driven by playwright-core, and axe-core
// for the WCAG checks. No browser is ever downloaded: the one installed by
// apt (/usr/bin/chromium, or $CHROMIUM) is launched headless on a fresh
// profile. The server comes from ../http/lib.mjs.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

import { chromium } from 'playwright-core';

export * from '../http/lib.mjs';

const require = createRequire(import.meta.url);

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/* axe-core is injected through the DevTools protocol (page.evaluate), which the
 * page's Content-Security-Policy does not govern: the pages are tested with
 * their real policy, and a policy violation is itself reported. */
export const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export const LANGS = [
  { code: 'fr', dir: 'ltr' },
  { code: 'en', dir: 'ltr' },
  { code: 'ar', dir: 'rtl' },
];

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Launches Chromium; playwright gives it a fresh temporary profile. */
export async function launchBrowser() {
  assert.ok(fs.existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
  return await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

/**
 * A new page in a new context. Collects JavaScript errors, CSP violations
 * and dialogs (alert() from injected markup) in page.problems.
 */
export async function newPage(browser, base, contextOptions = {}) {
  const context = await browser.newContext({
    baseURL: base,
    locale: 'fr-FR',
    viewport: { width: 1280, height: 900 },
    ...contextOptions,
  });
  context.setDefaultTimeout(20_000);
  context.setDefaultNavigationTimeout(30_000);
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`JavaScript error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) page.problems.push(`CSP: ${m.text()}`);
  });
  page.on('dialog', (d) => {
    page.problems.push(`a dialog opened: ${d.type()} ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  return page;
}

/** Navigates and returns the main response, checking its status. */
export async function visit(page, p, expectedStatus = 200) {
  const res = await page.goto(p, { waitUntil: 'load' });
  assert.ok(res, `no response for ${p}`);
  assert.equal(res.status(), expectedStatus, `${p} answered ${res.status()} (expected ${expectedStatus}) at ${page.url()}`);
  return res;
}

/** Sets the interface language through the server's switch (the real cookie). */
export async function setLanguage(page, code, next = '/') {
  const res = await page.goto(`/lang/${code}?next=${encodeURIComponent(next)}`, { waitUntil: 'load' });
  assert.ok(res && res.status() < 400, `/lang/${code} answered ${res?.status()}`);
}

/** Logs in by filling the form (pointer and keyboard allowed here). */
export async function loginWithForm(page, email, password) {
  await visit(page, '/login');
  await page.fill('form[action="/login"] [name="email"]', email);
  await page.fill('form[action="/login"] [name="password"]', password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('form[action="/login"] [type="submit"]')]);
}

/** A new page in the language code, logged in as the fixture user key. */
export async function loggedInPage(browser, srv, code, key) {
  const page = await newPage(browser, srv.base);
  await setLanguage(page, code, '/login');
  await loginWithForm(page, srv.users[key].email, srv.users[key].password);
  return page;
}

/** The after hook of a suite with a browser and a server: each may be missing if its before failed. */
export async function closeAll(browser, srv) {
  await browser?.close();
  await srv?.stop();
  await srv?.cleanup();
}

/**
 * What has the focus, and how it looks; null on the body. Reading the page
 * is allowed; only the input of the keyboard tests is restricted.
 */
export async function focusedElement(page) {
  return await page.evaluate(() => {
    const e = document.activeElement;
    if (!e || e === document.body || e === document.documentElement) return null;
    const cs = getComputedStyle(e);
    const r = e.getBoundingClientRect();
    return {
      tag: e.tagName.toLowerCase(),
      name: e.getAttribute('name'),
      type: (e.getAttribute('type') ?? '').toLowerCase(),
      href: e.getAttribute('href'),
      value: 'value' in e ? e.value : null,
      checked: 'checked' in e ? e.checked : null,
      text: (e.innerText || e.value || '').trim().slice(0, 60),
      outlineStyle: cs.outlineStyle,
      outlineWidth: cs.outlineWidth,
      outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0,
      width: r.width,
      height: r.height,
      visible: r.width > 0 && r.height > 0,
      inViewport: r.bottom > 0 && r.right > 0 && r.top < window.innerHeight && r.left < window.innerWidth,
      inMain: Boolean(e.closest('main')),
      formAction: e.form ? e.form.getAttribute('action') : null,
      describe: e.outerHTML.slice(0, 160),
    };
  });
}

/** Fails unless the focused element f is on screen and has a visible outline. */
export function assertFocusVisible(f) {
  assert.ok(f.width > 0 && f.height > 0, `the focused element has no size: ${f.describe}`);
  assert.ok(f.inViewport, `the focused element is off screen: ${f.describe}`);
  assert.ok(
    f.outlineStyle !== 'none' && parseFloat(f.outlineWidth) > 0,
    `focus is not visible (outline ${f.outlineStyle} ${f.outlineWidth}) on ${f.describe}`,
  );
}

/**
 * Presses Tab (Shift+Tab with back) until match(focused element) holds,
 * checking at each stop that the focus is visible (unless checkFocus is
 * false: a page that draws the focus on a parent, as the smiley cards of the
 * public survey do, checks it itself); fails after max presses with the
 * last stops. Returns the matching element.
 */
export async function tabTo(page, match, what, { back = false, max = 80, checkFocus = true } = {}) {
  const seen = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focusedElement(page);
    if (!f) continue;
    if (checkFocus) assertFocusVisible(f);
    seen.push(f.describe);
    if (match(f)) return f;
  }
  assert.fail(`${what}: not reached in ${max} presses of ${back ? 'Shift+Tab' : 'Tab'}; stops:\n${seen.slice(-30).join('\n')}`);
}

/** The lang and dir of the document element. */
export async function htmlLangDir(page) {
  return await page.evaluate(() => ({
    lang: document.documentElement.getAttribute('lang'),
    dir: document.documentElement.getAttribute('dir'),
  }));
}

/** Formats axe violations for a person to read. */
export function formatViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 5)
        .map((n) => `      ${n.target.join(' ')}\n        ${n.html.slice(0, 200)}\n        ${(n.failureSummary ?? '').replace(/\n/g, '\n        ')}`)
        .join('\n');
      const more = v.nodes.length > 5 ? `\n      … and ${v.nodes.length - 5} more` : '';
      return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}${more}`;
    })
    .join('\n');
}

/** Runs axe on the page with the WCAG 2.1 A and AA rules; returns the violations. */
export async function axeViolations(page) {
  const hasAxe = await page.evaluate(() => typeof window.axe === 'object');
  if (!hasAxe) await page.evaluate(`${AXE_SOURCE}\n;void 0`);
  const result = await page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })),
    }));
  }, WCAG_TAGS);
  return result;
}

/** Asserts that axe finds nothing and that the page had no CSP or script problem. */
export async function assertAccessible(page, what) {
  const violations = await axeViolations(page);
  assert.equal(violations.length, 0, `${what} (${page.url()}): ${violations.length} accessibility violation(s)\n${formatViolations(violations)}`);
  assertNoProblems(page, what);
}

export function assertNoProblems(page, what) {
  assert.deepEqual(page.problems, [], `${what}: problems in the page`);
}

/** Saves a screenshot next to the results when a test wants to show a failure. */
export async function screenshot(page, name) {
  const dir = path.join(process.cwd(), 'build', 'results', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^a-z0-9_-]+/gi, '_')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * The error e of a failed test, with a screenshot of the page at that
 * moment named in its message: `catch (e) { throw await withScreenshot(page, 'name', e); }`.
 */
export async function withScreenshot(page, name, e) {
  const file = await screenshot(page, name).catch(() => null);
  if (file && e instanceof Error) e.message += `\n(screenshot: ${file})`;
  return e;
}
