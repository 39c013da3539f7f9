// catalog.test.mjs: the administrators' pages of the reference data:
// partner operators and the catalog of procedures (list, add, edit,
// deactivate), the labels of the themes and the digital-skills topics of
// workshops, who may open them, what is refused, and what is journaled.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { findTags, setupServer, textOf } from './lib.mjs';

function summaryTargets(html) {
  const m = /<div class="error-summary"[\s\S]*?<\/div>/.exec(html);
  return m ? findTags(m[0], 'a').map((a) => a.href.replace(/^#/, '')) : [];
}

describe('the catalog of operators and procedures', () => {
  let srv;
  let admin;

  before(async () => {
    srv = await setupServer();
    admin = await srv.login('admin');
  });
  after(async () => {
    await srv?.stop();
    await srv?.cleanup();
  });

  it('only administrators open the catalog pages', async () => {
    const pages = ['/admin/operators', '/admin/operators/new', '/admin/operators/cnaf/edit', '/admin/procedures', '/admin/procedures/new', '/admin/procedures/1/edit'];
    for (const key of ['agent', 'manager', 'coordinator']) {
      const c = await srv.login(key);
      for (const p of pages) assert.equal((await c.get(p)).status, 403, `${key} GET ${p}`);
      const { csrf } = await c.form('/');
      const res = await c.post('/admin/operators', { code: 'pirate', name: 'Pirate', active: '1', csrf });
      assert.equal(res.status, 403, `${key} POST /admin/operators`);
      const proc = await c.post('/admin/procedures', { label: 'Pirate', theme_code: 'justice', csrf });
      assert.equal(proc.status, 403, `${key} POST /admin/procedures`);
    }
    const anonymous = await srv.client().get('/admin/operators');
    assert.equal(anonymous.status, 303);
    for (const p of pages) assert.equal((await admin.get(p)).status, 200, `admin GET ${p}`);
    assert.doesNotMatch(textOf((await admin.get('/admin/operators')).text), /Pirate/);
  });

  it('adds an operator; refuses a bad or used code', async () => {
    let res = await admin.submit('/admin/operators/new', '/admin/operators', {
      code: 'caf_35',
      name: "CAF d'Ille-et-Vilaine",
      deadline_days: '5',
      sort: '25',
      active: '1',
    });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 1000));
    const list = textOf((await admin.follow(res)).text);
    assert.match(list, /Organisme enregistré/);
    assert.match(list, /CAF d'Ille-et-Vilaine caf_35 non 5 oui/);

    for (const [fields, field] of [
      [{ code: 'CAF 35!', name: 'Majuscules' }, 'code'],
      [{ code: 'x', name: 'Trop court' }, 'code'],
      [{ code: 'a'.repeat(33), name: 'Trop long' }, 'code'],
      [{ code: 'caf_35', name: 'Déjà pris' }, 'code'],
      [{ code: 'sans_nom', name: '' }, 'name'],
      [{ code: 'delai', name: 'Délai farfelu', deadline_days: 'demain' }, 'deadline_days'],
      [{ code: 'delai_long', name: 'Délai trop long', deadline_days: '9999' }, 'deadline_days'],
    ]) {
      res = await admin.submit('/admin/operators/new', '/admin/operators', { active: '1', ...fields });
      assert.equal(res.status, 400, JSON.stringify(fields));
      assert.ok(summaryTargets(res.text).includes(field), `${JSON.stringify(fields)}: ${summaryTargets(res.text)}`);
    }
    const after = textOf((await admin.get('/admin/operators')).text);
    for (const name of ['Majuscules', 'Trop court', 'Trop long', 'Déjà pris', 'Délai farfelu', 'Délai trop long']) assert.doesNotMatch(after, new RegExp(name));
    const audit = textOf((await admin.get('/audit')).text);
    assert.match(audit, /création operator \(caf_35\)/);
  });

  it('edits and deactivates an operator: it leaves the visit form', async () => {
    const agent = await srv.login('agent');
    const option = (html) => findTags(html, 'option').some((o) => o.value === 'mdph');
    assert.ok(option((await agent.get('/visits/new')).text), 'the MDPH is not offered before');
    const form = await admin.get('/admin/operators/mdph/edit');
    assert.equal(form.status, 200);
    const res = await admin.submit('/admin/operators/mdph/edit', '/admin/operators/mdph/edit', { name: 'MDPH (maison départementale)', sort: '230' });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 1000));
    assert.match(textOf((await admin.get('/admin/operators')).text), /MDPH \(maison départementale\) mdph non Non fixé non/);
    assert.ok(!option((await agent.get('/visits/new')).text), 'a deactivated operator is still offered');
    assert.equal((await admin.get('/admin/operators/nulle_part/edit')).status, 404);
    assert.match(textOf((await admin.get('/audit')).text), /modification operator \(mdph\)/);
  });

  it('adds, edits and deactivates a procedure; refuses bad ones', async () => {
    let res = await admin.submit('/admin/procedures/new', '/admin/procedures', {
      label: 'Demande de logement social',
      theme_code: 'logement',
      operator_code: '',
      url: 'https://www.service-public.fr/particuliers/vosdroits/F869',
      documents: "Pièce d'identité\nAvis d'imposition",
      active: '1',
    });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 1000));
    const list = await admin.follow(res);
    assert.match(textOf(list.text), /Demande de logement social Logement — oui/);
    const link = findTags(list.text, 'a').find((a) => /^\/admin\/procedures\/\d+\/edit$/.test(a.href) && list.text.includes(`href="${a.href}">Demande de logement social`));
    assert.ok(link, 'no link to edit the new procedure');
    const id = /\/admin\/procedures\/(\d+)\/edit/.exec(link.href)[1];
    const agent = await srv.login('agent');
    assert.ok(findTags((await agent.get('/visits/new')).text, 'option').some((o) => o.value === id), 'the new procedure is not offered');

    for (const [fields, field] of [
      [{ label: '', theme_code: 'logement' }, 'label'],
      [{ label: 'Sans thème', theme_code: '' }, 'theme_code'],
      [{ label: 'Thème inconnu', theme_code: 'cuisine' }, 'theme_code'],
      [{ label: 'Organisme inconnu', theme_code: 'logement', operator_code: 'nulle_part' }, 'operator_code'],
      [{ label: 'Mauvais lien', theme_code: 'logement', url: 'javascript:alert(1)' }, 'url'],
    ]) {
      res = await admin.submit('/admin/procedures/new', '/admin/procedures', { active: '1', ...fields });
      assert.equal(res.status, 400, JSON.stringify(fields));
      assert.ok(summaryTargets(res.text).includes(field), `${JSON.stringify(fields)}: ${summaryTargets(res.text)}`);
    }
    assert.doesNotMatch(textOf((await admin.get('/admin/procedures')).text), /Sans thème|Thème inconnu|Organisme inconnu|Mauvais lien/);

    res = await admin.submit(`/admin/procedures/${id}/edit`, `/admin/procedures/${id}/edit`, {
      label: 'Demande de logement social (SNE)',
      theme_code: 'logement',
      operator_code: '',
      url: '',
      documents: '',
    });
    assert.equal(res.status, 303);
    assert.match(textOf((await admin.get('/admin/procedures')).text), /Demande de logement social \(SNE\) Logement — non/);
    assert.ok(!findTags((await agent.get('/visits/new')).text, 'option').some((o) => o.value === id), 'a deactivated procedure is still offered');
    assert.equal((await admin.get('/admin/procedures/999999/edit')).status, 404);
    const audit = textOf((await admin.get('/audit')).text);
    assert.match(audit, new RegExp(`création procedure ${id}\\b`));
    assert.match(audit, new RegExp(`modification procedure ${id}\\b`));
  });

  it('refuses a post without its token or not as a form', async () => {
    let res = await admin.post('/admin/operators', { code: 'sans_jeton', name: 'Sans jeton', active: '1' });
    assert.equal(res.status, 403);
    const { csrf } = await admin.form('/admin/operators/new');
    res = await admin.request('POST', '/admin/operators', {
      headers: { 'content-type': 'text/plain' },
      body: `code=texte&name=Texte&csrf=${csrf}`,
    });
    assert.equal(res.status, 400);
    assert.doesNotMatch(textOf((await admin.get('/admin/operators')).text), /Sans jeton|Texte/);
  });
});

