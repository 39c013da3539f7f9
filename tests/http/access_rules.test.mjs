// access_rules.test.mjs: the rule table of docs/access.md driven through the
// real pages and commands, for its dangerous cells: a manager against an
// admin, a coordinator or a manager of another site who share one of their
// sites, against a peer manager and an adviser shared with another site; the
// roles that manage nobody; one's own account. A refused change answers 404
// when the account is not even to be seen (exactly like a missing one) and
// 403 otherwise, and the store is unchanged after it. Also: the CSV import
// credits visits only to accounts that record at the visit's site, with one
// message for unknown and not allowed addresses; and a manager may change
// their site's commune only within its département.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { setupServer, stripCsrf, stripPath, textOf } from './lib.mjs';

const MISSING = 999999;
const ATTACKER_PASSWORD = 'mot de passe choisi par un autre';

const USERS = {
  admin: { email: 'admin@example.org', name: 'Alice Administratrice', role: 'admin' },
  adminRennes: { email: 'admin.rennes@example.org', name: 'Adèle Administratrice', role: 'admin', sites: ['rennes'] },
  manager: { email: 'manager.rennes@example.org', name: 'Martin Responsable', role: 'manager', sites: ['rennes'] },
  peer: { email: 'peer.rennes@example.org', name: 'Paul Responsable', role: 'manager', sites: ['rennes'] },
  managerBrest: { email: 'manager.brest@example.org', name: 'Brigitte Responsable', role: 'manager', sites: ['brest', 'rennes'] },
  managerOnlyBrest: { email: 'manager.only.brest@example.org', name: 'Bernard Responsable', role: 'manager', sites: ['brest'] },
  coordRennes: { email: 'coord.rennes@example.org', name: 'Chloé Coordinatrice', role: 'coordinator', departement: '35', sites: ['rennes'] },
  operator: { email: 'ref.cnaf@example.org', name: 'Olivier Référent', role: 'operator', operator: 'cnaf' },
  agent: { email: 'agent.rennes@example.org', name: 'Agathe Conseillère', role: 'agent', sites: ['rennes'] },
  spare: { email: 'spare.rennes@example.org', name: 'Sam Conseiller', role: 'agent', sites: ['rennes'] },
  shared: { email: 'shared@example.org', name: 'Sacha Partagé', role: 'agent', sites: ['rennes', 'brest'] },
  agentBrest: { email: 'agent.brest@example.org', name: 'Bruno Conseiller', role: 'agent', sites: ['brest'] },
};

