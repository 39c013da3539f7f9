// callbacks.test.mjs: a site's callbacks (docs/callbacks.md), the 1718
// contact-centre model, over the pages.
//
// - an adviser puts a person on the list; bad input answers 400 and adds
//   nothing; the list is sorted by preferred time, an overdue one is said in
//   words;
// - advisers and managers of the site and administrators see it; an
//   adviser of another site, a coordinator and an operator get the 404 of a
//   missing page, for every address and every move;
// - eight advisers taking the same callback at once: exactly one succeeds;
// - the one who took it records calls; after three, or a wrong number, it
//   can be closed as unreachable; a move on a closed callback changes
//   nothing;
// - closing as done opens the recording form with the channel "rappel" and
//   the person's language, and the visit saved is linked to the callback;
// - the measure "done within a day" of the month is on the list page;
// - every change is in the audit journal; the retention purge wipes the
//   name, number and reason of a callback closed long ago.
// Runs on SQLite and, through scripts/check-pg, on PostgreSQL.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';

import path from 'node:path';

import { DEFAULT_USERS, ON_PG, csrfToken, freshDb, makeTempDir, removeTempDir, run, runOk, setupServer, stopServer, textOf } from './lib.mjs';

const ADVISERS = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];
const USERS = {
  ...DEFAULT_USERS,
  caf: { email: 'caf.35@example.org', name: 'Camille Référente CAF', role: 'operator', operator: 'cnaf' },
  ...Object.fromEntries(ADVISERS.map((k, i) => [k, { email: `${k}@example.org`, name: `Conseiller ${i + 1}`, role: 'agent', sites: ['rennes'] }])),
};

/** One SQL statement on the server's store (SQLite file or PostgreSQL); its output. */
async function sql(srv, statement) {
  const [cmd, args] = ON_PG
    ? ['psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', srv.db, '-c', statement]]
    : ['sqlite3', [srv.db, statement]];
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

