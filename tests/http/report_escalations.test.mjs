// report_escalations.test.mjs: the escalations' measures in the steering
// reports (docs/reports.md, docs/escalations.md). Escalations sent, answered
// and closed through the API show in the site's report: escalations sent,
// answered, closed, the median and 90th-percentile time to the first answer
// and to closure in days, the share overdue, the usefulness, per operator
// and per département, on the page, as CSV and in the workbook; the
// publication version hides what fewer than 5 escalations would tell; a
// filter other than the operator, and a site without escalations, give no
// escalation section. The times are moved to known values behind the
// server's back (sqlite3, or psql on PostgreSQL).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

import { DEFAULT_USERS, ON_PG, csrfToken, serverForSuite, textOf } from './lib.mjs';

const execFileP = promisify(execFile);
const D = 86400;
const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
const PERIOD = `from=${day(-60)}&to=${day(2)}`;

const USERS = {
  ...DEFAULT_USERS,
  caf: { email: 'caf.35@example.org', name: 'Camille Référente CAF', role: 'operator', operator: 'cnaf' },
};

/** The cells of every report table: { caption: rows [[label, ...cells]] }. */
function tables(html) {
  const out = {};
  for (const t of html.match(/<table class="report-table">[\s\S]*?<\/table>/g) ?? []) {
    const caption = textOf((/<caption[^>]*>([\s\S]*?)<\/caption>/.exec(t) ?? [])[1] ?? '').trim();
    const body = (/<tbody>([\s\S]*?)<\/tbody>/.exec(t) ?? [])[1] ?? '';
    out[caption] = (body.match(/<tr[\s\S]*?<\/tr>/g) ?? []).map((tr) =>
      (tr.match(/<t[hd][^>]*>[\s\S]*?<\/t[hd]>/g) ?? []).map((c) => textOf(c).trim()));
  }
  return out;
}

/** One file of a ZIP archive, read through its central directory. */
function unzipEntry(zip, name) {
  for (let i = zip.length - 22; i >= 0; i--) {
    if (zip.readUInt32LE(i) !== 0x06054b50) continue;
    let p = zip.readUInt32LE(i + 16);
    for (let k = zip.readUInt16LE(i + 10); k > 0; k--) {
      const method = zip.readUInt16LE(p + 10), size = zip.readUInt32LE(p + 20);
      const n = zip.readUInt16LE(p + 28), e = zip.readUInt16LE(p + 30), c = zip.readUInt16LE(p + 32);
      const local = zip.readUInt32LE(p + 42);
      if (zip.toString('utf8', p + 46, p + 46 + n) === name) {
        const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
        const data = zip.subarray(start, start + size);
        return (method === 8 ? zlib.inflateRawSync(data) : data).toString('utf8');
      }
      p += 46 + n + e + c;
    }
  }
  return null;
}

