// The second factor (TOTP, RFC 6238): enrolment by QR code and key, the
// code's step of a login (a wrong code, a replayed one, a recovery code once
// only, throttling), the pending login that opens nothing, disabling, the
// administrators' per-role requirement, and `guichet user totp-reset`.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import fs from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_SITES, ON_PG, findTags, passwordFor, setupServer, textOf } from './lib.mjs';

const USERS = {
  admin: { email: 'admin@example.org', name: 'Alice Administratrice', role: 'admin' },
  manager: { email: 'manager.rennes@example.org', name: 'Martin Responsable', role: 'manager', sites: ['rennes'] },
  managerBis: { email: 'manager.bis@example.org', name: 'Marion Responsable', role: 'manager', sites: ['rennes'] },
  operator: { email: 'operateur@example.org', name: 'Octave Opérateur', role: 'operator', operator: 'cnaf' },
  agent: { email: 'agent.rennes@example.org', name: 'Agathe Conseillère', role: 'agent', sites: ['rennes'] },
  coordinator: { email: 'coord.35@example.org', name: 'Chloé Coordinatrice', role: 'coordinator', departement: '35' },
};

function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of s.replace(/[\s=]/g, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The 6-digit code of key at time step `step` (RFC 6238 with SHA-1). */
function totpAt(key, step) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const h = createHmac('sha1', key).update(msg).digest();
  const o = h[h.length - 1] & 0xf;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1e6).padStart(6, '0');
}

/**
 * A telephone: gives the code of a step not yet used, the current one when
 * possible. The server accepts one step before or after its own, so a code
 * of the current step or the next stays good across one step boundary.
 */
class Phone {
  constructor(b32) {
    this.key = base32Decode(b32);
    this.last = -1;
  }

  next() {
    const now = Math.floor(Date.now() / 30000);
    const step = Math.max(now, this.last + 1);
    assert.ok(step <= now + 1, 'the test used more than two codes in one step');
    this.last = step;
    return totpAt(this.key, step);
  }

  /** A code that is none of the steps the server may accept now. */
  wrong() {
    const now = Math.floor(Date.now() / 30000);
    const taken = new Set([-1, 0, 1, 2].map((d) => totpAt(this.key, now + d)));
    for (let n = 0; ; n++) {
      const c = String(n).padStart(6, '0');
      if (!taken.has(c)) return c;
    }
  }
}

function keyOf(html) {
  const m = html.match(/<code class="totp-key" id="cle" dir="ltr">([A-Z2-7 ]+)<\/code>/);
  assert.ok(m, `no key on the enrolment page:\n${html.slice(0, 3000)}`);
  return m[1].replace(/ /g, '');
}

function recoveryCodesOf(html) {
  const list = html.match(/<ol class="recovery-codes"[^>]*>([\s\S]*?)<\/ol>/);
  assert.ok(list, `no recovery codes on the page:\n${html.slice(0, 3000)}`);
  return [...list[1].matchAll(/<code>([A-Z0-9-]+)<\/code>/g)].map((m) => m[1]);
}

/** Logs in with the password only: the answer and the client. */
async function passwordStep(srv, key, c = srv.client()) {
  const u = srv.users[key];
  const res = await c.login(u.email, u.password);
  return { res, c };
}

/** Enrols the logged-in client c: its phone and recovery codes. */
async function enrol(c) {
  const page = await c.get('/account/totp');
  assert.equal(page.status, 200, page.text.slice(0, 2000));
  const phone = new Phone(keyOf(page.text));
  const res = await c.submit('/account/totp', '/account/totp', { code: phone.next() });
  assert.equal(res.status, 200, res.text.slice(0, 3000));
  return { phone, codes: recoveryCodesOf(res.text), key: keyOf(page.text) };
}

/** The code's step after a right password: the answer of POST /login/code. */
async function codeStep(c, code) {
  return await c.submit('/login/code', '/login/code', { code });
}

