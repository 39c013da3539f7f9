// lib.mjs of tests/pg/: what the PostgreSQL-only tests share, on top of
// tests/http/lib.mjs. They run under scripts/check-pg, which starts the
// throwaway cluster and sets GUICHET_TEST_PG_URL; without it they skip.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

export const PG_URL = process.env.GUICHET_TEST_PG_URL;
export const SKIP = PG_URL ? false : 'needs a PostgreSQL cluster: GUICHET_TEST_PG_URL (scripts/check-pg sets it)';

/** Runs a program; resolves to { code, stdout, stderr }. */
export function exec(cmd, args, { timeoutMs = 120000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** Rows of a query on a PostgreSQL database, as arrays of strings. */
export async function psql(url, query) {
  const r = await exec('psql', ['-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', query]);
  assert.equal(r.code, 0, `psql: ${query}\n${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

/** A visit body for POST /api/v1/visits, started an hour ago (inside the correction window). */
export function visitBody(ndemands = 1, tag = '') {
  const demands = [];
  for (let i = 0; i < ndemands; i++) {
    demands.push({ operator_code: 'cnaf', theme_code: 'social_sante', level: 'fait_avec', outcome: 'resolu', duration_min: 5, note: tag });
  }
  return {
    started_at: new Date(Date.now() - 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
    channel: 'guichet_spontane',
    place: tag,
    visitor: { gender: 'feminin', age_bracket: '40_59' },
    demands,
  };
}

/** A JSON API call with a bearer token; never rejects on an HTTP status. */
export async function api(srv, token, method, p, body) {
  const headers = { authorization: `Bearer ${token}` };
  let payload;
  if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  return await srv.client().request(method, p, { headers, body: payload });
}

/** Asserts that an error answer is a clear JSON error: { error: { code, message } }. */
export function assertJsonError(res, what) {
  assert.match(res.header('content-type') ?? '', /^application\/json/, `${what}: ${res.status} without JSON: ${res.text}`);
  const e = res.json().error;
  assert.equal(typeof e?.code, 'string', `${what}: ${res.text}`);
  assert.ok(typeof e.message === 'string' && e.message.length > 5, `${what}: ${res.text}`);
}
