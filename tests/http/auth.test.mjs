// auth.test.mjs: logging in and out, the error page, throttling, CSRF,
// session expiry and the change of password.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { csrfToken, findTags, hasErrorMessage, serverForSuite, setupServer, stripCsrf, waitSeconds } from './lib.mjs';

describe('login and logout', () => {
  let srv;
  serverForSuite((s) => (srv = s));

  it('GET / without a session redirects to /login', async () => {
    const res = await srv.client().get('/');
    assert.equal(res.status, 303);
    assert.equal(res.locationPath, '/login');
  });

  it('the login form has email, password and a csrf field, and sets the pre-session cookie', async () => {
    const c = srv.client();
    const res = await c.get('/login');
    assert.equal(res.status, 200);
    assert.match(res.header('content-type'), /^text\/html;\s*charset=utf-8$/i);
    const inputs = findTags(res.text, 'input');
    const byName = Object.fromEntries(inputs.map((a) => [a.name, a]));
    assert.ok(byName.email, 'no email field');
    assert.ok(byName.password, 'no password field');
    assert.equal(byName.password.type, 'password');
    assert.equal(byName.csrf?.type, 'hidden', 'no hidden csrf field');
    assert.ok(byName.csrf.value.length >= 16, 'csrf token too short');
    assert.ok(c.cookie('guichet_pre'), 'no guichet_pre cookie');
    assert.match(c.attrs.get('guichet_pre'), /;\s*HttpOnly/i);
    const form = findTags(res.text, 'form').find((f) => f.action === '/login');
    assert.ok(form, 'no form posting to /login');
    assert.equal(form.method?.toLowerCase(), 'post');
  });

  it('the right password logs in: 303 to / and an HttpOnly, SameSite=Lax session cookie', async () => {
    const c = srv.client();
    const res = await c.login(srv.users.agent.email, srv.users.agent.password);
    assert.equal(res.status, 303, res.text.slice(0, 1000));
    assert.equal(res.location, '/');
    const cookie = c.attrs.get('guichet_session');
    assert.ok(cookie, 'no guichet_session cookie');
    assert.match(cookie, /;\s*HttpOnly/i);
    assert.match(cookie, /;\s*SameSite=Lax/i);
    assert.match(cookie, /;\s*Path=\//i);
    assert.ok(c.cookie('guichet_session').length >= 32, 'session id too short');
    const home = await c.get('/');
    assert.equal(home.status, 200);
    assert.ok(home.text.includes(srv.users.agent.name), 'the home page does not show who is logged in');
  });

  it('a new login gives a new session id (no fixation)', async () => {
    const c = srv.client();
    c.setCookie('guichet_session', 'a'.repeat(64));
    const res = await c.login(srv.users.agent.email, srv.users.agent.password);
    assert.equal(res.status, 303);
    assert.notEqual(c.cookie('guichet_session'), 'a'.repeat(64));
    const c2 = await srv.login('agent');
    assert.notEqual(c2.cookie('guichet_session'), c.cookie('guichet_session'));
  });

  it('a wrong password answers 401 with the form and an error, and no session', async () => {
    const c = srv.client();
    const res = await c.login(srv.users.manager.email, 'pas le bon mot de passe');
    assert.equal(res.status, 401);
    assert.match(res.header('content-type'), /^text\/html/i);
    assert.ok(hasErrorMessage(res.text), 'the 401 page shows no error');
    assert.ok(csrfToken(res.text), 'the 401 page has no form to try again');
    assert.ok(findTags(res.text, 'input').some((a) => a.name === 'password'), 'no password field on the 401 page');
    assert.ok(!res.text.includes('pas le bon mot de passe'), 'the password is echoed in the page');
    assert.equal(c.cookie('guichet_session'), undefined, 'a session cookie was set');
    assert.equal((await c.get('/')).status, 303);
  });

  it('an unknown address gets the same answer as a wrong password', async () => {
    const a = srv.client();
    const wrong = await a.login(srv.users.coordinator.email, 'pas le bon mot de passe');
    const b = srv.client();
    const unknown = await b.login('personne@example.org', 'pas le bon mot de passe');
    assert.equal(unknown.status, wrong.status);
    // Same page but for the e-mail address typed and the token of the form.
    const norm = (res, email) => stripCsrf(res.text).replaceAll(email, 'EMAIL');
    assert.equal(norm(unknown, 'personne@example.org'), norm(wrong, srv.users.coordinator.email), 'the pages tell which accounts exist');
  });

  it('an empty login form answers 400 or 401', async () => {
    const c = srv.client();
    const res = await c.submit('/login', '/login', { email: '', password: '' });
    assert.ok([400, 401].includes(res.status), `empty login answered ${res.status}`);
  });

  it('POST /logout ends the session', async () => {
    const c = await srv.login('agent');
    const session = c.cookie('guichet_session');
    const csrf = await c.csrf('/');
    const res = await c.post('/logout', { csrf });
    assert.equal(res.status, 303);
    assert.equal(res.locationPath, '/login');
    // The browser forgets the cookie, and the server forgets the session.
    assert.equal(c.cookie('guichet_session'), undefined, 'logout did not delete the cookie');
    c.setCookie('guichet_session', session);
    const after = await c.get('/');
    assert.equal(after.status, 303, 'the old session id still works after logout');
    assert.equal(after.locationPath, '/login');
  });

  it('GET /logout does not log out', async () => {
    const c = await srv.login('agent');
    await c.get('/logout');
    assert.equal((await c.get('/')).status, 200, 'a GET ended the session');
  });
});

describe('CSRF', () => {
  let srv;
  serverForSuite((s) => (srv = s));

  it('login without a csrf field is refused with 403', async () => {
    const c = srv.client();
    await c.get('/login');
    const res = await c.post('/login', { email: srv.users.admin.email, password: srv.users.admin.password });
    assert.equal(res.status, 403);
    assert.equal(c.cookie('guichet_session'), undefined);
  });

  it('login with a forged csrf token is refused with 403', async () => {
    const c = srv.client();
    const { csrf } = await c.form('/login');
    const forged = csrf.slice(0, -4) + (csrf.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const res = await c.post('/login', { email: srv.users.admin.email, password: srv.users.admin.password, csrf: forged });
    assert.equal(res.status, 403);
    assert.equal(c.cookie('guichet_session'), undefined);
  });

  it('login without the pre-session cookie is refused with 403', async () => {
    const c = srv.client();
    const { csrf } = await c.form('/login');
    c.jar.clear();
    const res = await c.post('/login', { email: srv.users.admin.email, password: srv.users.admin.password, csrf });
    assert.equal(res.status, 403);
  });

  it("login with another browser's token is refused with 403", async () => {
    const victim = srv.client();
    const attacker = srv.client();
    const { csrf: attackerToken } = await attacker.form('/login');
    await victim.get('/login');
    const res = await victim.post('/login', { email: srv.users.admin.email, password: srv.users.admin.password, csrf: attackerToken });
    assert.equal(res.status, 403);
  });

  it("logout with another session's token is refused and the session lives on", async () => {
    const victim = await srv.login('agent');
    const attacker = await srv.login('agentBrest');
    const token = await attacker.csrf('/');
    const res = await victim.post('/logout', { csrf: token });
    assert.equal(res.status, 403);
    assert.equal((await victim.get('/')).status, 200);
  });

  it('logout with the pre-login token is refused once logged in', async () => {
    const c = srv.client();
    const { csrf: preToken } = await c.form('/login');
    const res = await c.post('/login', { email: srv.users.agent.email, password: srv.users.agent.password, csrf: preToken });
    assert.equal(res.status, 303);
    const out = await c.post('/logout', { csrf: preToken });
    assert.equal(out.status, 403, 'a token bound to the pre-session is accepted for the session');
  });

  it('a state-changing form without csrf is refused and writes nothing', async () => {
    const c = await srv.login('admin');
    const before = await srv.cliOk(['site', 'list']);
    const res = await c.post('/sites', { name: 'Site sans jeton', type: 'mairie', commune_insee: '35238' });
    assert.equal(res.status, 403);
    assert.equal(await srv.cliOk(['site', 'list']), before);
  });
});

describe('throttling per account', () => {
  let srv;
  serverForSuite((s) => (srv = s));

  it('after 5 failures the right password answers 429; other accounts still log in', async () => {
    const email = srv.users.agent.email;
    for (let i = 1; i <= 5; i++) {
      const res = await srv.client().login(email, `mauvais mot de passe ${i}`);
      assert.equal(res.status, 401, `failure ${i} answered ${res.status}`);
    }
    const locked = await srv.client().login(email, srv.users.agent.password);
    assert.equal(locked.status, 429, `the 6th attempt with the right password answered ${locked.status}`);
    assert.ok(!locked.headers['set-cookie']?.some((l) => l.startsWith('guichet_session=')), 'a session was opened');
    assert.match(locked.header('content-type'), /^text\/html/i);
    const locked2 = await srv.client().login(email.toUpperCase(), srv.users.agent.password);
    assert.equal(locked2.status, 429, 'the throttle is bypassed by changing the case of the address');

    const other = srv.client();
    assert.equal((await other.login(srv.users.manager.email, srv.users.manager.password)).status, 303);
  });
});

describe('throttling per address', () => {
  let srv;
  serverForSuite((s) => (srv = s));

  it('after 20 failures from one address every login answers 429', async () => {
    // 20 different unknown accounts: the per-account limit never applies.
    for (let i = 1; i <= 20; i++) {
      const res = await srv.client().login(`inconnu${i}@example.org`, 'mauvais mot de passe');
      assert.equal(res.status, 401, `failure ${i} answered ${res.status}`);
    }
    const res = await srv.client().login(srv.users.admin.email, srv.users.admin.password);
    assert.equal(res.status, 429, `a good login after 20 failures answered ${res.status}`);
  });
});

describe('addresses behind a proxy', () => {
  /* Logs in with a given X-Forwarded-For and X-Forwarded-Proto. */
  async function loginFrom(srv, email, password, xff, proto) {
    const headers = { 'x-forwarded-for': xff };
    if (proto) headers['x-forwarded-proto'] = proto;
    const c = srv.client();
    const { csrf } = await (async () => {
      const res = await c.get('/login', { headers });
      return { csrf: csrfToken(res.text) };
    })();
    const res = await c.post('/login', { email, password, csrf }, { headers });
    return { c, res };
  }

  it('without --trust-proxy, X-Forwarded-For cannot dodge the per-address limit', async () => {
    const srv = await setupServer();
    try {
      for (let i = 1; i <= 20; i++) {
        const { res } = await loginFrom(srv, `inconnu${i}@example.org`, 'mauvais mot de passe', `198.51.100.${i}`);
        assert.equal(res.status, 401, `failure ${i} answered ${res.status}`);
      }
      const { res } = await loginFrom(srv, srv.users.admin.email, srv.users.admin.password, '198.51.100.99');
      assert.equal(res.status, 429, 'a forged X-Forwarded-For reset the per-address count');
      const { c, res: https } = await loginFrom(srv, srv.users.agent.email, srv.users.agent.password, '198.51.100.98', 'https');
      assert.equal(https.status, 429);
      assert.equal(c.cookie('guichet_session'), undefined);
      await srv.stop();
    } finally {
      await srv.cleanup();
    }
  });

  it('with --trust-proxy, each forwarded address has its own count, and https cookies are Secure', async () => {
    const srv = await setupServer({ serveArgs: ['--trust-proxy'] });
    try {
      for (let i = 1; i <= 20; i++) {
        const { res } = await loginFrom(srv, `inconnu${i}@example.org`, 'mauvais mot de passe', '198.51.100.7');
        assert.equal(res.status, 401, `failure ${i} answered ${res.status}`);
      }
      const blocked = await loginFrom(srv, srv.users.admin.email, srv.users.admin.password, '198.51.100.7');
      assert.equal(blocked.res.status, 429, 'the forwarded address is not the one throttled');
      const other = await loginFrom(srv, srv.users.admin.email, srv.users.admin.password, '198.51.100.8', 'https');
      assert.equal(other.res.status, 303, 'another forwarded address is blocked too');
      assert.match(other.c.attrs.get('guichet_session'), /;\s*Secure/i, 'no Secure flag behind an https proxy');
      const plain = await loginFrom(srv, srv.users.agent.email, srv.users.agent.password, '198.51.100.9', 'http');
      assert.equal(plain.res.status, 303);
      assert.doesNotMatch(plain.c.attrs.get('guichet_session'), /;\s*Secure/i);
      await srv.stop();
    } finally {
      await srv.cleanup();
    }
  });
});

describe('session expiry', () => {
  it('a session idle longer than --session-idle is over', async () => {
    // Idle 2 s, waiting 3.2 s: whole-second clocks cannot make this flaky.
    const srv = await setupServer({ serveArgs: ['--session-idle', '2'] });
    try {
      const c = await srv.login('agent');
      assert.equal((await c.get('/')).status, 200, 'the session did not work right after login');
      await waitSeconds(3.2);
      const res = await c.get('/');
      assert.equal(res.status, 303, 'the idle session still works');
      assert.equal(res.locationPath, '/login');
      await srv.stop();
    } finally {
      await srv.cleanup();
    }
  });

  it('a session older than --session-absolute is over even when in use', async () => {
    const srv = await setupServer({ serveArgs: ['--session-idle', '3600', '--session-absolute', '3'] });
    try {
      const c = await srv.login('agent');
      assert.equal((await c.get('/')).status, 200);
      await waitSeconds(1);
      assert.equal((await c.get('/')).status, 200, 'the session ended too early');
      await waitSeconds(3.2);
      const res = await c.get('/');
      assert.equal(res.status, 303, 'the session outlived --session-absolute');
      assert.equal(res.locationPath, '/login');
      await srv.stop();
    } finally {
      await srv.cleanup();
    }
  });
});

describe('change of password', () => {
  let srv;
  serverForSuite((s) => (srv = s));

  const change = async (c, fields) => c.submit('/account/password', '/account/password', fields);

  it('the form has the three password fields', async () => {
    const c = await srv.login('agentBrest');
    const res = await c.get('/account/password');
    assert.equal(res.status, 200);
    const names = findTags(res.text, 'input').map((a) => a.name);
    for (const n of ['current_password', 'new_password', 'confirm_password', 'csrf']) assert.ok(names.includes(n), `no ${n} field`);
  });

  it('is refused without a session', async () => {
    const res = await srv.client().get('/account/password');
    assert.equal(res.status, 303);
    assert.equal(res.locationPath, '/login');
  });

  it('refuses a weak password, a mismatch and a wrong current password', async () => {
    const u = srv.users.agentBrest;
    const c = await srv.login('agentBrest');
    const weak = await change(c, { current_password: u.password, new_password: 'court', confirm_password: 'court' });
    assert.equal(weak.status, 400);
    assert.ok(hasErrorMessage(weak.text), 'no error shown for a weak password');
    const mismatch = await change(c, {
      current_password: u.password,
      new_password: 'un nouveau mot de passe',
      confirm_password: 'un autre mot de passe',
    });
    assert.equal(mismatch.status, 400);
    assert.ok(hasErrorMessage(mismatch.text));
    const wrongCurrent = await change(c, {
      current_password: 'pas le mot de passe actuel',
      new_password: 'un nouveau mot de passe',
      confirm_password: 'un nouveau mot de passe',
    });
    assert.ok([400, 401, 403].includes(wrongCurrent.status), `a wrong current password answered ${wrongCurrent.status}`);
    // None of these changed anything.
    assert.equal((await srv.client().login(u.email, u.password)).status, 303);
  });

  it('changes the password: the old one no longer works, the new one does', async () => {
    const u = srv.users.coordinator;
    const c = await srv.login('coordinator');
    const fresh = 'nouveau mot de passe très long';
    const res = await change(c, { current_password: u.password, new_password: fresh, confirm_password: fresh });
    assert.equal(res.status, 303, res.text.slice(0, 1000));
    const next = await c.follow(res);
    assert.equal(next.status, 200, 'the page after the change does not open (session lost?)');
    assert.equal((await srv.client().login(u.email, u.password)).status, 401, 'the old password still works');
    assert.equal((await srv.client().login(u.email, fresh)).status, 303, 'the new password does not work');
    u.password = fresh;
  });
});
