// appointments.test.mjs: appointments with the partner operators' experts
// (docs/appointments.md). Slots published by a site's manager and by an
// operator's referent, and refused to others; the booking from a demand's
// page; 20 simultaneous bookings of the last seat of a slot, of which
// exactly one succeeds; the status changes and their journal; the slip in
// the person's language without her contact; the referent's calendar
// (RFC 5545); the notification of the referent through the outbox and the
// reminder claimed once for an appointment within 48 hours; the
// cancellation of a slot. Runs on SQLite and, through scripts/check-pg,
// on PostgreSQL.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { DEFAULT_USERS, csrfToken, decodeEntities, makeTempDir, removeTempDir, setupServer, stopServer, textOf } from './lib.mjs';

const USERS = {
  ...DEFAULT_USERS,
  caf: { email: 'caf.35@example.org', name: 'Camille Référente CAF', role: 'operator', operator: 'cnaf' },
  caf29: { email: 'caf.29@example.org', name: 'Claire Référente CAF 29', role: 'operator', operator: 'cnaf' },
};

/* "YYYY-MM-DD" and "HH:MM" in Paris, the server's time zone, of t (ms). */
function paris(t) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(t)).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/* A loopback port where nothing listens: the outbox keeps its messages. */
async function closedPort() {
  const s = net.createServer();
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/* The value of each <option> whose text matches label. */
function optionValue(html, label) {
  for (const m of html.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)) {
    if (decodeEntities(m[2]).includes(label)) return decodeEntities(m[1]);
  }
  return null;
}

function occurrences(html) {
  return [...html.matchAll(/name="occurrence"[^>]*value="([^"]*)"/g)].map((m) => decodeEntities(m[1]));
}

