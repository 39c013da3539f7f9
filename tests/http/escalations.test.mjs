// escalations.test.mjs: escalations of a demand to an operator's back
// office (docs/escalations.md). The whole life of an escalation for both
// sides, over the JSON API and over the pages; every forbidden move (a CAF
// referent reading one sent to DGFiP, a referent of another département,
// an adviser of another site, a move on a closed escalation, closing twice)
// refused with nothing changed; the documents: over-size, wrong type by
// content, path tricks in the name, readers without rights; each refused
// or harmless. Runs on SQLite and, through scripts/check-pg, on PostgreSQL
// (the documents' directory then comes from a config file).

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { DEFAULT_USERS, csrfToken, makeTempDir, setupServer, stopServer, textOf } from './lib.mjs';

const USERS = {
  ...DEFAULT_USERS,
  caf: { email: 'caf.35@example.org', name: 'Camille Référente CAF', role: 'operator', operator: 'cnaf' },
  dgfip: { email: 'dgfip.35@example.org', name: 'Denis Référent DGFiP', role: 'operator', operator: 'dgfip' },
  caf29: { email: 'caf.29@example.org', name: 'Claire Référente CAF 29', role: 'operator', operator: 'cnaf' },
};
const TOKEN_USERS = ['admin', 'agent', 'agentBrest', 'coordinator', 'caf', 'dgfip', 'caf29'];

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(64)]);

function multipart(fields, files = []) {
  const boundary = `----guichet${crypto.randomBytes(8).toString('hex')}`;
  const parts = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field ?? 'files'}"; filename="${f.name}"\r\n` +
      `Content-Type: ${f.type ?? 'application/pdf'}\r\n\r\n`));
    parts.push(f.content);
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

