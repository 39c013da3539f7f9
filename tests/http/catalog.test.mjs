// catalog.test.mjs: the administrators' pages of the reference data:
// partner operators and the catalog of procedures (list, add, edit,
// deactivate), who may open them, what is refused, and what is journaled.

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
