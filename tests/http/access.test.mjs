// access.test.mjs: who sees what. Roles and sites isolate records; a record
// one may not see must look exactly like a record that does not exist.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { serverForSuite, stripCsrf, stripPath } from './lib.mjs';

const MISSING = 999999;

describe('access rules', () => {
  let srv;
  const tokens = {};
  serverForSuite((s) => (srv = s), { tokens });

  const api = (key, p) => srv.client().get(p, { headers: { authorization: `Bearer ${tokens[key]}` } });
  const sitesIn = (html) => Object.entries(srv.sites).filter(([, id]) => new RegExp(`href="/sites/${id}"`).test(html)).map(([k]) => k).sort();

  describe('without a session', () => {
    for (const p of ['/sites', '/sites/1', '/sites/new', '/users', '/users/new', '/account/password']) {
      it(`GET ${p} redirects to /login`, async () => {
        const res = await srv.client().get(p);
        assert.equal(res.status, 303);
        assert.equal(res.locationPath, '/login');
      });
    }

    it('POST /sites is refused and writes nothing', async () => {
      const before = await srv.cliOk(['site', 'list']);
      const res = await srv.client().post('/sites', { name: 'Intrus', type: 'mairie' });
      assert.ok([303, 401, 403].includes(res.status), `answered ${res.status}`);
      assert.equal(await srv.cliOk(['site', 'list']), before);
    });

    for (const p of ['/api/v1/me', '/api/v1/sites', '/api/v1/sites/1']) {
      it(`GET ${p} without a token answers 401 JSON`, async () => {
        const res = await srv.client().get(p);
        assert.equal(res.status, 401);
        assert.match(res.header('content-type'), /^application\/json/i);
        const body = res.json();
        assert.equal(body.error?.code, 'unauthorized');
        assert.equal(typeof body.error?.message, 'string');
      });
    }

    it('a wrong bearer token answers 401 JSON', async () => {
      for (const auth of ['Bearer nope', `Bearer ${'0'.repeat(64)}`, 'Basic YWRtaW46YWRtaW4=', 'Bearer', `bearer ${tokens.admin}x`]) {
        const res = await srv.client().get('/api/v1/me', { headers: { authorization: auth } });
        assert.equal(res.status, 401, `${auth} answered ${res.status}`);
        assert.equal(res.json().error?.code, 'unauthorized');
      }
    });

    it('a session cookie does not open the JSON API (the API takes tokens only)', async () => {
      const c = await srv.login('admin');
      const res = await c.get('/api/v1/me');
      assert.equal(res.status, 401);
    });
  });

  describe('sites', () => {
    it('the admin sees every site', async () => {
      const c = await srv.login('admin');
      const res = await c.get('/sites');
      assert.equal(res.status, 200);
      assert.deepEqual(sitesIn(res.text), ['brest', 'malo', 'rennes']);
      for (const id of Object.values(srv.sites)) assert.equal((await c.get(`/sites/${id}`)).status, 200);
    });

    it('an agent sees only their site', async () => {
      const c = await srv.login('agent');
      const res = await c.get('/sites');
      assert.equal(res.status, 200);
      assert.deepEqual(sitesIn(res.text), ['rennes']);
      assert.ok(!res.text.includes('Médiathèque de Brest'), 'the name of another site is on the page');
      assert.equal((await c.get(`/sites/${srv.sites.rennes}`)).status, 200);
    });

    it("another site's page is a 404 identical to a missing site", async () => {
      const c = await srv.login('agent');
      const hidden = await c.get(`/sites/${srv.sites.brest}`);
      const missing = await c.get(`/sites/${MISSING}`);
      assert.equal(hidden.status, 404);
      assert.equal(missing.status, 404);
      assert.equal(hidden.header('content-type'), missing.header('content-type'));
      assert.equal(
        stripPath(hidden.text, `/sites/${srv.sites.brest}`),
        stripPath(missing.text, `/sites/${MISSING}`),
        'the 404 of a hidden site differs from the 404 of a missing one',
      );
      assert.ok(!hidden.text.includes('Brest'), 'the 404 page names the hidden site');
    });

    it('a malformed id is a 404 too', async () => {
      const c = await srv.login('admin');
      for (const p of ['/sites/abc', '/sites/-1', '/sites/0', '/sites/1e3', '/sites/99999999999999999999999']) {
        const res = await c.get(p);
        assert.ok([400, 404].includes(res.status), `${p} answered ${res.status}`);
      }
    });

    it('a coordinator sees the sites of their département only', async () => {
      const c = await srv.login('coordinator');
      const res = await c.get('/sites');
      assert.equal(res.status, 200);
      assert.deepEqual(sitesIn(res.text), ['malo', 'rennes']);
      assert.equal((await c.get(`/sites/${srv.sites.malo}`)).status, 200);
      const hidden = await c.get(`/sites/${srv.sites.brest}`);
      const missing = await c.get(`/sites/${MISSING}`);
      assert.equal(hidden.status, 404);
      assert.equal(stripPath(hidden.text, `/sites/${srv.sites.brest}`), stripPath(missing.text, `/sites/${MISSING}`));
    });

    it('an agent cannot open the form nor create a site, and nothing is written', async () => {
      const c = await srv.login('agent');
      const form = await c.get('/sites/new');
      assert.ok([403, 404].includes(form.status), `GET /sites/new answered ${form.status}`);
      const before = await srv.cliOk(['site', 'list']);
      const csrf = await c.csrf('/');
      const res = await c.post('/sites', { name: 'Site pirate', type: 'mairie', commune_insee: '35238', csrf });
      assert.ok([403, 404].includes(res.status), `POST /sites answered ${res.status}`);
      const afterList = await srv.cliOk(['site', 'list']);
      assert.equal(afterList, before);
      assert.ok(!afterList.includes('Site pirate'));
    });

    it('a manager edits their site but not another one', async () => {
      const c = await srv.login('manager');
      assert.equal((await c.get(`/sites/${srv.sites.rennes}/edit`)).status, 200);
      const hidden = await c.get(`/sites/${srv.sites.brest}/edit`);
      assert.ok([403, 404].includes(hidden.status), `edit of another site answered ${hidden.status}`);
      const before = await srv.cliOk(['site', 'list']);
      const csrf = await c.csrf('/');
      const res = await c.post(`/sites/${srv.sites.brest}/edit`, { name: 'Brest détourné', type: 'mediatheque', commune_insee: '29019', csrf });
      assert.ok([403, 404].includes(res.status), `POST edit of another site answered ${res.status}`);
      assert.equal(await srv.cliOk(['site', 'list']), before);
    });

    it('a manager saves a change to their site, and the admin to any site', async () => {
      const c = await srv.login('manager');
      const form = [
        ['name', 'France services Rennes Centre'], ['type', 'france_services'], ['commune_insee', '35238'],
        ['address', '1 place de la Mairie'], ['opening_hours', 'mardi 9h-12h'], ['languages', 'fr'], ['languages', 'en'],
      ];
      const res = await c.submit(`/sites/${srv.sites.rennes}/edit`, `/sites/${srv.sites.rennes}/edit`, form);
      assert.equal(res.status, 303, `answered ${res.status}`);
      assert.equal(res.locationPath, `/sites/${srv.sites.rennes}`);
      const page = await c.follow(res);
      assert.ok(page.text.includes('mardi 9h-12h'), 'the new opening hours are not shown');
      const a = await srv.login('admin');
      const res2 = await a.submit(`/sites/${srv.sites.malo}/edit`, `/sites/${srv.sites.malo}/edit`, [
        ['name', 'Mairie de Saint-Malo'], ['type', 'mairie'], ['commune_insee', '35288'], ['opening_hours', 'jeudi 14h-17h'],
      ]);
      assert.equal(res2.status, 303, `the admin's edit answered ${res2.status}`);
      const api = await srv.client().get(`/api/v1/sites/${srv.sites.malo}`, { headers: { authorization: `Bearer ${tokens.admin}` } });
      assert.equal(api.json().opening_hours, 'jeudi 14h-17h');
    });

    it('an agent cannot edit their own site', async () => {
      const c = await srv.login('agent');
      const res = await c.get(`/sites/${srv.sites.rennes}/edit`);
      assert.ok([403, 404].includes(res.status), `answered ${res.status}`);
    });
  });

  describe('JSON API', () => {
    it('/api/v1/me describes the token owner', async () => {
      const res = await api('agent', '/api/v1/me');
      assert.equal(res.status, 200);
      assert.match(res.header('content-type'), /^application\/json/i);
      const me = res.json();
      assert.equal(me.email, srv.users.agent.email);
      assert.equal(me.name, srv.users.agent.name);
      assert.equal(me.role, 'agent');
      assert.ok(Number.isInteger(me.id));
      const siteIds = me.sites.map((s) => (typeof s === 'object' ? s.id : s));
      assert.deepEqual(siteIds, [srv.sites.rennes]);
      assert.equal(me.password_hash, undefined, 'the API shows the password hash');
      assert.ok(!res.text.includes('argon2'), 'the API shows the password hash');
    });

    it('/api/v1/sites lists the visible sites only', async () => {
      const ids = async (k) => {
        const res = await api(k, '/api/v1/sites');
        assert.equal(res.status, 200, res.text);
        const body = res.json();
        const list = Array.isArray(body) ? body : body.sites ?? body.items ?? body.data;
        assert.ok(Array.isArray(list), `no list in ${res.text.slice(0, 300)}`);
        return list.map((s) => s.id).sort((a, b) => a - b);
      };
      const sorted = (...k) => k.map((x) => srv.sites[x]).sort((a, b) => a - b);
      assert.deepEqual(await ids('admin'), sorted('rennes', 'malo', 'brest'));
      assert.deepEqual(await ids('agent'), sorted('rennes'));
      assert.deepEqual(await ids('agentBrest'), sorted('brest'));
      assert.deepEqual(await ids('coordinator'), sorted('rennes', 'malo'));
    });

    it('/api/v1/sites/{id} of another site is the same 404 as a missing one', async () => {
      const ok = await api('agent', `/api/v1/sites/${srv.sites.rennes}`);
      assert.equal(ok.status, 200);
      assert.equal(ok.json().id, srv.sites.rennes);
      assert.equal(ok.json().name, 'France services Rennes Centre');
      const hidden = await api('agent', `/api/v1/sites/${srv.sites.brest}`);
      const missing = await api('agent', `/api/v1/sites/${MISSING}`);
      assert.equal(hidden.status, 404);
      assert.equal(missing.status, 404);
      assert.match(hidden.header('content-type'), /^application\/json/i);
      assert.equal(hidden.text, missing.text);
      assert.equal(typeof hidden.json().error?.code, 'string');
    });
  });

  describe('users', () => {
    it('the admin lists every user', async () => {
      const c = await srv.login('admin');
      const res = await c.get('/users');
      assert.equal(res.status, 200);
      for (const u of Object.values(srv.users)) assert.ok(res.text.includes(u.email), `${u.email} missing from /users`);
    });

    it('a manager lists the users of their sites only', async () => {
      const c = await srv.login('manager');
      const res = await c.get('/users');
      assert.equal(res.status, 200);
      assert.ok(res.text.includes(srv.users.agent.email), 'the agent of the same site is not listed');
      assert.ok(!res.text.includes(srv.users.agentBrest.email), 'a user of another site is listed');
      assert.ok(!res.text.includes(srv.users.admin.email), 'the admin (no site) is listed');
    });

    it("a manager cannot open another site's user: same answer as a missing user", async () => {
      const c = await srv.login('manager');
      const idOther = await srv.userId('agentBrest');
      const idMine = await srv.userId('agent');
      assert.equal((await c.get(`/users/${idMine}`)).status, 200);
      const hidden = await c.get(`/users/${idOther}`);
      const missing = await c.get(`/users/${MISSING}`);
      assert.ok([403, 404].includes(hidden.status), `answered ${hidden.status}`);
      assert.equal(hidden.status, missing.status);
      assert.equal(stripPath(stripCsrf(hidden.text), `/users/${idOther}`), stripPath(stripCsrf(missing.text), `/users/${MISSING}`));
    });

    for (const k of ['agent', 'coordinator']) {
      it(`a ${k} cannot list, open or create users`, async () => {
        const c = await srv.login(k);
        for (const p of ['/users', '/users/new', `/users/${await srv.userId('admin')}`]) {
          const res = await c.get(p);
          assert.ok([403, 404].includes(res.status), `GET ${p} answered ${res.status}`);
        }
        const before = await srv.cliOk(['user', 'list']);
        const csrf = await c.csrf('/');
        const res = await c.post('/users', {
          email: `intrus.${k}@example.org`, name: 'Intrus', role: 'admin', password: 'un mot de passe assez long', csrf,
        });
        assert.ok([403, 404].includes(res.status), `POST /users answered ${res.status}`);
        assert.equal(await srv.cliOk(['user', 'list']), before);
      });
    }

    it('a manager cannot make an admin nor give access to another site', async () => {
      const c = await srv.login('manager');
      const csrf = await c.csrf('/');
      const before = await srv.cliOk(['user', 'list']);
      const admin = await c.post('/users', {
        email: 'escalade@example.org', name: 'Escalade', role: 'admin', password: 'un mot de passe assez long', csrf,
      });
      assert.notEqual(admin.status, 303, 'a manager created an admin');
      const foreign = await c.post('/users', [
        ['email', 'voisin@example.org'], ['name', 'Voisin'], ['role', 'agent'], ['sites', String(srv.sites.brest)],
        ['password', 'un mot de passe assez long'], ['csrf', csrf],
      ]);
      assert.notEqual(foreign.status, 303, "a manager gave access to another manager's site");
      assert.equal(await srv.cliOk(['user', 'list']), before);
    });

    it('an agent cannot change their own role through /users/{id}', async () => {
      const c = await srv.login('agent');
      const id = await srv.userId('agent');
      const csrf = await c.csrf('/');
      const res = await c.post(`/users/${id}`, { email: srv.users.agent.email, name: srv.users.agent.name, role: 'admin', csrf });
      assert.ok([403, 404].includes(res.status), `answered ${res.status}`);
      const me = await api('agent', '/api/v1/me');
      assert.equal(me.json().role, 'agent');
    });
  });
});
