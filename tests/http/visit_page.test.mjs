// visit_page.test.mjs: a visit's page shows every recorded fact with its
// label: "does not speak French", the interpreting as its way and its
// language apart, the commune with its postcode (not its INSEE code), an
// escalated demand's date and the place of its follow-up; the catalog's
// names carry lang="fr" on a page in another language; the day journal
// and the search give enough to recognise a visit (time, channel, age
// bracket, first demand, adviser, number of demands).

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';

import { serverForSuite, textOf } from './lib.mjs';

/* Vitré: INSEE code 35360, postcode 35500 (people read a postcode). */
async function loadGeography(srv) {
  const dir = path.join(srv.dir, 'geo');
  await fs.mkdir(dir, { recursive: true });
  const commune = (code, nom, cps) => ({ code, nom, type: 'commune-actuelle', departement: '35', region: '53', codesPostaux: cps, population: 1000 });
  await fs.writeFile(path.join(dir, 'communes.json'), JSON.stringify([
    commune('35360', 'Vitré', ['35500']),
    commune('35238', 'Rennes', ['35000', '35200', '35700']),
  ]));
  await fs.writeFile(path.join(dir, 'departements.json'), JSON.stringify([{ code: '35', nom: 'Ille-et-Vilaine', region: '53' }]));
  await fs.writeFile(path.join(dir, 'regions.json'), JSON.stringify([{ code: '53', nom: 'Bretagne' }]));
  await srv.cliOk(['geo', 'load', '--dir', dir]);
}

/* The visit of the issue: a woman of 70 who does not speak French (Arabic,
 * telephone interpreting), two demands: CAF done with her, ANTS escalated. */
const STARTED = '2026-12-03T10:32:00Z';
function visitBody() {
  return {
    started_at: STARTED,
    channel: 'guichet_spontane',
    duration_min: 30,
    visitor: { gender: 'feminin', age_bracket: '70_plus', commune_insee: '35360', allophone: true, languages: ['ar'] },
    demands: [
      { operator_code: 'cnaf', theme_code: 'social_sante', level: 'fait_avec', outcome: 'resolu', interpreting: 'telephone', interpreting_lang: 'ar' },
      { operator_code: 'ants', theme_code: 'papiers_citoyennete', level: 'fait_avec', outcome: 'escalade', interpreting: 'telephone', interpreting_lang: 'ar' },
    ],
  };
}

/** The <dd> after the <dt> term, as text. */
function term(html, t) {
  const re = new RegExp(`<dt>${t}</dt><dd[^>]*>([\\s\\S]*?)</dd>`);
  const m = re.exec(html);
  return m ? textOf(m[1]).trim() : null;
}

