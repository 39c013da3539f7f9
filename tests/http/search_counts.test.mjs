// search_counts.test.mjs: the search page's counts (visits, demands) are
// kept in memory per filter and scope; they must stay exact after every
// write of the serving process: a visit recorded, corrected, deleted, a file
// imported from the page and visits received by synchronisation. Each view
// is compared with a COUNT run on the database itself, before the write (so
// that the page holds the counts in memory) and after it.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { DEFAULT_USERS, csrfToken, findTags, setupServer, textOf } from './lib.mjs';
import { api, attachLaptop, loadSliverGeo, query, visitBody } from './sync_proxy.mjs';
import { recordVisit, visitFields } from './visit_form.mjs';

const USERS = {
  ...DEFAULT_USERS,
  agentMalo: { email: 'agent.malo@example.org', name: 'Maël Conseiller', role: 'agent', sites: ['malo'] },
};

/** The counts the page shows. */
async function shown(client, q) {
  const res = await client.get(`/visits${q}`);
  assert.equal(res.status, 200, `GET /visits${q} answered ${res.status}`);
  const t = textOf(res.text);
  const v = /Visites : (\d+)/.exec(t);
  const d = /Demandes : (\d+)/.exec(t);
  assert.ok(v && d, `no counts on /visits${q}`);
  return { visits: Number(v[1]), demands: Number(d[1]) };
}

/** The same counts, from the database. */
async function counted(db, { sites, operator, channel }) {
  const where = ['v.deleted_at = 0'];
  if (sites) where.push(`v.site_id IN (${sites.join(', ')})`);
  if (channel) where.push(`v.channel = '${channel}'`);
  const dw = operator ? ` AND d.operator_code = '${operator}'` : '';
  const visits = await query(
    db,
    `SELECT COUNT(*) FROM visits v WHERE ${where.join(' AND ')}` +
      (operator ? ` AND EXISTS (SELECT 1 FROM demands d WHERE d.visit_id = v.id${dw})` : ''),
  );
  const demands = await query(db, `SELECT COUNT(*) FROM demands d JOIN visits v ON v.id = d.visit_id WHERE ${where.join(' AND ')}${dw}`);
  return { visits: Number(visits[0][0]), demands: Number(demands[0][0]) };
}

