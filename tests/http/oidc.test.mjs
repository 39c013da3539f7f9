// The login with ProConnect (OpenID Connect, docs/proconnect.md) against a
// real provider started here on loopback (the npm package oidc-provider),
// redirects and cookies followed by hand as a browser would: a known verified
// e-mail logs in and the second factor is not asked; an unverified or unknown
// e-mail, a replayed answer, another state, another browser, a replayed code
// are refused with a page that says so; the logout goes on to the provider's
// end_session_endpoint. A second, small provider signs what the test asks: a
// token signed by another key, expired, for another audience or issuer, or
// with another nonce is refused; an account is created on a first login only
// when the administrator allowed it.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { startFakeProvider, startProvider } from '../fixtures/oidc_provider.mjs';
import { DEFAULT_SITES, csrfToken, formEncode, passwordFor, setupServer, textOf } from './lib.mjs';

// The address people reach Guichet by (as behind a proxy): the provider
// sends the browser there, and the test's browser maps it to the server.
const PUBLIC = 'http://localhost:8443';
const REDIRECT = `${PUBLIC}/login/proconnect/callback`;
const CLIENT = { clientId: 'guichet-test', clientSecret: 'a-long-test-secret-0123456789' };

const USERS = {
  admin: { email: 'admin@example.org', name: 'Alice Administratrice', role: 'admin' },
  agent: { email: 'agent.rennes@example.org', name: 'Agathe Conseillère', role: 'agent', sites: ['rennes'] },
  unverified: { email: 'pas.verifie@example.org', name: 'Paul Nonvérifié', role: 'agent', sites: ['rennes'] },
};

/** A browser: cookies by host, redirects not followed, PUBLIC mapped to the server. */
class Browser {
  constructor(guichet) {
    this.guichet = guichet;
    this.jars = new Map();
  }

  resolve(url) {
    const u = new URL(url, this.guichet);
    if (u.origin === PUBLIC) return new URL(u.pathname + u.search, this.guichet);
    return u;
  }

  jar(u) {
    if (!this.jars.has(u.host)) this.jars.set(u.host, new Map());
    return this.jars.get(u.host);
  }

  cookie(name) {
    return this.jar(new URL(this.guichet)).get(name);
  }

