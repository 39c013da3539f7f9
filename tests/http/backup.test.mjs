// backup.test.mjs: `guichet backup` copies a SQLite store while the server
// writes into it, and `guichet restore` puts a copy back only after checking
// it. The restored store holds every visit acknowledged before the backup
// began; a damaged backup, an existing file or an existing store change
// nothing. On PostgreSQL both commands name pg_dump instead.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

import { ON_PG, run, serverForSuite } from './lib.mjs';

const execFileP = promisify(execFile);

async function sql(db, query) {
  const { stdout } = await execFileP('sqlite3', [db, query]);
  return stdout.trim();
}

const visit = {
  started_at: '2024-03-04T10:15:00+01:00',
  channel: 'guichet_spontane',
  duration_min: 20,
  visitor: { age_bracket: '60_69' },
  demands: [{ operator_code: 'cnaf', theme_code: 'social_sante', level: 'fait_avec', outcome: 'resolu', duration_min: 15 }],
};

describe('guichet backup and restore', () => {
  let srv;
  const tokens = {};
  serverForSuite((s) => (srv = s), { tokens, tokenUsers: ['agent'] });

  const post = () => srv.client().request('POST', '/api/v1/visits', {
    headers: { authorization: `Bearer ${tokens.agent}`, 'content-type': 'application/json' },
    body: JSON.stringify(visit),
  });

  it('names pg_dump on PostgreSQL', { skip: !ON_PG }, async () => {
    const b = await run(['backup', '--db', srv.db, '--to', path.join(srv.dir, 'pg.bak')]);
    assert.equal(b.code, 1);
    assert.match(b.stderr, /pg_dump/);
    const r = await run(['restore', '--db', srv.db, '--from', path.join(srv.dir, 'pg.bak'), '--force']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /pg_dump/);
  });

  it('copies the store under write load, and the copy restores every visit acknowledged before it', { skip: ON_PG }, async () => {
    const acknowledged = [];
    let writing = true;
    const writer = async () => {
      while (writing) {
        const res = await post();
        assert.equal(res.status, 201, res.text);
        acknowledged.push(res.json().id);
      }
    };
    const writers = [writer(), writer()];
    // Wait for real writes before copying, by counting them, not by time.
    while (acknowledged.length < 30) await new Promise((resolve) => setImmediate(resolve));
    const before = [...acknowledged];
    const file = path.join(srv.dir, 'under-load.bak');
    const b = await run(['backup', '--db', srv.db, '--to', file]);
    writing = false;
    await Promise.all(writers);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(await sql(file, 'PRAGMA integrity_check'), 'ok');

    const restored = path.join(srv.dir, 'restored.db');
    const r = await run(['restore', '--from', file, '--db', restored]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await sql(restored, 'PRAGMA integrity_check'), 'ok');
    const ids = new Set((await sql(restored, 'SELECT id FROM visits')).split('\n').map(Number));
    for (const id of before) assert.ok(ids.has(id), `visit ${id}, acknowledged before the backup, is missing`);
    assert.ok(ids.size <= acknowledged.length, `${ids.size} visits restored, ${acknowledged.length} written`);
    // The restored store answers like the backup it came from.
    const stats = async (db) => (await run(['stats', '--db', db, '--from', '2024-01-01', '--to', '2024-12-31', '--format', 'json'])).stdout;
    assert.equal(await stats(restored), await stats(file));
  });

  it('writes no backup over an existing file, and restores over an existing store only with --force', { skip: ON_PG }, async () => {
    const file = path.join(srv.dir, 'one.bak');
    assert.equal((await run(['backup', '--db', srv.db, '--to', file])).code, 0);
    const again = await run(['backup', '--db', srv.db, '--to', file]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists/);

    const target = path.join(srv.dir, 'target.db');
    assert.equal((await run(['restore', '--from', file, '--db', target])).code, 0);
    const count = await sql(target, 'SELECT count(*) FROM visits');
    await post();
    const other = path.join(srv.dir, 'two.bak');
    assert.equal((await run(['backup', '--db', srv.db, '--to', other])).code, 0);
    const refused = await run(['restore', '--from', other, '--db', target]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /--force/);
    assert.equal(await sql(target, 'SELECT count(*) FROM visits'), count);
    assert.equal((await run(['restore', '--from', other, '--db', target, '--force'])).code, 0);
    assert.equal(Number(await sql(target, 'SELECT count(*) FROM visits')), Number(count) + 1);
  });

  it('refuses a damaged backup or a file that is no store, and changes nothing', { skip: ON_PG }, async () => {
    const good = path.join(srv.dir, 'good.bak');
    assert.equal((await run(['backup', '--db', srv.db, '--to', good])).code, 0);
    const target = path.join(srv.dir, 'kept.db');
    assert.equal((await run(['restore', '--from', good, '--db', target])).code, 0);
    const before = await fs.readFile(target);

    const garbage = path.join(srv.dir, 'garbage.bak');
    await fs.writeFile(garbage, Buffer.alloc(8192, 0x41));
    const damaged = path.join(srv.dir, 'damaged.bak');
    const bytes = await fs.readFile(good);
    // Overwrite pages in the middle of the file: SQLite's check sees it.
    bytes.fill(0x5a, 4096 * 2, 4096 * 4);
    await fs.writeFile(damaged, bytes);
    const empty = path.join(srv.dir, 'empty.bak');
    await execFileP('sqlite3', [empty, 'CREATE TABLE t(x)']);
    for (const bad of [garbage, damaged, empty, path.join(srv.dir, 'missing.bak')]) {
      const r = await run(['restore', '--from', bad, '--db', target, '--force']);
      assert.equal(r.code, 1, `${path.basename(bad)}: ${r.stderr}`);
      assert.ok(r.stderr.length > 10);
      assert.deepEqual(await fs.readFile(target), before, `${path.basename(bad)} changed the store`);
    }
  });
});
