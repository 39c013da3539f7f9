// avis.test.mjs: the public satisfaction page in a real browser: axe-clean
// in French, English, Arabic, Ukrainian, Persian, Pashto, Tigrinya, Russian
// and Chinese (with the error summary and the thanks too, and the language
// choice open); answered with the keyboard alone in at most TAB_BUDGET
// presses of Tab; answered without JavaScript, where each "listen" is a
// link to its recording; at 320 px wide without horizontal scrolling and
// with large touch targets; the "listen" button plays its recordings in one
// hidden player and toggles to "Arrêter"; on the kiosk the thanks page goes
// back to the start in French after a warning that can be extended; the
// poster's short code typed on /a opens the page.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  Client,
  assertAccessible,
  assertNoProblems,
  closeAll,
  DEFAULT_SITES,
  findTags,
  focusedElement,
  htmlLangDir,
  launchBrowser,
  loggedInPage,
  newPage,
  setupServer,
  visit,
  tabTo,
} from './lib.mjs';

/* The most presses of Tab from the top of the page to "Envoyer mon avis":
 * the language choice, "listen to the whole page", then for each of the
 * three questions its "listen" and its field, then the button (9 today).
 * Each group of radio buttons is one stop; the arrows choose inside it. */
const TAB_BUDGET = 10;

const LANGS = [
  { code: 'fr', dir: 'ltr' },
  { code: 'en', dir: 'ltr' },
  { code: 'ar', dir: 'rtl' },
  { code: 'uk', dir: 'ltr' },
  { code: 'fa', dir: 'rtl' },
  { code: 'ps', dir: 'rtl' },
  { code: 'ti', dir: 'ltr' },
  { code: 'ru', dir: 'ltr' },
  { code: 'zh', dir: 'ltr' },
];

/** The kiosk and QR addresses of the Rennes site, and its poster's short code, read as its manager. */
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
  const poster = await c.get(`/satisfaction/poster?site=${id}`);
  out.code = /<p class="poster-code"><bdi>([^<]+)<\/bdi>/.exec(poster.text)?.[1];
  assert.ok(out.code, 'the poster shows no short code');
  return out;
}

/* Each choice: its visible text, its pictogram and its size. */
async function choices(page) {
  return await page.evaluate(() =>
    [...document.querySelectorAll('.avis-choice')].map((c) => {
      const input = c.querySelector('input[type=radio]');
      const label = c.querySelector(`label[for="${input.id}"]`);
      const r = label.getBoundingClientRect();
      return {
        name: input.name,
        text: label.innerText.trim(),
        svg: Boolean(label.querySelector('svg')),
        listen: Boolean(c.querySelector('.avis-listen')),
        width: r.width,
        height: r.height,
      };
    }),
  );
}

/* A radio's focus is shown on its card (the label beside it). */
async function cardFocusShown(page) {
  return await page.evaluate(() => {
    const e = document.activeElement;
    const label = e && e.id ? document.querySelector(`label[for="${e.id}"]`) : null;
    if (!label) return false;
    const cs = getComputedStyle(label);
    return cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
  });
}

/* The recordings never answer, so that a "listen" stays playing until it is
 * pressed again, whatever the machine's speech. */
async function holdRecordings(page) {
  await page.route('**/audio/**', () => {});
}

