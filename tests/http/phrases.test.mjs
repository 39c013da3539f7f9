// phrases.test.mjs: a site's own wording of public phrases
// (/sites/ID/phrases, docs/speech.md "A site's corrections").
//
// - a manager changes one phrase in Ukrainian for their site: that site's
//   kiosk says it, another site's kiosk keeps the catalog's translation,
//   and going back to the translation undoes it; each change is journaled;
// - a text that drops a placeholder or a %d, an empty one and one with a
//   line break are refused with a message, and nothing changes;
// - an adviser, a manager of another site and an unknown phrase are refused.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { Client, findTags, serverForSuite, textOf } from './lib.mjs';

const SERVICES_TITLE_FR = 'Choisissez ce que vous venez faire';

/** The keyed kiosk address of a site, as a reader allowed to see it finds it. */
async function kioskPath(client, site) {
  const res = await client.get(`/sites/${site}/kiosk`);
  assert.equal(res.status, 200, `/sites/${site}/kiosk answered ${res.status}`);
  const a = findTags(res.text, 'a').find((t) => new RegExp(`^/sites/${site}/kiosk\\?key=[0-9a-f]{32}$`).test(t.href ?? ''));
  assert.ok(a, 'no keyed kiosk address');
  return a.href;
}

/** The edit address of a phrase in the list of lang, found by its French text. */
async function editPath(client, site, lang, french) {
  const res = await client.get(`/sites/${site}/phrases?lang=${lang}&q=${encodeURIComponent(french)}`);
  assert.equal(res.status, 200);
  const a = findTags(res.text, 'a').find((t) => (t['aria-label'] ?? '').endsWith(french));
  assert.ok(a, `no link to change "${french}"`);
  return a.href;
}

