// opendata.test.mjs: the open-data files (docs/opendata.md) on a
// demonstration database (guichet demo, 60 days ending on a fixed day):
// the activity CSV is a ';' CSV in UTF-8 with a BOM and CRLF; no number
// below 5 is ever written; every shown number equals the count that
// `guichet stats` gives for that site and month; within each group, when
// the total is shown, the hidden cells are none or add up to 5 or more; a
// hidden total hides its whole groups; the page /opendata is public and
// links every file; the sites files carry the standard's required fields;
// the France Services file holds only France Services sites; bad months
// answer 400 naming what to fix; the command line writes the same bytes as
// the pages.

import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { findTags, freshDb, makeTempDir, removeTempDir, run, runOk, Server, textOf } from './lib.mjs';

const END = '2025-03-28';
const FROM_MONTH = '2024-12'; // before the first demo day: every site has an empty month
const TO_MONTH = '2025-03';
const MONTHS = ['2024-12', '2025-01', '2025-02', '2025-03'];
const LAST_DAY = { '2024-12': '2024-12-31', '2025-01': '2025-01-31', '2025-02': '2025-02-28', '2025-03': '2025-03-31' };
const BOM = '\uFEFF';

/** Rows of a ';' CSV with CRLF, no quoted field expected in the numbers. */
function parseCsv(text, sep) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else {
      assert.notEqual(c, '\n', 'a bare LF outside quotes: lines must end with CRLF');
      cell += c;
    }
  }
  assert.equal(cell, '', 'the file must end with CRLF');
  assert.equal(row.length, 0, 'the file must end with CRLF');
  return rows;
}

/** The groups of columns, by prefix, with the total they add up to. */
const GROUPS = [
  { prefix: 'canal_', total: 'visites', bd: 'by_channel' },
  { prefix: 'age_', total: 'visites', bd: 'by_age_bracket' },
  { prefix: 'genre_', total: 'visites', bd: 'by_gender' },
  { prefix: 'issue_', total: 'demandes', bd: 'by_outcome' },
  { prefix: 'operateur_', total: 'demandes', bd: 'by_operator' },
  { prefix: 'theme_', total: 'demandes', bd: 'by_theme' },
  { prefix: 'avis_', total: 'reponses_satisfaction', counts: (stats) => stats.satisfaction.counts },
];

