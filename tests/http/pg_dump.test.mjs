// pg_dump.test.mjs: a PostgreSQL store is backed up and restored with the
// commands docs/operations.md gives ("Backups", "Restore"), as an
// administrator would: a demonstration store is dumped with pg_dump
// --format=custom, the dump is read back with pg_restore --list, and restored
// with pg_restore --no-owner --role=guichet into a database made with
// createdb, both on the same cluster and on a fresh cluster of its own
// (scripts/pg-cluster), followed by guichet init. Each restored store gives
// the same figures (guichet stats) and the same export (guichet export
// demands) as the original, and serves: /readyz is ready, a report opens and
// a new visit is recorded (the sequences came back with the rows).
//
// PostgreSQL only (scripts/check-pg sets GUICHET_TEST_PG_URL); SQLite's
// backup is tests/http/backup.test.mjs.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ON_PG, ROOT, freshDb, makeTempDir, removeTempDir, request, run, runOk, Server } from './lib.mjs';

const END = '2025-03-28';
const FROM = '2025-02-27';
const DEMO = ['--days', '30', '--end', END, '--seed', '11'];
const TOOL_TIMEOUT_MS = 120_000;
const READY_TIMEOUT_MS = 60_000;

/** Runs a PostgreSQL client or script; resolves { code, stdout, stderr }. */
function tool(cmd, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), TOOL_TIMEOUT_MS);
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

async function toolOk(cmd, args, env) {
  const r = await tool(cmd, args, env);
  assert.equal(r.code, 0, `${cmd} ${args.join(' ')} exited with ${r.code} (${r.signal ?? 'no signal'})\n${r.stderr}`);
  return r.stdout;
}

/** libpq's environment naming a cluster's server and superuser, taken from a URL of scripts/pg-cluster. */
function clusterEnv(url) {
  const u = new URL(url);
  return { PGHOST: u.searchParams.get('host'), PGPORT: u.searchParams.get('port'), PGUSER: u.searchParams.get('user') };
}