describe('public satisfaction page in a browser', () => {
  let srv;
  let browser;
  let links;

  before(async () => {
    // The advisers of Rennes speak Arabic, Ukrainian, Persian and Chinese:
    // the poster takes French and the first three.
    srv = await setupServer({ sites: { ...DEFAULT_SITES, rennes: { ...DEFAULT_SITES.rennes, languages: 'fr,ar,uk,fa,zh' } } });
    links = await avisLinks(srv);
    browser = await launchBrowser();
  });
  after(() => closeAll(browser, srv));

  for (const { code, dir } of LANGS) {
    it(`is accessible in ${code} (form, language choice, errors, thanks)`, async () => {
      const page = await newPage(browser, srv.base);
      try {
        await visit(page, `${links.borne}&lang=${code}`);
        assert.deepEqual(await htmlLangDir(page), { lang: code, dir });
        await assertAccessible(page, `avis form [${code}]`);
        assert.equal(await page.locator('audio').count(), 0, 'a native audio player in the page');
        const cs = await choices(page);
        assert.equal(cs.length, 8, 'three overall choices and five clarity choices');
        for (const c of cs) {
          assert.ok(c.text, `a ${c.name} choice without text`);
          assert.ok(c.svg, `${c.name} "${c.text}" has no pictogram`);
          assert.ok(!c.listen, `${c.name} "${c.text}" has its own listen control`);
        }
        await page.click('.avis-langs summary');
        await assertAccessible(page, `avis language choice [${code}]`);

        // Sent without the first answer: the error summary.
        const [res] = await Promise.all([page.waitForNavigation(), page.click('.avis-submit')]);
        assert.equal(res.status(), 400);
        assert.equal((await htmlLangDir(page)).lang, code, 'the error page keeps the language');
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

  it(`can be answered with the keyboard alone, reaching "Envoyer" in at most ${TAB_BUDGET} presses of Tab`, async () => {
    const page = await newPage(browser, srv.base);
    try {
      await visit(page, links.borne);
      let tabs = 0;
      const tab = async (match, what) => {
        const seen = [];
        for (;;) {
          await page.keyboard.press('Tab');
          tabs += 1;
          const f = await focusedElement(page);
          seen.push(f ? f.describe : '(body)');
          if (f && match(f)) return f;
          assert.ok(tabs <= TAB_BUDGET, `${what} not reached in ${TAB_BUDGET} presses of Tab:\n${seen.join('\n')}`);
        }
      };
      let f = await tab((x) => x.name === 'overall', 'the first question');
      assert.ok(await cardFocusShown(page), 'the focused choice shows its focus');
      await page.keyboard.press('Space');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      f = await focusedElement(page);
      assert.deepEqual([f.name, f.value, f.checked], ['overall', '3', true]);
      assert.ok(await cardFocusShown(page));
      await tab((x) => x.name === 'clarity', 'the second question');
      await page.keyboard.press('Space');
      await page.keyboard.press('ArrowDown');
      f = await focusedElement(page);
      assert.deepEqual([f.name, f.value, f.checked], ['clarity', '2', true]);
      await tab((x) => x.tag === 'textarea', 'the comment');
      await page.keyboard.type('Merci');
      f = await tab((x) => x.tag === 'button' && x.type === 'submit', 'the submit button');
      assert.ok(f.outline, 'the button shows its focus');
      assert.ok(tabs <= TAB_BUDGET, `${tabs} presses of Tab to reach the button`);
      const [res] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      assert.equal(res.status(), 200);
      assert.ok(page.url().includes('merci=1'));
      // The kiosk's way back to an empty form, by keyboard too.
      f = await tabTo(page, (x) => x.tag === 'a' && /via=borne$/.test(x.href ?? ''), 'next person', { checkFocus: false });
      const [again] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      assert.equal(again.status(), 200);
      const checked = await page.$$eval('input[type=radio]:checked', (els) => els.length);
      assert.equal(checked, 0, 'the next person starts from an empty form');
      assertNoProblems(page, 'keyboard');
    } finally {
      await page.context().close();
    }
  });

  it('chooses a language by keyboard, and the next person starts in French', async () => {
    const page = await newPage(browser, srv.base);
    try {
      await visit(page, links.borne);
      await tabTo(page, (x) => x.tag === 'summary', 'the language choice', { checkFocus: true });
      await page.keyboard.press('Enter');
      await tabTo(page, (x) => x.tag === 'a' && (x.href ?? '').endsWith('&lang=uk'), 'Українська');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      assert.equal((await htmlLangDir(page)).lang, 'uk');
      await page.click('label[for="overall-3"]');
      await Promise.all([page.waitForNavigation(), page.click('.avis-submit')]);
      assert.equal((await htmlLangDir(page)).lang, 'uk', 'the thanks in the person\'s language');
      await Promise.all([page.waitForNavigation(), page.click('.avis-again')]);
      assert.equal((await htmlLangDir(page)).lang, 'fr', 'the next person starts in French');
      const cookies = await page.context().cookies();
      assert.ok(!cookies.some((c) => c.name === 'guichet_lang'), 'the language is kept in a cookie');
    } finally {
      await page.context().close();
    }
  });

  it('plays each question with one "listen" button that toggles to "Arrêter"', async () => {
    const page = await newPage(browser, srv.base);
    try {
      await holdRecordings(page);
      await visit(page, links.qr);
      const q1 = page.locator('.avis-q1 .avis-listen');
      assert.equal(await q1.evaluate((e) => e.tagName), 'BUTTON', 'avis.js makes the link a button');
      assert.equal(await q1.getAttribute('type'), 'button');
      assert.equal((await q1.innerText()).trim(), 'Écouter');
      const first = await q1.getAttribute('data-audio');
      const [req] = await Promise.all([page.waitForRequest((r) => r.url().includes('/audio/')), q1.click()]);
      assert.equal(new URL(req.url()).pathname + new URL(req.url()).search, first.split(' ')[0], 'the question is read first');
      assert.equal((await q1.innerText()).trim(), 'Arrêter');
      // Another "listen" stops the first one: one recording at a time.
      const whole = page.locator('.avis-top > .avis-listen');
      await whole.click();
      assert.equal((await q1.innerText()).trim(), 'Écouter');
      assert.equal((await whole.innerText()).trim(), 'Arrêter');
      await whole.click();
      assert.equal((await whole.innerText()).trim(), 'Écouter toute la page');
      assert.equal(await page.locator('audio').count(), 0, 'the player is not in the page');
      assertNoProblems(page, 'listen');
    } finally {
      await page.context().close();
    }
  });

  it('goes back to the start on the kiosk after a warning that can be extended', async () => {
    const page = await newPage(browser, srv.base);
    try {
      await holdRecordings(page);
      await page.clock.install();
      await visit(page, `${links.borne}&lang=ar`);
      await page.click('label[for="overall"]');
      await Promise.all([page.waitForNavigation(), page.click('.avis-submit')]);
      assert.ok(page.url().includes('lang=ar'));
      const idle = page.locator('.avis-idle');
      assert.ok(await idle.isHidden(), 'the warning shows at once');
      await page.clock.fastForward(31_000);
      assert.ok(await idle.isVisible(), 'no warning after the thanks page was left alone');
      assert.match(await idle.locator('[role=alert]').innerText(), /\S/, 'the warning says nothing');
      const f = await focusedElement(page);
      assert.equal(f.tag, 'button', 'the button that gives more time has the focus');
      await assertAccessible(page, 'kiosk warning [ar]');
      await page.keyboard.press('Enter');
      assert.ok(await idle.isHidden(), 'the warning stays after "stay"');
      assert.ok(page.url().includes('lang=ar'), 'the page left after "stay"');
      await page.clock.fastForward(31_000);
      assert.ok(await idle.isVisible());
      await Promise.all([page.waitForURL((u) => !u.searchParams.has('merci')), page.clock.fastForward(31_000)]);
      assert.equal(new URL(page.url()).searchParams.get('lang'), null);
      assert.equal((await htmlLangDir(page)).lang, 'fr', 'the start is in French');
    } finally {
      await page.context().close();
    }
  });

  it('works without JavaScript: answers, and "listen" links to the recording', async () => {
    const page = await newPage(browser, srv.base, { javaScriptEnabled: false });
    try {
      await visit(page, links.qr);
      const href = await page.getAttribute('.avis-q1 a.avis-listen', 'href');
      assert.match(href, /^\/audio\/fr\/[0-9a-f]{12}\.wav\?site=\d+$/);
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

  it('opens the page from the short code typed on /a', async () => {
    const page = await newPage(browser, srv.base);
    try {
      await visit(page, '/a?lang=fa');
      await assertAccessible(page, '/a [fa]');
      await page.fill('#code', links.code.toLowerCase());
      await Promise.all([page.waitForNavigation(), page.click('.avis-code button[type=submit]')]);
      assert.ok(page.url().endsWith(`${links.qr}&lang=fa`), page.url());
      assert.equal((await htmlLangDir(page)).lang, 'fa');
      await visit(page, '/a?code=ZZZZ-ZZZZ', 404);
      await assertAccessible(page, '/a wrong code');
    } finally {
      await page.context().close();
    }
  });

  it('prints the poster in French and three languages on one A4 page, with the short code', async () => {
    const page = await loggedInPage(browser, srv, 'fr', 'manager');
    try {
      await visit(page, `/satisfaction/poster?site=${srv.sites.rennes}`);
      await assertAccessible(page, 'poster');
      const langs = await page.$$eval('.poster-text li', (ls) => ls.map((l) => [l.lang, l.dir]));
      assert.deepEqual(langs, [['fr', 'ltr'], ['ar', 'rtl'], ['uk', 'ltr'], ['fa', 'rtl']]);
      const code = (await page.textContent('.poster-code')).trim();
      assert.equal(code, links.code);
      assert.match((await page.textContent('.poster-short')).trim(), /^127\.0\.0\.1:\d+\/a$/);
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
      assert.equal(pages, 1, `the poster prints on ${pages} pages`);
    } finally {
      await page.context().close();
    }
  });

  for (const { code } of LANGS) {
    it(`fits 320 px without horizontal scrolling, with large targets [${code}]`, async () => {
      const page = await newPage(browser, srv.base, { viewport: { width: 320, height: 640 } });
      try {
        await visit(page, `${links.qr}&lang=${code}`);
        await page.click('.avis-langs summary');
        const m = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          client: document.documentElement.clientWidth,
          submit: document.querySelector('.avis-submit').getBoundingClientRect().height,
          listens: [...document.querySelectorAll('.avis-listen, .avis-langs summary, .avis-lang-list a')]
            .map((e) => e.getBoundingClientRect()).map((r) => Math.min(r.width, r.height)),
        }));
        assert.ok(m.scroll <= m.client, `scrollWidth ${m.scroll} > clientWidth ${m.client}`);
        assert.ok(m.submit >= 44, `the submit button is ${m.submit} px high`);
        assert.ok(m.listens.every((x) => x >= 44), `a control smaller than 44 px: ${m.listens}`);
        for (const c of await choices(page)) {
          assert.ok(c.width >= 44 && c.height >= 44, `choice "${c.text}" is ${c.width}×${c.height} px`);
        }
      } finally {
        await page.context().close();
      }
    });
  }
});