describe('the escalations in the reports', () => {
  let srv;
  const tokens = {};
  let manager;
  serverForSuite((s) => (srv = s), { tokens, users: USERS, tokenUsers: ['agent', 'caf', 'admin'] });

  const call = async (key, method, p, body) => {
    const res = await srv.client().request(method, p, {
      headers: { authorization: `Bearer ${tokens[key]}`, 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
    assert.ok(res.status === 200 || res.status === 201, `${p}: ${res.status} ${res.text}`);
    return res.json();
  };
  /* One statement on the server's store, behind its back: sqlite3, or psql on PostgreSQL. */
  const sql = (q) => (ON_PG ? execFileP('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', srv.db, '-c', q])
    : execFileP('sqlite3', ['-cmd', '.timeout 5000', srv.db, q]));

  before(async () => {
    manager = await srv.login('manager');
    const admin = await srv.login('admin');
    const page = await admin.get('/escalations/referents');
    const res = await admin.post('/escalations/referents', { [`dep_${await srv.userId('caf')}`]: '35', csrf: csrfToken(page.text) });
    assert.equal(res.status, 303, res.text);
    // Six escalations to the CAF from Rennes: five answered (after 1, 2,
    // 3, 4 and 20 days: the last one late), four closed by the adviser
    // (after 2, 3, 5 and 4.5 days), one still open past its due date.
    const plan = [
      { answer: 1, close: 2, useful: 'oui' },
      { answer: 2, close: 3, useful: 'oui' },
      { answer: 3, close: 5, useful: 'non' },
      { answer: 4, close: 4.5, useful: 'ne_sait_pas' },
      { answer: 20 },
      {},
    ];
    const sent = Math.floor(Date.now() / 1000) - 40 * D;
    for (const p of plan) {
      const v = await call('agent', 'POST', '/api/v1/visits', {
        started_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        channel: 'guichet_spontane',
        duration_min: 20,
        demands: [{ operator_code: 'cnaf', theme_code: 'social_sante', level: 'fait_avec', outcome: 'escalade' }],
      });
      const esc = await call('agent', 'POST', `/api/v1/demands/${v.demands[0].id}/escalations`, { question: 'Dossier bloqué.', consent: true });
      if (p.answer) await call('caf', 'POST', `/api/v1/escalations/${esc.id}/answer`, { text: 'Réglé.' });
      if (p.close) await call('agent', 'POST', `/api/v1/escalations/${esc.id}/close`, { told_by: 'telephone', useful: p.useful });
      const at = (d) => (d === undefined ? 0 : sent + Math.round(d * D));
      await sql(`UPDATE escalations SET sent_at = ${sent}, due_at = ${sent + 15 * D}, answered_at = ${at(p.answer)}, ` +
        `closed_at = ${at(p.close)} WHERE id = ${esc.id}`);
    }
  });

  it('the site\'s report shows the times, the share overdue and the usefulness', async () => {
    const res = await manager.get(`/reports/site/${srv.sites.rennes}?${PERIOD}`);
    assert.equal(res.status, 200, res.text.slice(0, 2000));
    const t = tables(res.text);
    const key = t['Demandes transmises aux opérateurs : chiffres clés'];
    assert.ok(key, `no key figures: ${Object.keys(t).join(' | ')}`);
    const value = (label) => key.find((r) => r[0] === label)?.[1];
    assert.equal(value('Demandes transmises'), '6');
    assert.equal(value('Demandes ayant reçu une réponse'), '5');
    assert.equal(value('Demandes clôturées'), '4');
    const useful = t['Utilité des réponses des opérateurs'];
    assert.deepEqual(useful.slice(0, 3).map((r) => r.slice(0, 2)), [['Oui', '2'], ['Je ne sais pas', '1'], ['Non', '1']]);
    assert.ok(t['Délai de première réponse par opérateur']);
    assert.ok(t['Délai de clôture par département']);
    // Answers 1, 2, 3, 4, 20 days: median 3, 90th percentile the 5th (20).
    assert.equal(value('Délai médian de première réponse'), '3,0 jours');
    assert.equal(value('Délai de première réponse au 90e centile'), '20,0 jours');
    // Closures 2, 3, 4.5, 5 days: median 3.75 (3.8), 90th percentile 5.
    assert.equal(value('Délai médian de clôture'), '3,8 jours');
    assert.equal(value('Délai de clôture au 90e centile'), '5,0 jours');
    // Late: the one answered after 20 days, the one still open: 2 of 6.
    assert.equal(key.find((r) => r[0] === 'En retard')[2].replace(/\s/g, ''), '33,3%');
    const byOp = t['Délai de première réponse par opérateur'];
    assert.equal(byOp.length, 1);
    assert.deepEqual(byOp[0].slice(1, 3), ['3,0 jours', '20,0 jours']);
    assert.deepEqual(t['Délai de clôture par département'][0].slice(0, 3), ['35', '3,8 jours', '5,0 jours']);
    // In English, the decimal point and the unit in words.
    const en = await srv.login('manager');
    assert.equal((await en.get('/lang/en')).status, 303);
    const te = tables((await en.get(`/reports/site/${srv.sites.rennes}?${PERIOD}`)).text);
    const keyEn = te['Requests sent to operators: key figures'];
    assert.ok(keyEn, Object.keys(te).join(' | '));
    assert.equal(keyEn.find((r) => r[0] === 'Median time to closing')?.[1], '3.8 days');
  });

  it('each table is a CSV, the workbook has their sheets, and the publication version hides few', async () => {
    let res = await manager.get(`/reports/site/${srv.sites.rennes}?${PERIOD}&format=csv&table=esc_answer_by_operator`);
    assert.equal(res.status, 200);
    const lines = res.text.trim().split('\r\n');
    assert.equal(lines.length, 2, res.text);
    assert.match(lines[1], /^cnaf,[^,]+,3\.0,20\.0,$/);
    res = await manager.get(`/reports/site/${srv.sites.rennes}?${PERIOD}&format=csv&table=escalations`);
    assert.equal(res.status, 200);
    assert.match(res.text, /\r\nsent,Demandes transmises,6,/);
    res = await manager.get(`/reports/site/${srv.sites.rennes}?${PERIOD}&format=xlsx`);
    assert.equal(res.status, 200);
    const workbook = unzipEntry(res.body, 'xl/workbook.xml');
    // Sheets are named by the sections' titles, cut at 31 characters.
    for (const title of ['Demandes transmises aux opérate', 'Utilité des réponses des opérat', 'Délai de clôture par opérateur',
      'Délai de première réponse par o', 'Délai de clôture par départemen']) {
      assert.ok(workbook.includes(`name="${title}"`), `no sheet ${title}`);
    }
    // Published: 4 closures are fewer than 5, 5 answers are enough; the
    // usefulness counts are below 5.
    res = await manager.get(`/reports/site/${srv.sites.rennes}?${PERIOD}&masked=1&format=csv&table=escalations`);
    assert.match(res.text, /\r\nclosure_median,[^,]+,s,/);
    assert.match(res.text, /\r\nanswer_median,[^,]+,3\.0,/);
    res = await manager.get(`/reports/site/${srv.sites.rennes}?${PERIOD}&masked=1&format=csv&table=escalations_useful`);
    assert.match(res.text, /\r\noui,Oui,<5,/);
  });

  it('a filter other than the operator, or a site without escalations, gives no escalation section', async () => {
    let res = await manager.get(`/reports/site/${srv.sites.rennes}?${PERIOD}&operator=cnaf`);
    assert.ok(tables(res.text)['Demandes transmises aux opérateurs : chiffres clés'], 'the operator filter applies');
    res = await manager.get(`/reports/site/${srv.sites.rennes}?${PERIOD}&operator=dgfip`);
    assert.equal(tables(res.text)['Demandes transmises aux opérateurs : chiffres clés'], undefined);
    res = await manager.get(`/reports/site/${srv.sites.rennes}?${PERIOD}&channel=telephone`);
    assert.equal(res.status, 200);
    assert.equal(tables(res.text)['Demandes transmises aux opérateurs : chiffres clés'], undefined);
    const admin = await srv.login('admin');
    res = await admin.get(`/reports/site/${srv.sites.brest}?${PERIOD}`);
    assert.equal(res.status, 200);
    assert.equal(tables(res.text)['Demandes transmises aux opérateurs : chiffres clés'], undefined);
    res = await manager.get(`/reports/site/${srv.sites.rennes}?${PERIOD}&format=csv&table=esc_overdue_by_operator&channel=telephone`);
    assert.equal(res.status, 404);
  });
});
