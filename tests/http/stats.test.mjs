// stats.test.mjs: `guichet stats` on a demonstration database (guichet demo,
// 30 days ending on a fixed day): the JSON has every indicator of
// docs/stats.md with the right shape, its breakdowns add up (by_outcome sums
// to demands, by_channel to visits…), its totals equal counts read from the
// database with sqlite3, the in-memory engine and the SQL GROUP BY baseline
// print the same bytes for every scope and filter, CSV and text carry the
// same figures, and bad arguments exit with status 2 and a message naming
// the option.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { ON_PG, freshDb, makeTempDir, removeTempDir, run, runOk } from './lib.mjs';

const execFileP = promisify(execFile);
const END = '2025-03-28';
const FROM = '2025-02-27';
const PG = ON_PG;

const DEMAND_BREAKDOWNS = ['by_operator', 'by_theme', 'by_procedure', 'by_level', 'by_outcome', 'autonomy'];
const VISIT_BREAKDOWNS = ['by_channel', 'by_age_bracket', 'by_gender', 'by_status', 'by_commune', 'duration_ranges',
  'by_weekday', 'by_hour'];
const OTHER_BREAKDOWNS = ['by_referral', 'equipment', 'interpreting', 'interpreting_languages', 'particular_publics',
  'languages'];

const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);