function multipart(fields, file) {
  const boundary = `----guichet${crypto.randomBytes(8).toString('hex')}`;
  const parts = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n`));
  parts.push(Buffer.from(file.content, 'utf8'));
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

describe('who may change whom (docs/access.md)', () => {
  let srv;
  const ids = {};

  before(async () => {
    srv = await setupServer({ users: USERS });
    const list = await srv.cliOk(['user', 'list']);
    for (const [k, u] of Object.entries(USERS)) {
      const line = list.split('\n').find((l) => l.split('\t')[1] === u.email);
      assert.ok(line, `${u.email} not in user list`);
      ids[k] = Number(line.split('\t')[0]);
    }
  });

  after(async () => {
    await srv.stop();
    await srv.cleanup();
  });

  const users = () => srv.cliOk(['user', 'list']);

  /* The form of account key as the page shows it to someone who may tick
   * the sites of Rennes and Saint-Malo (every site for an admin), with what
   * the sender changes. */
  function form(key, fields = {}, admin = false) {
    const u = USERS[key];
    return {
      name: u.name,
      email: u.email,
      role: u.role,
      sites: (u.sites ?? []).filter((s) => admin || s !== 'brest').map((s) => srv.sites[s]),
      active: '1',
      ...fields,
    };
  }

  async function post(c, key, fields, admin = false) {
    const csrf = await c.csrf('/');
    const f = form(key, fields, admin);
    const pairs = [];
    for (const [k, v] of Object.entries(f)) {
      if (v === undefined) continue;
      for (const x of Array.isArray(v) ? v : [v]) pairs.push([k, String(x)]);
    }
    pairs.push(['csrf', csrf]);
    return await c.post(`/users/${ids[key]}`, pairs);
  }

  /* The takeover of the issue: role manager, a password of the attacker's
   * choice, and the account disabled (active left out). */
  const takeover = { role: 'manager', password: ATTACKER_PASSWORD, active: undefined, sites: [] };

  async function assertLoginFails(key, password) {
    const res = await srv.client().login(USERS[key].email, password);
    assert.notEqual(res.status, 303, `${key} logged in with a password someone else chose`);
  }

  for (const [target, why] of [
    ['adminRennes', 'an admin who has the manager\'s site'],
    ['coordRennes', 'a coordinator who has the manager\'s site'],
    ['managerOnlyBrest', 'a manager of another site'],
  ]) {
    it(`a manager cannot see nor take over ${why} (404 like a missing account)`, async () => {
      const c = await srv.login('manager');
      const before = await users();
      const hidden = await c.get(`/users/${ids[target]}`);
      const missing = await c.get(`/users/${MISSING}`);
      assert.equal(hidden.status, 404);
      assert.equal(
        stripPath(stripCsrf(hidden.text), `/users/${ids[target]}`),
        stripPath(stripCsrf(missing.text), `/users/${MISSING}`),
      );
      assert.ok(!(await c.get('/users')).text.includes(USERS[target].email), `${target} is listed`);
      const res = await post(c, target, { ...takeover, sites: [srv.sites.rennes] });
      assert.equal(res.status, 404);
      assert.equal(await users(), before, 'the store changed after a refusal');
      await assertLoginFails(target, ATTACKER_PASSWORD);
    });
  }

  it('a manager who shares a site with a manager of another site may not take them over either (403)', async () => {
    const c = await srv.login('manager');
    const before = await users();
    // managerBrest also works at Rennes: visible, but theirs is not only the manager's site.
    assert.equal((await c.get(`/users/${ids.managerBrest}`)).status, 200);
    for (const fields of [
      { password: ATTACKER_PASSWORD },
      { role: 'agent' },
      { email: 'detourne@example.org' },
    ]) {
      const res = await post(c, 'managerBrest', fields);
      assert.equal(res.status, 403, `${JSON.stringify(fields)} answered ${res.status}`);
    }
    // The box of the account's state is not shown: leaving it out disables nobody.
    assert.equal((await post(c, 'managerBrest', { active: undefined })).status, 303);
    assert.equal(await users(), before);
    await assertLoginFails('managerBrest', ATTACKER_PASSWORD);
  });

  it('a manager cannot take over a peer manager of the same site (403), but may edit their own sites of it', async () => {
    const c = await srv.login('manager');
    const page = await c.get(`/users/${ids.peer}`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /name="password"/, 'the form offers to set a peer\'s password');
    assert.doesNotMatch(page.text, /name="active"/, 'the form offers to disable a peer');
    const before = await users();
    for (const fields of [
      { password: ATTACKER_PASSWORD },
      { role: 'agent' },
      { role: 'admin' },
      { email: 'peer.detourne@example.org' },
      { name: 'Nom changé' },
    ]) {
      const res = await post(c, 'peer', fields);
      assert.equal(res.status, 403, `${JSON.stringify(fields)} answered ${res.status}`);
    }
    // Leaving out the box the form does not show disables nobody.
    const unchanged = await post(c, 'peer', { active: undefined });
    assert.equal(unchanged.status, 303);
    assert.equal(await users(), before, 'the store changed after a refusal');
    await assertLoginFails('peer', ATTACKER_PASSWORD);
  });

  it('a manager cannot set the password, role or state of an adviser who also works at another site (403)', async () => {
    const c = await srv.login('manager');
    const before = await users();
    for (const fields of [{ password: ATTACKER_PASSWORD }, { role: 'manager' }, { email: 'autre@example.org' }]) {
      const res = await post(c, 'shared', fields);
      assert.equal(res.status, 403, `${JSON.stringify(fields)} answered ${res.status}`);
    }
    assert.equal((await post(c, 'shared', { active: undefined })).status, 303);
    assert.equal(await users(), before);
  });

  it('a manager cannot create a coordinator, an operator or an admin (403)', async () => {
    const c = await srv.login('manager');
    const before = await users();
    for (const role of ['coordinator', 'operator', 'admin']) {
      const csrf = await c.csrf('/users/new');
      const res = await c.post('/users', [
        ['email', `nouveau.${role}@example.org`], ['name', 'Nouveau'], ['role', role], ['departement', '35'],
        ['operator_code', 'cnaf'], ['sites', String(srv.sites.rennes)], ['password', ATTACKER_PASSWORD], ['csrf', csrf],
      ]);
      assert.equal(res.status, 403, `${role} answered ${res.status}`);
    }
    assert.equal(await users(), before);
  });

  for (const [key, who] of [['coordRennes', 'a coordinator'], ['operator', 'an operator'], ['agent', 'an adviser']]) {
    it(`${who} cannot open nor change any account, an admin's least of all (403)`, async () => {
      const c = await srv.login(key);
      const before = await users();
      assert.equal((await c.get(`/users/${ids.adminRennes}`)).status, 403);
      const res = await post(c, 'adminRennes', takeover);
      assert.equal(res.status, 403);
      assert.equal(await users(), before);
    });
  }

  it('an admin cannot change their own role, state or password through the users page (403)', async () => {
    const c = await srv.login('admin');
    const page = await c.get(`/users/${ids.admin}`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /name="password"/);
    const before = await users();
    for (const fields of [{ role: 'agent' }, { password: ATTACKER_PASSWORD }]) {
      const res = await post(c, 'admin', fields);
      assert.equal(res.status, 403, `${JSON.stringify(fields)} answered ${res.status}`);
    }
    assert.equal(await users(), before);
  });

  it('what the table allows still works: a manager sets the password of their adviser and disables them', async () => {
    const c = await srv.login('manager');
    let res = await post(c, 'spare', { password: 'un mot de passe du responsable' });
    assert.equal(res.status, 303, res.text.slice(0, 1000));
    res = await srv.client().login(USERS.spare.email, 'un mot de passe du responsable');
    assert.equal(res.status, 303);
    res = await post(c, 'spare', { active: undefined });
    assert.equal(res.status, 303);
    const line = (await users()).split('\n').find((l) => l.includes(USERS.spare.email));
    assert.match(line, /\t(0|no|inactive|disabled)\t/);
    // An admin moves anyone: here a manager of another site made an adviser.
    const admin = await srv.login('admin');
    res = await post(admin, 'managerOnlyBrest', { role: 'agent' }, true);
    assert.equal(res.status, 303, res.text.slice(0, 1000));
    assert.match((await users()).split('\n').find((l) => l.includes(USERS.managerOnlyBrest.email)), /\tagent\t/);
  });

  describe('the CSV import credits only accounts that record at the visit\'s site', () => {
    const HEADER = "visit_ref,Date,Heure,Canaux d'accompagnement,Opérateur,Thématique(s),Niveau d'intervention,Issue,Conseiller (e-mail)";
    const row = (ref, email) => `${ref},2024-03-04,10:15,guichet_spontane,cnaf,social_sante,fait_avec,resolu,${email}`;

    const exportText = async () => (await srv.cli(['export', 'demands'])).stdout;

    async function upload(c, content) {
      const csrf = await c.csrf('/import');
      const { body, type } = multipart({ csrf, site: srv.sites.rennes }, { name: 'f.csv', content });
      return await c.request('POST', '/import', { headers: { 'content-type': type }, body });
    }

    /* The messages of the problems table, without the value. */
    function problems(html) {
      return [...html.matchAll(/<tr><td>(\d*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => ({
        line: Number(m[1]),
        column: textOf(m[2]).trim(),
        message: textOf(m[3]).replace(/ : « [^»]*»$/, ''),
      }));
    }

    it('through the upload page: another site\'s adviser, an admin and an unknown address get one message', async () => {
      const c = await srv.login('agent');
      const before = await exportText();
      const content = [
        HEADER,
        row('1', USERS.agentBrest.email),
        row('2', USERS.admin.email),
        row('3', 'personne@example.org'),
        row('4', USERS.coordRennes.email),
      ].join('\n');
      const res = await upload(c, `${content}\n`);
      assert.equal(res.status, 400);
      const p = problems(res.text);
      assert.deepEqual(p.map((x) => [x.line, x.column]), [2, 3, 4, 5].map((l) => [l, 'Conseiller (e-mail)']));
      assert.equal(new Set(p.map((x) => x.message)).size, 1, `the messages differ: ${JSON.stringify(p)}`);
      assert.equal(await exportText(), before, 'the store changed after a refused import');
    });

    it('through the upload page: an adviser or a manager of the site is credited', async () => {
      const c = await srv.login('agent');
      const res = await upload(c, `${HEADER}\n${row('5', USERS.manager.email)}\n${row('6', USERS.shared.email)}\n`);
      assert.equal(res.status, 200, res.text.slice(0, 2000));
      const rows = (await exportText()).split('\r\n');
      assert.ok(rows.some((l) => l.includes(`,${USERS.manager.email},`)));
      assert.ok(rows.some((l) => l.includes(`,${USERS.shared.email},`)));
    });

    it('through the command line: --agent and the column are held to the same rule', async () => {
      const before = await exportText();
      const file = path.join(srv.dir, 'agents.csv');
      await fsp.writeFile(file, `${HEADER}\n${row('7', USERS.agentBrest.email)}\n${row('8', 'personne@example.org')}\n`);
      let r = await srv.cli(['import', 'demands', '--site', String(srv.sites.rennes), file]);
      assert.equal(r.code, 1, r.stderr);
      const lines = r.stderr.split('\n').filter((l) => /line [23], column Conseiller/.test(l));
      assert.equal(lines.length, 2, r.stderr);
      assert.equal(lines[0].replace(/^.*column /, '').replace(/ '[^']*'$/, ''), lines[1].replace(/^.*column /, '').replace(/ '[^']*'$/, ''));
      r = await srv.cli(['import', 'demands', '--site', String(srv.sites.rennes), '--agent', USERS.agentBrest.email, file]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--agent/);
      const bySite = path.join(srv.dir, 'by-site.csv');
      await fsp.writeFile(bySite, `Identifiant du lieu,${HEADER}\n${srv.sites.brest},${row('9', '')}\n`);
      r = await srv.cli(['import', 'demands', '--agent', USERS.agent.email, bySite]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /line 2, column Identifiant du lieu/);
      assert.equal(await exportText(), before);
    });
  });

  describe('a site\'s commune', () => {
    const siteLine = async (key) => (await srv.cliOk(['site', 'list'])).split('\n').find((l) => l.startsWith(`${srv.sites[key]}\t`));
    const fields = (commune) => ({ name: 'Mairie de Saint-Malo', type: 'mairie', commune_insee: commune });

    it('a manager may change it within the département only', async () => {
      const admin = await srv.login('admin');
      // The manager of Rennes is given Saint-Malo (35) for this test.
      let res = await post(admin, 'manager', { sites: [srv.sites.rennes, srv.sites.malo] }, true);
      assert.equal(res.status, 303, res.text.slice(0, 1000));
      const c = await srv.login('manager');
      const before = await siteLine('malo');
      res = await c.submit(`/sites/${srv.sites.malo}/edit`, `/sites/${srv.sites.malo}/edit`, fields('29019'));
      assert.equal(res.status, 400);
      assert.match(textOf(res.text), /département/);
      assert.equal(await siteLine('malo'), before, 'a manager moved their site to Finistère');
      res = await c.submit(`/sites/${srv.sites.malo}/edit`, `/sites/${srv.sites.malo}/edit`, fields('35238'));
      assert.equal(res.status, 303);
      assert.match(await siteLine('malo'), /\t35238\t35$/);
    });

    it('an admin may move a site to another département', async () => {
      const admin = await srv.login('admin');
      const res = await admin.submit(`/sites/${srv.sites.malo}/edit`, `/sites/${srv.sites.malo}/edit`, fields('29019'));
      assert.equal(res.status, 303);
      assert.match(await siteLine('malo'), /\t29019\t29$/);
    });
  });
});
