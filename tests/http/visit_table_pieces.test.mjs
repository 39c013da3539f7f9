// visit_table_pieces.test.mjs: the rows of the journal's and the search's
// tables of visits are kept with the page of visits they show (web/fragment.c,
// visits_table in src/pages/page_journal.c) and copied at the next views; so
// are the search form's choices of operator, theme, outcome and channel
// (search_choices). Kept pieces must never show anything but what a new
// process would: after each write through the server (a visit recorded or
// corrected, an operator added or renamed, a procedure or a site renamed),
// they are compared with those of the same page served by the server
// started again on the same database, which has kept nothing; and each
// language keeps its own.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { findTags, setupServer, textOf } from './lib.mjs';
import { TODAY, recordVisit, visitFields } from './visit_form.mjs';

/** The rows of the page's table of visits, and the search form if there is one. */
function rows(html) {
  const form = /<form method="get" action="\/visits" class="filters search">[\s\S]*?<\/form>/.exec(html)?.[0] ?? '';
  /* A search that finds nothing has no table. */
  const none = form && /<p role="status">[^<]*: 0 /.test(html) ? '' : undefined;
  const body = /<table class="stack visits">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? none;
  assert.ok(body !== undefined, 'the page has a table of visits');
  return `${body}\n${form}`;
}

