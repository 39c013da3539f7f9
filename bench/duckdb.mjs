#!/usr/bin/env node
// duckdb.mjs: the statistics engine against DuckDB in its best form, both
// loaded at once and asked in turn (bench/README.md). DuckDB holds one wide
// table, one row per demand with its visit's and visitor's columns joined
// and every derived value (local day, hour, weekday, duration class, age
// cuts, first demand of its visit) computed once at load, from a Guichet
// SQLite database that is never written; each question is one SQL
// statement, which selects the question's rows once and groups them for
// every breakdown. The engine runs in
// `stats DB --serve` (bench/stats.c), loaded once. For every question the
// script checks that both answers agree figure for figure, then alternates
// engine, DuckDB, engine, DuckDB… and prints both medians and their ratio.
//
//   node bench/duckdb.mjs [--db /tmp/national.db] [--year 2025] [--rounds 7]
//        [--threads 2] [--engine-threads 2] [--stats-bin FILE] [--memory]
//        [--no-check] [--check-cli] [--queries] [--only TEXT]
//
// DuckDB (@duckdb/node-api) is not a dependency of Guichet: the script
// installs the pinned version into bench/.duckdb/ on first use, and when it
// cannot (offline, unsupported platform) it says so and exits 0.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const DUCKDB_VERSION = '1.5.6-r.1';
const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const installDir = join(here, '.duckdb');
const TZ = 'Europe/Paris';
const BUILD = process.env.BUILD || 'build';

const { values: opt } = parseArgs({
	options: {
		db: { type: 'string', default: '/tmp/national.db' },
		year: { type: 'string', default: '2025' },
		rounds: { type: 'string', default: '7' },
		threads: { type: 'string', default: '2' },
		'engine-threads': { type: 'string', default: '2' },
		'stats-bin': { type: 'string', default: join(root, BUILD, 'bench/stats') },
		'no-check': { type: 'boolean', default: false },
		'check-cli': { type: 'boolean', default: false },
		memory: { type: 'boolean', default: false },
		queries: { type: 'boolean', default: false },
		only: { type: 'string' },
		help: { type: 'boolean', default: false },
	},
});
if (opt.help) {
	const lines = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
	const first = lines.findIndex((l) => l.includes('node bench/duckdb.mjs'));
	console.log(lines.slice(first, first + 3).map((l) => l.slice(3)).join('\n'));
	process.exit(0);
}
const rounds = Math.max(1, Math.min(100, Number(opt.rounds) || 7));
const year = opt.year.slice(0, 4);
const guichet = process.env.GUICHET_BIN || join(root, BUILD, 'guichet');

function unavailable(reason) {
	console.log(`DuckDB not available: ${reason}`);
	process.exit(0);
}

// Thrown once DuckDB runs, so that its temporary files are removed first.
class Unavailable extends Error {}

