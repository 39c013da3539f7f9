// visits.test.mjs: recording accompaniments through the pages: a visit with
// two demands, every kind of bad input (answered with a clear message and
// nothing written), the correction window, soft deletion, the journal of
// reads of an identified person, the search filters, the day journal's
// totals, the commune picker, and the workshops.

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { DEFAULT_USERS, csrfToken, findTags, setupServer, textOf } from './lib.mjs';

/* The server runs in UTC (lib.mjs); a visit at 00:00 today is never in the
 * future. */
const TODAY = new Date().toISOString().slice(0, 10);

const USERS = {
  ...DEFAULT_USERS,
  agentMalo: { email: 'agent.malo@example.org', name: 'Maël Conseiller', role: 'agent', sites: ['malo'] },
  managerMalo: { email: 'manager.malo@example.org', name: 'Morgane Responsable', role: 'manager', sites: ['malo'] },
  agentTwo: { email: 'agent.deux@example.org', name: 'Denis Deux-Lieux', role: 'agent', sites: ['rennes', 'malo'] },
};

/** The fields of a valid visit with one demand; over replaces or adds. */
function visitFields(siteId, over = {}) {
  return {
    site_id: String(siteId),
    date: TODAY,
    time: '00:00',
    channel: 'guichet_spontane',
    duration_min: '15',
    age_bracket: 'non_communique',
    gender: 'non_communique',
    social_status: 'non_communique',
    commune_insee: '',
    ndemands: '1',
    d1_operator_code: 'cnaf',
    d1_theme_code: 'social_sante',
    d1_procedure_id: '',
    d1_level: 'fait_avec',
    d1_outcome: 'resolu',
    d1_interpreting: 'aucun',
    ...over,
  };
}

/** Ids of the links of the error summary ("#d1_operator_code" → "d1_operator_code"). */
function summaryTargets(html) {
  const m = /<div class="error-summary"[\s\S]*?<\/div>/.exec(html);
  if (!m) return [];
  return findTags(m[0], 'a').map((a) => a.href.replace(/^#/, ''));
}

/** Every summary link must lead to an element of the page. */
function assertSummaryLinksResolve(html) {
  for (const id of summaryTargets(html)) {
    assert.ok(new RegExp(`\\bid="${id}"`).test(html), `the error summary links to #${id}, which is not in the page`);
  }
}

/** The visits and demands the search counts, as the administrator sees them (every site). */
async function counts(admin, query = '') {
  const res = await admin.get(`/visits${query}`);
  assert.equal(res.status, 200, `GET /visits${query} answered ${res.status}\n${textOf(res.text).slice(0, 500)}`);
  const t = textOf(res.text);
  const v = /Visites : (\d+)/.exec(t);
  const d = /Demandes : (\d+)/.exec(t);
  assert.ok(v && d, `no counts on /visits${query}: ${t.slice(0, 800)}`);
  return { visits: Number(v[1]), demands: Number(d[1]) };
}

/** Posts a visit from the agent's form; returns the response. */
async function postVisit(client, fields) {
  const { csrf } = await client.form('/visits/new');
  const pairs = Object.entries(fields).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]));
  pairs.push(['csrf', csrf]);
  return await client.post('/visits', pairs);
}

/** Records a visit and returns its id. */
async function recordVisit(client, siteId, over = {}) {
  const res = await postVisit(client, visitFields(siteId, over));
  assert.equal(res.status, 303, `POST /visits answered ${res.status}\n${textOf(res.text).slice(0, 1500)}`);
  const m = /\/visits\/new\?saved=(\d+)/.exec(res.location);
  assert.ok(m, `unexpected redirection ${res.location}`);
  return Number(m[1]);
}

