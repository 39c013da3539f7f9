// masking_property.test.mjs: a property of every published (masked)
// output. For random scopes (a site, the département, the nation) and
// random periods (from a day to more than 36 months), with masking on, no
// cell written "<5" can be recovered from what the output publishes: its
// tables (the page), the CSV of each table, the XLSX read back, and the
// open-data activity file. "Recovered" means determined by any linear
// combination of the published cells and totals, across all the sheets
// and sections at once (a total shown in one section and its cells in
// another, a rate beside a count, a share beside a total), not group by
// group: each output is turned into linear equations over its hidden
// cells, and Gaussian elimination tells which hidden cells the equations
// pin down. The seed is printed; MASK_SEED=n replays a run, MASK_ROUNDS=n
// runs more scopes and periods than the default 6.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { DEFAULT_USERS, decodeEntities, runOk, serverForSuite, textOf } from './lib.mjs';
import { readXlsx, sheetValues } from './xlsx.mjs';

const END = '2025-03-28';
const DAYS = 250;
const SEED = Number(process.env.MASK_SEED ?? 20251215);
const ROUNDS = Number(process.env.MASK_ROUNDS ?? 6);

/* mulberry32: a small deterministic generator. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const day = (d) => d.toISOString().slice(0, 10);
const HIDDEN = new Set(['<5', 's']);

/* ---- A linear system over the hidden cells ------------------------------ */

class System {
  constructor() {
    this.vars = []; // { name, marker }
    this.rows = []; // { coef: Map var → number, rhs }
  }

  /** A term: a published number, or a hidden cell as a new variable. */
  term(value, name) {
    if (typeof value === 'number') return { c: value };
    if (value === undefined || value === null || value === '') return { unknown: this.variable(`${name} (not written)`, 'unwritten') };
    if (HIDDEN.has(value)) return { v: this.variable(name, value) };
    const n = Number(value);
    assert.ok(Number.isFinite(n), `${name}: unreadable cell ${JSON.stringify(value)}`);
    return { c: n };
  }

  variable(name, marker) {
    this.vars.push({ name, marker });
    return this.vars.length - 1;
  }

  /** sum(coef_i * term_i) = 0. */
  equation(parts) {
    const coef = new Map();
    let rhs = 0;
    for (const [k, t] of parts) {
      if ('c' in t) rhs -= k * t.c;
      else {
        const v = 'v' in t ? t.v : t.unknown;
        coef.set(v, (coef.get(v) ?? 0) + k);
      }
    }
    for (const [v, k] of coef) if (Math.abs(k) < 1e-12) coef.delete(v);
    if (coef.size) this.rows.push({ coef, rhs });
  }

  /** The hidden cells marked "<5" that the equations determine. */
  leaks() {
    const rows = this.rows.map((r) => ({ coef: new Map(r.coef), rhs: r.rhs }));
    const pivots = [];
    let rank = 0;
    const order = [...new Set(rows.flatMap((r) => [...r.coef.keys()]))].sort((a, b) => a - b);
    for (const v of order) {
      let p = -1;
      let best = 1e-9;
      for (let i = rank; i < rows.length; i++) {
        const k = Math.abs(rows[i].coef.get(v) ?? 0);
        if (k > best) {
          best = k;
          p = i;
        }
      }
      if (p < 0) continue;
      [rows[rank], rows[p]] = [rows[p], rows[rank]];
      const pr = rows[rank];
      const pk = pr.coef.get(v);
      for (const [w, k] of pr.coef) pr.coef.set(w, k / pk);
      pr.rhs /= pk;
      for (let i = 0; i < rows.length; i++) {
        if (i === rank) continue;
        const k = rows[i].coef.get(v);
        if (!k) continue;
        for (const [w, kw] of pr.coef) {
          const x = (rows[i].coef.get(w) ?? 0) - k * kw;
          if (Math.abs(x) < 1e-9) rows[i].coef.delete(w);
          else rows[i].coef.set(w, x);
        }
        rows[i].rhs -= k * pr.rhs;
      }
      pivots.push(v);
      rank++;
    }
    const out = [];
    for (let i = 0; i < rank; i++) {
      if (rows[i].coef.size !== 1) continue;
      const [v] = rows[i].coef.keys();
      if (this.vars[v].marker === '<5') out.push(`${this.vars[v].name} = ${Math.round(rows[i].rhs * 1000) / 1000}`);
    }
    return out;
  }
}

