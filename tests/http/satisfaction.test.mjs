// satisfaction.test.mjs: the advisers' satisfaction pages: who sees which
// site, the entry of a paper answer and its counts, every kind of bad input
// (a 400 with the error linked to its field and nothing stored), CSRF, the
// public addresses and their key, the journaling of the comments' reading,
// and the deletion rules (paper answers within the correction window;
// public answers by managers and administrators only).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

import { DEFAULT_USERS, ON_PG, csrfToken, findTags, serverForSuite, textOf } from './lib.mjs';

const execFileP = promisify(execFile);

/* The server runs in UTC (lib.mjs). */
const TODAY = new Date().toISOString().slice(0, 10);
const TOMORROW = new Date(Date.now() + 86400e3).toISOString().slice(0, 10);

const USERS = {
  ...DEFAULT_USERS,
  agentMalo: { email: 'agent.malo@example.org', name: 'Maël Conseiller', role: 'agent', sites: ['malo'] },
  managerMalo: { email: 'manager.malo@example.org', name: 'Morgane Responsable', role: 'manager', sites: ['malo'] },
};

/** Ids of the links of the error summary. */
function summaryTargets(html) {
  const m = /<div class="error-summary"[\s\S]*?<\/div>/.exec(html);
  if (!m) return [];
  return findTags(m[0], 'a').map((a) => a.href.replace(/^#/, ''));
}

/** The counts of the overall table: { 'Très bien': n, Moyen: n, 'Pas bien': n }. */
function overallCounts(html) {
  const t = textOf(html);
  const out = {};
  for (const label of ['Très bien', 'Moyen', 'Pas bien']) {
    const m = new RegExp(`${label}\\s+(\\d+)\\s+\\d+ %`).exec(t);
    out[label] = m ? Number(m[1]) : 0;
  }
  return out;
}

async function postPaper(client, fields, { withCsrf = true } = {}) {
  const { csrf } = await client.form('/satisfaction/new');
  return await client.post('/satisfaction', withCsrf ? { ...fields, csrf } : fields);
}

describe('satisfaction: the advisers pages', () => {
  let srv;
  serverForSuite((s) => (srv = s), { users: USERS });

  it('asks to log in, and shows each user the sites they may see', async () => {
    const anon = srv.client();
    const res = await anon.get('/satisfaction');
    assert.equal(res.status, 303);
    assert.match(res.location, /^\/login/);
    assert.equal((await anon.get('/satisfaction/new')).status, 303);

    const agent = await srv.login('agent');
    const page = await agent.get('/satisfaction');
    assert.equal(page.status, 200);
    assert.match(textOf(page.text), /France services Rennes Centre/);
    assert.equal((await agent.get(`/satisfaction?site=${srv.sites.brest}`)).status, 404);
    assert.equal((await agent.get(`/satisfaction/new?site=${srv.sites.brest}`)).status, 404);
    assert.equal((await agent.get('/satisfaction/new?site=abc')).status, 404);
    assert.equal((await agent.get('/satisfaction?site=abc')).status, 404);

    // A coordinator reads the sites of the département but records nowhere.
    const coord = await srv.login('coordinator');
    const c = await coord.get(`/satisfaction?site=${srv.sites.malo}`);
    assert.equal(c.status, 200);
    assert.ok(findTags(c.text, 'select').some((s) => s.name === 'site'), 'no choice of site for several sites');
    assert.doesNotMatch(c.text, /\/avis\//, 'a coordinator is shown the public addresses');
    assert.equal((await coord.get(`/satisfaction?site=${srv.sites.brest}`)).status, 404);
    assert.equal((await coord.get('/satisfaction/new')).status, 403);
  });

  it('records a paper answer and counts it', async () => {
    const agent = await srv.login('agent');
    const before = overallCounts((await agent.get('/satisfaction')).text);
    const res = await postPaper(agent, { site_id: String(srv.sites.rennes), date: TODAY, overall: '2', clarity: '4', comment: '  Accueil aimable  ' });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 800));
    assert.equal(res.location, `/satisfaction/new?site=${srv.sites.rennes}&saved=1`);
    const next = await agent.follow(res);
    assert.match(textOf(next.text), /Réponse enregistrée/);
    const page = await agent.get('/satisfaction');
    const after = overallCounts(page.text);
    assert.equal(after.Moyen, before.Moyen + 1);
    assert.match(textOf(page.text), /Accueil aimable/);
    assert.match(textOf(page.text), /4 — Clair/);
  });

  it('refuses bad input with the error linked to its field, and stores nothing', async () => {
    const agent = await srv.login('agent');
    const before = overallCounts((await agent.get('/satisfaction')).text);
    const good = { site_id: String(srv.sites.rennes), date: TODAY, overall: '3', clarity: '0', comment: '' };
    const cases = [
      [{ overall: '' }, 'overall'],
      [{ overall: '7' }, 'overall'],
      [{ clarity: '9' }, 'clarity'],
      [{ comment: 'x'.repeat(1001) }, 'comment'],
      [{ date: TOMORROW }, 'date'],
      [{ date: '2024-13-45' }, 'date'],
      [{ date: 'hier' }, 'date'],
    ];
    for (const [over, field] of cases) {
      const res = await postPaper(agent, { ...good, ...over });
      assert.equal(res.status, 400, `${JSON.stringify(over)} answered ${res.status}`);
      assert.ok(summaryTargets(res.text).includes(field), `${JSON.stringify(over)}: no summary link to #${field}`);
      assert.match(res.text, new RegExp(`\\bid="${field}"`), `${JSON.stringify(over)}: no element #${field}`);
      assert.match(res.text, new RegExp(`id="${field}-error"`));
    }
    // Several errors are listed in the order of the fields.
    const many = await postPaper(agent, { ...good, date: TOMORROW, overall: '', comment: 'x'.repeat(1001) });
    assert.equal(many.status, 400);
    assert.deepEqual(summaryTargets(many.text), ['date', 'overall', 'comment']);
    // Values are kept.
    const res = await postPaper(agent, { ...good, clarity: '9', comment: 'Gardé tel quel' });
    assert.match(res.text, /Gardé tel quel/);
    assert.ok(findTags(res.text, 'input').some((i) => i.name === 'overall' && i.value === '3' && 'checked' in i));
    assert.deepEqual(overallCounts((await agent.get('/satisfaction')).text), before, 'a refused answer was stored');
  });

  it('refuses a post without its CSRF token, and another site', async () => {
    const agent = await srv.login('agent');
    const before = overallCounts((await agent.get('/satisfaction')).text);
    const res = await postPaper(agent, { site_id: String(srv.sites.rennes), date: TODAY, overall: '1' }, { withCsrf: false });
    assert.equal(res.status, 403);
    const other = await postPaper(agent, { site_id: String(srv.sites.brest), date: TODAY, overall: '1' });
    assert.equal(other.status, 400);
    assert.ok(summaryTargets(other.text).includes('site_id'));
    assert.deepEqual(overallCounts((await agent.get('/satisfaction')).text), before);
  });

  it('shows the public addresses with the site key', async () => {
    const agent = await srv.login('agent');
    const page = await agent.get('/satisfaction');
    const id = srv.sites.rennes;
    const links = findTags(page.text, 'a').map((a) => a.href);
    const borne = links.find((h) => new RegExp(`/avis/${id}\\?k=[0-9a-f]{32}&via=borne$`).test(h));
    const qr = links.find((h) => new RegExp(`/avis/${id}\\?k=[0-9a-f]{32}&via=qr$`).test(h));
    assert.ok(borne && qr, `no public links in ${links.join(' ')}`);
    assert.match(borne, /^http:\/\/127\.0\.0\.1:\d+\/avis\//);
    assert.equal(new URL(borne).searchParams.get('k'), new URL(qr).searchParams.get('k'));
    assert.ok(links.includes(`/satisfaction/new?site=${id}`));
    // Another site has another key.
    const malo = await (await srv.login('agentMalo')).get('/satisfaction');
    const k2 = findTags(malo.text, 'a').map((a) => a.href).find((h) => /via=borne$/.test(h));
    assert.notEqual(new URL(k2).searchParams.get('k'), new URL(borne).searchParams.get('k'));
  });

  it('journals the reading of comments', async () => {
    const agentMalo = await srv.login('agentMalo');
    const res = await postPaper(agentMalo, { site_id: String(srv.sites.malo), date: TODAY, overall: '3', comment: 'Très bien reçu' });
    assert.equal(res.status, 303);
    const page = await agentMalo.get('/satisfaction');
    assert.match(textOf(page.text), /Très bien reçu/);
    const audit = textOf((await (await srv.login('admin')).get('/audit')).text);
    assert.match(audit, new RegExp(`consultation satisfaction_comments ${srv.sites.malo}\\b`));
    assert.match(audit, /création satisfaction \d+/);
    assert.doesNotMatch(audit, /Très bien reçu/, 'the journal holds the comment');
  });

  it('deletes a paper answer within the window only, and the counts follow', async () => {
    const malo = srv.sites.malo;
    const agentMalo = await srv.login('agentMalo');
    const managerMalo = await srv.login('managerMalo');
    const res = await postPaper(agentMalo, { site_id: String(malo), date: TODAY, overall: '1' });
    assert.equal(res.status, 303);
    let page = await agentMalo.get('/satisfaction');
    const before = overallCounts(page.text);
    const del = findTags(page.text, 'a').map((a) => a.href).find((h) => /^\/satisfaction\/\d+\/delete$/.test(h));
    assert.ok(del, 'no delete link for a paper answer');
    const id = /\d+/.exec(del)[0];

    // Not visible to an agent of another site: 404 as for a missing one.
    const brest = await srv.login('agentBrest');
    assert.equal((await brest.get(del)).status, 404);
    assert.equal((await brest.get('/satisfaction/999999/delete')).status, 404);
    // Visible to the coordinator, who records nowhere.
    assert.equal((await (await srv.login('coordinator')).get(del)).status, 403);

    // Outside the window (0 days), refused.
    let r = await managerMalo.submit(`/sites/${malo}/settings`, `/sites/${malo}/settings`, { correction_days: '0' });
    assert.equal(r.status, 303);
    assert.equal((await agentMalo.get(del)).status, 403);
    const { csrf } = await agentMalo.form('/satisfaction/new');
    assert.equal((await agentMalo.post(del, { csrf })).status, 403);
    assert.deepEqual(overallCounts((await agentMalo.get('/satisfaction')).text), before);
    r = await managerMalo.submit(`/sites/${malo}/settings`, `/sites/${malo}/settings`, { correction_days: '7' });
    assert.equal(r.status, 303);

    // Within the window: confirmed, then deleted, journaled, and uncounted.
    const confirm = await agentMalo.get(del);
    assert.equal(confirm.status, 200);
    assert.ok(findTags(confirm.text, 'form').some((f) => f.action === del));
    const done = await agentMalo.post(del, { csrf: csrfToken(confirm.text) });
    assert.equal(done.status, 303);
    assert.match(textOf((await agentMalo.follow(done)).text), /Réponse supprimée/);
    page = await agentMalo.get('/satisfaction');
    assert.equal(overallCounts(page.text)['Pas bien'], before['Pas bien'] - 1);
    assert.equal((await agentMalo.get(del)).status, 404);
    const audit = textOf((await (await srv.login('admin')).get('/audit')).text);
    assert.match(audit, new RegExp(`suppression satisfaction ${id}\\b`));
  });

  it('lets only managers and administrators delete a public answer', { skip: ON_PG && 'inserts with sqlite3' }, async () => {
    const malo = srv.sites.malo;
    const now = Math.floor(Date.now() / 1000);
    await execFileP('sqlite3', [
      srv.db,
      `INSERT INTO satisfaction (site_id, answered_at, overall, clarity, comment, source, created_at, updated_at) VALUES (${malo}, ${now - 60}, 1, 0, '', 'borne', ${now}, ${now})`,
    ]);
    const { stdout } = await execFileP('sqlite3', [srv.db, `SELECT max(id) FROM satisfaction WHERE source = 'borne'`]);
    const del = `/satisfaction/${stdout.trim()}/delete`;
    const agentMalo = await srv.login('agentMalo');
    const page = await agentMalo.get('/satisfaction');
    assert.match(textOf(page.text), /Borne/);
    assert.ok(!findTags(page.text, 'a').some((a) => a.href === del), 'an agent is offered to delete a public answer');
    assert.equal((await agentMalo.get(del)).status, 403);
    const managerMalo = await srv.login('managerMalo');
    const mp = await managerMalo.get('/satisfaction');
    assert.ok(findTags(mp.text, 'a').some((a) => a.href === del), 'the manager is not offered to delete it');
    const confirm = await managerMalo.get(del);
    assert.equal(confirm.status, 200);
    assert.equal((await managerMalo.post(del, { csrf: csrfToken(confirm.text) })).status, 303);
    assert.equal((await managerMalo.get(del)).status, 404);
  });
});
