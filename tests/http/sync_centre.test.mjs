// sync_centre.test.mjs: the centre's endpoints of offline synchronisation
// (docs/sync.md), driven with hand-made JSON batches: the attach bundle,
// push applied and applied again idempotently, pull after a push from
// another origin, the conflict rules one by one, and every hostile or
// mistaken batch (another site's records, a malformed body, too many
// changes, a body of 100 MB) refused with nothing written. The statistics
// count a pushed visit once.

import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, it } from 'node:test';

import { serverForSuite } from './lib.mjs';

const LAPTOP_A = 'a'.repeat(32);
const LAPTOP_B = 'b'.repeat(32);
const OBSERVER = 'c'.repeat(32);
/* 2024-03-04T09:15:00Z: inside the period the statistics are asked about. */
const STARTED = 1709543700;
const T0 = 1709550000;

function visitState(origin, n, site, agent, over = {}) {
  return {
    uid: `${origin}:v${n}`, changed_at: T0, changed_origin: origin, site_id: site, agent_id: agent,
    started_at: STARTED, channel: 'guichet_spontane', place: '', duration_min: 20, created_at: T0, deleted_at: 0,
    visitor: {
      uid: `${origin}:p${n}`, changed_at: T0, changed_origin: origin, site_id: site, age_bracket: '60_69',
      birth_year: 0, gender: 'feminin', social_status: '', commune_insee: '', no_phone: 0, no_email: 0,
      no_device: 0, no_internet: 1, allophone: 0, languages: '', illiteracy: 0, disabilities: '',
      very_precarious: 0, identified: 0, full_name: '', phone: '', email: '', consent_reason: '', consent_at: 0,
      created_at: T0, phone_kind: '',
    },
    demands: [{
      operator_code: 'cnaf', theme_code: 'social_sante', procedure_id: 0, procedure_text: '', level: 'fait_avec',
      mandate_type: '', mandate_ref: '', autonomy: 0, equipment: '', interpreting: '', interpreting_lang: '',
      outcome: 'resolu', referral_type: '', duration_min: 15, note: 'Dossier « CAF »', created_at: T0,
    }],
    ...over,
  };
}

function workshopState(origin, n, site, agent) {
  return {
    uid: `${origin}:w${n}`, changed_at: T0, changed_origin: origin, site_id: site, agent_id: agent,
    topic_code: 'diagnostic_numerique', level: 'debutant', held_at: STARTED, duration_min: 90, participants: 3,
    g_feminin: 2, g_masculin: 1, g_non_communique: 0, a_moins_de_12: 0, a_12_17: 0, a_18_24: 0, a_25_39: 1,
    a_40_59: 1, a_60_69: 1, a_70_plus: 0, a_non_communique: 0, note: '', created_at: T0, deleted_at: 0,
  };
}

function satisfactionState(origin, n, site) {
  return {
    uid: `${origin}:s${n}`, changed_at: T0, changed_origin: origin, site_id: site, answered_at: STARTED,
    overall: 3, clarity: 5, comment: '', source: 'papier', recorded_by: 0, created_at: T0, deleted_at: 0,
  };
}

let seq = 0;
const change = (kind, state) => ({ change_id: `${state.changed_origin}:${(++seq).toString(16).padStart(16, '0')}`, kind, uid: state.uid, state });

