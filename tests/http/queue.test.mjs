// queue.test.mjs: the waiting queue of a site, over HTTP on the real
// binary (docs/queue.md). The API: tickets issued with a number per service
// and day, the order by priority and arrival, redirect (the new ticket keeps
// the arrival), recall, no-show, cancel; 8 desks calling "next" at once
// never get the same ticket; refusals (another site's adviser gets 404,
// bad input 400 with a message and nothing written). The advisers' page:
// the list without names unless the site allows them, the actions by form
// (CSRF, redirects after POST), a pause, and finishing that opens the
// recording form prefilled and links the visit to the ticket.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { csrfToken, serverForSuite, textOf } from './lib.mjs';

describe('the waiting queue', () => {
  let srv;
  const tokens = {};
  serverForSuite((s) => (srv = s), { tokens });

  const call = (key, method, p, body) => {
    const headers = key ? { authorization: `Bearer ${tokens[key]}` } : {};
    let payload = body;
    if (body !== undefined && typeof body !== 'string') {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    } else if (typeof body === 'string') {
      headers['content-type'] = 'application/json';
    }
    return srv.client().request(method, p, { headers, body: payload });
  };
  const site = () => srv.sites.rennes;
  const queue = async (key = 'agent', siteId = site()) => {
    const res = await call(key, 'GET', `/api/v1/sites/${siteId}/queue`);
    assert.equal(res.status, 200, res.text);
    return res.json();
  };
  const issue = async (body, key = 'agent', siteId = site()) => {
    const res = await call(key, 'POST', `/api/v1/sites/${siteId}/tickets`, body);
    assert.equal(res.status, 201, res.text);
    return res.json();
  };
  const act = async (id, action, body, status = 200) => {
    const res = await call('agent', 'POST', `/api/v1/tickets/${id}/${action}`, body);
    assert.equal(res.status, status, res.text);
    return res.json();
  };
  /* Empties the waiting list: every waiting ticket is cancelled. */
  const drain = async () => {
    for (const t of (await queue()).waiting) await act(t.id, 'cancel');
    for (const t of (await queue()).active) {
      if (t.status === 'appele') await act(t.id, 'cancel');
      else await act(t.id, 'finish');
    }
  };
  function assertError(res, status, code) {
    assert.equal(res.status, status, res.text);
    assert.match(res.header('content-type'), /^application\/json/);
    const e = res.json().error;
    if (code) assert.equal(e?.code, code, res.text);
    assert.equal(typeof e.message, 'string');
    assert.ok(e.message.length > 5, res.text);
    return e;
  }

  describe('the API', () => {
    it('issues numbered tickets with a public address, the people ahead and a wait', async () => {
      const a = await issue({ service: 'A', language: 'ar', needs: ['interprete', 'aide_lecture'], channel: 'guichet_spontane' });
      assert.match(a.number, /^A\d{3}$/);
      assert.equal(a.status, 'emis');
      assert.equal(a.language, 'ar');
      assert.deepEqual(a.needs, ['interprete', 'aide_lecture']);
      assert.equal(a.priority, 'aucune');
      assert.match(a.public_url, /^http:\/\/127\.0\.0\.1:\d+\/t\/[A-Za-z0-9_-]{22,}$/);
      assert.equal(a.ahead, 0);
      assert.equal(a.estimated_wait_minutes, 0);
      const b = await issue({ service: 'A', language: 'fr' });
      assert.equal(Number(b.number.slice(1)), Number(a.number.slice(1)) + 1);
      assert.equal(b.ahead, 1);
      assert.ok(b.estimated_wait_minutes > 0);
      assert.notEqual(b.public_url, a.public_url);
      const c = await issue({ service: 'B' });
      assert.equal(c.number, 'B001');
      assert.equal(c.ahead, 0, 'a person waits for her own service');
      const q = await queue();
      assert.deepEqual(q.services.map((s) => s.prefix), ['A', 'B', 'C']);
      assert.equal(q.services[0].label, 'Aide générale');
      assert.deepEqual(q.waiting.map((t) => t.id), [a.id, b.id, c.id]);
      assert.equal(q.waiting[0].name, undefined, 'no names unless the site shows them');
      await drain();
    });

    it('serves by priority as a head start, then by arrival', async () => {
      const first = await issue({ service: 'A' });
      const second = await issue({ service: 'A' });
      const rdv = await issue({ service: 'A', priority: 'rendez_vous' });
      const q = await queue();
      assert.deepEqual(q.waiting.map((t) => t.id), [rdv.id, first.id, second.id]);
      const next = await call('agent', 'POST', `/api/v1/sites/${site()}/queue/next`, { desk: 'Guichet 2' });
      assert.equal(next.status, 200, next.text);
      assert.equal(next.json().id, rdv.id);
      assert.equal(next.json().status, 'appele');
      assert.equal(next.json().desk, 'Guichet 2');
      const n2 = await call('agent', 'POST', `/api/v1/sites/${site()}/queue/next`, { desk: 'Guichet 1', service: 'A' });
      assert.equal(n2.json().id, first.id);
      const q2 = await queue();
      assert.deepEqual(q2.waiting.map((t) => t.id), [second.id]);
      assert.deepEqual(q2.active.map((t) => t.id).sort(), [rdv.id, first.id].sort());
      await drain();
      const empty = await call('agent', 'POST', `/api/v1/sites/${site()}/queue/next`, { desk: 'Guichet 1' });
      assertError(empty, 404, 'nobody_waits');
    });

    it('moves a ticket through call, recall, start and finish', async () => {
      const t = await issue({ service: 'A', language: 'uk' });
      const called = await act(t.id, 'call', { desk: 'Guichet 3' });
      assert.equal(called.status, 'appele');
      assert.equal(called.desk, 'Guichet 3');
      assert.ok(called.called_at);
      const again = await act(t.id, 'recall');
      assert.equal(again.recalls, 1);
      assert.equal(again.called_at, called.called_at, 'the wait ends at the first call');
      assert.equal((await act(t.id, 'start')).status, 'en_cours');
      const done = await act(t.id, 'finish');
      assert.equal(done.status, 'termine');
      assert.ok(done.ended_at);
      /* A finished ticket moves no more. */
      assertError(await call('agent', 'POST', `/api/v1/tickets/${t.id}/call`, {}), 409, 'conflict');
      assertError(await call('agent', 'POST', `/api/v1/tickets/${t.id}/start`), 409, 'conflict');
    });

    it('marks a no-show and cancels', async () => {
      const t = await issue({ service: 'C' });
      assertError(await call('agent', 'POST', `/api/v1/tickets/${t.id}/absent`), 409, 'conflict');
      await act(t.id, 'call', { desk: 'Guichet 1' });
      assert.equal((await act(t.id, 'absent')).status, 'absent');
      const u = await issue({ service: 'C' });
      assert.equal((await act(u.id, 'cancel')).status, 'annule');
      assert.equal((await queue()).waiting.length, 0);
    });

    it('redirects to another service: a linked ticket that keeps its arrival and its place', async () => {
      const early = await issue({ service: 'A', language: 'fa', needs: ['audition'] });
      const later = await issue({ service: 'B' });
      const moved = await act(early.id, 'redirect', { service: 'B' }, 201);
      assert.match(moved.number, /^B\d{3}$/);
      assert.equal(moved.redirected_from, early.id);
      assert.equal(moved.arrived_at, early.arrived_at);
      assert.equal(moved.language, 'fa');
      assert.deepEqual(moved.needs, ['audition']);
      assert.equal(moved.status, 'emis');
      const q = await queue();
      assert.deepEqual(q.waiting.map((t) => t.id), [moved.id, later.id]);
      const old = await call('agent', 'POST', `/api/v1/tickets/${early.id}/call`, {});
      assertError(old, 409, 'conflict');
      assertError(await call('agent', 'POST', `/api/v1/tickets/${moved.id}/redirect`, { service: 'B' }), 409);
      assertError(await call('agent', 'POST', `/api/v1/tickets/${moved.id}/redirect`, { service: 'Z' }), 400);
      await drain();
    });

    for (const waiting of [8, 5]) {
      it(`gives 8 desks calling at once ${waiting} different tickets`, async () => {
        const issued = [];
        for (let i = 0; i < waiting; i++) issued.push((await issue({ service: i % 2 ? 'A' : 'B' })).id);
        const answers = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            call('agent', 'POST', `/api/v1/sites/${site()}/queue/next`, { desk: `Guichet ${i + 1}` })),
        );
        const got = answers.filter((r) => r.status === 200).map((r) => r.json().id);
        const empty = answers.filter((r) => r.status === 404);
        assert.equal(got.length, waiting, answers.map((r) => r.status).join(','));
        assert.equal(empty.length, 8 - waiting);
        assert.equal(new Set(got).size, got.length, 'no ticket called twice');
        assert.deepEqual([...got].sort((x, y) => x - y), [...issued].sort((x, y) => x - y));
        for (const r of empty) assert.equal(r.json().error.code, 'nobody_waits');
        await drain();
      });
    }

    it('refuses other sites, missing tokens and bad input, and writes nothing', async () => {
      const t = await issue({ service: 'A' });
      const before = JSON.stringify(await queue());
      /* Another site's adviser: 404, exactly like a missing site or ticket. */
      assertError(await call('agentBrest', 'GET', `/api/v1/sites/${site()}/queue`), 404);
      assertError(await call('agentBrest', 'POST', `/api/v1/sites/${site()}/tickets`, { service: 'A' }), 404);
      assertError(await call('agentBrest', 'POST', `/api/v1/tickets/${t.id}/call`, {}), 404);
      assertError(await call('agentBrest', 'POST', `/api/v1/sites/${site()}/queue/next`, {}), 404);
      assertError(await call('agent', 'POST', '/api/v1/tickets/999999/call', {}), 404);
      assertError(await call('agent', 'POST', `/api/v1/tickets/${t.id}/explode`, {}), 404);
      assertError(await call('agent', 'GET', '/api/v1/sites/999999/queue'), 404);
      assertError(await call(null, 'GET', `/api/v1/sites/${site()}/queue`), 401);
      /* The coordinator reads the queue of the département, but does not serve it. */
      assert.equal((await call('coordinator', 'GET', `/api/v1/sites/${site()}/queue`)).status, 200);
      assertError(await call('coordinator', 'POST', `/api/v1/tickets/${t.id}/call`, {}), 403);
      /* Bad input: 400 with a message naming the field. */
      const bad = [
        [{ service: 'Q' }, 'service'],
        [{}, 'service'],
        [{ service: 'A', language: 'xx' }, 'language'],
        [{ service: 'A', needs: ['chien'] }, 'needs'],
        [{ service: 'A', needs: 'interprete' }, 'needs'],
        [{ service: 'A', priority: 'vip' }, 'priority'],
        [{ service: 'A', channel: 'pigeon' }, 'channel'],
        [{ service: 'A', language: 42 }, 'language'],
        [{ service: 'A', name: 'x'.repeat(500) }, 'name'],
      ];
      for (const [body, field] of bad) {
        const e = assertError(await call('agent', 'POST', `/api/v1/sites/${site()}/tickets`, body), 400, 'bad_request');
        assert.equal(e.field, field, JSON.stringify(body));
      }
      assertError(await call('agent', 'POST', `/api/v1/sites/${site()}/tickets`, '{"service":'), 400);
      assertError(await call('agent', 'POST', `/api/v1/sites/${site()}/tickets`, '[1]'), 400);
      assertError(await call('agent', 'POST', `/api/v1/sites/${site()}/queue/next`, { desk: 'x'.repeat(200) }), 400);
      assertError(await call('agent', 'POST', `/api/v1/sites/${site()}/queue/next`, { service: 'Q' }), 400);
      assert.equal(JSON.stringify(await queue()), before, 'nothing written');
      await drain();
    });
  });

  describe('the advisers\' page', () => {
    let agent;
    let manager;
    const page = () => `/sites/${site()}/queue`;
    /* POSTs one of the page's forms (the CSRF token of the page). */
    const post = async (client, fields) => {
      const { csrf } = await client.form(page());
      return await client.post(page(), { ...fields, csrf });
    };
    before(async () => {
      agent = await srv.login('agent');
      manager = await srv.login('manager');
    });

    it('lists the waiting people without names unless the site allows them', async () => {
      await drain();
      const t = await issue({ service: 'B', language: 'uk', needs: ['mobilite_reduite'], priority: 'grossesse', name: 'Olena K.' });
      assert.equal(t.name, undefined);
      const res = await agent.get(page());
      assert.equal(res.status, 200);
      const text = textOf(res.text);
      assert.ok(text.includes(t.number), 'the ticket number is listed');
      assert.ok(text.includes('ukrainien'), 'the language, in words');
      assert.ok(text.includes('Mobilité réduite'));
      assert.ok(text.includes('Grossesse'));
      assert.ok(!text.includes('Olena'), 'no name: the site does not allow them, and it was not kept');
      /* The manager allows names: a name given from now on is shown. */
      const { csrf } = await manager.form(`${page()}/settings`);
      const saved = await manager.post(`${page()}/settings`, {
        csrf, nservices: '0', show_names: '1', kiosk_needs: 'interprete',
      });
      assert.equal(saved.status, 303, saved.text.slice(0, 500));
      const u = await issue({ service: 'A', name: 'Olena K.' });
      assert.equal(u.name, 'Olena K.');
      assert.ok(textOf((await agent.get(page())).text).includes('Olena K.'));
      /* The agent may not change the settings; another site's adviser sees nothing. */
      assert.equal((await agent.get(`${page()}/settings`)).status, 403);
      const brest = await srv.login('agentBrest');
      assert.equal((await brest.get(page())).status, 404);
      const c = await brest.csrf('/');
      const before = JSON.stringify(await queue());
      assert.equal((await brest.post(page(), { csrf: c, op: 'call', ticket: String(u.id), status: 'emis' })).status, 404);
      assert.equal(JSON.stringify(await queue()), before);
      await drain();
    });

    it('issues, calls, recalls, starts and finishes by forms, then records the visit prefilled', async () => {
      let res = await post(agent, { op: 'issue', service: String((await queue()).services[0].id), language: 'ar', needs: ['interprete', 'audition'], priority: 'aucune', channel: 'telephone' });
      assert.equal(res.status, 303, res.text.slice(0, 800));
      const [t] = (await queue()).waiting;
      assert.equal(t.language, 'ar');
      assert.equal(t.channel, 'telephone');
      /* No desk yet: the call asks for one and changes nothing. */
      res = await post(agent, { op: 'next', service: '', desk: '' });
      assert.equal(res.status, 400);
      assert.equal((await queue()).waiting.length, 1);
      res = await post(agent, { op: 'next', service: '', desk: 'Guichet 4' });
      assert.equal(res.status, 303);
      assert.match(res.location, /done=called/);
      let q = await queue();
      assert.equal(q.active[0].id, t.id);
      assert.equal(q.active[0].desk, 'Guichet 4');
      /* The desk is remembered for the next visit of the page. */
      assert.match((await agent.get(page())).text, /value="Guichet 4"/);
      res = await post(agent, { op: 'recall', ticket: String(t.id), status: 'appele' });
      assert.equal(res.status, 303);
      res = await post(agent, { op: 'start', ticket: String(t.id), status: 'appele' });
      assert.equal(res.status, 303);
      /* A form sent twice (the status it saw is gone): a conflict, nothing changes. */
      res = await post(agent, { op: 'start', ticket: String(t.id), status: 'appele' });
      assert.match(res.location, /done=conflict/);
      res = await post(agent, { op: 'finish', ticket: String(t.id), status: 'en_cours' });
      assert.equal(res.status, 303);
      assert.equal(res.location, `/visits/new?ticket=${t.id}`);
      const form = await agent.get(res.location);
      assert.equal(form.status, 200);
      assert.match(form.text, new RegExp(`name="ticket" value="${t.id}"`));
      assert.match(form.text, /<input[^>]*name="channel"[^>]*value="telephone"[^>]*checked|<input[^>]*value="telephone"[^>]*name="channel"[^>]*checked|<option[^>]*value="telephone"[^>]*selected/);
      assert.match(form.text, /name="allophone"[^>]*checked|checked[^>]*name="allophone"/);
      assert.match(form.text, /value="auditif"[^>]*checked|checked[^>]*value="auditif"/);
      /* The visit saved is linked to the ticket. */
      const csrf = csrfToken(form.text);
      const saved = await agent.post('/visits', {
        csrf, ticket: String(t.id), site_id: String(site()), date: '2026-01-05', time: '10:00', channel: 'telephone',
        duration_min: '15', age_bracket: 'non_communique', gender: 'non_communique', social_status: 'non_communique',
        commune_insee: '', ndemands: '1', d1_operator_code: 'cnaf', d1_theme_code: 'social_sante', d1_procedure_id: '',
        d1_level: 'fait_avec', d1_outcome: 'resolu', d1_interpreting: 'aucun',
      });
      assert.equal(saved.status, 303, saved.text.slice(0, 800));
      const visitId = Number(/saved=(\d+)/.exec(saved.location)[1]);
      const done = await call('agent', 'POST', `/api/v1/tickets/${t.id}/call`, {});
      assert.equal(done.status, 409);
      q = await queue();
      assert.equal(q.active.length, 0);
      const linked = await call('agent', 'GET', `/api/v1/tickets/${t.id}`);
      assert.equal(linked.status, 200);
      assert.equal(linked.json().visit_id, visitId);
      assert.equal(linked.json().status, 'termine');
      assert.equal((await call('agentBrest', 'GET', `/api/v1/tickets/${t.id}`)).status, 404);
    });

    it('marks absent, cancels, redirects and pauses by forms', async () => {
      await drain();
      const services = (await queue()).services;
      const a = await issue({ service: 'A' });
      const b = await issue({ service: 'A' });
      let res = await post(agent, { op: 'call', ticket: String(a.id), status: 'emis' });
      assert.match(res.location, /done=called/);
      res = await post(agent, { op: 'absent', ticket: String(a.id), status: 'appele' });
      assert.match(res.location, /done=moved/);
      res = await post(agent, { op: 'redirect', ticket: String(b.id), service: String(services[2].id) });
      assert.match(res.location, /done=moved/);
      const q = await queue();
      assert.equal(q.waiting.length, 1);
      assert.equal(q.waiting[0].redirected_from, b.id);
      assert.equal(q.waiting[0].service, 'C');
      res = await post(agent, { op: 'cancel', ticket: String(q.waiting[0].id), status: 'emis' });
      assert.match(res.location, /done=moved/);
      assert.equal((await queue()).waiting.length, 0);
      /* A pause with a reason, then its end; a reason outside the list is refused. */
      res = await post(agent, { op: 'pause', reason: 'sieste' });
      assert.equal(res.status, 400);
      res = await post(agent, { op: 'pause', reason: 'formation' });
      assert.match(res.location, /done=paused/);
      assert.match(textOf((await agent.get(page())).text), /En pause depuis/);
      res = await post(agent, { op: 'pause_end' });
      assert.match(res.location, /done=resumed/);
      assert.doesNotMatch(textOf((await agent.get(page())).text), /En pause depuis/);
      /* Bad input on the issue form: 400, nothing written. */
      res = await post(agent, { op: 'issue', service: '999999', language: 'fr' });
      assert.equal(res.status, 400);
      res = await post(agent, { op: 'issue', service: String(services[0].id), language: 'xx' });
      assert.equal(res.status, 400);
      assert.equal((await queue()).waiting.length, 0);
      /* Without the CSRF token: refused. */
      res = await agent.post(page(), { op: 'issue', service: String(services[0].id) });
      assert.equal(res.status, 403);
      assert.equal((await queue()).waiting.length, 0);
    });
  });
});
