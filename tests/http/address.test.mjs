// address.test.mjs: addresses (docs/addresses.md). The command line:
// `guichet address format` (JSON lines in, JSON lines out, with and without
// the official geography; communes déléguées on line 5; choices when the
// postcode and the town need one; bad lines answered, never fatal) and
// `guichet address load-bal` (the fixture loads; a bad file names its line
// and changes nothing). The pages: the adviser's page (fields, free text,
// proposals, the Base Adresse Locale's road, number and old description),
// the "who to tell" checklist in every public language (400 for an unknown
// one), a visit's ticks (stored as codes only, refused to an adviser of
// another site, unknown codes refused), and the admin's catalog.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { decodeEntities, htmlAttributes, ROOT, run, serverForSuite, setupServer, stopServer, textOf } from './lib.mjs';

const FIXTURE = path.join(ROOT, 'tests', 'fixtures', 'bal_exemple.csv');
const PUBLIC = ['fr', 'en', 'ar', 'fa', 'ps', 'prs', 'uk', 'ru', 'ti', 'es', 'pt', 'ro', 'tr', 'ta', 'bn', 'sq', 'ka', 'so', 'ku', 'zh'];
const RTL = new Set(['ar', 'fa', 'ps', 'prs']);

const lines = (stdout) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('guichet address format, without a database', () => {
  it('writes the lines, explains the changes and reports errors line by line', async () => {
    const input = [
      JSON.stringify({ recipient: 'Mme Jeanne Martin', number: '12', suffix: 'bis', street: 'avenue du Général de Gaulle', postcode: '75015', town: 'Paris' }),
      JSON.stringify({ text: 'M. Paul Durand\nLieu-dit la Grange Neuve\n49750 Chemillé' }),
      'not json',
      JSON.stringify({ street: 'rue', colour: 'blue' }),
      JSON.stringify({ number: '3', postcode: '75015', town: 'Paris' }),
    ].join('\n');
    const r = await run(['address', 'format'], { input, env: { GUICHET_DB: '' } });
    assert.equal(r.code, 1, 'an address that cannot be written makes the exit status 1');
    const out = lines(r.stdout);
    assert.equal(out.length, 5, r.stdout);
    assert.deepEqual(out[0].lines, ['Mme Jeanne Martin', '12 B AVENUE DU GENERAL DE GAULLE', '75015 PARIS']);
    assert.ok(out[0].changes.some((c) => c.field === 'suffix' && c.before === 'bis' && c.after === 'B'));
    assert.ok(out[0].changes.every((c) => c.msgid && c.message), 'every change is explained');
    assert.deepEqual(out[0].errors, []);
    assert.deepEqual(out[1].lines, ['M. Paul Durand', 'LA GRANGE NEUVE', '49750 CHEMILLE']);
    assert.equal(out[2].errors[0].field, 'input');
    assert.match(out[3].errors[0].message, /unknown member/);
    assert.deepEqual(out[4].lines, []);
    assert.ok(out[4].errors.length > 0);
  });
});

