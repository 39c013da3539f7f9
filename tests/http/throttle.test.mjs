// throttle.test.mjs: login throttling that slows an attacker without locking
// the owner out: attempts are reserved before the password is checked (so
// concurrent guesses cannot pass the count), the delay doubles with each
// failure past the free ones and ends with a success, and a browser where
// the owner already logged in (a known device) is not slowed by failures made
// elsewhere.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { csrfToken, serverForSuite, waitSeconds } from './lib.mjs';

/* Failures an account allows before any delay (LIMIT_LOGIN_FAILS_ACCOUNT). */
const FREE = 5;

/* A client on the login form, ready to post. */
async function ready(srv) {
  const c = srv.client();
  const res = await c.get('/login');
  assert.equal(res.status, 200);
  return { c, csrf: csrfToken(res.text) };
}

async function logout(c) {
  const res = await c.post('/logout', { csrf: await c.csrf('/') });
  assert.equal(res.status, 303);
}

describe('concurrent guesses', () => {
  let srv;
  serverForSuite((s) => (srv = s));

  it('12 guesses at once get at most 5 password checks', async () => {
    const email = srv.users.agent.email;
    const clients = [];
    for (let i = 0; i < 12; i++) clients.push(await ready(srv));
    const answers = await Promise.all(clients.map(({ c, csrf }, i) => c.post('/login', { email, password: `devinette ${i}`, csrf })));
    const statuses = answers.map((r) => r.status);
    const checked = statuses.filter((s) => s === 401).length;
    assert.ok(statuses.every((s) => s === 401 || s === 429), `unexpected answers: ${statuses}`);
    assert.ok(checked <= FREE, `${checked} passwords were checked: ${statuses}`);
    for (const r of answers.filter((x) => x.status === 429)) assert.match(r.header('retry-after') ?? '', /^[1-9]\d*$/);
  });
});

describe('the owner during an attack', () => {
  let srv;
  serverForSuite((s) => (srv = s));

  it('logs in from a known browser while the account is throttled everywhere else', async () => {
    const u = srv.users.manager;
    const owner = await srv.login('manager');
    assert.ok(owner.cookie('guichet_device'), 'no known-device cookie after a login');
    assert.match(owner.attrs.get('guichet_device'), /HttpOnly/i);
    await logout(owner);
    assert.ok(owner.cookie('guichet_device'), 'logging out forgot the device');

    // The attacker exhausts the free failures and keeps guessing.
    for (let i = 0; i < FREE + 3; i++) await srv.client().login(u.email, `attaque ${i}`);
    const elsewhere = await srv.client().login(u.email, u.password);
    assert.equal(elsewhere.status, 429, 'the attack did not slow a new browser');

    const res = await owner.login(u.email, u.password);
    assert.equal(res.status, 303, `the owner was locked out: ${res.status}`);
    assert.ok(owner.cookie('guichet_session'));
  });

  it("a forged device cookie, or another account's, does not dodge the delay", async () => {
    const victim = srv.users.coordinator;
    const mine = await srv.login('agent');
    const device = mine.cookie('guichet_device');
    for (let i = 0; i < FREE; i++) await srv.client().login(victim.email, `attaque ${i}`);

    const borrowed = srv.client();
    borrowed.setCookie('guichet_device', device);
    assert.equal((await borrowed.login(victim.email, victim.password)).status, 429, "another account's device cookie works");
    const [issued, nonce] = device.split('.');
    for (const forged of [`${issued}.${nonce}.${'0'.repeat(64)}`, 'nimportequoi', `${Math.floor(Date.now() / 1000)}.${nonce}`]) {
      const c = srv.client();
      c.setCookie('guichet_device', forged);
      assert.equal((await c.login(victim.email, victim.password)).status, 429, `the forged cookie ${forged} works`);
    }
  });
});

describe('the delay', () => {
  let srv;
  serverForSuite((s) => (srv = s));

  it('grows with each failure past the free ones and resets after a success', async () => {
    const u = srv.users.admin;
    for (let i = 1; i <= FREE; i++) {
      const res = await srv.client().login(u.email, `faux ${i}`);
      assert.equal(res.status, 401, `failure ${i} answered ${res.status}`);
    }
    const first = await srv.client().login(u.email, u.password);
    assert.equal(first.status, 429);
    const d1 = Number(first.header('retry-after'));
    assert.ok(d1 >= 1 && d1 <= 2, `first delay ${d1}`);
    assert.match(first.text, /Trop de tentatives/);

    await waitSeconds(d1 + 0.3);
    assert.equal((await srv.client().login(u.email, 'faux encore')).status, 401, 'the attempt after the delay was refused');
    const second = await srv.client().login(u.email, u.password);
    assert.equal(second.status, 429);
    const d2 = Number(second.header('retry-after'));
    assert.ok(d2 > 2 && d2 <= 4, `the delay did not double: ${d1} then ${d2}`);

    await waitSeconds(d2 + 0.3);
    assert.equal((await srv.client().login(u.email, u.password)).status, 303, 'the right password after the delay failed');
    // The success forgot the failures: the free ones are there again.
    for (let i = 1; i <= FREE; i++) {
      const res = await srv.client().login(u.email, `faux après ${i}`);
      assert.equal(res.status, 401, `failure ${i} after the success answered ${res.status}`);
    }
    assert.equal((await srv.client().login(u.email, u.password)).status, 429);
  });
});
