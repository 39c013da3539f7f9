#!/usr/bin/env node
// duckdb.mjs: the statistics questions of bench/stats.c asked of DuckDB, as
// a third column beside the in-memory engine and SQLite GROUP BY
// (bench/README.md). It copies the columns the statistics read from a
// Guichet SQLite database into DuckDB (never writing the SQLite file), asks
// each question as the same GROUP BY queries as the SQL baseline
// (store_stats_sql in src/store/store_stats.c), times them, and checks the
// answers against `guichet stats` (the engine) on the same database.
//
//   node bench/duckdb.mjs [--db /tmp/national.db] [--year 2025] [--rounds 5]
//        [--engine-log FILE] [--check-db FILE] [--no-check] [--threads 2]
//        [--memory] [--queries] [--only TEXT]
//
// DuckDB (@duckdb/node-api) is not a dependency of Guichet: the script
// installs the pinned version into bench/.duckdb/ on first use, and when it
// cannot (offline, unsupported platform) it says so and exits 0.

import { spawnSync } from 'node:child_process';
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

const { values: opt } = parseArgs({
	options: {
		db: { type: 'string', default: '/tmp/national.db' },
		year: { type: 'string', default: '2025' },
		rounds: { type: 'string', default: '5' },
		threads: { type: 'string', default: '2' },
		'engine-log': { type: 'string' },
		'check-db': { type: 'string' },
		'no-check': { type: 'boolean', default: false },
		memory: { type: 'boolean', default: false },
		queries: { type: 'boolean', default: false },
		only: { type: 'string' },
		help: { type: 'boolean', default: false },
	},
});
if (opt.help) {
	console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(9, 12).join('\n'));
	process.exit(0);
}
const rounds = Math.max(1, Math.min(100, Number(opt.rounds) || 5));
const year = opt.year.slice(0, 4);
const guichet = process.env.GUICHET_BIN || join(root, 'build/guichet');

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

function kib(key) {
	const m = readFileSync('/proc/self/status', 'utf8').match(new RegExp(`^${key}:\\s+(\\d+)`, 'm'));
	return m ? Number(m[1]) : NaN;
}
const mib = (k) => (k / 1024).toFixed(1);
const q = (s) => `'${String(s).replaceAll("'", "''")}'`;

// ------------------------------------------------------------------
// The questions of bench/stats.c, with the same names so that its
// printed engine times can be matched.

const from = `${year}-01-01`, to = `${year}-12-31`;
const QUESTIONS = [
	{ name: 'national, every breakdown' },
	{ name: 'national, operator cnaf', operator: 'cnaf' },
	{ name: 'national, theme social_sante + channel guichet_spontane', theme: 'social_sante', channel: 'guichet_spontane' },
	{ name: 'national, public allophone', public: 'allophone' },
	{ name: 'national, operator dgfip + channel telephone + public sans_internet', operator: 'dgfip', channel: 'telephone', public: 'sans_internet' },
	{ name: 'national, one quarter (Q2)', from: `${year}-04-01`, to: `${year}-06-30` },
	{ name: 'departement 35, every breakdown', departement: '35' },
	{ name: 'departement 35, operator cnaf + public precarite', departement: '35', operator: 'cnaf', public: 'precarite' },
	{ name: 'region-sized: 5 sites', sites: [35, 136, 237, 338, 439] },
	{ name: 'one site, every breakdown', sites: [35] },
].map((x) => ({ from, to, ...x }));

const PUBLICS = ['allophone', 'illettrisme', 'handicap', 'precarite', 'sans_equipement', 'sans_internet', 'sans_telephone', 'sans_email'];
const PUBLIC_COND = ['p.allophone = 1', 'p.illiteracy = 1', "p.disabilities <> ''", 'p.very_precarious = 1',
	'p.no_device = 1', 'p.no_internet = 1', 'p.no_phone = 1', 'p.no_email = 1'];

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