describe('guichet address with the official geography', () => {
  let srv;
  before(async () => {
    srv = await setupServer({ start: false });
    await srv.cliOk(['geo', 'load']);
  });
  after(() => stopServer(srv));

  it('writes a commune déléguée on line 5 and the current commune on line 6', async () => {
    const out = lines(await srv.cliOk(['address', 'format'], { input: JSON.stringify({ text: 'Mme Dupont, 3 rue de l’Église, 49750 Chanzeaux' }) + '\n' }));
    assert.deepEqual(out[0].lines, ['Mme Dupont', '3 RUE DE L EGLISE', 'CHANZEAUX', '49750 CHEMILLE EN ANJOU']);
    assert.equal(out[0].insee, '49092');
    assert.ok(out[0].changes.some((c) => c.code === 16), 'the move of the former commune is explained');
  });

  it('proposes the places when the postcode and the town need a choice', async () => {
    const r = await run(['address', 'format', '--db', srv.db], { input: JSON.stringify({ street: 'rue des Lilas', town: 'Chanzeaux' }) + '\n' });
    assert.equal(r.code, 1);
    const [o] = lines(r.stdout);
    assert.deepEqual(o.lines, []);
    const pcs = o.proposals.map((p) => p.postcode).sort();
    assert.deepEqual(pcs, ['49120', '49310', '49670', '49750']);
    assert.ok(o.proposals.every((p) => p.line5 === 'Chanzeaux' && p.insee === '49092'));
  });

  it('loads a Base Adresse Locale, and a bad one changes nothing', async () => {
    const out = await srv.cliOk(['address', 'load-bal', FIXTURE]);
    assert.match(out, /loaded 5 addresses of 1 commune/);
    const bad = path.join(srv.dir, 'bad.csv');
    const fs = await import('node:fs/promises');
    const head = 'cle_interop;commune_insee;commune_nom;voie_nom;numero;suffixe\n';
    await fs.writeFile(bad, head + '49092_0001_00001;49092;Chemillé-en-Anjou;Rue Neuve;1;\n49092_0001_00002;49092;Chemillé-en-Anjou;Rue Neuve;deux;\n');
    let r = await run(['address', 'load-bal', '--db', srv.db, bad]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /line 3: numero is not a number/);
    assert.match(r.stderr, /nothing was changed/);
    await fs.writeFile(bad, 'commune_insee;commune_nom;voie_nom;numero\n49092;X;Rue;1\n');
    r = await run(['address', 'load-bal', '--db', srv.db, bad]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /line 1: a required column is missing: cle_interop/);
    await fs.writeFile(bad, head + 'x;99999;Nulle part;Rue;1;\n');
    r = await run(['address', 'load-bal', '--db', srv.db, bad]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /line 2: commune 99999 is not in the geography/);
    r = await run(['address', 'load-bal', '--db', srv.db, path.join(srv.dir, 'missing.csv')]);
    assert.equal(r.code, 1);
  });
});