describe('the kept rows of the tables of visits', () => {
  let srv;
  let agent;
  let coordinator;
  let admin;
  let procedure;
  let first;

  /* The pages compared: an adviser's journal and search, a coordinator's
   * search (two sites: the site column). */
  const views = () => [
    [agent, `/journal?date=${TODAY}`],
    [agent, '/visits'],
    [agent, '/visits?operator=cnaf'],
    [coordinator, '/visits'],
    [agent, '/visits?operator=cnaf&theme=logement&outcome=resolu&channel=guichet_spontane'],
  ];

  async function rowsOf(client, p) {
    const res = await client.get(p);
    assert.equal(res.status, 200, `GET ${p} answered ${res.status}`);
    return rows(res.text);
  }

  /** Views every page twice (the second from the kept rows), then the same
   * pages from the server started again: the rows must be the same. */
  async function sameAsNewProcess(what) {
    const kept = [];
    for (const [client, p] of views()) {
      const once = await rowsOf(client, p);
      assert.equal(await rowsOf(client, p), once, `${what}: ${p}, second view`);
      kept.push(once);
    }
    await srv.stop();
    await srv.start();
    await logIn();
    const fresh = [];
    for (const [client, p] of views()) fresh.push(await rowsOf(client, p));
    views().forEach(([, p], i) => assert.equal(kept[i], fresh[i], `${what}: ${p}, kept and new process differ`));
    return kept;
  }

  /* (Again after a restart: the server listens on another port.) */
  async function logIn() {
    agent = await srv.login('agent');
    coordinator = await srv.login('coordinator');
    admin = await srv.login('admin');
  }

  before(async () => {
    srv = await setupServer();
    await logIn();
    const res = await admin.submit('/admin/procedures/new', '/admin/procedures', {
      label: 'Aide au logement',
      theme_code: 'logement',
      operator_code: 'cnaf',
      url: '',
      documents: '',
      active: '1',
    });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 500));
    const list = (await admin.get('/admin/procedures')).text;
    procedure = /href="\/admin\/procedures\/(\d+)\/edit"[^>]*>[^<]*Aide au logement/.exec(list)?.[1]
      ?? findTags(list, 'a').map((a) => /\/admin\/procedures\/(\d+)\/edit/.exec(a.href)?.[1]).filter(Boolean).pop();
    assert.ok(procedure, 'the new procedure has an id');
    first = await recordVisit(agent, srv.sites.rennes, { d1_procedure_id: procedure, d1_theme_code: 'logement' });
    await recordVisit(agent, srv.sites.rennes, { d1_operator_code: 'dgfip', d1_theme_code: 'argent_impots', time: '00:05' });
    await recordVisit(await srv.login('manager'), srv.sites.rennes, { channel: 'telephone', time: '00:10' });
  });
  after(async () => {
    await srv?.stop();
    await srv?.cleanup();
  });

  it('copies the rows at the next views, as a new process writes them', async () => {
    const [journal, search, , coord] = await sameAsNewProcess('first views');
    assert.match(journal, /Aide au logement/);
    assert.match(search, /Aide au logement/);
    assert.match(coord, /France services Rennes Centre/, 'the coordinator sees the site column');
  });

  it('shows a visit recorded at the next view', async () => {
    await sameAsNewProcess('before');
    await recordVisit(agent, srv.sites.rennes, { d1_operator_code: 'ants', d1_theme_code: 'papiers_citoyennete', time: '00:15' });
    const [journal, search] = await sameAsNewProcess('recorded');
    assert.match(journal, /ANTS/);
    assert.match(search, /ANTS/);
  });

  it('shows a correction at the next view', async () => {
    await sameAsNewProcess('before');
    const form = await agent.get(`/visits/${first}/edit`);
    assert.equal(form.status, 200);
    const demandId = findTags(form.text, 'input').find((a) => a.name === 'd1_id')?.value;
    const res = await agent.submit(`/visits/${first}/edit`, `/visits/${first}/edit`, {
      ...visitFields(srv.sites.rennes, { channel: 'visio', d1_procedure_id: procedure, d1_theme_code: 'logement', d1_outcome: 'oriente', d1_referral_type: 'administration' }),
      d1_id: demandId,
    });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 1000));
    const [journal] = await sameAsNewProcess('corrected');
    assert.match(textOf(journal), /Visio/i);
  });

  it("shows an operator's and a procedure's new names at the next view", async () => {
    await sameAsNewProcess('before');
    let res = await admin.submit('/admin/operators/cnaf/edit', '/admin/operators/cnaf/edit', {
      name: 'Caisse d\'allocations familiales', national: '1', deadline_days: '10', sort: '10', active: '1',
    });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 1000));
    let [journal, search, cnaf] = await sameAsNewProcess('operator renamed');
    assert.match(journal, /Caisse d&#39;allocations familiales/);
    assert.match(cnaf, /Caisse d&#39;allocations familiales/);
    assert.match(search, /<option value="cnaf">Caisse d&#39;allocations familiales</, 'the choice of operator');
    assert.match(cnaf, /<option value="cnaf" selected>Caisse d&#39;allocations familiales</, 'the operator chosen');

    res = await admin.submit(`/admin/procedures/${procedure}/edit`, `/admin/procedures/${procedure}/edit`, {
      label: 'Aide personnalisée au logement', theme_code: 'logement', operator_code: 'cnaf', url: '', documents: '', active: '1',
    });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 1000));
    [journal] = await sameAsNewProcess('procedure renamed');
    assert.match(journal, /Aide personnalisée au logement/);
  });

  it('offers an operator added at the next view', async () => {
    await sameAsNewProcess('before');
    const res = await admin.submit('/admin/operators/new', '/admin/operators', {
      code: 'mutuelle_bretagne', name: 'Mutuelle de Bretagne', deadline_days: '5', sort: '50', active: '1',
    });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 1000));
    const [, search] = await sameAsNewProcess('operator added');
    assert.match(search, /<option value="mutuelle_bretagne">Mutuelle de Bretagne</);
  });

  it("shows a site's new name at the next view", async () => {
    await sameAsNewProcess('before');
    const res = await admin.submit(`/sites/${srv.sites.rennes}/edit`, `/sites/${srv.sites.rennes}/edit`, [
      ['name', 'France services Rennes Gare'], ['type', 'france_services'], ['commune_insee', '35238'], ['languages', 'fr'],
    ]);
    assert.equal(res.status, 303, textOf(res.text).slice(0, 1000));
    const [, , , coord] = await sameAsNewProcess('site renamed');
    assert.match(coord, /France services Rennes Gare/);
  });

  it('keeps each language its own rows', async () => {
    const fr = await rowsOf(agent, '/visits');
    assert.equal((await agent.get('/lang/en?next=%2Fvisits')).status, 303);
    const en = await rowsOf(agent, '/visits');
    assert.notEqual(en, fr);
    assert.match(en, /<label for="outcome">Outcome</, 'the choices in English');
    assert.match(en, /lang="fr"/, 'catalog names in French are marked in an English page');
    assert.equal(await rowsOf(agent, '/visits'), en);
    assert.equal((await agent.get('/lang/fr?next=%2Fvisits')).status, 303);
    assert.equal(await rowsOf(agent, '/visits'), fr);
    /* The English rows were written from the page the French view had
     * kept: as a new process writes them. */
    await srv.stop();
    await srv.start();
    await logIn();
    assert.equal((await agent.get('/lang/en?next=%2Fvisits')).status, 303);
    assert.equal(await rowsOf(agent, '/visits'), en);
  });
});
