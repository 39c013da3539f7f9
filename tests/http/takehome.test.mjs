// takehome.test.mjs: the take-home summary of a visit, GET
// /visits/{id}/summary (docs/takehome.md). Access as for the visit page (an
// adviser of another site gets 404 like for a missing visit); each public
// language answers with its lang and dir, the default being the first
// language recorded for the visitor; no name, telephone or e-mail of the
// person unless the adviser asks for the name; the documents to bring and
// the official link (text and QR code) are there; the opening hours come
// from the queue's weekly hours, else from the site's text; a bad lang or
// format answers a clear 400; Cache-Control no-store; reading the summary
// of an identified visitor is journaled.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { before, describe, it } from 'node:test';

import { findTags, htmlAttributes, ON_PG, serverForSuite, textOf } from './lib.mjs';

const PUBLIC = ['fr', 'en', 'ar', 'fa', 'ps', 'prs', 'uk', 'ru', 'ti', 'es', 'pt', 'ro', 'tr', 'ta', 'bn', 'sq', 'ka', 'so', 'ku', 'zh'];
const RTL = new Set(['ar', 'fa', 'ps', 'prs']);
const NAME = 'Fatima Zahra Benali';
const PHONE = '06 11 22 33 44';
const EMAIL = 'fatima.benali@example.org';

