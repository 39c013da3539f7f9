// reports.test.mjs: the steering report pages (/reports…) of a server whose
// store holds a month of demonstration data (guichet demo: four sites of
// Ille-et-Vilaine) beside the fixture sites (Rennes and Saint-Malo in 35,
// Brest in 29). Who may open which report; the figures on the page equal
// `guichet stats --format json` for the same scope and period; a visit
// recorded through the API is counted by the very next report; one table
// as CSV, the workbook as XLSX; the publication version shows no count
// below 5; bad dates answer 400 with what to fix; an unknown table 404.

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';

import { DEFAULT_USERS, decodeEntities, findTags, runOk, serverForSuite, textOf } from './lib.mjs';

const END = '2025-03-28';
const FROM = '2025-02-27';
const PERIOD = `from=${FROM}&to=${END}`;

const USERS = {
  ...DEFAULT_USERS,
  operator: { email: 'operateur.caf@example.org', name: 'Olivier Opérateur', role: 'operator', operator: 'cnaf' },
};

/** A number as the page writes it ("1 234", "1,234") back to an integer. */
const num = (s) => Number(s.replace(/[^\d-]/g, ''));

/** The key figures of a report page: code → text of the value. */
function keyFigures(html) {
  const out = {};
  const re = /<div class="key-figure" data-code="([a-z0-9_]+)"><dt>[\s\S]*?<\/dt><dd>([\s\S]*?)<\/dd><\/div>/g;
  let m;
  while ((m = re.exec(html))) out[m[1]] = decodeEntities(m[2]);
  return out;
}

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

function visitBody(day) {
  return {
    started_at: `${day}T10:15:00+01:00`,
    channel: 'guichet_spontane',
    duration_min: 20,
    visitor: { gender: 'feminin', age_bracket: '60_69' },
    demands: [
      { operator_code: 'cnaf', theme_code: 'social_sante', level: 'fait_avec', outcome: 'resolu', duration_min: 15 },
      { operator_code: 'dgfip', theme_code: 'argent_impots', level: 'information', outcome: 'resolu', duration_min: 5 },
    ],
  };
}

/* /metrics answers only with its token. */
const METRICS_TOKEN = 'reports-test-metrics-token-0123456789';

