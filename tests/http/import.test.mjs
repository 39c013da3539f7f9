// import.test.mjs: the CSV import and export of accompaniments, through
// the command line and through the pages. A file with wrong rows imports
// nothing and names every problem (line, column, reason); a right file is
// imported whole; 100,000 rows import through the command line; what is
// exported imports again into a fresh database and exports the same rows,
// with commas or semicolons.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { run, setupServer, textOf } from './lib.mjs';

const HEADER = "visit_ref,Date,Heure,Canaux d'accompagnement,Opérateur,Thématique(s),Niveau d'intervention,Issue,Durée (min),Genre";

function row(ref, { day = '04', channel = 'guichet_spontane', operator = 'cnaf', theme = 'social_sante', gender = 'feminin', date } = {}) {
  return `${ref},${date ?? `2024-03-${day}`},10:15,${channel},${operator},${theme},fait_avec,resolu,15,${gender}`;
}

/* The rows of an export, without the byte-order mark. */
function rowsOf(csv) {
  return csv.replace(/^\uFEFF/, '').split('\r\n').filter((l) => l !== '');
}

/* An export with its first column (the visit's id) blanked: ids differ
 * between databases, the rows must not. */
function withoutIds(csv, sep = ',') {
  return rowsOf(csv).map((l, i) => (i === 0 ? l : l.slice(l.indexOf(sep))));
}