describe('a visit page, the day journal and the search', () => {
  let srv;
  const tokens = {};
  serverForSuite((s) => (srv = s), { tokens, tokenUsers: ['agent'] });
  let id;
  let agent;

  before(async () => {
    await loadGeography(srv);
    const res = await srv.client().request('POST', '/api/v1/visits', {
      headers: { authorization: `Bearer ${tokens.agent}`, 'content-type': 'application/json' },
      body: JSON.stringify({ site_id: srv.sites.rennes, ...visitBody() }),
    });
    assert.equal(res.status, 201, res.text);
    id = res.json().id;
    agent = await srv.login('agent');
  });

  it('labels every fact in French', async () => {
    const res = await agent.get(`/visits/${id}`);
    assert.equal(res.status, 200);
    const html = res.text;
    assert.equal(term(html, 'Ne parle pas français'), 'oui');
    assert.equal(term(html, 'Langues parlées'), 'arabe');
    assert.equal(term(html, 'Interprétariat'), 'par téléphone, en arabe');
    assert.equal(term(html, 'Commune de résidence'), 'Vitré (35500)');
    assert.doesNotMatch(textOf(html), /35360/, 'the INSEE code is shown where people read a postcode');
    assert.equal(term(html, 'Résultat'), 'Résolu sur place');
    assert.equal(term(html, 'Escalade'), 'Escaladée le 3 décembre 2026');
    assert.ok(term(html, "Suivi de l&#39;escalade") ?? term(html, "Suivi de l'escalade"), 'no place for the escalation\'s follow-up');
    assert.match(html, /<dd class="escalation-status">/);
    // A French page needs no lang="fr" inside it.
    assert.doesNotMatch(html, /<main[\s\S]*lang="fr"/);
  });

  it('in English and Arabic: labels translated, the catalog names marked French', async () => {
    for (const [code, allophone, interp] of [
      ['en', 'Does not speak French', 'by telephone, in Arabic'],
      ['ar', null, null],
    ]) {
      const c = await srv.login('agent');
      c.setCookie('guichet_lang', code);
      const res = await c.get(`/visits/${id}`);
      assert.equal(res.status, 200);
      const html = res.text;
      assert.match(html, new RegExp(`<html lang="${code}"`), `not in ${code}`);
      if (allophone) {
        assert.equal(term(html, allophone), 'yes');
        assert.equal(term(html, 'Interpreting'), interp);
      }
      assert.doesNotMatch(textOf(html), /Ne parle pas français|par téléphone|Escaladée le/, `French left in the ${code} page`);
      // The operators' names are French data.
      const names = [...html.matchAll(/<dd lang="fr">([^<]*)<\/dd>/g)].map((m) => m[1]);
      assert.ok(names.some((n) => /CAF/.test(n)), `${code}: no lang="fr" on the CAF: ${names}`);
      assert.ok(names.some((n) => /ANTS/.test(n)), `${code}: no lang="fr" on the ANTS: ${names}`);
      assert.ok(names.some((n) => /Vitré \(35500\)/.test(n)), `${code}: no lang="fr" on the commune: ${names}`);
    }
  });

  it('the catalog pages, the reports and the search mark the catalog names as French', async () => {
    const admin = await srv.login('admin');
    admin.setCookie('guichet_lang', 'ar');
    const operators = await admin.get('/admin/operators');
    assert.match(operators.text, /<span lang="fr">CAF \(CNAF\)<\/span>/);
    const procedures = await admin.get('/admin/procedures');
    assert.match(procedures.text, /<td lang="fr">CAF \(CNAF\)<\/td>/);
    const search = await admin.get('/visits');
    assert.match(search.text, /<option value="cnaf" lang="fr">CAF \(CNAF\)<\/option>/);
    const report = await admin.get(`/reports/site/${srv.sites.rennes}?from=2026-12-01&to=2026-12-31`);
    assert.equal(report.status, 200);
    assert.match(report.text, /<th scope="row"><span lang="fr">CAF \(CNAF\)<\/span><\/th>/);
    // In French, nothing to mark.
    admin.setCookie('guichet_lang', 'fr');
    assert.doesNotMatch((await admin.get('/admin/operators')).text, /lang="fr">CAF/);
  });

  it('the journal and the search rows tell the visit apart', async () => {
    for (const p of [`/journal?site=${srv.sites.rennes}&date=2026-12-03`, '/visits?from=2026-12-03&to=2026-12-03']) {
      const res = await agent.get(p);
      assert.equal(res.status, 200, p);
      const row = /<tr><td>[\s\S]*?<\/tr>/.exec(res.text)?.[0];
      assert.ok(row, `${p}: no row`);
      const t = textOf(row);
      assert.match(t, /10:32/, p);
      assert.match(t, /Accueil spontané/, p);
      assert.match(t, /70 ans et plus/, p);
      assert.match(t, /CAF \(CNAF\)/, p);
      assert.match(t, /France Titres \(ANTS\)/, p);
      assert.match(t, /Agathe Conseillère/, p);
      assert.match(row, /<td><span class="cell-head" aria-hidden="true">Demandes<\/span>2<\/td>/, p);
      // The table's frame is a named region the keyboard reaches.
      const wrap = /<div class="table-wrap"[^>]*>/.exec(res.text)[0];
      assert.match(wrap, /tabindex="0"/);
      assert.match(wrap, /role="region"/);
      const label = /aria-labelledby="([^"]+)"/.exec(wrap)[1];
      assert.ok(res.text.includes(`<caption id="${label}">`), wrap);
    }
  });
});
