// concurrency.test.mjs: many advisers writing at once, across sites, through
// the JSON API, on PostgreSQL (scripts/check-pg). Every request is answered
// (2xx, or a clear 409/503 JSON error), nothing is lost (the stored counts
// are exactly what was acknowledged) and concurrent corrections of one visit
// leave it as one of them wrote it, never a mix nor doubled demands.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { setupServer } from '../http/lib.mjs';
import { api, assertJsonError, psql, SKIP, visitBody } from './lib.mjs';

const SITES = 4;
const CLIENTS = 8; // two advisers per site
const VISITS_PER_CLIENT = 200;
const CORRECTIONS_PER_CLIENT = 25;

const sites = {};
const users = {};
for (let s = 1; s <= SITES; s++) sites[`s${s}`] = { name: `France services ${s}`, type: 'france_services', commune: '35238' };
for (let c = 1; c <= CLIENTS; c++) {
  users[`a${c}`] = { email: `agent${c}@example.org`, name: `Conseiller ${c}`, role: 'agent', sites: [`s${((c - 1) % SITES) + 1}`] };
}

/* An answer that is not a success must be a clear, expected error. */
function checkAnswer(res, what) {
  if (res.status >= 200 && res.status < 300) return true;
  assert.ok([409, 503].includes(res.status), `${what}: unexpected ${res.status}: ${res.text}`);
  assertJsonError(res, what);
  return false;
}

describe('concurrent writers on PostgreSQL', { skip: SKIP }, () => {
  let srv;
  const tokens = {};
  before(async () => {
    srv = await setupServer({ sites, users, serveArgs: ['--threads', '8'] });
    for (const k of Object.keys(users)) tokens[k] = await srv.token(k);
  });
  after(async () => {
    if (!srv) return;
    if (srv.child) await srv.stop();
    await srv.cleanup();
  });

  it(`${CLIENTS} advisers × ${VISITS_PER_CLIENT} visits and concurrent corrections of one visit: nothing lost`, async () => {
    // The visit everyone corrects: at site 1, where a1 and a5 record.
    const target = await api(srv, tokens.a1, 'POST', '/api/v1/visits', visitBody(1, 'initial'));
    assert.equal(target.status, 201, target.text);
    const targetId = target.json().id;
    const correctors = Object.keys(users).filter((k) => users[k].sites[0] === 's1');

    const acked = []; // { id, site, demands }
    let refused = 0;
    const writer = async (key) => {
      for (let i = 0; i < VISITS_PER_CLIENT; i++) {
        const n = (i % 3) + 1;
        const res = await api(srv, tokens[key], 'POST', '/api/v1/visits', visitBody(n, `${key}-${i}`));
        if (checkAnswer(res, `POST by ${key}`)) {
          assert.equal(res.status, 201, res.text);
          const v = res.json();
          assert.equal(v.demands.length, n);
          acked.push({ id: v.id, site: v.site_id, demands: n });
        } else refused++;
      }
    };
    const corrections = new Map(); // tag -> number of demands
    const corrector = async (key) => {
      for (let j = 0; j < CORRECTIONS_PER_CLIENT; j++) {
        const tag = `${key}-c${j}`;
        const n = (j % 3) + 1;
        // Alternate the two verbs: PUT replaces, PATCH replaces the list.
        const body = visitBody(n, tag);
        const res =
          j % 2 === 0
            ? await api(srv, tokens[key], 'PUT', `/api/v1/visits/${targetId}`, body)
            : await api(srv, tokens[key], 'PATCH', `/api/v1/visits/${targetId}`, { place: tag, demands: body.demands });
        if (checkAnswer(res, `correction by ${key}`)) {
          assert.equal(res.status, 200, res.text);
          corrections.set(tag, n);
        }
      }
    };
    await Promise.all([...Object.keys(users).map(writer), ...correctors.flatMap((k) => [corrector(k), corrector(k)])]);

    // Every request was answered and the server is alive.
    assert.equal(srv.child.exitCode, null, `the server exited\n${srv.log}`);
    const ids = new Set(acked.map((a) => a.id));
    assert.equal(ids.size, acked.length, 'an id was given twice');
    assert.ok(acked.length >= CLIENTS * VISITS_PER_CLIENT * 0.95, `only ${acked.length} visits acknowledged (${refused} refused)`);

    // Exactly what was acknowledged, per site, visits and demands.
    const want = new Map();
    for (const a of acked) {
      const w = want.get(a.site) ?? { visits: 0, demands: 0 };
      w.visits++;
      w.demands += a.demands;
      want.set(a.site, w);
    }
    const got = await psql(
      srv.db,
      `SELECT v.site_id, count(DISTINCT v.id), count(d.id) FROM visits v JOIN demands d ON d.visit_id = v.id
       WHERE v.deleted_at = 0 AND v.id <> ${targetId} GROUP BY v.site_id ORDER BY v.site_id`,
    );
    assert.equal(got.length, SITES);
    for (const [site, nv, nd] of got) {
      const w = want.get(Number(site));
      assert.deepEqual({ visits: Number(nv), demands: Number(nd) }, w, `site ${site}`);
    }

    // The corrected visit is one whole correction: its place and every
    // demand carry the same tag, with that correction's number of demands.
    assert.ok(corrections.size > 0, 'no correction was acknowledged');
    const res = await api(srv, tokens.a1, 'GET', `/api/v1/visits/${targetId}`);
    assert.equal(res.status, 200, res.text);
    const v = res.json();
    assert.ok(corrections.has(v.place), `the visit's place ${JSON.stringify(v.place)} is no acknowledged correction`);
    assert.equal(v.demands.length, corrections.get(v.place), 'demands lost or doubled');
    for (const d of v.demands) assert.equal(d.note, v.place, 'a demand of another correction');
    const stored = await psql(srv.db, `SELECT count(*) FROM demands WHERE visit_id = ${targetId}`);
    assert.equal(Number(stored[0][0]), corrections.get(v.place));
  });
});