describe('guichet stats', () => {
  let dir;
  let db;
  const stats = async (args) => JSON.parse(await runOk(['stats', '--db', db, '--from', FROM, '--to', END, ...args]));

  before(async () => {
    dir = await makeTempDir('guichet-stats-');
    db = await freshDb(dir);
    await runOk(['init', '--db', db]);
    await runOk(['demo', '--db', db, '--days', '30', '--end', END, '--seed', '3']);
  });
  after(async () => {
    await removeTempDir(dir);
  });

  it('answers with every indicator, each breakdown an object code → count', async () => {
    const r = await stats([]);
    assert.equal(r.period.from, FROM);
    assert.equal(r.period.to, END);
    assert.ok(r.visits > 100, `visits ${r.visits}`);
    assert.ok(r.demands >= r.visits);
    assert.ok(r.solved_on_site_rate > 0 && r.solved_on_site_rate < 1);
    for (const k of [...DEMAND_BREAKDOWNS, ...VISIT_BREAKDOWNS, ...OTHER_BREAKDOWNS]) {
      assert.equal(typeof r[k], 'object', k);
      for (const [code, n] of Object.entries(r[k])) {
        assert.match(code, /^[a-z0-9_]+$/, `${k}.${code}`);
        assert.ok(Number.isInteger(n) && n > 0, `${k}.${code} = ${n}`);
      }
    }
    // The demo's satisfaction answers: "très bien" over the answers.
    const sat = r.satisfaction;
    assert.deepEqual(Object.keys(sat.counts), ['pas_bien', 'moyen', 'tres_bien']);
    assert.deepEqual(Object.keys(sat.clarity), ['1', '2', '3', '4', '5', 'non_repondu']);
    assert.ok(sat.answers > 0, `answers ${sat.answers}`);
    assert.equal(sum(sat.counts), sat.answers);
    assert.equal(sum(sat.clarity), sat.answers);
    assert.equal(sat.satisfied_rate, sat.counts.tres_bien / sat.answers);
    assert.equal(typeof r.people.identified_distinct, 'number');
    assert.equal(typeof r.people.note, 'string');
    assert.equal(r.growth.previous_period.to, '2025-02-26');
    assert.equal(r.growth.year_before.from, '2024-02-27');
    assert.ok(Number.isInteger(r.workshops.count) && Number.isInteger(r.workshops.participants));
  });

  it('adds up: demand breakdowns to demands, visit breakdowns to visits', async () => {
    const r = await stats([]);
    for (const k of DEMAND_BREAKDOWNS) assert.equal(sum(r[k]), r.demands, k);
    for (const k of VISIT_BREAKDOWNS) assert.equal(sum(r[k]), r.visits, k);
    assert.equal(r.solved_on_site, r.by_outcome.resolu);
    assert.equal(r.solved_on_site_rate, r.by_outcome.resolu / r.demands);
    assert.equal(r.by_referral ? sum(r.by_referral) : 0, r.by_outcome.oriente ?? 0);
    for (const cut of [r.over_55, r.under_26]) assert.equal(cut.yes + cut.no + cut.unknown, r.visits);
    assert.ok(r.people.anonymous_visits <= r.visits);
  });

  it('counts what the database holds', { skip: PG && 'reads the SQLite file' }, async () => {
    const r = await stats([]);
    const q = (sql) => execFileP('sqlite3', [db, sql]).then(({ stdout }) => Number(stdout.trim()));
    const from = Math.floor(new Date(`${FROM}T00:00:00+01:00`).getTime() / 1000);
    const to = Math.floor(new Date('2025-03-29T00:00:00+01:00').getTime() / 1000);
    const where = `v.deleted_at = 0 AND v.started_at >= ${from} AND v.started_at < ${to}`;
    assert.equal(r.visits, await q(`SELECT COUNT(*) FROM visits v WHERE ${where}`));
    assert.equal(r.demands, await q(`SELECT COUNT(*) FROM demands d JOIN visits v ON v.id = d.visit_id WHERE ${where}`));
    assert.equal(r.satisfaction.answers,
      await q(`SELECT COUNT(*) FROM satisfaction WHERE deleted_at = 0 AND answered_at >= ${from} AND answered_at < ${to}`));
    assert.equal(r.satisfaction.counts.tres_bien,
      await q(`SELECT COUNT(*) FROM satisfaction WHERE deleted_at = 0 AND overall = 3 AND answered_at >= ${from} AND answered_at < ${to}`));
    // Answers have a site and a time only: any other filter leaves them out.
    const filtered = await stats(['--operator', 'cnaf']);
    assert.equal(filtered.satisfaction.answers, 0);
    assert.equal(filtered.satisfaction.satisfied_rate, null);
  });

  it('gives the same bytes from the engine and from SQL GROUP BY', { skip: PG && 'the baseline is SQLite only' }, async () => {
    const cases = [[], ['--departement', '35'], ['--site', '1'], ['--site', '1', '--site', '3'],
      ['--operator', 'cnaf'], ['--theme', 'social_sante', '--channel', 'guichet_rdv'],
      ['--public', 'allophone'], ['--public', 'handicap', '--operator', 'ants'], ['--agent', '2'],
      ['--region', '53'], ['--format', 'csv', '--public', 'sans_equipement']];
    for (const c of cases) {
      const base = ['stats', '--db', db, '--from', FROM, '--to', END, ...c];
      const engine = await runOk(base);
      const sql = await runOk([...base, '--method', 'sql']);
      assert.equal(engine, sql, c.join(' '));
    }
  });

  it('splits the nation exactly into its départements', async () => {
    const all = await stats([]);
    const dep = await stats(['--departement', '35']);
    const none = await stats(['--departement', '2A']);
    assert.equal(dep.visits + none.visits, all.visits);
    assert.equal(none.visits, 0);
    assert.deepEqual(none.by_operator, {});
  });

  it('writes CSV and text with the same figures', async () => {
    const r = await stats([]);
    const csv = await runOk(['stats', '--db', db, '--from', FROM, '--to', END, '--format', 'csv']);
    const lines = csv.split('\r\n');
    assert.equal(lines[0], 'section,code,count');
    assert.ok(lines.includes(`total,visits,${r.visits}`));
    assert.ok(lines.includes(`total,demands,${r.demands}`));
    for (const [code, n] of Object.entries(r.by_operator)) assert.ok(lines.includes(`by_operator,${code},${n}`), code);
    for (const [code, n] of Object.entries(r.satisfaction.counts)) assert.ok(lines.includes(`satisfaction,${code},${n}`), code);
    for (const [code, n] of Object.entries(r.satisfaction.clarity)) assert.ok(lines.includes(`clarity,${code},${n}`), code);
    const text = await runOk(['stats', '--db', db, '--from', FROM, '--to', END, '--format', 'text']);
    assert.match(text, new RegExp(`visits\\s+${r.visits}\\n`));
    assert.match(text, /^by_outcome$/m);
  });

  it('refuses bad arguments with status 2 and names the option', async () => {
    const bad = [
      [['--to', END], '--from'],
      [['--from', '2025-02-30', '--to', END], '--from'],
      [['--from', FROM, '--to', 'demain'], '--to'],
      [['--from', END, '--to', FROM], '--from'],
      [['--from', FROM, '--to', END, '--format', 'xml'], '--format'],
      [['--from', FROM, '--to', END, '--channel', 'pigeon'], '--channel'],
      [['--from', FROM, '--to', END, '--public', 'tous'], '--public'],
      [['--from', FROM, '--to', END, '--site', 'abc'], '--site'],
      [['--from', FROM, '--to', END, '--site', '999'], '--site'],
      [['--from', FROM, '--to', END, '--site', '1', '--departement', '35'], '--departement'],
      [['--from', FROM, '--to', END, '--agent', '-1'], '--agent'],
      [['--from', FROM, '--to', END, '--operator', 'nope'], '--operator'],
      [['--from', FROM, '--to', END, '--theme', 'nope'], '--theme'],
      [['--from', FROM, '--to', END, '--method', 'magic'], '--method'],
    ];
    for (const [args, opt] of bad) {
      const r = await run(['stats', '--db', db, ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.ok(r.stderr.includes(opt), `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
    }
    const missing = await run(['stats', '--db', path.join(dir, 'nothing.db'), '--from', FROM, '--to', END]);
    assert.notEqual(missing.code, 0);
  });
});
