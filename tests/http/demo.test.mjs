// demo.test.mjs: `guichet demo`, the demonstration database: its figures look
// like the programme's (REFERENCE.md section 1), the same seed gives the same
// records, it refuses to pile onto a database with visits, bad options change
// nothing, and the accounts it prints can log in through the login form.
//
// The period ends on a fixed day in the past, so that every day is whole
// whatever the hour the test runs. Figures are read with the sqlite3 command
// (as cli.test.mjs reads the schema): the test checks what was stored, and
// compares the CSV exports (guichet export demands) of two runs.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { makeTempDir, removeTempDir, run, runOk, Server } from './lib.mjs';

const execFileP = promisify(execFile);

const END = '2025-03-28'; // a Friday
const DAYS = '30';
const SEED = '7';
const ARGS = ['--days', DAYS, '--end', END, '--seed', SEED];

/** Rows of a query as arrays of strings (tab-separated by sqlite3). */
async function rows(db, query) {
  const { stdout } = await execFileP('sqlite3', ['-separator', '\t', db, query], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

async function value(db, query) {
  const r = await rows(db, query);
  return Number(r[0][0]);
}

/** Everything the generator decided, without the instants of the import itself. */
async function records(db) {
  const out = await rows(db, `
    SELECT v.id, v.site_id, v.agent_id, v.visitor_id, v.started_at, v.channel, v.place, v.duration_min, v.created_at,
           p.age_bracket, p.birth_year, p.gender, p.social_status, p.commune_insee, p.no_phone, p.no_email,
           p.no_device, p.no_internet, p.allophone, p.languages, p.illiteracy, p.disabilities, p.very_precarious,
           p.identified, p.full_name, p.phone, p.email, p.consent_reason, p.consent_at,
           d.id, d.operator_code, d.theme_code, d.procedure_id, d.procedure_text, d.level, d.mandate_type,
           d.mandate_ref, d.autonomy, d.equipment, d.interpreting, d.interpreting_lang, d.outcome,
           d.referral_type, d.duration_min, d.note
    FROM visits v JOIN visitors p ON p.id = v.visitor_id JOIN demands d ON d.visit_id = v.id
    ORDER BY v.id, d.id`);
  const workshops = await rows(db, 'SELECT site_id, agent_id, topic_code, level, held_at, duration_min, participants FROM workshops ORDER BY id');
  return JSON.stringify({ out, workshops });
}

async function newDemo(dir, name, args = ARGS) {
  const db = path.join(dir, name);
  await runOk(['init', '--db', db]);
  const r = await run(['demo', '--db', db, ...args]);
  assert.equal(r.code, 0, `guichet demo exited with ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return { db, stdout: r.stdout };
}

/** The accounts the demo printed: [{ role, email }] and the one password. */
function printedLogins(stdout) {
  const password = /password:\s*(\S+)/i.exec(stdout)?.[1];
  const accounts = [];
  for (const line of stdout.split('\n')) {
    const m = /^\s*(admin|coordinator|manager|agent|operator)\s+(\S+@\S+)/.exec(line);
    if (m) accounts.push({ role: m[1], email: m[2] });
  }
  return { password, accounts };
}

describe('guichet demo', () => {
  let dir;
  let first;

  before(async () => {
    dir = await makeTempDir();
    first = await newDemo(dir, 'demo.db');
  });
  after(async () => {
    await removeTempDir(dir);
  });

  it('prints a summary, every account and their one password', () => {
    const { password, accounts } = printedLogins(first.stdout);
    assert.ok(password && password.length >= 12, `no password of 12 characters or more printed:\n${first.stdout}`);
    const count = (role) => accounts.filter((a) => a.role === role).length;
    assert.equal(count('admin'), 1, first.stdout);
    assert.equal(count('coordinator'), 1, first.stdout);
    assert.equal(count('manager'), 4, first.stdout);
    assert.equal(count('agent'), 8, first.stdout);
    assert.equal(count('operator'), 1, first.stdout);
    assert.equal(new Set(accounts.map((a) => a.email)).size, accounts.length, 'an e-mail address is printed twice');
    assert.match(first.stdout, /\bvisits\b/);
  });

  it('creates four sites of different types in Ille-et-Vilaine, with their staff', async () => {
    const sites = await rows(first.db, 'SELECT type, commune_insee, departement FROM sites ORDER BY id');
    assert.deepEqual(sites.map((s) => s[0]).sort(), ['france_services', 'france_services_itinerant', 'mairie', 'mediatheque']);
    for (const s of sites) assert.equal(s[2], '35', `a site outside the 35: ${s}`);
    assert.deepEqual(sites.map((s) => s[1]).sort(), ['35012', '35223', '35236', '35360']);
    const staff = await rows(first.db, `SELECT u.role, count(*) FROM users u GROUP BY u.role ORDER BY u.role`);
    assert.deepEqual(Object.fromEntries(staff), { admin: '1', agent: '8', coordinator: '1', manager: '4', operator: '1' });
  });

  it('draws visits on weekdays only, busier on Mondays and in the mornings', async () => {
    const db = first.db;
    const visits = await value(db, 'SELECT count(*) FROM visits');
    // 30 days ending on Friday 28 March 2025 hold 22 weekdays (no holiday).
    assert.ok(visits > 22 * 15 && visits < 22 * 45, `${visits} visits in 22 open days at 4 sites`);
    assert.equal(await value(db, "SELECT count(*) FROM visits WHERE strftime('%w', started_at, 'unixepoch') IN ('0', '6')"), 0);
    const byDay = Object.fromEntries(await rows(db, "SELECT strftime('%w', started_at, 'unixepoch'), count(*) FROM visits GROUP BY 1"));
    assert.ok(Number(byDay['1']) > Number(byDay['5']), `Mondays ${byDay['1']}, Fridays ${byDay['5']}`);
    const morning = await value(db, "SELECT avg(CAST(strftime('%H', started_at, 'unixepoch') AS INTEGER) < 12) FROM visits");
    assert.ok(morning > 0.5, `share of visits in the morning ${morning}`);
    // About 11 a day at the France Services site, fewer at the town hall and the médiathèque.
    const perDay = Object.fromEntries(await rows(db, `
      SELECT s.type, count(*) * 1.0 / count(DISTINCT date(v.started_at, 'unixepoch'))
      FROM visits v JOIN sites s ON s.id = v.site_id GROUP BY s.type`).then((r) => r.map(([t, n]) => [t, Number(n)])));
    assert.ok(perDay.france_services > 8 && perDay.france_services < 15, `France Services: ${perDay.france_services} a day`);
    assert.ok(perDay.mairie < perDay.france_services && perDay.mediatheque < perDay.france_services, JSON.stringify(perDay));
  });

  it('has the shares of the programme: people over 55, women, operators, outcomes', async () => {
    const db = first.db;
    const perVisit = await value(db, 'SELECT count(*) * 1.0 / (SELECT count(*) FROM visits) FROM demands');
    assert.ok(perVisit > 1.1 && perVisit < 1.35, `demands per visit ${perVisit}`);
    const resolu = await value(db, "SELECT avg(outcome = 'resolu') FROM demands");
    assert.ok(resolu >= 0.75 && resolu <= 0.9, `share solved on site ${resolu}`);
    const over55 = await value(db, `SELECT avg(CAST(strftime('%Y', v.started_at, 'unixepoch') AS INTEGER) - p.birth_year > 55)
      FROM visits v JOIN visitors p ON p.id = v.visitor_id WHERE p.birth_year > 0`);
    assert.ok(over55 > 0.5 && over55 < 0.66, `share over 55 ${over55}`);
    const under26 = await value(db, `SELECT avg(CAST(strftime('%Y', v.started_at, 'unixepoch') AS INTEGER) - p.birth_year < 26)
      FROM visits v JOIN visitors p ON p.id = v.visitor_id WHERE p.birth_year > 0`);
    assert.ok(under26 > 0.02 && under26 < 0.12, `share under 26 ${under26}`);
    const women = await value(db, "SELECT avg(p.gender = 'feminin') FROM visits v JOIN visitors p ON p.id = v.visitor_id");
    assert.ok(women > 0.5 && women < 0.63, `share of women ${women}`);
    const ops = await rows(db, 'SELECT operator_code, count(*) * 1.0 / (SELECT count(*) FROM demands) FROM demands GROUP BY 1 ORDER BY 2 DESC');
    // France Titres, the CAF, the Assurance Maladie, the DGFiP and the CNAV
    // ahead (the order of the last ones varies in a month), about 80 % together.
    assert.deepEqual(ops.slice(0, 5).map((o) => o[0]).sort(), ['ants', 'cnaf', 'cnam', 'cnav', 'dgfip'], JSON.stringify(ops));
    const big5 = ops.slice(0, 5).reduce((sum, o) => sum + Number(o[1]), 0);
    assert.ok(big5 > 0.7 && big5 < 0.88, `the five main operators take ${big5}`);
    const ants = Number(ops.find((o) => o[0] === 'ants')[1]);
    assert.ok(ants > 0.13 && ants < 0.28, `France Titres share ${ants}`);
  });

  it('records particular publics, identified returning visitors, the bus stops and workshops', async () => {
    const db = first.db;
    const share = (col) => value(db, `SELECT avg(p.${col}) FROM visits v JOIN visitors p ON p.id = v.visitor_id`);
    const allophone = await share('allophone');
    assert.ok(allophone > 0.04 && allophone < 0.13, `allophone share ${allophone}`);
    const noDevice = await share('no_device');
    assert.ok(noDevice > 0.12 && noDevice < 0.3, `no device share ${noDevice}`);
    const langs = await rows(db, "SELECT DISTINCT languages FROM visitors WHERE allophone = 1");
    for (const [l] of langs) for (const code of l.split(',')) assert.ok(['ar', 'fa', 'uk', 'ps', 'ti', 'ru'].includes(code), `language ${l}`);
    assert.equal(await value(db, "SELECT count(*) FROM visitors WHERE allophone = 0 AND languages <> ''"), 0);
    // Identified people come back: their row is shared by several visits.
    const returning = await value(db, `SELECT count(*) FROM (SELECT visitor_id FROM visits v JOIN visitors p ON p.id = v.visitor_id
      WHERE p.identified = 1 GROUP BY visitor_id HAVING count(*) > 1)`);
    assert.ok(returning > 0, 'no identified visitor came back');
    assert.equal(await value(db, "SELECT count(*) FROM visitors WHERE identified = 1 AND consent_reason = ''"), 0);
    // The bus stops at one commune a weekday.
    const stops = await rows(db, `SELECT strftime('%w', v.started_at, 'unixepoch'), count(DISTINCT v.place) FROM visits v
      JOIN sites s ON s.id = v.site_id WHERE s.type = 'france_services_itinerant' AND v.channel = 'itinerant' GROUP BY 1`);
    assert.equal(stops.length, 5, `bus days: ${JSON.stringify(stops)}`);
    for (const [, n] of stops) assert.equal(n, '1');
    const workshops = await rows(db, 'SELECT s.type, count(*) FROM workshops w JOIN sites s ON s.id = w.site_id GROUP BY 1');
    assert.equal(workshops.length, 1, JSON.stringify(workshops));
    assert.equal(workshops[0][0], 'mediatheque');
    assert.ok(Number(workshops[0][1]) >= 3, `${workshops[0][1]} workshops in a month`);
  });

  it('gives the same records for the same seed, other records for another seed', async () => {
    const again = await newDemo(dir, 'again.db');
    assert.equal(await records(again.db), await records(first.db));
    // What leaves the database is the same too: the CSV export.
    const exported = await runOk(['export', 'demands', '--db', first.db]);
    assert.ok(exported.split('\n').length > 500, `the export has ${exported.split('\n').length} lines`);
    assert.equal(await runOk(['export', 'demands', '--db', again.db]), exported);
    const other = await newDemo(dir, 'other.db', ['--days', DAYS, '--end', END, '--seed', '8']);
    assert.notEqual(await records(other.db), await records(first.db));
  });

  it('refuses a database that has visits, unless --force', async () => {
    const db = path.join(dir, 'force.db');
    await newDemo(dir, 'force.db', ['--days', '5', '--end', END]);
    const before = await value(db, 'SELECT count(*) FROM visits');
    const r = await run(['demo', '--db', db, '--days', '5', '--end', END]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /--force/);
    assert.equal(await value(db, 'SELECT count(*) FROM visits'), before);
    await runOk(['demo', '--db', db, '--days', '5', '--end', '2025-03-21', '--force']);
    assert.ok((await value(db, 'SELECT count(*) FROM visits')) > before);
    // Sites and accounts are reused, not duplicated.
    assert.equal(await value(db, 'SELECT count(*) FROM sites'), 4);
    assert.equal(await value(db, 'SELECT count(*) FROM users'), 15);
  });

  it('refuses bad options with a message and changes nothing', async () => {
    const db = path.join(dir, 'bad.db');
    await runOk(['init', '--db', db]);
    for (const args of [['--days', '0'], ['--days', 'many'], ['--days', '100000'], ['--end', '2025-02-30'],
      ['--end', '2999-01-01'], ['--end', 'yesterday'], ['--seed', '-1'], ['--bogus']]) {
      const r = await run(['demo', '--db', db, ...args]);
      assert.equal(r.code, 2, `demo ${args.join(' ')} exited ${r.code}\n${r.stderr}`);
      assert.match(r.stderr, /guichet demo/, `demo ${args.join(' ')}: no message`);
    }
    assert.equal(await value(db, 'SELECT count(*) FROM sites'), 0);
    assert.equal(await value(db, 'SELECT count(*) FROM users'), 0);
    // Refused options create no database either.
    const never = path.join(dir, 'never.db');
    assert.equal((await run(['demo', '--db', never, '--days', '0'])).code, 2);
    await assert.rejects(fs.access(never));
  });

  it('creates the database when it does not exist yet, as init would', async () => {
    const db = path.join(dir, 'new.db');
    const r = await run(['demo', '--db', db, '--days', '5', '--end', END]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /created the database/);
    assert.equal(await value(db, 'SELECT count(*) FROM sites'), 4);
    assert.ok((await value(db, 'SELECT count(*) FROM visits')) > 0);
    // The schema is the latest one: init has nothing left to apply.
    assert.match(await runOk(['init', '--db', db]), /applied 0 migrations/);
  });

  it('prints logins that work through the login form', async () => {
    const { password, accounts } = printedLogins(first.stdout);
    const srv = new Server();
    srv.dir = dir;
    srv.db = first.db;
    try {
      await srv.start();
      for (const a of accounts) {
        const c = srv.client();
        const res = await c.login(a.email, password);
        assert.equal(res.status, 303, `login of ${a.email} answered ${res.status}`);
        assert.ok(c.cookie('guichet_session'), `login of ${a.email} set no session`);
      }
      await srv.stop();
    } finally {
      await srv.kill();
    }
  });
});