describe('offline sync, the centre', () => {
  let srv;
  const tokens = {};
  serverForSuite((s) => (srv = s), { tokens });

  const call = (key, method, p, body, headers = {}) => {
    const h = { ...(key ? { authorization: `Bearer ${tokens[key]}` } : {}), ...headers };
    let payload = body;
    if (body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body)) {
      payload = JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    return srv.client().request(method, p, { headers: h, body: payload });
  };
  const push = (key, origin, changes) => call(key, 'POST', '/api/v1/sync/push', { origin, changes });
  const pull = async (key, since, origin) => {
    const res = await call(key, 'GET', `/api/v1/sync/pull?since=${since}&origin=${origin}`);
    assert.equal(res.status, 200, res.text);
    return res.json();
  };
  /* The centre's state of a record, as a third laptop would pull it. */
  const centreState = async (uid) => {
    const all = await pull('agent', 0, OBSERVER);
    const found = all.changes.filter((c) => c.uid === uid);
    assert.ok(found.length <= 1, 'one change per uid');
    return found[0]?.state;
  };
  const visits = async () => {
    const out = await srv.cliOk(['stats', '--from', '2024-03-01', '--to', '2024-03-31']);
    return JSON.parse(out).visits;
  };
  /* The server's own statistics engine, refreshed before each question:
   * what the centre's reports count now. */
  let manager;
  const engineVisits = async () => {
    manager ??= await srv.login('manager');
    for (let attempt = 0; attempt < 100; attempt++) {
      const res = await manager.get(`/reports/site/${srv.sites.rennes}?from=2024-03-01&to=2024-03-31&format=json`);
      if (res.status === 503) {
        // Still loading at start: poll again.
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      assert.equal(res.status, 200, res.text.slice(0, 500));
      return res.json().visits;
    }
    assert.fail('the statistics engine did not load');
  };
  const snapshot = async () => (await srv.cli(['export', 'demands'])).stdout;
  const ids = async () => ({ site: srv.sites.rennes, agent: await srv.userId('agent') });

  function assertError(res, status, code) {
    assert.equal(res.status, status, res.text);
    assert.match(res.header('content-type'), /^application\/json/);
    const e = res.json().error;
    if (code) assert.equal(e?.code, code, res.text);
    assert.equal(typeof e.message, 'string');
    return e;
  }

  it('gives the attach bundle of the account\'s site', async () => {
    const res = await call('agent', 'GET', '/api/v1/sync/attach');
    assert.equal(res.status, 200, res.text);
    const b = res.json();
    assert.equal(b.site_id, srv.sites.rennes);
    assert.equal(b.site.id, srv.sites.rennes);
    assert.equal(b.site.name, 'France services Rennes Centre');
    assert.match(b.origin, /^[0-9a-f]{32}$/);
    assert.equal(typeof b.cursor, 'number');
    const agent = b.users.find((u) => u.email === 'agent.rennes@example.org');
    assert.ok(agent, 'the agent is in the bundle');
    assert.equal(agent.id, await srv.userId('agent'));
    assert.match(agent.password_hash, /^\$argon2id\$/);
    assert.ok(!b.users.some((u) => u.email === 'agent.brest@example.org'), 'no user of another site');
    assert.ok(b.operators.some((o) => o.code === 'cnaf'));
    assert.ok(b.themes.some((t) => t.code === 'social_sante'));
    assert.ok(b.skill_topics.length > 0);
    assert.ok(Array.isArray(b.procedures));
    const geo = await call('agent', 'GET', '/api/v1/sync/geo');
    assert.equal(geo.status, 200, geo.text);
    assert.equal(typeof geo.json().next, 'string');
  });

  it('lets only the site\'s agents and managers sync', async () => {
    assertError(await call('admin', 'GET', '/api/v1/sync/attach'), 403);
    assertError(await call('coordinator', 'GET', '/api/v1/sync/attach'), 403);
    assertError(await call(null, 'GET', '/api/v1/sync/attach'), 401);
    assertError(await call('admin', 'POST', '/api/v1/sync/push', { origin: LAPTOP_A, changes: [] }), 403);
    assert.equal((await call('manager', 'GET', '/api/v1/sync/attach')).status, 200);
  });

  it('applies a push, and the same push again changes nothing', async () => {
    const { site, agent } = await ids();
    const before = await visits();
    const engineBefore = await engineVisits();
    const batch = [
      change('visit', visitState(LAPTOP_A, 1, site, agent)),
      change('workshop', workshopState(LAPTOP_A, 1, site, agent)),
      change('satisfaction', satisfactionState(LAPTOP_A, 1, site)),
    ];
    const res = await push('agent', LAPTOP_A, batch);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json().applied, batch.map((c) => c.change_id));
    assert.deepEqual(res.json().refused, []);
    assert.equal(await visits(), before + 1, 'the pushed visit is counted');
    assert.equal(await engineVisits(), engineBefore + 1, 'the server\'s engine counts it at once');
    const exported = await snapshot();
    const again = await push('agent', LAPTOP_A, batch);
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.json().applied, batch.map((c) => c.change_id), 'applied again');
    assert.equal(await visits(), before + 1, 'counted once');
    assert.equal(await engineVisits(), engineBefore + 1, 'counted once by the server\'s engine');
    assert.equal(await snapshot(), exported, 'nothing more written');
    const state = await centreState(`${LAPTOP_A}:v1`);
    assert.equal(state.demands[0].note, 'Dossier « CAF »');
    assert.equal(state.visitor.uid, `${LAPTOP_A}:p1`);
  });

  it('pulls what another laptop pushed, and not one\'s own', async () => {
    const { site, agent } = await ids();
    const start = (await pull('agent', 0, LAPTOP_B)).cursor;
    const res = await push('agent', LAPTOP_A, [change('visit', visitState(LAPTOP_A, 2, site, agent))]);
    assert.equal(res.status, 200, res.text);
    const b = await pull('agent', start, LAPTOP_B);
    assert.ok(b.changes.some((c) => c.uid === `${LAPTOP_A}:v2`), 'B pulls A\'s visit');
    assert.ok(b.cursor > start);
    assert.equal(b.more, false);
    assert.ok(b.users.some((u) => u.email === 'agent.rennes@example.org'), 'the site\'s users come along');
    const a = await pull('agent', start, LAPTOP_A);
    assert.ok(!a.changes.some((c) => c.uid === `${LAPTOP_A}:v2`), 'A does not pull its own change back');
    assert.equal(a.cursor, b.cursor, 'the cursor moves past it all the same');
    // A visit recorded on the centre itself is logged and pulled too.
    const made = await call('agent', 'POST', '/api/v1/visits', {
      started_at: '2024-03-05T10:00:00+01:00', channel: 'telephone', duration_min: 10, visitor: { gender: 'masculin' },
      demands: [{ operator_code: 'cnaf', theme_code: 'social_sante', level: 'information', outcome: 'resolu' }],
    });
    assert.equal(made.status, 201, made.text);
    const c = await pull('agent', b.cursor, LAPTOP_B);
    const mine = c.changes.find((x) => x.kind === 'visit' && x.state.channel === 'telephone');
    assert.ok(mine, 'the centre\'s own visit is pulled');
    assert.match(mine.uid, /^[0-9a-f]{32}:v\d+$/);
  });

  it('refuses a batch with another site\'s records, writing nothing', async () => {
    const { site, agent } = await ids();
    const before = await snapshot();
    const mixed = [
      change('visit', visitState(LAPTOP_A, 10, site, agent)),
      change('visit', visitState(LAPTOP_A, 11, srv.sites.brest, agent)),
    ];
    assertError(await push('agent', LAPTOP_A, mixed), 403, 'other_site');
    // A token of Brest pushing Rennes' records.
    assertError(await push('agentBrest', LAPTOP_A, [mixed[0]]), 403, 'other_site');
    // A token of Brest taking over a Rennes record by its uid.
    const taken = visitState(LAPTOP_A, 1, srv.sites.brest, await srv.userId('agentBrest'), { changed_at: T0 + 500 });
    assertError(await push('agentBrest', LAPTOP_A, [change('visit', taken)]), 403, 'other_site');
    assert.equal(await snapshot(), before, 'nothing written');
    assert.equal(await centreState(`${LAPTOP_A}:v10`), undefined);
  });

  it('refuses a malformed batch, writing nothing', async () => {
    const { site, agent } = await ids();
    const before = await snapshot();
    assertError(await call('agent', 'POST', '/api/v1/sync/push', '{"origin": "x", "changes": ['), 400, 'malformed');
    assertError(await call('agent', 'POST', '/api/v1/sync/push', { changes: [] }), 400, 'malformed');
    const noField = visitState(LAPTOP_A, 20, site, agent);
    delete noField.channel;
    assertError(await push('agent', LAPTOP_A, [change('visit', noField)]), 400, 'malformed');
    const wrongUid = change('visit', visitState(LAPTOP_A, 21, site, agent));
    wrongUid.uid = `${LAPTOP_A}:v999`;
    assertError(await push('agent', LAPTOP_A, [wrongUid]), 400, 'malformed');
    // A value the vocabularies refuse, after a good one: neither is written.
    const good = change('visit', visitState(LAPTOP_A, 22, site, agent));
    const badChannel = change('visit', visitState(LAPTOP_A, 23, site, agent, { channel: 'pigeon' }));
    assertError(await push('agent', LAPTOP_A, [good, badChannel]), 400, 'malformed');
    const badOperator = visitState(LAPTOP_A, 24, site, agent);
    badOperator.demands[0].operator_code = 'nobody';
    assertError(await push('agent', LAPTOP_A, [good, change('visit', badOperator)]), 400, 'malformed');
    assert.equal(await snapshot(), before, 'nothing written');
    assert.equal(await centreState(`${LAPTOP_A}:v22`), undefined);
  });

  it('refuses too many changes and a body of 100 MB', async () => {
    const { site, agent } = await ids();
    const before = await snapshot();
    const many = Array.from({ length: 201 }, (_, i) => change('visit', visitState(LAPTOP_A, 1000 + i, site, agent)));
    assertError(await push('agent', LAPTOP_A, many), 413);
    // 100 MB announced: answered 413 long before the body is sent.
    const status = await new Promise((resolve, reject) => {
      const u = new URL(srv.url);
      const req = http.request({
        host: u.hostname, port: u.port, method: 'POST', path: '/api/v1/sync/push',
        headers: { authorization: `Bearer ${tokens.agent}`, 'content-type': 'application/json', 'content-length': 100 * 1024 * 1024 },
      });
      req.on('response', (res) => { resolve(res.statusCode); res.resume(); req.destroy(); });
      req.on('error', (e) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? null : reject(e)));
      req.write('{"origin": "' + LAPTOP_A + '", "changes": [');
    });
    assert.equal(status, 413);
    assert.equal(await snapshot(), before, 'nothing written');
  });

  it('keeps the later of two corrections and lists the other', async () => {
    const { site, agent } = await ids();
    const first = visitState(LAPTOP_A, 30, site, agent);
    assert.equal((await push('agent', LAPTOP_A, [change('visit', first)])).status, 200);
    const later = visitState(LAPTOP_B, 30, site, agent, { uid: first.uid, changed_at: T0 + 100, duration_min: 45 });
    later.visitor.uid = first.visitor.uid;
    const r1 = await push('agent', LAPTOP_B, [change('visit', later)]);
    assert.equal(r1.status, 200, r1.text);
    assert.equal(r1.json().applied.length, 1);
    assert.equal((await centreState(first.uid)).duration_min, 45);
    const older = visitState(LAPTOP_A, 30, site, agent, { changed_at: T0 + 50, duration_min: 5 });
    const c = change('visit', older);
    const r2 = await push('agent', LAPTOP_A, [c]);
    assert.equal(r2.status, 200, r2.text);
    assert.deepEqual(r2.json().applied, []);
    assert.equal(r2.json().refused[0].change_id, c.change_id);
    assert.equal(r2.json().refused[0].reason, 'correction remplacée par une plus récente');
    assert.equal((await centreState(first.uid)).duration_min, 45, 'the later one is kept');
    // The laptop that lost pulls the winner.
    const back = await pull('agent', 0, LAPTOP_A);
    assert.equal(back.changes.find((x) => x.uid === first.uid)?.state.duration_min, 45);
  });

  it('lets a deletion win over a correction', async () => {
    const { site, agent } = await ids();
    const before = await visits();
    const v = visitState(LAPTOP_A, 40, site, agent);
    assert.equal((await push('agent', LAPTOP_A, [change('visit', v)])).status, 200);
    assert.equal(await visits(), before + 1);
    const gone = visitState(LAPTOP_B, 40, site, agent, { uid: v.uid, changed_at: T0 + 10, deleted_at: T0 + 10 });
    gone.visitor.uid = v.visitor.uid;
    assert.deepEqual((await push('agent', LAPTOP_B, [change('visit', gone)])).json().refused, []);
    assert.equal(await visits(), before, 'the deleted visit leaves the statistics');
    assert.equal(await engineVisits(), before, 'and the server\'s engine\'s');
    // A correction made later elsewhere does not bring it back.
    const fix = visitState(LAPTOP_A, 40, site, agent, { changed_at: T0 + 20, duration_min: 50 });
    const r = await push('agent', LAPTOP_A, [change('visit', fix)]);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json().refused[0].reason, 'correction d\'un enregistrement supprimé');
    assert.notEqual((await centreState(v.uid)).deleted_at, 0);
    assert.equal(await visits(), before);
    // A deletion that arrives before its record still keeps it deleted.
    const early = visitState(LAPTOP_A, 41, site, agent, { deleted_at: T0 });
    assert.equal((await push('agent', LAPTOP_A, [change('visit', early)])).status, 200);
    assert.equal(await visits(), before);
  });
});
