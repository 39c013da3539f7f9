// queue_report.test.mjs: the queue's measures in the steering reports
// (docs/reports.md, docs/queue.md). Tickets issued, called, served and
// marked absent through the API show in the site's report: the tickets
// issued and called, the no-show rate, the waits, the tickets per language
// and per need, on the page and as CSV; a site without tickets has no
// queue section.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import zlib from 'node:zlib';

import { serverForSuite, textOf } from './lib.mjs';

/** The cells of every report table: [{ caption, rows: [[label, ...cells]] }]. */
function tables(html) {
  const out = [];
  for (const t of html.match(/<table class="report-table">[\s\S]*?<\/table>/g) ?? []) {
    const caption = textOf((/<caption[^>]*>([\s\S]*?)<\/caption>/.exec(t) ?? [])[1] ?? '').trim();
    const body = (/<tbody>([\s\S]*?)<\/tbody>/.exec(t) ?? [])[1] ?? '';
    const rows = (body.match(/<tr[\s\S]*?<\/tr>/g) ?? []).map((tr) =>
      (tr.match(/<t[hd][^>]*>[\s\S]*?<\/t[hd]>/g) ?? []).map((c) => textOf(c).trim()));
    out.push({ caption, rows });
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

const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
/* A period around today whatever the time zone of the server. */
const PERIOD = `from=${day(-2)}&to=${day(2)}`;

describe('the queue in the reports', () => {
  let srv;
  const tokens = {};
  const clients = {};
  serverForSuite((s) => (srv = s), { tokens });

  const call = (method, p, body) =>
    srv.client().request(method, p, {
      headers: { authorization: `Bearer ${tokens.agent}`, 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
  const issue = async (body) => {
    const res = await call('POST', `/api/v1/sites/${srv.sites.rennes}/tickets`, body);
    assert.equal(res.status, 201, res.text);
    return res.json();
  };
  const act = async (id, action, body) => {
    const res = await call('POST', `/api/v1/tickets/${id}/${action}`, body);
    assert.equal(res.status, 200, res.text);
    return res.json();
  };

  before(async () => {
    clients.manager = await srv.login('manager');
    clients.admin = await srv.login('admin');
    const t1 = await issue({ service: 'A', language: 'ar', needs: ['interprete'] });
    const t2 = await issue({ service: 'A', language: 'fr' });
    const t3 = await issue({ service: 'B', language: 'fr', needs: ['interprete', 'mobilite_reduite'] });
    await issue({ service: 'A', language: 'uk' });
    await issue({ service: 'A', language: 'fr' });
    await issue({ service: 'B', language: 'fr', needs: ['aide_lecture'] });
    const first = await call('POST', `/api/v1/sites/${srv.sites.rennes}/queue/next`, { desk: 'Guichet 1' });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.json().id, t1.id);
    await act(t1.id, 'start');
    await act(t1.id, 'finish');
    await act(t2.id, 'call', { desk: 'Guichet 1' });
    await act(t2.id, 'absent');
    await act(t3.id, 'call', { desk: 'Guichet 2' });
    await act(t3.id, 'start');
    await act(t3.id, 'finish');
  });

  it('counts the tickets of a site in its report', async () => {
    const res = await clients.manager.get(`/reports/site/${srv.sites.rennes}?${PERIOD}`);
    assert.equal(res.status, 200, res.text.slice(0, 2000));
    const t = tables(res.text);
    const kf = t.find((x) => x.caption === "File d'attente : chiffres clés");
    assert.ok(kf, `a queue section: ${t.map((x) => x.caption).join(' | ')}`);
    const row = (label) => kf.rows.find((r) => r[0] === label);
    assert.equal(row('Tickets émis')[1], '6');
    assert.equal(row('Personnes appelées')[1], '3');
    assert.match(row('Absentes à l\'appel').at(-1), /^33[,.]3\s?%$/);
    assert.match(row('Appelées en 15 minutes ou moins').at(-1), /^100([,.]0)?\s?%$/);
    assert.match(row('Attente médiane')[1], /^\d+ min$/);
    assert.match(row('Attente au 90e centile')[1], /^\d+ min$/);

    const byService = t.find((x) => x.caption === 'Attente par service');
    assert.deepEqual(byService.rows.map((r) => r[0]).sort(), ['Aide générale', byService.rows.find((r) => r[0] !== 'Aide générale')[0]].sort());
    assert.ok(t.find((x) => x.caption === "Attente par heure d'arrivée").rows.length >= 1);

    const langs = t.find((x) => x.caption === 'Tickets par langue');
    assert.ok(langs, 'tickets per language');
    assert.deepEqual(langs.rows.map((r) => r[1]), ['4', '1', '1', '6'], 'French first, most tickets, then the total');
    const needs = t.find((x) => x.caption === 'Tickets par besoin');
    assert.deepEqual(needs.rows.map((r) => [r[0], r[1]]), [
      ['Interprète', '2'], ['Mobilité réduite', '1'], ['Audition', '0'], ['Aide à la lecture', '1'],
    ]);
  });

  it('puts the welcome\'s key figures in the committee summary, masked as the rest', async () => {
    const res = await clients.manager.get(`/reports/site/${srv.sites.rennes}/summary?${PERIOD}`);
    assert.equal(res.status, 200, res.text.slice(0, 2000));
    const text = textOf(res.text);
    assert.match(text, /Accueil et attente/);
    assert.match(text, /Tickets émis\s*6/);
    const masked = await clients.manager.get(`/reports/site/${srv.sites.rennes}/summary?${PERIOD}&masked=1`);
    assert.match(textOf(masked.text), /Personnes appelées\s*<5/);
    const none = await clients.admin.get(`/reports/site/${srv.sites.brest}/summary?${PERIOD}`);
    assert.equal(none.status, 200);
    assert.doesNotMatch(textOf(none.text), /Accueil et attente/, 'no welcome block without tickets');
  });

  it('gives each queue table as CSV', async () => {
    const res = await clients.manager.get(`/reports/site/${srv.sites.rennes}?${PERIOD}&format=csv&table=queue_by_need`);
    assert.equal(res.status, 200, res.text);
    const lines = res.text.trim().split('\r\n');
    assert.match(lines[0], /^Code,Libellé,Tickets,Part$/);
    assert.match(lines[1], /^interprete,Interprète,2,0\.33/);
    const kf = await clients.manager.get(`/reports/site/${srv.sites.rennes}?${PERIOD}&format=csv&table=queue`);
    assert.equal(kf.status, 200, kf.text);
    assert.match(kf.text, /\r\ntickets,Tickets émis,6,/);
    assert.match(kf.text, /\r\nwait_median,Attente médiane,\d+,/);
  });

  it('puts the queue tables in the workbook', async () => {
    const res = await clients.manager.get(`/reports/site/${srv.sites.rennes}?${PERIOD}&format=xlsx`);
    assert.equal(res.status, 200, res.text.slice(0, 500));
    assert.match(res.header('content-type'), /spreadsheetml/);
    const workbook = unzipEntry(res.body, 'xl/workbook.xml');
    assert.ok(workbook, 'a workbook');
    // Sheets are named by the sections' titles.
    for (const title of ['File d’attente - chiffres clés', 'Attente par service', 'Tickets par langue', 'Tickets par besoin'])
      assert.ok(workbook.includes(`name="${title}"`), `a sheet ${title}`);
  });

  it('hides the counts below 5 and the waits of fewer than 5 people in the publication version', async () => {
    const res = await clients.manager.get(`/reports/site/${srv.sites.rennes}?${PERIOD}&masked=1&format=csv&table=queue`);
    assert.equal(res.status, 200, res.text.slice(0, 500));
    assert.match(res.text, /\r\ncalled,Personnes appelées,<5,/);
    assert.match(res.text, /\r\nwait_median,Attente médiane,s,/);
  });

  it('shows no queue section for a site without tickets', async () => {
    const res = await clients.admin.get(`/reports/site/${srv.sites.brest}?${PERIOD}`);
    assert.equal(res.status, 200, res.text.slice(0, 2000));
    assert.doesNotMatch(res.text, /File d&#39;attente : chiffres clés|File d'attente : chiffres clés|Tickets par langue/);
    const csv = await clients.admin.get(`/reports/site/${srv.sites.brest}?${PERIOD}&format=csv&table=queue`);
    assert.equal(csv.status, 404);
  });

  it('counts them in the département and the nation too', async () => {
    for (const p of ['/reports/departement/35', '/reports/national']) {
      const res = await clients.admin.get(`${p}?${PERIOD}&format=csv&table=queue`);
      assert.equal(res.status, 200, `${p}: ${res.text.slice(0, 500)}`);
      assert.match(res.text, /\r\ntickets,Tickets émis,6,/);
    }
  });
});