  async request(url, { method = 'GET', form } = {}) {
    const u = this.resolve(url);
    const jar = this.jar(u);
    const headers = {};
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = formEncode(form);
    }
    const res = await fetch(u, { method, headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const gone = attrs.some((a) => {
        const [k, v] = a.split('=').map((x) => x.trim());
        return (k.toLowerCase() === 'max-age' && Number(v) <= 0) || (k.toLowerCase() === 'expires' && Date.parse(v) < Date.now());
      });
      if (gone || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    const loc = res.headers.get('location');
    return { status: res.status, location: loc ? new URL(loc, u).toString() : null, text: await res.text() };
  }

  get(url) {
    return this.request(url);
  }

  /**
   * Starts a login at Guichet and follows the provider's redirects until it
   * sends the browser back to Guichet; returns that callback address (not
   * yet opened) and the provider's authorization request.
   */
  async toProvider() {
    const start = await this.get('/login/proconnect');
    assert.equal(start.status, 303, `GET /login/proconnect: ${start.status}\n${start.text.slice(0, 500)}`);
    const authorization = new URL(start.location);
    let next = start.location;
    for (let i = 0; i < 10; i++) {
      if (next.startsWith(PUBLIC)) return { callback: next, authorization };
      const r = await this.get(next);
      assert.ok(r.location, `the provider stopped at ${next} (${r.status}): ${r.text.slice(0, 500)}`);
      next = r.location;
    }
    throw new Error('the provider redirected more than 10 times');
  }

  async login() {
    const { callback } = await this.toProvider();
    return { callback, res: await this.get(callback) };
  }
}

function refusedPage(res, what) {
  assert.ok([400, 403, 502].includes(res.status), `${what}: expected a refusal, got ${res.status}`);
  assert.match(textOf(res.text), /Connexion avec ProConnect impossible/, `${what}: the refusal page`);
  assert.ok(res.text.includes('href="/login"'), `${what}: a way back to the login page`);
}

async function writeConfig(srv, issuer, extra = '') {
  const secret = path.join(srv.dir, 'oidc-secret');
  await fs.writeFile(secret, `${CLIENT.clientSecret}\n`, { mode: 0o600 });
  const file = path.join(srv.dir, 'guichet.conf');
  await fs.writeFile(
    file,
    [
      `oidc-issuer = ${issuer}`,
      `oidc-client-id = ${CLIENT.clientId}`,
      `oidc-client-secret-file = ${secret}`,
      `oidc-redirect-url = ${REDIRECT}`,
      'oidc-scopes = openid email profile',
      extra,
    ].join('\n'),
  );
  return file;
}

async function adminAudit(srv) {
  const b = new Browser(srv.base);
  const page = await b.get('/login');
  const csrf = csrfToken(page.text);
  const r = await b.request('/login', {
    method: 'POST',
    form: { email: USERS.admin.email, password: passwordFor('admin'), csrf },
  });
  assert.equal(r.status, 303);
  const audit = await b.get('/audit');
  assert.equal(audit.status, 200);
  return textOf(audit.text);
}

describe('ProConnect login against oidc-provider', () => {
  let provider;
  let srv;

  before(async () => {
    provider = await startProvider({
      client: {
        ...CLIENT,
        redirectUri: REDIRECT,
        postLogoutRedirectUri: `${PUBLIC}/login?done=logout`,
      },
      accounts: {
        agent: { email: 'Agent.Rennes@example.org', email_verified: true, given_name: 'Agathe', family_name: 'C' },
        unverified: { email: 'pas.verifie@example.org', email_verified: false },
        stranger: { email: 'inconnu@example.org', email_verified: true },
      },
    });
    srv = await setupServer({ sites: { rennes: DEFAULT_SITES.rennes }, users: USERS, start: false });
    await srv.start(['--config', await writeConfig(srv, provider.issuer)]);
  });

  after(async () => {
    await srv?.stop();
    await srv?.cleanup();
    await provider?.close();
  });

  it('shows the ProConnect button on the login page', async () => {
    const page = await new Browser(srv.base).get('/login');
    assert.equal(page.status, 200);
    assert.ok(page.text.includes('href="/login/proconnect"'));
    assert.match(textOf(page.text), /Se connecter avec ProConnect/);
  });

  it('sends an authorization request with PKCE S256, state and nonce', async () => {
    const b = new Browser(srv.base);
    const start = await b.get('/login/proconnect');
    assert.equal(start.status, 303);
    const q = new URL(start.location).searchParams;
    assert.ok(start.location.startsWith(provider.issuer));
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('client_id'), CLIENT.clientId);
    assert.equal(q.get('redirect_uri'), REDIRECT);
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.match(q.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
    assert.match(q.get('state'), /^[A-Za-z0-9_-]{43}$/);
    assert.match(q.get('nonce'), /^[A-Za-z0-9_-]{43}$/);
    assert.ok(b.cookie('guichet_oidc'), 'the login is bound to this browser by a cookie');
  });

  it('logs in a known verified e-mail, then refuses the same answer twice', async () => {
    provider.nextAccount = 'agent';
    const b = new Browser(srv.base);
    const { callback, res } = await b.login();
    assert.equal(res.status, 303, res.text.slice(0, 1000));
    assert.equal(new URL(res.location).pathname, '/');
    assert.ok(b.cookie('guichet_session'), 'a session was started');
    const home = await b.get('/');
    assert.equal(home.status, 200);
    assert.match(textOf(home.text), /Agathe Conseillère/);
    // No second factor step, no pending code page.
    assert.doesNotMatch(home.text, /login\/code/);

    const again = await new Browser(srv.base).get(callback);
    refusedPage(again, 'the same callback in another browser');
    const replay = await b.get(callback);
    refusedPage(replay, 'the same callback again');
  });

  it('refuses another state and a login opened in another browser', async () => {
    provider.nextAccount = 'agent';
    const b = new Browser(srv.base);
    const { callback } = await b.toProvider();
    const forged = new URL(callback);
    forged.searchParams.set('state', 'A'.repeat(43));
    refusedPage(await b.get(forged.toString()), 'another state');
    const other = new Browser(srv.base);
    const r = await other.get(callback);
    refusedPage(r, 'another browser');
    assert.equal(other.cookie('guichet_session'), undefined);
    // The first browser's login is spent too: a state is taken once.
    refusedPage(await b.get(callback), 'the spent state');
  });

  it('refuses a replayed code under a new state', async () => {
    provider.nextAccount = 'agent';
    const b = new Browser(srv.base);
    const first = await b.login();
    assert.equal(first.res.status, 303);
    const oldCode = new URL(first.callback).searchParams.get('code');
    const c = new Browser(srv.base);
    const { callback } = await c.toProvider();
    const replay = new URL(callback);
    replay.searchParams.set('code', oldCode);
    const r = await c.get(replay.toString());
    refusedPage(r, 'a replayed code');
    assert.equal(c.cookie('guichet_session'), undefined);
  });

  it('refuses an e-mail the provider did not verify, and an unknown one', async () => {
    provider.nextAccount = 'unverified';
    const b = new Browser(srv.base);
    const r = await b.login();
    refusedPage(r.res, 'unverified e-mail');
    assert.match(textOf(r.res.text), /adresse e-mail vérifiée/);
    assert.equal(b.cookie('guichet_session'), undefined);

    provider.nextAccount = 'stranger';
    const s = new Browser(srv.base);
    const u = await s.login();
    refusedPage(u.res, 'unknown e-mail');
    assert.match(textOf(u.res.text), /Aucun compte Guichet/);
    const list = await srv.cliOk(['user', 'list']);
    assert.ok(!list.includes('inconnu@example.org'), 'no account is created when the setting is off');
  });

  it('logs out at the provider with id_token_hint and the return address', async () => {
    provider.nextAccount = 'agent';
    const b = new Browser(srv.base);
    const { res } = await b.login();
    assert.equal(res.status, 303);
    const home = await b.get('/');
    const csrf = csrfToken(home.text);
    assert.ok(csrf);
    const out = await b.request('/logout', { method: 'POST', form: { csrf } });
    assert.equal(out.status, 303);
    const end = new URL(out.location);
    assert.equal(`${end.origin}${end.pathname}`, `${provider.issuer}/session/end`);
    assert.ok(end.searchParams.get('id_token_hint')?.split('.').length === 3, 'id_token_hint is the ID token');
    assert.equal(end.searchParams.get('post_logout_redirect_uri'), `${PUBLIC}/login?done=logout`);
    assert.equal(b.cookie('guichet_session'), undefined, 'the session cookie is gone');
    // The provider accepts the hint and the return address: its confirmation page.
    const confirm = await b.get(out.location);
    assert.equal(confirm.status, 200, confirm.text.slice(0, 500));
    const after = await b.get('/');
    assert.equal(after.status, 303, 'the session is over at Guichet');
  });

  it('journals ProConnect logins and refusals', async () => {
    const text = await adminAudit(srv);
    assert.match(text, /proconnect/);
    assert.match(text, /proconnect: bad_state/);
    assert.match(text, /proconnect: no_verified_email/);
    assert.match(text, /proconnect: unknown_account/);
  });
});

describe('ProConnect tokens that must be refused, and account creation', () => {
  let fake;
  let srv;

  before(async () => {
    fake = await startFakeProvider({ clientId: CLIENT.clientId });
    srv = await setupServer({ sites: { rennes: DEFAULT_SITES.rennes }, users: { admin: USERS.admin }, start: false });
    const extra = ['oidc-create-accounts = true', 'oidc-account-role = agent', `oidc-account-site = ${srv.sites.rennes}`].join('\n');
    await srv.start(['--config', await writeConfig(srv, fake.issuer, extra)]);
  });

  after(async () => {
    await srv?.stop();
    await srv?.cleanup();
    await fake?.close();
  });

  /** A login whose ID token is the fake's default changed by change(claims); key 'good' or 'other'. */
  async function loginWith(change, key = 'good') {
    fake.shape = ({ nonce, issuer }) => {
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        iss: issuer,
        aud: CLIENT.clientId,
        sub: 'fake-1',
        iat: now,
        exp: now + 300,
        nonce,
        email: 'ada@example.org',
        email_verified: true,
        given_name: 'Ada',
        family_name: 'Lovelace',
      };
      change(claims);
      return { claims, key };
    };
    const b = new Browser(srv.base);
    const { res } = await b.login();
    return { b, res };
  }

  const refusals = [
    ['a token signed by another key', (c) => { c.email = 'forged@example.org'; }, 'other', 'bad_signature'],
    ['an expired token', (c) => { c.email = 'expired@example.org'; c.iat -= 3600; c.exp = c.iat + 300; }, 'good', 'expired'],
    ['a token for another audience', (c) => { c.email = 'aud@example.org'; c.aud = 'another-client'; }, 'good', 'bad_audience'],
    ['a token of another issuer', (c) => { c.email = 'iss@example.org'; c.iss = 'http://127.0.0.1:1'; }, 'good', 'bad_issuer'],
    ['a token with another nonce', (c) => { c.email = 'nonce@example.org'; c.nonce = 'x'.repeat(43); }, 'good', 'bad_nonce'],
  ];
  for (const [what, change, key, reason] of refusals) {
    it(`refuses ${what}`, async () => {
      const { b, res } = await loginWith(change, key);
      refusedPage(res, what);
      assert.equal(res.status, 403);
      assert.equal(b.cookie('guichet_session'), undefined);
      const list = await srv.cliOk(['user', 'list']);
      assert.doesNotMatch(list, /forged@|expired@|aud@|iss@|nonce@/, 'no account was created');
      assert.match(await adminAudit(srv), new RegExp(`proconnect: ${reason}`));
    });
  }

  it('creates the account of a first login when allowed, with the role and site set', async () => {
    const { b, res } = await loginWith(() => {});
    assert.equal(res.status, 303, res.text.slice(0, 1000));
    assert.ok(b.cookie('guichet_session'));
    const list = await srv.cliOk(['user', 'list']);
    const line = list.split('\n').find((l) => l.includes('ada@example.org'));
    assert.ok(line, `ada@example.org in user list:\n${list}`);
    assert.match(line, /agent/);
    assert.match(line, /Ada Lovelace/);
    // The second login finds the same account.
    const again = await loginWith(() => {});
    assert.equal(again.res.status, 303);
    const list2 = await srv.cliOk(['user', 'list']);
    assert.equal(list2.split('\n').filter((l) => l.includes('ada@example.org')).length, 1);
    const text = await adminAudit(srv);
    assert.match(text, /proconnect: bad_signature/);
    assert.match(text, /proconnect: expired/);
  });
});
