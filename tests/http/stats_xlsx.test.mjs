// stats_xlsx.test.mjs: `guichet stats --format xlsx --out FILE`, the
// steering report as a workbook, read back with the test's own reader
// (xlsx.mjs) on a demonstration database: the file is a valid ZIP whose
// workbook lists a "Rapport" sheet stating scope and period, then one sheet
// per section; every breakdown sheet holds the same figures as the JSON of
// the same question (codes the JSON leaves out are 0), as typed numbers,
// with shares as numbers between 0 and 1 in a percent format. Also: --out
// for the other formats writes the same bytes as standard output, the
// workbook without --out is a usage error, and an --out that cannot be
// written fails with a message and leaves no file behind.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ON_PG, freshDb, makeTempDir, removeTempDir, run, runOk } from './lib.mjs';
import { readXlsx } from './xlsx.mjs';

const END = '2025-03-28';
const FROM = '2025-02-27';

// The columns of a section sheet's table, and the French headings.
const COL_CODE = 0;
const COL_N = 2;

// The rows of a section sheet's table: { code, n, n2, share } cells, from
// the row after the "Code" heading to the last row that has a code.
function table(sheet) {
  const head = sheet.rows.findIndex((r) => r?.[COL_CODE]?.value === 'Code');
  assert.ok(head > 0, `${sheet.name}: no heading row`);
  const width = sheet.rows[head].length;
  const shareCol = width - 1;
  const rows = [];
  for (const r of sheet.rows.slice(head + 1)) {
    if (!r?.[COL_CODE]) continue;
    rows.push({ code: r[COL_CODE].value, n: r[COL_N], n2: width === 5 ? r[3] : undefined, share: r[shareCol] });
  }
  return { head, width, rows };
}

// The counts the JSON gives for a sheet name, or null when the JSON has no
// such object of counts.
// The id of each section sheet (its JSON key, its CSV table), from the list
// of sheets on the first one: sheet name → id.
function sheetIds(wb) {
  return new Map(wb.sheet('Rapport').rows.filter((r) => r?.[0] && r[2]).map((r) => [r[0].value, r[2].value]));
}

function jsonCounts(json, name) {
  let v = json[name];
  if (v && typeof v === 'object' && v.counts && typeof v.counts === 'object') v = v.counts;
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  if (!Object.values(v).every((n) => Number.isInteger(n))) return null;
  return v;
}