/** The URL of database name on the cluster of url. */
function databaseUrl(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** An empty database made as docs/operations.md says, on the cluster of url. */
async function createRestoreTarget(url, name) {
  await toolOk('createdb', ['--owner=guichet', '--encoding=UTF8', '--locale=C.UTF-8', '--template=template0', name], clusterEnv(url));
  return databaseUrl(url, name);
}

/** pg_restore of the dump into target, then guichet init, as docs/operations.md says. */
async function restore(file, target) {
  await toolOk('pg_restore', ['--no-owner', '--role=guichet', `--dbname=${target}`, file]);
  await runOk(['init', '--db', target]);
}

/** What the store says of itself: its figures and its export. */
async function answers(db) {
  const stats = await runOk(['stats', '--db', db, '--from', FROM, '--to', END, '--format', 'json']);
  const text = await runOk(['stats', '--db', db, '--from', FROM, '--to', END, '--format', 'text']);
  const exported = await runOk(['export', 'demands', '--db', db]);
  return { stats, text, exported };
}

/** The accounts the demo printed, by role, and their one password. */
function demoAccounts(stdout) {
  const password = /password:\s*(\S+)/i.exec(stdout)?.[1];
  const byRole = {};
  for (const line of stdout.split('\n')) {
    const m = /^\s*(admin|coordinator|manager|agent|operator)\s+(\S+@\S+)/.exec(line);
    if (m && !byRole[m[1]]) byRole[m[1]] = m[2];
  }
  assert.ok(password && byRole.admin && byRole.agent, `the demo printed no admin, adviser or password:\n${stdout}`);
  return { password, byRole };
}

describe('a PostgreSQL store backed up with pg_dump', { skip: !ON_PG && 'needs GUICHET_TEST_PG_URL (scripts/check-pg)' }, () => {
  let dir;
  let source;
  let dump;
  let original;
  let accounts;
  let clusterDir = null;
  let clusterUrl;

  before(async () => {
    dir = await makeTempDir('guichet-pgdump-');
    source = await freshDb(dir);
    await runOk(['init', '--db', source]);
    const demo = await run(['demo', '--db', source, ...DEMO]);
    assert.equal(demo.code, 0, `guichet demo exited with ${demo.code}\n${demo.stderr}`);
    accounts = demoAccounts(demo.stdout);
    original = await answers(source);
    dump = path.join(dir, 'guichet.dump');
    await toolOk('pg_dump', ['--format=custom', `--file=${dump}`, source]);
  });

  after(async () => {
    if (clusterDir) {
      const r = await tool(path.join(ROOT, 'scripts', 'pg-cluster'), ['stop', clusterDir]);
      assert.equal(r.code, 0, `pg-cluster stop: ${r.stderr}`);
    }
    if (dir) await removeTempDir(dir);
  });

  it('writes a dump that pg_restore can read', async () => {
    const st = await fsp.stat(dump);
    assert.ok(st.size > 0);
    const list = await toolOk('pg_restore', ['--list', dump]);
    for (const table of ['visits', 'demands', 'visitors', 'users', 'sites', 'audit']) {
      assert.match(list, new RegExp(`TABLE DATA \\S+ ${table} `), `the dump holds no rows of ${table}`);
    }
    assert.ok(original.exported.split('\n').length > 50, `the demo exported ${original.exported.split('\n').length} lines`);
  });

  it('restores into a new database of the same cluster, with the same figures and export', async () => {
    const target = await createRestoreTarget(process.env.GUICHET_TEST_PG_URL, `guichet_restored_${process.pid}`);
    await restore(dump, target);
    assert.deepEqual(await answers(target), original);
  });

  it('restores into a fresh cluster, with the same figures and export, and the restored store serves', async () => {
    // pg-cluster wants an empty directory whose parents the cluster's owner can enter.
    clusterDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'guichet-pgr-'));
    clusterUrl = (await toolOk(path.join(ROOT, 'scripts', 'pg-cluster'), ['start', clusterDir])).trim();
    const target = await createRestoreTarget(clusterUrl, 'guichet_restored');
    await restore(dump, target);
    assert.deepEqual(await answers(target), original);

    const srv = new Server();
    srv.dir = await makeTempDir('guichet-pgdump-serve-');
    srv.db = target;
    try {
      await srv.start();
      // Ready once the statistics are loaded from the restored rows.
      const deadline = Date.now() + READY_TIMEOUT_MS;
      let ready;
      for (;;) {
        ready = await request(srv.url, 'GET', '/readyz');
        if (ready.status === 200 || Date.now() > deadline) break;
        assert.equal(ready.status, 503, `/readyz answered ${ready.status}: ${ready.text}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.equal(ready.status, 200, ready.text);
      assert.match(ready.text, /^store ok$/m);

      srv.users.admin = { email: accounts.byRole.admin, password: accounts.password };
      srv.users.agent = { email: accounts.byRole.agent, password: accounts.password };
      const admin = await srv.login('admin');
      const report = await admin.get(`/reports/national?from=${FROM}&to=${END}`);
      assert.equal(report.status, 200, report.text.slice(0, 2000));

      // A new visit gets a new id: the sequences were restored with the rows.
      const token = await srv.token('agent');
      const res = await srv.client().request('POST', '/api/v1/visits', {
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          started_at: '2025-03-27T10:15:00+01:00',
          channel: 'guichet_spontane',
          duration_min: 20,
          visitor: { age_bracket: '60_69' },
          demands: [{ operator_code: 'cnaf', theme_code: 'social_sante', level: 'fait_avec', outcome: 'resolu', duration_min: 15 }],
        }),
      });
      assert.equal(res.status, 201, res.text);
      const after1 = await runOk(['export', 'demands', '--db', target]);
      assert.equal(after1.split('\n').length, original.exported.split('\n').length + 1);
      await srv.stop();
    } finally {
      await srv.cleanup();
    }
  });
});
