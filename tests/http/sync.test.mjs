// sync.test.mjs: offline recording on a laptop that synchronises with a
// centre (docs/sync.md), with two real servers: the centre (on PostgreSQL
// when scripts/check-pg runs this file, on SQLite otherwise) and a laptop
// store (SQLite) attached to it through a loopback proxy, so that the centre
// can be stopped and started again on another port. Visits recorded on the
// laptop with the centre stopped reach it, record by record (by uid) and
// figure by figure (`guichet stats`); two laptops of one site never collide
// and each pulls the other's visits; the status line, the /sync page and
// /metrics say the state.

import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';

import { makeTempDir, removeTempDir, run, runOk, setupServer, textOf } from './lib.mjs';
import { api, attachLaptop, loadSliverGeo, query, records, selfSigned, startProxy, visitBody } from './sync_proxy.mjs';

const METRICS_TOKEN = 'sync-test-metrics-token-0123456789';
/* The laptop's own thread would sync at its pace: the tests sync by hand. */
const LAPTOP_ARGS = ['--sync-interval', '86400', '--sync-timeout', '5', '--metrics-token', METRICS_TOKEN];
const FROM = '2024-03-01';
const TO = '2024-03-31';

async function stats(db, site) {
  const out = await runOk(['stats', '--db', db, '--from', FROM, '--to', TO, '--site', String(site)]);
  const r = JSON.parse(out);
  delete r.generated_at;
  return r;
}

/* The status line of the page header. */
function statusLine(html) {
  const m = /<p class="sync-status" role="status">([\s\S]*?)<\/p>/.exec(html);
  return m ? textOf(m[1]).trim() : null;
}

async function syncNow(client) {
  const { csrf } = await client.form('/sync');
  const res = await client.post('/sync', { csrf });
  assert.equal(res.status, 303, res.text.slice(0, 500));
  return res.location;
}

