// report_summary.test.mjs: the committee's summary of a site's and a
// département's report (/reports/…/summary), and the département's table
// by site with, per site, the solved-on-site rate, escalations,
// satisfaction and the day of the last visit, a site that stopped
// recording said in words, in the page, the CSV and the workbook. The
// store holds a month of demonstration data (four sites of Ille-et-Vilaine,
// long past) beside the fixture sites; Rennes gets one visit today, so that
// it alone is still recording.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { DEFAULT_USERS, decodeEntities, findTags, runOk, serverForSuite, textOf } from './lib.mjs';
import { readXlsx, sheetValues } from './xlsx.mjs';

const END = '2025-03-28';
const FROM = '2025-02-27';
const PERIOD = `from=${FROM}&to=${END}`;

const USERS = {
  ...DEFAULT_USERS,
  operator: { email: 'operateur.caf@example.org', name: 'Olivier Opérateur', role: 'operator', operator: 'cnaf' },
};

const num = (s) => Number(s.replace(/[^\d-]/g, ''));

/** The key figures of a summary or report page: code → text of the value. */
function keyFigures(html) {
  const out = {};
  const re = /<div class="key-figure" data-code="([a-z0-9_]+)"><dt>[\s\S]*?<\/dt><dd[^>]*>([\s\S]*?)<\/dd>/g;
  let m;
  while ((m = re.exec(html))) out[m[1]] = decodeEntities(m[2]);
  return out;
}

/** Every table of a page: [{ caption, head: [...], rows: [[...]] }]. */
function tables(html) {
  const out = [];
  for (const t of html.match(/<table class="report-table[^"]*">[\s\S]*?<\/table>/g) ?? []) {
    const caption = textOf((/<caption[^>]*>([\s\S]*?)<\/caption>/.exec(t) ?? [])[1] ?? '').trim();
    const head = ((/<thead>([\s\S]*?)<\/thead>/.exec(t) ?? [])[1]?.match(/<th[^>]*>[\s\S]*?<\/th>/g) ?? []).map((c) => textOf(c).trim());
    const body = (/<tbody>([\s\S]*?)<\/tbody>/.exec(t) ?? [])[1] ?? '';
    const rows = (body.match(/<tr[\s\S]*?<\/tr>/g) ?? []).map((tr) =>
      (tr.match(/<t[hd][^>]*>[\s\S]*?<\/t[hd]>/g) ?? []).map((c) => textOf(c).trim()));
    out.push({ caption, head, rows });
  }
  return out;
}

