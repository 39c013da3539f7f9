// escalation_mail.test.mjs: the e-mails of escalations (docs/escalations.md,
// docs/mail.md) against a real SMTP server, Debian's python3-aiosmtpd, on a
// free loopback port: a new escalation reaches the referents of its
// operator and département (and nobody else), in each one's language; the
// answer and the request for information reach the adviser who wrote it;
// an escalation past its due date is announced to both sides once; no
// message holds the question, the answer or a name, only a link.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { startSaver, haveAiosmtpd, waitFor } from './smtp_saver.mjs';
import { DEFAULT_USERS, HOST, ON_PG, csrfToken, makeTempDir, removeTempDir, setupServer, stopServer } from './lib.mjs';

const execFileP = promisify(execFile);
const FROM = 'guichet@example.org';
const PUBLIC_URL = 'https://guichet.example.org';

/* One statement on the server's store, behind its back: sqlite3, or psql on PostgreSQL. */
const runSql = (db, q) => (ON_PG ? execFileP('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db, '-c', q])
  : execFileP('sqlite3', ['-cmd', '.timeout 5000', db, q]));

const USERS = {
  ...DEFAULT_USERS,
  caf: { email: 'caf.35@example.org', name: 'Camille Référente CAF', role: 'operator', operator: 'cnaf' },
  caf2: { email: 'caf2.35@example.org', name: 'Cyril Référent CAF', role: 'operator', operator: 'cnaf' },
  dgfip: { email: 'dgfip.35@example.org', name: 'Denis Référent DGFiP', role: 'operator', operator: 'dgfip' },
  caf29: { email: 'caf.29@example.org', name: 'Claire Référente CAF 29', role: 'operator', operator: 'cnaf' },
};

const QUESTION = 'Le dossier de prime d\'activité de Madame Zoé Quintard est bloqué.';
const ANSWER = 'Le dossier de Madame Quintard est débloqué depuis hier.';
const INFO = 'Quel est le numéro d\'allocataire de Madame Quintard ?';

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
  const body = Buffer.from(rest.join('\r\n\r\n').replace(/\s+/g, ''), 'base64').toString('utf8');
  return { headers, subject, body, raw, to: headers['x-test-to'] };
}

