// keyboard.mjs: how many keys does an adviser press to record a visit? Drives
// the real recording form (/visits/new) in Chromium by keyboard alone, for
// three reference visits, and prints for each the keystrokes (of which Tab),
// and the time they take at a steady adviser pace, beside the figures of the
// previous form (the one before the searchable language picker and the
// visit-level facts, measured with this same driver on that form):
//
//   1. the 70-year-old woman: speaks Arabic, not French; telephone
//      interpreting; a telephone without internet (no smartphone); two
//      demands: CAF housing benefit done with her, ANTS driving licence
//      escalated to the operator; her name with her consent (escalation);
//   2. the most common visit: one anonymous person, one demand solved on
//      site;
//   3. a workshop-like group visit: an appointment of an hour for a family
//      helped together on the site's computer, three demands.
//
// The pace: one keystroke every PACE_MS (250 ms, four keys a second: an
// adviser who knows the form, typing and looking at the screen). A chord
// (Alt+Shift+D, Ctrl+Enter) counts as one keystroke. The browser's own time
// is not measured: it depends on the machine, not on the form.
//
//   node bench/keyboard.mjs            (GUICHET_BIN chooses the server)
//
// tests/browser/record_keyboard.test.mjs runs the same scripts, checks
// that each visit is saved with exactly the facts typed and that the
// keystrokes stay under CEILINGS (never a timing).

import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';

export const PACE_MS = 250;

/* The previous form (before the language picker, the visit-level facts
 * and the jump links), measured with recordVisit() below on a server built
 * from that form (GUICHET_BIN=… node bench/keyboard.mjs): the same visits,
 * the same way through, only where the forms differ another way (the
 * languages as checkboxes in "Publics particuliers", interpreting and
 * equipment in each demand's "Précisions", "no smartphone" only as "no
 * internet", the save button reached by Tab). By hand, visit 1 took 191
 * keystrokes, 106 of them Tab (ISSUE_WOMAN): this driver goes the
 * shortest way. */
export const PREVIOUS = {
  woman: { keys: 145, tabs: 99 },
  common: { keys: 36, tabs: 32 },
  group: { keys: 109, tabs: 88 },
};
export const ISSUE_WOMAN = { keys: 191, tabs: 106 };

/* What the tests allow: the keystrokes of this form, which may not grow. */
export const CEILINGS = {
  woman: { keys: 76, tabs: 35 },
  common: { keys: 10, tabs: 5 },
  group: { keys: 53, tabs: 36 },
};

/* The three reference visits, as facts: the driver types them, the test
 * checks that the saved visit holds them. */
export const VISITS = {
  woman: {
    title: 'The 70-year-old woman (Arabic, telephone interpreting, no smartphone, 2 demands, named)',
    duration: '30',
    age: '70_plus',
    gender: 'feminin',
    status: 'retraite',
    phone: 'sans_internet',
    languages: ['ar'],
    interpreting: 'telephone',
    interpretingLang: 'ar',
    identified: { reason: 'escalade', name: 'Fatima Benali' },
    demands: [
      { procedure: 'Aide au logement (APL)', operator: 'cnaf', level: 'fait_avec', outcome: 'resolu' },
      { procedure: 'Permis de conduire', operator: 'ants', level: 'fait_avec', outcome: 'escalade' },
    ],
  },
  common: {
    title: 'The most common visit (one anonymous person, one demand solved on site)',
    demands: [{ procedure: 'Prime d\u2019activité', operator: 'cnaf', level: 'fait_avec', outcome: 'resolu' }],
  },
  group: {
    title: 'A workshop-like group visit (an hour by appointment, on the computer, 3 demands)',
    channel: 'guichet_rdv',
    duration: '60',
    equipment: ['ordinateur'],
    demands: [
      { procedure: 'Carte Vitale', operator: 'cnam', level: 'fait_avec', outcome: 'resolu' },
      { procedure: 'Avis d\u2019imposition', operator: 'dgfip', level: 'information', outcome: 'resolu' },
      { procedure: 'Actualisation mensuelle', operator: 'france_travail', level: 'fait_avec', outcome: 'a_finaliser_en_autonomie' },
    ],
  },
};

/* The procedures' labels as the catalog writes them (an apostrophe). */
const label = (s) => s.replace(/\u2019/g, "'");

/* ---- The driver: every key pressed goes through press() or type(). */

