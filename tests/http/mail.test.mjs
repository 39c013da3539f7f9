// mail.test.mjs: the e-mail notifications (docs/mail.md) against a real
// SMTP server, Debian's python3-aiosmtpd, on a free loopback port, with a
// handler written here that saves each message it accepts as a file:
// `guichet mail test` and the server's answer, STARTTLS and AUTH, a
// notification in the recipient's language without personal data, messages
// that wait while the SMTP server is down and arrive once each when it is
// back, a digest gathering several events, and the admin's outbox page.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';

import { HOST, canConnect, makeTempDir, removeTempDir, run, setupServer, stopServer, textOf } from './lib.mjs';

const PYTHON = '/usr/bin/python3';
const FROM = 'guichet@example.org';
const PUBLIC_URL = 'https://guichet.example.org';
const METRICS_TOKEN = 'mail-test-metrics-token-0123456789';
const WAIT_MS = 30_000;
const POLL_MS = 50;

const haveAiosmtpd = (() => {
  try {
    return fs.existsSync(PYTHON) && fs.existsSync('/usr/lib/python3/dist-packages/aiosmtpd');
  } catch {
    return false;
  }
})();

// The handler: each message whole as NNNN.eml, its envelope first in
// X-Test-* lines; with a user and a password, AUTH (LOGIN or PLAIN) is
// required before MAIL.
const SAVER = `
import base64
import os

from aiosmtpd.smtp import AuthResult


class Saver:
    def __init__(self, folder, user=None, password=None):
        self.folder = folder
        self.user = user.encode() if user else None
        self.password = password.encode() if password else None

    @classmethod
    def from_cli(cls, parser, *args):
        return cls(*args)

    def _check(self, login, password):
        return AuthResult(success=self.user is not None and login == self.user and password == self.password)

    async def auth_PLAIN(self, server, args):
        raw = base64.b64decode(args[1]) if len(args) > 1 else await server.challenge_auth('')
        if not isinstance(raw, bytes) or len(raw.split(b'\\0')) != 3:
            return AuthResult(success=False)
        _, login, password = raw.split(b'\\0')
        return self._check(login, password)

    async def auth_LOGIN(self, server, args):
        login = base64.b64decode(args[1]) if len(args) > 1 else await server.challenge_auth('Username:')
        if not isinstance(login, bytes):
            return AuthResult(success=False)
        password = await server.challenge_auth('Password:')
        if not isinstance(password, bytes):
            return AuthResult(success=False)
        return self._check(login, password)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.user is not None and not session.authenticated:
            return '530 5.7.0 Authentication required'
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        n = len([f for f in os.listdir(self.folder) if f.endswith('.eml')]) + 1
        name = os.path.join(self.folder, '%04d.eml' % n)
        head = 'X-Test-From: %s\\r\\n' % envelope.mail_from
        head += ''.join('X-Test-To: %s\\r\\n' % r for r in envelope.rcpt_tos)
        head += 'X-Test-TLS: %s\\r\\n' % ('yes' if session.ssl else 'no')
        head += 'X-Test-Auth: %s\\r\\n' % ('yes' if session.authenticated else 'no')
        with open(name + '.part', 'wb') as f:
            f.write(head.encode() + envelope.original_content)
        os.rename(name + '.part', name)
        return '250 2.0.0 Saved as %04d' % n
`;

async function freePort() {
  return await new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, HOST, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Polls fn until it returns a truthy value, at most WAIT_MS. */
async function waitFor(what, fn, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await delay(POLL_MS);
  }
}

/* The SMTP servers still running, ended if the test process exits early. */
const liveSmtp = new Set();
process.on('exit', () => {
  for (const child of liveSmtp) child.kill('SIGKILL');
});

/** An aiosmtpd server saving into dir/out-NAME, on port (a free one when 0). */
class Smtp {
  constructor(dir, name, { port = 0, tls = false, user, password } = {}) {
    this.dir = dir;
    this.out = path.join(dir, `out-${name}`);
    this.port = port;
    this.tls = tls;
    this.user = user;
    this.password = password;
    this.child = null;
  }