describe('e-mails of escalations', { skip: !haveAiosmtpd && 'python3-aiosmtpd is not installed' }, () => {
  let dir, smtp, srv;
  const tokens = {};

  before(async () => {
    dir = await makeTempDir('guichet-escmail-');
    smtp = await startSaver(dir);
    const { port } = smtp;
    srv = await setupServer({
      users: USERS,
      serveArgs: ['--smtp-url', `smtp://${HOST}:${port}`, '--smtp-from', FROM, '--smtp-starttls', 'no', '--public-url', PUBLIC_URL],
    });
    for (const k of ['agent', 'caf', 'admin']) tokens[k] = await srv.token(k);
    const admin = await srv.login('admin');
    const page = await admin.get('/escalations/referents');
    const res = await admin.post('/escalations/referents', {
      [`dep_${await srv.userId('caf')}`]: '35',
      [`dep_${await srv.userId('caf2')}`]: '35',
      [`dep_${await srv.userId('dgfip')}`]: '35',
      [`dep_${await srv.userId('caf29')}`]: '29',
      csrf: csrfToken(page.text),
    });
    assert.equal(res.status, 303, res.text);
  });
  after(async () => {
    if (srv) await stopServer(srv);
    if (smtp) await smtp.stop();
    if (dir) await removeTempDir(dir);
  });

  const messages = async () => {
    return (await smtp.raw()).map(parseMessage);
  };
  const forUser = async (key) => (await messages()).filter((m) => m.to === USERS[key].email);
  const arrived = async (key, n) => await waitFor(`${n} message(s) for ${key}`, async () => {
    const mine = await forUser(key);
    return mine.length >= n ? mine : null;
  });

  const call = (key, method, p, body) => srv.client().request(method, p, {
    headers: { authorization: `Bearer ${tokens[key]}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

  /* Sets every notification of an account to "at once", in language lang. */
  async function choose(key, lang) {
    const c = await srv.login(key);
    assert.equal((await c.get(`/lang/${lang}`)).status, 303);
    const html = (await c.get('/account/notifications')).text;
    const names = [...new Set([...html.matchAll(/name="(ev_[a-z_]+)"/g)].map((m) => m[1]))];
    assert.ok(names.includes('ev_escalation_overdue'));
    const res = await c.submit('/account/notifications', '/account/notifications', Object.fromEntries(names.map((n) => [n, 'immediate'])));
    assert.equal(res.status, 303);
  }

  async function escalate() {
    let res = await call('agent', 'POST', '/api/v1/visits', {
      started_at: '2026-03-04T10:15:00+01:00',
      channel: 'guichet_spontane',
      duration_min: 20,
      visitor: { gender: 'feminin', age_bracket: '60_69' },
      demands: [{ operator_code: 'cnaf', theme_code: 'social_sante', level: 'fait_avec', outcome: 'escalade' }],
    });
    assert.equal(res.status, 201, res.text);
    res = await call('agent', 'POST', `/api/v1/demands/${res.json().demands[0].id}/escalations`, { question: QUESTION, consent: true });
    assert.equal(res.status, 201, res.text);
    return res.json();
  }

  function assertClean(m, id) {
    assert.ok(m.body.includes(`${PUBLIC_URL}/escalations/${id}`), m.body);
    for (const text of [QUESTION, ANSWER, INFO, 'Quintard', 'Zoé']) assert.ok(!m.raw.includes(text) && !m.body.includes(text), `the message holds "${text}"`);
    for (const u of Object.values(USERS)) assert.ok(!m.body.includes(u.name), `the message names ${u.name}`);
  }

  it('a new escalation reaches the referents of its operator and département, in their language', async () => {
    await choose('caf', 'en');
    await choose('caf2', 'ar');
    const esc = await escalate();
    assert.equal(esc.status, 'envoyee');
    const [en] = await arrived('caf', 1);
    assert.equal(en.subject, 'A new request has been sent to you');
    assert.equal(en.headers['content-language'], 'en');
    assertClean(en, esc.id);
    const [ar] = await arrived('caf2', 1);
    assert.equal(ar.subject, 'أُحيل إليكم طلب جديد');
    assert.equal(ar.headers['content-language'], 'ar');
    assertClean(ar, esc.id);
    // Neither the DGFiP referent, nor the CAF referent of another
    // département, nor the adviser who sent it.
    assert.equal((await forUser('dgfip')).length, 0);
    assert.equal((await forUser('caf29')).length, 0);
    assert.equal((await forUser('agent')).length, 0);
  });

  it('the answer and the request for information reach the adviser who wrote it', async () => {
    const esc = await escalate();
    const before = (await forUser('agent')).length;
    let res = await call('caf', 'POST', `/api/v1/escalations/${esc.id}/request-info`, { text: INFO });
    assert.equal(res.status, 200, res.text);
    let mine = await arrived('agent', before + 1);
    const info = mine[mine.length - 1];
    assert.equal(info.subject, 'Des informations complémentaires sont demandées');
    assert.equal(info.headers['content-language'], 'fr');
    assertClean(info, esc.id);
    res = await call('agent', 'POST', `/api/v1/escalations/${esc.id}/complete`, { text: 'Numéro 1234567.' });
    assert.equal(res.status, 200, res.text);
    // The information sent back reaches the referents, in their language.
    const complement = await waitFor('the referent told of the information', async () =>
      (await forUser('caf')).find((m) => m.subject === 'The information you asked for has been sent') ?? null);
    assertClean(complement, esc.id);
    assert.ok(!complement.body.includes('1234567'));
    res = await call('caf', 'POST', `/api/v1/escalations/${esc.id}/answer`, { text: ANSWER });
    assert.equal(res.status, 200, res.text);
    mine = await arrived('agent', before + 2);
    const answer = mine[mine.length - 1];
    assert.equal(answer.subject, 'Une demande que vous avez transmise a reçu une réponse');
    assertClean(answer, esc.id);
    // The referent who answered is not told of their own answer, nor the
    // manager of the site while the adviser is there.
    assert.equal((await forUser('manager')).length, 0);
  });

  it('an escalation past its due date is announced to both sides, once', async () => {
    await choose('agent', 'fr');
    const esc = await escalate();
    const late = (m) => m.subject === 'Une demande a dépassé son délai de réponse' || m.subject === 'A request is past its answer deadline';
    const lateFor = async (key) => (await forUser(key)).filter(late);
    assert.equal((await lateFor('agent')).length, 0);
    await runSql(srv.db, `UPDATE escalations SET due_at = 1000 WHERE id = ${esc.id}`);
    // The test notification wakes the mail thread, which sweeps.
    const admin = await srv.login('admin');
    const wake = async () => assert.equal((await admin.submit('/account/notifications', '/account/notifications/test', {})).status, 303);
    await wake();
    const [agentLate] = await waitFor('the agent told', async () => ((await lateFor('agent')).length ? await lateFor('agent') : null));
    assert.equal(agentLate.subject, 'Une demande a dépassé son délai de réponse');
    assertClean(agentLate, esc.id);
    const [cafLate] = await waitFor('the referent told', async () => ((await lateFor('caf')).length ? await lateFor('caf') : null));
    assert.equal(cafLate.subject, 'A request is past its answer deadline');
    assertClean(cafLate, esc.id);
    // Woken again (twice, each test message arriving), nothing more is announced.
    const adminBefore = (await forUser('admin')).length;
    await wake();
    await arrived('admin', adminBefore + 1);
    await wake();
    await arrived('admin', adminBefore + 2);
    assert.equal((await forUser('agent')).filter(late).length, 1);
    assert.equal((await forUser('caf')).filter(late).length, 1);
    const list = (await call('agent', 'GET', `/api/v1/escalations/${esc.id}`)).json();
    assert.equal(list.status, 'envoyee', 'the announcement changes nothing of the escalation');
  });
});
