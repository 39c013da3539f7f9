// tokens.test.mjs: API tokens with a name, an expiry, a last use, listing and
// revocation (`guichet token create|list|revoke` and /account/tokens), and
// the rule that every session and token of an account ends when its
// password changes (by itself, an admin, a manager, the command line) or
// when it is disabled.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { serverForSuite, waitSeconds } from './lib.mjs';

const bearer = (token) => ({ headers: { authorization: `Bearer ${token}` } });
const lastWord = (out) => out.split(/\s+/).pop();

describe('API tokens from the command line', () => {
  let srv;
  serverForSuite((s) => (srv = s));
  const me = (token) => srv.client().get('/api/v1/me', bearer(token));

  it('create takes a name and an expiry; list shows them and never a secret', async () => {
    const token = lastWord(await srv.cliOk(['token', 'create', '--user', srv.users.agent.email, '--name', 'Export mensuel', '--expires', '30']));
    assert.match(token, /^[0-9a-f]{64}$/);
    assert.equal((await me(token)).status, 200);
    const list = await srv.cliOk(['token', 'list']);
    assert.match(list, /^id\tuser\tname\tcreated\texpires\tlast_used\tstate$/m);
    const line = list.split('\n').find((l) => l.includes('Export mensuel'));
    assert.ok(line, `the token is not listed:\n${list}`);
    const cells = line.split('\t');
    assert.equal(cells[1], srv.users.agent.email);
    const days = (Date.parse(cells[4]) - Date.parse(cells[3])) / 86400_000;
    assert.ok(days > 29.9 && days < 30.1, `30 days asked, ${days} given`);
    assert.notEqual(cells[5], 'never', 'the use of the token was not recorded');
    assert.equal(cells[6], 'valid');
    assert.ok(!list.includes(token), 'token list printed a secret');
    const mine = await srv.cliOk(['token', 'list', '--user', srv.users.manager.email]);
    assert.ok(!mine.includes('Export mensuel'), '--user shows the tokens of another account');
  });

  it('a token lives 90 days unless asked, and at most a year', async () => {
    await srv.cliOk(['token', 'create', '--user', srv.users.manager.email, '--name', 'défaut']);
    const line = (await srv.cliOk(['token', 'list', '--user', srv.users.manager.email])).split('\n').find((l) => l.includes('défaut'));
    const cells = line.split('\t');
    const days = (Date.parse(cells[4]) - Date.parse(cells[3])) / 86400_000;
    assert.ok(days > 89.9 && days < 90.1, `default life of ${days} days`);
    for (const bad of ['366', '0', '400d', 'demain', '2000-01-01', '9999-12-31']) {
      const r = await srv.cli(['token', 'create', '--user', srv.users.manager.email, '--expires', bad]);
      assert.equal(r.code, 2, `--expires ${bad} was accepted`);
      assert.match(r.stderr, /--expires/);
    }
  });

  it('revoke ends a token at once; an unknown id fails', async () => {
    const token = lastWord(await srv.cliOk(['token', 'create', '--user', srv.users.agent.email, '--name', 'à révoquer']));
    assert.equal((await me(token)).status, 200);
    const line = (await srv.cliOk(['token', 'list'])).split('\n').find((l) => l.includes('à révoquer'));
    const id = line.split('\t')[0];
    assert.match(await srv.cliOk(['token', 'revoke', id]), new RegExp(`revoked token ${id}`));
    const res = await me(token);
    assert.equal(res.status, 401, 'a revoked token still works');
    assert.ok(!(await srv.cliOk(['token', 'list'])).includes('à révoquer'));
    assert.equal((await srv.cli(['token', 'revoke', id])).code, 1, 'revoking twice succeeded');
    assert.equal((await srv.cli(['token', 'revoke', 'abc'])).code, 2);
    assert.equal((await srv.cli(['token', 'revoke'])).code, 2);
  });

  it('an expired token answers 401 like an unknown one', async () => {
    const token = lastWord(await srv.cliOk(['token', 'create', '--user', srv.users.agent.email, '--expires', '2s']));
    assert.equal((await me(token)).status, 200);
    await waitSeconds(3.2);
    const expired = await me(token);
    const unknown = await me('0'.repeat(64));
    assert.equal(expired.status, 401, 'an expired token still works');
    assert.equal(expired.text, unknown.text);
    assert.match((await srv.cliOk(['token', 'list'])).split('\n').find((l) => l.endsWith('expired')) ?? '', /expired$/);
  });
});