async function sql(srv, statement) {
  const [cmd, args] = ON_PG ? ['psql', ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-d', srv.db, '-c', statement]] : ['sqlite3', ['-cmd', '.timeout 5000', srv.db, statement]];
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

/** The <html> element's lang and dir. */
function htmlLangDir(html) {
  const a = htmlAttributes(html);
  assert.ok(a.lang, 'no <html lang>');
  return a;
}

describe('the take-home summary of a visit', () => {
  let srv;
  const tokens = {};
  serverForSuite((s) => (srv = s), {
    tokens,
    tokenUsers: ['agent', 'agentBrest', 'manager'],
    sites: {
      rennes: { name: 'France services Rennes Centre', type: 'france_services', commune: '35238', address: '12 rue de la Poste, 35000 Rennes', hours: 'Du lundi au vendredi, 9 h – 12 h 30' },
      malo: { name: 'Mairie de Saint-Malo', type: 'mairie', commune: '35288' },
      brest: { name: 'Médiathèque de Brest', type: 'mediatheque', commune: '29019' },
    },
  });

  const call = (key, p, body) =>
    srv.client().request(body ? 'POST' : 'GET', p, {
      headers: { authorization: `Bearer ${tokens[key]}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });

  const proc = async (label) => Number(await sql(srv, `SELECT id FROM procedures WHERE label = '${label.replace(/'/g, "''")}'`));

  let anonymous; // Arabic speaker, three demands
  let identified; // Ukrainian speaker, named, one demand
  let english; // no public language recorded
  let agent;
  let brest;
  let manager;

  before(async () => {
    const apl = await proc('Aide au logement (APL)');
    const permis = await proc('Permis de conduire');
    const grise = await proc("Carte grise (certificat d'immatriculation)");
    const create = async (body) => {
      const res = await call('agent', '/api/v1/visits', body);
      assert.equal(res.status, 201, res.text);
      return res.json().id;
    };
    anonymous = await create({
      started_at: '2025-03-04T10:15:00+01:00',
      channel: 'guichet_spontane',
      duration_min: 30,
      visitor: { gender: 'feminin', age_bracket: '70_plus', languages: ['ar'], allophone: true, no_phone: true },
      demands: [
        { operator_code: 'cnaf', theme_code: 'logement', procedure_id: apl, level: 'fait_avec', outcome: 'resolu' },
        { operator_code: 'ants', theme_code: 'transports_mobilite', procedure_id: permis, level: 'fait_pour', mandate_type: 'papier', outcome: 'escalade' },
        { operator_code: 'ants', theme_code: 'transports_mobilite', procedure_id: grise, level: 'information', outcome: 'doit_revenir' },
      ],
    });
    identified = await create({
      started_at: '2025-03-05T14:00:00+01:00',
      channel: 'guichet_rdv',
      duration_min: 20,
      visitor: { gender: 'feminin', age_bracket: '40_59', languages: ['uk'], allophone: true, identified: true, consent_reason: 'suivi', full_name: NAME, phone: PHONE, email: EMAIL },
      demands: [{ operator_code: 'cnaf', theme_code: 'logement', procedure_id: apl, level: 'information', outcome: 'oriente', referral_type: 'aide_sociale' }],
    });
    english = await create({
      started_at: '2025-03-06T09:00:00+01:00',
      channel: 'guichet_spontane',
      duration_min: 15,
      visitor: { gender: 'masculin', age_bracket: '25_39', languages: ['it'], allophone: true },
      demands: [{ operator_code: 'dgfip', theme_code: 'argent_impots', procedure_text: 'Déclaration de revenus', level: 'fait_avec', outcome: 'a_finaliser_en_autonomie' }],
    });
    agent = await srv.login('agent');
    brest = await srv.login('agentBrest');
    manager = await srv.login('manager');
  });

  describe('access', () => {
    it('opens to the staff who may read the visit, and hides it from the others like a missing one', async () => {
      const ok = await agent.get(`/visits/${anonymous}/summary`);
      assert.equal(ok.status, 200, ok.text.slice(0, 500));
      assert.equal((await manager.get(`/visits/${anonymous}/summary`)).status, 200);
      const other = await brest.get(`/visits/${anonymous}/summary`);
      const missing = await brest.get('/visits/999999/summary');
      assert.equal(other.status, 404);
      assert.equal(missing.status, 404);
      assert.equal((await brest.get(`/visits/${anonymous}`)).status, 404, 'the visit page answers the same');
      const anon = await srv.client().get(`/visits/${anonymous}/summary`);
      assert.ok([302, 303].includes(anon.status), `not logged in: ${anon.status}`);
      assert.match(anon.location ?? '', /^\/login/);
    });

    it('is linked from the visit page', async () => {
      const res = await agent.get(`/visits/${anonymous}`);
      assert.equal(res.status, 200);
      assert.ok(findTags(res.text, 'a').some((a) => a.href === `/visits/${anonymous}/summary`), 'no link to the summary');
    });

    it('is never cached', async () => {
      const res = await agent.get(`/visits/${anonymous}/summary`);
      assert.equal(res.header('cache-control'), 'no-store');
    });
  });

  describe('languages', () => {
    it('defaults to the first public language recorded for the visitor, else French', async () => {
      const ar = htmlLangDir((await agent.get(`/visits/${anonymous}/summary`)).text);
      assert.deepEqual([ar.lang, ar.dir], ['ar', 'rtl']);
      assert.equal(htmlLangDir((await agent.get(`/visits/${identified}/summary`)).text).lang, 'uk');
      assert.equal(htmlLangDir((await agent.get(`/visits/${english}/summary`)).text).lang, 'fr', 'Italian is no public language');
    });

    it('answers each public language with its lang and dir, the catalog names marked French', async () => {
      const fr = textOf((await agent.get(`/visits/${anonymous}/summary?lang=fr`)).text);
      for (const code of PUBLIC) {
        const res = await agent.get(`/visits/${anonymous}/summary?lang=${code}`);
        assert.equal(res.status, 200, `${code}: ${res.status}`);
        const a = htmlLangDir(res.text);
        assert.equal(a.lang, code);
        assert.equal(a.dir, RTL.has(code) ? 'rtl' : 'ltr', code);
        if (code !== 'fr') {
          assert.notEqual(textOf(res.text), fr, `${code}: the same text as in French`);
          assert.match(res.text, new RegExp(`<span lang="fr"${RTL.has(code) ? ' dir="ltr"' : ''}>Aide au logement \\(APL\\)</span>`), `${code}: the procedure is not marked French`);
          assert.match(res.text, /<ul class="th-docs" lang="fr">/, `${code}: the documents are not marked French`);
        }
        /* The chooser names every language in itself, the current one marked. */
        const current = findTags(res.text, 'a').filter((t) => t['aria-current'] === 'true');
        assert.equal(current.length, 1, code);
        assert.equal(current[0].hreflang, code);
        assert.equal(current[0].href, `/visits/${anonymous}/summary?lang=${code}&format=a4`);
      }
    });

    it('keeps the adviser\'s controls in the adviser\'s language', async () => {
      const res = await agent.get(`/visits/${anonymous}/summary?lang=uk`);
      assert.match(res.text, /<div class="th-controls" lang="fr" dir="ltr">/);
      assert.match(res.text, /Retour à la visite/);
    });

    it('answers a clear 400 for an unknown language or format', async () => {
      for (const q of ['lang=xx', 'lang=de', 'lang=%3Cscript%3E', 'format=a5', 'format=A4%22']) {
        const res = await agent.get(`/visits/${anonymous}/summary?${q}`);
        assert.equal(res.status, 400, q);
        assert.match(textOf(res.text), /Langue inconnue|Format inconnu/, q);
        assert.doesNotMatch(res.text, /<script>/);
      }
      assert.equal((await agent.get(`/visits/${anonymous}/summary?lang=&format=`)).status, 200, 'empty means the defaults');
    });
  });

  describe('content', () => {
    it('says what was done, how it ended and what comes next for each demand', async () => {
      const t = textOf((await agent.get(`/visits/${anonymous}/summary?lang=fr`)).text);
      assert.match(t, /Nous avons fait la démarche avec vous\./);
      assert.match(t, /C'est terminé : votre démarche est faite\./);
      assert.match(t, /Nous avons fait la démarche pour vous, avec votre accord écrit \(mandat\)\./);
      assert.match(t, /Nous avons envoyé votre demande à l'organisme\./);
      assert.match(t, /L'organisme va répondre\. Nous vous dirons sa réponse\./);
      assert.match(t, /Nous vous avons donné des informations\./);
      assert.match(t, /Revenez nous voir pour finir la démarche\./);
      assert.equal((t.match(/Aujourd'hui/g) ?? []).length, 3, 'one part per demand');
      const ref = textOf((await agent.get(`/visits/${identified}/summary?lang=fr`)).text);
      assert.match(ref, /Allez voir ce service :\s*Un service d'aide sociale/);
    });

    it('lists the documents to bring, one per line, and the official link as text and QR code', async () => {
      const html = (await agent.get(`/visits/${anonymous}/summary?lang=fr`)).text;
      /* The card grise demand must come back: its five documents. */
      const list = html.match(/<ul class="th-docs">([\s\S]*?)<\/ul>/);
      assert.ok(list, 'no list of documents');
      const items = findTags(list[1], 'li').length;
      assert.equal(items, 5);
      assert.match(list[1], /<li>Certificat de cession ou facture d&#39;achat<\/li>|<li>Certificat de cession ou facture d'achat<\/li>/);
      assert.match(html, /href="https:\/\/www\.service-public\.fr\/particuliers\/vosdroits\/N367">https:\/\/www\.service-public\.fr\/particuliers\/vosdroits\/N367</);
      assert.equal((html.match(/<svg [^>]*class="qr"/g) ?? []).length, 3, 'a QR code per procedure with a link');
      assert.match(html, /<title>Code QR du site officiel de cette démarche<\/title>/);
      /* A resolved demand has nothing to bring. */
      assert.equal((html.match(/<ul class="th-docs"/g) ?? []).length, 1);
    });

    it('links only to web addresses, and gives a procedure typed by hand without documents or link', async () => {
      const id = await proc("Prime d'activité");
      await sql(srv, `UPDATE procedures SET url = 'javascript:alert(1)' WHERE id = ${id}`);
      const res = await call('agent', '/api/v1/visits', {
        started_at: '2025-03-07T09:00:00+01:00',
        channel: 'guichet_spontane',
        duration_min: 15,
        visitor: { gender: 'feminin', age_bracket: '40_59' },
        demands: [{ operator_code: 'cnaf', theme_code: 'social_sante', procedure_id: id, level: 'fait_avec', outcome: 'doit_revenir' }],
      });
      assert.equal(res.status, 201, res.text);
      const html = (await agent.get(`/visits/${res.json().id}/summary`)).text;
      assert.doesNotMatch(html, /javascript:/);
      assert.doesNotMatch(html, /class="qr"/);
      assert.match(html, /<ul class="th-docs">/, 'the documents are still there');
      const typed = (await agent.get(`/visits/${english}/summary`)).text;
      assert.match(textOf(typed), /1\. Déclaration de revenus — /);
      assert.doesNotMatch(typed, /th-docs|class="qr"|th-url/);
    });

    it('gives the site\'s address and its opening hours as text', async () => {
      const t = textOf((await agent.get(`/visits/${anonymous}/summary?lang=fr`)).text);
      assert.match(t, /France services Rennes Centre/);
      assert.match(t, /12 rue de la Poste, 35000 Rennes/);
      assert.match(t, /Nos horaires d'ouverture\s*Du lundi au vendredi, 9 h – 12 h 30/);
      assert.match(t, /04\/03\/2025/);
    });

    it('gives the queue\'s weekly hours when the site has set them', async () => {
      const id = srv.sites.rennes;
      await sql(srv, `INSERT INTO queue_settings (site_id, show_names, hours_set, kiosk_languages, kiosk_needs, updated_at) VALUES (${id}, 0, 1, '', 15, 0)`);
      for (let d = 1; d <= 7; d++) {
        const [o, c] = d <= 5 ? [540, 1020] : [0, 0];
        await sql(srv, `INSERT INTO queue_hours (site_id, weekday, opens, closes) VALUES (${id}, ${d}, ${o}, ${c})`);
      }
      try {
        const t = textOf((await agent.get(`/visits/${anonymous}/summary?lang=fr`)).text);
        assert.match(t, /Lundi\s*09:00 – 17:00/);
        assert.match(t, /Samedi\s*Fermé/);
        assert.doesNotMatch(t, /Du lundi au vendredi/);
        const uk = textOf((await agent.get(`/visits/${anonymous}/summary?lang=uk`)).text);
        assert.match(uk, /Понеділок\s*09:00 – 17:00/);
      } finally {
        await sql(srv, `DELETE FROM queue_hours WHERE site_id = ${id}`);
        await sql(srv, `DELETE FROM queue_settings WHERE site_id = ${id}`);
      }
    });

    it('shows no name, telephone or e-mail of the person unless the adviser asks for her name', async () => {
      for (const code of ['fr', 'uk', 'ar']) {
        const html = (await agent.get(`/visits/${identified}/summary?lang=${code}`)).text;
        assert.ok(!html.includes(NAME), `${code}: the name is on the summary`);
        assert.ok(!html.includes(PHONE) && !html.includes(EMAIL), `${code}: telephone or e-mail on the summary`);
      }
      const named = (await agent.get(`/visits/${identified}/summary?lang=uk&name=1`)).text;
      assert.ok(named.includes(NAME), 'the name asked for is printed');
      assert.ok(!named.includes(PHONE) && !named.includes(EMAIL), 'never the telephone or the e-mail');
      /* The tick box exists only for an identified visitor; ?name=1 prints nothing for the others. */
      assert.match(named, /name="name" id="th-name" value="1" checked/);
      const anon = (await agent.get(`/visits/${anonymous}/summary?name=1`)).text;
      assert.doesNotMatch(anon, /id="th-name"/);
      assert.doesNotMatch(anon, /class="th-name"/);
    });

    it('journals reading the summary of an identified visitor, and not of an anonymous one', async () => {
      const count = async () => Number(await sql(srv, "SELECT COUNT(*) FROM audit WHERE action = 'read' AND object = 'visitor' AND detail LIKE 'takehome%'"));
      const before0 = await count();
      await agent.get(`/visits/${anonymous}/summary`);
      assert.equal(await count(), before0, 'an anonymous visit is not journaled');
      await agent.get(`/visits/${identified}/summary`);
      await agent.get(`/visits/${identified}/summary?name=1`);
      assert.equal(await count(), before0 + 2);
      assert.equal(await sql(srv, "SELECT detail FROM audit WHERE detail LIKE 'takehome%' ORDER BY id DESC LIMIT 1"), 'takehome name');
    });

    it('prints on A4 or on an 80 mm receipt', async () => {
      const a4 = (await agent.get(`/visits/${anonymous}/summary?format=a4`)).text;
      assert.match(a4, /href="\/static\/takehome\.css"/);
      assert.doesNotMatch(a4, /takehome-receipt\.css/);
      const receipt = (await agent.get(`/visits/${anonymous}/summary?format=receipt`)).text;
      assert.match(receipt, /href="\/static\/takehome-receipt\.css"/);
      assert.match(receipt, /<body class="takehome takehome-receipt">/);
      for (const css of ['/static/takehome.css', '/static/takehome-receipt.css', '/static/takehome.js']) {
        const res = await srv.client().get(css);
        assert.equal(res.status, 200, css);
      }
      const sheet = (await srv.client().get('/static/takehome-receipt.css')).text;
      assert.match(sheet, /@page\s*\{\s*size:\s*80mm/);
    });
  });
});