// FROM and WHERE of a question (from_where in src/store/store_stats.c); the
// period is on the local day computed at load.
function fromWhere(x, visitLevel, period = [x.from, x.to]) {
	let s = visitLevel ? ' FROM visits v' : ' FROM demands d JOIN visits v ON v.id = d.visit_id';
	s += ' JOIN visitors p ON p.id = v.visitor_id JOIN sites s ON s.id = v.site_id';
	s += ` WHERE v.day BETWEEN DATE ${q(period[0])} AND DATE ${q(period[1])}`;
	if (x.sites) s += ` AND v.site_id IN (${x.sites.join(', ')})`;
	else if (x.departement) s += ` AND s.departement = ${q(x.departement)}`;
	if (x.channel) s += ` AND v.channel = ${q(x.channel)}`;
	if (x.public) s += ` AND ${PUBLIC_COND[PUBLICS.indexOf(x.public)] ?? '1 = 0'}`;
	if (visitLevel) s += ' AND EXISTS (SELECT 1 FROM demands d WHERE d.visit_id = v.id';
	if (x.operator) s += ` AND d.operator_code = ${q(x.operator)}`;
	if (x.theme) s += ` AND d.theme_code = ${q(x.theme)}`;
	return s + (visitLevel ? ')' : '');
}

// The breakdowns of store_stats_sql: [key, expression, visit level, mode].
const BREAKDOWNS = [
	['by_operator', 'd.operator_code', 0, 'plain'],
	['by_theme', 'd.theme_code', 0, 'plain'],
	['by_procedure', "CASE WHEN d.procedure_id IS NULL THEN 'texte_libre' ELSE CAST(d.procedure_id AS VARCHAR) END", 0, 'plain'],
	['by_level', 'd.level', 0, 'plain'],
	['by_outcome', 'd.outcome', 0, 'plain'],
	['by_referral', 'd.referral_type', 0, 'skip'],
	['autonomy', "CASE WHEN d.autonomy = 0 THEN 'non_evalue' ELSE CAST(d.autonomy AS VARCHAR) END", 0, 'plain'],
	['equipment', 'd.equipment', 0, 'list'],
	['interpreting', 'd.interpreting', 0, 'skip'],
	['interpreting_languages', 'd.interpreting_lang', 0, 'skip'],
	['by_channel', 'v.channel', 1, 'plain'],
	['by_age_bracket', 'p.age_bracket', 1, 'notgiven'],
	['by_gender', 'p.gender', 1, 'notgiven'],
	['by_status', 'p.social_status', 1, 'notgiven'],
	['by_commune', 'p.commune_insee', 1, 'notgiven'],
	['languages', 'p.languages', 1, 'list'],
	['duration_ranges', "CASE WHEN v.duration_min <= 0 THEN 'non_renseigne' WHEN v.duration_min < 30 THEN 'moins_30' " +
		"WHEN v.duration_min < 60 THEN '30_60' WHEN v.duration_min < 120 THEN '60_120' ELSE '120_plus' END", 1, 'plain'],
	['by_weekday', 'CAST(v.weekday AS VARCHAR)', 1, 'plain'],
	['by_hour', 'v.hour', 1, 'plain'],
];

const OLD = (min) => `CASE WHEN p.birth_year > 0 THEN v.year - p.birth_year ${min} ELSE`;
const CUTS = [
	`count_if(${OLD('>= 55')} p.age_bracket IN ('60_69', '70_plus') END)`,
	`count_if(${OLD('< 55')} p.age_bracket IN ('moins_de_12', '12_17', '18_24', '25_39') END)`,
	"count_if(p.birth_year = 0 AND p.age_bracket NOT IN ('60_69', '70_plus', 'moins_de_12', '12_17', '18_24', '25_39'))",
	`count_if(${OLD('< 26')} p.age_bracket IN ('moins_de_12', '12_17', '18_24') END)`,
	`count_if(${OLD('>= 26')} p.age_bracket IN ('40_59', '60_69', '70_plus') END)`,
	"count_if(p.birth_year = 0 AND p.age_bracket NOT IN ('moins_de_12', '12_17', '18_24', '40_59', '60_69', '70_plus'))",
].join(', ');

const num = (v) => (v === null || v === undefined ? 0 : Number(v));

// With --queries, the time of each query of a question's warm-up round.
let queryTimes = null;

async function rowsOf(con, sql) {
	const a = performance.now();
	const rows = (await con.runAndReadAll(sql)).getRows();
	queryTimes?.push([performance.now() - a, sql]);
	return rows;
}

