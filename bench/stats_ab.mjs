#!/usr/bin/env node
// stats_ab.mjs: two builds of the statistics engine side by side (bench/README.md).
// Both `stats DB --serve` processes (bench/stats.c) are loaded once; each
// question is asked of one, then of the other (the order swapped every
// round), one at a time, so that both meet the same machine. First every
// question's JSON is compared byte for byte; then it prints, by question,
// both medians and minimums and the median of the B/A ratios of the pairs.
//
//   node bench/stats_ab.mjs --a BIN --b BIN [--db /tmp/national.db]
//        [--rounds 20] [--threads 2] [--questions FILE]
//
// FILE holds one question a line in the serving syntax of bench/stats.c
// (`from=2025-01-01 to=2025-12-31 operator=cnaf`); without it, five national
// and département questions of 2025.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
	options: {
		a: { type: 'string' },
		b: { type: 'string' },
		db: { type: 'string', default: '/tmp/national.db' },
		rounds: { type: 'string', default: '20' },
		threads: { type: 'string', default: '2' },
		questions: { type: 'string' },
	},
});
if (!opt.a || !opt.b) {
	console.error('usage: node bench/stats_ab.mjs --a BIN --b BIN [--db FILE] [--rounds N] [--threads N] [--questions FILE]');
	process.exit(2);
}
const QUESTIONS = opt.questions
	? readFileSync(opt.questions, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean)
	: [
		'from=2025-01-01 to=2025-12-31',
		'from=2025-01-01 to=2025-12-31 operator=cnaf',
		'from=2025-01-01 to=2025-12-31 theme=social_sante channel=guichet_spontane',
		'from=2025-01-01 to=2025-12-31 public=allophone',
		'from=2025-04-01 to=2025-06-30 departement=35',
	];
const rounds = Math.max(1, Number(opt.rounds) || 20);

// One serving process: lines in, one answer (its header line, then BYTES of
// JSON when asked) out.
function server(bin) {
	const p = spawn(bin, [opt.db, '--serve', opt.threads], { stdio: ['pipe', 'pipe', 'inherit'] });
	let pending = Buffer.alloc(0);
	let waiter = null;
	p.stdout.on('data', (d) => {
		pending = Buffer.concat([pending, d]);
		if (waiter) waiter();
	});
	const take = async (want) => {
		for (;;) {
			const r = want(pending);
			if (r) {
				pending = pending.subarray(r.used);
				return r.value;
			}
			await new Promise((res) => (waiter = res));
			waiter = null;
		}
	};
	const line = () => take((b) => {
		const i = b.indexOf(10);
		return i < 0 ? null : { used: i + 1, value: b.subarray(0, i).toString() };
	});
	const bytes = (n) => take((b) => (b.length < n ? null : { used: n, value: b.subarray(0, n) }));
	return {
		ready: async () => {
			const l = await line();
			if (!l.startsWith('ready')) throw new Error(`${bin}: ${l}`);
			return l;
		},
		ask: async (q, json) => {
			p.stdin.write(`${q}${json ? ' json=1' : ''}\n`);
			const f = (await line()).split(' ');
			if (f[0] !== 'ok') throw new Error(`${bin}: ${f.join(' ')}`);
			return { us: Number(f[1]), json: json ? await bytes(Number(f[4])) : null };
		},
		close: () => p.stdin.end(),
	};
}

const median = (t) => [...t].sort((x, y) => x - y)[Math.floor(t.length / 2)];
const ms = (us) => (us / 1000).toFixed(us < 10000 ? 3 : 1);

const s = [server(opt.a), server(opt.b)];
for (const x of s) console.log(await x.ready());
let same = true;
for (const q of QUESTIONS) {
	const [ja, jb] = [(await s[0].ask(q, true)).json, (await s[1].ask(q, true)).json];
	if (!ja.equals(jb)) {
		same = false;
		console.log(`answers differ: ${q}`);
	}
}
const t = QUESTIONS.map(() => [[], []]);
for (let r = 0; r < rounds; r++)
	for (let i = 0; i < QUESTIONS.length; i++)
		for (const k of r % 2 ? [1, 0] : [0, 1]) t[i][k].push((await s[k].ask(QUESTIONS[i], false)).us);
for (const x of s) x.close();
console.log(`${rounds} rounds; ms; B/A: median of the ratios of each pair`);
QUESTIONS.forEach((q, i) => {
	const [a, b] = t[i];
	const ratio = median(a.map((x, k) => b[k] / x));
	console.log(`${q.padEnd(72)} A ${ms(median(a)).padStart(7)} (min ${ms(Math.min(...a))})  B ${ms(median(b)).padStart(7)} (min ${ms(Math.min(...b))})  B/A ${ratio.toFixed(3)}`);
});
console.log(same ? 'every answer the same, byte for byte' : 'ANSWERS DIFFER');
process.exit(same ? 0 : 1);