describe('second factor (TOTP)', () => {
  let srv;
  const phones = {};
  before(async () => {
    srv = await setupServer({ sites: DEFAULT_SITES, users: USERS });
  });
  after(async () => {
    await srv.stop();
    await srv.cleanup();
  });

  it('enrols with a QR code and a key, confirmed by a current code; recovery codes are shown once', async () => {
    const c = await srv.login('manager');
    const page = await c.get('/account/totp');
    assert.equal(page.status, 200);
    const svg = findTags(page.text, 'svg');
    assert.equal(svg.length >= 1, true, 'the enrolment page shows a QR code');
    assert.match(page.text, /<svg[^>]*class="qr"[^>]*role="img"/);
    const key = keyOf(page.text);
    assert.match(key, /^[A-Z2-7]{32}$/);
    // A reload shows the same key, so that a code scanned before still works.
    assert.equal(keyOf((await c.get('/account/totp')).text), key);

    const phone = new Phone(key);
    const wrong = await c.submit('/account/totp', '/account/totp', { code: phone.wrong() });
    assert.equal(wrong.status, 400);
    assert.match(textOf(wrong.text), /Ce code n'est pas le bon/);

    const ok = await c.submit('/account/totp', '/account/totp', { code: phone.next() });
    assert.equal(ok.status, 200, ok.text.slice(0, 2000));
    const codes = recoveryCodesOf(ok.text);
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const code of codes) assert.match(code, /^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    phones.manager = { phone, codes, key };

    // Never shown again: neither the key nor the codes.
    const later = await c.get('/account/totp');
    assert.equal(later.status, 200);
    assert.doesNotMatch(later.text, /id="cle"/);
    assert.ok(!later.text.includes(key) && !later.text.includes(key.slice(0, 4) + ' ' + key.slice(4, 8)));
    for (const code of codes) assert.ok(!later.text.includes(code));
    assert.match(textOf(later.text), /Codes de secours encore utilisables\s*10\b/);
    // A second enrolment cannot replace the first.
    const again = await c.post('/account/totp', { code: phone.wrong(), csrf: await c.csrf('/account/totp') });
    assert.equal(again.status, 303);
    assert.equal(again.location, '/account/totp');
    assert.match(textOf((await c.get('/account/totp')).text), /Codes de secours encore utilisables\s*10\b/);
  });

  it('keeps the key sealed in the store', { skip: ON_PG && 'reads the SQLite file' }, async () => {
    const { key } = phones.manager;
    const raw = Buffer.from(base32Decode(key));
    for (const suffix of ['', '-wal']) {
      const bytes = await fs.readFile(srv.db + suffix).catch(() => Buffer.alloc(0));
      assert.equal(bytes.includes(raw), false, `the raw key is in guichet.db${suffix}`);
      assert.equal(bytes.includes(Buffer.from(key)), false, `the base32 key is in guichet.db${suffix}`);
      assert.equal(bytes.includes(Buffer.from(raw.toString('hex'))), false, `the hex key is in guichet.db${suffix}`);
    }
  });

  it('asks for the code after the password; the half-done login opens nothing', async () => {
    const { res, c } = await passwordStep(srv, 'manager');
    assert.equal(res.status, 303);
    assert.equal(res.location, '/login/code');
    assert.equal(c.cookie('guichet_session'), undefined, 'no session before the code');
    assert.ok(c.cookie('guichet_login_code'), 'a pending-login cookie');
    assert.match(c.attrs.get('guichet_login_code'), /HttpOnly/);
    assert.match(c.attrs.get('guichet_login_code'), /Max-Age=300/);
    for (const p of ['/', '/sites', '/users', '/account/totp', '/account/password']) {
      const r = await c.get(p);
      assert.equal(r.status, 303, `${p} during the code's step`);
      assert.equal(r.location, '/login', `${p} during the code's step`);
    }
    const form = await c.get('/login/code');
    assert.equal(form.status, 200);
    assert.match(form.text, /autocomplete="one-time-code"/);

    // The code form needs the pre-session's CSRF token.
    const forged = await c.post('/login/code', { code: '123456', csrf: 'x'.repeat(64) });
    assert.equal(forged.status, 403);
    assert.equal(c.cookie('guichet_session'), undefined);

    // Another browser cannot finish the login with the pending cookie alone.
    const thief = srv.client();
    thief.setCookie('guichet_login_code', c.cookie('guichet_login_code'));
    assert.equal((await thief.get('/login/code')).location, '/login');

    const done = await codeStep(c, phones.manager.phone.next());
    assert.equal(done.status, 303, done.text.slice(0, 2000));
    assert.equal(done.location, '/');
    assert.ok(c.cookie('guichet_session'));
    assert.equal(c.cookie('guichet_login_code'), undefined, 'the pending cookie is gone');
    assert.equal((await c.get('/sites')).status, 200);
  });

  it('refuses a wrong code and a replayed one', async () => {
    const { c } = await passwordStep(srv, 'manager');
    const wrong = await codeStep(c, phones.manager.phone.wrong());
    assert.equal(wrong.status, 401);
    assert.match(textOf(wrong.text), /Ce code n'est pas valable/);
    assert.equal(c.cookie('guichet_session'), undefined);
    // The last code accepted (by the previous test) cannot be used again.
    const replayed = totpAt(phones.manager.phone.key, phones.manager.phone.last);
    const again = await codeStep(c, replayed);
    assert.equal(again.status, 401);
    assert.equal(c.cookie('guichet_session'), undefined);
    assert.equal((await c.get('/sites')).status, 303);
  });

  it('accepts a recovery code once only', async () => {
    const code = phones.manager.codes[0];
    const first = await passwordStep(srv, 'manager');
    // Typed in small letters and without dashes, it still counts.
    const ok = await codeStep(first.c, code.replace(/-/g, '').toLowerCase());
    assert.equal(ok.status, 303, ok.text.slice(0, 2000));
    assert.ok(first.c.cookie('guichet_session'));
    assert.match(textOf((await first.c.get('/account/totp')).text), /Codes de secours encore utilisables\s*9\b/);

    const second = await passwordStep(srv, 'manager');
    const refused = await codeStep(second.c, code);
    assert.equal(refused.status, 401);
    assert.equal(second.c.cookie('guichet_session'), undefined);
  });

  it('counts wrong codes like wrong passwords', async () => {
    const c = await srv.login('managerBis');
    const { phone } = await enrol(c);
    const step = await passwordStep(srv, 'managerBis');
    let last;
    for (let i = 0; i < 6; i++) {
      last = await codeStep(step.c, phone.wrong());
      if (last.status === 429) break;
      assert.equal(last.status, 401);
    }
    assert.equal(last.status, 429, 'wrong codes past the free failures are slowed down');
    assert.ok(last.headers['retry-after']);
    // Even the right code waits now.
    assert.equal((await codeStep(step.c, phone.next())).status, 429);
    assert.equal(step.c.cookie('guichet_session'), undefined);
  });

  it('disables with the password; then the password alone logs in', async () => {
    const c = await srv.login('operator');
    await enrol(c);
    const bad = await c.submit('/account/totp', '/account/totp/disable', { password: 'pas le bon mot de passe' });
    assert.equal(bad.status, 400);
    const off = await c.submit('/account/totp', '/account/totp/disable', { password: passwordFor('operator') });
    assert.equal(off.status, 303);
    assert.match((await c.get('/account/totp')).text, /id="cle"/, 'the enrolment form again');
    const again = await passwordStep(srv, 'operator');
    assert.equal(again.res.status, 303);
    assert.equal(again.res.location, '/');
    assert.ok(again.c.cookie('guichet_session'));
  });

  it('sends a role that must have a second factor to the enrolment, and nowhere else until done', async () => {
    const agent = await srv.login('agent');
    assert.equal((await agent.get('/admin/security')).status, 403);
    assert.equal((await agent.submit('/', '/admin/security', { totp_role: 'coordinator' })).status, 403);

    const admin = await srv.login('admin');
    const page = await admin.get('/admin/security');
    assert.equal(page.status, 200);
    const saved = await admin.submit('/admin/security', '/admin/security', [['totp_role', 'coordinator']]);
    assert.equal(saved.status, 303);
    assert.match((await admin.get('/admin/security')).text, /value="coordinator"[^>]*checked/);
    // Not required for the admin: the admin goes on.
    assert.equal((await admin.get('/sites')).status, 200);

    const coord = await srv.login('coordinator');
    for (const p of ['/', '/sites', '/visits', '/reports', '/account/password', '/account/tokens']) {
      const r = await coord.get(p);
      assert.equal(r.status, 303, p);
      assert.equal(r.location, '/account/totp', p);
    }
    const post = await coord.submit('/account/totp', '/account/tokens', { name: 'x', life: '90' });
    assert.equal(post.status, 303);
    assert.equal(post.location, '/account/totp');
    const enrolPage = await coord.get('/account/totp');
    assert.equal(enrolPage.status, 200);
    assert.match(textOf(enrolPage.text), /Votre rôle demande une validation en deux étapes/);
    await enrol(coord);
    assert.equal((await coord.get('/sites')).status, 200);

    // Agents are not concerned.
    assert.equal((await agent.get('/sites')).status, 200);
    // Nobody required any more: untick everything.
    assert.equal((await admin.submit('/admin/security', '/admin/security', {})).status, 303);
    assert.doesNotMatch((await admin.get('/admin/security')).text, /checked/);
  });

  it('guichet user totp-reset removes a lost second factor', async () => {
    const before = await passwordStep(srv, 'coordinator');
    assert.equal(before.res.location, '/login/code');
    await srv.cliOk(['user', 'totp-reset', '--email', srv.users.coordinator.email]);
    const afterReset = await passwordStep(srv, 'coordinator');
    assert.equal(afterReset.res.status, 303);
    assert.equal(afterReset.res.location, '/');
    assert.match((await afterReset.c.get('/account/totp')).text, /id="cle"/, 'the enrolment form again');
  });
});
