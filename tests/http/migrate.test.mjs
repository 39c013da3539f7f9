// migrate.test.mjs: `guichet migrate-data --from SQLITE --to POSTGRES-URL`,
// a site that started alone joining a central PostgreSQL deployment.
//
// Runs only with GUICHET_TEST_PG_URL (scripts/check-pg sets it): demo data in
// SQLite is copied into a fresh PostgreSQL database and both exports
// (guichet export demands) give the same rows once the ids are left out; a
// second run writes nothing; a conflicting target gets a report and no row;
// two sites in one target keep unique ids. The target is read with psql.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';

import { freshDb, makeTempDir, removeTempDir, run, runOk } from './lib.mjs';

const PG = process.env.GUICHET_TEST_PG_URL;
const SKIP = PG ? false : 'needs a PostgreSQL cluster: GUICHET_TEST_PG_URL (scripts/check-pg sets it)';

// A fixed period in the past: every day whole, whatever the hour.
const DEMO = ['--days', '20', '--end', '2025-03-28'];
// Columns of the export holding ids, which the copy renumbers: visit_ref,
// Identifiant du lieu, Code démarche (docs/csv.md).
const ID_COLUMNS = ['visit_ref', 'Identifiant du lieu', 'Code démarche'];

/** Rows of a query on a PostgreSQL database, as arrays of strings. */
async function psql(url, query) {
  const r = await new Promise((resolve, reject) => {
    const child = spawn('psql', ['-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', query], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
  assert.equal(r.code, 0, `psql: ${query}\n${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

/** Rows of a query on a SQLite database (the sqlite3 command), as arrays of strings. */
async function sqlite(db, query) {
  const { stdout } = await promisify(execFile)('sqlite3', ['-separator', '\t', db, query]);
  return stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

// What a site's escalations say, each read through its demand (the link
// the copy rewrites), with the number of its events and documents.
const ESCALATIONS =
  'SELECT d.operator_code, e.status, e.question, e.told_by, e.useful, e.due_at - e.sent_at, ' +
  '(SELECT count(*) FROM escalation_events x WHERE x.escalation_id = e.id), ' +
  '(SELECT count(*) FROM escalation_files f WHERE f.escalation_id = e.id) ' +
  'FROM demands d JOIN escalations e ON e.id = d.escalation_id AND e.demand_id = d.id AND e.visit_id = d.visit_id ' +
  'ORDER BY 1, 2, 3, 4, 5, 6, 7, 8';
// A site's wording of a phrase and a visit's checklist, read through the
// site and the visit they belong to.
const LINKS =
  "SELECT 'phrase', s.name, p.lang, p.text FROM phrase_fixes p JOIN sites s ON s.id = p.site_id " +
  "UNION ALL SELECT 'checklist', CAST(v.started_at AS TEXT), c.item_code, CAST(c.done_at AS TEXT) " +
  'FROM visit_address_checklist c JOIN visits v ON v.id = c.visit_id ORDER BY 1, 2, 3, 4';

async function count(url, table) {
  return Number((await psql(url, `SELECT count(*) FROM ${table}`))[0][0]);
}

/** A CSV text (RFC 4180, as docs/csv.md writes it) as arrays of cells. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** The export of a database, without its id columns, rows sorted. */
async function exportRows(db) {
  const rows = parseCsv(await runOk(['export', 'demands', '--db', db]));
  const header = rows.shift();
  const drop = ID_COLUMNS.map((n) => header.indexOf(n));
  for (const [k, i] of drop.entries()) assert.ok(i >= 0, `the export has no column ${ID_COLUMNS[k]}: ${header}`);
  return rows.map((r) => JSON.stringify(r.filter((_, i) => !drop.includes(i)))).sort();
}

async function demoSite(dir, name, seed) {
  const db = path.join(dir, name);
  await runOk(['init', '--db', db]);
  const r = await run(['demo', '--db', db, ...DEMO, '--seed', String(seed)]);
  assert.equal(r.code, 0, `guichet demo: ${r.stderr}`);
  return db;
}

async function freshTarget(dir) {
  const url = await freshDb(dir);
  await runOk(['init', '--db', url]);
  return url;
}

async function migrate(from, to, extra = []) {
  return await run(['migrate-data', '--from', from, '--to', to, ...extra]);
}

/** The "N new rows" line of a successful run. */
function newRows(r) {
  assert.equal(r.code, 0, `migrate-data exited with ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  const m = /^(\d+) new rows/m.exec(r.stdout);
  assert.ok(m, `no "N new rows" line in:\n${r.stdout}`);
  return Number(m[1]);
}

const TABLES = ['sites', 'users', 'user_sites', 'visitors', 'visits', 'demands', 'workshops', 'satisfaction', 'escalations',
  'escalation_events', 'escalation_files', 'operator_referents', 'phrase_fixes', 'visit_address_checklist', 'mail_choices', 'audit'];

async function counts(url) {
  const out = {};
  for (const t of TABLES) out[t] = await count(url, t);
  return out;
}

describe('migrate-data', { skip: SKIP }, () => {
  let dir;
  let siteA;
  let siteB;
  before(async () => {
    dir = await makeTempDir();
    siteA = await demoSite(dir, 'a.db', 1);
    siteB = await demoSite(dir, 'b.db', 2);
  });
  after(async () => {
    if (dir) await removeTempDir(dir);
  });

  it('copies a site: the target exports the same demands, and a second run writes nothing', async () => {
    const target = await freshTarget(dir);
    const source = await exportRows(siteA);
    assert.ok(source.length > 50, `the demo gave only ${source.length} demands`);

    // Rows that only link others: a site's wording of a phrase, the items
    // of a visit's address checklist.
    await sqlite(
      siteA,
      "INSERT INTO phrase_fixes (site_id, lang, phrase_id, msgid, text, updated_at) SELECT id, 'en', " +
        "'0123456789ab', 'Bonjour', 'Hello there', 1 FROM sites ORDER BY id LIMIT 1; " +
        "INSERT INTO visit_address_checklist (visit_id, item_code, done_at) SELECT id, 'caf', 2 FROM visits ORDER BY id LIMIT 1",
    );
    const sourceEscalations = await sqlite(siteA, ESCALATIONS);
    assert.ok(sourceEscalations.length > 0, 'the demo gave no escalation');
    const sourceLinks = await sqlite(siteA, LINKS);
    assert.equal(sourceLinks.length, 2);

    const dry = await migrate(siteA, target, ['--dry-run']);
    assert.ok(newRows(dry) > 0);
    assert.match(dry.stdout, /dry run: nothing written/);
    assert.equal(await count(target, 'visits'), 0, 'a dry run wrote visits');

    const first = await migrate(siteA, target);
    assert.ok(newRows(first) > 0);
    assert.match(first.stdout, /^demands\s+\d+\s+[1-9]\d*\s/m, first.stdout);
    assert.deepEqual(await exportRows(target), source);
    // Escalations, their events and documents, each demand pointing at its own.
    assert.deepEqual(await psql(target, ESCALATIONS), sourceEscalations);
    assert.equal(await count(target, 'escalations'), sourceEscalations.length);
    assert.deepEqual(await psql(target, LINKS), sourceLinks);
    // The satisfaction answers come too, paper ones with their adviser's new id.
    const answers = async (db) => JSON.parse(await runOk(['stats', '--db', db, '--from', '2025-01-01', '--to', '2025-12-31'])).satisfaction;
    const sourceAnswers = await answers(siteA);
    assert.ok(sourceAnswers.answers > 0, 'the demo gave no satisfaction answer');
    assert.deepEqual(await answers(target), sourceAnswers);
    const orphans = await psql(target, 'SELECT count(*) FROM satisfaction a WHERE a.recorded_by <> 0 AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = a.recorded_by)');
    assert.equal(Number(orphans[0][0]), 0, 'a paper answer points to no adviser');
    assert.ok(Number((await psql(target, "SELECT count(*) FROM satisfaction WHERE source = 'papier'"))[0][0]) > 0);
    const before = await counts(target);

    const second = await migrate(siteA, target);
    assert.equal(newRows(second), 0, second.stdout);
    assert.deepEqual(await counts(target), before, 'the second run changed the target');
    assert.deepEqual(await exportRows(target), source);
  });

  it('refuses a target whose user has the same e-mail and other content, and writes nothing', async () => {
    const target = await freshTarget(dir);
    const email = (await runOk(['user', 'list', '--db', siteA])).split('\n')[1].split('\t')[1];
    await runOk(['user', 'add', '--db', target, '--email', email, '--name', 'Quelqu’un d’autre', '--role', 'admin'], {
      input: 'un mot de passe assez long\n',
    });
    const before = await counts(target);
    const r = await migrate(siteA, target);
    assert.equal(r.code, 1, `migrate-data exited with ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    assert.match(r.stderr, /conflict/);
    assert.ok(r.stderr.includes(email), `the report does not name ${email}:\n${r.stderr}`);
    assert.match(r.stderr, /nothing was written/);
    assert.deepEqual(await counts(target), before, 'a refused copy wrote rows');
    const mapping = await psql(target, "SELECT count(*) FROM pg_tables WHERE tablename = 'migrated_ids'");
    assert.equal(mapping[0][0], '0', 'a refused copy left its mapping table');
  });

  it('copies two sites into one target with unique ids, both present', async () => {
    const target = await freshTarget(dir);
    // Exported first: an export journals itself in the source's audit.
    const both = [...(await exportRows(siteA)), ...(await exportRows(siteB))].sort();
    newRows(await migrate(siteA, target));
    newRows(await migrate(siteB, target));
    assert.deepEqual(await exportRows(target), both);
    // Two sources, each with its own uid; no new id given twice.
    const sources = await psql(target, 'SELECT count(DISTINCT source_uid) FROM migrated_ids');
    assert.equal(sources[0][0], '2');
    const reused = await psql(
      target,
      "SELECT kind, new_id FROM migrated_ids WHERE kind IN ('site', 'visitor', 'visit', 'demand', 'workshop', 'satisfaction', 'audit') " +
        'GROUP BY kind, new_id HAVING count(*) > 1',
    );
    assert.deepEqual(reused, []);
    const sites = await psql(target, 'SELECT count(*) FROM sites');
    const perSource = Number((await psql(target, "SELECT count(*) FROM migrated_ids WHERE kind = 'site'"))[0][0]);
    assert.equal(Number(sites[0][0]), perSource);
    // Running both again changes nothing.
    const before = await counts(target);
    assert.equal(newRows(await migrate(siteA, target)), 0);
    assert.equal(newRows(await migrate(siteB, target)), 0);
    assert.deepEqual(await counts(target), before);
    // A site that went on working: only its new rows are copied (here the
    // audit row of an export).
    await exportRows(siteA);
    assert.equal(newRows(await migrate(siteA, target)), 1);
    // The copied row, and the target's own journal of the run.
    assert.equal(await count(target, 'audit'), before.audit + 2);
    const journal = await psql(target, "SELECT count(*) FROM audit WHERE action = 'migrate_data'");
    assert.equal(journal[0][0], '3', 'one journal row per run that wrote rows');
  });

  it('refuses bad arguments without writing', async () => {
    const target = await freshTarget(dir);
    const missing = await migrate(path.join(dir, 'nowhere.db'), target);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no database/);
    const usage = await run(['migrate-data', '--from', siteA]);
    assert.equal(usage.code, 2);
    assert.equal(await count(target, 'sites'), 0);
  });
});

// Without PostgreSQL too: a copy into another SQLite file (a dry run) reads
// every table of this guichet's schema, so a migration that adds a table or
// a column and forgets migrate-data fails here, in every run.
describe('migrate-data knows the whole schema', () => {
  let dir;
  before(async () => {
    dir = await makeTempDir();
  });
  after(async () => {
    if (dir) await removeTempDir(dir);
  });

  it('copies a demo store into another SQLite store, dry run', async () => {
    const from = await demoSite(dir, 'from.db', 3);
    const to = path.join(dir, 'to.db');
    await runOk(['init', '--db', to]);
    const r = await migrate(from, to, ['--dry-run']);
    assert.ok(newRows(r) > 0);
    assert.match(r.stdout, /^escalations\s+[1-9]\d*\s+[1-9]\d*\s/m, r.stdout);
    assert.match(r.stdout, /^visit_address_checklist\s+\d+/m, r.stdout);
  });
});
