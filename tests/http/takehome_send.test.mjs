// takehome_send.test.mjs: what the take-home summary adds to the sheet
// (docs/takehome.md): the site's telephone number (typed in the site's
// form, checked and normalised, printed as a tel: link), an escalated
// demand's expected answer date in the person's language, and the sheet
// sent by e-mail when the person asks, at once, to the address the adviser
// typed, against a real SMTP server (Debian's python3-aiosmtpd on a free
// loopback port): the message arrives in her language, text and HTML, the
// address is kept nowhere (not in the database's bytes, not in the log, not
// in the audit journal), a bad address is refused, and a server without
// SMTP says that e-mail is not set up.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { startSaver, haveAiosmtpd, waitFor } from './smtp_saver.mjs';
import { DEFAULT_USERS, HOST, ON_PG, csrfToken, findTags, makeTempDir, removeTempDir, setupServer, stopServer, textOf } from './lib.mjs';

const FROM = 'guichet@example.org';
const TO = 'leila.personne-4821@example.net';

const USERS = {
  ...DEFAULT_USERS,
  ants: { email: 'ants.35@example.org', name: 'Anne Référente ANTS', role: 'operator', operator: 'ants' },
};

async function sql(srv, statement) {
  const [cmd, args] = ON_PG ? ['psql', ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-d', srv.db, '-c', statement]] : ['sqlite3', ['-cmd', '.timeout 5000', srv.db, statement]];
  const r = await new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() }));
  });
  assert.equal(r.code, 0, `${cmd} failed: ${r.err}`);
  return r.out.trim();
}

/** Headers (lower-case names), decoded subject, and the decoded parts of a multipart message. */
function parseMessage(raw) {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const headers = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  const subject = (headers.subject ?? '').replace(/=\?UTF-8\?B\?([^?]*)\?=\s*/g, (m, b) => Buffer.from(b, 'base64').toString('utf8'));
  const boundary = /boundary="([^"]+)"/.exec(headers['content-type'] ?? '')?.[1];
  const parts = {};
  if (boundary) {
    for (const part of rest.join('\r\n\r\n').split(`--${boundary}`)) {
      const [ph, ...pb] = part.split('\r\n\r\n');
      const type = /Content-Type: ([a-z/]+)/i.exec(ph)?.[1];
      if (type) parts[type] = Buffer.from(pb.join('').replace(/\s+/g, ''), 'base64').toString('utf8');
    }
  }
  return { headers, subject, parts, raw };
}

const text0 = (m) => m.parts['text/plain'] ?? '';

/** The site form's fields as they are, with changes. */
async function siteForm(client, id, changes) {
  const page = await client.get(`/sites/${id}/edit`);
  assert.equal(page.status, 200);
  const fields = [['csrf', csrfToken(page.text)]];
  for (const input of findTags(page.text, 'input')) {
    if (!input.name || input.name === 'csrf' || input.name in changes) continue;
    if (input.type === 'checkbox') {
      if ('checked' in input) fields.push([input.name, input.value]);
    } else fields.push([input.name, input.value ?? '']);
  }
  for (const m of page.text.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) if (!(m[1] in changes)) fields.push([m[1], m[2]]);
  for (const m of page.text.matchAll(/<select[^>]*name="([^"]+)"[\s\S]*?<option[^>]*value="([^"]*)"[^>]*selected/g)) if (!(m[1] in changes)) fields.push([m[1], m[2]]);
  for (const [k, v] of Object.entries(changes)) fields.push([k, v]);
  return await client.post(`/sites/${id}/edit`, fields);
}