describe('appointments with the operators\' experts', () => {
  let srv;
  let manager; let agent; let caf; let caf29; let admin; let agentBrest;
  let rennes;
  let token;
  const DAY = 86400000;

  before(async () => {
    srv = await setupServer({ users: USERS, start: false });
    const cfg = path.join(srv.dir, 'mail.conf');
    fs.writeFileSync(cfg, `smtp-url = smtp://127.0.0.1:${await closedPort()}\nsmtp-from = guichet@example.org\nsmtp-starttls = no\n`);
    await srv.start(['--config', cfg]);
    admin = await srv.login('admin');
    const page = await admin.get('/escalations/referents');
    assert.equal(page.status, 200, page.text);
    const res = await admin.post('/escalations/referents', {
      [`dep_${await srv.userId('caf')}`]: '35',
      [`dep_${await srv.userId('caf29')}`]: '29',
      csrf: csrfToken(page.text),
    });
    assert.equal(res.status, 303, res.text);
    manager = await srv.login('manager');
    agent = await srv.login('agent');
    agentBrest = await srv.login('agentBrest');
    caf = await srv.login('caf');
    caf29 = await srv.login('caf29');
    token = await srv.token('agent');
    const form = await manager.get('/appointments/slots/new');
    assert.equal(form.status, 200, form.text);
    rennes = optionValue(form.text, 'Rennes');
    assert.ok(rennes, 'the manager may publish at Rennes');
  });
  after(() => stopServer(srv));

  async function publish(client, fields) {
    return await client.submit('/appointments/slots/new', '/appointments/slots', {
      site_id: rennes, operator_code: 'cnaf', mode: 'sur_place', duration_min: '30', capacity: '1', place: 'bureau 2', ...fields,
    });
  }

  async function demand() {
    const res = await srv.client().request('POST', '/api/v1/visits', {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        started_at: new Date().toISOString().slice(0, 19) + 'Z',
        channel: 'guichet_spontane',
        duration_min: 20,
        visitor: { gender: 'feminin', age_bracket: '60_69' },
        demands: [{ operator_code: 'cnaf', theme_code: 'social_sante', level: 'fait_avec', outcome: 'escalade' }],
      }),
    });
    assert.equal(res.status, 201, res.text);
    return { visit: res.json().id, demand: res.json().demands[0].id };
  }

  /* Publishes a slot of one seat at `when` and answers the occurrence's value in the demand's form. */
  async function slotAndChoice(d, when, fields = {}) {
    const { date, time } = paris(when);
    const res = await publish(manager, { date, time, ...fields });
    assert.equal(res.status, 303, res.text);
    const form = await agent.get(`/demands/${d}/appointment`);
    assert.equal(form.status, 200, form.text);
    const start = Math.floor(Date.parse(`${date}T${time}:00`) / 1000);
    const mine = occurrences(form.text).filter((v) => Math.abs(Number(v.split('-')[1]) - start) <= 7200);
    assert.ok(mine.length >= 1, `the form offers the new slot at ${date} ${time}: ${occurrences(form.text)}`);
    return { value: mine[mine.length - 1], csrf: csrfToken(form.text) };
  }

  it('publishes slots: a manager at her site, a referent for his départements, nobody else', async () => {
    const later = paris(Date.now() + 20 * DAY);
    const ok = await publish(manager, { date: later.date, time: '09:30', capacity: '3', repeat_until: paris(Date.now() + 60 * DAY).date });
    assert.equal(ok.status, 303, ok.text);
    const list = await manager.get('/appointments/slots');
    assert.equal(list.status, 200);
    assert.match(textOf(list.text), /bureau 2/);
    // Bad input: nothing stored, errors named.
    const before = (await manager.get('/appointments/slots')).text.match(/<tr>/g)?.length ?? 0;
    const bad = await publish(manager, { date: '2020-01-01', time: '09:00', capacity: '0', duration_min: '2', mode: 'fax' });
    assert.equal(bad.status, 400, bad.text);
    for (const f of ['date', 'capacity', 'duration_min', 'mode']) assert.match(bad.text, new RegExp(`id="${f}-error"`), f);
    const after2 = (await manager.get('/appointments/slots')).text.match(/<tr>/g)?.length ?? 0;
    assert.equal(after2, before);
    // The CAF referent of 35 publishes at Rennes; the one of 29 may not.
    const ref = await publish(caf, { date: later.date, time: '11:00' });
    assert.equal(ref.status, 303, ref.text);
    const other = await caf29.get('/appointments/slots/new');
    assert.equal(other.status, 200);
    assert.equal(optionValue(other.text, 'Rennes'), null);
    const refused = await caf29.post('/appointments/slots', {
      site_id: rennes, operator_code: 'cnaf', mode: 'sur_place', date: later.date, time: '12:00', duration_min: '30', capacity: '1', csrf: csrfToken(other.text),
    });
    assert.equal(refused.status, 400);
    // An adviser does not publish.
    assert.equal((await agent.get('/appointments/slots/new')).status, 403);
  });

  it('books from the demand on the visit\'s page, journals each status, prints a slip without contact', async () => {
    const { visit, demand: d } = await demand();
    const page = await agent.get(`/visits/${visit}`);
    assert.equal(page.status, 200);
    assert.match(page.text, new RegExp(`href="/demands/${d}/appointment"`));
    const { value, csrf } = await slotAndChoice(d, Date.now() + 10 * DAY);
    // Wrong input: errors, nothing booked.
    const bad = await agent.post(`/demands/${d}/appointment`, { occurrence: '99999-1', phone: '12', email: 'x', lang: 'xx', csrf });
    assert.equal(bad.status, 400, bad.text);
    for (const f of ['occurrence', 'phone', 'email', 'lang']) assert.match(bad.text, new RegExp(`id="${f}-error"`), f);
    const res = await agent.post(`/demands/${d}/appointment`, {
      occurrence: value, phone: '06 12 34 56 78', email: '', lang: 'ar', to_bring: 'Avis d\'imposition 2025', csrf,
    });
    assert.equal(res.status, 303, res.text);
    const id = /\/appointments\/(\d+)/.exec(res.location)[1];
    const show = await agent.follow(res);
    assert.equal(show.status, 200);
    assert.match(textOf(show.text), /0612345678/);
    // A phone and no text message sender: no reminder can be promised.
    assert.match(textOf(show.text), /ni téléphone ni e-mail joignable/);
    const slip = await agent.get(`/appointments/${id}/slip`);
    assert.equal(slip.status, 200);
    assert.match(slip.text, /<html lang="ar" dir="rtl"/);
    assert.doesNotMatch(slip.text, /0612345678|06 12 34 56 78/);
    assert.doesNotMatch(slip.text, /data-reminder|rappel deux jours/);
    assert.match(slip.text, /Avis d&#39;imposition 2025|Avis d'imposition 2025/);
    const receipt = await agent.get(`/appointments/${id}/slip?lang=uk&format=receipt`);
    assert.equal(receipt.status, 200);
    assert.match(receipt.text, /<html lang="uk"/);
    assert.match(receipt.text, /takehome-receipt/);
    assert.equal((await agent.get(`/appointments/${id}/slip?lang=xx`)).status, 400);
    // Another site's adviser sees nothing of it.
    assert.equal((await agentBrest.get(`/appointments/${id}`)).status, 404);
    assert.equal((await agentBrest.get(`/appointments/${id}/slip`)).status, 404);
    // Not yet begun: honoured is refused, excused is journaled.
    const c2 = csrfToken(show.text);
    assert.equal((await agent.post(`/appointments/${id}`, { status: 'honore', csrf: c2 })).status, 409);
    assert.equal((await agent.post(`/appointments/${id}`, { status: 'excuse', csrf: c2 })).status, 303);
    assert.equal((await agent.post(`/appointments/${id}`, { status: 'annule', csrf: c2 })).status, 409);
    const again = await agent.get(`/appointments/${id}`);
    const history = /<ol class="history">([\s\S]*?)<\/ol>/.exec(again.text)[1];
    assert.equal(history.match(/<li>/g).length, 2);
    assert.match(textOf(history), /À venir[\s\S]*Annulé par la personne/);
    // Who published the slot hears of the cancellation (the booking waits for a digest).
    const mail = await admin.get('/admin/mail');
    assert.match(textOf(mail.text), /Rendez-vous annulé/);
  });

  it('gives the last seat to exactly one of 20 simultaneous bookings', async () => {
    const { demand: d } = await demand();
    const { value, csrf } = await slotAndChoice(d, Date.now() + 12 * DAY + 3 * 3600000);
    const results = await Promise.all(Array.from({ length: 20 }, () => agent.post(`/demands/${d}/appointment`, {
      occurrence: value, lang: 'fr', csrf,
    })));
    const statuses = results.map((r) => r.status).sort();
    assert.equal(statuses.filter((s) => s === 303).length, 1, `statuses: ${statuses}`);
    assert.equal(statuses.filter((s) => s === 409).length, 19, `statuses: ${statuses}`);
    // The form no longer offers that occurrence.
    const form = await agent.get(`/demands/${d}/appointment`);
    assert.ok(!occurrences(form.text).includes(value));
  });

  it('gives the referent a secret calendar, RFC 5545, without the person', async () => {
    const { demand: d } = await demand();
    const { value, csrf } = await slotAndChoice(d, Date.now() + 15 * DAY, { referent_id: String(await srv.userId('caf')) });
    const res = await agent.post(`/demands/${d}/appointment`, { occurrence: value, email: 'marie.dupont@example.net', lang: 'fr', csrf });
    assert.equal(res.status, 303, res.text);
    const id = /\/appointments\/(\d+)/.exec(res.location)[1];
    // E-mail given and mail configured: the slip promises the reminder.
    const slip = await agent.get(`/appointments/${id}/slip?lang=fr`);
    assert.match(textOf(slip.text), /Nous vous enverrons un rappel deux jours avant/);
    assert.doesNotMatch(slip.text, /marie\.dupont/);
    const list = await caf.get('/appointments');
    assert.equal(list.status, 200);
    const made = await caf.post('/appointments/feed', { csrf: csrfToken(list.text) });
    assert.equal(made.status, 303);
    const page = await caf.follow(made);
    const url = /value="[^"]*(\/appointments\/feed\/[0-9a-f]{64}\.ics)"/.exec(page.text)[1];
    const ics = await srv.client().get(url);
    assert.equal(ics.status, 200);
    assert.match(ics.header('content-type'), /^text\/calendar/);
    const body = ics.text;
    assert.ok(body.startsWith('BEGIN:VCALENDAR\r\n'));
    assert.ok(body.endsWith('END:VCALENDAR\r\n'));
    assert.match(body, new RegExp(`UID:appointment-${id}@guichet\r\n`));
    assert.match(body, /DTSTAMP:\d{8}T\d{6}Z\r\n/);
    assert.match(body, /DTSTART:\d{8}T\d{6}Z\r\n/);
    assert.match(body, /DTEND:\d{8}T\d{6}Z\r\n/);
    assert.doesNotMatch(body, /marie|dupont/i);
    for (const line of body.split('\r\n').slice(0, -1)) {
      assert.ok(Buffer.byteLength(line) <= 75, `line over 75 octets: ${line}`);
      assert.ok(!line.includes('\n'));
    }
    // Another token, or none: like a missing page.
    assert.equal((await srv.client().get(`/appointments/feed/${'0'.repeat(64)}.ics`)).status, 404);
    assert.equal((await srv.client().get('/appointments/feed/abc.ics')).status, 404);
    // A new address ends the old one.
    const again = await caf.post('/appointments/feed', { csrf: csrfToken(page.text) });
    assert.equal(again.status, 303);
    assert.equal((await srv.client().get(url)).status, 404);
  });

  it('reminds once an appointment within 48 hours, and cancels a slot with its appointments', async () => {
    const { demand: d } = await demand();
    const { value, csrf } = await slotAndChoice(d, Date.now() + 30 * 3600000, { referent_id: String(await srv.userId('caf')) });
    const res = await agent.post(`/demands/${d}/appointment`, { occurrence: value, email: 'p@example.net', lang: 'en', csrf });
    assert.equal(res.status, 303, res.text);
    const id = /\/appointments\/(\d+)/.exec(res.location)[1];
    // The booking wakes the reminders' thread: the page soon shows when it went.
    let text = '';
    for (let i = 0; i < 2000; i++) {
      text = textOf((await agent.get(`/appointments/${id}`)).text);
      if (!/envoyé 48 heures avant/.test(text)) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.match(text, /Rappel\s*\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    // The referent's notification follows the claim.
    await waitFor('the referent\'s reminder in the outbox', async () => /Rappel/.test(textOf((await admin.get('/admin/mail')).text)));
    // The referent cancels the slot: its appointment is cancelled by the service.
    const slots = await caf.get('/appointments/slots');
    const slotId = [...slots.text.matchAll(/action="\/appointments\/slots\/(\d+)\/cancel"/g)].map((m) => m[1])[0];
    assert.ok(slotId);
    const cancel = await caf.post(`/appointments/slots/${slotId}/cancel`, { csrf: csrfToken(slots.text) });
    assert.equal(cancel.status, 303, cancel.text);
    assert.equal((await caf.post(`/appointments/slots/${slotId}/cancel`, { csrf: csrfToken(slots.text) })).status, 409);
    assert.equal((await agent.post(`/appointments/slots/${slotId}/cancel`, { csrf: csrfToken(slots.text) })).status, 403);
    const after3 = textOf((await agent.get(`/appointments/${id}`)).text);
    assert.match(after3, /Annulé par le service/);
  });

  /* Runs one SQL statement on the server's database, SQLite or PostgreSQL. */
  function sql(statement) {
    const pg = /^postgres(ql)?:/.test(srv.db);
    const r = pg ? spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', srv.db, '-c', statement], { encoding: 'utf8' })
      : spawnSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, statement], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }

  it('deletes appointments after two years and wipes the person\'s contact once past', async () => {
    const { demand: d } = await demand();
    const ids = [];
    for (const days of [40, 41]) {
      const { value, csrf } = await slotAndChoice(d, Date.now() + days * DAY);
      const res = await agent.post(`/demands/${d}/appointment`, { occurrence: value, phone: '0612345678', email: 'old@example.net', lang: 'fr', csrf });
      assert.equal(res.status, 303, res.text);
      ids.push(/\/appointments\/(\d+)/.exec(res.location)[1]);
    }
    // One took place three years ago, the other three days ago.
    sql(`UPDATE appointments SET starts_at = starts_at - ${3 * 366 * 86400} WHERE id = ${ids[0]}`);
    sql(`UPDATE appointments SET starts_at = starts_at - ${44 * 86400} WHERE id = ${ids[1]}`);
    await srv.cliOk(['purge']);
    assert.equal((await agent.get(`/appointments/${ids[0]}`)).status, 404);
    const kept = textOf((await agent.get(`/appointments/${ids[1]}`)).text);
    assert.match(kept, /effacé après le rendez-vous/);
    assert.doesNotMatch(kept, /0612345678|old@example\.net/);
  });
});