/** A CSV of the reports (RFC 4180, no quoted separators in these files). */
function csvRows(text, sep = ',') {
  return text.replace(/^\ufeff/, '').trim().split('\r\n').map((l) => {
    const cells = [];
    let cur = '';
    let q = false;
    for (let i = 0; i < l.length; i++) {
      const ch = l[i];
      if (q) {
        if (ch === '"' && l[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') q = false; else cur += ch;
      } else if (ch === '"') q = true;
      else if (ch === sep) { cells.push(cur); cur = ''; } else cur += ch;
    }
    cells.push(cur);
    return cells;
  });
}

describe('the committee summary and the table by site', () => {
  let srv;
  const clients = {};
  const tokens = {};
  serverForSuite((s) => (srv = s), { users: USERS, start: false, tokens, tokenUsers: ['agent'] });

  before(async () => {
    await runOk(['demo', '--db', srv.db, '--days', '30', '--end', END, '--seed', '3', '--force']);
    await srv.start();
    for (const k of ['admin', 'manager', 'agent', 'agentBrest', 'coordinator', 'operator']) clients[k] = await srv.login(k);
    // One visit an hour ago at Rennes: the only site still recording.
    const at = new Date(Date.now() - 3600e3);
    const res = await srv.client().request('POST', '/api/v1/visits', {
      headers: { authorization: `Bearer ${tokens.agent}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        started_at: `${at.toISOString().slice(0, 19)}+00:00`,
        channel: 'guichet_spontane',
        duration_min: 20,
        visitor: { gender: 'feminin', age_bracket: '60_69' },
        demands: [{ operator_code: 'cnaf', theme_code: 'social_sante', level: 'fait_avec', outcome: 'escalade', duration_min: 15 }],
      }),
    });
    assert.equal(res.status, 201, res.text);
  });

  const get = (key, p) => (key ? clients[key] : srv.client()).get(p);
  const stats = async (args) => JSON.parse(await srv.cliOk(['stats', '--from', FROM, '--to', END, ...args]));

  describe('who may open a summary', () => {
    it('follows the rules of the reports', async () => {
      const rennes = `/reports/site/${srv.sites.rennes}/summary`;
      const brest = `/reports/site/${srv.sites.brest}/summary`;
      for (const p of [rennes, '/reports/departement/35/summary']) {
        const res = await get(null, p);
        assert.equal(res.status, 303, p);
        assert.match(res.location, /^\/login/);
        assert.equal((await get('operator', p)).status, 403, p);
      }
      assert.equal((await get('agent', `${rennes}?${PERIOD}`)).status, 200);
      assert.equal((await get('agent', brest)).status, 404, 'another site answers like a missing one');
      assert.equal((await get('agent', '/reports/site/999999/summary')).status, 404);
      assert.equal((await get('agent', '/reports/departement/35/summary')).status, 403);
      assert.equal((await get('coordinator', `/reports/departement/35/summary?${PERIOD}`)).status, 200);
      assert.equal((await get('coordinator', '/reports/departement/29/summary')).status, 403);
      assert.equal((await get('coordinator', brest)).status, 404);
      assert.equal((await get('admin', `/reports/departement/29/summary?${PERIOD}`)).status, 200);
      assert.equal((await get('admin', '/reports/departement/2A/summary')).status, 404);
    });

    it('answers 400 with what to fix for a bad period or a file format', async () => {
      const res = await get('coordinator', '/reports/departement/35/summary?from=2025-02-30&to=2025-03-28');
      assert.equal(res.status, 400);
      assert.match(res.text, /href="#from"/);
      assert.equal((await get('coordinator', `/reports/departement/35/summary?${PERIOD}&format=xlsx`)).status, 400);
    });
  });

  describe('what a summary says', () => {
    it('gives the key figures with their growth, who came, why, operators, outcomes, satisfaction, publics', async () => {
      for (const [p, args] of [
        ['/reports/departement/35', ['--departement', '35']],
        [`/reports/site/${srv.sites.rennes}`, ['--site', String(srv.sites.rennes)]],
        ['/reports/site/4', ['--site', '4']],
      ]) {
        const res = await get('coordinator', `${p}/summary?${PERIOD}`);
        assert.equal(res.status, 200, p);
        const k = keyFigures(res.text);
        const s = await stats(args);
        assert.equal(num(k.visits), s.visits, `${p} visits`);
        assert.equal(num(k.demands), s.demands, `${p} demands`);
        for (const code of ['visits_vs_previous', 'visits_vs_year_before', 'demands_vs_previous']) {
          assert.match(res.text, new RegExp(`class="summary-growth" data-code="${code}"`), `${p} ${code}`);
        }
        const headings = findTags(res.text, 'h2').length;
        assert.ok(headings >= 7, `${p}: ${headings} parts`);
        for (const h of ['Chiffres clés', 'Qui est venu', 'Pourquoi', 'Pour quels opérateurs', 'Résolu sur place', 'Satisfaction', 'Publics particuliers']) {
          assert.match(textOf(res.text), new RegExp(h), `${p}: ${h}`);
        }
        // The full report is its annex, with the same period.
        const hrefs = findTags(res.text, 'a').map((a) => decodeEntities(a.href));
        assert.ok(hrefs.includes(`${p}?${PERIOD}`), `${p}: a link to the full report`);
        // And the full report links to its summary.
        const full = await get('coordinator', `${p}?${PERIOD}`);
        assert.ok(findTags(full.text, 'a').map((a) => decodeEntities(a.href)).includes(`${p}/summary?${PERIOD}`), `${p}: the report links to the summary`);
      }
      const dep = await get('coordinator', `/reports/departement/35/summary?${PERIOD}`);
      const outcomes = tables(dep.text).find((t) => t.caption === 'Issue des demandes');
      const s = await stats(['--departement', '35']);
      const solved = outcomes.rows.find((r) => r[0] === 'Résolu sur place');
      assert.equal(num(solved[1]), s.by_outcome.resolu);
    });

    it('masks small counts exactly as the publication report does', async () => {
      for (const p of ['/reports/departement/35', `/reports/site/${srv.sites.rennes}`, '/reports/site/4']) {
        const sum = await get('coordinator', `${p}/summary?${PERIOD}&masked=1`);
        const full = await get('coordinator', `${p}?${PERIOD}&masked=1`);
        assert.equal(sum.status, 200);
        assert.match(sum.text, /effectifs inférieurs à 5 sont masqués/);
        const byCaption = new Map(tables(full.text).map((t) => [t.caption, t]));
        for (const t of tables(sum.text)) {
          if (t.caption === 'Activité par lieu') continue;
          const ref = byCaption.get(t.caption);
          assert.ok(ref, `${p}: ${t.caption} is in the report`);
          for (const row of t.rows) {
            const same = ref.rows.find((r) => r[0] === row[0]);
            assert.ok(same, `${p}: ${t.caption} ${row[0]}`);
            assert.equal(row[1], same[1], `${p}: ${t.caption} ${row[0]} as the report writes it`);
            assert.equal(row[2], same[same.length - 1], `${p}: ${t.caption} ${row[0]} share`);
            if (row[1] !== '<5' && row[1] !== 's') assert.ok(num(row[1]) >= 5, `${p}: ${row[0]} ${row[1]}`);
          }
        }
        const k = keyFigures(sum.text);
        const kf = keyFigures(full.text);
        for (const code of Object.keys(k)) assert.equal(k[code], kf[code], `${p}: ${code}`);
      }
    });
  });

  describe('the département table by site', () => {
    const heads = ['Taux de résolution sur place', 'Escalades', 'Taux de satisfaction', 'Dernière visite enregistrée', 'Aucune visite depuis 30 jours'];

    it('gives per site the solved-on-site rate, escalations, satisfaction and the last visit', async () => {
      const res = await get('coordinator', `/reports/departement/35?${PERIOD}`);
      const t = tables(res.text).find((x) => x.caption === 'Activité par lieu');
      for (const h of heads) assert.ok(t.head.includes(h), h);
      const col = (h) => t.head.indexOf(h);
      const s4 = await stats(['--site', '4']);
      const row4 = t.rows.find((r) => num(r[1]) === s4.visits && num(r[2]) === s4.demands);
      assert.ok(row4, 'the row of site 4');
      const rate = (s4.by_outcome.resolu / s4.demands) * 100;
      assert.equal(row4[col('Taux de résolution sur place')].replace(/[\s\u202f]/g, ''), `${rate.toFixed(1).replace('.', ',')}%`);
      assert.equal(num(row4[col('Escalades')]), s4.by_outcome.escalade ?? 0);
      assert.match(row4[col('Dernière visite enregistrée')], /2025/);
      // Every demonstration site stopped recording long ago; Rennes records today.
      assert.match(row4[col('Aucune visite depuis 30 jours')], /^Oui/);
      const rennes = t.rows.find((r) => r[0] === 'France services Rennes Centre');
      assert.match(rennes[col('Aucune visite depuis 30 jours')], /^Non$/);
      const malo = t.rows.find((r) => r[0] === 'Mairie de Saint-Malo');
      assert.equal(malo[col('Dernière visite enregistrée')], 'Aucune');
      assert.match(malo[col('Aucune visite depuis 30 jours')], /^Oui/);
      assert.match(res.text, /<strong class="report-stale">/, 'said in words, in bold, not by colour');
      // The summary names the sites that stopped recording.
      const sum = await get('coordinator', `/reports/departement/35/summary?${PERIOD}`);
      assert.match(textOf(sum.text), /Lieux sans visite enregistrée depuis 30 jours : 5\./);
    });

    it('gives the same columns in the CSV and the workbook', async () => {
      const p = `/reports/departement/35?${PERIOD}`;
      const csv = csvRows((await get('coordinator', `${p}&format=csv&table=by_site`)).text);
      for (const h of heads) assert.ok(csv[0].includes(h), `CSV ${h}`);
      const malo = csv.find((r) => r[1] === 'Mairie de Saint-Malo');
      assert.equal(malo[csv[0].indexOf('Aucune visite depuis 30 jours')], 'Oui');
      const rennes = csv.find((r) => r[1] === 'France services Rennes Centre');
      assert.equal(rennes[csv[0].indexOf('Aucune visite depuis 30 jours')], 'Non');
      const semi = csvRows((await get('coordinator', `${p}&format=csv&table=by_site&semicolon=1`)).text, ';');
      assert.equal(semi[0].length, csv[0].length);
      const s4 = await stats(['--site', '4']);
      const row4 = csv.find((r) => r[0] === '4');
      assert.equal(Number(row4[csv[0].indexOf('Taux de résolution sur place')]), Number((s4.by_outcome.resolu / s4.demands).toFixed(4)));
      const wb = readXlsx((await get('coordinator', `${p}&format=xlsx`)).body);
      const sheet = wb.sheets.find((s) => s.name === 'Activité par lieu');
      assert.ok(sheet, 'a sheet by site');
      const cells = sheetValues(sheet).flat().map((v) => String(v ?? ''));
      for (const h of heads) assert.ok(cells.includes(h), `XLSX ${h}`);
    });

    it('masks the new columns in the publication version', async () => {
      const p = `/reports/departement/35?${PERIOD}&masked=1`;
      const csv = csvRows((await get('coordinator', `${p}&format=csv&table=by_site`)).text);
      const esc = csv[0].indexOf('Escalades');
      for (const r of csv.slice(1)) assert.ok(['<5', 's'].includes(r[esc]) || Number(r[esc]) >= 5, `escalations ${r[esc]}`);
      const rate = csv[0].indexOf('Taux de résolution sur place');
      for (const r of csv.slice(1)) assert.ok(r[rate] === '' || ['<5', 's'].includes(r[rate]) || /^0\.\d{4}$|^1\.0000$/.test(r[rate]), `rate ${r[rate]}`);
    });
  });

  describe('the coordinator home page', () => {
    it('links to the département report and its summary', async () => {
      const links = findTags((await get('coordinator', '/')).text, 'a').map((a) => a.href);
      assert.ok(links.includes('/reports/departement/35'));
      assert.ok(links.includes('/reports/departement/35/summary'));
      const agent = findTags((await get('agent', '/')).text, 'a').map((a) => a.href);
      assert.ok(!agent.some((h) => h.startsWith('/reports/departement/')));
    });
  });
});