/* ---- The report's workbook as sections ---------------------------------- */

/** { id → { head, rows: [{ code, label, cells: [...] }], total } } from an XLSX. */
function workbookSections(body) {
  const wb = readXlsx(body);
  const first = sheetValues(wb.sheets[0]);
  const ids = new Map();
  for (const r of first.slice(9)) if (r?.[0] && r[2]) ids.set(String(r[0]), String(r[2]));
  const out = {};
  for (const sh of wb.sheets.slice(1)) {
    const id = ids.get(sh.name);
    assert.ok(id, `sheet ${sh.name} is listed on the first sheet`);
    const v = sheetValues(sh);
    const head = (v[5] ?? []).map((x) => String(x ?? ''));
    const rows = [];
    let total;
    for (const r of v.slice(6)) {
      if (!r) continue;
      if (r[0] === undefined && (r[1] === 'Total' || r[1] === 'Base des parts')) total = { kind: r[1], value: r[2] };
      else rows.push({ code: String(r[0]), label: r[1], cells: r.slice(2) });
    }
    out[id] = { head, rows, total };
  }
  return out;
}

const VISIT_UNITS = new Set(['Visites']);
const DEMAND_UNITS = new Set(['Demandes']);

/** The equations a report publishes, from its masked workbook. */
function reportSystem(sec, what) {
  const sys = new System();
  const kf = sec.key_figures;
  const kfv = (code) => kf.rows.find((r) => r.code === code);
  const V = sys.term(kfv('visits').cells[0], `${what} visits`);
  const D = sys.term(kfv('demands').cells[0], `${what} demands`);
  const solved = sys.term(kfv('solved_on_site').cells[0], `${what} solved_on_site`);
  const answersRow = kfv('satisfaction_answers');
  const A = answersRow ? sys.term(answersRow.cells[0], `${what} satisfaction answers`) : undefined;
  const shareCol = (s) => s.head.indexOf('Part') - 2;
  const cellOf = {};

  // A rate of the key figures beside the counts it is made of.
  const rate = (code) => {
    const r = kfv(code);
    return r && typeof r.cells[shareCol(kf)] === 'number' ? r.cells[shareCol(kf)] : undefined;
  };
  const sr = rate('solved_on_site_rate');
  if (sr !== undefined) sys.equation([[1, solved], [-sr, D]]);

  for (const [id, s] of Object.entries(sec)) {
    if (id === 'key_figures') continue;
    const ps = shareCol(s);
    const two = ps === 2;
    const cells = s.rows.map((r) => sys.term(r.cells[0], `${what} ${id}/${r.code}`));
    cellOf[id] = new Map(s.rows.map((r, i) => [r.code, cells[i]]));
    // A share beside a hidden count gives it back (count = share × base).
    for (const r of s.rows) {
      assert.ok(!(HIDDEN.has(r.cells[0]) && typeof r.cells[ps] === 'number'), `${what} ${id}/${r.code}: a share beside a hidden count`);
    }
    if (!s.total || s.total.kind !== 'Total') continue;
    const T = sys.term(s.total.value, `${what} ${id} total`);
    sys.equation([...cells.map((c) => [1, c]), [-1, T]]);
    const unit = s.head[2];
    const base =
      id === 'by_referral' ? cellOf.by_outcome?.get('oriente')
        : id === 'satisfaction' || id === 'clarity' ? A
          : id === 'autonomy_progression' ? undefined
            : VISIT_UNITS.has(unit) ? V
              : DEMAND_UNITS.has(unit) ? D
                : undefined;
    if (base) sys.equation([[1, T], [-1, base]]);
    if (two) {
      const c2 = s.rows.map((r) => sys.term(r.cells[1], `${what} ${id}/${r.code} (demands)`));
      sys.equation([...c2.map((c) => [1, c]), [-1, D]]);
      if (id === 'by_site') siteColumns(sys, s, c2, what, solved, cellOf);
    }
  }
  if (cellOf.by_outcome?.get('resolu')) sys.equation([[1, solved], [-1, cellOf.by_outcome.get('resolu')]]);
  // The age cuts' rates: yes = rate × (yes + no).
  for (const [code, id] of [['over_55_rate', 'over_55'], ['under_26_rate', 'under_26']]) {
    const r = rate(code);
    const yes = cellOf[id]?.get('yes');
    const no = cellOf[id]?.get('no');
    if (r !== undefined && yes && no) sys.equation([[1 - r, yes], [-r, no]]);
  }
  const tb = cellOf.satisfaction?.get('tres_bien');
  const sat = rate('satisfied_rate');
  if (sat !== undefined && tb && A) sys.equation([[1, tb], [-sat, A]]);
  return sys;
}

