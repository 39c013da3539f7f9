// nginx.test.mjs: Guichet behind nginx with TLS, as docs/operations.md
// ("TLS behind nginx") sets it up. The test makes a throwaway certificate,
// starts `guichet serve --trust-proxy` and Debian's nginx on loopback in
// front of it (HTTP/2, X-Forwarded-For and X-Forwarded-Proto), and checks:
//
// - through nginx: HTTP/2 is offered, HSTS is sent, the session cookie is
//   Secure, and each client is known by its own address (the login
//   throttle counts the address nginx forwards: a client that failed too
//   often is held back, another one is not);
// - straight to Guichet from a peer that is not the trusted proxy
//   (127.0.0.2): a forged X-Forwarded-For cannot dodge the throttle and a
//   forged X-Forwarded-Proto earns no Secure cookie.
//
// Clients use distinct loopback source addresses (127.0.0.3, 127.0.0.4 …),
// which Linux gives on lo without any setup.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';

import { HOST, csrfToken, setupServer } from './lib.mjs';
import { NGINX, startNginx } from './nginx_lib.mjs';

/** A bound against hanging, never a measure. */
const WAIT_MS = 15000;
/** Failed logins from one address before the next is held back (docs/operations.md). */
const FAILURES = 20;

/** One request; returns { status, headers, body, alpn }. */
function fetchVia(mod, options, body) {
  return new Promise((resolve, reject) => {
    const req = mod.request({ agent: false, ...options }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.setTimeout(WAIT_MS, () => req.destroy(new Error('request timed out')));
    if (body) req.write(body);
    req.end();
  });
}

/** A login attempt with the form's own token, from a client at localAddress. */
async function login({ mod, port, localAddress, email, password, headers = {} }) {
  const base = { host: HOST, port, localAddress, rejectUnauthorized: false, headers: { ...headers } };
  const page = await fetchVia(mod, { ...base, method: 'GET', path: '/login' });
  assert.equal(page.status, 200, `GET /login answered ${page.status}`);
  const cookie = (page.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  const body = new URLSearchParams({ email, password, csrf: csrfToken(page.body) }).toString();
  const res = await fetchVia(mod, {
    ...base,
    method: 'POST',
    path: '/login',
    headers: { ...headers, cookie, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
  }, body);
  return { page, res };
}

describe('behind nginx with TLS', { skip: NGINX ? false : 'nginx is not installed (./dev setup installs it)' }, () => {
  let srv;
  let dir;
  let nginx;
  let port;

  before(async () => {
    srv = await setupServer({ serveArgs: ['--trust-proxy', '--trusted-proxies', '127.0.0.1'] });
    dir = path.join(srv.dir, 'nginx');
    await fs.mkdir(path.join(dir, 'tmp'), { recursive: true });
    const cert = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { encoding: 'utf8' });
    assert.equal(cert.status, 0, `openssl failed: ${cert.stderr}`);
    const upstream = new URL(srv.url).port;
    nginx = await startNginx({
      dir,
      http: 'client_max_body_size 8m;',
      listen: ' ssl http2',
      server: `ssl_certificate ${dir}/cert.pem;
    ssl_certificate_key ${dir}/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / {
      proxy_pass http://${HOST}:${upstream};
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_buffering off;
    }`,
    });
    port = nginx.port;
  });

  after(async () => {
    if (nginx) await nginx.stop();
    if (srv) await srv.cleanup();
  });

  it('offers HTTP/2 and TLS, sends HSTS and a Secure session cookie', async () => {
    const alpn = await new Promise((resolve, reject) => {
      const s = tls.connect({ host: HOST, port, ALPNProtocols: ['h2', 'http/1.1'], rejectUnauthorized: false }, () => {
        resolve(s.alpnProtocol);
        s.end();
      });
      s.on('error', reject);
    });
    assert.equal(alpn, 'h2');
    const { page, res } = await login({ mod: https, port, localAddress: '127.0.0.5', email: srv.users.agent.email, password: srv.users.agent.password });
    assert.match(page.headers['strict-transport-security'] ?? '', /max-age=\d+/);
    assert.equal(res.status, 303, res.body.slice(0, 300));
    const session = (res.headers['set-cookie'] ?? []).find((c) => c.startsWith('guichet_session='));
    assert.ok(session, 'a session cookie');
    assert.match(session, /;\s*Secure/i);
    assert.match(session, /;\s*HttpOnly/i);
  });

  it('knows each client by the address nginx forwards', async () => {
    for (let i = 1; i <= FAILURES; i++) {
      const { res } = await login({ mod: https, port, localAddress: '127.0.0.3', email: `inconnu${i}@example.org`, password: 'mauvais mot de passe' });
      assert.equal(res.status, 401, `failure ${i} answered ${res.status}`);
    }
    const held = await login({ mod: https, port, localAddress: '127.0.0.3', email: srv.users.admin.email, password: srv.users.admin.password });
    assert.equal(held.res.status, 429, 'the client that failed too often is held back');
    const other = await login({ mod: https, port, localAddress: '127.0.0.4', email: srv.users.admin.email, password: srv.users.admin.password });
    assert.equal(other.res.status, 303, 'another client behind the same proxy is not');
  });

  it('ignores X-Forwarded-* from a peer that is not the trusted proxy', async () => {
    const upstream = Number(new URL(srv.url).port);
    for (let i = 1; i <= FAILURES; i++) {
      const { res } = await login({
        mod: http, port: upstream, localAddress: '127.0.0.2',
        email: `inconnu${i}@example.org`, password: 'mauvais mot de passe',
        headers: { 'x-forwarded-for': `198.51.100.${i}` },
      });
      assert.equal(res.status, 401, `failure ${i} answered ${res.status}`);
    }
    const forged = await login({
      mod: http, port: upstream, localAddress: '127.0.0.2', email: srv.users.admin.email, password: srv.users.admin.password,
      headers: { 'x-forwarded-for': '198.51.100.200' },
    });
    assert.equal(forged.res.status, 429, 'a forged X-Forwarded-For reset the count of an untrusted peer');
    const proto = await login({
      mod: http, port: upstream, localAddress: '127.0.0.6', email: srv.users.agent.email, password: srv.users.agent.password,
      headers: { 'x-forwarded-proto': 'https' },
    });
    assert.equal(proto.res.status, 303);
    const session = (proto.res.headers['set-cookie'] ?? []).find((c) => c.startsWith('guichet_session='));
    assert.doesNotMatch(session, /;\s*Secure/i, 'a forged X-Forwarded-Proto earned a Secure cookie');
  });
});