describe('guichet stats --format xlsx', () => {
  let dir;
  let db;
  const base = () => ['stats', '--db', db, '--from', FROM, '--to', END];

  before(async () => {
    dir = await makeTempDir('guichet-stats-xlsx-');
    db = await freshDb(dir);
    await runOk(['init', '--db', db]);
    await runOk(['demo', '--db', db, '--days', '30', '--end', END, '--seed', '3']);
  });
  after(async () => {
    await removeTempDir(dir);
  });

  const cases = [
    { name: 'nation', args: [] },
    { name: 'departement', args: ['--departement', '35'], scope: '35' },
    { name: 'site-operator', args: ['--site', '1', '--operator', 'cnaf'], filter: 'cnaf' },
    { name: 'public-sql', args: ['--public', 'allophone', '--method', 'sql'], sqliteOnly: true },
  ];

  for (const c of cases) {
    it(`holds the JSON's figures: ${c.name}`, { skip: c.sqliteOnly && ON_PG && 'the SQL baseline is SQLite only' }, async () => {
      const json = JSON.parse(await runOk([...base(), ...c.args, '--format', 'json']));
      const file = path.join(dir, `${c.name}.xlsx`);
      const out = await runOk([...base(), ...c.args, '--format', 'xlsx', '--out', file]);
      assert.equal(out, '', 'nothing on standard output');
      assert.ok(!existsSync(`${file}.tmp`), 'no temporary file left');
      const wb = readXlsx(readFileSync(file));

      // The first sheet says what the workbook is and lists the others.
      assert.equal(wb.sheets[0].name, 'Rapport');
      const names = wb.sheets.map((s) => s.name);
      const ids = sheetIds(wb);
      // Sheets are named by their translated titles, never by English codes.
      assert.ok(names.includes('Chiffres clés'), names.join(' | '));
      for (const n of names) assert.ok(!/^[a-z0-9]+(_[a-z0-9]+)+$/.test(n), `sheet named by a code: ${n}`);
      const nameOf = new Map([...ids].map(([n, id]) => [id, n]));
      assert.equal(ids.get('Chiffres clés'), 'key_figures');
      assert.equal(new Set(names.map((n) => n.toLowerCase())).size, names.length, 'unique sheet names');
      for (const n of names) assert.ok(n.length <= 31 && !/[[\]:*?/\\]/.test(n), n);
      const summary = new Map(wb.sheet('Rapport').rows.filter((r) => r?.[0] && r[1]).map((r) => [r[0].value, r[1].value]));
      assert.ok(summary.get('Période').includes(FROM) && summary.get('Période').includes(END), summary.get('Période'));
      assert.ok(summary.get('Territoire'), 'a scope');
      if (c.scope) assert.ok(summary.get('Territoire').includes(c.scope), summary.get('Territoire'));
      if (c.filter) assert.ok(summary.get('Filtres').includes(c.filter), summary.get('Filtres'));
      for (const n of names.slice(1)) assert.ok(summary.has(n), `the sheet ${n} is listed on the first sheet`);

      // Key figures: the totals, as numbers.
      const kf = new Map(table(wb.sheet(nameOf.get('key_figures'))).rows.map((r) => [r.code, r]));
      for (const k of ['visits', 'demands', 'solved_on_site']) {
        assert.equal(kf.get(k)?.n?.type, 'n', k);
        assert.equal(kf.get(k).n.value, json[k], k);
      }
      const rate = kf.get('solved_on_site_rate');
      if (json.solved_on_site_rate === null) assert.equal(rate?.share, undefined);
      else {
        assert.equal(rate.share.type, 'n');
        assert.ok(Math.abs(rate.share.value - json.solved_on_site_rate) < 1e-12);
        assert.equal(rate.n, undefined, 'a rate has no count');
      }

      // Every breakdown sheet: the JSON's counts, 0 for the codes it leaves out.
      let checked = 0;
      for (const sheet of wb.sheets.slice(1)) {
        const t = table(sheet);
        for (const r of t.rows) {
          if (r.n) assert.equal(r.n.type, 'n', `${sheet.name}.${r.code} is a number`);
          if (r.n2) assert.equal(r.n2.type, 'n', `${sheet.name}.${r.code} (second count) is a number`);
          if (r.share) {
            assert.equal(r.share.type, 'n', `${sheet.name}.${r.code} share is a number`);
            assert.match(r.share.format, /%/, `${sheet.name}.${r.code} share format`);
            if (ids.get(sheet.name) !== 'key_figures')
              assert.ok(r.share.value >= 0 && r.share.value <= 1, `${sheet.name}.${r.code} share ${r.share.value}`);
          }
        }
        const counts = jsonCounts(json, ids.get(sheet.name));
        if (!counts) continue;
        checked++;
        const codes = new Set(t.rows.map((r) => r.code));
        for (const code of Object.keys(counts)) assert.ok(codes.has(code), `${sheet.name}: ${code} is in the sheet`);
        for (const r of t.rows) assert.equal(r.n?.value, counts[r.code] ?? 0, `${sheet.name}.${r.code}`);
      }
      assert.ok(checked >= 20, `${checked} breakdown sheets compared with the JSON`);
    });
  }

  it('masks the workbook for publication with --mask', async () => {
    const args = ['--site', '1', '--channel', 'telephone'];
    const json = JSON.parse(await runOk([...base(), ...args]));
    const file = path.join(dir, 'masked.xlsx');
    await runOk([...base(), ...args, '--format', 'xlsx', '--out', file, '--mask']);
    const wb = readXlsx(readFileSync(file));
    const summary = new Map(wb.sheet('Rapport').rows.filter((r) => r?.[0] && r[1]).map((r) => [r[0].value, r[1].value]));
    assert.match(summary.get('Version'), /masquée/);
    let masked = 0;
    const ids = sheetIds(wb);
    for (const sheet of wb.sheets.slice(1)) {
      const counts = jsonCounts(json, ids.get(sheet.name));
      for (const r of table(sheet).rows) {
        for (const cell of [r.n, r.n2]) {
          if (!cell) continue;
          if (cell.type === 's') {
            assert.ok(cell.value === '<5' || cell.value === 's', `${sheet.name}.${r.code}: ${cell.value}`);
            masked++;
            if (cell === r.n && cell.value === '<5' && counts)
              assert.ok((counts[r.code] ?? 0) < 5, `${sheet.name}.${r.code} is below 5`);
          } else {
            assert.equal(cell.type, 'n');
            assert.ok(cell.value === 0 || cell.value >= 5, `${sheet.name}.${r.code}: ${cell.value} shown`);
            if (cell === r.n && counts) assert.equal(cell.value, counts[r.code] ?? 0, `${sheet.name}.${r.code}`);
          }
        }
      }
    }
    assert.ok(masked > 0, 'a small scope has masked cells');
    const r = await run([...base(), '--mask']);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes('--mask'), r.stderr);
  });

  it('writes the other formats to --out with the same bytes as standard output', async () => {
    for (const fmt of ['json', 'csv', 'text']) {
      const file = path.join(dir, `out.${fmt}`);
      const r = await run([...base(), '--format', fmt]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(await runOk([...base(), '--format', fmt, '--out', file]), '');
      assert.equal(readFileSync(file, 'utf8'), r.stdout, fmt);
    }
  });

  it('needs --out for a workbook', async () => {
    const r = await run([...base(), '--format', 'xlsx']);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes('--out'), r.stderr);
    assert.equal(r.stdout, '');
    const lang = await run([...base(), '--format', 'xlsx', '--out', path.join(dir, 'l.xlsx'), '--lang', 'xx']);
    assert.equal(lang.code, 2, lang.stderr);
    assert.ok(lang.stderr.includes('--lang'), lang.stderr);
  });

  it('fails on an --out it cannot write, and leaves no file', async () => {
    const sub = path.join(dir, 'unwritable');
    const taken = path.join(sub, 'taken');
    mkdirSync(taken, { recursive: true });
    // A directory in the way of the rename, then a missing parent directory.
    for (const file of [taken, path.join(sub, 'none', 'r.xlsx')]) {
      const r = await run([...base(), '--format', 'xlsx', '--out', file]);
      assert.equal(r.code, 1, r.stderr);
      assert.ok(r.stderr.includes(file), r.stderr);
      assert.equal(r.stdout, '');
      assert.deepEqual(readdirSync(sub), ['taken'], 'nothing left behind');
    }
    assert.ok(statSync(taken).isDirectory());
  });
});