/** The table by site's own columns: solved (a rate beside the demands) and escalations. */
function siteColumns(sys, s, demands, what, solved, cellOf) {
  const rateCol = s.head.indexOf('Taux de résolution sur place') - 2;
  const escCol = s.head.indexOf('Escalades') - 2;
  assert.ok(rateCol > 0 && escCol > 0, `${what}: the table by site has its columns`);
  const sv = [];
  const ev = [];
  s.rows.forEach((r, i) => {
    const rate = r.cells[rateCol];
    const d = demands[i];
    if (typeof rate === 'number' && 'c' in d) sv.push({ c: rate * d.c });
    else if (rate === undefined && 'c' in d && d.c === 0) sv.push({ c: 0 });
    else sv.push(sys.term(HIDDEN.has(rate) ? rate : 's', `${what} by_site/${r.code} solved`));
    ev.push(sys.term(r.cells[escCol], `${what} by_site/${r.code} escalated`));
  });
  sys.equation([...sv.map((t) => [1, t]), [-1, solved]]);
  const esc = cellOf.by_outcome?.get('escalade');
  if (esc) sys.equation([...ev.map((t) => [1, t]), [-1, esc]]);
}

/* ---- Open data ----------------------------------------------------------- */

/** RFC 4180 lines (no line break inside a cell in these files). */
function parseCsv(text, sep) {
  return text.replace(/^\ufeff/, '').trim().split('\r\n').map((l) => {
    const cells = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < l.length; i++) {
      const ch = l[i];
      if (quoted) {
        if (ch === '"' && l[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else cur += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === sep) {
        cells.push(cur);
        cur = '';
      } else cur += ch;
    }
    cells.push(cur);
    return cells;
  });
}

/** The equations of the activity file: each row's groups over its totals. */
function openDataSystem(text) {
  const sys = new System();
  const [head, ...rows] = parseCsv(text, ';');
  const cols = (prefix) => head.map((h, i) => [h, i]).filter(([h]) => h.startsWith(prefix)).map(([, i]) => i);
  const groups = [
    ['canal_', 'visites', true], ['age_', 'visites', true], ['genre_', 'visites', true],
    ['issue_', 'demandes', true], ['operateur_', 'demandes', false], ['theme_', 'demandes', false],
    ['avis_', 'reponses_satisfaction', true],
  ];
  for (const row of rows) {
    const key = `${row[head.indexOf('lieu_id')]} ${row[head.indexOf('mois')]}`;
    const t = {};
    for (const name of ['visites', 'demandes', 'reponses_satisfaction']) t[name] = sys.term(row[head.indexOf(name)], `${key} ${name}`);
    const resolu = cols('issue_resolu')[0];
    let resoluTerm;
    for (const [prefix, total, closed] of groups) {
      const idx = cols(prefix);
      const terms = idx.map((i) => sys.term(row[i], `${key} ${head[i]}`));
      if (prefix === 'issue_') resoluTerm = terms[idx.indexOf(resolu)];
      const parts = [...terms.map((x) => [1, x]), [-1, t[total]]];
      // Demands of an operator or theme no longer in the catalog: a cell not written.
      if (!closed) parts.push([1, { unknown: sys.variable(`${key} ${prefix}uncovered`, 'unwritten') }]);
      sys.equation(parts);
    }
    sys.equation([[1, sys.term(row[head.indexOf('resolues_sur_place')], `${key} resolues_sur_place`)], [-1, resoluTerm]]);
  }
  return sys;
}

/* ---- The page and the CSV say what the workbook says --------------------- */

const plain = (s) => s.replace(/[\s\u202f\u00a0]/g, '');

function pageTables(html) {
  const out = {};
  for (const t of html.match(/<table class="report-table">[\s\S]*?<\/table>/g) ?? []) {
    const id = (/<caption id="t-([a-z0-9_]+)"/.exec(t) ?? [])[1];
    const body = (/<tbody>([\s\S]*?)<\/tbody>/.exec(t) ?? [])[1] ?? '';
    out[id] = (body.match(/<tr[\s\S]*?<\/tr>/g) ?? []).filter((tr) => !tr.includes('report-total')).map((tr) =>
      (tr.match(/<t[hd][^>]*>[\s\S]*?<\/t[hd]>/g) ?? []).map((c) => decodeEntities(textOf(c)).trim()));
  }
  return out;
}

const written = (v) => (typeof v === 'number' ? String(v) : v === undefined ? '' : String(v));

describe('masked outputs are closed under subtraction', () => {
  let srv;
  const tokens = {};
  let coord;
  let admin;
  serverForSuite((s) => (srv = s), { users: DEFAULT_USERS, start: false, tokens, tokenUsers: ['agent'] });

  before(async () => {
    await runOk(['demo', '--db', srv.db, '--days', String(DAYS), '--end', END, '--seed', '7', '--force']);
    await srv.start();
    coord = await srv.login('coordinator');
    admin = await srv.login('admin');
    // A few visits at Rennes, so that small counts are everywhere.
    for (const [d, outcome, op] of [['2025-03-03', 'escalade', 'cnaf'], ['2025-03-04', 'resolu', 'dgfip'], ['2024-11-12', 'oriente', 'cnam']]) {
      const res = await srv.client().request('POST', '/api/v1/visits', {
        headers: { authorization: `Bearer ${tokens.agent}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          started_at: `${d}T10:15:00+01:00`, channel: 'telephone', duration_min: 20,
          visitor: { gender: 'masculin', age_bracket: '18_24' },
          demands: [{ operator_code: op, theme_code: 'social_sante', level: 'fait_avec', outcome, duration_min: 15, ...(outcome === 'oriente' ? { referral_type: 'administration' } : {}) }],
        }),
      });
      assert.equal(res.status, 201, res.text);
    }
  });

  it('lets no count below 5 be recovered from a report, its page, its CSV or its workbook', async (t) => {
    t.diagnostic(`seed ${SEED} (MASK_SEED=${SEED} to replay)`);
    const rand = rng(SEED);
    const pick = (v) => v[Math.floor(rand() * v.length)];
    const end = new Date(`${END}T12:00:00Z`);
    let checked = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const scope = pick([
        [coord, `/reports/site/${srv.sites.rennes}`], [coord, '/reports/site/4'], [coord, '/reports/site/5'],
        [coord, '/reports/departement/35'], [admin, '/reports/national'],
      ]);
      // A period ending in the data or after it, from a day to four years.
      const len = pick([1, 6, 13, 40, 95, 200, 366, 1200, 1500]);
      const to = new Date(end.getTime() - Math.floor(rand() * 120) * 86400e3);
      const from = new Date(to.getTime() - (len - 1) * 86400e3);
      const q = `from=${day(from)}&to=${day(to)}&masked=1`;
      const what = `${scope[1]}?${q}`;
      t.diagnostic(`round ${round}: ${what}`);
      const [client, p] = scope;
      const xlsx = await client.get(`${p}?${q}&format=xlsx`);
      assert.equal(xlsx.status, 200, what);
      const sec = workbookSections(xlsx.body);
      // Every shown count is 5 or more.
      for (const [id, s] of Object.entries(sec)) {
        for (const r of s.rows) {
          const shareAt = s.head.indexOf('Part') - 2;
          for (let k = 0; k < shareAt; k++) {
            const v = r.cells[k];
            if (typeof v === 'number' && id !== 'key_figures') assert.ok(v >= 5, `${what} ${id}/${r.code}: ${v} is shown`);
          }
        }
      }
      const leaks = reportSystem(sec, what).leaks();
      assert.deepEqual(leaks, [], `${what}: recovered by subtraction`);

      // The page's tables and each table's CSV write the same cells.
      const html = await client.get(`${p}?${q}`);
      assert.equal(html.status, 200);
      const tables = pageTables(html.text);
      const ids = Object.keys(sec).filter((id) => id !== 'key_figures');
      for (const id of round === 0 ? ids : ids.filter(() => rand() < 0.2)) {
        const s = sec[id];
        const page = tables[id];
        assert.ok(page, `${what}: the page has the table ${id}`);
        if (s.rows.length <= 120) {
          assert.equal(page.length, s.rows.length, `${what} ${id}: rows`);
          s.rows.forEach((r, i) => {
            if (typeof r.cells[0] === 'number' || HIDDEN.has(r.cells[0])) assert.equal(plain(page[i][1]), written(r.cells[0]), `${what} ${id}/${r.code} on the page`);
          });
        }
        const csv = parseCsv((await client.get(`${p}?${q}&format=csv&table=${id}`)).text, ',');
        const shareAt = s.head.indexOf('Part');
        s.rows.forEach((r, i) => {
          for (let k = 2; k < shareAt; k++) {
            const v = r.cells[k - 2];
            if (typeof v === 'number' || HIDDEN.has(v)) assert.equal(csv[i + 1][k], written(v), `${what} ${id}/${r.code} in the CSV`);
          }
        });
        checked++;
      }
    }
    assert.ok(checked > 10, `${checked} tables compared`);
  });

  it('lets no count below 5 be recovered from the open-data activity file', async (t) => {
    const rand = rng(SEED + 1);
    for (let round = 0; round < 3; round++) {
      const months = 1 + Math.floor(rand() * 14);
      const last = new Date(Date.UTC(2025, 2 - Math.floor(rand() * 3), 1));
      const first = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() - months + 1, 1));
      const q = `from=${first.toISOString().slice(0, 7)}&to=${last.toISOString().slice(0, 7)}`;
      t.diagnostic(`open data: ${q}`);
      const res = await srv.client().get(`/opendata/activite.csv?${q}`);
      assert.equal(res.status, 200, q);
      const leaks = openDataSystem(res.text).leaks();
      assert.deepEqual(leaks, [], `${q}: recovered by subtraction`);
    }
  });

  it('draws the charts of a period whose value labels once lifted each other for ever', async () => {
    // Two column values at heights whose difference rounded to a hair under
    // a line: the chart moved one to the same height again and again, and
    // the page never answered.
    const res = await admin.get('/reports/national?from=2024-11-02&to=2024-12-11&masked=1');
    assert.equal(res.status, 200);
    assert.match(res.text, /<svg/);
  });

  it('finds a leak where there is one (the checker itself)', () => {
    const sys = new System();
    const total = sys.term(12, 'total');
    const cells = [sys.term('<5', 'a'), sys.term(9, 'b')];
    sys.equation([...cells.map((c) => [1, c]), [-1, total]]);
    assert.deepEqual(sys.leaks(), ['a = 3']);
    // Two groups over the same hidden total pin it down together.
    const s2 = new System();
    const T = s2.term('s', 'T');
    const g1 = [s2.term('<5', 'x'), s2.term(10, 'y')];
    const g2 = [s2.term(8, 'u'), s2.term(6, 'w')];
    s2.equation([...g1.map((c) => [1, c]), [-1, T]]);
    s2.equation([...g2.map((c) => [1, c]), [-1, T]]);
    assert.deepEqual(s2.leaks(), ['x = 4']);
  });
});
