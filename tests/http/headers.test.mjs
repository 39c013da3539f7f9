// headers.test.mjs: what every response carries (security headers), caching
// of static files, compression, the health check, the metrics and the log.

import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { after, before, describe, it } from 'node:test';

import { assertSecurityHeaders, htmlAttributes, setupServer, stripCsrf } from './lib.mjs';

/* name{label="value",…} value [timestamp], values escaped as Prometheus says. */
const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*",?)*\})? (-?[0-9.]+(e[-+]?[0-9]+)?|[-+]Inf|NaN)( -?\d+)?$/;

/* /metrics answers only with its token (slow.test.mjs tests the refusals). */
const METRICS_TOKEN = 'headers-test-metrics-token-0123456789';
const METRICS = { headers: { authorization: `Bearer ${METRICS_TOKEN}` } };

describe('headers and service endpoints', () => {
  let srv;
  let admin;
  let token;
  before(async () => {
    srv = await setupServer({ serveArgs: ['--metrics-token', METRICS_TOKEN] });
    admin = await srv.login('admin');
    token = await srv.token('admin');
  });
  after(async () => {
    await srv.stop();
    await srv.cleanup();
  });

  describe('security headers on every kind of response', () => {
    const cases = [
      ['the login page', async () => srv.client().get('/login')],
      ['a redirect', async () => srv.client().get('/')],
      ['a page of a logged-in user', async () => admin.get('/sites')],
      ['a 404 page', async () => srv.client().get('/nulle/part')],
      ['a 404 of a logged-in user', async () => admin.get('/sites/999999')],
      ['a 403 (CSRF)', async () => srv.client().post('/login', 'email=a&password=b')],
      ['a 400 (bad query)', async () => srv.client().get('/login?x=%zz')],
      ['a 401 page', async () => srv.client().login('personne@example.org', 'mauvais mot de passe')],
      ['a static file', async () => srv.client().get('/static/guichet.css')],
      ['a 304', async () => {
        const first = await srv.client().get('/static/guichet.css');
        return srv.client().get('/static/guichet.css', { headers: { 'if-none-match': first.header('etag') } });
      }],
      ['the API', async () => srv.client().get('/api/v1/me', { headers: { authorization: `Bearer ${token}` } })],
      ['a 401 of the API', async () => srv.client().get('/api/v1/me')],
      ['the health check', async () => srv.client().get('/healthz')],
      ['the metrics', async () => srv.client().get('/metrics', METRICS)],
      ['a HEAD request', async () => srv.client().request('HEAD', '/login')],
    ];
    for (const [what, get] of cases) {
      it(what, async () => {
        const res = await get();
        assertSecurityHeaders(res, what);
      });
    }
  });

  it('HTML pages declare UTF-8 and a language', async () => {
    const res = await srv.client().get('/login');
    assert.match(res.header('content-type'), /^text\/html;\s*charset=utf-8$/i);
    assert.match(res.text, /^<!DOCTYPE html>/i);
    const attrs = htmlAttributes(res.text);
    assert.equal(attrs.lang, 'fr', 'the default language is not French');
  });

  it('pages with personal data are not cached', async () => {
    const res = await admin.get('/users');
    assert.equal(res.status, 200);
    const cc = res.header('cache-control') ?? '';
    assert.match(cc, /no-store|private/i, `Cache-Control of a personal page: "${cc}"`);
  });

  describe('static files', () => {
    it('the stylesheet has a type, an ETag, and answers 304 to If-None-Match', async () => {
      const res = await srv.client().get('/static/guichet.css');
      assert.equal(res.status, 200);
      assert.match(res.header('content-type'), /^text\/css/i);
      assert.ok(res.body.length > 0);
      const etag = res.header('etag');
      assert.ok(etag, 'no ETag');
      assert.match(etag, /^(W\/)?"[^"]+"$/, `malformed ETag ${etag}`);

      const again = await srv.client().get('/static/guichet.css', { headers: { 'if-none-match': etag } });
      assert.equal(again.status, 304);
      assert.equal(again.body.length, 0, 'a 304 has a body');
      assert.equal(again.header('etag'), etag);

      const list = await srv.client().get('/static/guichet.css', { headers: { 'if-none-match': `"autre", ${etag}` } });
      assert.equal(list.status, 304, 'If-None-Match with a list of tags');

      const stale = await srv.client().get('/static/guichet.css', { headers: { 'if-none-match': '"pas-le-bon"' } });
      assert.equal(stale.status, 200);
      assert.deepEqual(stale.body, res.body);
    });

    it('a missing static file is a 404', async () => {
      const res = await srv.client().get('/static/absent.css');
      assert.equal(res.status, 404);
    });

    it('HEAD gives the headers of GET without the body', async () => {
      const get = await srv.client().get('/static/guichet.css');
      const head = await srv.client().request('HEAD', '/static/guichet.css');
      assert.equal(head.status, 200);
      assert.equal(head.body.length, 0);
      assert.equal(head.header('etag'), get.header('etag'));
    });
  });

  describe('compression', () => {
    it('the stylesheet is gzipped when asked, and only then', async () => {
      const plain = await srv.client().get('/static/guichet.css');
      assert.equal(plain.header('content-encoding'), undefined, 'compressed without Accept-Encoding');
      const gz = await srv.client().get('/static/guichet.css', { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(gz.status, 200);
      if (plain.body.length >= 1024) assert.equal(gz.header('content-encoding'), 'gzip', 'a stylesheet of 1 KiB or more is not compressed');
      if (gz.header('content-encoding') === 'gzip') {
        assert.deepEqual(zlib.gunzipSync(gz.body), plain.body, 'the gzipped body is not the stylesheet');
        assert.match(gz.header('vary') ?? '', /accept-encoding/i, 'no Vary: Accept-Encoding');
      }
    });

    it('a page is gzipped when asked, and decompresses to the same page', async () => {
      const c = srv.client();
      const plain = await c.get('/login');
      const gz = await c.get('/login', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
      assert.equal(gz.status, 200);
      if (plain.body.length >= 1024) assert.equal(gz.header('content-encoding'), 'gzip', `a page of ${plain.body.length} bytes is not compressed`);
      if (gz.header('content-encoding') === 'gzip') {
        const html = zlib.gunzipSync(gz.body).toString('utf8');
        assert.equal(stripCsrf(html), stripCsrf(plain.text));
        assert.match(gz.header('vary') ?? '', /accept-encoding/i, 'no Vary: Accept-Encoding');
      }
    });

    it('gzip;q=0 is not gzip', async () => {
      const res = await srv.client().get('/static/guichet.css', { headers: { 'accept-encoding': 'gzip;q=0, identity' } });
      assert.notEqual(res.header('content-encoding'), 'gzip');
    });
  });

  describe('health and metrics', () => {
    it('GET /healthz answers 200 without a session', async () => {
      const res = await srv.client().get('/healthz');
      assert.equal(res.status, 200);
      assert.equal(res.header('set-cookie'), undefined, 'the health check sets a cookie');
    });

    it('GET /metrics is Prometheus text and counts requests', async () => {
      const count = async () => {
        const res = await srv.client().get('/metrics', METRICS);
        assert.equal(res.status, 200);
        assert.match(res.header('content-type'), /^text\/plain/i);
        assert.match(res.text, /^# TYPE guichet_http_requests_total counter$/m);
        let n = 0;
        for (const line of res.text.split('\n')) {
          if (line.startsWith('#') || !line.trim()) continue;
          assert.match(line, SAMPLE, `not a Prometheus sample: ${line}`);
          if (line.startsWith('guichet_http_requests_total') && line.includes('healthz') && /\b200\b/.test(line)) n += Number(line.split(' ')[1]);
        }
        return n;
      };
      const before = await count();
      for (let i = 0; i < 3; i++) assert.equal((await srv.client().get('/healthz')).status, 200);
      // A request may be counted just after its answer is sent: wait for the
      // count to arrive (bounded), then check it is exact.
      let afterCount = await count();
      const deadline = Date.now() + 5000;
      while (afterCount - before < 3 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        afterCount = await count();
      }
      assert.equal(afterCount - before, 3, `3 requests to /healthz counted as ${afterCount - before}`);
    });

    it('the metrics label routes by pattern, not by id', async () => {
      await admin.get('/sites/123456');
      await admin.get('/sites/654321');
      const res = await srv.client().get('/metrics', METRICS);
      assert.equal(res.status, 200);
      assert.ok(!res.text.includes('123456') && !res.text.includes('654321'), 'raw paths in metric labels: unbounded cardinality');
    });
  });

  it('the language switch sets the language and comes back', async () => {
    const c = srv.client();
    for (const [code, dir] of [['en', 'ltr'], ['ar', 'rtl'], ['fr', 'ltr']]) {
      const res = await c.get(`/lang/${code}?next=/about`);
      assert.equal(res.status, 303);
      assert.equal(res.location, '/about');
      const page = await c.follow(res);
      const attrs = htmlAttributes(page.text);
      assert.equal(attrs.lang, code);
      assert.equal(attrs.dir, dir);
    }
  });

  it('the language switch refuses to send anyone to another site', async () => {
    const c = srv.client();
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
      const res = await c.get(`/lang/en?next=${encodeURIComponent(next)}`);
      if (res.status === 303) {
        const loc = res.headers.location;
        assert.ok(loc.startsWith('/') && !loc.startsWith('//') && !loc.startsWith('/\\'), `open redirect to ${loc}`);
      } else {
        assert.equal(res.status, 400, `next=${next} answered ${res.status}`);
      }
    }
  });

  it('an unknown language is a 404', async () => {
    const res = await srv.client().get('/lang/xx?next=/');
    assert.equal(res.status, 404);
  });

  it('GET /about is public', async () => {
    const res = await srv.client().get('/about');
    assert.equal(res.status, 200);
  });
});

describe('the request log', () => {
  // The log is read after the server has exited, when every line is written:
  // a line may be written just after its answer is sent.
  let srv;
  let log;
  let session;
  const unique = `/nulle/part-${process.pid}-${Date.now()}`;
  before(async () => {
    srv = await setupServer();
    for (let i = 0; i < 3; i++) assert.equal((await srv.client().get('/healthz')).status, 200);
    assert.equal((await srv.client().get(unique)).status, 404);
    const c = await srv.login('agent');
    session = c.cookie('guichet_session');
    assert.equal((await c.get('/sites')).status, 200);
    await srv.client().get('/x%0Astatus=200%20method=FORGED%0D%0A');
    await srv.stop();
    log = srv.log;
  });
  after(async () => {
    await srv.cleanup();
  });

  it('writes one logfmt line per request', () => {
    const health = log.split('\n').filter((l) => l.includes('/healthz'));
    assert.equal(health.length, 3, `3 requests to /healthz gave ${health.length} lines:\n${log.slice(-3000)}`);
    for (const l of health) {
      assert.match(l, /\bstatus=200\b/, `no status=200 in ${l}`);
      assert.match(l, /\bmethod=GET\b/, `no method=GET in ${l}`);
      assert.match(l, /^(\s*[A-Za-z_][A-Za-z0-9_.-]*=("([^"\\]|\\.)*"|\S*))+\s*$/, `not logfmt: ${l}`);
    }
    // 8 requests were made: 3 health checks, a 404, GET and POST /login,
    // /sites, and the hostile path.
    const requests = log.split('\n').filter((l) => /\bstatus=\d{3}\b/.test(l));
    assert.equal(requests.length, 8, `8 requests gave ${requests.length} lines:\n${requests.join('\n')}`);
    assert.equal(requests.filter((l) => /\bstatus=404\b/.test(l)).length >= 1, true, 'no line for the 404');
  });

  it('never contains passwords nor session ids', () => {
    for (const u of Object.values(srv.users)) assert.ok(!log.includes(u.password), `the log contains the password of ${u.email}`);
    assert.ok(!log.includes(session), 'the log contains a session id');
  });

  it('cannot be forged by a newline in a path', () => {
    assert.ok(!log.split(/\r?\n/).some((l) => /^\s*status=200 method=FORGED/.test(l)), 'a newline of the path reached the log');
  });
});
