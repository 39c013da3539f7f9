// privacy.test.mjs: retention and the rights of an identified person
// (docs/privacy.md). `guichet purge` (dry run, then real) on a demonstration
// store leaves `guichet stats` byte for byte the same while it removes
// identities and comments; it removes old sessions, login failures and audit
// rows and journals a summary; the server's daily purge runs when the last
// one is a day old. The export of a person (page in fr/en/ar, JSON) and the
// erasure of her identity are journaled and answer 404 to another site's
// adviser exactly like a missing record.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';

import { ON_PG, csrfToken, findTags, freshDb, makeTempDir, removeTempDir, run, runOk, setupServer, textOf } from './lib.mjs';

const execFileP = promisify(execFile);
const TODAY = new Date().toISOString().slice(0, 10);
const DAY = 86400;

async function sql(db, query) {
  const { stdout } = await execFileP('sqlite3', ['-separator', '\t', db, query]);
  return stdout.trim();
}

/** The purge's lines as { kind: count }. */
function counts(out) {
  return Object.fromEntries(out.split('\n').map((l) => l.split('\t')).map(([k, n]) => [k, Number(n)]));
}

async function recordIdentified(client, siteId, name) {
  const { csrf } = await client.form('/visits/new');
  const res = await client.post('/visits', {
    site_id: String(siteId), date: TODAY, time: '00:00', channel: 'guichet_spontane', duration_min: '15',
    age_bracket: '60_69', gender: 'feminin', social_status: 'retraite', commune_insee: '', ndemands: '1',
    d1_operator_code: 'cnav', d1_theme_code: 'social_sante', d1_procedure_id: '', d1_level: 'fait_avec',
    d1_outcome: 'resolu', d1_interpreting: 'aucun', d1_note: 'rappeler Mme au sujet de sa pension',
    identified: '1', consent_reason: 'suivi', full_name: name, phone: '06 11 22 33 44', email: 'marie@example.org',
    csrf,
  });
  assert.equal(res.status, 303, textOf(res.text).slice(0, 1000));
  return Number(/saved=(\d+)/.exec(res.location)[1]);
}