describe('/account/tokens: each user sees, creates and revokes their own', () => {
  let srv;
  serverForSuite((s) => (srv = s));
  const me = (token) => srv.client().get('/api/v1/me', bearer(token));

  it('is linked from the change of password and needs a session', async () => {
    const c = await srv.login('agent');
    assert.match((await c.get('/account/password')).text, /href="\/account\/tokens"/);
    const anon = await srv.client().get('/account/tokens');
    assert.equal(anon.status, 303);
    assert.equal(anon.locationPath, '/login');
  });

  it('creates a token shown once, lists it by name, and revokes it', async () => {
    const c = await srv.login('agent');
    const res = await c.submit('/account/tokens', '/account/tokens', { name: 'Tableur <b>', life: '30' });
    assert.equal(res.status, 200, res.text.slice(0, 1000));
    const token = /<code id="jeton">([0-9a-f]{64})<\/code>/.exec(res.text)?.[1];
    assert.ok(token, 'the new token is not shown');
    assert.match(res.text, /Tableur &lt;b&gt;/);
    assert.match(res.header('cache-control'), /no-store/);
    const who = await me(token);
    assert.equal(who.status, 200);
    assert.equal(who.json().email, srv.users.agent.email);

    const page = await c.get('/account/tokens');
    assert.equal(page.status, 200);
    assert.match(page.text, /Tableur &lt;b&gt;/);
    assert.ok(!page.text.includes(token), 'the list shows the secret again');
    const id = /action="\/account\/tokens\/(\d+)\/revoke"/.exec(page.text)?.[1];
    assert.ok(id, 'no revoke button');

    // Another account cannot revoke it: the same 404 as a missing token.
    const other = await srv.login('manager');
    const csrf = await other.csrf('/account/tokens');
    const refused = await other.post(`/account/tokens/${id}/revoke`, { csrf });
    assert.equal(refused.status, 404);
    assert.equal((await me(token)).status, 200, 'another account revoked the token');
    assert.ok(!(await other.get('/account/tokens')).text.includes('Tableur'), 'another account sees the token');

    const done = await c.post(`/account/tokens/${id}/revoke`, { csrf: await c.csrf('/account/tokens') });
    assert.equal(done.status, 303);
    assert.equal(done.locationPath, '/account/tokens');
    assert.equal((await me(token)).status, 401, 'the revoked token still works');
    assert.ok(!(await c.get('/account/tokens')).text.includes('Tableur'));
  });

  it('refuses a token without a name, with a life not offered, or without csrf', async () => {
    const c = await srv.login('agent');
    const noName = await c.submit('/account/tokens', '/account/tokens', { name: '', life: '90' });
    assert.equal(noName.status, 400);
    assert.ok(!/<code id="jeton">/.test(noName.text));
    const tooLong = await c.submit('/account/tokens', '/account/tokens', { name: 'x', life: '3650' });
    assert.equal(tooLong.status, 400);
    const forged = await c.post('/account/tokens', { name: 'x', life: '90', csrf: 'faux' });
    assert.equal(forged.status, 403);
  });
});

describe('a new password or a disabled account ends every session and token', () => {
  let srv;
  serverForSuite((s) => (srv = s));
  const me = (token) => srv.client().get('/api/v1/me', bearer(token));

  /* A session and a token of user key, both checked to work. */
  async function open(key) {
    const c = await srv.login(key);
    const token = await srv.token(key);
    assert.equal((await c.get('/')).status, 200);
    assert.equal((await me(token)).status, 200);
    return { c, token };
  }

  async function assertEnded({ c, token }, who) {
    const page = await c.get('/');
    assert.equal(page.status, 303, `${who}: the session outlived the change`);
    assert.equal(page.locationPath, '/login');
    assert.equal((await me(token)).status, 401, `${who}: the token outlived the change`);
  }

  /* The fields of the user form of user key, as they are. */
  async function userForm(key, id, fields) {
    const u = srv.users[key];
    return {
      name: u.name,
      email: u.email,
      role: u.role,
      sites: (u.sites ?? []).map((s) => srv.sites[s]),
      active: '1',
      ...fields,
    };
  }

  it('when an admin sets the password', async () => {
    const id = await srv.userId('agentBrest');
    const before = await open('agentBrest');
    const admin = await srv.login('admin');
    const fresh = 'mot de passe choisi par admin';
    const res = await admin.submit(`/users/${id}`, `/users/${id}`, await userForm('agentBrest', id, { password: fresh }));
    assert.equal(res.status, 303, res.text.slice(0, 1500));
    await assertEnded(before, 'admin');
    srv.users.agentBrest.password = fresh;
    assert.equal((await admin.get('/')).status, 200, "the admin's own session ended");
  });

  it('when a manager sets the password of an adviser of their site', async () => {
    const id = await srv.userId('agent');
    const before = await open('agent');
    const manager = await srv.login('manager');
    const fresh = 'mot de passe choisi par le responsable';
    const res = await manager.submit(`/users/${id}`, `/users/${id}`, await userForm('agent', id, { password: fresh }));
    assert.equal(res.status, 303, res.text.slice(0, 1500));
    await assertEnded(before, 'manager');
    srv.users.agent.password = fresh;
  });

  it('an edit without a new password leaves them alive', async () => {
    const id = await srv.userId('agent');
    const before = await open('agent');
    const admin = await srv.login('admin');
    const res = await admin.submit(`/users/${id}`, `/users/${id}`, await userForm('agent', id, { name: 'Agathe Renommée' }));
    assert.equal(res.status, 303, res.text.slice(0, 1500));
    srv.users.agent.name = 'Agathe Renommée';
    assert.equal((await before.c.get('/')).status, 200);
    assert.equal((await me(before.token)).status, 200);
  });

  it('when the user changes their own password', async () => {
    const before = await open('coordinator');
    const u = srv.users.coordinator;
    const fresh = 'mon nouveau mot de passe à moi';
    const other = await srv.login('coordinator');
    const res = await other.submit('/account/password', '/account/password', {
      current_password: u.password,
      new_password: fresh,
      confirm_password: fresh,
    });
    assert.equal(res.status, 303);
    await assertEnded(before, 'own change');
    u.password = fresh;
  });

  it('when `guichet user password` sets it', async () => {
    const before = await open('manager');
    const fresh = 'mot de passe venu du terminal';
    await srv.cliOk(['user', 'password', '--email', srv.users.manager.email], { input: `${fresh}\n` });
    await assertEnded(before, 'cli');
    srv.users.manager.password = fresh;
  });

  it('when the account is disabled, and enabling it again brings none back', async () => {
    const before = await open('agentBrest');
    await srv.cliOk(['user', 'disable', '--email', srv.users.agentBrest.email]);
    await srv.cliOk(['user', 'enable', '--email', srv.users.agentBrest.email]);
    await assertEnded(before, 'disable');
    assert.equal((await srv.client().login(srv.users.agentBrest.email, srv.users.agentBrest.password)).status, 303);
  });
});