describe('the address pages', () => {
  let srv;
  const tokens = {};
  serverForSuite((s) => (srv = s), { tokens, tokenUsers: ['agent'] });
  let agent;
  let brest;
  let admin;
  let visit;

  before(async () => {
    await srv.stop();
    await srv.cliOk(['geo', 'load']);
    await srv.cliOk(['address', 'load-bal', FIXTURE]);
    await srv.start();
    agent = await srv.login('agent');
    brest = await srv.login('agentBrest');
    admin = await srv.login('admin');
    const res = await srv.client().request('POST', '/api/v1/visits', {
      headers: { authorization: `Bearer ${tokens.agent}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        started_at: '2025-03-04T10:15:00+01:00',
        channel: 'guichet_spontane',
        duration_min: 30,
        visitor: { gender: 'feminin', age_bracket: '70_plus', languages: ['ar'] },
        demands: [{ operator_code: 'cnaf', theme_code: 'logement', procedure_text: "Changement d'adresse", level: 'fait_avec', outcome: 'resolu' }],
      }),
    });
    assert.equal(res.status, 201, res.text);
    visit = res.json().id;
  });

  it('asks for a login', async () => {
    const res = await srv.client().get('/address');
    assert.equal(res.status, 303);
  });

  it('writes the address from free text and explains the changes', async () => {
    const res = await agent.submit('/address', '/address', { mode: 'text', text: 'Mme Dupont\n3 bis chemin de la Mare aux Loups\n49750 Chanzeaux' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['cache-control'], 'no-store');
    const t = textOf(res.text);
    assert.match(t, /3 B CHEMIN DE LA MARE AUX LOUPS/);
    assert.match(t, /CHANZEAUX/);
    assert.match(t, /49750 CHEMILLE EN ANJOU/);
    assert.match(t, /Le suffixe « bis » s'écrit B/);
    assert.match(t, /La voie et le numéro existent dans la Base Adresse Locale/);
    // The split is shown in the fields, for the adviser to correct.
    assert.match(res.text, /name="street"[^>]*value="chemin de la Mare aux Loups"/);
  });

  it('says when the number is not in the commune’s file, and matches an old description', async () => {
    const res = await agent.submit('/address', '/address', { mode: 'fields', number: '8', street: 'chemin de la Mare aux Loups', postcode: '49750', town: 'Chanzeaux', old: 'la Grange Neuve' });
    assert.equal(res.status, 200);
    const t = decodeEntities(res.text);
    assert.match(textOf(res.text), /mais pas ce numéro/);
    assert.match(t, /Nouvelles adresses pour l'ancienne adresse/);
    assert.match(t, /Chemin de la Mare aux Loups/);
    assert.match(t, /La Grange Neuve/);
  });

  it('offers the postcodes as choices, and a choice writes the address', async () => {
    let res = await agent.submit('/address', '/address', { mode: 'fields', street: 'rue des Lilas', town: 'Chanzeaux' });
    assert.equal(res.status, 200);
    const radios = [...res.text.matchAll(/name="proposal" id="[^"]+" value="([^"]+)"/g)].map((m) => decodeEntities(m[1]));
    assert.ok(radios.includes('49750|Chanzeaux'), radios.join(','));
    res = await agent.submit('/address', '/address', { mode: 'fields', street: 'rue des Lilas', town: 'Chanzeaux', proposal: '49750|Chanzeaux' });
    assert.match(textOf(res.text), /49750 CHEMILLE EN ANJOU/);
  });

  it('refuses a post without the CSRF token', async () => {
    const res = await agent.post('/address', { mode: 'text', text: '1 rue de Paris, 75001 Paris' });
    assert.equal(res.status, 403);
  });

  it('prints the checklist in every public language', async () => {
    for (const code of PUBLIC) {
      const res = await agent.get(`/address/checklist?lang=${code}`);
      assert.equal(res.status, 200, `${code}: ${res.status}`);
      const a = htmlAttributes(res.text);
      assert.equal(a.lang, code);
      assert.equal(a.dir, RTL.has(code) ? 'rtl' : 'ltr');
      assert.equal((res.text.match(/class="ck-item/g) || []).length, 12, code);
      assert.match(res.text, /\/static\/address\.css/);
      if (code !== 'fr') {
        const sheet = res.text.slice(res.text.indexOf('ck-sheet'));
        assert.ok(!/<span lang="fr"/.test(sheet.slice(0, sheet.indexOf('ck-note'))), `${code}: a seed item is not translated`);
      }
    }
    const en = textOf((await agent.get('/address/checklist?lang=en')).text);
    assert.match(en, /vehicle registration|registration certificate/i);
    const res = await agent.get('/address/checklist?lang=xx');
    assert.equal(res.status, 400);
  });

  it('records the items done for a visit, and nothing else', async () => {
    const page = `/visits/${visit}/address-checklist`;
    let res = await agent.get(`${page}?lang=ar`);
    assert.equal(res.status, 200);
    assert.match(res.text, /name="done"/);
    res = await agent.submit(`${page}?lang=ar`, page, [['done', 'caf'], ['done', 'carte_grise'], ['lang', 'ar']]);
    assert.equal(res.status, 303, res.text);
    assert.equal(res.location, `${page}?lang=ar&saved=1`);
    res = await agent.get(res.location);
    assert.equal((res.text.match(/class="ck-item ck-done"/g) || []).length, 2);
    res = await agent.submit(page, page, [['done', 'nope']]);
    assert.equal(res.status, 400);
    res = await agent.get(page);
    assert.equal((res.text.match(/class="ck-item ck-done"/g) || []).length, 2, 'a refused post changes nothing');
    res = await brest.get(page);
    assert.equal(res.status, 404);
  });

  it('lets an administrator edit the checklist, and only an administrator', async () => {
    let res = await agent.get('/admin/address-checklist');
    assert.equal(res.status, 403);
    res = await admin.get('/admin/address-checklist');
    assert.equal(res.status, 200);
    assert.match(textOf(res.text), /Assurance Maladie/);
    res = await admin.submit('/admin/address-checklist/new', '/admin/address-checklist', { code: 'mutuelle', label: 'Mutuelle', how: 'Par courrier', sort: '115', active: '1' });
    assert.equal(res.status, 303, res.text);
    res = await admin.submit('/admin/address-checklist/new', '/admin/address-checklist', { code: 'mutuelle', label: 'Mutuelle', sort: 'x' });
    assert.equal(res.status, 400);
    res = await agent.get('/address/checklist?lang=en');
    assert.equal((res.text.match(/class="ck-item/g) || []).length, 13);
    assert.match(res.text, /<span lang="fr">Mutuelle<\/span>/);
    res = await admin.submit('/admin/address-checklist/mutuelle', '/admin/address-checklist/mutuelle', { label: 'Mutuelle santé', how: '', sort: '115' });
    assert.equal(res.status, 303, res.text);
    res = await agent.get('/address/checklist?lang=fr');
    assert.equal((res.text.match(/class="ck-item/g) || []).length, 12, 'an inactive item is not printed');
  });
});