/** The local date of t (the server runs in the test's time zone). */
function localDay(t = new Date()) {
  const p = (n) => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())}`;
}
const tomorrow = () => localDay(new Date(Date.now() + 86400e3));

describe('callbacks', () => {
  let srv;
  const clients = {};
  let site;
  let brest;

  before(async () => {
    srv = await setupServer({ users: USERS });
    site = srv.sites.rennes;
    brest = srv.sites.brest;
    for (const k of ['admin', 'manager', 'agent', 'agentBrest', 'coordinator', 'caf', ...ADVISERS]) clients[k] = await srv.login(k);
  });
  after(() => stopServer(srv));

  const list = (k = 'agent') => clients[k].get(`/sites/${site}/callbacks`);

  /** Adds a callback through the form; returns its id. */
  async function create(fields = {}, who = 'agent') {
    const res = await clients[who].submit(`/sites/${site}/callbacks/new`, `/sites/${site}/callbacks`, {
      origin: 'telephone', name: 'Mme Haddad', phone: '06 12 34 56 78', lang: 'ar', day: tomorrow(), part: 'matin',
      from: '', to: '', reason: 'Dossier de prime d\'activité', operator_code: 'cnaf', ...fields,
    });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 3000));
    assert.equal(res.location, `/sites/${site}/callbacks?done=created`);
    return Number(await sql(srv, 'SELECT MAX(id) FROM callbacks'));
  }

  /** Posts a move on a callback's page. */
  async function move(who, id, op, extra = {}) {
    const { csrf } = await clients[who].form(`/sites/${site}/callbacks`);
    return await clients[who].post(`/callbacks/${id}`, { csrf, op, ...extra });
  }

  const status = async (id) => await sql(srv, `SELECT status || ' ' || taken_by || ' ' || attempts FROM callbacks WHERE id = ${id}`);

  it('puts a person on the list, sorted by preferred time, and journals it', async () => {
    const later = await create({ name: 'Paul', part: 'apres_midi', lang: 'fr' });
    const sooner = await create({ name: 'Mme Haddad', part: 'plage', from: '08:15', to: '09:00' });
    const res = await list();
    assert.equal(res.status, 200);
    const text = textOf(res.text);
    assert.ok(text.indexOf('Mme Haddad') < text.indexOf('Paul'), 'the earlier slot comes first');
    assert.match(res.text, /href="tel:0612345678"/);
    assert.match(text, /08:15 – 09:00/);
    assert.match(res.text, new RegExp(`href="/callbacks/${sooner}"`));
    assert.equal(await sql(srv, `SELECT COUNT(*) FROM audit WHERE object = 'callback' AND action = 'create' AND object_id IN (${later}, ${sooner})`), '2');
    const page = await clients.manager.get(`/callbacks/${sooner}`);
    assert.equal(page.status, 200);
    assert.match(textOf(page.text), /Dossier de prime d'activité/);
    assert.match(textOf(page.text), /Caisse|CAF|cnaf/i);
  });

  it('refuses bad input with the form and its errors, adding nothing', async () => {
    const before = await sql(srv, 'SELECT COUNT(*) FROM callbacks');
    const cases = [
      { name: '' }, { phone: 'zéro six' }, { phone: '12' }, { reason: '' }, { reason: 'x'.repeat(400) }, { day: '2020-01-01' },
      { day: 'demain' }, { part: 'nuit' }, { part: 'plage', from: '10:00', to: '09:00' }, { lang: 'klingon' },
      { origin: 'pigeon' }, { operator_code: 'nope' }, { name: 'a\u0001b' },
    ];
    for (const c of cases) {
      const res = await clients.agent.submit(`/sites/${site}/callbacks/new`, `/sites/${site}/callbacks`, {
        origin: 'telephone', name: 'X', phone: '0612345678', lang: 'fr', day: tomorrow(), part: 'matin', from: '', to: '',
        reason: 'r', operator_code: '', ...c,
      });
      assert.equal(res.status, 400, `${JSON.stringify(c)} answered ${res.status}`);
      assert.match(res.text, /class="error-summary"/, JSON.stringify(c));
    }
    assert.equal(await sql(srv, 'SELECT COUNT(*) FROM callbacks'), before);
  });

  it('answers 404 to those who may not see a site\'s callbacks, and changes nothing', async () => {
    const id = await create({ name: 'Secret' });
    for (const k of ['agentBrest', 'coordinator', 'caf']) {
      for (const p of [`/sites/${site}/callbacks`, `/sites/${site}/callbacks/new`, `/callbacks/${id}`]) {
        const res = await clients[k].get(p);
        assert.equal(res.status, 404, `${k} GET ${p}: ${res.status}`);
        assert.doesNotMatch(res.text, /Secret/);
      }
      const csrf = csrfToken((await clients[k].get('/')).text);
      const res = await clients[k].post(`/callbacks/${id}`, { csrf, op: 'prendre' });
      assert.equal(res.status, 404, `${k} POST: ${res.status}`);
      const add = await clients[k].post(`/sites/${site}/callbacks`, { csrf, name: 'X' });
      assert.equal(add.status, 404);
    }
    assert.equal((await clients.agentBrest.get(`/sites/${brest}/callbacks`)).status, 200);
    assert.equal((await clients.admin.get(`/sites/${site}/callbacks`)).status, 200);
    assert.equal((await clients.admin.get(`/callbacks/${id}`)).status, 200);
    assert.equal((await clients.agent.get('/callbacks/999999')).status, 404);
    assert.equal((await clients.agent.get('/callbacks/abc')).status, 404);
    const anon = await srv.client().get(`/sites/${site}/callbacks`);
    assert.equal(anon.status, 303);
    assert.equal(await status(id), 'a_rappeler 0 0');
  });

  it('lets exactly one of eight advisers take a callback at the same instant', async () => {
    const id = await create({ name: 'Concurrence' });
    const takers = ['agent', 'manager', ...ADVISERS];
    const forms = await Promise.all(takers.map(async (k) => [k, (await clients[k].form(`/callbacks/${id}`)).csrf]));
    const answers = await Promise.all(forms.map(([k, csrf]) => clients[k].post(`/callbacks/${id}`, { csrf, op: 'prendre' })));
    const won = answers.filter((r) => r.status === 303 && /done=prendre/.test(r.location));
    const lost = answers.filter((r) => r.status === 303 && /done=conflict/.test(r.location));
    assert.equal(won.length, 1, answers.map((r) => `${r.status} ${r.location}`).join('\n'));
    assert.equal(lost.length, takers.length - 1);
    const winner = takers[answers.indexOf(won[0])];
    const [st, takenBy] = (await status(id)).split(' ');
    assert.equal(st, 'pris');
    assert.equal(Number(takenBy), await srv.userId(winner));
    assert.equal(await sql(srv, `SELECT COUNT(*) FROM audit WHERE object = 'callback' AND object_id = ${id} AND detail = 'prendre'`), '1');
  });

  it('records calls by the one who took it, then closes it as unreachable; a closed one moves no more', async () => {
    const id = await create({ name: 'Injoignable' });
    assert.equal((await move('a1', id, 'prendre')).status, 303);
    /* Another adviser may neither call nor close it. */
    let res = await move('a2', id, 'tentative', { result: 'pas_de_reponse' });
    assert.match(res.location, /done=conflict/);
    res = await move('a1', id, 'injoignable');
    assert.match(res.location, /done=conflict/, 'unreachable before three calls');
    res = await move('a1', id, 'tentative', { result: 'bogus' });
    assert.equal(res.status, 400);
    for (const result of ['pas_de_reponse', 'messagerie', 'pas_de_reponse']) {
      res = await move('a1', id, 'tentative', { result });
      assert.equal(res.status, 303);
      assert.match(res.location, /done=tentative/);
    }
    assert.equal(await sql(srv, `SELECT COUNT(*) FROM callback_attempts WHERE callback_id = ${id}`), '3');
    const page = await clients.a1.get(`/callbacks/${id}`);
    assert.match(textOf(page.text), /Messagerie/);
    res = await move('a1', id, 'injoignable');
    assert.match(res.location, /done=injoignable/);
    assert.match(await status(id), /^injoignable /);
    const closedAt = await sql(srv, `SELECT closed_at FROM callbacks WHERE id = ${id}`);
    for (const [k, op] of [['a1', 'injoignable'], ['a1', 'annuler'], ['manager', 'liberer'], ['admin', 'prendre'], ['a1', 'fait']]) {
      res = await move(k, id, op);
      assert.match(res.location, /done=conflict/, `${k} ${op}`);
    }
    assert.equal(await sql(srv, `SELECT closed_at FROM callbacks WHERE id = ${id}`), closedAt);
    res = await move('a1', id, 'voler');
    assert.equal(res.status, 400);
  });

  it('closes at once as unreachable after a wrong number; a manager puts one back or cancels it', async () => {
    const id = await create({ name: 'Mauvais numéro' });
    await move('a2', id, 'prendre');
    await move('a2', id, 'tentative', { result: 'mauvais_numero' });
    assert.match((await move('a2', id, 'injoignable')).location, /done=injoignable/);
    const other = await create({ name: 'Remis' });
    await move('a3', other, 'prendre');
    assert.match((await move('manager', other, 'liberer')).location, /done=liberer/);
    assert.equal(await status(other), 'a_rappeler 0 0');
    await move('a3', other, 'prendre');
    assert.match((await move('manager', other, 'annuler')).location, /done=annuler/);
    assert.match(await status(other), /^annule /);
  });

  it('turns a callback done into a visit with the channel "rappel", linked to it', async () => {
    const id = await create({ name: 'Visite', lang: 'ar' });
    await move('agent', id, 'prendre');
    const res = await move('agent', id, 'fait');
    assert.equal(res.status, 303);
    assert.equal(res.location, `/visits/new?callback=${id}&site=${site}`);
    const form = await clients.agent.get(res.location);
    assert.equal(form.status, 200);
    assert.match(form.text, new RegExp(`name="callback" value="${id}"`));
    assert.match(form.text, /<input[^>]*value="rappel"[^>]*checked|<option[^>]*value="rappel"[^>]*selected/);
    assert.match(form.text, /name="allophone"[^>]*checked|checked[^>]*name="allophone"/);
    const saved = await clients.agent.post('/visits', {
      csrf: csrfToken(form.text), callback: String(id), site_id: String(site), date: '2026-01-05', time: '10:00',
      channel: 'rappel', duration_min: '15', age_bracket: 'non_communique', gender: 'non_communique',
      social_status: 'non_communique', commune_insee: '', ndemands: '1', d1_operator_code: 'cnaf',
      d1_theme_code: 'social_sante', d1_procedure_id: '', d1_level: 'fait_avec', d1_outcome: 'resolu', d1_interpreting: 'aucun',
    });
    assert.equal(saved.status, 303, saved.text.slice(0, 2000));
    const visitId = Number(/saved=(\d+)/.exec(saved.location)[1]);
    assert.equal(await sql(srv, `SELECT visit_id FROM callbacks WHERE id = ${id}`), String(visitId));
    assert.equal(await sql(srv, `SELECT channel FROM visits WHERE id = ${visitId}`), 'rappel');
    const page = await clients.agent.get(`/callbacks/${id}`);
    assert.match(page.text, new RegExp(`href="/visits/${visitId}"`));
    /* The form opened again names the callback no more: it has its visit. */
    const again = await clients.agent.get(`/visits/new?callback=${id}`);
    assert.doesNotMatch(again.text, /name="callback"/);
    /* Closing twice changes nothing. */
    assert.match((await move('agent', id, 'fait')).location, /done=conflict/);
    assert.equal(await sql(srv, `SELECT COUNT(*) FROM audit WHERE object = 'callback' AND object_id = ${id} AND detail = 'visite'`), '1');
  });

  it('marks an overdue callback in words and shows the measure of the month', async () => {
    const id = await create({ name: 'En retard' });
    await sql(srv, `UPDATE callbacks SET starts_at = starts_at - 3 * 86400, ends_at = ${Math.floor(Date.now() / 1000) - 60} WHERE id = ${id}`);
    const res = await list();
    assert.match(res.text, /<tr class="overdue">/);
    assert.match(res.text, /<strong class="overdue">En retard<\/strong>/);
    assert.match(textOf(res.text), /Rappels faits en moins de 24 heures, ce mois-ci/);
    assert.match(textOf(res.text), /\d+ %|Pas encore mesurable/);
  });

  it('wipes the personal data of callbacks closed before the retention period', async () => {
    const id = await create({ name: 'Ancien', phone: '0699999999' });
    await move('agent', id, 'annuler');
    const old = Math.floor(Date.now() / 1000) - 40 * 86400;
    await sql(srv, `UPDATE callbacks SET closed_at = ${old} WHERE id = ${id}`);
    const dry = await run(['purge', '--db', srv.db, '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^callbacks\t[1-9]\d*\t/m);
    assert.equal(await sql(srv, `SELECT name FROM callbacks WHERE id = ${id}`), 'Ancien');
    const done = await run(['purge', '--db', srv.db], { env: { GUICHET_RETENTION_CALLBACKS: '30' } });
    assert.equal(done.code, 0, done.stderr);
    assert.equal(await sql(srv, `SELECT name || '|' || phone || '|' || reason || '|' || status FROM callbacks WHERE id = ${id}`), '|||annule');
    assert.notEqual(await sql(srv, `SELECT wiped_at FROM callbacks WHERE id = ${id}`), '0');
    const page = await clients.agent.get(`/callbacks/${id}`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /0699999999/);
    const bad = await run(['purge', '--db', srv.db, '--dry-run'], { env: { GUICHET_RETENTION_CALLBACKS: '0' } });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /retention-callbacks|GUICHET_RETENTION_CALLBACKS/);
  });

  it('lists and adds callbacks over the JSON API, with the same rules', async () => {
    const tokens = {};
    for (const k of ['agent', 'agentBrest', 'coordinator']) tokens[k] = await srv.token(k);
    const call = (k, method, p, body, type = 'application/json') => srv.client().request(method, p, {
      headers: { authorization: `Bearer ${tokens[k]}`, ...(body !== undefined ? { 'content-type': type } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const path = `/api/v1/sites/${site}/callbacks`;
    const before = await sql(srv, 'SELECT COUNT(*) FROM callbacks');
    const good = { name: 'Api', phone: '+33 6 11 22 33 44', reason: 'Retraite', lang: 'uk', day: tomorrow(), part: 'journee' };
    const bad = [
      [{ ...good, phone: 'x' }, 400, 'phone'], [{ ...good, name: 7 }, 400, 'name'], [{ ...good, lang: 'xx' }, 400, 'lang'],
      [{ ...good, part: 'plage', from: '10:00' }, 400, 'to'], [{ ...good, operator_code: 'nope' }, 400, 'operator_code'],
    ];
    for (const [body, code, field] of bad) {
      const res = await call('agent', 'POST', path, body);
      assert.equal(res.status, code, JSON.stringify(body));
      assert.equal(res.json().error.field, field);
    }
    assert.equal((await call('agent', 'POST', path, '{"name":', 'application/json')).status, 400);
    assert.equal((await call('agent', 'POST', path, '[1]', 'application/json')).status, 400);
    assert.equal((await call('agent', 'POST', path, 'name=x', 'application/x-www-form-urlencoded')).status, 415);
    assert.equal((await call('agentBrest', 'POST', path, good)).status, 404);
    assert.equal((await call('coordinator', 'GET', path)).status, 404);
    assert.equal((await srv.client().get(path)).status, 401);
    assert.equal(await sql(srv, 'SELECT COUNT(*) FROM callbacks'), before);
    const res = await call('agent', 'POST', path, good);
    assert.equal(res.status, 201, res.text);
    const c = res.json();
    assert.equal(c.status, 'a_rappeler');
    assert.equal(c.phone, '+33611223344');
    assert.equal(res.headers.location, `/callbacks/${c.id}`);
    const listed = await call('agent', 'GET', path);
    assert.equal(listed.status, 200);
    const body = listed.json();
    assert.ok(body.callbacks.some((x) => x.id === c.id && x.lang === 'uk'));
    assert.ok('percent' in body.done_within_a_day);
    assert.equal(await sql(srv, `SELECT COUNT(*) FROM audit WHERE object = 'callback' AND object_id = ${c.id} AND detail = 'api'`), '1');
  });

  it('links the queue page to the site\'s callbacks', async () => {
    const res = await clients.agent.get(`/sites/${site}/queue`);
    assert.equal(res.status, 200);
    assert.match(res.text, new RegExp(`href="/sites/${site}/callbacks"`));
  });
});

/* migrate-data copies a site's callbacks and their calls into a central
 * PostgreSQL store, once (it needs PostgreSQL: scripts/check-pg). */
describe('callbacks moved by migrate-data', { skip: !ON_PG }, () => {
  it('copies the callbacks and their calls, with their references mapped, once', async () => {
    const dir = await makeTempDir();
    try {
      const src = path.join(dir, 'site.db');
      await runOk(['init', '--db', src]);
      await runOk(['site', 'add', '--db', src, '--name', 'Guichet du bourg', '--type', 'mairie', '--commune', '35238']);
      const now = Math.floor(Date.now() / 1000);
      const insert = (status, closed) => `INSERT INTO callbacks (site_id, status, name, phone, lang, slot_day, slot_part, slot_from, slot_to, starts_at, ends_at, reason, created_at, closed_at, updated_at) VALUES (1, '${status}', 'Mme A', '0612345678', 'ar', '2026-01-05', 'matin', 540, 750, ${now}, ${now + 3600}, 'CAF', ${now}, ${closed}, ${now})`;
      await new Promise((resolve, reject) => {
        const child = spawn('sqlite3', [src, `${insert('a_rappeler', 0)}; ${insert('annule', now)}; INSERT INTO callback_attempts (callback_id, at, result) VALUES (2, ${now}, 'messagerie');`]);
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`sqlite3 exited ${code}`))));
      });
      const target = await freshDb(dir, 'target.db');
      await runOk(['init', '--db', target]);
      const first = await run(['migrate-data', '--from', src, '--to', target]);
      assert.equal(first.code, 0, first.stderr);
      const q = (statement) => sql({ db: target }, statement);
      assert.equal(await q('SELECT COUNT(*) FROM callbacks'), '2');
      assert.equal(await q("SELECT COUNT(*) FROM callback_attempts a JOIN callbacks c ON c.id = a.callback_id WHERE c.status = 'annule'"), '1');
      assert.equal(await q("SELECT COUNT(*) FROM callbacks c JOIN sites s ON s.id = c.site_id WHERE s.name = 'Guichet du bourg'"), '2');
      const again = await run(['migrate-data', '--from', src, '--to', target]);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(await q('SELECT COUNT(*) FROM callbacks'), '2');
    } finally {
      await removeTempDir(dir);
    }
  });
});