describe('open data', () => {
  let dir;
  let srv;
  let activity; // { header, rows: [object] }
  let activityBody;

  before(async () => {
    dir = await makeTempDir('guichet-opendata-');
    srv = new Server();
    srv.dir = dir;
    srv.db = await freshDb(dir);
    await runOk(['init', '--db', srv.db]);
    await runOk(['demo', '--db', srv.db, '--days', '60', '--end', END, '--seed', '3']);
    await srv.start();
    await srv.waitLog(/statistics loaded/);
    const res = await srv.client().get(`/opendata/activite.csv?from=${FROM_MONTH}&to=${TO_MONTH}`);
    assert.equal(res.status, 200, res.text.slice(0, 2000));
    activityBody = res.body;
    assert.match(res.header('content-type'), /^text\/csv; charset=utf-8/);
    assert.equal(res.header('content-disposition'),
      `attachment; filename="guichet-activite-${FROM_MONTH}-${TO_MONTH}.csv"`);
    const text = res.text;
    assert.ok(text.startsWith(BOM), 'the activity file starts with a BOM');
    const rows = parseCsv(text.slice(1), ';');
    const header = rows[0];
    activity = { header, rows: rows.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))) };
    for (const r of rows) assert.equal(r.length, header.length, 'every row has every column');
  });
  after(async () => {
    if (srv) await srv.stop();
    await removeTempDir(dir);
  });

  it('has one row per site and month, with the documented columns', async () => {
    const { header, rows } = activity;
    assert.deepEqual(header.slice(0, 8),
      ['lieu_id', 'lieu_nom', 'departement', 'commune_insee', 'mois', 'visites', 'demandes', 'resolues_sur_place']);
    for (const c of ['reponses_satisfaction', 'avis_pas_bien', 'avis_moyen', 'avis_tres_bien',
      'canal_telephone', 'issue_oriente', 'age_60_69', 'age_non_renseigne', 'genre_feminin',
      'genre_non_renseigne', 'operateur_cnaf', 'theme_famille_scolarite']) {
      assert.ok(header.includes(c), `column ${c}`);
    }
    const list = await srv.cliOk(['site', 'list']);
    const ids = list.split('\n').slice(1).map((l) => l.split('\t')[0]);
    assert.equal(rows.length, ids.length * MONTHS.length);
    for (const id of ids) {
      assert.deepEqual(rows.filter((r) => r.lieu_id === id).map((r) => r.mois), MONTHS, `months of site ${id}`);
    }
    // December 2024 is before the first day: every count is hidden.
    for (const r of rows.filter((x) => x.mois === '2024-12')) {
      for (const h of header.slice(5)) assert.equal(r[h], '<5', `${h} of an empty month`);
    }
    assert.ok(!rows.some((r) => /^(total|ensemble)/i.test(r.lieu_id)), 'no total row');
  });

  it('never writes a number below 5', () => {
    for (const r of activity.rows) {
      for (const h of activity.header.slice(5)) {
        const v = r[h];
        assert.ok(v === '<5' || v === 's' || (/^\d+$/.test(v) && Number(v) >= 5), `${r.lieu_id} ${r.mois} ${h} = ${v}`);
      }
    }
  });

  it('writes the exact counts and hides them only as the rule says', async () => {
    let checked = 0;
    let secrets = 0;
    for (const r of activity.rows.filter((x) => x.mois !== '2024-12')) {
      const stats = JSON.parse(await runOk(['stats', '--db', srv.db, '--site', r.lieu_id, '--from', `${r.mois}-01`,
        '--to', LAST_DAY[r.mois], '--format', 'json']));
      const truth = {
        visites: stats.visits, demandes: stats.demands, resolues_sur_place: stats.solved_on_site,
        reponses_satisfaction: stats.satisfaction.answers,
      };
      for (const [k, v] of Object.entries(truth)) {
        if (/^\d+$/.test(r[k])) assert.equal(Number(r[k]), v, `${r.lieu_id} ${r.mois} ${k}`);
        if (r[k] === '<5') assert.ok(v < 5, `${r.lieu_id} ${r.mois} ${k} = ${v} written <5`);
      }
      for (const g of GROUPS) {
        const cols = activity.header.filter((h) => h.startsWith(g.prefix));
        const counts = g.counts ? g.counts(stats) : stats[g.bd];
        const value = (h) => counts[h.slice(g.prefix.length)] ?? 0;
        let hiddenSum = 0;
        let hidden = 0;
        for (const h of cols) {
          const v = value(h);
          if (r[h] === '<5') assert.ok(v < 5, `${r.lieu_id} ${r.mois} ${h} = ${v} written <5`);
          else if (r[h] === 's') assert.ok(v >= 5, `${r.lieu_id} ${r.mois} ${h} = ${v} written s`);
          else assert.equal(Number(r[h]), v, `${r.lieu_id} ${r.mois} ${h}`);
          if (r[h] === 's') secrets++;
          if (!/^\d+$/.test(r[h])) {
            hidden++;
            hiddenSum += v;
          }
          checked++;
        }
        // What the columns leave out (none in the demo) would count as hidden too.
        hiddenSum += truth[g.total] - cols.reduce((a, h) => a + value(h), 0);
        if (/^\d+$/.test(r[g.total])) {
          assert.ok(hidden === 0 || hiddenSum >= 5,
            `${r.lieu_id} ${r.mois} ${g.prefix}: ${hidden} hidden cells add up to ${hiddenSum} under a shown total`);
        } else {
          for (const h of cols) assert.ok(!/^\d+$/.test(r[h]), `${r.lieu_id} ${r.mois} ${h} shown under a hidden total`);
        }
      }
      assert.equal(r.resolues_sur_place, r.issue_resolu);
    }
    assert.ok(checked > 100, `checked ${checked} cells`);
    assert.ok(secrets > 0, 'the demo has cells hidden to protect others');
  });

  it('gives the same bytes from the command line', async () => {
    const out = path.join(dir, 'activite.csv');
    await runOk(['opendata', 'activity', '--db', srv.db, '--from', FROM_MONTH, '--to', TO_MONTH, '--out', out]);
    assert.ok((await fsp.readFile(out)).equals(activityBody), 'guichet opendata activity = /opendata/activite.csv');
    for (const [args, p] of [[['lieux'], '/opendata/lieux.csv'], [['lieux', '--format', 'json'], '/opendata/lieux.json'],
      [['france-services'], '/opendata/france-services.csv']]) {
      const file = path.join(dir, 'out');
      await runOk(['opendata', ...args, '--db', srv.db, '--out', file]);
      const res = await srv.client().get(p);
      assert.equal(res.status, 200);
      assert.ok((await fsp.readFile(file)).equals(res.body), `guichet opendata ${args.join(' ')} = ${p}`);
    }
    const r = await run(['opendata', 'lieux', '--db', srv.db]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, (await srv.client().get('/opendata/lieux.csv')).text);
  });

  it('publishes the page without login, with every link and the licence', async () => {
    const res = await srv.client().get('/opendata');
    assert.equal(res.status, 200);
    const hrefs = findTags(res.text, 'a').map((a) => a.href);
    for (const p of ['/opendata/lieux.csv', '/opendata/lieux.json', '/opendata/france-services.csv']) {
      assert.ok(hrefs.includes(p), `link to ${p}`);
    }
    const form = findTags(res.text, 'form').find((a) => a.action === '/opendata/activite.csv');
    assert.ok(form, 'a form for the activity file');
    assert.equal(form.method, 'get');
    const text = textOf(res.text);
    assert.match(text, /Licence Ouverte \/ Etalab 2\.0/);
    assert.match(text, /<5/);
    const inputs = findTags(res.text, 'input');
    const from = inputs.find((a) => a.name === 'from');
    const to = inputs.find((a) => a.name === 'to');
    assert.match(from.value, /^\d{4}-\d{2}$/);
    assert.match(to.value, /^\d{4}-\d{2}$/);
    const months = (m) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5));
    assert.equal(months(to.value) - months(from.value), 11, 'twelve months by default');
    const about = await srv.client().get('/about');
    assert.ok(findTags(about.text, 'a').some((a) => a.href === '/opendata'), 'the about page links /opendata');
  });

  it('answers 400 naming what to fix for bad months', async () => {
    for (const [q, field] of [['from=2025-13&to=2025-12', 'from'], ['from=2025-01&to=2025', 'to'],
      ['from=2025-03&to=2025-01', 'to'], ['from=2020-01&to=2025-01', 'to'], ['', 'from']]) {
      const res = await srv.client().get(`/opendata/activite.csv?${q}`);
      assert.equal(res.status, 400, q);
      assert.match(res.header('content-type'), /^text\/html/);
      assert.ok(res.text.includes(`href="#${field}"`), `${q}: the error summary links to ${field}`);
    }
    for (const args of [['--from', '2025-13', '--to', '2025-12'], ['--from', '2025-01', '--to', '2028-01']]) {
      const r = await run(['opendata', 'activity', '--db', srv.db, ...args]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--(from|to)/);
      assert.equal(r.stdout, '');
    }
    const r = await run(['opendata', 'lieux', '--db', srv.db, '--format', 'xml']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--format/);
    assert.equal((await run(['opendata', 'nothing', '--db', srv.db])).code, 2);
  });

  it('lists every site in the standard of the places of digital mediation', async () => {
    const list = await srv.cliOk(['site', 'list']);
    const sites = list.split('\n').slice(1).map((l) => l.split('\t'));
    const res = await srv.client().get('/opendata/lieux.csv');
    assert.equal(res.status, 200);
    assert.equal(res.header('content-disposition'), 'attachment; filename="guichet-lieux.csv"');
    const rows = parseCsv(res.text, ',');
    const header = rows[0];
    const REQUIRED = ['id', 'pivot', 'nom', 'commune', 'code_postal', 'adresse', 'date_maj'];
    for (const k of [...REQUIRED, 'code_insee', 'horaires', 'itinerance', 'source', 'prise_en_charge_specifique',
      'dispositif_programmes_nationaux']) assert.ok(header.includes(k), `column ${k}`);
    assert.equal(rows.length - 1, sites.length);
    const json = (await srv.client().get('/opendata/lieux.json')).json();
    assert.equal(json.length, sites.length);
    for (const [id, name, type, commune] of sites) {
      const row = rows.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])))
        .find((r) => r.id === `guichet-${id}`);
      assert.ok(row, `site ${id} in lieux.csv`);
      const obj = json.find((o) => o.id === `guichet-${id}`);
      assert.ok(obj, `site ${id} in lieux.json`);
      for (const k of REQUIRED) assert.ok(k in obj, `${k} of site ${id} in JSON`);
      for (const [k, v] of Object.entries(obj)) {
        assert.equal(v, row[k], `${k} of site ${id}: JSON and CSV agree`);
        assert.ok(v !== '' || REQUIRED.includes(k), `empty optional ${k} left out of the JSON`);
      }
      assert.equal(row.nom, name);
      assert.equal(row.code_insee, commune);
      assert.equal(row.pivot, '00000000000000');
      assert.equal(row.source, 'Guichet');
      assert.match(row.date_maj, /^\d{4}-\d{2}-\d{2}$/);
      // Without the geography loaded, the postcode comes from the address when it holds one.
      const inAddress = /(?:^|\D)(\d{5})(?:\D|$)/.exec(row.adresse)?.[1] ?? '';
      assert.equal(row.code_postal, inAddress, `the postcode of site ${id}`);
      assert.equal(row.itinerance, type === 'france_services_itinerant' ? 'Itinérant' : 'Fixe');
      assert.equal(row.dispositif_programmes_nationaux, type.startsWith('france_services') ? 'France Services' : '');
      assert.ok(row.horaires.length > 0);
    }
    // Redon: English and Arabic spoken, wheelchair access and an induction loop.
    const redon = json.find((o) => o.nom === 'France Services de Redon');
    assert.equal(redon.prise_en_charge_specifique,
      'Surdité|Handicaps moteurs|Langues étrangères (anglais)|Langues étrangères (autres)');
  });

  it('lists only the France Services in their dataset, with the days read from OpenStreetMap hours', async () => {
    const id = await srv.addSite('osm', { name: 'France Services de Test', type: 'france_services', commune: '35238',
      address: '1 place de la Mairie, 35000 Rennes', hours: 'Mo-Fr 09:00-12:00,13:30-17:00; We 09:00-12:00; Sa 09:00-12:00' });
    const res = await srv.client().get('/opendata/france-services.csv');
    assert.equal(res.status, 200);
    assert.ok(res.text.startsWith(BOM));
    const rows = parseCsv(res.text.slice(1), ';');
    const header = rows[0];
    assert.deepEqual(header, ['id_fs', 'insee_dep', 'lib_fs', 'adresse', 'complement_adresse', 'insee_com',
      'code_postal', 'lib_com', 'latitude', 'longitude', 'mail', 'telephone', 'h_lundi', 'h_mardi', 'h_mercredi',
      'h_jeudi', 'h_vendredi', 'h_samedi', 'commentaire', 'itinerance', 'format_fs', 'groupe', 'labellisation']);
    const list = await srv.cliOk(['site', 'list']);
    const fs = list.split('\n').slice(1).map((l) => l.split('\t')).filter((s) => s[2].startsWith('france_services'));
    assert.deepEqual(rows.slice(1).map((r) => r[0]).sort(), fs.map((s) => s[0]).sort());
    const row = Object.fromEntries(header.map((h, i) => [h, rows.slice(1).find((r) => r[0] === String(id))[i]]));
    assert.equal(row.h_lundi, '09:00 - 12:00 / 13:30 - 17:00');
    assert.equal(row.h_mercredi, '09:00 - 12:00');
    assert.equal(row.h_samedi, '09:00 - 12:00');
    assert.equal(row.itinerance, 'Non');
    assert.equal(row.insee_dep, '35');
    assert.equal(row.code_postal, '35000');
    const bus = rows.slice(1).find((r) => r[2].includes('itinérant'));
    assert.equal(bus[header.indexOf('itinerance')], 'Oui');
    assert.equal(bus[header.indexOf('h_lundi')], '', 'hours in free text are left out');
  });
});