describe('recording visits', () => {
  let srv;
  let admin;
  let agent;
  let rennes;
  let brest;

  before(async () => {
    srv = await setupServer({ users: USERS });
    rennes = srv.sites.rennes;
    brest = srv.sites.brest;
    admin = await srv.login('admin');
    agent = await srv.login('agent');
  });
  after(async () => {
    await srv?.stop();
    await srv?.cleanup();
  });

  it('the form has the sections, defaults and the frequent operators first', async () => {
    const res = await agent.get('/visits/new');
    assert.equal(res.status, 200);
    const legends = [...res.text.matchAll(/<legend><h2>([\s\S]*?)<\/h2>/g)].map((m) => textOf(m[1]).trim());
    for (const legend of ['La visite', 'La personne', 'Demande 1']) assert.ok(legends.includes(legend), `no section ${legend}: ${legends}`);
    const radio = (name) => findTags(res.text, 'input').find((a) => a.name === name && 'checked' in a)?.value;
    assert.equal(radio('channel'), 'guichet_spontane');
    assert.equal(radio('duration_min'), '15');
    assert.equal(radio('gender'), 'non_communique');
    assert.equal(radio('d1_outcome'), 'resolu');
    assert.match(textOf(res.text), /N'écrivez pas de données sensibles \(santé, opinions, numéros de sécurité sociale…\)/);
    // After a few CAF visits, the CAF leads the "most frequent" group.
    await recordVisit(agent, rennes, { d1_operator_code: 'dgfip', d1_theme_code: 'argent_impots' });
    const again = await agent.get('/visits/new');
    const group = /<optgroup label="Les plus fréquents à ce lieu">([\s\S]*?)<\/optgroup>/.exec(again.text);
    assert.ok(group, 'no group of frequent operators once the site has visits');
    assert.match(group[1], /value="dgfip"/);
  });

  it('records a visit with two demands through the form, "Ajouter une demande" first', async () => {
    const before = await counts(admin);
    const { csrf } = await agent.form('/visits/new');
    const first = visitFields(rennes, { d1_operator_code: 'cnaf', d1_note: 'Prime d’activité', age_bracket: '60_69' });
    const added = await agent.post('/visits', { ...first, add_demand: '1', csrf });
    assert.equal(added.status, 200, 'adding a demand should bring the form back');
    assert.equal((await counts(admin)).visits, before.visits, 'adding a demand saved something');
    const selects = findTags(added.text, 'select');
    assert.ok(selects.some((s) => s.name === 'd2_operator_code' && 'autofocus' in s), 'the new block is not focused');
    assert.match(added.text, /<option value="cnaf" selected>/, 'the first demand lost its operator');
    assert.match(added.text, /Prime d’activité/, 'the first demand lost its note');
    const hidden = findTags(added.text, 'input').find((a) => a.name === 'ndemands');
    assert.equal(hidden.value, '2');

    const res = await agent.post('/visits', {
      ...first,
      ndemands: '2',
      d2_operator_code: '',
      d2_procedure_id: '1', // Carte d'identité: France Titres, papiers
      d2_theme_code: '',
      d2_level: 'fait_pour',
      d2_mandate_type: 'aidants_connect',
      d2_outcome: 'oriente',
      d2_referral_type: 'administration',
      d2_interpreting: 'aucun',
      d2_equipment: ['ordinateur', 'telephone'],
      csrf: csrfToken(added.text),
    });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 1500));
    const saved = await agent.follow(res);
    assert.match(textOf(saved.text), /Visite enregistrée/);
    const id = /saved=(\d+)/.exec(res.location)[1];
    assert.ok(findTags(saved.text, 'a').some((a) => a.href === `/visits/${id}`), 'no link to the saved visit');

    const page = textOf((await agent.get(`/visits/${id}`)).text);
    assert.match(page, /CAF \(CNAF\)/);
    assert.match(page, /France Titres \(ANTS\)/, 'the procedure did not bring its operator');
    assert.match(page, /Aidants Connect/);
    assert.match(page, /60 à 69 ans/);
    const now = await counts(admin);
    assert.deepEqual(now, { visits: before.visits + 1, demands: before.demands + 2 });
  });

  describe('the facts of the visit, asked once', () => {
    let token;
    before(async () => {
      token = await srv.token('agent');
    });
    async function saved(id) {
      const res = await srv.client().get(`/api/v1/visits/${id}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200, res.text);
      return res.json();
    }

    it('languages are typed as codes or names, in French or in their own script', async () => {
      const id = await recordVisit(agent, rennes, { allophone: '1', languages: 'arabe, UK; Español' });
      assert.deepEqual((await saved(id)).visitor.languages, ['ar', 'uk', 'es']);
      // Space-separated codes and the checkboxes of an older page still do.
      const id2 = await recordVisit(agent, rennes, { allophone: '1', languages: 'ps ti' });
      assert.deepEqual((await saved(id2)).visitor.languages, ['ps', 'ti']);
      const id3 = await recordVisit(agent, rennes, { allophone: '1', languages: ['fa', 'ar', 'fa'] });
      assert.deepEqual((await saved(id3)).visitor.languages, ['fa', 'ar']);
      // The form of a saved visit shows names.
      const edit = await agent.get(`/visits/${id}/edit`);
      const field = findTags(edit.text, 'input').find((a) => a.name === 'languages');
      assert.equal(field?.value, 'arabe, ukrainien, espagnol');
      // An unknown word is refused and kept as typed.
      const before = await counts(admin);
      const res = await postVisit(agent, visitFields(rennes, { allophone: '1', languages: 'arabe, klingon' }));
      assert.equal(res.status, 400);
      assert.ok(summaryTargets(res.text).includes('languages'));
      assert.equal(findTags(res.text, 'input').find((a) => a.name === 'languages')?.value, 'arabe, klingon');
      assert.deepEqual(await counts(admin), before);
    });

    it('interpreting and equipment are asked once and kept in every demand', async () => {
      const id = await recordVisit(agent, rennes, {
        allophone: '1',
        languages: 'ar',
        interpreting: 'telephone',
        interpreting_lang: '',
        equipment: ['ordinateur', 'telephone'],
        ndemands: '2',
        d2_operator_code: 'ants',
        d2_theme_code: 'transports_mobilite',
        d2_level: 'fait_avec',
        d2_outcome: 'escalade',
        d1_interpreting: '',
      });
      const v = await saved(id);
      assert.equal(v.demands.length, 2);
      for (const d of v.demands) {
        assert.equal(d.interpreting, 'telephone');
        assert.equal(d.interpreting_lang, 'ar', "the interpreter speaks the person's first language by default");
        assert.deepEqual(d.equipment, ['ordinateur', 'telephone']);
      }
      // The correction form asks them once again, filled in.
      const edit = await agent.get(`/visits/${id}/edit`);
      const inputs = findTags(edit.text, 'input');
      assert.equal(inputs.find((a) => a.name === 'interpreting' && 'checked' in a)?.value, 'telephone');
      assert.deepEqual(inputs.filter((a) => a.name === 'equipment' && 'checked' in a).map((a) => a.value), ['ordinateur', 'telephone']);
      assert.ok(!inputs.some((a) => /^d\d+_(interpreting|equipment)/.test(a.name ?? '')), 'interpreting is still asked in each demand');
    });

    it('the telephone: none, without internet, a smartphone; no_phone means no telephone', async () => {
      for (const [kind, noPhone] of [['aucun', true], ['sans_internet', false], ['smartphone', false], ['', false]]) {
        const v = await saved(await recordVisit(agent, rennes, { phone_kind: kind }));
        assert.equal(v.visitor.phone_kind, kind);
        assert.equal(v.visitor.no_phone, noPhone, kind);
      }
      // A client that only knows no_phone.
      const v = await saved(await recordVisit(agent, rennes, { no_phone: '1' }));
      assert.equal(v.visitor.phone_kind, 'aucun');
      assert.equal(v.visitor.no_phone, true);
      const res = await postVisit(agent, visitFields(rennes, { phone_kind: 'pigeon' }));
      assert.equal(res.status, 400);
      assert.ok(summaryTargets(res.text).includes('phone_kind'));
    });

    it('Enter on a half-filled form saves nothing and brings everything back', async () => {
      const before = await counts(admin);
      // What Enter sends without JavaScript: the form as it is, by its first button (save).
      const res = await postVisit(
        agent,
        visitFields(rennes, { d1_operator_code: '', d1_theme_code: '', age_bracket: '70_plus', allophone: '1', languages: 'ar', d1_note: 'Dossier APL à compléter' }),
      );
      assert.equal(res.status, 400);
      assert.match(res.text, /<div class="error-summary"/);
      assert.ok(summaryTargets(res.text).includes('d1_operator_code'));
      assert.ok(res.text.includes('Dossier APL à compléter'));
      assert.equal(findTags(res.text, 'input').find((a) => a.name === 'age_bracket' && 'checked' in a)?.value, '70_plus');
      assert.equal(findTags(res.text, 'input').find((a) => a.name === 'languages')?.value, 'arabe');
      assert.deepEqual(await counts(admin), before);
    });

    it('the form skips what is right, jumps to the person and the demand, and says its shortcuts', async () => {
      const res = await agent.get('/visits/new');
      // Site, date and time are folded, their summary saying what they hold.
      const when = /<details class="more when">([\s\S]*?)<\/details>/.exec(res.text);
      assert.ok(when, 'the date and time are not folded');
      assert.match(when[1], /name="date"/);
      assert.match(when[1], /name="time"/);
      assert.match(textOf(when[1]), new RegExp(TODAY));
      for (const href of ['#personne', '#demande-1', '#enregistrer']) {
        assert.ok(findTags(res.text, 'a').some((a) => a.href === href), `no link to ${href}`);
        assert.match(res.text, new RegExp(`id="${href.slice(1)}"`));
      }
      const add = findTags(res.text, 'button').find((b) => b.name === 'add_demand');
      assert.equal(add['aria-keyshortcuts'], 'Alt+Shift+D');
      assert.match(textOf(res.text), /Alt\+Maj\+D ajoute une demande/);
      assert.ok(findTags(res.text, 'script').some((s) => s.src === '/static/record.js'));
      const js = await agent.get('/static/record.js');
      assert.equal(js.status, 200);
      assert.match(js.header('content-type'), /javascript/);
    });

    it('after saving, the title and the first heading say so', async () => {
      const id = await recordVisit(agent, rennes);
      const page = await agent.get(`/visits/new?saved=${id}&site=${rennes}`);
      assert.match(page.text, /<title>Visite enregistrée — Guichet<\/title>/);
      assert.match(page.text, /<h1>Visite enregistrée<\/h1>/);
      assert.match(page.text, /role="status"[^>]*>[\s\S]*?Visite enregistrée\. Le formulaire est prêt/);
      assert.match((await agent.get('/visits/new')).text, /<title>Enregistrer une visite — Guichet<\/title>/);
    });

    it('in English or Arabic, the catalog\'s French names carry lang="fr"', async () => {
      for (const code of ['en', 'ar']) {
        const c = await srv.login('agent');
        await c.get(`/lang/${code}?next=/`);
        const res = await c.get('/visits/new');
        assert.match(res.text, /<option lang="fr" value="cnaf"[^>]*>CAF \(CNAF\)/, code);
        assert.match(res.text, /<option lang="fr" value="\d+"[^>]*>Aide au logement \(APL\)/, code);
        assert.doesNotMatch(res.text, /<option lang="fr" value="">/, `${code}: the empty choice is not French`);
      }
      assert.doesNotMatch((await agent.get('/visits/new')).text, /<option lang="fr"/, 'a French page needs no lang="fr"');
    });
  });

  it('a removed demand block is dropped; removing every block is refused', async () => {
    const before = await counts(admin);
    const base = visitFields(rennes, { ndemands: '2', d2_operator_code: 'msa', d2_theme_code: 'social_sante', d2_level: 'information', d2_outcome: 'resolu' });
    const refused = await postVisit(agent, { ...base, d1_remove: '1', d2_remove: '1' });
    assert.equal(refused.status, 400);
    assert.match(textOf(refused.text), /au moins une demande/);
    const res = await postVisit(agent, { ...base, d1_remove: '1' });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 1000));
    assert.deepEqual(await counts(admin), { visits: before.visits + 1, demands: before.demands + 1 });
    const id = /saved=(\d+)/.exec(res.location)[1];
    assert.match(textOf((await agent.get(`/visits/${id}`)).text), /MSA/);
  });

  describe('bad input gets a clear message and writes nothing', () => {
    const cases = [
      ['a missing operator', { d1_operator_code: '' }, 'd1_operator_code'],
      ['an unknown channel', { channel: 'pigeon_voyageur' }, 'channel'],
      ['an unknown outcome', { d1_outcome: 'peut_etre' }, 'd1_outcome'],
      ['an unknown level', { d1_level: 'un_peu' }, 'd1_level'],
      ['an unknown operator', { d1_operator_code: 'nulle_part' }, 'd1_operator_code'],
      ['an unknown gender', { gender: 'autre' }, 'gender'],
      ['an unknown language', { allophone: '1', languages: 'xx-yy' }, 'languages'],
      ['a note over 500 bytes', { d1_note: 'é'.repeat(251) }, 'd1_note'],
      ['a visit in the future', { date: '2999-01-01' }, 'date'],
      ['an impossible date', { date: '2024-02-30' }, 'date'],
      ['a duration that is not a number', { duration_min: 'beaucoup' }, 'duration_min'],
      ['a name without identification', { full_name: 'Jean Sans Accord' }, 'full_name'],
      ['identification without a reason', { identified: '1', full_name: 'Jeanne Test' }, 'consent_reason'],
      ['a commune that is not an INSEE code (no geography loaded)', { commune_insee: 'Rennes' }, 'commune_insee'],
      ['another site', { site_id: 'BREST' }, 'site_id'],
      ['a site that does not exist', { site_id: '999999' }, 'site_id'],
    ];
    for (const [what, over, field] of cases) {
      it(what, async () => {
        const before = await counts(admin);
        const fields = visitFields(rennes, over);
        if (fields.site_id === 'BREST') fields.site_id = String(brest);
        const res = await postVisit(agent, fields);
        assert.equal(res.status, 400, `${what}: answered ${res.status}`);
        assert.ok(summaryTargets(res.text).includes(field), `${what}: the summary does not point at ${field}: ${summaryTargets(res.text)}`);
        assertSummaryLinksResolve(res.text);
        assert.match(res.text, new RegExp(`id="${field}"[^>]*aria-invalid="true"|id="${field}-error"`), `${what}: no error beside ${field}`);
        // The values come back.
        if (over.d1_note) assert.ok(res.text.includes(over.d1_note), 'the note was not kept');
        assert.deepEqual(await counts(admin), before, `${what}: something was written`);
      });
    }

    it('forged and stale CSRF tokens are refused', async () => {
      const before = await counts(admin);
      let res = await agent.post('/visits', { ...visitFields(rennes), csrf: 'forged' });
      assert.equal(res.status, 403);
      assert.match(textOf(res.text), /formulaire a expiré/);
      res = await agent.post('/visits', visitFields(rennes));
      assert.equal(res.status, 403, 'a post without a token was accepted');
      // A token of a session that has ended.
      const old = await srv.login('agent');
      const { csrf } = await old.form('/visits/new');
      await old.post('/logout', { csrf });
      res = await agent.post('/visits', { ...visitFields(rennes), csrf });
      assert.equal(res.status, 403);
      assert.deepEqual(await counts(admin), before);
    });

    it('a body that is not a form is refused', async () => {
      const before = await counts(admin);
      const { csrf } = await agent.form('/visits/new');
      const body = new URLSearchParams({ ...visitFields(rennes), csrf }).toString();
      const res = await agent.request('POST', '/visits', { headers: { 'content-type': 'text/plain' }, body });
      assert.equal(res.status, 400);
      assert.match(textOf(res.text), /ne sont pas celles d'un formulaire/);
      const json = await agent.request('POST', '/visits', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ csrf }) });
      assert.equal(json.status, 400);
      assert.deepEqual(await counts(admin), before);
    });

    it('a malformed form is refused', async () => {
      const before = await counts(admin);
      const { csrf } = await agent.form('/visits/new');
      let res = await agent.post('/visits', `csrf=${encodeURIComponent(csrf)}&channel=%zz&ndemands=1`);
      assert.equal(res.status, 400);
      res = await agent.post('/visits', { ...visitFields(rennes), ndemands: 'beaucoup', csrf });
      assert.equal(res.status, 400);
      assert.match(textOf(res.text), /formulaire est incomplet/);
      res = await agent.post('/visits', { ...visitFields(rennes), ndemands: '11', csrf });
      assert.equal(res.status, 400);
      res = await agent.post('/visits', { ...visitFields(rennes), d1_autonomy: '7', csrf });
      assert.equal(res.status, 400);
      assert.ok(summaryTargets(res.text).includes('d1_autonomy'));
      assert.deepEqual(await counts(admin), before);
    });

    it('the visit of another site answers 404, read or written', async () => {
      const id = await recordVisit(agent, rennes);
      const brestAgent = await srv.login('agentBrest');
      const { csrf } = await brestAgent.form('/visits/new');
      for (const p of [`/visits/${id}`, `/visits/${id}/edit`, `/visits/${id}/delete`]) {
        assert.equal((await brestAgent.get(p)).status, 404, `GET ${p}`);
      }
      const before = await counts(admin);
      let res = await brestAgent.post(`/visits/${id}/edit`, { ...visitFields(brest), csrf });
      assert.equal(res.status, 404);
      res = await brestAgent.post(`/visits/${id}/delete`, { csrf });
      assert.equal(res.status, 404);
      assert.equal((await brestAgent.get('/visits/999999')).status, 404);
      assert.equal((await brestAgent.get('/visits/abc')).status, 404);
      assert.deepEqual(await counts(admin), before);
      assert.equal((await agent.get(`/visits/${id}`)).status, 200);
    });

    it('a coordinator reads the visits of the département but corrects none', async () => {
      const id = await recordVisit(agent, rennes);
      const coord = await srv.login('coordinator');
      assert.equal((await coord.get(`/visits/${id}`)).status, 200);
      assert.equal((await coord.get(`/visits/${id}/edit`)).status, 403);
      assert.equal((await coord.get('/visits/new')).status, 403);
    });
  });

  it('corrects a visit, keeping its demands, within the correction window', async () => {
    const id = await recordVisit(agent, rennes, { d1_operator_code: 'cnav', d1_theme_code: 'social_sante' });
    const form = await agent.get(`/visits/${id}/edit`);
    assert.equal(form.status, 200);
    const demandId = findTags(form.text, 'input').find((a) => a.name === 'd1_id')?.value;
    assert.ok(demandId, 'the edit form does not carry the demand id');
    const before = await counts(admin);
    const res = await agent.post(`/visits/${id}/edit`, {
      ...visitFields(rennes, { channel: 'telephone', d1_operator_code: 'cnav', d1_outcome: 'doit_revenir' }),
      d1_id: demandId,
      csrf: csrfToken(form.text),
    });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 1000));
    const page = textOf((await agent.follow(res)).text);
    assert.match(page, /Modifications enregistrées/);
    assert.match(page, /Téléphone/);
    assert.match(page, /Doit revenir/);
    assert.deepEqual(await counts(admin), before, 'a correction changed the counts');
    assert.match(textOf((await admin.get('/audit')).text), new RegExp(`modification visit ${id}\\b`));
  });

  it('a correction window of 0 days refuses corrections and deletions', async () => {
    const malo = srv.sites.malo;
    const agentMalo = await srv.login('agentMalo');
    const id = await recordVisit(agentMalo, malo);
    // Only a manager of the site (or an admin) sets the window.
    assert.equal((await agentMalo.get(`/sites/${malo}/settings`)).status, 403);
    assert.equal((await (await srv.login('manager')).get(`/sites/${malo}/settings`)).status, 404);
    const manager = await srv.login('managerMalo');
    let res = await manager.submit(`/sites/${malo}/settings`, `/sites/${malo}/settings`, { correction_days: 'toujours' });
    assert.equal(res.status, 400);
    assert.match(textOf(res.text), /Délai de correction/);
    res = await manager.submit(`/sites/${malo}/settings`, `/sites/${malo}/settings`, { correction_days: '0' });
    assert.equal(res.status, 303);
    const edit = await agentMalo.get(`/visits/${id}/edit`);
    assert.equal(edit.status, 403);
    assert.match(textOf(edit.text), /aucune correction/);
    assert.equal((await agentMalo.get(`/visits/${id}/delete`)).status, 403);
    const { csrf } = await agentMalo.form('/visits/new');
    assert.equal((await agentMalo.post(`/visits/${id}/delete`, { csrf })).status, 403);
    assert.equal((await agentMalo.get(`/visits/${id}`)).status, 200, 'the visit should still be there');
    res = await manager.submit(`/sites/${malo}/settings`, `/sites/${malo}/settings`, { correction_days: '7' });
    assert.equal(res.status, 303);
    assert.equal((await agentMalo.get(`/visits/${id}/edit`)).status, 200);
  });

  it('deleting is soft, confirmed first, and journaled', async () => {
    const id = await recordVisit(agent, rennes, { d1_operator_code: 'urssaf', d1_theme_code: 'travail_formation' });
    const before = await counts(admin);
    const confirm = await agent.get(`/visits/${id}/delete`);
    assert.equal(confirm.status, 200);
    assert.ok(findTags(confirm.text, 'form').some((f) => f.action === `/visits/${id}/delete`));
    const res = await agent.post(`/visits/${id}/delete`, { csrf: csrfToken(confirm.text) });
    assert.equal(res.status, 303);
    assert.match(textOf((await agent.follow(res)).text), /Visite supprimée/);
    assert.equal((await agent.get(`/visits/${id}`)).status, 404);
    assert.deepEqual(await counts(admin), { visits: before.visits - 1, demands: before.demands - 1 });
    assert.match(textOf((await admin.get('/audit')).text), new RegExp(`suppression visit ${id}\\b`));
  });

  it('reading an identified person is journaled; anonymous visits are not', async () => {
    const id = await recordVisit(agent, rennes, {
      identified: '1',
      consent_reason: 'rappel',
      full_name: 'Jeanne Témoin',
      phone: '06 12 34 56 78',
    });
    const page = await agent.get(`/visits/${id}`);
    assert.match(textOf(page.text), /Jeanne Témoin/);
    const audit = textOf((await admin.get('/audit')).text);
    assert.match(audit, /consultation visitor \d+/, 'the read of an identified person is not journaled');
    assert.doesNotMatch(audit, /Jeanne/, 'the journal holds a name');
    // The journal and the search list no names.
    assert.doesNotMatch(textOf((await agent.get('/journal')).text), /Jeanne/);
    assert.doesNotMatch(textOf((await agent.get('/visits')).text), /Jeanne/);
  });

  it('filters by period, operator, theme, outcome, channel, site and agent', async () => {
    const two = await srv.login('agentTwo');
    const twoId = await srv.userId('agentTwo');
    const malo = srv.sites.malo;
    await recordVisit(two, malo, { channel: 'visio', d1_operator_code: 'ofpra', d1_theme_code: 'etrangers_europe', d1_outcome: 'escalade' });
    await recordVisit(two, rennes, { channel: 'visio', d1_operator_code: 'ofpra', d1_theme_code: 'etrangers_europe', d1_outcome: 'a_finaliser_en_autonomie' });
    assert.equal((await counts(admin, '?operator=ofpra')).visits, 2);
    assert.equal((await counts(admin, '?operator=ofpra&outcome=escalade')).visits, 1);
    assert.equal((await counts(admin, `?operator=ofpra&site=${malo}`)).visits, 1);
    assert.equal((await counts(admin, '?theme=etrangers_europe&channel=visio')).visits, 2);
    assert.equal((await counts(admin, `?agent=${twoId}`)).visits, 2);
    assert.equal((await counts(admin, `?operator=ofpra&from=${TODAY}&to=${TODAY}`)).visits, 2);
    assert.equal((await counts(admin, '?operator=ofpra&to=2001-01-01')).visits, 0);
    // The agent of Rennes sees the Rennes visit only.
    assert.equal((await counts(agent, '?operator=ofpra')).visits, 1);
    // Another site than one's own is a bad filter, not an empty answer.
    const res = await agent.get(`/visits?site=${malo}`);
    assert.equal(res.status, 400);

    const bad = [
      ['from=2024-13-01', 'from'],
      ['to=demain', 'to'],
      ['operator=nulle_part', 'operator'],
      ['theme=cuisine', 'theme'],
      ['outcome=peut_etre', 'outcome'],
      ['channel=pigeon', 'channel'],
      ['agent=moi', 'agent'],
      ['after=-3', 'after'],
      [`site=abc`, 'site'],
    ];
    for (const [q, field] of bad) {
      const r = await admin.get(`/visits?${q}`);
      assert.equal(r.status, 400, `?${q} answered ${r.status}`);
      assert.ok(summaryTargets(r.text).includes(field), `?${q}: the summary does not name ${field}`);
    }
  });

  it('pages through results with an "after" link', async () => {
    const malo = srv.sites.malo;
    const agentMalo = await srv.login('agentMalo');
    for (let i = 0; i < 52; i++) await recordVisit(agentMalo, malo, { d1_operator_code: 'banque_de_france', d1_theme_code: 'argent_impots' });
    const first = await admin.get('/visits?operator=banque_de_france');
    const next = findTags(first.text, 'a').find((a) => a.rel === 'next');
    assert.ok(next, 'no link to the next results');
    assert.match(next.href, /after=\d+/);
    assert.match(next.href, /operator=banque_de_france/);
    const second = await admin.get(next.href);
    assert.equal(second.status, 200);
    const rows = (html) => (html.match(/<tr><td>/g) ?? []).length;
    assert.equal(rows(first.text), 50);
    assert.equal(rows(second.text), 2);
    /* Viewed again, from the page and the rows kept in memory: the same
     * rows and the same link. */
    const again = await admin.get('/visits?operator=banque_de_france');
    assert.equal(findTags(again.text, 'a').find((a) => a.rel === 'next')?.href, next.href);
    assert.equal(rows(again.text), 50);
    assert.equal(again.text.replace(/name="csrf" value="[^"]*"/g, ''), first.text.replace(/name="csrf" value="[^"]*"/g, ''));
  });

  it('the day journal lists the visits of the site with their totals', async () => {
    const brestAgent = await srv.login('agentBrest');
    await recordVisit(brestAgent, brest, { d1_outcome: 'resolu' });
    await recordVisit(brestAgent, brest, {
      ndemands: '2',
      d1_outcome: 'doit_revenir',
      d2_operator_code: 'dgfip',
      d2_theme_code: 'argent_impots',
      d2_level: 'information',
      d2_outcome: 'resolu',
      d2_interpreting: 'aucun',
    });
    const res = await brestAgent.get('/journal');
    assert.equal(res.status, 200);
    const t = textOf(res.text);
    assert.match(t, /Visites 2 Demandes 3 Demandes résolues sur place 2 \(67 %\)/);
    assert.match(t, /Impôts \(DGFiP\)/);
    const prev = findTags(res.text, 'a').find((a) => a.rel === 'prev');
    const empty = await brestAgent.get(prev.href);
    assert.match(textOf(empty.text), /Visites 0 Demandes 0/);
    assert.equal((await brestAgent.get('/journal?date=2024-02-30')).status, 400);
    assert.equal((await brestAgent.get(`/journal?site=${rennes}`)).status, 400);
    // A coordinator of 35 reads Rennes' journal, not Brest's.
    const coord = await srv.login('coordinator');
    assert.equal((await coord.get(`/journal?site=${rennes}`)).status, 200);
    assert.equal((await coord.get(`/journal?site=${brest}`)).status, 400);
  });

  it('an agent of two sites chooses the site; the default is the first', async () => {
    const two = await srv.login('agentTwo');
    const res = await two.get('/visits/new');
    const select = findTags(res.text, 'select').find((s) => s.name === 'site_id');
    assert.ok(select, 'no choice of site for an agent of two sites');
    const chosen = await two.get(`/visits/new?site=${srv.sites.malo}`);
    assert.match(chosen.text, new RegExp(`<option value="${srv.sites.malo}" selected>`));
  });
});

describe('workshops', () => {
  let srv;
  let agent;

  before(async () => {
    srv = await setupServer({ users: { agent: DEFAULT_USERS.agent, agentBrest: DEFAULT_USERS.agentBrest } });
    agent = await srv.login('agent');
  });
  after(async () => {
    await srv?.stop();
    await srv?.cleanup();
  });

  const workshop = (over = {}) => ({
    site_id: String(srv.sites.rennes),
    topic_code: 'navigation_internet',
    level: 'debutant',
    date: TODAY,
    time: '00:00',
    duration_min: '90',
    participants: '8',
    g_feminin: '5',
    g_masculin: '3',
    a_60_69: '4',
    note: '',
    ...over,
  });

  it('records, reads, corrects and deletes a workshop', async () => {
    const topics = findTags((await agent.get('/workshops/new')).text, 'option').map((o) => o.value).filter(Boolean);
    const topic = topics.includes('navigation_internet') ? 'navigation_internet' : topics[0];
    let res = await agent.submit('/workshops/new', '/workshops', workshop({ topic_code: topic }));
    assert.equal(res.status, 303, textOf(res.text).slice(0, 1000));
    const id = /\/workshops\/(\d+)/.exec(res.location)[1];
    const page = await agent.follow(res);
    assert.match(textOf(page.text), /Atelier enregistré/);
    assert.match(textOf(page.text), /Nombre de participants 8/);
    assert.match(textOf((await agent.get('/workshops')).text), /Débutant/);

    res = await agent.submit(`/workshops/${id}/edit`, `/workshops/${id}/edit`, workshop({ topic_code: topic, level: 'avance' }));
    assert.equal(res.status, 303);
    assert.match(textOf((await agent.get(`/workshops/${id}`)).text), /Avancé/);

    const brest = await srv.login('agentBrest');
    assert.equal((await brest.get(`/workshops/${id}`)).status, 404);

    res = await agent.submit(`/workshops/${id}/delete`, `/workshops/${id}/delete`, {});
    assert.equal(res.status, 303);
    assert.equal((await agent.get(`/workshops/${id}`)).status, 404);
  });

  it('refuses counts above the participants, unknown levels and bad numbers', async () => {
    const cases = [
      [{ g_feminin: '9' }, 'by_gender'],
      [{ a_60_69: '9' }, 'by_age'],
      [{ level: 'expert' }, 'level'],
      [{ participants: 'dix' }, 'participants'],
      [{ topic_code: 'cuisine' }, 'topic_code'],
      [{ date: '2999-01-01' }, 'date'],
    ];
    for (const [over, field] of cases) {
      const res = await agent.submit('/workshops/new', '/workshops', workshop(over));
      assert.equal(res.status, 400, JSON.stringify(over));
      assert.ok(summaryTargets(res.text).includes(field), `${JSON.stringify(over)}: ${summaryTargets(res.text)}`);
      assertSummaryLinksResolve(res.text);
    }
    assert.doesNotMatch(textOf((await agent.get('/workshops')).text), /Débutant|Avancé/);
  });
});

describe('the commune picker with the official geography', () => {
  let srv;
  let agent;

  before(async () => {
    srv = await setupServer({ users: { agent: DEFAULT_USERS.agent, admin: DEFAULT_USERS.admin } });
    const dir = path.join(srv.dir, 'geo');
    await fs.mkdir(dir);
    const commune = (code, nom, dep, cps, population) => ({ code, nom, type: 'commune-actuelle', departement: dep, region: dep === '93' ? '11' : '53', codesPostaux: cps, population });
    await fs.writeFile(path.join(dir, 'communes.json'), JSON.stringify([
      commune('35238', 'Rennes', '35', ['35000', '35200', '35700'], 220000),
      commune('35288', 'Saint-Malo', '35', ['35400'], 46000),
      commune('35051', 'Cesson-Sévigné', '35', ['35510'], 18000),
      commune('93066', 'Saint-Denis', '93', ['93200', '93210'], 113000),
      commune('97411', 'Saint-Denis', '974', ['97400', '97490'], 153000),
    ]));
    await fs.writeFile(path.join(dir, 'departements.json'), JSON.stringify([
      { code: '35', nom: 'Ille-et-Vilaine', region: '53' },
      { code: '93', nom: 'Seine-Saint-Denis', region: '11' },
      { code: '974', nom: 'La Réunion', region: '04' },
    ]));
    await fs.writeFile(path.join(dir, 'regions.json'), JSON.stringify([
      { code: '53', nom: 'Bretagne' }, { code: '11', nom: 'Île-de-France' }, { code: '04', nom: 'La Réunion' },
    ]));
    await srv.cliOk(['geo', 'load', '--dir', dir]);
    agent = await srv.login('agent');
  });
  after(async () => {
    await srv?.stop();
    await srv?.cleanup();
  });

  it('resolves a name, a postcode or a code, and offers a choice between homonyms', async () => {
    const rennes = srv.sites.rennes;
    for (const typed of ['Rennes', '35000', '35238', 'rennes', 'Cesson-Sévigné', 'Saint-Malo (35288)']) {
      const id = await recordVisit(agent, rennes, { commune_insee: typed });
      // The visit page shows the postcodes people know, not the INSEE code.
      const expected = typed.startsWith('Saint-Malo') ? 'Saint-Malo \\(35400\\)' : typed.startsWith('Cesson') ? 'Cesson-Sévigné \\(35510\\)' : 'Rennes \\(35000, 35200, 35700\\)';
      assert.match(textOf((await agent.get(`/visits/${id}`)).text), new RegExp(expected), `typed ${typed}`);
    }
    const ambiguous = await postVisit(agent, visitFields(rennes, { commune_insee: 'Saint-Denis' }));
    assert.equal(ambiguous.status, 400);
    const select = findTags(ambiguous.text, 'select').find((s) => s.name === 'commune_insee');
    assert.ok(select, 'no choice between the two Saint-Denis');
    const options = findTags(ambiguous.text, 'option').map((o) => o.value);
    assert.ok(options.includes('Saint-Denis (93066)') && options.includes('Saint-Denis (97411)'), options.join(' | '));
    const chosen = await agent.post('/visits', { ...visitFields(rennes, { commune_insee: 'Saint-Denis (97411)' }), csrf: csrfToken(ambiguous.text) });
    assert.equal(chosen.status, 303);
    const none = await postVisit(agent, visitFields(rennes, { commune_insee: 'Atlantide' }));
    assert.equal(none.status, 400);
    assert.match(textOf(none.text), /Aucune commune ne correspond/);
  });
});