  async start() {
    await fsp.mkdir(this.out, { recursive: true });
    await fsp.writeFile(path.join(this.dir, 'saver.py'), SAVER);
    if (!this.port) this.port = await freePort();
    const args = ['-m', 'aiosmtpd', '-n', '-l', `${HOST}:${this.port}`, '-c', 'saver.Saver'];
    if (this.tls) args.push('--tlscert', path.join(this.dir, 'cert.pem'), '--tlskey', path.join(this.dir, 'key.pem'));
    args.push(this.out);
    if (this.user) args.push(this.user, this.password);
    const child = spawn(PYTHON, args, { cwd: this.dir, env: { ...process.env, PYTHONPATH: this.dir }, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    liveSmtp.add(child);
    child.on('close', () => liveSmtp.delete(child));
    this.log = [];
    child.stderr.on('data', (d) => this.log.push(d));
    this.exited = new Promise((resolve) => child.on('close', resolve));
    await waitFor(`aiosmtpd on port ${this.port}`, async () => {
      if (child.exitCode !== null) assert.fail(`aiosmtpd exited: ${Buffer.concat(this.log)}`);
      return await canConnect(this.port);
    });
    return this;
  }

  async stop() {
    if (!this.child) return;
    this.child.kill('SIGTERM');
    await this.exited;
    this.child = null;
  }

  get url() {
    return `smtp://${HOST}:${this.port}`;
  }

  /** The messages saved so far, in order, parsed. */
  async messages() {
    const names = (await fsp.readdir(this.out)).filter((f) => f.endsWith('.eml')).sort();
    return await Promise.all(names.map(async (n) => parseMessage(await fsp.readFile(path.join(this.out, n), 'utf8'))));
  }
}

/** Headers (lower-case names; X-Test-To may repeat), decoded subject and body. */
function parseMessage(raw) {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const headers = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const i = line.indexOf(':');
    const k = line.slice(0, i).toLowerCase();
    const v = line.slice(i + 1).trim();
    headers[k] = headers[k] ? `${headers[k]}, ${v}` : v;
  }
  const subject = (headers.subject ?? '').replace(/=\?UTF-8\?B\?([^?]*)\?=\s*/g, (m, b) => Buffer.from(b, 'base64').toString('utf8'));
  const bodyRaw = rest.join('\r\n\r\n');
  const body = headers['content-transfer-encoding'] === 'base64' ? Buffer.from(bodyRaw.replace(/\s+/g, ''), 'base64').toString('utf8') : bodyRaw;
  return { headers, subject, body, raw };
}

async function makeCertificate(dir) {
  const r = await new Promise((resolve) => {
    const c = spawn('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
      '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    c.on('close', resolve);
  });
  assert.equal(r, 0, 'openssl could not make a certificate');
}

const mailTest = (smtp, extra = []) => run(['mail', 'test', '--smtp-url', smtp.url, '--smtp-from', FROM, ...extra]);

describe('guichet mail test', { skip: !haveAiosmtpd && 'python3-aiosmtpd is not installed' }, () => {
  let dir, plain, secure;
  before(async () => {
    dir = await makeTempDir('guichet-mail-');
    await makeCertificate(dir);
    plain = await new Smtp(dir, 'plain').start();
    secure = await new Smtp(dir, 'secure', { tls: true, user: 'guichet', password: 'mot de passe smtp' }).start();
    await fsp.writeFile(path.join(dir, 'password'), 'mot de passe smtp\n');
  });
  after(async () => {
    await plain?.stop();
    await secure?.stop();
    await removeTempDir(dir);
  });

  it('sends one message now and prints what the SMTP server answered', async () => {
    const r = await mailTest(plain, ['--to', 'agent@example.org', '--smtp-starttls', 'no', '--lang', 'en']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), '250 2.0.0 Saved as 0001');
    const [m] = await plain.messages();
    assert.equal(m.headers['x-test-to'], 'agent@example.org');
    assert.equal(m.headers['x-test-from'], FROM);
    assert.equal(m.subject, 'Test notification');
    assert.equal(m.headers['content-language'], 'en');
    assert.match(m.body, /This is a test notification/);
  });

  it('speaks STARTTLS and AUTH, and checks the certificate', async () => {
    const ca = ['--smtp-ca-file', path.join(dir, 'cert.pem')];
    const auth = ['--smtp-user', 'guichet', '--smtp-password-file', path.join(dir, 'password')];
    const ok = await mailTest(secure, ['--to', 'a@example.org', ...ca, ...auth]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^250 /);
    const [m] = await secure.messages();
    assert.equal(m.headers['x-test-tls'], 'yes');
    assert.equal(m.headers['x-test-auth'], 'yes');

    const noAuth = await mailTest(secure, ['--to', 'a@example.org', ...ca]);
    assert.equal(noAuth.code, 1);
    assert.match(noAuth.stderr, /530 5\.7\.0 Authentication required/, 'the refusal of the server is printed');
    const untrusted = await mailTest(secure, ['--to', 'a@example.org', ...auth]);
    assert.equal(untrusted.code, 1, 'a certificate nobody vouches for was accepted');
    const noTls = await mailTest(plain, ['--to', 'a@example.org']);
    assert.equal(noTls.code, 1, 'STARTTLS is required by default, and this server has none');
    assert.equal((await secure.messages()).length, 1);
  });

  it('refuses bad options with a message', async () => {
    for (const extra of [['--to', 'pas une adresse'], ['--to', 'a@example.org', '--smtp-starttls', 'maybe'], ['--to', 'a@example.org', '--lang', 'xx']]) {
      const r = await mailTest(plain, extra);
      assert.equal(r.code, 2, `${extra.join(' ')} was accepted`);
    }
    const r = await run(['mail', 'test', '--to', 'a@example.org']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /smtp-url/);
  });
});

/** The choices form of /account/notifications: every event set to delivery, or one event changed. */
async function saveChoices(client, fields) {
  const res = await client.submit('/account/notifications', '/account/notifications', fields);
  assert.equal(res.status, 303, res.text.slice(0, 2000));
  return res;
}

async function allChoices(client, delivery) {
  const html = (await client.get('/account/notifications')).text;
  const names = [...new Set([...html.matchAll(/name="(ev_[a-z_]+)"/g)].map((m) => m[1]))];
  assert.ok(names.includes('ev_test'), 'the test notification has a choice');
  return Object.fromEntries(names.map((n) => [n, delivery]));
}

async function sendTest(client) {
  const res = await client.submit('/account/notifications', '/account/notifications/test', {});
  assert.equal(res.status, 303);
  assert.equal(res.location, '/account/notifications?done=test');
}

async function metric(srv, name) {
  const res = await srv.client().get('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(res.text);
  assert.ok(m, `no ${name} in /metrics`);
  return Number(m[1]);
}

describe('notifications of a running server', { skip: !haveAiosmtpd && 'python3-aiosmtpd is not installed' }, () => {
  let dir, smtp, srv;
  const port = { value: 0 };
  before(async () => {
    dir = await makeTempDir('guichet-mail-');
    port.value = await freePort();
    smtp = await new Smtp(dir, 'server', { port: port.value }).start();
    srv = await setupServer({
      serveArgs: ['--smtp-url', `smtp://${HOST}:${port.value}`, '--smtp-from', FROM, '--smtp-starttls', 'no', '--smtp-retry', '1s',
        '--public-url', PUBLIC_URL, '--metrics-token', METRICS_TOKEN],
    });
  });
  after(async () => {
    if (srv) await stopServer(srv);
    await smtp?.stop();
    await removeTempDir(dir);
  });

  const to = (m) => m.headers['x-test-to'];
  const arrivedFor = async (email, n = 1) =>
    await waitFor(`${n} message(s) for ${email}`, async () => {
      const mine = (await smtp.messages()).filter((m) => to(m) === email);
      return mine.length >= n ? mine : null;
    });

  it('the test button sends a notification in French, with a link and no personal data', async () => {
    const agent = await srv.login('agent');
    const page = await agent.get('/account/notifications');
    assert.equal(page.status, 200);
    assert.match(textOf(page.text), /M'envoyer une notification de test/);
    await sendTest(agent);
    const [m] = await arrivedFor(srv.users.agent.email);
    assert.equal(m.subject, 'Notification de test');
    assert.equal(m.headers['content-language'], 'fr');
    assert.match(m.body, /Ceci est une notification de test/);
    assert.ok(m.body.includes(`${PUBLIC_URL}/account/notifications`), m.body);
    assert.ok(!m.raw.includes(srv.users.agent.name), 'the message holds the name of the account');
    assert.ok(!m.body.includes(srv.users.agent.email), 'the body holds an address');
    assert.equal(m.headers['auto-submitted'], 'auto-generated');
  });

  it('a message is written in the language the account chose its settings in', async () => {
    for (const [key, code, subject] of [['manager', 'en', 'Test notification'], ['coordinator', 'ar', 'إشعار تجريبي']]) {
      const c = await srv.login(key);
      assert.equal((await c.get(`/lang/${code}`)).status, 303);
      await saveChoices(c, await allChoices(c, 'immediate'));
      await sendTest(c);
      const [m] = await arrivedFor(srv.users[key].email);
      assert.equal(m.subject, subject);
      assert.equal(m.headers['content-language'], code);
    }
  });

  it('a bad choice is refused and changes nothing', async () => {
    const c = await srv.login('agentBrest');
    const fields = await allChoices(c, 'never');
    fields.ev_test = 'sometimes';
    const res = await c.submit('/account/notifications', '/account/notifications', fields);
    assert.equal(res.status, 400);
    await sendTest(c); // still the default for tests: at once
    await arrivedFor(srv.users.agentBrest.email);
  });

  it('with the SMTP server down, the page answers and the message waits; it arrives once when the server is back', async () => {
    await smtp.stop();
    const agent = await srv.login('agent');
    const before = (await smtp.messages()).filter((m) => to(m) === srv.users.agent.email).length;
    await sendTest(agent);
    await waitFor('a failed attempt', async () => {
      const admin = await srv.login('admin');
      const html = (await admin.get('/admin/mail')).text;
      return /Couldn(&#39;|')t connect to server/.test(html);
    });
    assert.ok((await metric(srv, 'guichet_mail_waiting')) >= 1, 'the waiting message is not counted');
    smtp = await new Smtp(dir, 'server', { port: port.value }).start();
    await arrivedFor(srv.users.agent.email, before + 1);
    await waitFor('an empty outbox', async () => (await metric(srv, 'guichet_mail_waiting')) === 0);
    const mine = (await smtp.messages()).filter((m) => to(m) === srv.users.agent.email);
    assert.equal(mine.length, before + 1, 'a message arrived twice');
    assert.equal(await metric(srv, 'guichet_mail_failed'), 0);
  });

  it('a digest gathers several events into one message', async () => {
    const c = await srv.login('manager');
    const fields = await allChoices(c, 'immediate');
    fields.ev_test = 'twice_daily';
    await saveChoices(c, fields);
    const before = (await smtp.messages()).filter((m) => to(m) === srv.users.manager.email).length;
    for (let i = 0; i < 3; i++) await sendTest(c);
    await waitFor('three events waiting for the digest', async () => (await metric(srv, 'guichet_mail_digest_items')) === 3);
    const admin = await srv.login('admin');
    const res = await admin.submit('/admin/mail', '/admin/mail/digests', {});
    assert.equal(res.status, 303);
    const mine = await arrivedFor(srv.users.manager.email, before + 1);
    const digest = mine[mine.length - 1];
    // A new session speaks French: the choices were saved in French.
    assert.equal(digest.subject, 'Résumé de vos notifications Guichet');
    assert.equal(digest.headers['content-language'], 'fr');
    assert.equal((digest.body.match(/Notification de test/g) ?? []).length, 3, digest.body);
    await waitFor('an empty outbox', async () => (await metric(srv, 'guichet_mail_waiting')) === 0);
    assert.equal((await smtp.messages()).filter((m) => to(m) === srv.users.manager.email).length, before + 1);
  });

  it('the outbox page is for admins and names nobody', async () => {
    const agent = await srv.login('agent');
    assert.equal((await agent.get('/admin/mail')).status, 403);
    const admin = await srv.login('admin');
    const html = (await admin.get('/admin/mail')).text;
    for (const u of Object.values(srv.users)) {
      assert.ok(!html.includes(u.email), `the outbox page shows ${u.email}`);
      if (u.role !== 'admin') assert.ok(!html.includes(u.name), `the outbox page shows ${u.name}`);
    }
    assert.match(textOf(html), /envoyé/);
  });
});

/**
 * A fake SMTP server on a free port: "silent" never greets (a message sent
 * there is claimed and never handed over); "mute" answers everything up to
 * DATA, then never answers the end of the text (a message handed over,
 * its fate unknown). mode may be changed between connections.
 */
async function fakeSmtp(mode) {
  const f = { mode, sockets: new Set(), datas: 0 };
  f.server = net.createServer((s) => {
    f.sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => f.sockets.delete(s));
    if (f.mode === 'silent') return;
    s.write('220 fake ESMTP\r\n');
    let pending = '';
    let inData = false;
    s.on('data', (d) => {
      if (inData) return;
      pending += d.toString('latin1');
      for (let i; !inData && (i = pending.indexOf('\r\n')) >= 0;) {
        const cmd = pending.slice(0, 4).toUpperCase();
        pending = pending.slice(i + 2);
        if (cmd === 'DATA') {
          inData = true;
          f.datas++;
          s.write('354 go on\r\n');
        } else {
          s.write(cmd === 'EHLO' || cmd === 'HELO' ? '250 fake\r\n' : '250 OK\r\n');
        }
      }
    });
  });
  await new Promise((resolve) => f.server.listen(0, HOST, resolve));
  f.port = f.server.address().port;
  f.close = async () => {
    for (const s of f.sockets) s.destroy();
    await new Promise((resolve) => f.server.close(resolve));
  };
  return f;
}

describe('a server that stops while sending', { skip: !haveAiosmtpd && 'python3-aiosmtpd is not installed' }, () => {
  let dir, smtp, fake, srv;
  const common = ['--smtp-from', FROM, '--smtp-starttls', 'no', '--smtp-retry', '1s', '--metrics-token', METRICS_TOKEN];
  before(async () => {
    dir = await makeTempDir('guichet-mail-');
    smtp = await new Smtp(dir, 'restart').start();
    fake = await fakeSmtp('silent');
    srv = await setupServer({ start: false });
  });
  after(async () => {
    if (srv) await srv.cleanup();
    await fake?.close();
    await smtp?.stop();
    await removeTempDir(dir);
  });

  /** The outbox page's rows: [number, event, state, attempts, …]. */
  async function outbox() {
    const admin = await srv.login('admin');
    const html = (await admin.get('/admin/mail')).text;
    return [...html.matchAll(/<tr><td>(\d+)<\/td>([\s\S]*?)<\/tr>/g)].map((m) => [m[1], ...[...m[2].matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => textOf(c[1]))]);
  }

  it('sends again only what the SMTP server cannot have accepted, and never twice', async () => {
    // 1. The message is claimed, the server never greets; the process dies.
    await srv.start(['--smtp-url', `smtp://${HOST}:${fake.port}`, ...common]);
    await sendTest(await srv.login('agent'));
    await waitFor('the message being sent', async () => (await outbox()).some((r) => r[2] === "en cours d'envoi"));
    await srv.kill();

    // 2. Restarted: the interrupted message was never handed over, so it is
    // sent again; this time the text goes whole and no answer comes: it may
    // have been accepted, so it is marked unknown and never sent again.
    fake.mode = 'mute';
    await srv.start(['--smtp-url', `smtp://${HOST}:${fake.port}`, '--smtp-timeout', '1s', ...common]);
    const rows = await waitFor('the message marked unknown', async () => {
      const r = await outbox();
      return r.some((x) => x[2].startsWith('incertain')) ? r : null;
    });
    const [row] = rows;
    assert.equal(row[3], '2', `two attempts expected: ${row.join(' | ')}`);
    assert.equal(fake.datas, 1, 'the text was handed over more than once');
    assert.equal(await metric(srv, 'guichet_mail_failed'), 1);
    await srv.stop();

    // 3. With a working SMTP server, a new notification arrives and the
    // unknown one never does.
    await srv.start(['--smtp-url', smtp.url, ...common]);
    await sendTest(await srv.login('agent'));
    await waitFor('the new message', async () => (await smtp.messages()).length >= 1);
    await waitFor('an empty outbox', async () => (await metric(srv, 'guichet_mail_waiting')) === 0);
    assert.equal((await smtp.messages()).length, 1);
    assert.equal(fake.datas, 1);
    await srv.stop();
  });
});
