// takehome.test.mjs: the take-home summary of a visit in a browser
// (docs/takehome.md). In French, Arabic, Ukrainian and Dari it has the
// right language and direction and passes axe; printed (print media,
// Chromium's own PDF) on A4 it holds on one page for a visit of three
// demands with the longest lists of documents and the weekly hours, the
// adviser's controls left out; the 80 mm receipt format prints on 80 mm
// paper and never overflows sideways, nor does the page at 320 px.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';

import { assertAccessible, closeAll, htmlLangDir, launchBrowser, loggedInPage, ON_PG, setupServer, visit } from './lib.mjs';

const LANGS = [
  ['fr', 'ltr'],
  ['ar', 'rtl'],
  ['uk', 'ltr'],
  ['prs', 'rtl'],
];

/** The pages of a PDF as Chromium writes it: one /Type /Page dictionary each. */
function pdfPages(pdf) {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}

/** The width of the first page of a PDF, in millimetres. */
function pdfWidthMm(pdf) {
  const m = pdf.toString('latin1').match(/\/MediaBox\s*\[\s*[\d.]+\s+[\d.]+\s+([\d.]+)\s+[\d.]+\s*\]/);
  assert.ok(m, 'no MediaBox in the PDF');
  return (Number(m[1]) * 25.4) / 72;
}

async function sql(srv, statement) {
  const [cmd, args] = ON_PG ? ['psql', ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-d', srv.db, '-c', statement]] : ['sqlite3', ['-cmd', '.timeout 5000', srv.db, statement]];
  const r = await new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() }));
  });
  assert.equal(r.code, 0, `${cmd} failed: ${r.err}`);
  return r.out.trim();
}

/** What overflows the page sideways (scrollWidth against clientWidth, and the first culprits). */
async function sideways(page) {
  return await page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    return {
      scroll: document.documentElement.scrollWidth,
      client: w,
      wide: [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > w + 1 || e.getBoundingClientRect().left < -1)
        .slice(0, 5)
        .map((e) => e.outerHTML.slice(0, 120)),
    };
  });
}