class Keys {
  constructor(page) {
    this.page = page;
    this.keys = 0;
    this.tabs = 0;
  }
  async press(key) {
    this.keys++;
    if (key === 'Tab') this.tabs++;
    await this.page.keyboard.press(key);
  }
  async type(text) {
    for (const ch of text) {
      this.keys++;
      await this.page.keyboard.type(ch);
    }
  }
  async focused() {
    return await this.page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return null;
      return {
        tag: e.tagName.toLowerCase(),
        name: e.getAttribute('name'),
        id: e.id,
        type: (e.getAttribute('type') || '').toLowerCase(),
        href: e.getAttribute('href'),
        value: 'value' in e ? e.value : null,
        checked: 'checked' in e ? e.checked : null,
        text: (e.innerText || '').trim().slice(0, 80),
      };
    });
  }
  /* Tab until match(focused); every Tab counts. */
  async tabTo(match, what) {
    for (let i = 0; i < 300; i++) {
      await this.press('Tab');
      const f = await this.focused();
      if (f && match(f)) return f;
    }
    assert.fail(`${what}: not reached by Tab`);
  }
  async field(name) {
    return await this.tabTo((f) => f.name === name && ['input', 'select', 'textarea'].includes(f.tag), `field ${name}`);
  }
  /* A radio group: Tab lands on its checked radio (or the first); the
   * arrows move and check. */
  async radio(name, value) {
    const f = await this.field(name);
    const values = await this.page.$$eval(`input[type="radio"][name="${name}"]`, (l) => l.map((x) => x.value));
    const at = values.indexOf(f.value);
    const to = values.indexOf(value);
    assert.ok(to >= 0, `no radio ${name}=${value}`);
    if (!f.checked && at === to) await this.press('Space');
    for (let i = at; i < to; i++) await this.press('ArrowDown');
    for (let i = at; i > to; i--) await this.press('ArrowUp');
    const now = await this.focused();
    assert.ok(now.value === value && now.checked, `${name}: could not check ${value}`);
  }
  /* A <select>: typed letters choose the option (the browser's type-ahead),
   * as an adviser does. */
  async select(name, text, value) {
    const f = await this.field(name);
    if (f.value === value) return;
    for (const ch of text.toLowerCase()) {
      this.keys++;
      await this.page.keyboard.type(ch);
      if ((await this.focused()).value === value) return;
    }
    assert.fail(`${name}: typing "${text}" did not choose ${value}`);
  }
  async selectOption(name, optionValue) {
    const f = await this.field(name);
    if (f.value === optionValue) return;
    const options = await this.page.$$eval(`select[name="${name}"] option`, (l) => l.map((o) => o.value));
    const at = options.indexOf(f.value);
    const to = options.indexOf(optionValue);
    for (let i = at; i < to; i++) await this.press('ArrowDown');
    for (let i = at; i > to; i--) await this.press('ArrowUp');
    assert.equal((await this.focused()).value, optionValue, `${name}: could not choose ${optionValue}`);
  }
  async tick(name, value) {
    const f = await this.tabTo((x) => x.name === name && x.type === 'checkbox' && (value === undefined || x.value === value), `checkbox ${name}`);
    if (!f.checked) await this.press('Space');
  }
  /* Opens the <details> whose summary starts with text. */
  async unfold(text) {
    await this.tabTo((f) => f.tag === 'summary' && f.text.startsWith(text), `the summary ${text}`);
    await this.press('Enter');
  }
}

/* The id of the procedure labelled text, from the form's options. */
async function procedureId(page, text) {
  const id = await page.$$eval(
    'select[name="d1_procedure_id"] option',
    (l, t) => (l.find((o) => o.textContent.trim() === t) || {}).value,
    text,
  );
  assert.ok(id, `no procedure ${text} in the form`);
  return id;
}

/**
 * Records visit v on the form at /visits/new by keyboard alone; returns
 * { keys, tabs, id }. Works on this form and on the previous one (old):
 * only where the two differ does it take another way.
 */
