// api_visits.test.mjs: the JSON API v1 of accompaniments. Create, list
// (filters, pagination), read, correct (PATCH, PUT), delete; every bad
// input answers a clear JSON error and writes nothing; a visit of another
// site answers 404 exactly like a missing one; the correction window
// answers 409; the catalog gives every vocabulary.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { serverForSuite } from './lib.mjs';

const MISSING = 999999;

function visitBody(overrides = {}) {
  return {
    started_at: '2024-03-04T10:15:00+01:00',
    channel: 'guichet_spontane',
    duration_min: 20,
    visitor: { gender: 'feminin', age_bracket: '60_69', languages: ['ar', 'fa'], allophone: true, no_internet: true },
    demands: [
      { operator_code: 'cnaf', theme_code: 'social_sante', level: 'fait_avec', outcome: 'resolu', duration_min: 15, equipment: ['ordinateur'] },
      { operator_code: 'dgfip', theme_code: 'argent_impots', level: 'fait_pour', mandate_type: 'papier', outcome: 'oriente', referral_type: 'administration', duration_min: 5, note: 'Avis d\'impôt « 2023 »' },
    ],
    ...overrides,
  };
}

describe('JSON API of visits', () => {
  let srv;
  const tokens = {};
  serverForSuite((s) => (srv = s), { tokens });

  const call = (key, method, p, body, headers = {}) => {
    const h = { ...(key ? { authorization: `Bearer ${tokens[key]}` } : {}), ...headers };
    let payload = body;
    if (body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body)) {
      payload = JSON.stringify(body);
      if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json';
    }
    return srv.client().request(method, p, { headers: h, body: payload });
  };
  /* Everything recorded, as the command line exports it: "nothing written" means this does not change. */
  const snapshot = async () => (await srv.cli(['export', 'demands'])).stdout;

  async function create(key = 'agent', overrides = {}) {
    const res = await call(key, 'POST', '/api/v1/visits', visitBody(overrides));
    assert.equal(res.status, 201, res.text);
    return res.json();
  }

  function assertError(res, status, code) {
    assert.equal(res.status, status, res.text);
    assert.match(res.header('content-type'), /^application\/json/);
    const e = res.json().error;
    assert.equal(e?.code, code, res.text);
    assert.equal(typeof e.message, 'string');
    assert.ok(e.message.length > 10);
    return e;
  }

  describe('create, read, list, correct, delete', () => {
    it('creates a visit and reads it back', async () => {
      const res = await call('agent', 'POST', '/api/v1/visits', visitBody());
      assert.equal(res.status, 201, res.text);
      const v = res.json();
      assert.equal(res.header('location'), `/api/v1/visits/${v.id}`);
      assert.equal(v.site_id, srv.sites.rennes, 'the only site of the agent is the default');
      assert.equal(v.agent_id, await srv.userId('agent'));
      assert.equal(v.started_at, '2024-03-04T09:15:00Z');
      assert.equal(v.channel, 'guichet_spontane');
      assert.equal(v.duration_min, 20);
      assert.deepEqual(v.visitor.languages, ['ar', 'fa']);
      assert.equal(v.visitor.allophone, true);
      assert.equal(v.visitor.identified, false);
      assert.equal(v.demands.length, 2);
      assert.deepEqual(v.demands[0].equipment, ['ordinateur']);
      assert.equal(v.demands[1].referral_type, 'administration');
      assert.equal(v.demands[1].note, 'Avis d\'impôt « 2023 »');
      const again = await call('agent', 'GET', `/api/v1/visits/${v.id}`);
      assert.equal(again.status, 200);
      assert.deepEqual(again.json(), v);
    });

    it('lists with filters and a cursor', async () => {
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push((await create('agent', { started_at: `2024-04-0${i + 1}T09:00:00Z`, channel: i % 2 ? 'telephone' : 'visio' })).id);
      const seen = [];
      let next = null;
      let pages = 0;
      do {
        const res = await call('agent', 'GET', `/api/v1/visits?from=2024-04-01&to=2024-04-05&limit=2${next ? `&cursor=${next}` : ''}`);
        assert.equal(res.status, 200, res.text);
        const body = res.json();
        assert.ok(body.visits.length <= 2);
        seen.push(...body.visits.map((v) => v.id));
        next = body.next;
        assert.ok(++pages < 10);
      } while (next);
      assert.deepEqual(seen, [...ids].reverse(), 'newest first, each once');
      const phone = (await call('agent', 'GET', '/api/v1/visits?from=2024-04-01&channel=telephone')).json();
      assert.deepEqual(phone.visits.map((v) => v.id).sort(), [ids[1], ids[3]].sort());
      const oriented = (await call('agent', 'GET', '/api/v1/visits?outcome=oriente&operator=dgfip&theme=argent_impots&limit=200')).json();
      assert.ok(oriented.visits.length >= 6);
      assert.equal(oriented.next, null);
      assert.ok(oriented.visits.every((v) => v.visitor.full_name === undefined));
      const none = (await call('agent', 'GET', `/api/v1/visits?agent=${MISSING}`)).json();
      assert.deepEqual(none.visits, []);
    });

    it('corrects with PATCH (the rest kept) and PUT (all replaced)', async () => {
      const v = await create();
      let res = await call('agent', 'PATCH', `/api/v1/visits/${v.id}`, { channel: 'telephone', demands: [{ id: v.demands[0].id, outcome: 'doit_revenir' }] });
      assert.equal(res.status, 200, res.text);
      let w = res.json();
      assert.equal(w.channel, 'telephone');
      assert.equal(w.duration_min, 20);
      assert.deepEqual(w.visitor.languages, ['ar', 'fa']);
      assert.equal(w.demands.length, 1, 'the demand left out is removed');
      assert.equal(w.demands[0].id, v.demands[0].id);
      assert.equal(w.demands[0].outcome, 'doit_revenir');
      assert.equal(w.demands[0].operator_code, 'cnaf');

      res = await call('agent', 'PUT', `/api/v1/visits/${v.id}`, {
        started_at: '2024-03-05T08:00:00Z',
        channel: 'visio',
        demands: [{ operator_code: 'ants', theme_code: 'papiers_citoyennete', level: 'information', outcome: 'resolu' }],
      });
      assert.equal(res.status, 200, res.text);
      w = res.json();
      assert.equal(w.channel, 'visio');
      assert.equal(w.visitor.gender, 'non_communique', 'PUT resets what the body does not give');
      assert.deepEqual(w.visitor.languages, []);
      assert.equal(w.demands.length, 1);
      assert.equal(w.demands[0].operator_code, 'ants');
      assert.equal((await call('agent', 'GET', `/api/v1/visits/${v.id}`)).json().channel, 'visio');
    });

    it('deletes softly: gone from reads and lists', async () => {
      const v = await create();
      const res = await call('agent', 'DELETE', `/api/v1/visits/${v.id}`);
      assert.equal(res.status, 204);
      assert.equal(res.body.length, 0);
      assertError(await call('agent', 'GET', `/api/v1/visits/${v.id}`), 404, 'not_found');
      const list = (await call('agent', 'GET', '/api/v1/visits?limit=200')).json();
      assert.ok(!list.visits.some((x) => x.id === v.id));
      assertError(await call('agent', 'DELETE', `/api/v1/visits/${v.id}`), 404, 'not_found');
    });

    it('a followed person (visitor_id) keeps one profile across visits', async () => {
      const first = await create('agent', { visitor: { identified: true, consent_reason: 'suivi', full_name: 'Nadia B.', phone: '06 01 02 03 04', gender: 'feminin' } });
      assert.equal(first.visitor.full_name, 'Nadia B.');
      const second = await create('agent', { visitor_id: first.visitor.id, visitor: { birth_year: 1950 } });
      assert.equal(second.visitor.id, first.visitor.id);
      assert.equal(second.visitor.full_name, 'Nadia B.');
      assert.equal(second.visitor.age_bracket, '70_plus');
      const listed = (await call('agent', 'GET', '/api/v1/visits?limit=1')).json().visits[0];
      assert.equal(listed.visitor.identified, true);
      assert.equal(listed.visitor.full_name, undefined, 'names only where one visit is read');
    });
  });

  describe('bad input: a clear JSON error and nothing written', () => {
    async function refused(key, body, status, code, fields = [], headers = {}) {
      const before = await snapshot();
      const res = await call(key, 'POST', '/api/v1/visits', body, headers);
      const e = assertError(res, status, code);
      for (const f of fields) assert.ok(e.fields?.some((x) => x.field === f && typeof x.reason === 'string' && x.reason.length > 5), `no error on ${f}: ${res.text}`);
      assert.equal(await snapshot(), before, 'something was written');
      return e;
    }

    it('a missing field', async () => {
      const body = visitBody();
      delete body.channel;
      delete body.demands[1].outcome;
      await refused('agent', body, 422, 'invalid', ['channel', 'demands[1].outcome']);
      await refused('agent', visitBody({ demands: [] }), 422, 'invalid', ['demands']);
      await refused('agent', visitBody({ started_at: undefined }), 422, 'invalid', ['started_at']);
    });

    it('an unknown value of a vocabulary', async () => {
      const body = visitBody({ channel: 'pigeon' });
      body.visitor.gender = 'autre';
      body.demands[0].equipment = ['ordinateur', 'minitel'];
      body.demands[0].operator_code = 'nope';
      await refused('agent', body, 422, 'invalid', ['channel', 'visitor.gender', 'demands[0].equipment', 'demands[0].operator_code']);
    });

    it('overlong texts, wrong types, unknown keys, a date in the future', async () => {
      const body = visitBody({ place: 'x'.repeat(300), duration_min: '20', extra: 1, started_at: '2999-01-01T00:00:00Z' });
      body.demands[0].note = 'é'.repeat(400);
      body.visitor.no_phone = 'yes';
      body.visitor.languages = 'ar';
      await refused('agent', body, 422, 'invalid', ['place', 'duration_min', 'extra', 'started_at', 'demands[0].note', 'visitor.no_phone', 'visitor.languages']);
      await refused('agent', visitBody({ started_at: '04/03/2024' }), 422, 'invalid', ['started_at']);
      await refused('agent', visitBody({ demands: Array(11).fill(visitBody().demands[0]) }), 422, 'invalid', ['demands']);
    });

    it("another site's id", async () => {
      await refused('agent', visitBody({ site_id: srv.sites.brest }), 422, 'invalid', ['site_id']);
      await refused('agent', visitBody({ site_id: MISSING }), 422, 'invalid', ['site_id']);
      await refused('coordinator', visitBody({ site_id: srv.sites.rennes }), 403, 'forbidden');
    });

    it('malformed JSON, with where it stops', async () => {
      const e = await refused('agent', '{"channel": "visio",\n  "demands": [}', 400, 'malformed_json', [], { 'content-type': 'application/json' });
      assert.equal(e.line, 2);
      assert.ok(e.position > 20);
      assert.ok(e.column > 0);
      await refused('agent', '[1, 2]', 400, 'bad_request', [], { 'content-type': 'application/json' });
      await refused('agent', '{"channel": "a", "channel": "b"}', 400, 'malformed_json', [], { 'content-type': 'application/json' });
      await refused('agent', '', 400, 'malformed_json', [], { 'content-type': 'application/json' });
      await refused('agent', '{"place": "a\\u0000b"}', 400, 'malformed_json', [], { 'content-type': 'application/json' });
    });

    it('a wrong content type', async () => {
      await refused('agent', JSON.stringify(visitBody()), 415, 'unsupported_media_type', [], { 'content-type': 'text/plain' });
      await refused('agent', 'channel=visio', 415, 'unsupported_media_type', [], { 'content-type': 'application/x-www-form-urlencoded' });
    });

    it('a missing or wrong token', async () => {
      for (const auth of [undefined, 'Bearer nope', `Bearer ${'0'.repeat(64)}`, `Basic ${Buffer.from('a:b').toString('base64')}`]) {
        const before = await snapshot();
        const headers = auth ? { authorization: auth } : {};
        const res = await call(null, 'POST', '/api/v1/visits', visitBody(), headers);
        assertError(res, 401, 'unauthorized');
        assert.match(res.header('www-authenticate'), /^Bearer/);
        assert.equal(await snapshot(), before);
        for (const [m, p] of [['GET', '/api/v1/visits'], ['GET', '/api/v1/visits/1'], ['DELETE', '/api/v1/visits/1'], ['GET', '/api/v1/catalog']]) {
          assertError(await call(null, m, p, undefined, headers), 401, 'unauthorized');
        }
      }
    });

    it('bad corrections and bad filters', async () => {
      const v = await create();
      const before = await snapshot();
      let res = await call('agent', 'PATCH', `/api/v1/visits/${v.id}`, { demands: [{ id: MISSING, outcome: 'resolu' }] });
      assertError(res, 422, 'invalid');
      assert.ok(res.json().error.fields.some((f) => f.field === 'demands[0].id'));
      res = await call('agent', 'PATCH', `/api/v1/visits/${v.id}`, { site_id: srv.sites.brest });
      assert.ok(assertError(res, 422, 'invalid').fields.some((f) => f.field === 'site_id'));
      assertError(await call('agent', 'PUT', `/api/v1/visits/${v.id}`, { channel: 'visio' }), 422, 'invalid');
      assertError(await call('agent', 'PATCH', `/api/v1/visits/${v.id}`, '{', { 'content-type': 'application/json' }), 400, 'malformed_json');
      assert.equal(await snapshot(), before);
      for (const q of ['limit=201', 'limit=0', 'from=2024-02-30', 'outcome=perdu', 'channel=x', 'cursor=abc', 'agent=-1']) {
        const e = assertError(await call('agent', 'GET', `/api/v1/visits?${q}`), 422, 'invalid');
        assert.equal(e.fields.length, 1, q);
      }
    });
  });

  describe('access', () => {
    let rennes;
    before(async () => {
      rennes = await create();
    });

    it("an agent of another site gets 404 for a visit, exactly as for a missing one", async () => {
      const hidden = await call('agentBrest', 'GET', `/api/v1/visits/${rennes.id}`);
      const missing = await call('agentBrest', 'GET', `/api/v1/visits/${MISSING}`);
      assert.equal(hidden.status, 404);
      assert.equal(hidden.text, missing.text);
      const before = await snapshot();
      for (const m of ['PATCH', 'PUT']) assert.equal((await call('agentBrest', m, `/api/v1/visits/${rennes.id}`, { channel: 'visio' })).text, missing.text);
      assert.equal((await call('agentBrest', 'DELETE', `/api/v1/visits/${rennes.id}`)).status, 404);
      assert.equal(await snapshot(), before);
      const list = (await call('agentBrest', 'GET', '/api/v1/visits?limit=200')).json();
      assert.deepEqual(list.visits, []);
      const other = (await call('agentBrest', 'GET', `/api/v1/visits?site=${srv.sites.rennes}`)).json();
      assert.deepEqual(other.visits, []);
      for (const p of ['/api/v1/visits/abc', '/api/v1/visits/0', '/api/v1/visits/-1']) assert.equal((await call('agent', 'GET', p)).status, 404);
    });

    it('a coordinator reads the visits of the département but does not change them', async () => {
      assert.equal((await call('coordinator', 'GET', `/api/v1/visits/${rennes.id}`)).status, 200);
      const before = await snapshot();
      assertError(await call('coordinator', 'PATCH', `/api/v1/visits/${rennes.id}`, { channel: 'visio' }), 403, 'forbidden');
      assertError(await call('coordinator', 'DELETE', `/api/v1/visits/${rennes.id}`), 403, 'forbidden');
      assert.equal(await snapshot(), before);
      assert.ok((await call('admin', 'GET', '/api/v1/visits?limit=200')).json().visits.some((v) => v.id === rennes.id));
    });

    it('the catalog gives operators, themes, procedures, topics and every vocabulary', async () => {
      const res = await call('agent', 'GET', '/api/v1/catalog');
      assert.equal(res.status, 200);
      const c = res.json();
      assert.ok(c.operators.some((o) => o.code === 'cnaf' && o.name && o.active === true));
      assert.equal(c.themes.length, 11);
      assert.ok(c.procedures.length > 5 && c.procedures.every((p) => Number.isInteger(p.id) && p.label));
      assert.ok(c.topics.length > 10);
      for (const name of ['gender', 'age', 'status', 'channel', 'level', 'mandate', 'equipment', 'interpreting', 'outcome', 'referral', 'disability', 'consent', 'workshop_level', 'autonomy']) {
        assert.ok(Array.isArray(c.vocabularies[name]) && c.vocabularies[name].every((i) => i.code && i.label), name);
      }
      assert.deepEqual(c.vocabularies.outcome.map((i) => i.code), ['resolu', 'a_finaliser_en_autonomie', 'doit_revenir', 'oriente', 'escalade']);
      const en = await call('agent', 'GET', '/api/v1/catalog', undefined, { 'accept-language': 'en' });
      assert.equal(en.json().vocabularies.outcome.length, 5);
    });

    it('past the correction window: 409 and nothing changed', async () => {
      const v = await create();
      const manager = await srv.login('manager');
      const saved = await manager.submit(`/sites/${srv.sites.rennes}/settings`, `/sites/${srv.sites.rennes}/settings`, { correction_days: '0' });
      assert.equal(saved.status, 303, saved.text);
      const before = await snapshot();
      assertError(await call('agent', 'PATCH', `/api/v1/visits/${v.id}`, { channel: 'visio' }), 409, 'conflict');
      assertError(await call('agent', 'DELETE', `/api/v1/visits/${v.id}`), 409, 'conflict');
      assert.equal(await snapshot(), before);
      assert.equal((await call('agent', 'GET', `/api/v1/visits/${v.id}`)).status, 200);
    });
  });
});