describe('a site corrects a public phrase', () => {
  let srv;
  let manager;
  let rennes;
  let brest;
  serverForSuite((s) => (srv = s));
  before(async () => {
    rennes = srv.sites.rennes;
    brest = srv.sites.brest;
    manager = await srv.login('manager');
  });

  it('lists the phrases of a language, with a search', async () => {
    const res = await manager.get(`/sites/${rennes}/phrases?lang=uk`);
    assert.equal(res.status, 200);
    assert.match(res.text, /<td lang="fr">Choisissez ce que vous venez faire<\/td>/);
    assert.match(res.text, /lang="uk"/);
    const found = await manager.get(`/sites/${rennes}/phrases?lang=uk&q=venez%20faire`);
    assert.ok(findTags(found.text, 'tr').length < findTags(res.text, 'tr').length, 'the search narrows the list');
    const none = await manager.get(`/sites/${rennes}/phrases?lang=uk&q=zzzzqqq`);
    assert.match(textOf(none.text), /Aucune phrase ne correspond/);
  });

  it('shows the wording on this site only, and goes back to the translation', async () => {
    const admin = await srv.login('admin');
    const kRennes = await kioskPath(manager, rennes);
    const kBrest = await kioskPath(admin, brest);
    const c = new Client(srv.url);
    const before1 = await c.get(`${kRennes}&lang=uk&step=service`);
    assert.equal(before1.status, 200);
    const original = /<h1[^>]*>([^<]+)<\/h1>/.exec(before1.text)?.[1];
    assert.ok(original && original !== SERVICES_TITLE_FR, 'the Ukrainian kiosk has its own title');

    const edit = await editPath(manager, rennes, 'uk', SERVICES_TITLE_FR);
    const mine = 'Що вас привело сьогодні?';
    const saved = await manager.submit(edit, `/sites/${rennes}/phrases/edit`, {
      action: 'save',
      lang: 'uk',
      phrase: new URL(edit, srv.url).searchParams.get('phrase'),
      text: `  ${mine}  `,
    });
    assert.equal(saved.status, 303, saved.text.slice(0, 500));
    assert.match(saved.location, /done=save/);
    const list = await manager.follow(saved);
    assert.match(textOf(list.text), /Formulation enregistrée pour ce lieu/);

    const after = await c.get(`${kRennes}&lang=uk&step=service`);
    assert.ok(after.text.includes(mine), 'the site\'s kiosk says the site\'s wording');
    assert.ok(!after.text.includes(original), 'and no longer the translation');
    const other = await c.get(`${kBrest}&lang=uk&step=service`);
    assert.ok(other.text.includes(original) && !other.text.includes(mine), 'another site keeps the translation');
    const french = await c.get(`${kRennes}&lang=fr&step=service`);
    assert.ok(french.text.includes(SERVICES_TITLE_FR), 'the other languages keep theirs');

    const only = await manager.get(`/sites/${rennes}/phrases?lang=uk&only=fixed`);
    assert.equal(findTags(only.text, 'tbody')[0] !== undefined, true);
    assert.match(textOf(only.text), /changée pour ce lieu/);
    assert.ok(textOf(only.text).includes(mine));

    assert.match(textOf((await admin.get('/audit')).text), /phrase_fix/);

    const phrase = new URL(edit, srv.url).searchParams.get('phrase');
    const reset = await manager.submit(edit, `/sites/${rennes}/phrases/edit`, { action: 'reset', lang: 'uk', phrase });
    assert.equal(reset.status, 303);
    const back = await c.get(`${kRennes}&lang=uk&step=service`);
    assert.ok(back.text.includes(original) && !back.text.includes(mine), 'the translation is back');
  });

  it('refuses a text that drops a placeholder, an empty text and a line break, and keeps the store', async () => {
    const french = 'Personnes avant vous : %d';
    const edit = await editPath(manager, rennes, 'uk', french);
    const phrase = new URL(edit, srv.url).searchParams.get('phrase');
    for (const [text, why] of [
      ['Людей перед вами багато', /Gardez exactement/],
      ['', /Écrivez le texte de la phrase/],
      ['Людей перед вами:\n%d', /une seule ligne/],
    ]) {
      const res = await manager.submit(edit, `/sites/${rennes}/phrases/edit`, { action: 'save', lang: 'uk', phrase, text });
      assert.equal(res.status, 400, `"${text}" answered ${res.status}`);
      assert.match(textOf(res.text), why);
      assert.match(res.text, /aria-invalid="true"|class="error-summary|role="alert"/);
    }
    const only = await manager.get(`/sites/${rennes}/phrases?lang=uk&only=fixed`);
    assert.doesNotMatch(textOf(only.text), /changée pour ce lieu/, 'nothing was kept');
    const ok = await manager.submit(edit, `/sites/${rennes}/phrases/edit`, {
      action: 'save', lang: 'uk', phrase, text: 'Перед вами в черзі: %d',
    });
    assert.equal(ok.status, 303, 'the same text with its %d is taken');
    await manager.submit(edit, `/sites/${rennes}/phrases/edit`, { action: 'reset', lang: 'uk', phrase });
  });

  it('refuses an adviser, another site\'s manager and an unknown phrase', async () => {
    const agent = await srv.login('agent');
    assert.equal((await agent.get(`/sites/${rennes}/phrases`)).status, 403);
    assert.equal((await manager.get(`/sites/${brest}/phrases`)).status, 404, "another site is not even shown");
    assert.equal((await manager.get(`/sites/${rennes}/phrases/edit?lang=uk&phrase=000000000000`)).status, 404);
    const csrf = await manager.csrf(`/sites/${rennes}/phrases`);
    const bad = await manager.post(`/sites/${rennes}/phrases/edit`, { csrf, action: 'save', lang: 'uk', phrase: 'zz', text: 'x' });
    assert.equal(bad.status, 400);
    const noCsrf = await manager.post(`/sites/${rennes}/phrases/edit`, { action: 'save', lang: 'uk', phrase: 'zz', text: 'x' });
    assert.equal(noCsrf.status, 403);
  });
});