describe('guichet purge', { skip: ON_PG && 'reads and ages rows with sqlite3' }, () => {
  let dir;
  let db;
  const END = '2026-06-30';
  const stats = () => runOk(['stats', '--db', db, '--from', '2026-01-01', '--to', '2026-12-31']);

  before(async () => {
    dir = await makeTempDir('guichet-purge-');
    db = await freshDb(dir);
    await runOk(['init', '--db', db]);
    await runOk(['demo', '--db', db, '--days', '60', '--end', END, '--seed', '3']);
    const now = Math.floor(Date.now() / 1000);
    const old = now - 3 * 365 * DAY;
    await sql(db, `INSERT INTO sessions (id_hash, user_id, csrf_key, created_at, last_seen) VALUES ('old', 1, 'k', ${old}, ${old}), ('live', 1, 'k', ${now}, ${now});
      INSERT INTO login_failures (key, at) VALUES ('account:x', ${old}), ('account:y', ${now});
      INSERT INTO audit (at, action, object) VALUES (${old}, 'read', 'visitor'), (${old}, 'login', '');`);
  });
  after(() => removeTempDir(dir));

  it('says what it would remove, removes it, journals it, and leaves the statistics unchanged', async () => {
    const identified = Number(await sql(db, "SELECT COUNT(*) FROM visitors WHERE full_name <> ''"));
    const comments = Number(await sql(db, "SELECT COUNT(*) FROM satisfaction WHERE comment <> ''"));
    assert.ok(identified > 0 && comments > 0, 'the demonstration store has identified people and comments');
    const before = await stats();
    const beforeText = await runOk(['stats', '--db', db, '--from', '2026-01-01', '--to', '2026-12-31', '--format', 'text']);
    const periods = ['--retention-visitors', '1', '--retention-comments', '1'];

    const dry = counts(await runOk(['purge', '--db', db, '--dry-run', ...periods]));
    assert.deepEqual(dry, { visitors: identified, comments, sessions: 1, login_failures: 1, audit: 2, tickets: 0, escalations: 0, callbacks: 0 });
    assert.equal(Number(await sql(db, "SELECT COUNT(*) FROM visitors WHERE full_name <> ''")), identified, 'a dry run wrote');
    assert.equal(await sql(db, "SELECT COUNT(*) FROM audit WHERE object = 'retention'"), '0', 'a dry run journaled');

    const done = counts(await runOk(['purge', '--db', db, ...periods]));
    assert.deepEqual(done, dry);
    assert.equal(await sql(db, "SELECT COUNT(*) FROM visitors WHERE full_name <> '' OR phone <> '' OR email <> ''"), '0');
    assert.equal(Number(await sql(db, 'SELECT COUNT(*) FROM visitors WHERE identified = 1')), identified,
      'the visits of a person must stay one person\'s');
    assert.equal(await sql(db, "SELECT COUNT(*) FROM satisfaction WHERE comment <> ''"), '0');
    assert.equal(await sql(db, 'SELECT id_hash FROM sessions'), 'live');
    assert.equal(await sql(db, 'SELECT key FROM login_failures'), 'account:y');
    assert.match(await sql(db, "SELECT address, detail FROM audit WHERE object = 'retention'"),
      new RegExp(`^cli\tvisitors=${identified} comments=${comments} sessions=1 login_failures=1 audit=2 tickets=0 escalations=0 callbacks=0$`));

    assert.equal(await stats(), before, 'guichet stats changed with the purge');
    assert.equal(await runOk(['stats', '--db', db, '--from', '2026-01-01', '--to', '2026-12-31', '--format', 'text']), beforeText);
    // Nothing left to do: a second purge removes nothing.
    assert.deepEqual(Object.values(counts(await runOk(['purge', '--db', db, ...periods]))), [0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('refuses a bad period', async () => {
    const r = await run(['purge', '--db', db, '--retention-audit', '0']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /retention-audit/);
  });
});

describe('the daily purge of the server', { skip: ON_PG && 'ages rows with sqlite3' }, () => {
  let srv;
  before(async () => {
    srv = await setupServer({ start: false });
  });
  after(() => srv.cleanup());

  it('purges when the last purge is a day old, and not on a new store', async () => {
    await srv.start();
    const agent = await srv.login('agent');
    const visit = await recordIdentified(agent, srv.sites.rennes, 'Marie Ancienne');
    const old = Math.floor(Date.now() / 1000) - 3 * 365 * DAY;
    await sql(srv.db, `UPDATE visits SET started_at = ${old} WHERE id = ${visit};
      UPDATE visitors SET consent_at = ${old} WHERE id = (SELECT visitor_id FROM visits WHERE id = ${visit})`);
    await srv.stop();
    // A new store remembers its first start and waits a day.
    assert.notEqual(await sql(srv.db, "SELECT value FROM settings WHERE key = 'retention_last_run'"), '');
    assert.equal(await sql(srv.db, "SELECT COUNT(*) FROM audit WHERE object = 'retention'"), '0');
    await sql(srv.db, "UPDATE settings SET value = '0' WHERE key = 'retention_last_run'");
    await srv.start();
    const deadline = Date.now() + 20_000;
    while ((await sql(srv.db, "SELECT COUNT(*) FROM audit WHERE object = 'retention'")) === '0') {
      assert.ok(Date.now() < deadline, `the server did not purge\n${srv.log}`);
      await new Promise((r) => setImmediate(r));
    }
    assert.match(await sql(srv.db, "SELECT address, detail FROM audit WHERE object = 'retention'"), /^serve\tvisitors=1 /);
    assert.equal(await sql(srv.db, `SELECT full_name FROM visitors WHERE id = (SELECT visitor_id FROM visits WHERE id = ${visit})`), '');
    await srv.stop();
  });
});

describe('the rights of an identified person', () => {
  let srv;
  let agent;
  let visit;
  let person;

  before(async () => {
    srv = await setupServer();
    agent = await srv.login('agent');
    visit = await recordIdentified(agent, srv.sites.rennes, 'Marie Témoin');
    const page = await agent.get(`/visits/${visit}`);
    const link = findTags(page.text, 'a').find((a) => /^\/visitors\/\d+\/export$/.test(a.href));
    assert.ok(link, 'the visit page of an identified person links to her export');
    person = Number(/\/visitors\/(\d+)\//.exec(link.href)[1]);
    assert.ok(findTags(page.text, 'a').some((a) => a.href === `/visitors/${person}/erase?visit=${visit}`));
  });
  after(() => srv.cleanup());

  it('exports everything held about her, in her language, and journals it', async () => {
    const fr = await agent.get(`/visitors/${person}/export`);
    assert.equal(fr.status, 200);
    const t = textOf(fr.text);
    for (const s of ['Marie Témoin', '06 11 22 33 44', 'marie@example.org', 'rappeler Mme au sujet de sa pension']) {
      assert.ok(t.includes(s), `the export lacks ${s}`);
    }
    assert.match(fr.text, /<html lang="fr" dir="ltr">/);
    const ar = await agent.get(`/visitors/${person}/export?lang=ar`);
    assert.match(ar.text, /<html lang="ar" dir="rtl">/);
    assert.ok(textOf(ar.text).includes('Marie Témoin'));
    assert.match((await agent.get(`/visitors/${person}/export?lang=en`)).text, /<html lang="en" dir="ltr">/);

    const json = await agent.get(`/visitors/${person}/export.json`);
    assert.equal(json.status, 200);
    assert.match(json.headers['content-type'], /^application\/json/);
    const j = JSON.parse(json.text);
    assert.equal(j.person.full_name, 'Marie Témoin');
    assert.equal(j.visits.length, 1);
    assert.equal(j.visits[0].id, visit);
    assert.equal(j.visits[0].demands[0].note, 'rappeler Mme au sujet de sa pension');
    assert.ok(j.audit.some((a) => a.action === 'create' && a.object === 'visitor' && a.object_id === person));
    assert.ok(j.audit.some((a) => a.detail === 'export'), 'the export of the page is not in the JSON export');

    const audit = textOf((await (await srv.login('admin')).get('/audit')).text);
    assert.match(audit, new RegExp(`consultation visitor ${person} \\(export\\)`));
    assert.match(audit, new RegExp(`consultation visitor ${person} \\(export json\\)`));
    assert.doesNotMatch(audit, /Marie/);
    // A coordinator of the département may read her record, so may export it.
    assert.equal((await (await srv.login('coordinator')).get(`/visitors/${person}/export`)).status, 200);
  });

  it('answers another site\'s adviser exactly like a missing record', async () => {
    const brest = await srv.login('agentBrest');
    const missing = await brest.get('/visitors/999999/export');
    assert.equal(missing.status, 404);
    for (const p of ['export', 'export.json', 'erase']) {
      const res = await brest.get(`/visitors/${person}/${p}`);
      assert.equal(res.status, 404, `GET /visitors/${person}/${p}`);
      assert.equal(textOf(res.text), textOf(missing.text));
    }
    const res = await brest.post(`/visitors/${person}/erase`, { csrf: await brest.csrf('/') });
    assert.equal(res.status, 404);
    assert.ok(textOf((await agent.get(`/visitors/${person}/export`)).text).includes('Marie Témoin'), 'the refused erasure erased');
  });

  it('lets only those who record at her site erase her identity', async () => {
    const coordinator = await srv.login('coordinator');
    assert.equal((await coordinator.get(`/visitors/${person}/erase`)).status, 403);
    const res = await coordinator.post(`/visitors/${person}/erase`, { csrf: await coordinator.csrf('/') });
    assert.equal(res.status, 403);
  });

  it('erases her identity and keeps her visit as an anonymous fact', async () => {
    const form = await agent.get(`/visitors/${person}/erase?visit=${visit}`);
    assert.equal(form.status, 200);
    assert.ok(findTags(form.text, 'form').some((f) => f.action === `/visitors/${person}/erase`));
    const res = await agent.post(`/visitors/${person}/erase`, { csrf: csrfToken(form.text), visit: String(visit) });
    assert.equal(res.status, 303);
    assert.equal(res.location, `/visits/${visit}?erased=1`);
    const page = textOf((await agent.follow(res)).text);
    assert.doesNotMatch(page, /Marie|06 11 22|marie@|pension/);
    assert.match(page, /Identité\s*effacée/);
    assert.equal((await agent.get(`/visitors/${person}/export`)).status, 404, 'nothing is left to export');
    assert.equal((await agent.post(`/visitors/${person}/erase`, { csrf: csrfToken(form.text) })).status, 404);
    const audit = textOf((await (await srv.login('admin')).get('/audit')).text);
    assert.match(audit, new RegExp(`suppression visitor ${person} \\(identity erased\\)`));
  });
});