const haveAiosmtpd = fs.existsSync('/usr/bin/python3') && fs.existsSync('/usr/lib/python3/dist-packages/aiosmtpd');

/* Polls fn until it answers something truthy, for at most 30 s. */
async function waitFor(what, fn) {
  const end = Date.now() + 30_000;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/* The messages an aiosmtpd Mailbox received: { to, subject, body } each. */
function mailbox(dir) {
  const out = [];
  for (const sub of ['new', 'cur']) {
    const d = path.join(dir, sub);
    if (!fs.existsSync(d)) continue;
    for (const f of fs.readdirSync(d)) {
      const raw = fs.readFileSync(path.join(d, f), 'utf8');
      const [head, ...rest] = raw.split(/\r?\n\r?\n/);
      const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
      const h = (name) => (new RegExp(`^${name}: (.*)$`, 'mi').exec(unfolded) ?? [])[1] ?? '';
      const words = [...h('Subject').matchAll(/=\?UTF-8\?B\?([^?]*)\?=/g)].map((m) => Buffer.from(m[1], 'base64').toString('utf8')).join('');
      out.push({ to: h('To'), subject: words, body: Buffer.from(rest.join('\n').replace(/\s+/g, ''), 'base64').toString('utf8') });
    }
  }
  return out;
}

describe('appointment reminders by e-mail', { skip: !haveAiosmtpd && 'python3-aiosmtpd is not installed' }, () => {
  let srv; let smtp; let box; let root; let agent;

  before(async () => {
    root = await makeTempDir('guichet-appt-mail-');
    // A maildir the handler creates itself (an empty existing folder is no maildir).
    box = path.join(root, 'maildir');
    const port = await closedPort();
    smtp = spawn('/usr/bin/python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', box], { stdio: 'ignore' });
    await waitFor('aiosmtpd', () => new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => { c.destroy(); resolve(true); });
      c.on('error', () => resolve(false));
    }));
    srv = await setupServer({ users: USERS, start: false });
    const cfg = path.join(srv.dir, 'mail.conf');
    fs.writeFileSync(cfg, `smtp-url = smtp://127.0.0.1:${port}\nsmtp-from = guichet@example.org\nsmtp-starttls = no\n`);
    srv.cfg = cfg;
    await srv.start(['--config', cfg]);
    const admin = await srv.login('admin');
    const page = await admin.get('/escalations/referents');
    await admin.post('/escalations/referents', { [`dep_${await srv.userId('caf')}`]: '35', csrf: csrfToken(page.text) });
    agent = await srv.login('agent');
  });
  after(async () => {
    await stopServer(srv);
    smtp?.kill();
    await removeTempDir(root);
  });

  it('reminds the person in her language, once, and the referent through the outbox', async () => {
    const manager = await srv.login('manager');
    const form = await manager.get('/appointments/slots/new');
    const rennes = optionValue(form.text, 'Rennes');
    const when = paris(Date.now() + 30 * 3600000);
    const res = await manager.post('/appointments/slots', {
      csrf: csrfToken(form.text), site_id: rennes, operator_code: 'cnaf', mode: 'sur_place', date: when.date, time: when.time,
      duration_min: '30', capacity: '1', place: 'bureau 2', referent_id: String(await srv.userId('caf')),
    });
    assert.equal(res.status, 303, res.text);
    const token = await srv.token('agent');
    const v = await srv.client().request('POST', '/api/v1/visits', {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        started_at: new Date().toISOString().slice(0, 19) + 'Z', channel: 'guichet_spontane', duration_min: 20,
        visitor: { gender: 'feminin', age_bracket: '60_69' },
        demands: [{ operator_code: 'cnaf', theme_code: 'social_sante', level: 'fait_avec', outcome: 'escalade' }],
      }),
    });
    const d = v.json().demands[0].id;
    const book = await agent.get(`/demands/${d}/appointment`);
    const value = occurrences(book.text)[0];
    const done = await agent.post(`/demands/${d}/appointment`, { csrf: csrfToken(book.text), occurrence: value, email: 'amina@example.net', lang: 'en' });
    assert.equal(done.status, 303, done.text);
    const toPerson = await waitFor('the person\'s reminder', () => mailbox(box).filter((m) => m.to.includes('amina@example.net')).length === 1 && mailbox(box));
    const mine = toPerson.find((m) => m.to.includes('amina@example.net'));
    assert.equal(mine.subject, 'Reminder of your appointment');
    assert.match(mine.body, /When: /);
    assert.match(mine.body, /If you cannot come, tell us\./);
    await waitFor('the referent\'s reminder', () => mailbox(box).some((m) => m.to.includes('caf.35@example.org')));
    // A restart does not remind her again.
    await srv.stop();
    await srv.start(['--config', srv.cfg]);
    const again = await srv.login('agent');
    assert.equal((await again.get('/appointments')).status, 200);
    assert.equal(mailbox(box).filter((m) => m.to.includes('amina@example.net')).length, 1);
  });
});
