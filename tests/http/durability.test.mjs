// durability.test.mjs: kill -9 under write load. Advisers record visits
// through the JSON API while the server is killed with SIGKILL and started
// again, KILLS times. Each kill comes right after a chosen number of
// acknowledged writes of its round (not after a delay), while the other
// writers still have requests in flight. Every write the client saw
// acknowledged (201 with an id) must be in the store afterwards, exactly as
// sent, and a SQLite store must pass PRAGMA integrity_check as the kill left
// it. Requests cut by the kill may or may not be stored: the client never
// heard back.
//
// On PostgreSQL (GUICHET_TEST_PG_URL, scripts/check-pg) the same run checks
// that an acknowledged commit survives the death of the server's process.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';

import { ON_PG, setupServer } from './lib.mjs';

const execFileP = promisify(execFile);

const KILLS = 5;
const WRITERS = 3;
/* The acknowledged writes of round k after which the server is killed:
 * each round stops at a different point of the load. */
const killAfter = (k) => 8 + 5 * k;

function visitBody(tag) {
  return {
    started_at: '2024-03-04T10:15:00+01:00',
    channel: 'guichet_spontane',
    duration_min: 20,
    visitor: { gender: 'feminin', age_bracket: '60_69', languages: ['ar'], allophone: true },
    demands: [{ operator_code: 'cnaf', theme_code: 'social_sante', level: 'fait_avec', outcome: 'resolu', duration_min: 15, note: tag }],
  };
}

async function integrity(db) {
  const { stdout } = await execFileP('sqlite3', [db, 'PRAGMA integrity_check']);
  return stdout.trim();
}

describe('kill -9 under write load', () => {
  let srv;
  let token;
  before(async () => {
    srv = await setupServer();
    token = await srv.token('agent');
  });
  after(async () => {
    if (!srv) return;
    if (srv.child) await srv.stop();
    await srv.cleanup();
  });

  const post = (tag) =>
    srv.client().request('POST', '/api/v1/visits', {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(visitBody(tag)),
    });

  it(`keeps every acknowledged write through ${KILLS} kills`, async (t) => {
    const acked = new Map(); // id -> tag
    let cut = 0; // requests that got no answer: the kill came first
    for (let k = 1; k <= KILLS; k++) {
      let round = 0;
      let killed = false;
      const writer = async (w) => {
        for (let i = 0; !killed; i++) {
          const tag = `k${k}-w${w}-${i}`;
          let res;
          try {
            res = await post(tag);
          } catch {
            // Refused or cut: only possible once the kill was sent.
            assert.ok(killed, `a request failed before the kill of round ${k}\n${srv.log}`);
            cut++;
            return;
          }
          // An answer that arrives after the kill was still acknowledged.
          assert.equal(res.status, 201, `round ${k}: ${res.status} ${res.text}`);
          const id = res.json().id;
          assert.ok(!acked.has(id), `id ${id} acknowledged twice`);
          acked.set(id, tag);
          if (++round === killAfter(k) && !killed) {
            killed = true;
            srv.signal('SIGKILL');
          }
        }
      };
      await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
      const exit = await srv.waitExit();
      assert.equal(exit.signal, 'SIGKILL', `round ${k}: the server was not killed: ${JSON.stringify(exit)}`);
      if (!ON_PG) assert.equal(await integrity(srv.db), 'ok', `round ${k}: the store is damaged after kill -9`);
      await srv.start();
    }
    assert.ok(acked.size >= [...Array(KILLS)].reduce((n, _, k) => n + killAfter(k + 1), 0));

    // Every acknowledged write is there, as it was sent.
    const client = srv.client();
    for (const [id, tag] of acked) {
      const res = await client.get(`/api/v1/visits/${id}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200, `acknowledged visit ${id} (${tag}) was lost`);
      assert.equal(res.json().demands[0].note, tag, `visit ${id} is not the one acknowledged`);
    }
    // And the store still takes writes.
    assert.equal((await post('after')).status, 201);
    await srv.stop();
    if (!ON_PG) assert.equal(await integrity(srv.db), 'ok');
    t.diagnostic(`${acked.size} writes acknowledged, ${cut} cut by the kills`);
  });
});