// One question, every query of the SQL baseline in turn; returns the
// answer in the shape of `guichet stats --format json`.
async function ask(con, x) {
	const r = {};
	for (const [key, expr, visitLevel, mode] of BREAKDOWNS) {
		const m = {};
		for (const [code, n] of await rowsOf(con, `SELECT ${expr}, COUNT(*)${fromWhere(x, visitLevel)} GROUP BY 1`)) {
			const add = (c) => { m[c] = (m[c] || 0) + num(n); };
			if (mode === 'list') String(code).split(',').filter((c) => c).forEach(add);
			else if (code !== '' || mode === 'plain') add(code);
			else if (mode === 'notgiven') add('non_renseigne');
		}
		r[key] = m;
	}
	const [dv] = await rowsOf(con, `SELECT COUNT(*), count_if(d.outcome = 'resolu')${fromWhere(x, 0)}`);
	r.demands = num(dv[0]);
	r.solved_on_site = num(dv[1]);
	const [v] = await rowsOf(con, 'SELECT COUNT(*), count_if(p.identified = 0), ' +
		'COUNT(DISTINCT CASE WHEN p.identified = 1 THEN p.id END), SUM(p.allophone), SUM(p.illiteracy), ' +
		"count_if(p.disabilities <> ''), SUM(p.very_precarious), SUM(p.no_device), SUM(p.no_internet), " +
		`SUM(p.no_phone), SUM(p.no_email)${fromWhere(x, 1)}`);
	r.visits = num(v[0]);
	r.people = { anonymous_visits: num(v[1]), identified_distinct: num(v[2]) };
	r.particular_publics = Object.fromEntries(PUBLICS.map((c, i) => [c, num(v[3 + i])]));
	const [cut] = await rowsOf(con, `SELECT ${CUTS}${fromWhere(x, 1)}`);
	r.over_55 = { yes: num(cut[0]), no: num(cut[1]), unknown: num(cut[2]) };
	r.under_26 = { yes: num(cut[3]), no: num(cut[4]), unknown: num(cut[5]) };
	const [pg] = await rowsOf(con, 'SELECT count_if(l > f), count_if(l = f), count_if(l < f) FROM (' +
		'SELECT MAX(CASE WHEN rn = 1 THEN a END) AS f, MAX(CASE WHEN rn = cnt THEN a END) AS l FROM (' +
		'SELECT person, a, ROW_NUMBER() OVER (PARTITION BY person ORDER BY day, vid) AS rn, ' +
		'COUNT(*) OVER (PARTITION BY person) AS cnt FROM (' +
		`SELECT p.id AS person, v.day AS day, v.id AS vid, MAX(d.autonomy) AS a${fromWhere(x, 0)}` +
		' AND p.identified = 1 GROUP BY p.id, v.day, v.id HAVING MAX(d.autonomy) > 0)) WHERE cnt >= 2 GROUP BY person)');
	r.autonomy_progression = { progresse: num(pg[0]), stable: num(pg[1]), recule: num(pg[2]) };
	r.growth = {};
	for (const [i, key] of ['previous_period', 'year_before'].entries()) {
		const per = periods(x)[i];
		const [n] = await rowsOf(con, `SELECT COUNT(DISTINCT v.id), COUNT(*)${fromWhere(x, 0, per)}`);
		r.growth[key] = { visits: num(n[0]), demands: num(n[1]) };
	}
	r.workshops = { count: 0, participants: 0 };
	if (!x.operator && !x.theme && !x.channel && !x.public) {
		let w = 'SELECT COUNT(*), SUM(w.participants) FROM workshops w JOIN sites s ON s.id = w.site_id' +
			` WHERE w.day BETWEEN DATE ${q(x.from)} AND DATE ${q(x.to)}`;
		if (x.sites) w += ` AND w.site_id IN (${x.sites.join(', ')})`;
		else if (x.departement) w += ` AND s.departement = ${q(x.departement)}`;
		const [n] = await rowsOf(con, w);
		r.workshops = { count: num(n[0]), participants: num(n[1]) };
	}
	return r;
}

// Where the DuckDB answer differs from the engine's JSON: the main totals
// first, then every figure the baseline computes (zero entries of a
// breakdown count as absent).
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