describe('a laptop records offline and syncs with its centre', () => {
  let centre, laptop, proxy;
  const made = [];

  before(async () => {
    centre = await setupServer();
    await loadSliverGeo(centre);
    proxy = await startProxy({ targetPort: centre.port });
    const token = await centre.token('agent');
    laptop = await attachLaptop(centre, `http://127.0.0.1:${proxy.port}`, token);
    await laptop.start(LAPTOP_ARGS);
  });
  after(async () => {
    await laptop?.cleanup();
    await centre?.cleanup();
    await proxy?.close();
  });

  it('took the site, its accounts (same passwords), the catalog and the geography', async () => {
    const status = await runOk(['sync', 'status', '--db', laptop.db]);
    assert.match(status, new RegExp(`attached to: http://127\\.0\\.0\\.1:${proxy.port} \\(site ${centre.sites.rennes}\\)`));
    // An adviser of the site logs in on the laptop with the centre's password.
    const c = await laptop.login('agent');
    const home = await c.get('/');
    assert.equal(home.status, 200);
    assert.ok(statusLine(home.text), 'no status line on a page of an attached laptop');
    const communes = await query(laptop.db, 'SELECT code FROM communes ORDER BY code');
    assert.deepEqual(communes, [['29019'], ['35238'], ['35288']]);
    const sites = await query(laptop.db, 'SELECT id, name FROM sites');
    assert.deepEqual(sites, [[String(centre.sites.rennes), 'France services Rennes Centre']]);
  });

  it('records with the centre stopped, keeps the changes and says the sync failed', async () => {
    await centre.stop();
    const token = await laptop.token('agent');
    for (let n = 0; n < 8; n++) {
      const res = await api(laptop, token, 'POST', '/api/v1/visits', visitBody(n));
      assert.equal(res.status, 201, res.text);
      made.push(res.json());
    }
    // A correction and a deletion travel too.
    const fix = await api(laptop, token, 'PATCH', `/api/v1/visits/${made[1].id}`, { duration_min: 55 });
    assert.equal(fix.status, 200, fix.text);
    const del = await api(laptop, token, 'DELETE', `/api/v1/visits/${made[2].id}`);
    assert.ok([200, 204].includes(del.status), del.text);

    const push = await laptop.cli(['sync', 'push']);
    assert.equal(push.code, 1, push.stdout + push.stderr);
    const status = await runOk(['sync', 'status', '--db', laptop.db]);
    assert.match(status, /changes waiting: (\d+)/);
    assert.ok(Number(/changes waiting: (\d+)/.exec(status)[1]) >= 8, status);
    assert.match(status, /last error: /);

    const m = await laptop.login('manager');
    const loc = await syncNow(m);
    assert.equal(loc, '/sync?done=failed');
    const page = await m.get(loc);
    assert.equal(page.status, 200);
    assert.match(page.text, /role="alert"|notice-error|La synchronisation a échoué/);
    assert.match(statusLine(page.text), /^Dernière synchronisation échouée : /);
    const metrics = await laptop.client().get('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.ok(Number(/^guichet_sync_pending_changes (\d+)$/m.exec(metrics.text)?.[1]) >= 8, metrics.text);
    assert.match(metrics.text, /^guichet_sync_oldest_pending_seconds \d+$/m);
  });

  it('syncs once the centre is back: both stores hold the same records and the same figures', async () => {
    await centre.start();
    proxy.targetPort = centre.port;
    const m = await laptop.login('manager');
    assert.equal(await syncNow(m), '/sync?done=ok');
    const page = await m.get('/sync');
    assert.match(statusLine(page.text), /^Synchronisé il y a 0 min · 0 changement en attente$/);
    assert.match(textOf(page.text), /Changements en attente\s*0/);
    assert.match(textOf(page.text), /Historique des synchronisations/);

    const here = await records(laptop.db);
    const there = await records(centre.db);
    assert.equal(here.visits.length, 8);
    assert.deepEqual(there.visits, here.visits);
    assert.deepEqual(there.demands, here.demands);
    assert.deepEqual(there.visitors, here.visitors);
    // The deleted one is deleted on both sides, the corrected one corrected.
    assert.equal(here.visits.filter((v) => v[6] !== '0').length, 1);
    assert.equal(here.visits.filter((v) => v[4] === '55').length, 1);

    const site = centre.sites.rennes;
    assert.deepEqual(await stats(centre.db, site), await stats(laptop.db, site));

    const metrics = await laptop.client().get('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(metrics.status, 200);
    assert.match(metrics.text, /^guichet_sync_pending_changes 0$/m);
    assert.match(metrics.text, /^guichet_sync_oldest_pending_seconds 0$/m);

    const status = await runOk(['sync', 'status', '--db', laptop.db]);
    assert.match(status, /changes waiting: 0/);
    assert.doesNotMatch(status, /last error/);
  });

  it('lists a change the centre refused, with its reason, on the page and in the status', async () => {
    // Deleted on the centre, corrected on the laptop: a deletion wins.
    const uid = (await query(laptop.db, `SELECT uid FROM visits WHERE id = ${made[3].id}`))[0][0];
    const centreId = (await query(centre.db, `SELECT id FROM visits WHERE uid = '${uid}'`))[0][0];
    const del = await api(centre, await centre.token('agent'), 'DELETE', `/api/v1/visits/${centreId}`);
    assert.ok([200, 204].includes(del.status), del.text);
    const fix = await api(laptop, await laptop.token('agent'), 'PATCH', `/api/v1/visits/${made[3].id}`, { duration_min: 44 });
    assert.equal(fix.status, 200, fix.text);
    const out = await runOk(['sync', 'push', '--db', laptop.db]);
    assert.match(out, /refused 1,/);
    const status = await runOk(['sync', 'status', '--db', laptop.db]);
    assert.match(status, /refused changes: 1\n/);
    assert.match(status, new RegExp(`centre\tvisit\t${uid}\t`));
    const m = await laptop.login('manager');
    const page = textOf((await m.get('/sync')).text);
    assert.match(page, /Changements refusés/);
    assert.match(page, /Refusé par le serveur central/);
    assert.match(page, /correction d'un enregistrement supprimé/);
    assert.ok(page.includes(uid));
    // The centre keeps it deleted, and the laptop gets the deletion back.
    await runOk(['sync', 'pull', '--db', laptop.db]);
    const onCentre = await query(centre.db, `SELECT CASE WHEN deleted_at > 0 THEN 1 ELSE 0 END FROM visits WHERE uid = '${uid}'`);
    assert.deepEqual(onCentre, [['1']]);
    assert.deepEqual(await query(laptop.db, `SELECT CASE WHEN deleted_at > 0 THEN 1 ELSE 0 END FROM visits WHERE uid = '${uid}'`), [['1']]);
  });

  // Two corrections of one record in quick succession, the first pushed
  // between them: the second must not be taken for the state the centre
  // already has. A record's changed_at only grows (docs/sync.md), so two
  // versions never share it, even within one second.
  it('two quick corrections of one record, pushed between them, both reach the centre', async () => {
    const token = await laptop.token('agent');
    const id = made[4].id;
    const uid = (await query(laptop.db, `SELECT uid FROM visits WHERE id = ${id}`))[0][0];
    for (let attempt = 0; attempt < 3; attempt++) {
      const first = 100 + attempt * 2;
      assert.equal((await api(laptop, token, 'PATCH', `/api/v1/visits/${id}`, { duration_min: first })).status, 200);
      const at1 = Number((await query(laptop.db, `SELECT changed_at FROM visits WHERE id = ${id}`))[0][0]);
      await runOk(['sync', 'push', '--db', laptop.db]);
      assert.equal((await api(laptop, token, 'PATCH', `/api/v1/visits/${id}`, { duration_min: first + 1 })).status, 200);
      const at2 = Number((await query(laptop.db, `SELECT changed_at FROM visits WHERE id = ${id}`))[0][0]);
      assert.ok(at2 > at1, `changed_at did not grow: ${at1} then ${at2}`);
      await runOk(['sync', 'push', '--db', laptop.db]);
      const there = await query(centre.db, `SELECT duration_min FROM visits WHERE uid = '${uid}'`);
      assert.deepEqual(there, [[String(first + 1)]], 'the second correction did not reach the centre');
    }
  });

  it('a second sync sends nothing and changes nothing', async () => {
    const before1 = await records(centre.db);
    const out = await runOk(['sync', 'push', '--db', laptop.db]);
    assert.match(out, /^sent 0,/);
    await runOk(['sync', 'pull', '--db', laptop.db]);
    assert.deepEqual(await records(centre.db), before1);
  });

  it('refuses a plain http centre that is not on this machine, and a second attach', async () => {
    const r = await laptop.cli(['sync', 'attach', '--server', 'http://example.org', '--token', 'x'.repeat(40)]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /https/);
    const again = await laptop.cli(['sync', 'attach', '--server', `http://127.0.0.1:${proxy.port}`, '--token', 'x'.repeat(40)]);
    assert.equal(again.code, 1, again.stderr);
    assert.match(again.stderr, /already attached/);
  });

  it('keeps /sync for the managers of an attached store', async () => {
    const a = await laptop.login('agent');
    assert.equal((await a.get('/sync')).status, 403);
    const plain = await centre.login('admin');
    assert.equal((await plain.get('/sync')).status, 404);
    assert.equal(statusLine((await plain.get('/')).text), null);
  });
});

describe('two laptops of one site', () => {
  let centre, a, b, proxy;

  before(async () => {
    centre = await setupServer();
    proxy = await startProxy({ targetPort: centre.port });
    const url = `http://127.0.0.1:${proxy.port}`;
    a = await attachLaptop(centre, url, await centre.token('agent'), { name: 'laptop-a' });
    b = await attachLaptop(centre, url, await centre.token('manager'), { name: 'laptop-b' });
    await a.start(LAPTOP_ARGS);
    await b.start(LAPTOP_ARGS);
  });
  after(async () => {
    await a?.cleanup();
    await b?.cleanup();
    await centre?.cleanup();
    await proxy?.close();
  });

  it('record offline, sync, never collide, and each pulls the other\'s visits', async () => {
    const ta = await a.token('agent');
    const tb = await b.token('manager');
    for (let n = 0; n < 5; n++) {
      assert.equal((await api(a, ta, 'POST', '/api/v1/visits', visitBody(n))).status, 201);
      assert.equal((await api(b, tb, 'POST', '/api/v1/visits', visitBody(n + 100))).status, 201);
    }
    const ua = (await query(a.db, 'SELECT uid FROM visits ORDER BY uid')).map((r) => r[0]);
    const ub = (await query(b.db, 'SELECT uid FROM visits ORDER BY uid')).map((r) => r[0]);
    // The same local ids, different global ones.
    assert.deepEqual(await query(a.db, 'SELECT id FROM visits ORDER BY id'), await query(b.db, 'SELECT id FROM visits ORDER BY id'));
    assert.equal(new Set([...ua, ...ub]).size, 10);

    for (const l of [a, b]) await runOk(['sync', 'push', '--db', l.db]);
    for (const l of [a, b]) await runOk(['sync', 'pull', '--db', l.db]);

    const all = [...ua, ...ub].sort();
    const centreUids = (await query(centre.db, "SELECT uid FROM visits WHERE uid <> '' ORDER BY uid")).map((r) => r[0]);
    assert.deepEqual(centreUids, all);
    const ra = await records(a.db);
    const rb = await records(b.db);
    const rc = await records(centre.db);
    assert.deepEqual(ra.visits, rc.visits);
    assert.deepEqual(rb.visits, rc.visits);
    assert.deepEqual(ra.demands, rc.demands);
    assert.deepEqual(rb.demands, rc.demands);
    const site = centre.sites.rennes;
    const s = await stats(centre.db, site);
    assert.equal(s.visits, 10);
    assert.deepEqual(await stats(a.db, site), s);
    assert.deepEqual(await stats(b.db, site), s);
    // Pulled visits are not pushed back.
    assert.match(await runOk(['sync', 'push', '--db', a.db]), /^sent 0,/);
  });

  it('an account of several sites names one with --site', async () => {
    await centre.addUser('multi', { email: 'multi@example.org', name: 'Mona Multisite', role: 'agent', sites: ['rennes', 'malo'] });
    const token = await centre.token('multi');
    const url = `http://127.0.0.1:${proxy.port}`;
    const db = `${a.dir}/multi.db`;
    const without = await run(['sync', 'attach', '--db', db, '--server', url, '--token', token]);
    assert.equal(without.code, 1, without.stderr);
    assert.match(without.stderr, /HTTP 400/);
    await runOk(['sync', 'attach', '--db', db, '--server', url, '--token', token, '--site', String(centre.sites.malo)]);
    assert.match(await runOk(['sync', 'status', '--db', db]), new RegExp(`\\(site ${centre.sites.malo}\\)`));
    await runOk(['sync', 'pull', '--db', db]);
    assert.deepEqual(await query(db, 'SELECT id FROM sites'), [[String(centre.sites.malo)]]);
  });
});

describe('the server of an attached laptop syncs by itself', () => {
  let centre, laptop, proxy;

  before(async () => {
    centre = await setupServer();
    proxy = await startProxy({ targetPort: centre.port });
    laptop = await attachLaptop(centre, `http://127.0.0.1:${proxy.port}`, await centre.token('agent'));
    await laptop.start(['--sync-interval', '1', '--sync-timeout', '5']);
  });
  after(async () => {
    await laptop?.cleanup();
    await centre?.cleanup();
    await proxy?.close();
  });

  it('sends what is recorded without anyone asking, and stops cleanly', async () => {
    const token = await laptop.token('agent');
    for (let n = 0; n < 3; n++) assert.equal((await api(laptop, token, 'POST', '/api/v1/visits', visitBody(n))).status, 201);
    const uids = (await query(laptop.db, 'SELECT uid FROM visits ORDER BY uid')).map((r) => r[0]);
    // Waits on the condition (the thread's pace is its setting), not a fixed time.
    let there = [];
    for (let i = 0; i < 3000 && there.length < 3; i++) {
      there = (await query(centre.db, "SELECT uid FROM visits WHERE uid <> '' ORDER BY uid")).map((r) => r[0]);
      if (there.length < 3) await delay(10);
    }
    assert.deepEqual(there, uids);
    // Requests are answered while it syncs; SIGTERM stops the thread with the server.
    assert.equal((await laptop.client().get('/healthz')).status, 200);
    await laptop.stop();
  });
});

describe('a centre behind HTTPS', () => {
  let centre, proxy, dir, cert;

  before(async () => {
    centre = await setupServer();
    dir = await makeTempDir('guichet-sync-tls-');
    cert = await selfSigned(dir);
    proxy = await startProxy({ targetPort: centre.port, tlsOptions: { key: cert.key, cert: cert.cert } });
  });
  after(async () => {
    await centre?.cleanup();
    await proxy?.close();
    if (dir) await removeTempDir(dir);
  });

  it('is refused when its certificate is not trusted, and taken with sync-ca-file', async () => {
    const url = `https://127.0.0.1:${proxy.port}`;
    const token = await centre.token('agent');
    const db = `${dir}/laptop.db`;
    const refused = await run(['sync', 'attach', '--db', db, '--server', url, '--token', token]);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /certificate/i);
    assert.match(await runOk(['sync', 'status', '--db', db]), /not attached/);
    await runOk(['sync', 'attach', '--db', db, '--server', url, '--token', token, '--sync-ca-file', cert.certFile]);
    assert.match(await runOk(['sync', 'status', '--db', db]), new RegExp(`attached to: ${url.replace(/\./g, '\\.')}`));
    // The setting is needed at each sync, not only at the attachment.
    assert.equal((await run(['sync', 'pull', '--db', db])).code, 1);
    await runOk(['sync', 'pull', '--db', db], { env: { GUICHET_SYNC_CA_FILE: cert.certFile } });
  });
});
