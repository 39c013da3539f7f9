// input.test.mjs: hostile and malformed input. Oversized bodies, broken
// percent-encoding, invalid UTF-8, too many or too long fields, and text
// meant to break out of the HTML, which must come back escaped everywhere.

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import { HOST, assertSecurityHeaders, decodeEntities, findTags, hasErrorMessage, serverForSuite, setupServer, textOf } from './lib.mjs';

const MiB = 1024 * 1024;

/* A POST that announces its length and waits for 100 Continue before sending
 * the body: the server may refuse on the headers alone, and then the body is
 * never sent, so no reset can race with the answer. */
function postExpectContinue(port, p, headers, bodyLength) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: HOST,
      port,
      method: 'POST',
      path: p,
      agent: false,
      headers: { ...headers, 'content-length': bodyLength, expect: '100-continue' },
      timeout: 30_000,
    });
    let sent = false;
    req.on('continue', () => {
      sent = true;
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let left = bodyLength;
      const pump = () => {
        while (left > 0) {
          const n = Math.min(left, chunk.length);
          left -= n;
          if (!req.write(chunk.subarray(0, n))) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.flushHeaders();
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), bodySent: sent }));
    });
  });
}

describe('malformed and oversized requests', () => {
  let srv;
  serverForSuite((s) => (srv = s));

  it('a body over 2 MiB is refused with 413 before it is read', async () => {
    const c = srv.client();
    await c.get('/login');
    const res = await postExpectContinue(
      srv.port,
      '/login',
      { 'content-type': 'application/x-www-form-urlencoded', cookie: c.cookieHeader() },
      2 * MiB + 1,
    );
    assert.equal(res.status, 413);
    assert.equal(res.bodySent, false, 'the server asked for the body (100 Continue) although it was too large');
    assert.match(res.headers['content-type'], /^text\/html/i);
    assert.ok(res.text.length > 0, 'the 413 page is empty');
  });

  it('a 413 for a logged-in POST as well', async () => {
    const c = await srv.login('admin');
    const res = await postExpectContinue(
      srv.port,
      '/sites',
      { 'content-type': 'application/x-www-form-urlencoded', cookie: c.cookieHeader() },
      3 * MiB,
    );
    assert.equal(res.status, 413);
  });

  it('a body of exactly 2 MiB is not refused for its size', async () => {
    const c = srv.client();
    await c.get('/login');
    const res = await postExpectContinue(
      srv.port,
      '/login',
      { 'content-type': 'application/x-www-form-urlencoded', cookie: c.cookieHeader() },
      2 * MiB,
    );
    assert.notEqual(res.status, 413);
    assert.ok(res.status >= 400 && res.status < 500, `a 2 MiB junk form answered ${res.status}`);
  });

  /* A login form that is right in every way but one field's encoding. */
  async function badLogin(rawEmail) {
    const c = srv.client();
    const { csrf } = await c.form('/login');
    const body = Buffer.concat([
      Buffer.from('email='),
      Buffer.isBuffer(rawEmail) ? rawEmail : Buffer.from(rawEmail, 'latin1'),
      Buffer.from(`&password=${encodeURIComponent(srv.users.agent.password)}&csrf=${encodeURIComponent(csrf)}`),
    ]);
    return { c, res: await c.post('/login', body) };
  }

  const badEncodings = {
    'a bad escape %zz': 'agent%zz',
    'a truncated escape %4': 'agent%4',
    'a lone %': 'agent%',
    'an encoded NUL %00': 'agent%00@example.org',
    'an invalid UTF-8 byte %FF': 'agent%FF',
    'a truncated UTF-8 sequence %C3': 'agent%C3',
    'an overlong encoding %C0%AF': '%C0%AF',
    'an encoded surrogate %ED%A0%80': '%ED%A0%80',
    'raw invalid UTF-8 bytes': Buffer.from([0x61, 0xff, 0xfe, 0x62]),
    'a raw NUL byte': Buffer.from([0x61, 0x00, 0x62]),
  };

  for (const [what, raw] of Object.entries(badEncodings)) {
    it(`a form field with ${what} answers 400 with a message`, async () => {
      const { c, res } = await badLogin(raw);
      assert.equal(res.status, 400, `answered ${res.status}`);
      assert.match(res.header('content-type'), /^text\/html/i);
      assert.ok(textOf(res.text).trim().length > 20, 'the 400 page says nothing');
      assert.ok(hasErrorMessage(res.text), `the 400 page gives no reason: ${textOf(res.text).slice(0, 300)}`);
      assert.equal(c.cookie('guichet_session'), undefined, 'a session was opened');
      assertSecurityHeaders(res, `400 (${what})`);
    });
  }

  const badQueries = ['/login?x=%zz', '/login?next=%00', '/about?q=%FF', '/login?a=%C3%28', '/healthz?x=%'];
  for (const p of badQueries) {
    it(`GET ${p} answers 400`, async () => {
      const res = await srv.client().get(p);
      assert.equal(res.status, 400, `answered ${res.status}`);
      if (!p.startsWith('/healthz')) assert.ok(hasErrorMessage(res.text), 'no reason given');
    });
  }

  it('a bad escape in the path answers 400 or 404, never 500', async () => {
    for (const p of ['/sites/%zz', '/%00', '/static/%2e%2e/%2e%2e/etc/passwd', '/static/..%2f..%2fMakefile']) {
      const res = await srv.client().get(p);
      assert.ok([400, 404].includes(res.status), `${p} answered ${res.status}`);
      assert.ok(!res.text.includes('root:x:0:0'), `${p} served /etc/passwd`);
      assert.ok(!res.text.includes('PKG_CFLAGS'), `${p} served a file of the repository`);
    }
  });

  it('more than 256 fields answer 400', async () => {
    const c = srv.client();
    const { csrf } = await c.form('/login');
    const pairs = [['email', srv.users.agent.email], ['password', srv.users.agent.password], ['csrf', csrf]];
    for (let i = 0; i < 300; i++) pairs.push([`f${i}`, 'x']);
    const res = await c.post('/login', pairs);
    assert.equal(res.status, 400, `answered ${res.status}`);
    assert.equal(c.cookie('guichet_session'), undefined);
  });

  it('a field value over 64 KiB answers 400', async () => {
    const c = srv.client();
    const { csrf } = await c.form('/login');
    const res = await c.post('/login', { email: 'a'.repeat(64 * 1024 + 1), password: 'x', csrf });
    assert.equal(res.status, 400, `answered ${res.status}`);
  });

  it('a field name over 128 bytes answers 400', async () => {
    const c = srv.client();
    const { csrf } = await c.form('/login');
    const res = await c.post('/login', [['n'.repeat(200), 'x'], ['email', srv.users.agent.email], ['password', srv.users.agent.password], ['csrf', csrf]]);
    assert.equal(res.status, 400, `answered ${res.status}`);
  });

  it('a query string with more than 256 fields answers 400', async () => {
    const q = Array.from({ length: 300 }, (_, i) => `q${i}=1`).join('&');
    const res = await srv.client().get(`/login?${q}`);
    assert.equal(res.status, 400, `answered ${res.status}`);
  });

  it('an overlong site name is refused with 400 and nothing is written', async () => {
    const c = await srv.login('admin');
    const before = await srv.cliOk(['site', 'list']);
    const res = await c.submit('/sites/new', '/sites', { name: 'N'.repeat(201), type: 'mairie', commune_insee: '35238' });
    assert.equal(res.status, 400, `answered ${res.status}`);
    assert.ok(hasErrorMessage(res.text), 'no error summary');
    assert.equal(await srv.cliOk(['site', 'list']), before);
  });

  it('an invalid site form is re-displayed with its errors and its values', async () => {
    const c = await srv.login('admin');
    const before = await srv.cliOk(['site', 'list']);
    const res = await c.submit('/sites/new', '/sites', {
      name: '', type: 'chateau', commune_insee: 'ABC', address: '12 rue Gambetta', opening_hours: 'lun 9h-12h',
    });
    assert.equal(res.status, 400);
    assert.ok(hasErrorMessage(res.text), 'no error summary');
    // The values typed are kept, so the person corrects rather than retypes.
    const address = findTags(res.text, 'input').find((a) => a.name === 'address') ?? {};
    assert.ok(address.value === '12 rue Gambetta' || res.text.includes('12 rue Gambetta'), 'the address typed was lost');
    assert.equal(await srv.cliOk(['site', 'list']), before);
  });

  it('an overlong e-mail address is refused when creating a user', async () => {
    const c = await srv.login('admin');
    const before = await srv.cliOk(['user', 'list']);
    const email = `${'a'.repeat(250)}@example.org`;
    const res = await c.submit('/users/new', '/users', { email, name: 'Long', role: 'agent', password: 'un mot de passe assez long' });
    assert.equal(res.status, 400, `answered ${res.status}`);
    assert.equal(await srv.cliOk(['user', 'list']), before);
  });

  it('an unknown path answers a 404 page', async () => {
    const res = await srv.client().get('/nulle/part');
    assert.equal(res.status, 404);
    assert.match(res.header('content-type'), /^text\/html/i);
    assert.match(res.text, /<html/i);
  });
});

