// avis.test.mjs: the public satisfaction page in a real browser: axe-clean
// in French, English and Arabic (with the error summary and the thanks
// too), answered with the keyboard alone, answered without JavaScript, at
// 320 px wide without horizontal scrolling and with large touch targets;
// each choice shows a text and a pictogram and has a named audio player.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  Client,
  LANGS,
  assertAccessible,
  assertNoProblems,
  closeAll,
  findTags,
  focusedElement,
  htmlLangDir,
  launchBrowser,
  newPage,
  setLanguage,
  setupServer,
  visit,
  tabTo,
} from './lib.mjs';

/** The kiosk and QR addresses of the Rennes site, read as its manager on /satisfaction. */
async function avisLinks(srv) {
  const c = new Client(srv.url);
  const u = srv.users.manager;
  const login = await c.login(u.email, u.password);
  assert.equal(login.status, 303);
  const id = srv.sites.rennes;
  const res = await c.get(`/satisfaction?site=${id}`);
  const out = {};
  for (const a of findTags(res.text, 'a')) {
    const m = /\/avis\/(\d+)\?k=([0-9a-f]{32})&via=(borne|qr)$/.exec(a.href ?? '');
    if (m && Number(m[1]) === id) out[m[3]] = `/avis/${m[1]}?k=${m[2]}&via=${m[3]}`;
  }
  assert.ok(out.borne && out.qr, 'the advisers\' page /satisfaction shows no kiosk and QR addresses');
  return out;
}

/* Each choice: its visible text, its pictogram and its audio player's name. */
async function choices(page) {
  return await page.evaluate(() =>
    [...document.querySelectorAll('.avis-choice')].map((c) => {
      const input = c.querySelector('input[type=radio]');
      const label = c.querySelector(`label[for="${input.id}"]`);
      const audio = c.querySelector('audio');
      const r = label.getBoundingClientRect();
      return {
        name: input.name,
        text: label.innerText.trim(),
        svg: Boolean(label.querySelector('svg')),
        audioName: audio ? audio.getAttribute('aria-label') : null,
        audioControls: audio ? audio.controls : false,
        width: r.width,
        height: r.height,
      };
    }),
  );
}

/* Presses Tab until the focused element matches; a radio's focus is shown
 * on its card (the label beside it). */

async function cardFocusShown(page) {
  return await page.evaluate(() => {
    const e = document.activeElement;
    const label = e && e.id ? document.querySelector(`label[for="${e.id}"]`) : null;
    if (!label) return false;
    const cs = getComputedStyle(label);
    return cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
  });
}