describe('steering reports', () => {
  let srv;
  const tokens = {};
  const clients = {};
  serverForSuite((s) => (srv = s), { users: USERS, start: false });

  before(async () => {
    await runOk(['demo', '--db', srv.db, '--days', '30', '--end', END, '--seed', '3', '--force']);
    /* A sliver of the official geography: Brittany (53) and its two
     * départements of the fixtures, so that the région report has sites. */
    const dir = path.join(srv.dir, 'geo');
    await fs.mkdir(dir);
    const commune = (code, nom, dep, cp) => ({ code, nom, type: 'commune-actuelle', departement: dep, region: '53', codesPostaux: [cp], population: 1000 });
    await fs.writeFile(path.join(dir, 'communes.json'), JSON.stringify([
      commune('35238', 'Rennes', '35', '35000'), commune('35288', 'Saint-Malo', '35', '35400'), commune('29019', 'Brest', '29', '29200'),
    ]));
    await fs.writeFile(path.join(dir, 'departements.json'), JSON.stringify([
      { code: '35', nom: 'Ille-et-Vilaine', region: '53' }, { code: '29', nom: 'Finistère', region: '53' },
    ]));
    await fs.writeFile(path.join(dir, 'regions.json'), JSON.stringify([{ code: '53', nom: 'Bretagne' }]));
    await srv.cliOk(['geo', 'load', '--dir', dir]);
    await srv.start(['--metrics-token', METRICS_TOKEN]);
    for (const k of ['admin', 'manager', 'agent', 'agentBrest', 'coordinator', 'operator']) clients[k] = await srv.login(k);
    tokens.agent = await srv.token('agent');
  });

  /** `guichet stats` as JSON for the same period. */
  const stats = async (args) => JSON.parse(await srv.cliOk(['stats', '--from', FROM, '--to', END, ...args]));
  const get = (key, p) => (key ? clients[key] : srv.client()).get(p);

  describe('who may open what', () => {
    it('sends anonymous readers to the login page', async () => {
      for (const p of ['/reports', '/reports/national', `/reports/site/${srv.sites.rennes}`, '/reports/departement/35']) {
        const res = await get(null, p);
        assert.equal(res.status, 303, p);
        assert.match(res.location, /^\/login/, p);
      }
    });

    it('opens their own sites to advisers and managers, and hides the others like missing ones', async () => {
      for (const key of ['agent', 'manager']) {
        assert.equal((await get(key, `/reports/site/${srv.sites.rennes}?${PERIOD}`)).status, 200, key);
        const other = await get(key, `/reports/site/${srv.sites.brest}?${PERIOD}`);
        const missing = await get(key, `/reports/site/999999?${PERIOD}`);
        assert.equal(other.status, 404, key);
        assert.equal(missing.status, 404, key);
        assert.equal(textOf(other.text).replace(/\d+/g, ''), textOf(missing.text).replace(/\d+/g, ''), key);
        for (const p of ['/reports/departement/35', '/reports/national', '/reports/region/53']) {
          assert.equal((await get(key, p)).status, 403, `${key} ${p}`);
        }
      }
      assert.equal((await get('agentBrest', `/reports/site/${srv.sites.brest}`)).status, 200);
      assert.equal((await get('agentBrest', `/reports/site/${srv.sites.rennes}`)).status, 404);
    });

    it('opens their département and its sites to a coordinator, nothing else', async () => {
      assert.equal((await get('coordinator', `/reports/departement/35?${PERIOD}`)).status, 200);
      assert.equal((await get('coordinator', `/reports/site/${srv.sites.malo}?${PERIOD}`)).status, 200);
      assert.equal((await get('coordinator', `/reports/sites?site=${srv.sites.rennes}&site=${srv.sites.malo}&${PERIOD}`)).status, 200);
      assert.equal((await get('coordinator', `/reports/sites?site=${srv.sites.rennes}&site=${srv.sites.brest}`)).status, 404);
      assert.equal((await get('coordinator', `/reports/site/${srv.sites.brest}`)).status, 404);
      assert.equal((await get('coordinator', '/reports/departement/29')).status, 403);
      assert.equal((await get('coordinator', '/reports/national')).status, 403);
      assert.equal((await get('coordinator', '/reports/region/53')).status, 403);
    });

    it('opens everything to an administrator, and nothing to an operator', async () => {
      assert.equal((await get('admin', `/reports/national?${PERIOD}`)).status, 200);
      assert.equal((await get('admin', `/reports/departement/29?${PERIOD}`)).status, 200);
      assert.equal((await get('admin', `/reports/site/${srv.sites.brest}?${PERIOD}`)).status, 200);
      assert.equal((await get('admin', '/reports/departement/2A')).status, 404, 'a département without sites');
      assert.equal((await get('admin', '/reports/region/11')).status, 404, 'a région without sites');
      for (const p of ['/reports', '/reports/national', `/reports/site/${srv.sites.rennes}`]) {
        assert.equal((await get('operator', p)).status, 403, p);
      }
    });

    it('lists on /reports the reports each one may open', async () => {
      const links = async (key) => findTags((await get(key, '/reports')).text, 'a').map((a) => a.href.split('?')[0]);
      const agent = await links('agent');
      assert.ok(agent.includes(`/reports/site/${srv.sites.rennes}`));
      assert.ok(!agent.includes(`/reports/site/${srv.sites.brest}`));
      assert.ok(!agent.some((h) => h.startsWith('/reports/departement/') || h === '/reports/national'));
      const coord = await links('coordinator');
      assert.ok(coord.includes('/reports/departement/35'));
      assert.ok(coord.includes(`/reports/site/${srv.sites.malo}`));
      assert.ok(!coord.includes('/reports/national') && !coord.includes('/reports/departement/29'));
      const admin = await links('admin');
      for (const h of ['/reports/national', '/reports/departement/35', '/reports/departement/29', '/reports/region/53']) assert.ok(admin.includes(h), h);
      assert.match(textOf((await get('admin', '/reports')).text), /Ille-et-Vilaine \(35\)/);
      const forms = async (key) => findTags((await get(key, '/reports')).text, 'form').map((f) => f.action);
      assert.ok((await forms('coordinator')).includes('/reports/sites'), 'a coordinator may put sites together');
      assert.ok(!(await forms('agent')).includes('/reports/sites'), 'nothing to put together with one site');
      const nav = findTags((await get('agent', '/')).text, 'a').map((a) => a.href);
      assert.ok(nav.includes('/reports'), 'the menu links to the reports');
    });
  });

  describe('figures', () => {
    it('shows the figures of guichet stats for the département, the nation and a site', async () => {
      const cases = [
        ['coordinator', '/reports/departement/35', ['--departement', '35']],
        ['admin', '/reports/national', []],
        ['admin', '/reports/region/53', ['--region', '53']],
        ['admin', '/reports/site/4', ['--site', '4']],
        ['coordinator', `/reports/site/${srv.sites.rennes}`, ['--site', String(srv.sites.rennes)]],
      ];
      for (const [key, p, args] of cases) {
        const res = await get(key, `${p}?${PERIOD}`);
        assert.equal(res.status, 200, `${p}: ${res.text.slice(0, 500)}`);
        const k = keyFigures(res.text);
        const s = await stats(args);
        assert.equal(num(k.visits), s.visits, `${p} visits`);
        assert.equal(num(k.demands), s.demands, `${p} demands`);
        assert.equal(num(k.solved_on_site), s.solved_on_site, `${p} solved`);
      }
      const dep = await stats(['--departement', '35']);
      assert.ok(dep.visits > 100, 'the demonstration data is in the period');
    });

    it('gives the indicators as JSON, the very bytes of guichet stats', async () => {
      const cases = [
        ['coordinator', '/reports/departement/35', ['--departement', '35']],
        ['admin', '/reports/national?operator=cnaf&channel=telephone&', ['--operator', 'cnaf', '--channel', 'telephone']],
        ['agent', `/reports/site/${srv.sites.rennes}`, ['--site', String(srv.sites.rennes)]],
      ];
      for (const [key, p, args] of cases) {
        const res = await get(key, `${p}${p.includes('?') ? '' : '?'}${PERIOD}&format=json`);
        assert.equal(res.status, 200, `${p}: ${res.text.slice(0, 300)}`);
        assert.match(res.headers['content-type'], /^application\/json/);
        const cli = await srv.cliOk(['stats', '--from', FROM, '--to', END, ...args]);
        assert.equal(res.text.trimEnd(), cli.trimEnd(), p); // the command line's output is read trimmed
      }
      const masked = await get('admin', `/reports/national?${PERIOD}&format=json&masked=1`);
      assert.equal(masked.status, 400);
      assert.equal((await get('agent', `/reports/site/${srv.sites.brest}?${PERIOD}&format=json`)).status, 404);
    });

    it('gives by site the visits of each site of the département', async () => {
      const res = await get('coordinator', `/reports/departement/35?${PERIOD}`);
      const t = tables(res.text).find((x) => x.caption === 'Activité par lieu');
      assert.ok(t, 'a table by site');
      const site4 = await stats(['--site', '4']);
      const rows = t.rows.filter((r) => r[0] !== 'Total');
      assert.equal(rows.length, 6, 'the four demonstration sites, Rennes and Saint-Malo');
      assert.ok(rows.some((r) => num(r[1]) === site4.visits && num(r[2]) === site4.demands));
      assert.equal(rows.reduce((a, r) => a + num(r[1]), 0), (await stats(['--departement', '35'])).visits);
    });

    it('gives by département the visits of the nation on the national dashboard', async () => {
      const res = await get('admin', `/reports/national?${PERIOD}`);
      const t = tables(res.text).find((x) => x.caption === 'Activité par département');
      assert.ok(t, 'a table by département');
      const rows = t.rows.filter((r) => r[0] !== 'Total');
      assert.deepEqual(rows.map((r) => r[0]).sort(), ['Finistère (29)', 'Ille-et-Vilaine (35)']);
      const dep = await stats(['--departement', '35']);
      assert.equal(num(rows.find((r) => r[0].endsWith('(35)'))[1]), dep.visits);
      assert.equal(rows.reduce((a, r) => a + num(r[1]), 0), (await stats([])).visits);
    });

    it('filters by operator and channel like guichet stats', async () => {
      const res = await get('admin', `/reports/national?${PERIOD}&operator=cnaf&channel=telephone`);
      assert.equal(res.status, 200);
      const s = await stats(['--operator', 'cnaf', '--channel', 'telephone']);
      assert.equal(num(keyFigures(res.text).demands), s.demands);
      assert.match(textOf(res.text), /Canal : Téléphone/);
    });

    it('counts a visit recorded through the API in the very next report', async () => {
      const p = `/reports/site/${srv.sites.rennes}?${PERIOD}`;
      const before1 = keyFigures((await get('agent', p)).text);
      const res = await srv.client().request('POST', '/api/v1/visits', {
        headers: { authorization: `Bearer ${tokens.agent}`, 'content-type': 'application/json' },
        body: JSON.stringify(visitBody('2025-03-10')),
      });
      assert.equal(res.status, 201, res.text);
      const after1 = keyFigures((await get('agent', p)).text);
      assert.equal(num(after1.visits), num(before1.visits) + 1);
      assert.equal(num(after1.demands), num(before1.demands) + 2);
    });

    it('states on /metrics that the engine is loaded, and what it holds', async () => {
      await get('admin', `/reports/national?${PERIOD}`);
      const text = (await srv.client().get('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text;
      assert.match(text, /^guichet_stats_ready 1$/m);
      const held = Number(/^guichet_stats_rows\{kind="visits"\} (\d+)$/m.exec(text)?.[1]);
      const all = JSON.parse(await srv.cliOk(['stats', '--from', '1970-01-01', '--to', '2149-12-31']));
      assert.equal(held, all.visits);
      assert.match(text, /^guichet_stats_bytes \d+$/m);
    });
  });

  describe('exports', () => {
    it('gives as CSV the time series and the tables by site and by département too', async () => {
      const csv = async (key, p, table) => {
        const res = await get(key, `${p}?${PERIOD}&format=csv&table=${table}`);
        assert.equal(res.status, 200, `${p} ${table}: ${res.text.slice(0, 300)}`);
        return res.text.trim().split('\r\n').slice(1).map((l) => l.split(','));
      };
      const dep = await stats(['--departement', '35']);
      const sum = (rows) => rows.reduce((a, r) => a + Number(r[2]), 0);
      assert.equal(sum(await csv('coordinator', '/reports/departement/35', 'series')), dep.visits);
      assert.equal(sum(await csv('coordinator', '/reports/departement/35', 'by_site')), dep.visits);
      assert.equal(sum(await csv('admin', '/reports/national', 'by_departement')), (await stats([])).visits);
    });

    it('gives one table as CSV with the codes and counts of guichet stats', async () => {
      const res = await get('admin', `/reports/national?${PERIOD}&format=csv&table=by_channel`);
      assert.equal(res.status, 200, res.text.slice(0, 300));
      assert.match(res.header('content-type'), /^text\/csv/);
      assert.match(res.header('content-disposition'), /^attachment; filename="guichet-national-by_channel-2025-02-27-2025-03-28\.csv"$/);
      const lines = res.text.trim().split('\r\n').map((l) => l.split(','));
      const s = await stats([]);
      for (const [code, n] of Object.entries(s.by_channel)) {
        const line = lines.find((l) => l[0] === code);
        assert.ok(line, code);
        assert.equal(Number(line[2]), n, code);
      }
      const fr = await get('admin', `/reports/national?${PERIOD}&format=csv&table=by_channel&semicolon=1`);
      assert.equal(fr.status, 200);
      assert.ok(fr.text.split('\r\n')[0].includes(';'));
    });

    it('links the spreadsheet CSV first, cuts no chart label, and lets the keyboard reach every table', async () => {
      const html = (await get('coordinator', `/reports/departement/35?${PERIOD}`)).text;
      const paras = html.match(/<p class="report-csv">[\s\S]*?<\/p>/g) ?? [];
      assert.ok(paras.length > 20, `${paras.length} CSV links`);
      for (const para of paras) {
        const hrefs = findTags(para, 'a').map((a) => decodeEntities(a.href));
        assert.equal(hrefs.length, 2, para);
        assert.match(hrefs[0], /format=csv&table=[a-z0-9_]+&semicolon=1/, 'the spreadsheet variant first');
        assert.doesNotMatch(hrefs[1], /semicolon/);
      }
      // Long labels wrap on several lines of the chart instead of ending in "…".
      const labels = [...html.matchAll(/<text[^>]*class="c-label"[^>]*>([^<]*)<\/text>/g)].map((m) => decodeEntities(m[1]));
      assert.ok(labels.length > 0);
      for (const l of labels) assert.ok(!l.includes('…'), `a cut chart label: ${l}`);
      // Each scrolling table frame is a named region that takes the focus.
      const wraps = html.match(/<div class="table-wrap"[^>]*>/g) ?? [];
      assert.ok(wraps.length > 20);
      for (const w of wraps) {
        assert.match(w, /tabindex="0"/, w);
        assert.match(w, /role="region"/, w);
        const id = /aria-labelledby="([^"]+)"/.exec(w)?.[1];
        assert.ok(id && html.includes(`<caption id="${id}">`), w);
      }
    });

    it('gives the workbook as XLSX', async () => {
      const res = await get('coordinator', `/reports/departement/35?${PERIOD}&format=xlsx`);
      assert.equal(res.status, 200);
      assert.equal(res.header('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      assert.match(res.header('content-disposition'), /^attachment; filename="guichet-departement-35-2025-02-27-2025-03-28\.xlsx"$/);
      assert.equal(res.body.subarray(0, 2).toString('latin1'), 'PK');
    });

    it('answers 404 for an unknown table and 400 for an unknown format', async () => {
      assert.equal((await get('admin', `/reports/national?${PERIOD}&format=csv&table=nope`)).status, 404);
      assert.equal((await get('admin', `/reports/national?${PERIOD}&format=pdf`)).status, 400);
    });
  });

  describe('publication version', () => {
    it('shows no count below 5 in any table or key figure', async () => {
      for (const p of [`/reports/site/${srv.sites.rennes}`, '/reports/departement/35', '/reports/site/4']) {
        const res = await get('coordinator', `${p}?${PERIOD}&masked=1`);
        assert.equal(res.status, 200, p);
        assert.match(res.text, /effectifs inférieurs à 5 sont masqués/);
        const cells = tables(res.text).flatMap((t) => t.rows.flatMap((r) => r.slice(1)));
        cells.push(...Object.values(keyFigures(res.text)));
        let masked = 0;
        for (const c of cells) {
          if (c === '<5' || c === 's') {
            masked++;
            continue;
          }
          if (c === '' || c.includes('%') || /[a-z]/i.test(c)) continue;
          assert.ok(num(c) >= 5, `${p}: a count of ${c} is shown`);
        }
        assert.ok(masked > 0, `${p}: something is masked`);
      }
    });

    it('masks the CSV and the workbook the same way', async () => {
      const p = `/reports/site/${srv.sites.rennes}?${PERIOD}&masked=1`;
      const csv = await get('coordinator', `${p}&format=csv&table=by_channel`);
      assert.equal(csv.status, 200);
      assert.match(csv.header('content-disposition'), /-publication\.csv"$/);
      const counts = csv.text.trim().split('\r\n').slice(1).map((l) => l.split(',')[2]);
      assert.ok(counts.length > 0);
      for (const c of counts) assert.ok(c === '<5' || c === 's' || Number(c) >= 5, `CSV count ${c}`);
      const xlsx = await get('coordinator', `${p}&format=xlsx`);
      assert.equal(xlsx.status, 200);
      assert.match(xlsx.header('content-disposition'), /-publication\.xlsx"$/);
    });
  });

  describe('bad input', () => {
    it('answers 400 with the form and what to fix for a bad date', async () => {
      for (const q of ['from=2025-02-30&to=2025-03-28', 'from=hier&to=2025-03-28', 'from=2025-03-28&to=2025-02-27']) {
        const res = await get('agent', `/reports/site/${srv.sites.rennes}?${q}`);
        assert.equal(res.status, 400, q);
        assert.match(res.text, /class="error-summary"/, q);
        assert.match(res.text, /href="#from"/, q);
        assert.ok(findTags(res.text, 'input').some((a) => a.name === 'from'), `${q}: the form again`);
      }
      const res = await get('admin', '/reports/national?channel=pigeon');
      assert.equal(res.status, 400);
      assert.match(res.text, /href="#channel"/);
      assert.equal((await get('admin', '/reports/national?agent=2')).status, 400, 'agent only in site reports');
      assert.equal((await get('admin', '/reports/departement/x!')).status, 404);
    });
  });
});

describe('a table longer than a page', () => {
  let srv;
  const tokens = {};
  serverForSuite((s) => (srv = s), { users: USERS, tokens, tokenUsers: ['agent'] });

  it('shows its 100 most frequent rows, says so, and gives every row as CSV', async () => {
    // 130 communes of residence (no geography loaded: any well-formed code),
    // the first ten twice so that they lead the table.
    const api = srv.client();
    const post = async (commune) => {
      const body = visitBody('2025-03-10');
      body.visitor.commune_insee = commune;
      const res = await api.request('POST', '/api/v1/visits', {
        headers: { authorization: `Bearer ${tokens.agent}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 201, res.text);
    };
    const communes = Array.from({ length: 130 }, (_, i) => `35${String(100 + i).padStart(3, '0')}`);
    for (const c of communes) await post(c);
    for (const c of communes.slice(0, 10)) await post(c);

    const agent = await srv.login('agent');
    const p = `/reports/site/${srv.sites.rennes}?${PERIOD}`;
    const html = (await agent.get(p)).text;
    const section = /<section[^>]*aria-labelledby="s-by_commune"[\s\S]*?<\/section>/.exec(html)?.[0];
    assert.ok(section, 'the communes section');
    const rows = (section.match(/<tr[ >]/g) ?? []).length;
    // The heading row, 100 communes and the total.
    assert.equal(rows, 102, `${rows} rows`);
    assert.match(textOf(section), /100 lignes les plus fréquentes[^.]*130 lignes/);
    assert.ok(section.includes('35100') && !section.includes('35229'), 'the most frequent rows come first');
    const csv = (await agent.get(`${p}&format=csv&table=by_commune`)).text.trim().split('\r\n');
    assert.equal(csv.length, 1 + 130, 'the CSV has every commune');
  });
});