describe('the take-home summary: telephone, answer date, e-mail', { skip: !haveAiosmtpd && 'python3-aiosmtpd is not installed' }, () => {
  let dir, smtp, srv, agent, admin, token, visit;

  const messages = async () => {
    return (await smtp.raw()).map(parseMessage);
  };
  const api = (method, p, body) => srv.client().request(method, p, {
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

  before(async () => {
    dir = await makeTempDir('guichet-takehome-send-');
    smtp = await startSaver(dir);
    const { port } = smtp;
    srv = await setupServer({
      users: USERS,
      serveArgs: ['--smtp-url', `smtp://${HOST}:${port}`, '--smtp-from', FROM, '--smtp-starttls', 'no'],
    });
    token = await srv.token('agent');
    admin = await srv.login('admin');
    agent = await srv.login('agent');
    // The ANTS referent of Ille-et-Vilaine: an escalation is sent at once.
    const page = await admin.get('/escalations/referents');
    const res = await admin.post('/escalations/referents', { [`dep_${await srv.userId('ants')}`]: '35', csrf: csrfToken(page.text) });
    assert.equal(res.status, 303, res.text);
    const created = await api('POST', '/api/v1/visits', {
      started_at: '2026-03-04T10:15:00+01:00',
      channel: 'guichet_spontane',
      duration_min: 30,
      visitor: { gender: 'feminin', age_bracket: '70_plus', languages: ['ar'], allophone: true },
      demands: [{ operator_code: 'ants', theme_code: 'transports_mobilite', procedure_text: 'Permis de conduire', level: 'fait_pour', mandate_type: 'papier', outcome: 'escalade' }],
    });
    assert.equal(created.status, 201, created.text);
    visit = created.json().id;
    const esc = await api('POST', `/api/v1/demands/${created.json().demands[0].id}/escalations`, { question: 'Où en est le permis ?', consent: true });
    assert.equal(esc.status, 201, esc.text);
    assert.equal(esc.json().status, 'envoyee');
  });
  after(async () => {
    if (srv) await stopServer(srv);
    if (smtp) await smtp.stop();
    if (dir) await removeTempDir(dir);
  });

  describe('the site telephone', () => {
    it('accepts French numbers, writes them compact and shows them in groups', async () => {
      const id = srv.sites.rennes;
      for (const [typed, stored, shown] of [
        ['02.99.00.00.00', '0299000000', '02 99 00 00 00'],
        ['+33 (0)2 99 00 00 01', '+33299000001', '+33 2 99 00 00 01'],
        ['3939', '3939', '3939'],
        ['  02 99 00 00 02 ', '0299000002', '02 99 00 00 02'],
      ]) {
        const res = await siteForm(admin, id, { phone: typed });
        assert.equal(res.status, 303, `${typed}: ${textOf(res.text).slice(0, 500)}`);
        assert.equal(await sql(srv, `SELECT phone FROM sites WHERE id = ${id}`), stored);
        assert.ok(textOf((await admin.get(`/sites/${id}`)).text).includes(shown), `${typed} is not shown as ${shown}`);
        assert.equal(findTags((await admin.get(`/sites/${id}/edit`)).text, 'input').find((i) => i.name === 'phone')?.value, shown);
      }
    });

    it('refuses anything else with a clear message and changes nothing', async () => {
      const id = srv.sites.rennes;
      for (const bad of ['12345', '02 99 00 00', '+44 20 7946 0000', 'deux', '02..99 00 00 00', '0099000000']) {
        const res = await siteForm(admin, id, { phone: bad });
        assert.equal(res.status, 400, bad);
        assert.match(textOf(res.text), /Ce numéro de téléphone n'est pas valide/);
        assert.equal(await sql(srv, `SELECT phone FROM sites WHERE id = ${id}`), '0299000002');
      }
    });

    it('is on the summary as a tel: link, and in print', async () => {
      const html = (await agent.get(`/visits/${visit}/summary?lang=fr`)).text;
      const link = findTags(html, 'a').find((a) => a.href?.startsWith('tel:'));
      assert.equal(link?.href, 'tel:+33299000002');
      assert.match(textOf(html), /Notre numéro de téléphone : 02 99 00 00 02/);
    });
  });

  describe('the expected answer', () => {
    it('says the escalation\'s due date in the person\'s language', async () => {
      const due = Number(await sql(srv, `SELECT due_at FROM escalations WHERE visit_id = ${visit}`));
      assert.ok(due > 0);
      // The server's zone: lib.mjs starts it with TZ=UTC (between 23:00 and midnight UTC
      // the day in Paris is already the next one).
      const d = new Date(due * 1000).toLocaleDateString('fr-FR', { timeZone: 'UTC' });
      const fr = textOf((await agent.get(`/visits/${visit}/summary?lang=fr`)).text);
      assert.ok(fr.includes(`Réponse attendue vers le ${d}`), fr);
      const en = textOf((await agent.get(`/visits/${visit}/summary?lang=en`)).text);
      assert.ok(en.includes(`Answer expected around ${d}`), en);
      const ar = (await agent.get(`/visits/${visit}/summary`)).text;
      assert.ok(textOf(ar).includes('الرد متوقع في حدود'), 'the Arabic sentence');
      assert.match(ar, /<time dir="ltr" datetime="\d{4}-\d\d-\d\d">/);
    });

    it('is on the visit page with the escalation\'s status', async () => {
      const page = textOf((await agent.get(`/visits/${visit}`)).text);
      assert.match(page, /Suivi de l'escalade\s*Envoyée/);
      assert.match(page, /Réponse attendue\s*au plus tard le \d+ \S+ \d{4}/);
    });
  });

  describe('sending it by e-mail', () => {
    it('offers a form to the adviser, with the CSRF token and no address kept', async () => {
      const html = (await agent.get(`/visits/${visit}/summary`)).text;
      const form = findTags(html, 'form').find((f) => f.method === 'post');
      assert.equal(form?.action, `/visits/${visit}/summary`);
      assert.ok(csrfToken(html));
      assert.ok(findTags(html, 'input').some((i) => i.name === 'email' && i.type === 'email' && i.value === ''));
      assert.match(textOf(html), /Envoyer ce résumé par e-mail/);
    });

    it('sends the same summary in her language, to the address typed, at once', async () => {
      const before = (await messages()).length;
      const res = await agent.submit(`/visits/${visit}/summary`, `/visits/${visit}/summary`, { email: TO, lang: 'ar', format: 'a4' });
      assert.equal(res.status, 303, srv.log.split('\n').filter((l) => l.includes('takehome')).join('\n'));
      assert.equal(res.location, `/visits/${visit}/summary?lang=ar&format=a4&sent=1`);
      const done = await agent.get(res.location);
      assert.match(textOf(done.text), /Le résumé a été remis au serveur de messagerie, qui l'a accepté/);
      assert.ok(!done.text.includes(TO), 'the page repeats the address');
      const all = await messages();
      assert.equal(all.length, before + 1, 'sent at once, before the answer');
      const m = all.at(-1);
      assert.equal(m.headers['x-test-to'], TO);
      assert.equal(m.headers['content-language'], 'ar');
      assert.equal(m.subject, 'ملخص زيارتك — France services Rennes Centre');
      assert.ok(text0(m).startsWith('ملخص زيارتك\r\n'), 'the title in Arabic');
      assert.ok(text0(m).includes('لأنك طلبتها في مكتب الاستقبال'), 'the closing line in Arabic');
      const text = m.parts['text/plain'];
      const html = m.parts['text/html'];
      assert.ok(text && html, 'a text part and an HTML part');
      assert.ok(text.includes('Permis de conduire'), text);
      assert.ok(text.includes('الرد متوقع في حدود'), 'the answer date in Arabic');
      assert.ok(text.includes('02 99 00 00 02'), 'the site telephone');
      assert.match(html, /<html lang="ar" dir="rtl">/);
      assert.ok(html.includes('href="tel:+33299000002"'));
      assert.match(html, /<h2><span lang="fr">1\. Permis de conduire — /, 'French data marked in the HTML');
      for (const secret of ['Où en est le permis', TO]) assert.ok(!text.includes(secret) && !html.includes(secret), `the message body holds ${secret}`);
      assert.ok(!/<img|<svg/.test(html), 'no image the mail client would fetch');
    });

    it('keeps no trace of the address: database, log, audit journal', async () => {
      const audit = await sql(srv, `SELECT action || '|' || object || '|' || object_id || '|' || detail FROM audit WHERE action = 'send'`);
      assert.equal(audit, `send|visit|${visit}|takehome email sent`);
      if (!ON_PG) {
        await sql(srv, 'PRAGMA wal_checkpoint(FULL)');
        for (const f of [srv.db, `${srv.db}-wal`, `${srv.db}-journal`]) {
          if (!fs.existsSync(f)) continue;
          const bytes = await fsp.readFile(f);
          assert.equal(bytes.indexOf(Buffer.from(TO)), -1, `${path.basename(f)} holds the address`);
          assert.equal(bytes.indexOf(Buffer.from('leila.personne')), -1, `${path.basename(f)} holds a piece of the address`);
        }
      } else {
        assert.equal(await sql(srv, `SELECT count(*) FROM audit WHERE detail LIKE '%leila%'`), '0');
      }
      assert.ok(!srv.log.includes('leila.personne'), 'the log holds the address');
    });

    it('refuses a bad address with a clear message and sends nothing', async () => {
      const before = (await messages()).length;
      for (const bad of ['leila', 'leila@', 'leila@example', 'a b@example.org', '<leila@example.org>']) {
        const res = await agent.submit(`/visits/${visit}/summary`, `/visits/${visit}/summary`, { email: bad, lang: 'fr' });
        assert.equal(res.status, 400, bad);
        assert.match(textOf(res.text), /Cette adresse e-mail n'est pas valide/);
        assert.ok(findTags(res.text, 'input').some((i) => i.name === 'email' && i['aria-invalid'] === 'true'));
      }
      const empty = await agent.submit(`/visits/${visit}/summary`, `/visits/${visit}/summary`, { email: '', lang: 'fr' });
      assert.equal(empty.status, 400);
      assert.match(textOf(empty.text), /Écrivez l'adresse e-mail de la personne/);
      assert.equal((await messages()).length, before);
    });

    it('needs the CSRF token and the right to read the visit', async () => {
      const noToken = await agent.post(`/visits/${visit}/summary`, { email: TO });
      assert.equal(noToken.status, 403);
      const brest = await srv.login('agentBrest');
      const other = await brest.submit('/', `/visits/${visit}/summary`, { email: TO });
      assert.equal(other.status, 404);
    });

    it('says when the mail server refuses it, and offers printing', async () => {
      await smtp.stop();
      smtp = null;
      const res = await agent.submit(`/visits/${visit}/summary`, `/visits/${visit}/summary`, { email: TO, lang: 'fr' });
      assert.equal(res.status, 502);
      assert.match(textOf(res.text), /Le résumé n'a pas été envoyé/);
      assert.match(textOf(res.text), /Réponse attendue vers le/, 'the sheet is still there to print');
      assert.equal(await sql(srv, `SELECT detail FROM audit WHERE action = 'send' ORDER BY id DESC LIMIT 1`), 'takehome email not sent');
      assert.ok(!srv.log.includes('leila.personne'), 'the log holds the address');
    });
  });
});

describe('the summary of a server without SMTP', () => {
  let srv;
  before(async () => {
    srv = await setupServer({});
  });
  after(async () => {
    if (srv) await stopServer(srv);
  });

  it('says e-mail is not set up, offers printing, and sends nothing', async () => {
    const token = await srv.token('agent');
    const created = await srv.client().request('POST', '/api/v1/visits', {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        started_at: '2026-03-04T10:15:00+01:00',
        channel: 'guichet_spontane',
        duration_min: 10,
        visitor: { gender: 'feminin', age_bracket: '25_39' },
        demands: [{ operator_code: 'cnaf', theme_code: 'logement', level: 'information', outcome: 'resolu' }],
      }),
    });
    assert.equal(created.status, 201, created.text);
    const id = created.json().id;
    const agent = await srv.login('agent');
    const page = await agent.get(`/visits/${id}/summary`);
    assert.match(textOf(page.text), /L'envoi par e-mail n'est pas configuré sur ce serveur/);
    assert.ok(!findTags(page.text, 'input').some((i) => i.name === 'email'), 'no address field');
    assert.ok(findTags(page.text, 'button').filter((b) => 'data-print' in b).length >= 2);
    const res = await agent.submit('/', `/visits/${id}/summary`, { email: TO });
    assert.equal(res.status, 503);
    assert.match(textOf(res.text), /L'envoi par e-mail n'est pas configuré/);
  });
});

describe('addresses from the menu and the visit page; the person\'s telephone in her export', () => {
  let srv, agent, call;
  before(async () => {
    srv = await setupServer({});
    const token = await srv.token('agent');
    call = async (body) => {
      const res = await srv.client().request('POST', '/api/v1/visits', {
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ started_at: '2026-03-04T10:15:00+01:00', channel: 'guichet_spontane', duration_min: 10, ...body }),
      });
      assert.equal(res.status, 201, res.text);
      return res.json();
    };
    agent = await srv.login('agent');
  });
  after(async () => {
    if (srv) await stopServer(srv);
  });

  it('the staff menu links to the address page, for the staff who record and read', async () => {
    for (const key of ['agent', 'manager', 'coordinator', 'admin']) {
      const c = key === 'agent' ? agent : await srv.login(key);
      const nav = /<nav[^>]*main-nav[\s\S]*?<\/nav>/.exec((await c.get('/')).text)?.[0] ?? '';
      assert.ok(findTags(nav, 'a').some((a) => a.href === '/address'), `${key}: no link to /address in the menu`);
      assert.equal((await c.get('/address')).status, 200);
    }
  });

  it('a visit about a change of address links to its checklist, another does not', async () => {
    const procId = Number(await sql(srv, "SELECT id FROM procedures WHERE label = 'Changement d''adresse'"));
    assert.ok(procId > 0);
    const moving = await call({
      visitor: { gender: 'feminin', age_bracket: '25_39' },
      demands: [{ operator_code: 'cnaf', theme_code: 'papiers_citoyennete', procedure_id: procId, level: 'fait_avec', outcome: 'resolu' }],
    });
    const typed = await call({
      visitor: { gender: 'feminin', age_bracket: '25_39' },
      demands: [{ operator_code: 'cnaf', theme_code: 'logement', procedure_text: 'Déménagement : prévenir la CAF', level: 'information', outcome: 'resolu' }],
    });
    const other = await call({
      visitor: { gender: 'masculin', age_bracket: '25_39' },
      demands: [{ operator_code: 'cnaf', theme_code: 'logement', level: 'information', outcome: 'resolu' }],
    });
    const links = async (id) => findTags((await agent.get(`/visits/${id}`)).text, 'a').map((a) => a.href);
    assert.ok((await links(moving.id)).includes(`/visits/${moving.id}/address-checklist`));
    assert.ok((await links(typed.id)).includes(`/visits/${typed.id}/address-checklist`));
    assert.ok(!(await links(other.id)).some((h) => h.endsWith('/address-checklist')));
  });

  it('the export of a person\'s data says her kind of telephone', async () => {
    const v = await call({
      visitor: { gender: 'feminin', age_bracket: '70_plus', identified: true, consent_reason: 'suivi', full_name: 'Awa Diallo', phone_kind: 'sans_internet' },
      demands: [{ operator_code: 'cnaf', theme_code: 'logement', level: 'information', outcome: 'resolu' }],
    });
    const visitor = Number(await sql(srv, `SELECT visitor_id FROM visits WHERE id = ${v.id}`));
    const html = textOf((await agent.get(`/visitors/${visitor}/export`)).text);
    assert.match(html, /Type de téléphone\s*Téléphone sans internet \(pas de smartphone\)/);
    assert.ok(!html.includes('Pas de téléphone'), 'the old flag');
    const json = JSON.parse((await agent.get(`/visitors/${visitor}/export.json`)).text);
    assert.equal(JSON.stringify(json).includes('"phone_kind":"sans_internet"'), true);
  });
});
