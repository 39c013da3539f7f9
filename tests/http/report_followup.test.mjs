// report_followup.test.mjs: what happens after the desk in the steering
// reports (docs/reports.md): the appointments with the operators' experts
// by what they became, with the share honoured, and the callbacks with the
// share done within a day. Rows of known statuses and times are written
// behind the server's back (sqlite3, or psql on PostgreSQL); the report
// counts them on the page and as CSV, the publication version hides a rate
// computed from fewer than 5, a filter other than the operator leaves the
// sections out.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { ON_PG, serverForSuite, textOf } from './lib.mjs';

const execFileP = promisify(execFile);
const D = 86400;
const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
const PERIOD = `from=${day(-30)}&to=${day(5)}`;

/** The rows of the report table whose caption is `caption`, as [label, ...cells]. */
function table(html, caption) {
  for (const t of html.match(/<table class="report-table">[\s\S]*?<\/table>/g) ?? []) {
    const c = textOf((/<caption[^>]*>([\s\S]*?)<\/caption>/.exec(t) ?? [])[1] ?? '').trim();
    if (c !== caption) continue;
    const body = (/<tbody>([\s\S]*?)<\/tbody>/.exec(t) ?? [])[1] ?? '';
    return (body.match(/<tr[\s\S]*?<\/tr>/g) ?? []).map((tr) =>
      (tr.match(/<t[hd][^>]*>[\s\S]*?<\/t[hd]>/g) ?? []).map((x) => textOf(x).trim()));
  }
  return undefined;
}

describe('appointments and callbacks in the reports', () => {
  let srv;
  let manager;
  serverForSuite((s) => (srv = s));
  const sql = (q) => (ON_PG ? execFileP('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', srv.db, '-c', q])
    : execFileP('sqlite3', ['-cmd', '.timeout 5000', srv.db, q]));

  before(async () => {
    manager = await srv.login('manager');
    const now = Math.floor(Date.now() / 1000);
    const site = srv.sites.rennes;
    const at = now - 10 * D;
    await sql(`INSERT INTO appointment_slots (site_id, operator_code, mode, starts_at, duration_min, capacity, created_at) ` +
      `VALUES (${site}, 'cnaf', 'sur_place', ${at}, 30, 20, ${at - D})`);
    // 6 honoured, 2 no-shows, 1 excused, 1 cancelled, 1 without an outcome.
    const statuses = ['honore', 'honore', 'honore', 'honore', 'honore', 'honore', 'absent', 'absent', 'excuse', 'annule', 'a_venir'];
    const values = statuses.map((s, i) => {
      const seat = s === 'excuse' || s === 'annule' ? 'NULL' : String(i + 1);
      return `((SELECT max(id) FROM appointment_slots), ${at}, ${seat}, ${site}, '${s}', ${at - D}, ${at - D})`;
    });
    await sql(`INSERT INTO appointments (slot_id, starts_at, seat, site_id, status, booked_at, updated_at) VALUES ${values.join(', ')}`);
    // Callbacks: 5 done within a day, 1 done after two days, 1
    // unreachable, 1 still open after two days; not counted: 1 asked an
    // hour ago, 1 cancelled.
    const cb = (status, created, closed, taken) =>
      `(${site}, '${status}', 'Demain', 'journee', 540, 1080, ${created}, ${created + D}, ${created}, ${closed}, ${created}, ${taken})`;
    const rows = [];
    for (let i = 0; i < 5; i++) rows.push(cb('fait', now - 5 * D, now - 5 * D + 3600 * (i + 1), 1));
    rows.push(cb('fait', now - 5 * D, now - 3 * D, 1));
    rows.push(cb('injoignable', now - 5 * D, now - 4 * D, 1));
    rows.push(cb('a_rappeler', now - 2 * D, 0, 0));
    rows.push(cb('a_rappeler', now - 3600, 0, 0));
    rows.push(cb('annule', now - 5 * D, now - 4 * D, 0));
    await sql('INSERT INTO callbacks (site_id, status, slot_day, slot_part, slot_from, slot_to, starts_at, ends_at, created_at, closed_at, ' +
      `updated_at, taken_by) VALUES ${rows.join(', ')}`);
  });

  it('the site\'s report counts them, with the share honoured and the share done within a day', async () => {
    const res = await manager.get(`/reports/site/${srv.sites.rennes}?${PERIOD}`);
    assert.equal(res.status, 200, res.text.slice(0, 2000));
    const appt = table(res.text, 'Rendez-vous avec les experts des opérateurs');
    assert.ok(appt, 'no appointments section');
    const cell = (rows, label) => rows.find((r) => r[0] === label);
    assert.equal(cell(appt, 'Honorés')[1], '6');
    assert.equal(cell(appt, 'Personne absente')[1], '2');
    assert.equal(cell(appt, 'Annulés par la personne')[1], '1');
    assert.equal(cell(appt, 'Annulés par le service')[1], '1');
    // 6 honoured of 8 that took place or should have.
    assert.equal(cell(appt, 'Part honorée')[2].replace(/\s/g, ''), '75,0%');
    const calls = table(res.text, 'Rappels des personnes');
    assert.ok(calls, 'no callbacks section');
    assert.equal(cell(calls, 'Rappelés dans la journée')[1], '5');
    assert.equal(cell(calls, 'Rappelés plus tard')[1], '1');
    assert.equal(cell(calls, 'Injoignables')[1], '1');
    assert.equal(cell(calls, 'Encore à rappeler')[1], '1');
    assert.equal(cell(calls, 'Part rappelée dans la journée')[2].replace(/\s/g, ''), '62,5%');
  });

  it('each is a CSV; published, a rate from fewer than 5 is hidden; another filter leaves them out', async () => {
    let res = await manager.get(`/reports/site/${srv.sites.rennes}?${PERIOD}&format=csv&table=callbacks`);
    assert.equal(res.status, 200);
    assert.match(res.text, /\r\nwithin_day,[^,]+,5,/);
    res = await manager.get(`/reports/site/${srv.sites.rennes}?${PERIOD}&format=csv&table=appointments&masked=1`);
    assert.equal(res.status, 200);
    assert.match(res.text, /\r\nabsent,[^,]+,<5,/);
    res = await manager.get(`/reports/site/${srv.sites.rennes}?${PERIOD}&operator=dgfip`);
    assert.equal(table(res.text, 'Rendez-vous avec les experts des opérateurs'), undefined);
    assert.equal(table(res.text, 'Rappels des personnes'), undefined, 'callbacks without an operator are not the DGFiP\'s');
    res = await manager.get(`/reports/site/${srv.sites.rennes}?${PERIOD}&channel=telephone`);
    assert.equal(res.status, 200);
    assert.equal(table(res.text, 'Rappels des personnes'), undefined);
    res = await manager.get(`/reports/site/${srv.sites.brest}?${PERIOD}`);
    assert.equal(table(res.text, 'Rendez-vous avec les experts des opérateurs'), undefined);
  });
});