describe('the themes and the digital-skills topics', () => {
  let srv;
  let admin;

  before(async () => {
    srv = await setupServer();
    admin = await srv.login('admin');
  });
  after(async () => {
    await srv?.stop();
    await srv?.cleanup();
  });

  const pages = ['/admin/themes', '/admin/themes/logement/edit', '/admin/topics', '/admin/topics/new', '/admin/topics/diagnostic_numerique/edit'];

  it('only administrators open them; the four lists link to each other', async () => {
    for (const key of ['agent', 'manager', 'coordinator']) {
      const c = await srv.login(key);
      for (const p of pages) assert.equal((await c.get(p)).status, 403, `${key} GET ${p}`);
      const { csrf } = await c.form('/');
      let res = await c.post('/admin/themes/logement/edit', { label: 'Pirate', csrf });
      assert.equal(res.status, 403, `${key} POST a theme`);
      res = await c.post('/admin/topics', { code: 'pirate', label: 'Pirate', csrf });
      assert.equal(res.status, 403, `${key} POST a topic`);
      res = await c.post('/admin/topics/diagnostic_numerique/edit', { label: 'Pirate', active: '1', csrf });
      assert.equal(res.status, 403, `${key} POST a topic's edit`);
    }
    assert.equal((await srv.client().get('/admin/topics')).status, 303);
    for (const p of pages) assert.equal((await admin.get(p)).status, 200, `admin GET ${p}`);
    for (const p of ['/admin/themes', '/admin/topics']) assert.doesNotMatch(textOf((await admin.get(p)).text), /Pirate/);
    assert.equal((await admin.get('/admin/themes/cuisine/edit')).status, 404);
    assert.equal((await admin.get('/admin/topics/nulle_part/edit')).status, 404);

    const lists = ['/admin/operators', '/admin/procedures', '/admin/themes', '/admin/topics'];
    for (const p of lists) {
      const html = (await admin.get(p)).text;
      const nav = /<nav class="sub-nav"[\s\S]*?<\/nav>/.exec(html);
      assert.ok(nav, `${p}: no catalog navigation`);
      assert.deepEqual(findTags(nav[0], 'a').map((a) => a.href), lists, p);
      assert.match(nav[0], new RegExp(`href="${p}" aria-current="page"`), p);
    }
  });

  it('edits the label of a theme; keeps its code', async () => {
    const res = await admin.submit('/admin/themes/logement/edit', '/admin/themes/logement/edit', { label: 'Logement et hébergement', code: 'maison' });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 1000));
    const list = textOf((await admin.follow(res)).text);
    assert.match(list, /Thème enregistré/);
    assert.match(list, /Logement et hébergement logement/);
    assert.doesNotMatch(list, /maison/);
    const agent = await srv.login('agent');
    assert.ok(findTags((await agent.get('/visits/new')).text, 'option').some((o) => o.value === 'logement'), 'the theme lost its code');
    assert.match(textOf((await agent.get('/visits/new')).text), /Logement et hébergement/);
    assert.match(textOf((await admin.get('/audit')).text), /modification theme \(logement\)/);
  });

  it('adds a topic, offered in the workshop form until deactivated', async () => {
    const agent = await srv.login('agent');
    const offered = async () => findTags((await agent.get('/workshops/new')).text, 'option').some((o) => o.value === 'jeux_video');
    assert.ok(!(await offered()));
    let res = await admin.submit('/admin/topics/new', '/admin/topics', { code: 'jeux_video', label: 'Jeux vidéo et parentalité' });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 1000));
    const list = textOf((await admin.follow(res)).text);
    assert.match(list, /Thème d'atelier enregistré/);
    assert.match(list, /Jeux vidéo et parentalité jeux_video oui/);
    assert.ok(await offered(), 'the new topic is not offered in the workshop form');
    assert.match(textOf((await agent.get('/workshops/new')).text), /Jeux vidéo et parentalité/);

    res = await admin.submit('/admin/topics/jeux_video/edit', '/admin/topics/jeux_video/edit', { label: 'Jeux vidéo' });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 1000));
    assert.match(textOf((await admin.get('/admin/topics')).text), /Jeux vidéo jeux_video non/);
    assert.ok(!(await offered()), 'a deactivated topic is still offered');
    const audit = textOf((await admin.get('/audit')).text);
    assert.match(audit, /création topic \(jeux_video\)/);
    assert.match(audit, /modification topic \(jeux_video\)/);
  });

  it('refuses a bad code or label with a message, and writes nothing', async () => {
    for (const [fields, field, message] of [
      [{ code: 'Jeux Vidéo', label: 'Majuscules' }, 'code', /Le code doit compter de 2 à 32 caractères/],
      [{ code: 'x', label: 'Trop court' }, 'code', /Le code doit compter/],
      [{ code: 'a'.repeat(33), label: 'Trop long' }, 'code', /Le code doit compter/],
      [{ code: 'navigation_internet', label: 'Déjà pris' }, 'code', /Ce code est déjà celui d'un autre thème d'atelier/],
      [{ code: 'sans_label', label: '   ' }, 'label', /Indiquez l'intitulé/],
      [{ code: 'label_long', label: 'é'.repeat(101) }, 'label', /L'intitulé est trop long/],
      [{ code: 'controle', label: 'Avec\u0007cloche' }, 'label', /caractères non autorisés/],
    ]) {
      const res = await admin.submit('/admin/topics/new', '/admin/topics', fields);
      assert.equal(res.status, 400, JSON.stringify(fields));
      assert.ok(summaryTargets(res.text).includes(field), `${JSON.stringify(fields)}: ${summaryTargets(res.text)}`);
      assert.match(textOf(res.text), message, JSON.stringify(fields));
    }
    const topics = (await admin.get('/admin/topics')).text;
    assert.doesNotMatch(textOf(topics), /Majuscules|Trop court|Trop long|Déjà pris|sans_label|label_long|cloche/);
    assert.equal(findTags(topics, 'a').filter((a) => a.href === '/admin/topics/navigation_internet/edit').length, 1);

    for (const [path, fields] of [
      ['/admin/themes/justice/edit', { label: '' }],
      ['/admin/themes/justice/edit', { label: 'x'.repeat(201) }],
      ['/admin/topics/navigation_internet/edit', { label: '', active: '1' }],
    ]) {
      const res = await admin.submit(path, path, fields);
      assert.equal(res.status, 400, `${path} ${JSON.stringify(fields)}`);
      assert.deepEqual(summaryTargets(res.text), ['label']);
      assert.match(textOf(res.text), /Indiquez l'intitulé|L'intitulé est trop long/);
    }
    assert.match(textOf((await admin.get('/admin/themes')).text), /Justice justice/);
    assert.match(textOf((await admin.get('/admin/topics')).text), /navigation_internet oui/);
  });

  it('refuses a post without its token or with a forged one', async () => {
    const { csrf } = await admin.form('/admin/topics/new');
    const forged = csrf.slice(0, -1) + (csrf.endsWith('A') ? 'B' : 'A');
    for (const token of [undefined, forged]) {
      const extra = token ? { csrf: token } : {};
      let res = await admin.post('/admin/topics', { code: 'forge', label: 'Forgé', ...extra });
      assert.equal(res.status, 403);
      res = await admin.post('/admin/themes/justice/edit', { label: 'Forgé', ...extra });
      assert.equal(res.status, 403);
      res = await admin.post('/admin/topics/navigation_internet/edit', { label: 'Forgé', ...extra });
      assert.equal(res.status, 403);
    }
    for (const p of ['/admin/themes', '/admin/topics']) assert.doesNotMatch(textOf((await admin.get(p)).text), /Forgé|forge/);
    assert.match(textOf((await admin.get('/admin/topics')).text), /navigation_internet oui/);
  });
});