function engineAnswer(db, x) {
	const args = ['stats', '--db', db, '--from', x.from, '--to', x.to, '--format', 'json'];
	if (x.sites) x.sites.forEach((id) => args.push('--site', String(id)));
	if (x.departement) args.push('--departement', x.departement);
	for (const k of ['operator', 'theme', 'channel', 'public']) if (x[k]) args.push(`--${k}`, x[k]);
	const r = spawnSync(guichet, args, { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, TZ: process.env.TZ || TZ } });
	if (r.status !== 0) throw new Error(`guichet stats: ${r.error?.message || r.stderr.trim()}`);
	return JSON.parse(r.stdout);
}

// Engine medians printed by bench/stats.c (bench/stats.sh … nosql).
function engineTimes(file) {
	const t = new Map();
	if (!file) return t;
	for (const line of readFileSync(file, 'utf8').split('\n')) {
		const m = line.match(/^(.{68}) +([\d.]+) +(\d+)$/);
		if (m && !t.has(m[1].trim())) t.set(m[1].trim(), Number(m[2]));
	}
	return t;
}

// ------------------------------------------------------------------
// Load: the columns the statistics read, copied from SQLite.

const LOCAL = `(to_timestamp(started_at) AT TIME ZONE '${TZ}')`;
const TABLES = [
	['sites', 'id BIGINT, departement VARCHAR', ''],
	['visits', 'id BIGINT, site_id BIGINT, visitor_id BIGINT, started_at BIGINT, channel VARCHAR, duration_min INTEGER',
		'deleted_at = 0'],
	['visitors', 'id BIGINT, identified INTEGER, birth_year INTEGER, age_bracket VARCHAR, gender VARCHAR, ' +
		'social_status VARCHAR, commune_insee VARCHAR, disabilities VARCHAR, languages VARCHAR, no_phone INTEGER, ' +
		'no_email INTEGER, no_device INTEGER, no_internet INTEGER, allophone INTEGER, illiteracy INTEGER, ' +
		'very_precarious INTEGER', ''],
	['demands', 'visit_id BIGINT, operator_code VARCHAR, theme_code VARCHAR, procedure_id BIGINT, level VARCHAR, ' +
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
		for (const [t, spec, where] of TABLES) {
			const cols = colsOf(spec).map(([c, ty]) => `CAST(${c} AS ${ty}) AS ${c}`).join(', ');
			await con.run(`CREATE TABLE raw_${t} AS SELECT ${cols} FROM src.${t}${where ? ' WHERE ' + where : ''}`);
		}
		await con.run('DETACH src');
		return 'sqlite extension (ATTACH … READ_ONLY)';
	} catch (e) {
		console.log(`sqlite extension unusable (${e.message.split('\n')[0]}); exporting CSV with sqlite3`);
	}
	for (const [t] of TABLES) await con.run(`DROP TABLE IF EXISTS raw_${t}`);
	for (const [t, spec, where] of TABLES) {
		const cols = colsOf(spec);
		const csv = join(work, `${t}.csv`);
		const r = spawnSync('sqlite3', ['-readonly', '-csv', '-header', '-cmd', `.output ${csv}`, db,
			`SELECT ${cols.map(([c]) => c).join(', ')} FROM ${t}${where ? ' WHERE ' + where : ''}`], { encoding: 'utf8' });
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

async function load(con, db, work) {
	const how = await loadRaw(con, db, work);
	// The local day, hour, ISO weekday and year of each visit, once, as
	// the engine does at load (the baseline asks SQLite's localtime).
	await con.run(`CREATE TABLE visits AS SELECT id, site_id, visitor_id, channel, duration_min,
		CAST(${LOCAL} AS DATE) AS day, strftime(${LOCAL}, '%H') AS hour,
		CAST(isodow(${LOCAL}) AS INTEGER) AS weekday, CAST(year(${LOCAL}) AS INTEGER) AS year
		FROM raw_visits`);
	await con.run(`CREATE TABLE workshops AS SELECT site_id, participants,
		CAST(to_timestamp(held_at) AT TIME ZONE '${TZ}' AS DATE) AS day FROM raw_workshops`);
	for (const t of ['sites', 'visitors', 'demands']) await con.run(`ALTER TABLE raw_${t} RENAME TO ${t}`);
	await con.run('DROP TABLE raw_visits; DROP TABLE raw_workshops');
	return how;
}

// ------------------------------------------------------------------

async function main() {
	if (!existsSync(opt.db)) {
		console.error(`duckdb.mjs: no database ${opt.db} (make one with bench/stats.sh, bench/README.md)`);
		process.exit(2);
	}
	const { DuckDBInstance } = await loadDuckDB();
	const work = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'guichet-duckdb-'));
	const file = opt.memory ? ':memory:' : join(work, 'stats.duckdb');
	let instance, con;
	try {
		instance = await DuckDBInstance.create(file, { threads: String(Number(opt.threads) || 2) });
		con = await instance.connect();
		const [[version]] = await rowsOf(con, 'SELECT version()');
		console.log(`DuckDB ${version} (@duckdb/node-api ${DUCKDB_VERSION}), ${opt.threads} threads, ` +
			`${opt.memory ? 'in memory' : file}; ${cpus().length} × ${cpus()[0]?.model?.trim()} ` +
			`(load average ${loadavg()[0].toFixed(2)})`);
		const rss0 = kib('VmRSS');
		const t0 = performance.now();
		const how = await load(con, opt.db, work);
		if (!opt.memory) await con.run('CHECKPOINT');
		const loadMs = performance.now() - t0;
		const [[nv]] = await rowsOf(con, 'SELECT COUNT(*) FROM visits');
		const [[nd]] = await rowsOf(con, 'SELECT COUNT(*) FROM demands');
		const [[mem]] = await rowsOf(con, 'SELECT memory_usage FROM pragma_database_size()');
		const size = opt.memory ? '' : `; file ${mib(statSync(file).size / 1024)} MiB`;
		console.log(`loaded ${num(nv).toLocaleString('en')} visits, ${num(nd).toLocaleString('en')} demands ` +
			`in ${(loadMs / 1000).toFixed(1)} s via ${how}${size}; DuckDB memory ${mem}; ` +
			`process RSS ${mib(kib('VmRSS'))} MiB (${mib(rss0)} before), peak ${mib(kib('VmHWM'))} MiB`);

		const eng = engineTimes(opt['engine-log']);
		const checkDb = opt['check-db'] || opt.db;
		const check = !opt['no-check'] && existsSync(guichet);
		if (!opt['no-check'] && !check) console.log(`no ${guichet}: answers not checked (make build/guichet)`);
		const head = `${'question (one year unless said)'.padEnd(68)} ${'engine ms'.padStart(10)} ` +
			`${'DuckDB ms'.padStart(10)} ${'DuckDB/eng'.padStart(10)} ${'visits'.padStart(9)}  answers`;
		console.log(`\n${rounds} timed rounds after one warm-up, median\n${head}`);
		let bad = 0;
		for (const x of QUESTIONS.filter((y) => !opt.only || y.name.includes(opt.only))) {
			let answer;
			const t = [];
			for (let k = 0; k <= rounds; k++) {
				queryTimes = opt.queries && k === 0 ? [] : null;
				const a = performance.now();
				answer = await ask(con, x);
				if (k > 0) t.push(performance.now() - a);
				for (const [ms, sql] of queryTimes || [])
					console.log(`  ${ms.toFixed(1).padStart(9)} ms  ${sql.replace(/\s+/g, ' ').slice(0, 110)}`);
			}
			t.sort((a, b) => a - b);
			const med = t[Math.floor(t.length / 2)];
			let verdict = 'not checked';
			if (check) {
				try {
					const diff = differences(answer, engineAnswer(checkDb, x));
					verdict = diff.length ? `DIFFERENT: ${diff.slice(0, 3).join('; ')}` : 'same as engine';
					bad += diff.length > 0;
				} catch (e) {
					verdict = `not checked: ${e.message.split('\n')[0]}`;
				}
			}
			const e = eng.get(x.name);
			console.log(`${x.name.padEnd(68)} ${(e === undefined ? '-' : e.toFixed(2)).padStart(10)} ` +
				`${med.toFixed(1).padStart(10)} ${(e ? (med / e).toFixed(0) + 'x' : '-').padStart(10)} ` +
				`${String(answer.visits).padStart(9)}  ${verdict}`);
		}
		console.log(`process peak memory (VmHWM): ${mib(kib('VmHWM'))} MiB`);
		process.exitCode = bad ? 1 : 0;
	} catch (e) {
		if (!(e instanceof Unavailable)) throw e;
		console.log(`DuckDB not available: ${e.message}`);
	} finally {
		con?.closeSync();
		instance?.closeSync();
		rmSync(work, { recursive: true, force: true });
	}
}

await main();