export async function recordVisit(page, v) {
  await page.goto('/visits/new', { waitUntil: 'load' });
  const k = new Keys(page);
  const old = (await page.$('input[name="languages"][type="checkbox"]')) !== null;
  // The skip link, then the main content.
  await k.press('Tab');
  await k.press('Enter');
  const personal = v.age || v.gender || v.status || v.phone || v.languages || v.identified || v.equipment;
  if (!old && !v.channel && !v.duration && !personal) {
    // Straight to the first demand.
    await k.tabTo((f) => f.href === '#demande-1', 'the link to demand 1');
    await k.press('Enter');
  }
  if (v.channel) await k.radio('channel', v.channel);
  if (v.duration) await k.radio('duration_min', v.duration);
  if (!old && (v.channel || v.duration) && !personal) {
    await k.tabTo((f) => f.href === '#demande-1', 'the link to demand 1');
    await k.press('Enter');
  }
  if (v.age) await k.radio('age_bracket', v.age);
  if (v.gender) await k.radio('gender', v.gender);
  if (v.status) await k.radio('social_status', v.status);
  if (v.phone) {
    if (old) await k.tick('no_internet');
    else await k.radio('phone_kind', v.phone);
  }
  if (v.languages) {
    if (old) {
      await k.unfold('Publics particuliers');
      await k.tick('allophone');
      for (const code of v.languages) await k.tick('languages', code);
    } else {
      await k.tick('allophone');
      await k.tabTo((f) => f.id === 'languages', 'the language search');
      for (const code of v.languages) {
        await k.type(code);
        await k.press('Enter');
      }
    }
  }
  if (v.interpreting && !old) await k.radio('interpreting', v.interpreting);
  if (v.equipment && !old) {
    await k.unfold('Matériel utilisé');
    for (const code of v.equipment) await k.tick('equipment', code);
  }
  if (v.identified) {
    await k.unfold('Identifier la personne');
    await k.tick('identified');
    await k.radio('consent_reason', v.identified.reason);
    await k.field('full_name');
    await k.type(v.identified.name);
  }
  for (let i = 0; i < v.demands.length; i++) {
    const d = v.demands[i];
    const p = `d${i + 1}_`;
    if (i > 0) {
      if (!old) {
        await k.press('Alt+Shift+KeyD');
        await page.waitForSelector(`[name="${p}operator_code"]`);
      } else {
        // The previous form added the block in place too (static/visit.js).
        await k.tabTo((f) => f.tag === 'button' && f.name === 'add_demand', 'the button adding a demand');
        await k.press('Enter');
        await page.waitForSelector(`[name="${p}operator_code"]`);
      }
    }
    await k.select(`${p}procedure_id`, label(d.procedure), await procedureId(page, label(d.procedure)));
    if (d.level !== 'fait_avec') await k.radio(`${p}level`, d.level);
    if (d.outcome !== 'resolu') await k.radio(`${p}outcome`, d.outcome);
    if (old && (v.interpreting || v.equipment)) {
      await k.unfold('Précisions');
      for (const code of v.equipment || []) await k.tick(`${p}equipment`, code);
      if (v.interpreting) {
        await k.selectOption(`${p}interpreting`, v.interpreting);
        await k.selectOption(`${p}interpreting_lang`, v.interpretingLang);
      }
    }
  }
  if (old) {
    await k.tabTo((f) => f.tag === 'button' && !f.name && f.type !== 'button', 'the save button');
    await Promise.all([page.waitForNavigation(), k.press('Enter')]);
  } else {
    await Promise.all([page.waitForNavigation(), k.press('Control+Enter')]);
  }
  const url = new URL(page.url());
  const id = url.searchParams.get('saved');
  assert.ok(id, `the visit was not saved: ${url}\n${(await page.innerText('main')).slice(0, 600)}`);
  return { keys: k.keys, tabs: k.tabs, id: Number(id) };
}

function seconds(keys) {
  return ((keys * PACE_MS) / 1000).toFixed(1);
}

async function main() {
  const { launchBrowser, newPage, loginWithForm, setupServer, DEFAULT_USERS } = await import('../tests/browser/lib.mjs');
  const srv = await setupServer({ users: { agent: DEFAULT_USERS.agent } });
  const browser = await launchBrowser();
  try {
    const page = await newPage(browser, srv.base);
    await loginWithForm(page, srv.users.agent.email, srv.users.agent.password);
    console.log(`Recording by keyboard alone, one key every ${PACE_MS} ms (${1000 / PACE_MS} keys a second)\n`);
    const rows = [];
    for (const [key, v] of Object.entries(VISITS)) {
      const r = await recordVisit(page, v);
      const was = PREVIOUS[key];
      rows.push({
        visit: key,
        keys: r.keys,
        tabs: r.tabs,
        seconds: seconds(r.keys),
        'previous keys': was.keys || '—',
        'previous tabs': was.tabs || '—',
        'previous seconds': was.keys ? seconds(was.keys) : '—',
      });
      console.log(`${key}: ${v.title}`);
    }
    console.log('');
    console.table(rows);
    console.log(
      `\nVisit 1 on the previous form by hand: ${ISSUE_WOMAN.keys} keystrokes (${ISSUE_WOMAN.tabs} Tab), ` +
        `${seconds(ISSUE_WOMAN.keys)} s at this pace. Targets: visit 1 under 30 s, visit 2 under 15 s.`,
    );
  } finally {
    await browser.close();
    await srv.stop();
    await srv.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
