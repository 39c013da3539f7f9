// record_form_pieces.test.mjs: the recording form's blank pieces (the
// person's section and the blank demand blocks) are rendered once and kept
// (src/web/fragment.c). Kept pieces must never show in a form anything but
// what a fresh rendering would: the first demand block of a new form is the
// template's with its number, a change of the catalog or of the site's
// frequent choices shows at the next view, each language keeps its own,
// and a form that something filled (a callback, an added block, errors)
// is not the blank one.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { findTags, setupServer, textOf } from './lib.mjs';
import { recordVisit } from './visit_form.mjs';

const withoutToken = (html) => html.replace(/name="csrf" value="[^"]*"/g, 'name="csrf"');

/** The first demand block of a form, and its template's, without its
 * closing "remove" checkbox and </fieldset>. */
function blocks(html) {
  const first = /<fieldset class="section demand" id="demande-1">[\s\S]*?<\/details>\n/.exec(html)?.[0];
  const template = /<template id="demand-template">(<fieldset[\s\S]*?<\/details>\n)/.exec(html)?.[1];
  assert.ok(first && template, 'the form has a first demand block and a template');
  return { first, template };
}

const options = (html, name) => {
  const select = new RegExp(`<select[^>]*name="${name}"[\\s\\S]*?</select>`).exec(html)?.[0] ?? '';
  return findTags(select, 'option').map((o) => o.value);
};

describe("the recording form's kept blank pieces", () => {
  let srv;
  let agent;
  let admin;

  before(async () => {
    srv = await setupServer();
    agent = await srv.login('agent');
    admin = await srv.login('admin');
  });
  after(async () => {
    await srv?.stop();
    await srv?.cleanup();
  });

  it('writes the first block as the template numbered 1, the same at every view', async () => {
    const one = (await agent.get('/visits/new')).text;
    const two = (await agent.get('/visits/new')).text;
    assert.equal(withoutToken(two), withoutToken(one));
    const { first, template } = blocks(one);
    assert.match(template, /name="d__N___operator_code"/);
    assert.equal(template.replaceAll('__N__', '1'), first);
    assert.match(first, /name="d1_operator_code"[\s\S]*name="d1_procedure_id"[\s\S]*name="d1_note"/);
    assert.ok(!first.includes('__N__'));
  });

  it('follows the catalog and the frequent choices at the next view', async () => {
    const before = (await agent.get('/visits/new')).text;
    const res = await admin.submit('/admin/procedures/new', '/admin/procedures', {
      label: 'Carte de stationnement pour personnes handicapées',
      theme_code: 'social_sante',
      operator_code: '',
      url: '',
      documents: '',
      active: '1',
    });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 500));
    const after = (await agent.get('/visits/new')).text;
    assert.notEqual(withoutToken(after), withoutToken(before));
    for (const name of ['d1_procedure_id', 'd__N___procedure_id']) {
      assert.equal(options(after, name).length, options(before, name).length + 1, name);
    }
    assert.match(blocks(after).first, /Carte de stationnement pour personnes handicapées/);
    assert.match(blocks(after).template, /Carte de stationnement pour personnes handicapées/);

    await recordVisit(agent, srv.sites.rennes, { d1_operator_code: 'cnav' });
    const html = (await agent.get('/visits/new')).text;
    for (const block of Object.values(blocks(html))) {
      const group = /<optgroup label="Les plus fréquents à ce lieu">([\s\S]*?)<\/optgroup>/.exec(block);
      assert.deepEqual(group && findTags(group[1], 'option').map((o) => o.value), ['cnav']);
    }

    /* The same number of frequent choices in another order: another block. */
    const frequent = async () => {
      const block = blocks((await agent.get('/visits/new')).text).template;
      const group = /<optgroup label="Les plus fréquents à ce lieu">([\s\S]*?)<\/optgroup>/.exec(block);
      return group && findTags(group[1], 'option').map((o) => o.value);
    };
    for (let i = 0; i < 2; i++) await recordVisit(agent, srv.sites.rennes, { d1_operator_code: 'dgfip', d1_theme_code: 'argent_impots' });
    assert.deepEqual(await frequent(), ['dgfip', 'cnav']);
    assert.deepEqual(await frequent(), ['dgfip', 'cnav']);
    for (let i = 0; i < 2; i++) await recordVisit(agent, srv.sites.rennes, { d1_operator_code: 'cnav' });
    assert.deepEqual(await frequent(), ['cnav', 'dgfip']);
  });

  it('keeps one per language', async () => {
    const fr = (await agent.get('/visits/new')).text;
    const en = (await agent.get('/visits/new', { headers: { 'accept-language': 'en' } })).text;
    const ar = (await agent.get('/visits/new', { headers: { 'accept-language': 'ar' } })).text;
    assert.match(en, /<html lang="en"/);
    assert.match(blocks(en).first, /<option lang="fr" value="cnav"/, 'an English page says the catalog is French');
    assert.doesNotMatch(blocks(fr).first, /lang="fr"/);
    assert.match(ar, /<html lang="ar" dir="rtl"/);
    assert.notEqual(blocks(ar).first, blocks(en).first);
    assert.equal(withoutToken((await agent.get('/visits/new')).text), withoutToken(fr));
    const { first, template } = blocks(en);
    assert.equal(template.replaceAll('__N__', '1'), first);
  });

  it('renders a form that something filled, not the blank pieces', async () => {
    const { csrf } = await agent.form('/visits/new');
    // An added block: the first keeps what was typed.
    const res = await agent.post('/visits', {
      csrf,
      site_id: String(srv.sites.rennes),
      date: new Date().toISOString().slice(0, 10),
      time: '09:30',
      channel: 'guichet_spontane',
      duration_min: '15',
      age_bracket: '70_plus',
      gender: 'non_communique',
      social_status: 'non_communique',
      ndemands: '1',
      d1_operator_code: 'urssaf',
      d1_note: 'Relance du dossier',
      add_demand: '1',
    });
    assert.equal(res.status, 200);
    assert.match(res.text, /name="d1_operator_code"[^>]*>[\s\S]*?<option value="urssaf" selected>/);
    assert.match(res.text, /Relance du dossier<\/textarea>/);
    assert.match(res.text, /name="age_bracket" value="70_plus" checked/);
    assert.match(res.text, /name="d2_operator_code"/);
    // An error: the pieces show it.
    const bad = await agent.post('/visits', { csrf, site_id: String(srv.sites.rennes), ndemands: '1', d1_operator_code: 'urssaf', birth_year: 'abc' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /aria-invalid="true"/);
    // And the blank form after them is still blank.
    const blank = (await agent.get('/visits/new')).text;
    assert.doesNotMatch(blank, /value="urssaf" selected|Relance du dossier|value="70_plus" checked/);
  });

  it('never keeps a block whose catalog holds the placeholder of its number', async () => {
    const res = await admin.submit('/admin/procedures/new', '/admin/procedures', {
      label: 'Formulaire __N__ bis', theme_code: 'social_sante', operator_code: '', url: '', documents: '', active: '1',
    });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 500));
    for (let i = 0; i < 3; i++) {
      const { first } = blocks((await agent.get('/visits/new')).text);
      assert.match(first, /Formulaire __N__ bis/, `view ${i + 1}: the label as written`);
      assert.match(first, /name="d1_procedure_id"/);
    }
  });
});