describe('public satisfaction page in a browser', () => {
  let srv;
  let browser;
  let links;

  before(async () => {
    srv = await setupServer();
    links = await avisLinks(srv);
    browser = await launchBrowser();
  });
  after(() => closeAll(browser, srv));

  for (const { code, dir } of LANGS) {
    it(`is accessible in ${code} (form, errors, thanks)`, async () => {
      const page = await newPage(browser, srv.base);
      try {
        await setLanguage(page, code, links.qr);
        await visit(page, links.borne);
        assert.deepEqual(await htmlLangDir(page), { lang: code, dir });
        await assertAccessible(page, `avis form [${code}]`);
        const cs = await choices(page);
        assert.equal(cs.length, 8, 'three overall choices and five clarity choices');
        for (const c of cs) {
          assert.ok(c.text, `a ${c.name} choice without text`);
          assert.ok(c.svg, `${c.name} "${c.text}" has no pictogram`);
          assert.ok(c.audioControls, `${c.name} "${c.text}" has no audio player`);
          assert.ok(c.audioName && c.audioName.includes(c.text), `audio of "${c.text}" is named "${c.audioName}"`);
        }
        const audioSrcs = await page.$$eval('audio', (as) => as.map((a) => a.getAttribute('src')));
        assert.ok(audioSrcs.every((s) => s.startsWith(`/avis/audio/${code}/`)), 'recordings in the page\'s language');

        // Sent without the first answer: the error summary.
        const [res] = await Promise.all([page.waitForNavigation(), page.click('.avis-submit')]);
        assert.equal(res.status(), 400);
        await assertAccessible(page, `avis errors [${code}]`);

        await page.click('label[for="overall-2"]');
        const [done] = await Promise.all([page.waitForNavigation(), page.click('.avis-submit')]);
        assert.equal(done.status(), 200);
        assert.ok(page.url().includes('merci=1'));
        await assertAccessible(page, `avis thanks [${code}]`);
      } finally {
        await page.context().close();
      }
    });
  }

  it('can be answered with the keyboard alone', async () => {
    const page = await newPage(browser, srv.base);
    try {
      await visit(page, links.borne);
      let f = await tabTo(page, (x) => x.name === 'overall', 'the first question', { checkFocus: false });
      assert.ok(await cardFocusShown(page), 'the focused choice shows its focus');
      await page.keyboard.press('Space');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      f = await focusedElement(page);
      assert.deepEqual([f.name, f.value, f.checked], ['overall', '3', true]);
      assert.ok(await cardFocusShown(page));
      await tabTo(page, (x) => x.name === 'clarity', 'the second question', { checkFocus: false });
      await page.keyboard.press('Space');
      await page.keyboard.press('ArrowDown');
      f = await focusedElement(page);
      assert.deepEqual([f.name, f.value, f.checked], ['clarity', '2', true]);
      await tabTo(page, (x) => x.tag === 'textarea', 'the comment', { checkFocus: false });
      await page.keyboard.type('Merci');
      f = await tabTo(page, (x) => x.tag === 'button', 'the submit button', { checkFocus: false });
      assert.ok(f.outline, 'the button shows its focus');
      const [res] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      assert.equal(res.status(), 200);
      assert.ok(page.url().includes('merci=1'));
      // The kiosk's way back to an empty form, by keyboard too.
      f = await tabTo(page, (x) => x.tag === 'a' && /via=borne$/.test(x.href ?? ''), 'another answer', { checkFocus: false });
      const [again] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      assert.equal(again.status(), 200);
      const checked = await page.$$eval('input[type=radio]:checked', (els) => els.length);
      assert.equal(checked, 0, 'the next person starts from an empty form');
      assertNoProblems(page, 'keyboard');
    } finally {
      await page.context().close();
    }
  });

  it('works without JavaScript', async () => {
    const page = await newPage(browser, srv.base, { javaScriptEnabled: false });
    try {
      await visit(page, links.qr);
      await page.click('label[for="overall"]');
      await page.click('label[for="clarity-5"]');
      await page.fill('#comment', 'Bien');
      const [res] = await Promise.all([page.waitForNavigation(), page.click('.avis-submit')]);
      assert.equal(res.status(), 200);
      const h1 = await page.textContent('h1');
      assert.match(h1, /Merci pour votre avis/);
    } finally {
      await page.context().close();
    }
  });

  for (const { code } of LANGS) {
    it(`fits 320 px without horizontal scrolling, with large targets [${code}]`, async () => {
      const page = await newPage(browser, srv.base, { viewport: { width: 320, height: 640 } });
      try {
        await setLanguage(page, code, links.qr);
        await visit(page, links.qr);
        const m = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          client: document.documentElement.clientWidth,
          submit: document.querySelector('.avis-submit').getBoundingClientRect().height,
        }));
        assert.ok(m.scroll <= m.client, `scrollWidth ${m.scroll} > clientWidth ${m.client}`);
        assert.ok(m.submit >= 44, `the submit button is ${m.submit} px high`);
        for (const c of await choices(page)) {
          assert.ok(c.width >= 44 && c.height >= 44, `choice "${c.text}" is ${c.width}×${c.height} px`);
        }
      } finally {
        await page.context().close();
      }
    });
  }
});