describe('hostile text is escaped wherever it is shown', () => {
  const SCRIPT = '<script>alert(1)</script>';
  const IMG = '"><img src=x onerror=alert(1)>';
  const RLO = '\u202E';
  const HOSTILE = `${SCRIPT} ${IMG} l'accueil ${RLO}evil`;
  let srv;
  let siteId;
  let userId;
  let admin;

  before(async () => {
    srv = await setupServer();
    admin = await srv.login('admin');
    const site = await admin.submit('/sites/new', '/sites', [
      ['name', `Site ${HOSTILE}`],
      ['type', 'association'],
      ['commune_insee', '35238'],
      ['address', `Adresse ${HOSTILE}`],
      ['opening_hours', `Horaires ${HOSTILE}`],
      ['languages', 'fr'],
      ['accessibility_note', `Note ${HOSTILE}`],
    ]);
    assert.equal(site.status, 303, `creating the hostile site answered ${site.status}\n${textOf(site.text).slice(0, 500)}`);
    siteId = Number(/^\/sites\/(\d+)$/.exec(site.location)?.[1]);
    assert.ok(siteId, `the redirect after creation is not /sites/{id}: ${site.location}`);

    const user = await admin.submit('/users/new', '/users', [
      ['email', 'hostile@example.org'],
      ['name', `Nom ${HOSTILE}`],
      ['role', 'agent'],
      ['sites', String(siteId)],
      ['password', 'mot de passe hostile'],
    ]);
    assert.equal(user.status, 303, `creating the hostile user answered ${user.status}\n${textOf(user.text).slice(0, 500)}`);
    srv.users.hostile = { email: 'hostile@example.org', name: `Nom ${HOSTILE}`, role: 'agent', password: 'mot de passe hostile' };
    userId = await srv.userId('hostile');
  });
  after(async () => {
    await srv.stop();
    await srv.cleanup();
  });

  function assertEscaped(res, where) {
    assert.equal(res.status, 200, `${where} answered ${res.status}`);
    const html = res.text;
    assert.ok(!html.includes(SCRIPT), `${where}: the <script> came out raw`);
    assert.ok(!html.includes('<img src=x'), `${where}: the <img> came out raw`);
    assert.ok(!html.includes(HOSTILE), `${where}: the hostile text came out raw`);
    assert.ok(!decodeEntities(html).includes(RLO), `${where}: the right-to-left override (U+202E) reaches the page`);
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), `${where}: the text is not shown escaped (or not at all)`);
    // No element was injected: every <img> and <script> is the page's own.
    for (const img of findTags(html, 'img')) assert.notEqual(img.src, 'x', `${where}: injected <img>`);
    for (const s of findTags(html, 'script')) assert.ok(s.src, `${where}: an inline <script> is on the page`);
  }

  it('the site list', async () => assertEscaped(await admin.get('/sites'), '/sites'));
  it("the site's page", async () => assertEscaped(await admin.get(`/sites/${siteId}`), '/sites/{id}'));
  it("the site's edit form", async () => assertEscaped(await admin.get(`/sites/${siteId}/edit`), '/sites/{id}/edit'));
  it('the user list', async () => assertEscaped(await admin.get('/users'), '/users'));
  it("the user's page", async () => assertEscaped(await admin.get(`/users/${userId}`), '/users/{id}'));
  it('the new user form, which lists the sites', async () => assertEscaped(await admin.get('/users/new'), '/users/new'));

  it("the hostile user's own pages", async () => {
    const c = await srv.login('hostile');
    assertEscaped(await c.get('/'), 'home of the hostile user');
    assertEscaped(await c.get('/sites'), '/sites seen by the hostile user');
    assertEscaped(await c.get('/account/password'), '/account/password of the hostile user');
  });

  it('a form re-displayed with errors escapes what was typed', async () => {
    const res = await admin.submit('/sites/new', '/sites', { name: `${SCRIPT}${IMG}`, type: 'chateau', address: IMG });
    assert.equal(res.status, 400);
    assert.ok(!res.text.includes(SCRIPT), 'the <script> came back raw');
    assert.ok(!res.text.includes('<img src=x'), 'the <img> came back raw');
  });

  it('the JSON API returns the text exactly, as JSON', async () => {
    const token = await srv.token('admin');
    const res = await srv.client().get(`/api/v1/sites/${siteId}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    assert.equal(res.json().name, `Site ${HOSTILE}`, 'the name was altered in storage or in JSON');
  });

  it('the command line shows the stored text unaltered', async () => {
    const list = await srv.cliOk(['site', 'list']);
    assert.ok(list.includes(`Site ${SCRIPT}`), 'site list does not show the name as stored');
  });
});