describe('escalations to the operators\' back offices', () => {
  let srv;
  let filesDir;
  const tokens = {};

  before(async () => {
    srv = await setupServer({ users: USERS, start: false });
    filesDir = await makeTempDir('guichet-esc-files-');
    const cfg = path.join(srv.dir, 'escalations.conf');
    fs.writeFileSync(cfg, `escalation-files-dir = ${filesDir}\n`);
    await srv.start(['--config', cfg]);
    for (const k of TOKEN_USERS) tokens[k] = await srv.token(k);
    // The administrator names the referents' départements.
    const admin = await srv.login('admin');
    const page = await admin.get('/escalations/referents');
    assert.equal(page.status, 200, page.text);
    const deps = {
      [`dep_${await srv.userId('caf')}`]: '35',
      [`dep_${await srv.userId('dgfip')}`]: '35, 29',
      [`dep_${await srv.userId('caf29')}`]: '29',
      csrf: csrfToken(page.text),
    };
    const res = await admin.post('/escalations/referents', deps);
    assert.equal(res.status, 303, res.text);
  });
  after(() => stopServer(srv));

  const call = (key, method, p, body) => {
    const headers = { authorization: `Bearer ${tokens[key]}` };
    let payload;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    return srv.client().request(method, p, { headers, body: payload });
  };

  /* A visit at Rennes (or Brest) with one demand to operator; its demand's id. */
  async function demand(key = 'agent', operator = 'cnaf', outcome = 'escalade') {
    const res = await call(key, 'POST', '/api/v1/visits', {
      started_at: '2026-03-04T10:15:00+01:00',
      channel: 'guichet_spontane',
      duration_min: 20,
      visitor: { gender: 'feminin', age_bracket: '60_69' },
      demands: [{ operator_code: operator, theme_code: 'social_sante', level: 'fait_avec', outcome }],
    });
    assert.equal(res.status, 201, res.text);
    const v = res.json();
    return { visit: v.id, demand: v.demands[0].id };
  }

  async function escalate(key = 'agent', operator = 'cnaf') {
    const d = await demand(key, operator);
    const res = await call(key, 'POST', `/api/v1/demands/${d.demand}/escalations`,
      { question: 'Le dossier de prime d\'activité est bloqué depuis trois mois.', consent: true });
    assert.equal(res.status, 201, res.text);
    return { ...d, esc: res.json() };
  }

  /* What the administrator reads of an escalation: must not change when a move is refused. */
  const state = async (id) => (await call('admin', 'GET', `/api/v1/escalations/${id}`)).text;

  async function move(key, id, action, body = {}) {
    return await call(key, 'POST', `/api/v1/escalations/${id}/${action}`, body);
  }

  function assertError(res, status, code) {
    assert.equal(res.status, status, res.text);
    assert.match(res.header('content-type'), /^application\/json/);
    assert.equal(res.json().error?.code, code, res.text);
  }

  it('lives its whole life over the API, for both sides', async () => {
    const { esc } = await escalate();
    assert.equal(esc.status, 'envoyee');
    assert.equal(esc.operator, 'cnaf');
    assert.equal(esc.departement, '35');
    const due = Date.parse(esc.due_at) - Date.parse(esc.sent_at);
    assert.equal(due, 15 * 86400e3, 'an operator without a deadline gives 15 days');
    assert.deepEqual(esc.events.map((e) => e.action), ['creation', 'envoi']);

    // The CAF referent of the département sees it in the queue.
    const queue = (await call('caf', 'GET', '/api/v1/escalations')).json().escalations;
    assert.ok(queue.some((e) => e.id === esc.id));
    assert.ok(queue.every((e) => e.operator === 'cnaf' && e.departement === '35'));
    assert.equal(queue.find((e) => e.id === esc.id).visit_id, undefined, 'the visit stays the site\'s');

    let res = await move('caf', esc.id, 'take');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json().status, 'en_cours');
    res = await move('caf', esc.id, 'request-info', { text: 'Quel est le numéro d\'allocataire ?' });
    assert.equal(res.json().info_requested, true);
    // Answering an answered request is refused until it is asked again.
    res = await move('agent', esc.id, 'complete', { text: 'Numéro 1234567.' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json().info_requested, false);
    res = await move('caf', esc.id, 'note', { text: 'Dossier vu avec le service prime.' });
    assert.equal(res.status, 200, res.text);
    res = await move('caf', esc.id, 'answer', { text: 'Le dossier est débloqué, le versement arrive le 5.' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json().status, 'traitee');

    // The adviser reads the answer, not the back office's note.
    const seen = (await call('agent', 'GET', `/api/v1/escalations/${esc.id}`)).json();
    assert.ok(seen.events.some((e) => e.action === 'reponse' && /débloqué/.test(e.text)));
    assert.ok(!seen.events.some((e) => e.internal || e.action === 'note'));
    const referentView = (await call('caf', 'GET', `/api/v1/escalations/${esc.id}`)).json();
    assert.ok(referentView.events.some((e) => e.action === 'note' && e.internal));

    // Closing needs how the person was told and whether it was useful.
    res = await move('agent', esc.id, 'close', {});
    assertError(res, 422, 'invalid');
    assert.deepEqual(res.json().error.fields.map((f) => f.field).sort(), ['told_by', 'useful']);
    res = await move('agent', esc.id, 'close', { told_by: 'telephone', useful: 'oui' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json().status, 'cloturee');
    assert.equal(res.json().told_by, 'telephone');
    assert.equal(res.json().useful, 'oui');

    // Closed: closing twice, answering, noting are refused and change nothing.
    const before = await state(esc.id);
    assertError(await move('agent', esc.id, 'close', { told_by: 'courrier', useful: 'non' }), 409, 'invalid_move');
    assertError(await move('caf', esc.id, 'answer', { text: 'Encore une réponse.' }), 409, 'invalid_move');
    assertError(await move('caf', esc.id, 'note', { text: 'Une note.' }), 409, 'invalid_move');
    assert.equal(await state(esc.id), before);
    // The list of open escalations no longer has it; status=all does.
    assert.ok(!(await call('agent', 'GET', '/api/v1/escalations')).json().escalations.some((e) => e.id === esc.id));
    assert.ok((await call('agent', 'GET', '/api/v1/escalations?status=all')).json().escalations.some((e) => e.id === esc.id));
  });

  it('answers 404 to whoever may not see an escalation, and refuses their moves', async () => {
    const { esc } = await escalate();
    const before = await state(esc.id);
    for (const key of ['dgfip', 'caf29', 'agentBrest']) {
      assertError(await call(key, 'GET', `/api/v1/escalations/${esc.id}`), 404, 'not_found');
      assertError(await move(key, esc.id, 'answer', { text: 'Pas à moi.' }), 404, 'not_found');
      assertError(await move(key, esc.id, 'close', { told_by: 'telephone', useful: 'oui' }), 404, 'not_found');
      const list = (await call(key, 'GET', '/api/v1/escalations?status=all')).json().escalations;
      assert.ok(!list.some((e) => e.id === esc.id), `${key} lists it`);
    }
    // A missing one answers the same.
    assertError(await call('caf', 'GET', '/api/v1/escalations/999999'), 404, 'not_found');
    // The coordinator of the département reads it but moves nothing.
    assert.equal((await call('coordinator', 'GET', `/api/v1/escalations/${esc.id}`)).status, 200);
    assertError(await move('coordinator', esc.id, 'close', { told_by: 'telephone', useful: 'oui' }), 409, 'invalid_move');
    // Each side only its own moves: the adviser does not answer, the referent does not redirect.
    assertError(await move('agent', esc.id, 'answer', { text: 'Je me réponds.' }), 409, 'invalid_move');
    assertError(await move('caf', esc.id, 'redirect', { operator: 'dgfip' }), 409, 'invalid_move');
    assertError(await move('caf', esc.id, 'complete', { text: 'x' }), 409, 'invalid_move');
    assertError(await move('caf', esc.id, 'fly', {}), 404, 'not_found');
    assert.equal(await state(esc.id), before);
    // An adviser of another site cannot escalate a Rennes demand; no token, no access.
    const d = await demand();
    assertError(await call('agentBrest', 'POST', `/api/v1/demands/${d.demand}/escalations`, { question: 'Q', consent: true }), 404, 'not_found');
    const anon = await srv.client().request('GET', '/api/v1/escalations');
    assert.equal(anon.status, 401);
  });

  it('refuses an escalation without consent, of a demand not to escalate, or twice', async () => {
    const d = await demand();
    let res = await call('agent', 'POST', `/api/v1/demands/${d.demand}/escalations`, { question: 'Une question.' });
    assertError(res, 422, 'invalid');
    assert.deepEqual(res.json().error.fields.map((f) => f.field), ['consent']);
    res = await call('agent', 'POST', `/api/v1/demands/${d.demand}/escalations`, { question: '  ', consent: true });
    assert.deepEqual(res.json().error.fields.map((f) => f.field), ['question']);
    assertError(await call('agent', 'POST', `/api/v1/demands/${d.demand}/escalations`, '{"question":'), 400, 'malformed_json');
    assertError(await call('agent', 'POST', `/api/v1/demands/${d.demand}/escalations`, '[1]'), 400, 'bad_request');
    assertError(await call('agent', 'POST', `/api/v1/demands/${d.demand}/escalations`, { question: 3, consent: true }), 422, 'invalid');
    const solved = await demand('agent', 'cnaf', 'resolu');
    assertError(await call('agent', 'POST', `/api/v1/demands/${solved.demand}/escalations`, { question: 'Q', consent: true }), 409, 'not_escalade');
    res = await call('agent', 'POST', `/api/v1/demands/${d.demand}/escalations`, { question: 'Une question.', consent: true });
    assert.equal(res.status, 201, res.text);
    assertError(await call('agent', 'POST', `/api/v1/demands/${d.demand}/escalations`, { question: 'Encore.', consent: true }), 409, 'already_escalated');
  });

  it('goes to another operator after "not the right interlocutor"', async () => {
    const { esc } = await escalate();
    let res = await move('caf', esc.id, 'wrong-interlocutor', {});
    assertError(res, 422, 'invalid');
    res = await move('caf', esc.id, 'wrong-interlocutor', { text: 'C\'est une question d\'impôts.' });
    assert.equal(res.json().status, 'mauvais_interlocuteur');
    assertError(await move('agent', esc.id, 'redirect', { operator: 'cnaf' }), 422, 'invalid');
    assertError(await move('agent', esc.id, 'redirect', { operator: 'nope' }), 422, 'invalid');
    res = await move('agent', esc.id, 'redirect', { operator: 'dgfip' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json().status, 'envoyee');
    assert.equal(res.json().operator, 'dgfip');
    assertError(await call('caf', 'GET', `/api/v1/escalations/${esc.id}`), 404, 'not_found');
    assert.equal((await call('dgfip', 'GET', `/api/v1/escalations/${esc.id}`)).status, 200);
  });

  it('keeps an escalation new while its operator has no referent there', async () => {
    const { esc } = await escalate('agent', 'ants');
    assert.equal(esc.status, 'nouvelle');
    const before = await state(esc.id);
    const res = await move('agent', esc.id, 'send', {});
    assertError(res, 422, 'invalid');
    assert.equal(await state(esc.id), before);
    // Closing it (the person no longer needs it) only asks whether it was useful.
    assert.equal((await move('agent', esc.id, 'close', { useful: 'ne_sait_pas' })).status, 200);
  });

  it('lives its life over the pages, by both sides, with a document', async () => {
    const d = await demand();
    const agent = await srv.login('agent');
    const visitPage = await agent.get(`/visits/${d.visit}`);
    assert.equal(visitPage.status, 200);
    assert.ok(visitPage.text.includes(`/demands/${d.demand}/escalate`), 'the visit links to the escalation form');
    const form = await agent.get(`/demands/${d.demand}/escalate`);
    assert.equal(form.status, 200, form.text);
    assert.match(form.text, /enctype="multipart\/form-data"/);
    const csrf = csrfToken(form.text);

    // Without consent: the form again, with its error, and nothing stored.
    let mp = multipart({ csrf, question: 'Pièce jointe : avis de situation.' }, [{ name: 'avis.pdf', content: PDF }]);
    let res = await agent.post(`/demands/${d.demand}/escalate`, mp.body, { headers: { 'content-type': mp.type } });
    assert.equal(res.status, 400);
    assert.match(res.text, /href="#consent"/);

    mp = multipart({ csrf, question: 'Pièce jointe : avis de situation.', consent: '1' }, [{ name: 'avis.pdf', content: PDF }]);
    res = await agent.post(`/demands/${d.demand}/escalate`, mp.body, { headers: { 'content-type': mp.type } });
    assert.equal(res.status, 303, res.text);
    const escPath = res.locationPath;
    assert.match(escPath, /^\/escalations\/\d+$/);
    const id = Number(escPath.split('/').pop());
    // The document is on disk under its hash, not under its name.
    const hash = crypto.createHash('sha256').update(PDF).digest('hex');
    assert.ok(fs.existsSync(path.join(filesDir, hash)));

    // The referent finds it in the queue, downloads the document, answers.
    const caf = await srv.login('caf');
    const queue = await caf.get('/escalations');
    assert.equal(queue.status, 200);
    assert.ok(queue.text.includes(`href="/escalations/${id}"`));
    const page = await caf.get(escPath);
    assert.equal(page.status, 200);
    assert.ok(!page.text.includes(`/visits/${d.visit}`), 'no link to the site\'s visit for the back office');
    const link = /href="(\/escalations\/\d+\/files\/\d+)"/.exec(page.text);
    assert.ok(link, 'the page lists the document');
    const file = await caf.get(link[1]);
    assert.equal(file.status, 200);
    assert.equal(file.header('content-type'), 'application/pdf');
    assert.match(file.header('content-disposition'), /^attachment; filename="document-\d+\.pdf"$/);
    assert.equal(file.header('x-content-type-options'), 'nosniff');
    assert.deepEqual(file.body, PDF);
    res = await caf.post(escPath, { csrf: csrfToken(page.text), op: 'repondre', answer_text: 'Réponse : versement le 5.' });
    assert.equal(res.status, 303, res.text);

    // The adviser reads the answer on the visit's page, then closes.
    const again = await agent.get(`/visits/${d.visit}`);
    assert.match(textOf(again.text), /versement le 5/);
    const mine = await agent.get(escPath);
    res = await agent.post(escPath, { csrf: csrfToken(mine.text), op: 'cloturer', told_by: 'courrier' });
    assert.equal(res.status, 400, 'usefulness is required');
    assert.match(res.text, /href="#useful"/);
    res = await agent.post(escPath, { csrf: csrfToken(mine.text), op: 'cloturer', told_by: 'courrier', useful: 'oui' });
    assert.equal(res.status, 303, res.text);
    const closed = await agent.get(escPath);
    assert.match(textOf(closed.text), /Clôturée/);
    res = await agent.post(escPath, { csrf: csrfToken(mine.text), op: 'cloturer', told_by: 'courrier', useful: 'oui' });
    assert.equal(res.status, 409, 'closing twice is refused');
    // Without the CSRF token nothing moves.
    res = await caf.post(escPath, { op: 'noter', note_text: 'x' });
    assert.equal(res.status, 403);
  });

  it('refuses documents too large, of another type, and keeps names harmless', async () => {
    const agent = await srv.login('agent');
    const tryUpload = async (files) => {
      const d = await demand();
      const form = await agent.get(`/demands/${d.demand}/escalate`);
      const mp = multipart({ csrf: csrfToken(form.text), question: 'Avec un document.', consent: '1' }, files);
      const res = await agent.post(`/demands/${d.demand}/escalate`, mp.body, { headers: { 'content-type': mp.type } });
      return { d, res };
    };
    const before = fs.readdirSync(filesDir).length;
    // Over 4 MB (a PDF by its first bytes).
    const big = Buffer.concat([PDF, Buffer.alloc(4 * 1024 * 1024)]);
    let { d, res } = await tryUpload([{ name: 'gros.pdf', content: big }]);
    assert.equal(res.status, 400);
    assert.match(textOf(res.text), /4 Mo/);
    // Nothing was stored: the demand can still be escalated.
    assert.equal((await agent.get(`/demands/${d.demand}/escalate`)).status, 200);
    // An executable named .pdf, and text named .png: refused by their content.
    ({ res } = await tryUpload([{ name: 'facture.pdf', content: Buffer.from('MZ\x90\x00 this is not a pdf') }]));
    assert.equal(res.status, 400);
    assert.match(textOf(res.text), /PDF, JPEG et PNG/);
    ({ res } = await tryUpload([{ name: 'photo.png', type: 'image/png', content: Buffer.from('<svg onload=alert(1)>') }]));
    assert.equal(res.status, 400);
    // Four documents at once: refused.
    ({ res } = await tryUpload([1, 2, 3, 4].map((i) => ({ name: `p${i}.png`, type: 'image/png', content: PNG }))));
    assert.equal(res.status, 400);
    assert.equal(fs.readdirSync(filesDir).length, before, 'no refused document was kept');

    // Path tricks in the name: stored under the hash, shown as a plain name.
    ({ res } = await tryUpload([{ name: '../../../etc/cron.d/x\u202egnp.pdf', content: PNG, type: 'image/png' }]));
    assert.equal(res.status, 303, res.text);
    const hash = crypto.createHash('sha256').update(PNG).digest('hex');
    assert.ok(fs.existsSync(path.join(filesDir, hash)));
    assert.ok(!fs.existsSync(path.join(filesDir, '..', 'etc')));
    const page = await agent.get(res.locationPath);
    assert.ok(!page.text.includes('../'));
    assert.ok(!page.text.includes('\u202e'));
    const link = /href="(\/escalations\/\d+\/files\/\d+)"/.exec(page.text)[1];
    const file = await agent.get(link);
    assert.equal(file.status, 200);
    assert.equal(file.header('content-type'), 'image/png');
    assert.match(file.header('content-disposition'), /^attachment; filename="document-\d+\.png"$/);

    // Readers without rights: 404, as for a missing document; no login: the login page.
    for (const key of ['dgfip', 'agentBrest', 'caf29']) {
      const c = await srv.login(key);
      assert.equal((await c.get(link)).status, 404, key);
      assert.equal((await c.get(res.locationPath)).status, 404, key);
    }
    assert.equal((await srv.client().get(link)).status, 303);
    const other = link.replace(/\/files\/(\d+)$/, (m, n) => `/files/${Number(n) + 1000}`);
    assert.equal((await agent.get(other)).status, 404);
  });

  it('lets only administrators name the referents, and checks the codes', async () => {
    const agent = await srv.login('agent');
    assert.equal((await agent.get('/escalations/referents')).status, 403);
    const admin = await srv.login('admin');
    const page = await admin.get('/escalations/referents');
    const res = await admin.post('/escalations/referents', { csrf: csrfToken(page.text), [`dep_${await srv.userId('caf')}`]: '35, xx' });
    assert.equal(res.status, 400);
    // Nothing changed: the CAF referent still sees Ille-et-Vilaine.
    const { esc } = await escalate();
    assert.equal(esc.status, 'envoyee');
    assert.equal((await call('caf', 'GET', `/api/v1/escalations/${esc.id}`)).status, 200);
  });
});