function multipart(fields, file) {
  const boundary = `----guichet${crypto.randomBytes(8).toString('hex')}`;
  const parts = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n`));
    parts.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content, 'utf8'));
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

describe('CSV import and export', () => {
  let srv;
  let fresh; // a second database with the same sites and users, not served
  const files = {};

  before(async () => {
    srv = await setupServer();
    fresh = await setupServer({ start: false });
    const bad = [
      HEADER,
      row('1'), // line 2: right
      row('2', { channel: 'foo' }), // line 3
      row('3'), // line 4: right
      row('4', { operator: 'nope' }), // line 5
      row('5', { date: '2024-02-30' }), // line 6
      row('6'), // line 7: right
      row('7', { gender: 'x' }), // line 8
    ];
    files.bad = path.join(srv.dir, 'bad.csv');
    await fsp.writeFile(files.bad, `${bad.join('\n')}\n`);
    files.good = path.join(srv.dir, 'good.csv');
    await fsp.writeFile(files.good, `${[HEADER, row('a'), row('a', { operator: 'dgfip', theme: 'argent_impots' }), row('b', { day: '05' })].join('\r\n')}\r\n`);
  });

  after(async () => {
    await srv.stop();
    await srv.cleanup();
    await fresh.cleanup();
  });

  /* The export as written (runOk would trim the byte-order mark). */
  const exportText = async (s, extra = []) => {
    const r = await s.cli(['export', 'demands', ...extra]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };

  describe('command line', () => {
    it('a file with wrong rows imports nothing and lists every problem with its line and column', async () => {
      const before = await exportText(srv);
      const r = await srv.cli(['import', 'demands', '--site', String(srv.sites.rennes), files.bad]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /line 3, column Canaux d'accompagnement: .*'foo'.*guichet_spontane/);
      assert.match(r.stderr, /line 5, column Opérateur: .*'nope'.*cnaf/);
      assert.match(r.stderr, /line 6, column Date: .*'2024-02-30'/);
      assert.match(r.stderr, /line 8, column Genre: .*'x'.*feminin/);
      for (const ok of [2, 4, 7]) assert.doesNotMatch(r.stderr, new RegExp(`line ${ok},`));
      assert.match(r.stderr, /4 problems found: nothing was imported/);
      assert.equal(r.stdout, '');
      assert.equal(await exportText(srv), before, 'the store changed after a refused import');
    });

    it('a right file is imported whole', async () => {
      const out = await srv.cliOk(['import', 'demands', '--site', String(srv.sites.rennes), '--agent', srv.users.agent.email, files.good]);
      assert.equal(out, 'imported 2 visits (3 demands)');
      const rows = rowsOf(await exportText(srv));
      assert.equal(rows.length, 4);
      assert.ok(rows.slice(1).every((l) => l.includes(srv.users.agent.email) && l.includes('France services Rennes Centre')));
    });

    it('refuses unknown sites and accounts, a missing file, and two files', async () => {
      let r = await srv.cli(['import', 'demands', '--site', '999', files.good]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--site/);
      r = await srv.cli(['import', 'demands', '--site', String(srv.sites.rennes), '--agent', 'nobody@example.org', files.good]);
      assert.equal(r.code, 2);
      r = await srv.cli(['import', 'demands', '--site', String(srv.sites.rennes), path.join(srv.dir, 'missing.csv')]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /cannot open/);
      r = await srv.cli(['import', 'demands', files.good, files.bad]);
      assert.equal(r.code, 2);
      r = await srv.cli(['import', 'demands', '--site', String(srv.sites.rennes), '-'], { input: `${HEADER}\n${row('z', { channel: 'nope' })}\n` });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /line 2, column Canaux d'accompagnement/);
    });

    it('refuses what cannot be imported as written, each problem named with its line and column', async () => {
      const other = await setupServer({ start: false });
      try {
        const site = String(other.sites.rennes);
        const imp = (text, env = {}) => other.cli(['import', 'demands', '--site', site, '-'], { input: text, env });
        // A file of headings alone imports nothing: a failure, not "imported 0 visits".
        let r = await imp(`${HEADER}\n`);
        assert.equal(r.code, 1, r.stdout);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, /line 2: .*(rien à importer|nothing to import)/i);
        // 02:30 on 2026-03-29 does not exist in Paris: refused, not moved an hour.
        const H = "Date,Heure,Canaux d'accompagnement,Opérateur,Thématique(s),Niveau d'intervention,Issue,Durée (min),Durée de la visite (min),visit_ref,Commune de résidence (code Insee)";
        const line = (o) => `${o.date ?? '2024-03-04'},${o.time ?? '10:00'},guichet_spontane,cnaf,social_sante,fait_avec,resolu,${o.d ?? 15},${o.vd ?? ''},${o.ref ?? ''},${o.insee ?? ''}`;
        r = await imp([H, line({ date: '2026-03-29', time: '02:30' })].join('\n'), { TZ: 'Europe/Paris' });
        assert.equal(r.code, 1);
        assert.match(r.stderr, /line 2, column Heure: .*'02:30'/);
        // An empty visit duration with demands summing to more than 600 minutes.
        r = await imp([H, line({ ref: 'v', d: 400 }), line({ ref: 'v', d: 300 })].join('\n'));
        assert.equal(r.code, 1);
        assert.match(r.stderr, /line 2, column Durée de la visite \(min\): .*600/);
        // A number out of bounds is not "not a whole number".
        r = await imp([H, line({ d: 601 })].join('\n'));
        assert.equal(r.code, 1);
        assert.match(r.stderr, /line 2, column Durée \(min\): .*'601'/);
        assert.doesNotMatch(r.stderr, /entier attendu|whole number/i);
        // A commune code no département begins is not called a postcode.
        r = await imp([H, line({ insee: '96001' })].join('\n'));
        assert.equal(r.code, 1);
        assert.match(r.stderr, /line 2, column Commune de résidence \(code Insee\): .*'96001'/);
        assert.doesNotMatch(r.stderr, /postal|postcode/i);
        // Headings ignore case, accented capitals included; an empty age
        // bracket is "non_communique" everywhere, as the documentation says.
        const upper = "DATE,HEURE,CANAUX D'ACCOMPAGNEMENT,OPÉRATEUR,THÉMATIQUE(S),NIVEAU D'INTERVENTION,ISSUE,TRANCHE D'ÂGE";
        r = await imp([upper, '2024-03-04,10:00,guichet_spontane,cnaf,social_sante,fait_avec,resolu,'].join('\n'));
        assert.equal(r.code, 0, r.stderr);
        const st = JSON.parse(await other.cliOk(['stats', '--from', '2024-03-01', '--to', '2024-03-31']));
        assert.deepEqual(st.by_age_bracket, { non_communique: 1 });
      } finally {
        await other.cleanup();
      }
    });

    it('imports 100,000 generated rows in one go', async () => {
      const big = await setupServer({ start: false, users: {} });
      try {
        const lines = [HEADER];
        for (let i = 0; i < 100000; i++) {
          // Visits of one to three demands, over a year.
          const ref = Math.floor(i / 2) - Math.floor(i / 6);
          const day = 1 + (ref % 28);
          const month = 1 + (ref % 12);
          lines.push(`${ref},2023-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')},09:30,guichet_rdv,${i % 3 ? 'cnaf' : 'ants'},${i % 3 ? 'social_sante' : 'papiers_citoyennete'},fait_avec,resolu,15,masculin`);
        }
        const file = path.join(big.dir, 'big.csv');
        await fsp.writeFile(file, `${lines.join('\n')}\n`);
        const started = Date.now();
        const r = await run(['import', 'demands', '--db', big.db, '--site', String(big.sites.rennes), file], { timeoutMs: 300_000 });
        const seconds = (Date.now() - started) / 1000;
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /\(100000 demands\)/);
        assert.equal(r.stderr, '', 'no progress bar when standard error is not a terminal');
        console.log(`# 100,000 rows imported in ${seconds.toFixed(1)} s`);
        const exported = (await run(['export', 'demands', '--db', big.db, '--from', '2023-01-01', '--to', '2023-12-31'])).stdout;
        assert.equal(rowsOf(exported).length, 100001);
      } finally {
        await big.cleanup();
      }
    });

    it('what is exported imports into a fresh database and exports the same rows', async () => {
      const exported = await exportText(srv);
      const file = path.join(fresh.dir, 'export.csv');
      await fsp.writeFile(file, exported);
      await fresh.cliOk(['import', 'demands', file]);
      const again = await exportText(fresh);
      assert.deepEqual(withoutIds(again), withoutIds(exported));
      assert.ok(rowsOf(exported).length > 1);
    });

    it('the semicolon variant: --separator semicolon, --output, and back', async () => {
      const out = path.join(srv.dir, 'semi.csv');
      await srv.cliOk(['export', 'demands', '--separator', 'semicolon', '--output', out, '--from', '2024-03-01', '--to', '2024-03-31']);
      const semi = await fsp.readFile(out, 'utf8');
      assert.ok(semi.startsWith("\uFEFFvisit_ref;Date;Heure;Identifiant du lieu;Nom du lieu;"), semi.slice(0, 80));
      const other = await setupServer({ start: false });
      try {
        await other.cliOk(['import', 'demands', out]);
        const comma = await exportText(srv, ['--from', '2024-03-01', '--to', '2024-03-31']);
        assert.deepEqual(withoutIds(await exportText(other)), withoutIds(comma));
      } finally {
        await other.cleanup();
      }
      // The period's bounds hold: nothing on 2024-03-05 when the period ends the 4th.
      const fourth = rowsOf(await exportText(srv, ['--from', '2024-03-04', '--to', '2024-03-04']));
      assert.ok(fourth.length > 1 && fourth.slice(1).every((l) => l.split(',')[1] === '2024-03-04'));
      const r = await srv.cli(['export', 'demands', '--from', '2024-03-05', '--to', '2024-03-01']);
      assert.equal(r.code, 2);
    });
  });

  describe('pages', () => {
    async function upload(c, fields, file) {
      const csrf = await c.csrf('/import');
      const { body, type } = multipart({ csrf, ...fields }, file);
      return await c.request('POST', '/import', { headers: { 'content-type': type }, body });
    }

    it('the upload form', async () => {
      const c = await srv.login('agent');
      const res = await c.get('/import');
      assert.equal(res.status, 200);
      assert.match(res.text, /enctype="multipart\/form-data"/);
      assert.match(res.text, /type="file"/);
    });

    it('a file with wrong rows imports nothing and shows every problem in a table', async () => {
      const before = await exportText(srv);
      const c = await srv.login('agent');
      const content = await fsp.readFile(files.bad);
      const res = await upload(c, { site: srv.sites.rennes }, { name: 'bad.csv', content });
      assert.equal(res.status, 400);
      const rows = [...res.text.matchAll(/<tr><td>(\d*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => [m[1], textOf(m[2]).trim(), textOf(m[3])]);
      assert.equal(rows.length, 4, res.text);
      assert.deepEqual(rows.map((r) => r.slice(0, 2)), [['3', "Canaux d'accompagnement"], ['5', 'Opérateur'], ['6', 'Date'], ['8', 'Genre']]);
      assert.match(rows[0][2], /« foo ».*guichet_spontane/);
      assert.match(textOf(res.text), /Rien n'a été importé/);
      assert.equal(await exportText(srv), before, 'the store changed after a refused upload');
    });

    it('a right file is imported, with the counts', async () => {
      const c = await srv.login('agent');
      const content = `${HEADER}\n${row('p', { day: '11' })}\n${row('q', { day: '12' })}\n`;
      const res = await upload(c, { site: srv.sites.rennes }, { name: 'ok.csv', content });
      assert.equal(res.status, 200, res.text);
      assert.match(textOf(res.text), /Import terminé : 2 visites enregistrées/);
      const rows = rowsOf(await exportText(srv, ['--from', '2024-03-11', '--to', '2024-03-12']));
      assert.equal(rows.length, 3);
      assert.ok(rows.slice(1).every((l) => l.includes(`,${srv.users.agent.email},`)), 'the visits are not the importer\'s');
    });

    it('refuses another site, a missing file, a missing token, and readers', async () => {
      const before = await exportText(srv);
      const c = await srv.login('agent');
      const content = `${HEADER}\n${row('r', { day: '13' })}\n`;
      let res = await upload(c, { site: srv.sites.brest }, { name: 'x.csv', content });
      assert.equal(res.status, 400);
      res = await upload(c, { site: srv.sites.rennes });
      assert.equal(res.status, 400);
      const { body, type } = multipart({ site: srv.sites.rennes }, { name: 'x.csv', content });
      res = await c.request('POST', '/import', { headers: { 'content-type': type }, body });
      assert.equal(res.status, 403);
      const coord = await srv.login('coordinator');
      res = await coord.get('/import');
      assert.equal(res.status, 403);
      assert.equal(await exportText(srv), before);
    });

    it('the export form and its download, limited to what the user may read', async () => {
      const c = await srv.login('agent');
      const form = await c.get('/export');
      assert.equal(form.status, 200);
      assert.match(form.text, /action="\/export.csv"/);
      const res = await c.get('/export.csv?from=2024-03-01&to=2024-03-31&site=&separator=semicolon');
      assert.equal(res.status, 200);
      assert.match(res.header('content-type'), /^text\/csv; charset=utf-8/);
      assert.match(res.header('content-disposition'), /^attachment; filename="guichet-demandes-2024-03-01-2024-03-31\.csv"/);
      assert.ok(res.text.startsWith('\uFEFFvisit_ref;Date;'));
      const cli = await exportText(srv, ['--from', '2024-03-01', '--to', '2024-03-31', '--separator', 'semicolon']);
      assert.equal(res.text, cli);

      const brest = await srv.login('agentBrest');
      const other = await brest.get('/export.csv');
      assert.equal(other.status, 200);
      assert.equal(rowsOf(other.text).length, 1, 'an agent of Brest exports the rows of Rennes');
      const hidden = await brest.get(`/export.csv?site=${srv.sites.rennes}`);
      assert.equal(hidden.status, 400);

      const bad = await c.get('/export.csv?from=2024-13-01');
      assert.equal(bad.status, 400);
      assert.match(bad.text, /AAAA-MM-JJ/);
    });
  });
});