// The pinned package, installed into bench/.duckdb/ unless it is there.
async function loadDuckDB() {
	const pkg = join(installDir, 'node_modules/@duckdb/node-api/package.json');
	const installed = existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).version === DUCKDB_VERSION;
	if (!installed) {
		console.log(`installing @duckdb/node-api@${DUCKDB_VERSION} into ${installDir} (once; about 70 MB)`);
		const r = spawnSync(
			'npm',
			['install', '--prefix', installDir, '--no-save', '--no-package-lock', '--no-audit', '--no-fund',
				`@duckdb/node-api@${DUCKDB_VERSION}`],
			{ stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8', timeout: 600_000 });
		if (r.error || r.status !== 0) {
			// npm's first error lines hold the cause (code, then message).
			const lines = (r.stderr || '').split('\n').filter((l) => /^npm (error|ERR!) /.test(l));
			const why = r.error ? r.error.message
				: lines.map((l) => l.replace(/^npm (error|ERR!) /, '')).filter((l) => !/^(syscall|errno) /.test(l)).slice(0, 2).join(': ');
			unavailable(`npm install failed: ${why || 'exit ' + r.status}`);
		}
	}
	try {
		const main = JSON.parse(readFileSync(pkg, 'utf8')).main || 'lib/index.js';
		return await import(pathToFileURL(join(dirname(pkg), main)).href);
	} catch (e) {
		unavailable(`cannot load @duckdb/node-api: ${e.message}`);
	}
}

function kib(key, pid = 'self') {
	try {
		const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${key}:\\s+(\\d+)`, 'm'));
		return m ? Number(m[1]) : NaN;
	} catch {
		return NaN;
	}
}
const mib = (k) => (k / 1024).toFixed(1);
const q = (s) => `'${String(s).replaceAll("'", "''")}'`;
const num = (v) => (v === null || v === undefined ? 0 : Number(v));
const load1 = () => loadavg()[0].toFixed(2);
const median = (t) => [...t].sort((a, b) => a - b)[Math.floor(t.length / 2)];

// ------------------------------------------------------------------
// The questions. The first three are the ones the comparison is about: a
// national year with every breakdown, the same with a filter, a
// département's quarter; the others are those of bench/stats.c.

const from = `${year}-01-01`, to = `${year}-12-31`;
const QUESTIONS = [
	{ name: 'national, every breakdown' },
	{ name: 'national, operator cnaf', operator: 'cnaf' },
	{ name: 'departement 35, one quarter (Q2)', departement: '35', from: `${year}-04-01`, to: `${year}-06-30` },
	{ name: 'national, theme social_sante + channel guichet_spontane', theme: 'social_sante', channel: 'guichet_spontane' },
	{ name: 'national, operator cnaf + theme social_sante', operator: 'cnaf', theme: 'social_sante' },
	{ name: 'national, public allophone', public: 'allophone' },
	{ name: 'national, operator dgfip + channel telephone + public sans_internet', operator: 'dgfip', channel: 'telephone', public: 'sans_internet' },
	{ name: 'national, one quarter (Q2)', from: `${year}-04-01`, to: `${year}-06-30` },
	{ name: 'departement 35, every breakdown', departement: '35' },
	{ name: 'departement 35, operator cnaf + public precarite', departement: '35', operator: 'cnaf', public: 'precarite' },
	{ name: 'region-sized: 5 sites', sites: [35, 136, 237, 338, 439] },
	{ name: 'one site, every breakdown', sites: [35] },
].map((x) => ({ from, to, ...x }));

// The particular publics (STATS_PUBLICS), each a boolean column of the
// wide table named by its code.
const PUBLICS = ['allophone', 'illettrisme', 'handicap', 'precarite', 'sans_equipement', 'sans_internet', 'sans_telephone', 'sans_email'];

// Day arithmetic on calendar dates, as stats_periods does.
const dayNum = (s) => Date.parse(`${s}T00:00:00Z`) / 86400000;
const dayStr = (n) => new Date(n * 86400000).toISOString().slice(0, 10);
function yearBefore(s) {
	let [y, m, d] = s.split('-').map(Number);
	if (m === 2 && d === 29) d = 28;
	return `${String(y - 1).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
function periods(x) {
	const a = dayNum(x.from), b = dayNum(x.to), len = b - a + 1;
	return [[dayStr(a - len), dayStr(a - 1)], [yearBefore(x.from), yearBefore(x.to)]];
}

// The breakdowns, in the JSON's keys: [key, column of the wide table,
// visit level, how codes map]. plain: as is; skip: '' left out;
// notgiven: '' counts as non_renseigne; list: comma-separated codes, each
// counted.
const BREAKDOWNS = [
	['by_operator', 'operator_code', 0, 'plain'],
	['by_theme', 'theme_code', 0, 'plain'],
	['by_procedure', 'procedure', 0, 'plain'],
	['by_level', 'level', 0, 'plain'],
	['by_outcome', 'outcome', 0, 'plain'],
	['by_referral', 'referral', 0, 'skip'],
	['autonomy', 'autonomy_code', 0, 'plain'],
	['equipment', 'equipment', 0, 'list'],
	['interpreting', 'interpreting', 0, 'skip'],
	['interpreting_languages', 'interpreting_lang', 0, 'skip'],
	['by_channel', 'channel', 1, 'plain'],
	['by_age_bracket', 'age_bracket', 1, 'notgiven'],
	['by_gender', 'gender', 1, 'notgiven'],
	['by_status', 'status', 1, 'notgiven'],
	['by_commune', 'commune', 1, 'notgiven'],
	['languages', 'languages', 1, 'list'],
	['duration_ranges', 'duration', 1, 'plain'],
	['by_weekday', 'weekday', 1, 'plain'],
	['by_hour', 'hour', 1, 'plain'],
];

// The WHERE of a question on the wide table, for the period given.
function where(x, period) {
	const w = [`day BETWEEN DATE ${q(period[0])} AND DATE ${q(period[1])}`];
	if (x.sites) w.push(`site_id IN (${x.sites.map(Number).join(', ')})`);
	else if (x.departement) w.push(`departement = ${q(x.departement)}`);
	// A code the column never holds matches nothing (and is no ENUM value).
	const is = (col, v) => (known.get(col)?.has(v) ? `${col} = ${q(v)}` : 'false');
	if (x.channel) w.push(is('channel', x.channel));
	if (x.public) w.push(PUBLICS.includes(x.public) ? x.public : 'false');
	if (x.operator) w.push(is('operator_code', x.operator));
	if (x.theme) w.push(is('theme_code', x.theme));
	return w.join(' AND ');
}

// A row stands for its visit when it is the visit's first demand that
// passes the filters: the first demand when no demand filter is given,
// else the first one with that operator, theme or pair (the lists of the
// codes of the demands before it in its visit were made at load).
function visitFlag(x) {
	if (x.operator && x.theme) return `NOT list_contains(prev_pairs, ${q(`${x.operator}|${x.theme}`)})`;
	if (x.operator) return `NOT list_contains(prev_ops, ${q(x.operator)})`;
	if (x.theme) return `NOT list_contains(prev_themes, ${q(x.theme)})`;
	return 'vfirst';
}

// One question as one statement. m: the period's rows that pass the
// scope and filters, with the columns used, made once (MATERIALIZED);
// a: the totals; b: every breakdown, one GROUP BY per column over m (the
// visit-level ones over the rows that stand for their visit), returned as
// one list; p: the progression of autonomy; g1, g2: the two growth
// periods; w: the workshops.
function questionSql(x) {
	const vf = visitFlag(x);
	const [p1, p2] = periods(x);
	const cols = [...new Set(['person', 'identified', 'vkey', 'autonomy', 'outcome', ...PUBLICS,
		...BREAKDOWNS.map(([, col]) => col), 'c55', 'c26'])];
	const tot = [
		'count(*) AS demands', "count_if(outcome = 'resolu') AS solved",
		'count_if(vf) AS visits', 'count_if(vf AND NOT identified) AS anonymous',
		'count(DISTINCT person) FILTER (WHERE identified) AS identified_distinct',
		...PUBLICS.map((c) => `count_if(vf AND ${c}) AS pub_${c}`),
	];
	const groups = [...BREAKDOWNS, ['over_55', 'c55', 1], ['under_26', 'c26', 1]].map(([key, col, visit]) =>
		`SELECT '${key}' AS k, CAST(g AS VARCHAR) AS c, n FROM (SELECT ${col} AS g, count(*) AS n FROM m` +
		`${visit ? ' WHERE vf' : ''} GROUP BY ${col})`);
	const filtered = x.operator || x.theme || x.channel || x.public;
	let ws = `SELECT count(*) AS workshops, coalesce(sum(participants), 0) AS participants FROM workshops
		WHERE day BETWEEN DATE ${q(x.from)} AND DATE ${q(x.to)}`;
	if (x.sites) ws += ` AND site_id IN (${x.sites.map(Number).join(', ')})`;
	else if (x.departement) ws += ` AND departement = ${q(x.departement)}`;
	if (filtered) ws = 'SELECT 0 AS workshops, 0 AS participants';
	return `WITH m AS MATERIALIZED (SELECT ${cols.join(', ')}, ${vf} AS vf FROM wide WHERE ${where(x, [x.from, x.to])}),
a AS (SELECT ${tot.join(',\n  ')} FROM m),
b AS (${groups.join('\n  UNION ALL ')}),
pv AS (SELECT person, vkey, max(autonomy) AS lvl FROM m WHERE identified AND autonomy > 0 GROUP BY person, vkey),
pp AS (SELECT arg_min(lvl, vkey) AS f, arg_max(lvl, vkey) AS l FROM pv GROUP BY person HAVING count(*) >= 2),
p AS (SELECT count_if(l > f) AS progresse, count_if(l = f) AS stable, count_if(l < f) AS recule FROM pp),
g1 AS (SELECT count(*) AS prev_demands, count_if(${vf}) AS prev_visits FROM wide WHERE ${where(x, p1)}),
g2 AS (SELECT count(*) AS yago_demands, count_if(${vf}) AS yago_visits FROM wide WHERE ${where(x, p2)}),
w AS (${ws})
SELECT a.*, p.*, g1.*, g2.*, w.*, (SELECT list({k: k, c: c, n: n}) FROM b) AS breakdowns FROM a, p, g1, g2, w`;
}

// The statement's one row in the shape of `guichet stats --format json`.
function answerOf(row) {
	const bd = {};
	for (const { entries: { k, c, n } } of row.breakdowns?.items || []) (bd[k] ||= {})[c] = num(n);
	const hist = (key) => bd[key] || {};
	const r = {
		visits: num(row.visits), demands: num(row.demands), solved_on_site: num(row.solved),
		people: { anonymous_visits: num(row.anonymous), identified_distinct: num(row.identified_distinct) },
		particular_publics: Object.fromEntries(PUBLICS.map((c) => [c, num(row[`pub_${c}`])])),
		autonomy_progression: { progresse: num(row.progresse), stable: num(row.stable), recule: num(row.recule) },
		growth: {
			previous_period: { visits: num(row.prev_visits), demands: num(row.prev_demands) },
			year_before: { visits: num(row.yago_visits), demands: num(row.yago_demands) },
		},
		workshops: { count: num(row.workshops), participants: num(row.participants) },
	};
	for (const k of ['over_55', 'under_26']) {
		const h = hist(k);
		r[k] = { yes: h.yes || 0, no: h.no || 0, unknown: h.unknown || 0 };
	}
	for (const [key, , , mode] of BREAKDOWNS) {
		const m = {};
		for (const [code, n] of Object.entries(hist(key))) {
			const add = (c) => { m[c] = (m[c] || 0) + n; };
			if (mode === 'list') code.split(',').filter((c) => c).forEach(add);
			else if (code !== '' || mode === 'plain') add(code);
			else if (mode === 'notgiven') add('non_renseigne');
		}
		r[key] = m;
	}
	return r;
}

// Where the DuckDB answer differs from the engine's JSON: the totals
// first, then every figure (zero entries of a breakdown count as absent).
function differences(mine, engine) {
	const out = [];
	const cmp = (path, a, b) => { if (num(a) !== num(b)) out.push(`${path} ${a} vs ${b}`); };
	cmp('visits', mine.visits, engine.visits);
	cmp('demands', mine.demands, engine.demands);
	cmp('solved_on_site', mine.solved_on_site, engine.solved_on_site);
	for (const k of ['people', 'over_55', 'under_26', 'autonomy_progression', 'workshops'])
		for (const f of Object.keys(mine[k])) cmp(`${k}.${f}`, mine[k][f], engine[k]?.[f]);
	for (const k of ['previous_period', 'year_before'])
		for (const f of ['visits', 'demands']) cmp(`growth.${k}.${f}`, mine.growth[k][f], engine.growth?.[k]?.[f]);
	for (const [k] of [...BREAKDOWNS, ['particular_publics']]) {
		const a = mine[k], b = engine[k] || {};
		for (const c of new Set([...Object.keys(a), ...Object.keys(b)]))
			if (num(a[c]) !== num(b[c])) out.push(`${k}.${c} ${num(a[c])} vs ${num(b[c])}`);
	}
	return out;
}

// --check-cli: the engine's answer from `guichet stats` (which loads the
// engine anew for each call) instead of the serving process.
function cliAnswer(db, x) {
	const args = ['stats', '--db', db, '--from', x.from, '--to', x.to, '--format', 'json'];
	if (x.sites) x.sites.forEach((id) => args.push('--site', String(id)));
	if (x.departement) args.push('--departement', x.departement);
	for (const k of ['operator', 'theme', 'channel', 'public']) if (x[k]) args.push(`--${k}`, x[k]);
	const r = spawnSync(guichet, args, { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, TZ: process.env.TZ || TZ } });
	if (r.status !== 0) throw new Error(`guichet stats: ${r.error?.message || r.stderr.trim()}`);
	return JSON.parse(r.stdout);
}

// ------------------------------------------------------------------
// The engine, loaded once in `stats DB --serve` (bench/stats.c): one
// question a line, answered by "ok US VISITS DEMANDS BYTES" and BYTES of
// JSON.

class Engine {
	constructor(bin, db, threads) {
		this.proc = spawn(bin, [db, '--serve', String(threads)],
			{ stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, TZ: process.env.TZ || TZ } });
		this.data = Buffer.alloc(0);
		this.waiting = null;
		this.proc.stdout.on('data', (c) => { this.data = Buffer.concat([this.data, c]); this.pump(); });
		this.proc.on('exit', (code) => this.waiting?.reject(new Error(`stats --serve exited (${code})`)));
		this.proc.on('error', (e) => this.waiting?.reject(e));
	}

	pump() {
		const nl = this.data.indexOf(10);
		if (!this.waiting || nl < 0) return;
		const head = this.data.subarray(0, nl).toString().split(' ');
		let bytes = 0;
		if (head[0] === 'ok') bytes = Number(head[4]);
		if (this.data.length < nl + 1 + bytes) return;
		const body = this.data.subarray(nl + 1, nl + 1 + bytes).toString();
		this.data = this.data.subarray(nl + 1 + bytes);
		const w = this.waiting;
		this.waiting = null;
		if (head[0] === 'error') w.reject(new Error(`stats --serve: ${head.slice(1).join(' ')}`));
		else w.resolve({ head, body });
	}

	next() {
		return new Promise((resolve, reject) => { this.waiting = { resolve, reject }; this.pump(); });
	}

	async ready() {
		const { head } = await this.next();
		if (head[0] !== 'ready') throw new Error(`stats --serve: ${head.join(' ')}`);
		return Object.fromEntries(head.slice(1).map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
	}

	// The time of stats_engine_query in ms (wall and processor), and the
	// JSON when asked.
	async ask(x, json) {
		const w = [`from=${x.from}`, `to=${x.to}`];
		if (x.sites) w.push(`sites=${x.sites.join(',')}`);
		else if (x.departement) w.push(`departement=${x.departement}`);
		for (const k of ['operator', 'theme', 'channel', 'public']) if (x[k]) w.push(`${k}=${x[k]}`);
		if (json) w.push('json=1');
		const p = this.next();
		this.proc.stdin.write(w.join(' ') + '\n');
		const { head, body } = await p;
		return { ms: Number(head[1]) / 1000, cpu: Number(head[5]) / 1000, answer: json ? JSON.parse(body) : null };
	}

	close() {
		this.proc.stdin.end();
	}
}

// ------------------------------------------------------------------
// DuckDB's load: the columns the statistics read, copied from SQLite, then
// joined once into the wide table.

const TABLES = [
	['sites', 'id BIGINT, departement VARCHAR', ''],
	['visits', 'id BIGINT, site_id BIGINT, visitor_id BIGINT, started_at BIGINT, channel VARCHAR, duration_min INTEGER',
		'deleted_at = 0'],
	['visitors', 'id BIGINT, identified INTEGER, birth_year INTEGER, age_bracket VARCHAR, gender VARCHAR, ' +
		'social_status VARCHAR, commune_insee VARCHAR, disabilities VARCHAR, languages VARCHAR, no_phone INTEGER, ' +
		'no_email INTEGER, no_device INTEGER, no_internet INTEGER, allophone INTEGER, illiteracy INTEGER, ' +
		'very_precarious INTEGER', ''],
	['demands', 'id BIGINT, visit_id BIGINT, operator_code VARCHAR, theme_code VARCHAR, procedure_id BIGINT, level VARCHAR, ' +
		'outcome VARCHAR, referral_type VARCHAR, autonomy INTEGER, equipment VARCHAR, interpreting VARCHAR, ' +
		'interpreting_lang VARCHAR', ''],
	['workshops', 'site_id BIGINT, held_at BIGINT, participants INTEGER', 'deleted_at = 0'],
];
const colsOf = (spec) => spec.split(', ').map((c) => c.split(' '));

// The raw tables, through DuckDB's sqlite extension when it can be
// installed, else through CSV files written by the sqlite3 tool.
async function loadRaw(con, db, work) {
	try {
		await con.run('INSTALL sqlite; LOAD sqlite;');
		await con.run(`ATTACH ${q(db)} AS src (TYPE sqlite, READ_ONLY)`);
		for (const [t, spec, where_] of TABLES) {
			const cols = colsOf(spec).map(([c, ty]) => `CAST(${c} AS ${ty}) AS ${c}`).join(', ');
			await con.run(`CREATE TABLE raw_${t} AS SELECT ${cols} FROM src.${t}${where_ ? ' WHERE ' + where_ : ''}`);
		}
		await con.run('DETACH src');
		return 'sqlite extension (ATTACH … READ_ONLY)';
	} catch (e) {
		console.log(`sqlite extension unusable (${e.message.split('\n')[0]}); exporting CSV with sqlite3 -readonly`);
	}
	for (const [t] of TABLES) await con.run(`DROP TABLE IF EXISTS raw_${t}`);
	for (const [t, spec, where_] of TABLES) {
		const cols = colsOf(spec);
		const csv = join(work, `${t}.csv`);
		const r = spawnSync('sqlite3', ['-readonly', '-csv', '-header', '-cmd', `.output ${csv}`, db,
			`SELECT ${cols.map(([c]) => c).join(', ')} FROM ${t}${where_ ? ' WHERE ' + where_ : ''}`], { encoding: 'utf8' });
		if (r.error || r.status !== 0)
			throw new Unavailable(`no sqlite extension, and sqlite3 failed: ${(r.error?.message || r.stderr).trim()}`);
		// An empty CSV field reads as NULL; the store's text columns are
		// never NULL ('' by default), its integer ones may be.
		const sel = cols.map(([c, ty]) => (ty === 'VARCHAR' ? `COALESCE(${c}, '') AS ${c}` : c)).join(', ');
		const types = cols.map(([c, ty]) => `${q(c)}: ${q(ty)}`).join(', ');
		await con.run(`CREATE TABLE raw_${t} (${spec})`);
		if (statSync(csv).size > 0) // no rows, no header either
			await con.run(`INSERT INTO raw_${t} SELECT ${sel} FROM read_csv(${q(csv)}, header = true, columns = {${types}})`);
		rmSync(csv);
	}
	return 'CSV exported by sqlite3 -readonly';
}

const LOCAL = `(to_timestamp(v.started_at) AT TIME ZONE '${TZ}')`;
// The age cuts of stats_cut_over_55 / stats_cut_under_26: from the birth
// year when known, else from the bracket when it lies wholly on one side.
const CUT = (test, yes, no) => `CASE WHEN birth_year > 0 THEN (CASE WHEN ${test} THEN 'yes' ELSE 'no' END)
		WHEN age_bracket IN (${yes}) THEN 'yes' WHEN age_bracket IN (${no}) THEN 'no' ELSE 'unknown' END`;

// One row per demand of a live visit, sorted by département, site and day
// (DuckDB's zone maps then skip the row groups outside a département or a
// period). The lists prev_* hold the codes of the demands before the row in
// its visit: the first demand of a visit with a given operator or theme is
// the row whose list lacks it.
const WIDE = `CREATE TABLE wide_text AS
WITH d AS (
	SELECT *,
		coalesce(list(operator_code) OVER wp, []) AS prev_ops,
		coalesce(list(theme_code) OVER wp, []) AS prev_themes,
		coalesce(list(operator_code || '|' || theme_code) OVER wp, []) AS prev_pairs
	FROM raw_demands
	WINDOW wp AS (PARTITION BY visit_id ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
), x AS (
	SELECT v.id AS vid, v.site_id, s.departement, v.channel, v.duration_min, ${LOCAL} AS lt,
		p.id AS person, p.identified, p.birth_year, p.age_bracket, p.gender, p.social_status, p.commune_insee,
		p.disabilities, p.languages, p.no_phone, p.no_email, p.no_device, p.no_internet, p.allophone,
		p.illiteracy, p.very_precarious,
		d.id AS did, d.operator_code, d.theme_code, d.procedure_id, d.level, d.outcome, d.referral_type,
		d.autonomy, d.equipment, d.interpreting, d.interpreting_lang, d.prev_ops, d.prev_themes, d.prev_pairs
	FROM d JOIN raw_visits v ON v.id = d.visit_id JOIN raw_visitors p ON p.id = v.visitor_id
		JOIN raw_sites s ON s.id = v.site_id
)
SELECT
	vid, site_id, departement, CAST(lt AS DATE) AS day,
	date_diff('day', DATE '1970-01-01', CAST(lt AS DATE))::BIGINT * 10000000000 + vid AS vkey,
	channel, strftime(lt, '%H') AS hour, CAST(isodow(lt) AS VARCHAR) AS weekday,
	CASE WHEN duration_min <= 0 THEN 'non_renseigne' WHEN duration_min < 30 THEN 'moins_30'
		WHEN duration_min < 60 THEN '30_60' WHEN duration_min < 120 THEN '60_120' ELSE '120_plus' END AS duration,
	person, identified = 1 AS identified, age_bracket, gender, social_status AS status,
	commune_insee AS commune, languages,
	${CUT('year(lt) - birth_year >= 55', "'60_69', '70_plus'", "'moins_de_12', '12_17', '18_24', '25_39'")} AS c55,
	${CUT('year(lt) - birth_year < 26', "'moins_de_12', '12_17', '18_24'", "'40_59', '60_69', '70_plus'")} AS c26,
	allophone = 1 AS allophone, illiteracy = 1 AS illettrisme, disabilities <> '' AS handicap,
	very_precarious = 1 AS precarite, no_device = 1 AS sans_equipement, no_internet = 1 AS sans_internet,
	no_phone = 1 AS sans_telephone, no_email = 1 AS sans_email,
	operator_code, theme_code,
	CASE WHEN procedure_id IS NULL THEN 'texte_libre' ELSE CAST(procedure_id AS VARCHAR) END AS procedure,
	level, outcome, referral_type AS referral, autonomy,
	CASE WHEN autonomy = 0 THEN 'non_evalue' ELSE CAST(autonomy AS VARCHAR) END AS autonomy_code,
	equipment, interpreting, interpreting_lang,
	len(prev_ops) = 0 AS vfirst, prev_ops, prev_themes, prev_pairs
FROM x`;

// The columns of codes, held as ENUM types made from their values (one or
// two bytes a row, grouped by DuckDB's perfect hash aggregate).
const ENUMS = [...new Set([...BREAKDOWNS.map(([, col]) => col), 'c55', 'c26'])];
const known = new Map(); // column → its values, for the filters

async function load(con, db, work) {
	const how = await loadRaw(con, db, work);
	await con.run(WIDE);
	for (const col of ENUMS) {
		const vals = (await con.runAndReadAll(`SELECT DISTINCT ${col} FROM wide_text WHERE ${col} IS NOT NULL`))
			.getRows().map(([v]) => String(v));
		known.set(col, new Set(vals));
		await con.run(`CREATE TYPE e_${col} AS ENUM (${vals.length ? vals.map(q).join(', ') : "''"})`);
	}
	const cols = (await con.runAndReadAll("SELECT column_name FROM information_schema.columns WHERE table_name = 'wide_text' ORDER BY ordinal_position"))
		.getRows().map(([c]) => (ENUMS.includes(c) ? `CAST(${c} AS e_${c}) AS ${c}` : c));
	await con.run(`CREATE TABLE wide AS SELECT ${cols.join(', ')} FROM wide_text
		ORDER BY departement, site_id, day, vid, vfirst DESC`);
	await con.run('DROP TABLE wide_text');
	await con.run(`CREATE TABLE workshops AS SELECT w.site_id, s.departement, w.participants,
		CAST(to_timestamp(w.held_at) AT TIME ZONE '${TZ}' AS DATE) AS day
		FROM raw_workshops w JOIN raw_sites s ON s.id = w.site_id`);
	for (const [t] of TABLES) await con.run(`DROP TABLE raw_${t}`);
	return how;
}

// ------------------------------------------------------------------

async function main() {
	if (!existsSync(opt.db)) {
		console.error(`duckdb.mjs: no database ${opt.db} (make one with bench/stats.sh, bench/README.md)`);
		process.exit(2);
	}
	// An older build of stats.c would take --serve for a year and run the
	// whole bench, which records a visit: never start one.
	if (!existsSync(opt['stats-bin']) || !readFileSync(opt['stats-bin']).includes('ready visits=')) {
		console.error(`duckdb.mjs: no ${opt['stats-bin']} with --serve (bench/stats.sh --build makes it; ` +
			'BUILD=DIR for another build folder)');
		process.exit(2);
	}
	const { DuckDBInstance } = await loadDuckDB();
	const work = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'guichet-duckdb-'));
	const file = opt.memory ? ':memory:' : join(work, 'stats.duckdb');
	const threads = Number(opt.threads) || 2;
	let instance, con, engine;
	try {
		console.log(`${cpus().length} × ${cpus()[0]?.model?.trim()}, load average ${load1()} at start`);
		// The engine first, in its own process (it only reads the database).
		engine = new Engine(opt['stats-bin'], opt.db, Number(opt['engine-threads']) === 1 ? 1 : 2);
		const info = await engine.ready().catch((e) => {
			engine.proc.kill();
			throw e;
		});
		console.log(`engine (${info.threads} threads): ${info.visits.toLocaleString('en')} visits, ` +
			`${info.demands.toLocaleString('en')} demands loaded in ${(info.load_us / 1e6).toFixed(1)} s; ` +
			`columns ${mib(info.bytes / 1024)} MiB (${(info.bytes / Math.max(1, info.demands)).toFixed(1)} bytes a demand); ` +
			`process RSS ${mib(kib('VmRSS', engine.proc.pid))} MiB`);

		instance = await DuckDBInstance.create(file, { threads: String(threads) });
		con = await instance.connect();
		const [[version]] = (await con.runAndReadAll('SELECT version()')).getRows();
		const rss0 = kib('VmRSS');
		const t0 = performance.now();
		const how = await load(con, opt.db, work);
		if (!opt.memory) await con.run('CHECKPOINT');
		const loadMs = performance.now() - t0;
		const [[nd, nv]] = (await con.runAndReadAll('SELECT count(*), count_if(vfirst) FROM wide')).getRows();
		const [[mem]] = (await con.runAndReadAll('SELECT memory_usage FROM pragma_database_size()')).getRows();
		const size = opt.memory ? '' : `; file ${mib(statSync(file).size / 1024)} MiB`;
		console.log(`DuckDB ${version} (@duckdb/node-api ${DUCKDB_VERSION}, ${threads} threads, ` +
			`${opt.memory ? 'in memory' : 'file under ' + work}): wide table of ${num(nd).toLocaleString('en')} demands ` +
			`(${num(nv).toLocaleString('en')} visits) loaded in ${(loadMs / 1000).toFixed(1)} s via ${how}${size}; ` +
			`DuckDB memory ${mem}; process RSS ${mib(kib('VmRSS'))} MiB (${mib(rss0)} before), peak ${mib(kib('VmHWM'))} MiB`);
		if (num(nd) !== info.demands || num(nv) !== info.visits)
			console.log(`WARNING: DuckDB holds ${nd} demands and ${nv} visits, the engine ${info.demands} and ${info.visits}`);

		const check = !opt['no-check'];
		if (opt['check-cli'] && !existsSync(guichet)) throw new Error(`no ${guichet} for --check-cli`);
		const head = `${'question (one year unless said)'.padEnd(68)} ${'visits'.padStart(9)} ${'engine'.padStart(9)} ` +
			`${'DuckDB'.padStart(9)} ${'ratio'.padStart(6)} ${'eng CPU'.padStart(9)} ${'Duck CPU'.padStart(9)} ` +
			`${'ratio'.padStart(6)} ${'load'.padStart(5)}  answers`;
		console.log(`\nper question: the answers checked, one warm-up each, then ${rounds} rounds alternating engine ` +
			`and DuckDB; medians in ms, wall clock then processor time (every thread); ratio DuckDB / engine; ` +
			`load average before the question\n${head}`);
		let bad = 0;
		for (const x of QUESTIONS.filter((y) => !opt.only || y.name.includes(opt.only))) {
			const sql = questionSql(x);
			if (opt.queries) console.log(sql);
			// Prepared once, outside the timing, as a server would prepare
			// its statements; each round runs it and reads its row.
			const stmt = await con.prepare(sql);
			const duck = async () => {
				const c = process.cpuUsage(), a = performance.now();
				const rows = (await stmt.runAndReadAll()).getRowObjects();
				const ms = performance.now() - a, u = process.cpuUsage(c);
				return { ms, cpu: (u.user + u.system) / 1000, row: rows[0] };
			};
			const lavg = load1();
			// Warm-up and check: one question each.
			const e0 = await engine.ask(x, check && !opt['check-cli']);
			const d0 = await duck();
			const mine = answerOf(d0.row);
			let verdict = 'not checked';
			if (check) {
				try {
					const diff = differences(mine, opt['check-cli'] ? cliAnswer(opt.db, x) : e0.answer);
					verdict = diff.length ? `DIFFERENT (${diff.length}): ${diff.slice(0, 3).join('; ')}` : 'same figures';
					bad += diff.length > 0;
				} catch (e) {
					verdict = `not checked: ${e.message.split('\n')[0]}`;
					bad++;
				}
			}
			const te = [], td = [], ce = [], cd = [];
			for (let k = 0; k < rounds; k++) {
				const e = await engine.ask(x, false);
				const d = await duck();
				te.push(e.ms), ce.push(e.cpu), td.push(d.ms), cd.push(d.cpu);
			}
			const me = median(te), md = median(td), mce = median(ce), mcd = median(cd);
			const ratio = (a, b) => `${(a / b).toFixed(a / b < 10 ? 1 : 0)}×`;
			console.log(`${x.name.padEnd(68)} ${String(mine.visits).padStart(9)} ${me.toFixed(2).padStart(9)} ` +
				`${md.toFixed(1).padStart(9)} ${ratio(md, me).padStart(6)} ${mce.toFixed(2).padStart(9)} ` +
				`${mcd.toFixed(1).padStart(9)} ${ratio(mcd, mce).padStart(6)} ${lavg.padStart(5)}  ${verdict}`);
		}
		console.log(`load average ${load1()} at the end; peak memory (VmHWM): DuckDB's process ${mib(kib('VmHWM'))} MiB, ` +
			`engine's process ${mib(kib('VmHWM', engine.proc.pid))} MiB`);
		process.exitCode = bad ? 1 : 0;
	} catch (e) {
		if (!(e instanceof Unavailable)) throw e;
		console.log(`DuckDB not available: ${e.message}`);
	} finally {
		engine?.close();
		con?.closeSync();
		instance?.closeSync();
		rmSync(work, { recursive: true, force: true });
	}
}

await main();