function multipart(fields, file) {
  const boundary = `----guichet${crypto.randomBytes(8).toString('hex')}`;
  const parts = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n`));
  parts.push(Buffer.from(file.content, 'utf8'), Buffer.from('\r\n'), Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

const HEADER = "visit_ref,Date,Heure,Canaux d'accompagnement,Opérateur,Thématique(s),Niveau d'intervention,Issue,Durée (min),Genre";

describe('the search counts stay exact after every write of the server', () => {
  let srv, laptop;
  const c = {};
  let views;

  before(async () => {
    srv = await setupServer({ users: USERS });
    await loadSliverGeo(srv);
    for (const k of ['admin', 'agent', 'agentMalo', 'coordinator']) c[k] = await srv.login(k);
    const { rennes, malo, brest } = srv.sites;
    // [who, query string, what the database is asked]
    views = [
      ['agent', '', { sites: [rennes] }],
      ['agent', '?channel=telephone', { sites: [rennes], channel: 'telephone' }],
      ['agentMalo', '', { sites: [malo] }],
      ['coordinator', '', { sites: [rennes, malo] }],
      ['coordinator', '?operator=dgfip', { sites: [rennes, malo], operator: 'dgfip' }],
      ['admin', '', {}],
      ['admin', '?operator=dgfip', { operator: 'dgfip' }],
      ['admin', `?site=${brest}`, { sites: [brest] }],
    ];
  });
  after(async () => {
    await laptop?.cleanup();
    await srv?.stop();
    await srv?.cleanup();
  });

  /** Every view shows what the database counts; returns the admin's total. */
  async function check(when) {
    for (const [who, q, ask] of views) {
      assert.deepEqual(await shown(c[who], q), await counted(srv.db, ask), `${when}: ${who} /visits${q}`);
      // Viewed again (from memory): the same.
      assert.deepEqual(await shown(c[who], q), await counted(srv.db, ask), `${when}, again: ${who} /visits${q}`);
    }
    return (await shown(c.admin, '')).visits;
  }

  let recorded;

  it('a visit recorded shows at the next view', async () => {
    assert.equal(await check('empty'), 0);
    recorded = await recordVisit(c.agent, srv.sites.rennes, { d1_operator_code: 'dgfip', d1_theme_code: 'argent_impots' });
    assert.equal(await check('recorded at Rennes'), 1);
    await recordVisit(c.agentMalo, srv.sites.malo);
    assert.equal(await check('recorded at Saint-Malo'), 2);
  });

  it('a correction shows at the next view', async () => {
    const form = await c.agent.get(`/visits/${recorded}/edit`);
    assert.equal(form.status, 200);
    const demandId = findTags(form.text, 'input').find((a) => a.name === 'd1_id')?.value;
    assert.ok(demandId);
    const res = await c.agent.post(`/visits/${recorded}/edit`, {
      ...visitFields(srv.sites.rennes, {
        channel: 'telephone',
        ndemands: '2',
        d1_operator_code: 'dgfip',
        d1_theme_code: 'argent_impots',
        d2_operator_code: 'cnav',
        d2_theme_code: 'social_sante',
        d2_procedure_id: '',
        d2_level: 'fait_avec',
        d2_outcome: 'resolu',
        d2_interpreting: 'aucun',
      }),
      d1_id: demandId,
      csrf: csrfToken(form.text),
    });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 1000));
    await check('corrected');
    assert.deepEqual(await shown(c.agent, '?channel=telephone'), { visits: 1, demands: 2 });
  });

  it('a deletion shows at the next view', async () => {
    const other = await recordVisit(c.agent, srv.sites.rennes);
    assert.equal(await check('before the deletion'), 3);
    const confirm = await c.agent.get(`/visits/${other}/delete`);
    const res = await c.agent.post(`/visits/${other}/delete`, { csrf: csrfToken(confirm.text) });
    assert.equal(res.status, 303);
    assert.equal(await check('deleted'), 2);
  });

  it('an import from the page shows at the next view', async () => {
    const csrf = await c.agent.csrf('/import');
    const content = `${HEADER}\np,2024-03-11,10:15,guichet_spontane,dgfip,argent_impots,fait_avec,resolu,15,feminin\nq,2024-03-12,10:15,telephone,cnaf,social_sante,fait_avec,resolu,15,feminin\n`;
    const { body, type } = multipart({ csrf, site: srv.sites.rennes }, { name: 'ok.csv', content });
    const res = await c.agent.request('POST', '/import', { headers: { 'content-type': type }, body });
    assert.equal(res.status, 200, textOf(res.text).slice(0, 1000));
    assert.match(textOf(res.text), /Import terminé : 2 visites enregistrées/);
    assert.equal(await check('imported'), 4);
  });

  it('lists the newest visits of several sites, page after page, as the database orders them', async () => {
    const { rennes, malo } = srv.sites;
    const rows = (n, op) => Array.from({ length: n }, (_, i) => `r${i},2024-04-${String(1 + (i % 28)).padStart(2, '0')},09:00,guichet_spontane,${i % 3 ? 'cnaf' : op},social_sante,fait_avec,resolu,10,masculin`);
    for (const [who, site, n] of [['agent', rennes, 45], ['agentMalo', malo, 38], ['agent', rennes, 20]]) {
      const csrf = await c[who].csrf('/import');
      const { body, type } = multipart({ csrf, site }, { name: 'many.csv', content: `${[HEADER, ...rows(n, 'dgfip')].join('\n')}\n` });
      const res = await c[who].request('POST', '/import', { headers: { 'content-type': type }, body });
      assert.equal(res.status, 200, textOf(res.text).slice(0, 1000));
    }
    const listed = (html) => [...html.matchAll(/<a href="\/visits\/(\d+)"><span class="sr-only">/g)].map((m) => Number(m[1]));
    for (const [q, extra] of [['', ''], ['?operator=dgfip', " AND EXISTS (SELECT 1 FROM demands d WHERE d.visit_id = v.id AND d.operator_code = 'dgfip')"]]) {
      const want = (await query(srv.db, `SELECT v.id FROM visits v WHERE v.deleted_at = 0 AND v.site_id IN (${rennes}, ${malo})${extra} ORDER BY v.id DESC`)).map((r) => Number(r[0]));
      let page = await c.coordinator.get(`/visits${q}`);
      const got = [];
      for (;;) {
        assert.equal(page.status, 200);
        got.push(...listed(page.text));
        const next = findTags(page.text, 'a').find((a) => a.rel === 'next');
        if (!next) break;
        page = await c.coordinator.get(next.href);
      }
      assert.deepEqual(got, want, `coordinator /visits${q}`);
    }
    await check('imported at two sites');
  });

  it('visits received by synchronisation show at the next view', async () => {
    const token = await srv.token('agent');
    laptop = await attachLaptop(srv, `http://127.0.0.1:${srv.port}`, token);
    await laptop.start(['--sync-interval', '86400', '--sync-timeout', '5']);
    const lt = await laptop.token('agent');
    for (let n = 0; n < 3; n++) {
      const r = await api(laptop, lt, 'POST', '/api/v1/visits', visitBody(n));
      assert.equal(r.status, 201, r.text);
    }
    const before = await check('before the sync');
    const push = await laptop.cli(['sync', 'push']);
    assert.equal(push.code, 0, push.stdout + push.stderr);
    assert.equal(await check('synchronised'), before + 3);
  });
});