describe('the take-home summary in a browser', () => {
  let srv;
  let browser;
  let visitId;

  before(async () => {
    srv = await setupServer({
      sites: {
        rennes: { name: 'France services Rennes Centre', type: 'france_services', commune: '35238', address: '12 rue de la Poste, 35000 Rennes' },
        brest: { name: 'Médiathèque de Brest', type: 'mediatheque', commune: '29019' },
      },
      users: { agent: { email: 'agent.rennes@example.org', name: 'Agathe Conseillère', role: 'agent', sites: ['rennes'] } },
      /* An SMTP server that never answers: the e-mail form is shown, and
       * nothing is sent by these tests. */
      serveArgs: ['--smtp-url', 'smtp://127.0.0.1:9', '--smtp-from', 'guichet@example.org', '--smtp-starttls', 'no'],
    });
    const id = srv.sites.rennes;
    /* The site's telephone, printed under the hours. */
    await sql(srv, `UPDATE sites SET phone = '0299000000' WHERE id = ${id}`);
    await sql(srv, `INSERT INTO queue_settings (site_id, show_names, hours_set, kiosk_languages, kiosk_needs, updated_at) VALUES (${id}, 0, 1, '', 15, 0)`);
    for (let d = 1; d <= 7; d++) {
      const [o, c] = d <= 5 ? [540, 1020] : d === 6 ? [540, 720] : [0, 0];
      await sql(srv, `INSERT INTO queue_hours (site_id, weekday, opens, closes) VALUES (${id}, ${d}, ${o}, ${c})`);
    }
    const proc = async (label) => Number(await sql(srv, `SELECT id FROM procedures WHERE label = '${label.replace(/'/g, "''")}'`));
    /* Three demands that must come back, with the catalog's longest lists of documents. */
    const token = await srv.token('agent');
    const res = await srv.client().request('POST', '/api/v1/visits', {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        started_at: '2025-03-04T10:15:00+01:00',
        channel: 'guichet_spontane',
        duration_min: 45,
        visitor: { gender: 'feminin', age_bracket: '70_plus', languages: ['ar'], allophone: true },
        demands: [
          { operator_code: 'ants', theme_code: 'transports_mobilite', procedure_id: await proc("Carte grise (certificat d'immatriculation)"), level: 'information', outcome: 'doit_revenir' },
          { operator_code: 'ants', theme_code: 'papiers_citoyennete', procedure_id: await proc('Passeport'), level: 'fait_avec', outcome: 'doit_revenir' },
          { operator_code: 'cnaf', theme_code: 'social_sante', procedure_id: await proc('RSA (revenu de solidarité active)'), level: 'fait_pour', mandate_type: 'papier', outcome: 'a_finaliser_en_autonomie' },
        ],
      }),
    });
    assert.equal(res.status, 201, res.text);
    visitId = res.json().id;
    browser = await launchBrowser();
  });
  after(() => closeAll(browser, srv));

  describe('in the person\'s language', () => {
    let page;
    before(async () => {
      page = await loggedInPage(browser, srv, 'fr', 'agent');
    });
    after(async () => {
      await page?.context().close();
    });

    for (const [code, dir] of LANGS) {
      it(`in ${code}: accessible, and printed on one A4 page without the adviser's controls`, async () => {
        await visit(page, `/visits/${visitId}/summary?lang=${code}`);
        const ld = await htmlLangDir(page);
        assert.equal(ld.lang, code);
        assert.equal(ld.dir, dir);
        /* JavaScript shows the print button. */
        assert.equal(await page.locator('button[data-print]').first().isVisible(), true);
        assert.equal(await page.locator('a.th-phone').getAttribute('href'), 'tel:+33299000000');
        await assertAccessible(page, `the summary [${code}]`);
        await page.emulateMedia({ media: 'print' });
        try {
          const hidden = await page.evaluate(() => ['.th-controls', '.lang-choice'].map((s) => getComputedStyle(document.querySelector(s)).display));
          assert.deepEqual(hidden, ['none', 'none'], 'the controls and the chooser are not printed');
          const pdf = await page.pdf({ format: 'A4', printBackground: false, preferCSSPageSize: true });
          assert.equal(pdfPages(pdf), 1, `[${code}]: ${pdfPages(pdf)} A4 pages`);
        } finally {
          await page.emulateMedia({ media: null });
        }
      });
    }

    it('refuses a bad e-mail address with an accessible message, in the adviser\'s language', async () => {
      await visit(page, `/visits/${visitId}/summary?lang=ar`);
      await page.fill('#th-email', 'pas-une-adresse');
      await Promise.all([page.waitForURL(`**/visits/${visitId}/summary`), page.click('.th-mail button[type=submit]')]);
      const ld = await htmlLangDir(page);
      assert.equal(ld.lang, 'ar', 'the sheet stays in her language');
      assert.equal(await page.locator('.th-controls').getAttribute('lang'), 'fr');
      assert.match(await page.locator('#th-email-error').innerText(), /Cette adresse e-mail n'est pas valide/);
      assert.equal(await page.locator('#th-email').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.locator('#th-email').inputValue(), 'pas-une-adresse');
      await assertAccessible(page, 'the summary with a refused address');
    });

    it('does not scroll sideways at 320 px, in either direction', async () => {
      await page.setViewportSize({ width: 320, height: 640 });
      try {
        for (const [code] of LANGS) {
          await visit(page, `/visits/${visitId}/summary?lang=${code}`);
          const m = await sideways(page);
          assert.ok(m.scroll <= m.client, `[${code}] scrolls sideways at 320 px: ${m.scroll} > ${m.client}\n${m.wide.join('\n')}`);
        }
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 });
      }
    });

    it('prints the receipt format on 80 mm paper, without overflowing sideways', async () => {
      /* 80 mm at 96 px per inch. */
      await page.setViewportSize({ width: 302, height: 900 });
      try {
        for (const [code] of LANGS) {
          await visit(page, `/visits/${visitId}/summary?lang=${code}&format=receipt`);
          await assertAccessible(page, `the receipt [${code}]`);
          assert.equal(await page.evaluate(() => document.body.className), 'takehome takehome-receipt');
          let m = await sideways(page);
          assert.ok(m.scroll <= m.client, `[${code}] the receipt overflows on screen: ${m.scroll} > ${m.client}\n${m.wide.join('\n')}`);
          await page.emulateMedia({ media: 'print' });
          try {
            m = await sideways(page);
            assert.ok(m.scroll <= m.client, `[${code}] the printed receipt overflows: ${m.scroll} > ${m.client}\n${m.wide.join('\n')}`);
            const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: false });
            const w = pdfWidthMm(pdf);
            assert.ok(Math.abs(w - 80) < 1, `[${code}] the receipt is ${w.toFixed(1)} mm wide`);
          } finally {
            await page.emulateMedia({ media: null });
          }
        }
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 });
      }
    });
  });
});
