// lib.mjs: the harness of the black-box tests. It runs the real binary:
// creates a temporary directory, initialises a database, adds sites and users
// through the command line (passwords on standard input), starts `serve` on a
// free port of 127.0.0.1 and hands out small HTTP clients that keep cookies.
//
// Nothing here waits on a fixed delay: the server is ready when its port file
// holds a port that accepts a connection (polled within a deadline), and it
// has stopped when the process exits. The only timer tests may use on purpose
// is waitSeconds(), for tests whose subject is the passing of time (sessions).
//
// Runs on Node.js 18 and later (Debian 12's nodejs is 18).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before } from 'node:test';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.GUICHET_BIN ? path.resolve(process.env.GUICHET_BIN) : path.join(ROOT, 'build', 'guichet');
export const HOST = '127.0.0.1';

/* Deadlines: generous, because CI has two cores and may be busy; a test that
 * reaches one has found a hang, not a slow machine. */
const CLI_TIMEOUT_MS = 60_000;
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 30_000;
const REQUEST_TIMEOUT_MS = 30_000;
const POLL_MS = 20;

// ---------------------------------------------------------------------------
// Temporary directories, removed even when a test fails.

const tempDirs = new Set();
const liveServers = new Set();

export async function makeTempDir(prefix = 'guichet-test-') {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export async function removeTempDir(dir) {
  tempDirs.delete(dir);
  await fsp.rm(dir, { recursive: true, force: true });
}

// Last resort if a file forgets its after() hook or the runner is interrupted.
process.on('exit', () => {
  for (const s of liveServers) {
    try { s.child.kill('SIGKILL'); } catch { /* already gone */ }
  }
  for (const dir of tempDirs) {
    try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* best effort */ }
  }
});

/** Waits for time to pass. Only for tests about time itself (session expiry). */
export async function waitSeconds(s) {
  await delay(s * 1000);
}

// ---------------------------------------------------------------------------
// The command line.

/* The environment of every child: ours without GUICHET_* (the server reads
 * GUICHET_* settings and would refuse unknown ones), in a fixed locale. */
function childEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('GUICHET_')) env[k] = v;
  }
  env.LC_ALL = 'C.UTF-8';
  env.TZ = 'UTC';
  return { ...env, ...extra };
}

export function binaryExists() {
  try {
    fs.accessSync(BIN, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function assertBinary() {
  assert.ok(binaryExists(), `the server binary ${BIN} is missing or not executable: run make first`);
}

/**
 * Runs the binary with args; input (string) goes to its standard input,
 * which is closed afterwards. Resolves to { code, signal, stdout, stderr }.
 */
export async function run(args, { input = '', env = {}, cwd = ROOT, timeoutMs = CLI_TIMEOUT_MS } = {}) {
  assertBinary();
  return await new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { cwd, env: childEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`guichet ${args.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    // A command that does not read stdin may close it early: that is fine.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** Runs the binary and asserts exit code 0; returns trimmed stdout. */
export async function runOk(args, opts) {
  const r = await run(args, opts);
  assert.equal(r.code, 0, `guichet ${args.join(' ')} exited with ${r.code ?? r.signal}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout.trim();
}

// ---------------------------------------------------------------------------
// The data every server starts with, unless a test gives its own.

/* Rennes and Saint-Malo are in Ille-et-Vilaine (35), Brest in Finistère (29). */
export const DEFAULT_SITES = {
  rennes: { name: 'France services Rennes Centre', type: 'france_services', commune: '35238' },
  malo: { name: 'Mairie de Saint-Malo', type: 'mairie', commune: '35288' },
  brest: { name: 'Médiathèque de Brest', type: 'mediatheque', commune: '29019' },
};

export const DEFAULT_USERS = {
  admin: { email: 'admin@example.org', name: 'Alice Administratrice', role: 'admin' },
  manager: { email: 'manager.rennes@example.org', name: 'Martin Responsable', role: 'manager', sites: ['rennes'] },
  agent: { email: 'agent.rennes@example.org', name: 'Agathe Conseillère', role: 'agent', sites: ['rennes'] },
  agentBrest: { email: 'agent.brest@example.org', name: 'Bruno Conseiller', role: 'agent', sites: ['brest'] },
  coordinator: { email: 'coord.35@example.org', name: 'Chloé Coordinatrice', role: 'coordinator', departement: '35' },
};

/** The password given to a fixture user: unique per user, 12 characters or more. */
export function passwordFor(key) {
  return `Mot de passe ${key} 2024!`;
}

// ---------------------------------------------------------------------------
// A server under test.

export class Server {
  constructor() {
    this.dir = null;
    this.db = null;
    this.child = null;
    this.port = null;
    this.base = null;
    this.sites = {}; // key -> id
    this.users = {}; // key -> { email, name, role, password, ... }
    this.stderrChunks = [];
    this.stdoutChunks = [];
    this.logFile = null;
    this.exited = null; // promise of { code, signal }
    this.exitInfo = null;
  }

  get url() {
    return this.base;
  }

  /** Everything the server wrote on stderr so far. */
  get log() {
    if (this.logFile) return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, 'utf8') : '';
    return Buffer.concat(this.stderrChunks).toString('utf8');
  }

  /** Resolves with the log's first match of re once the server has written
   * it: stderr is a pipe read apart from the sockets, so a line written
   * before an answer may arrive after it. Waits for stderr's data, not time;
   * rejects if the server exits first. */
  async waitLog(re) {
    for (;;) {
      const m = re.exec(this.log);
      if (m) return m;
      if (this.logFile || !this.child) assert.fail(`the log never matched ${re}:\n${this.log}`);
      if (this.exitInfo) assert.fail(`the server exited before its log matched ${re}:\n${this.log}`);
      await new Promise((resolve) => {
        const done = () => {
          this.child.stderr.off('data', done);
          this.child.off('close', done);
          resolve();
        };
        this.child.stderr.on('data', done);
        this.child.on('close', done);
      });
    }
  }

  /** Runs a command against this server's database (adds --db). */
  async cli(args, opts) {
    return await run([...args, '--db', this.db], opts);
  }

  async cliOk(args, opts) {
    return await runOk([...args, '--db', this.db], opts);
  }

  async addSite(key, s) {
    const args = ['site', 'add', '--name', s.name, '--type', s.type];
    if (s.commune) args.push('--commune', s.commune);
    if (s.address) args.push('--address', s.address);
    if (s.hours) args.push('--hours', s.hours);
    if (s.languages) args.push('--languages', s.languages);
    if (s.accessibility) args.push('--accessibility', s.accessibility);
    const out = await this.cliOk(args);
    assert.match(out, /^\d+$/, `site add should print the new id alone, printed: ${JSON.stringify(out)}`);
    this.sites[key] = Number(out);
    return this.sites[key];
  }

  async addUser(key, u) {
    const password = u.password ?? passwordFor(key);
    const args = ['user', 'add', '--email', u.email, '--name', u.name, '--role', u.role];
    for (const s of u.sites ?? []) {
      const id = typeof s === 'number' ? s : this.sites[s];
      assert.ok(id, `unknown site ${s} for user ${key}`);
      args.push('--site', String(id));
    }
    if (u.departement) args.push('--departement', u.departement);
    if (u.operator) args.push('--operator', u.operator);
    await this.cliOk(args, { input: `${password}\n` });
    this.users[key] = { ...u, password };
    return this.users[key];
  }

  /** Starts `serve`; resolves once the port file names a port that accepts
   * connections. logFile: stderr is appended to that file instead of being
   * read by this process (a benchmark's thousands of lines a second). */
  async start(serveArgs = [], { logFile = null } = {}) {
    assertBinary();
    assert.equal(this.child, null, 'server already started');
    const portFile = path.join(this.dir, `port-${Date.now()}-${Math.random().toString(16).slice(2)}`);
    this.stderrChunks = [];
    this.stdoutChunks = [];
    this.exitInfo = null;
    const args = ['serve', '--db', this.db, '--listen', `${HOST}:0`, '--port-file', portFile, ...serveArgs];
    this.logFile = logFile;
    const errFd = logFile ? fs.openSync(logFile, 'a') : 'pipe';
    const child = spawn(BIN, args, { cwd: this.dir, env: childEnv(), stdio: ['ignore', 'pipe', errFd] });
    if (logFile) fs.closeSync(errFd);
    this.child = child;
    liveServers.add(this);
    child.stdout.on('data', (d) => this.stdoutChunks.push(d));
    if (!logFile) child.stderr.on('data', (d) => this.stderrChunks.push(d));
    this.exited = new Promise((resolve) => {
      child.on('error', (e) => {
        this.exitInfo = { code: null, signal: null, error: e };
        resolve(this.exitInfo);
      });
      // 'close' comes after the exit and after the last byte of stderr.
      child.on('close', (code, signal) => {
        this.exitInfo = { code, signal };
        liveServers.delete(this);
        resolve(this.exitInfo);
      });
    });

    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (this.exitInfo) {
        this.child = null;
        assert.fail(`guichet serve exited before listening (${JSON.stringify(this.exitInfo)})\nstderr:\n${this.log}`);
      }
      const port = await readPort(portFile);
      if (port && (await canConnect(port))) {
        this.port = port;
        this.base = `http://${HOST}:${port}`;
        return this;
      }
      if (Date.now() > deadline) {
        await this.kill();
        assert.fail(`guichet serve wrote no usable port file within ${START_TIMEOUT_MS} ms\nstderr:\n${this.log}`);
      }
      await delay(POLL_MS);
    }
  }

  /** Sends a signal without waiting. */
  signal(sig = 'SIGTERM') {
    assert.ok(this.child, 'server not running');
    this.child.kill(sig);
  }

  /** Waits for the process to exit (bounded); returns { code, signal }. */
  async waitExit(timeoutMs = STOP_TIMEOUT_MS) {
    assert.ok(this.exited, 'server never started');
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    const r = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (r === null) {
      await this.kill();
      assert.fail(`guichet serve did not exit within ${timeoutMs} ms\nstderr:\n${this.log}`);
    }
    this.child = null;
    return r;
  }

  /** SIGTERM, then asserts a clean exit with code 0. */
  async stop(sig = 'SIGTERM') {
    if (!this.child) return this.exitInfo;
    if (this.exitInfo) {
      this.child = null;
      assert.fail(`guichet serve had already exited (${JSON.stringify(this.exitInfo)})\nstderr:\n${this.log}`);
    }
    this.signal(sig);
    const r = await this.waitExit();
    assert.equal(r.signal, null, `guichet serve was killed by ${r.signal}\nstderr:\n${this.log}`);
    assert.equal(r.code, 0, `guichet serve exited with ${r.code} after ${sig}\nstderr:\n${this.log}`);
    return r;
  }

  /** Ends the process whatever its state (cleanup only). */
  async kill() {
    if (this.child && !this.exitInfo) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
    this.child = null;
  }

  /** Kills the process if still running and removes the directory. */
  async cleanup() {
    await this.kill();
    if (this.dir) await removeTempDir(this.dir);
  }

  /** A new client without cookies. */
  client() {
    return new Client(this.base);
  }

  /** A client logged in as the fixture user `key`. */
  async login(key) {
    const u = this.users[key];
    assert.ok(u, `unknown user ${key}`);
    const c = this.client();
    const res = await c.login(u.email, u.password);
    assert.equal(res.status, 303, `login of ${key} should answer 303, got ${res.status}\n${res.text.slice(0, 2000)}`);
    assert.ok(c.cookie('guichet_session'), `login of ${key} set no guichet_session cookie`);
    return c;
  }

  /** An API token for the fixture user `key`. */
  async token(key) {
    const u = this.users[key];
    assert.ok(u, `unknown user ${key}`);
    const out = await this.cliOk(['token', 'create', '--user', u.email]);
    const token = out.split(/\s+/).pop();
    assert.ok(token && token.length >= 16, `token create printed no token: ${JSON.stringify(out)}`);
    return token;
  }

  /** The user's id, from the JSON API. */
  async userId(key) {
    if (this.users[key]?.id) return this.users[key].id;
    const token = await this.token(key);
    const res = await this.client().get('/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200, `/api/v1/me answered ${res.status}: ${res.text}`);
    const id = res.json().id;
    assert.ok(Number.isInteger(id), `/api/v1/me gave no integer id: ${res.text}`);
    this.users[key].id = id;
    return id;
  }
}

async function readPort(file) {
  let text;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch {
    return null;
  }
  const m = /^\s*(\d+)\s*$/.exec(text);
  if (!m) return null;
  const port = Number(m[1]);
  return port > 0 && port < 65536 ? port : null;
}

export function canConnect(port, host = HOST) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/* Whether this run's databases are on PostgreSQL (scripts/check-pg). */
export const ON_PG = Boolean(process.env.GUICHET_TEST_PG_URL);

/* Databases made on the PostgreSQL cluster of GUICHET_TEST_PG_URL (set by
 * scripts/check-pg, a postgresql:// URL): one per server, never dropped (the
 * cluster is thrown away). */
let pgDatabases = 0;

/**
 * The --db of a new, empty database: a SQLite file in dir, or, when
 * GUICHET_TEST_PG_URL is set, a database created on that cluster with psql.
 */
export async function freshDb(dir, file = 'guichet.db') {
  const admin = process.env.GUICHET_TEST_PG_URL;
  if (!admin) return path.join(dir, file);
  const name = `guichet_h${process.pid}_${++pgDatabases}`;
  const r = await new Promise((resolve, reject) => {
    const child = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', admin, '-c', `CREATE DATABASE ${name}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const err = [];
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr: Buffer.concat(err).toString('utf8') }));
  });
  assert.equal(r.code, 0, `psql could not create a test database on GUICHET_TEST_PG_URL: ${r.stderr}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Creates a database with sites and users, and (unless start: false) starts
 * the server. Options: sites, users (objects keyed by name; the defaults
 * above when omitted), serveArgs (extra arguments to serve), start.
 * Always pair with `after(() => srv.cleanup())`.
 */
export async function setupServer({ sites = DEFAULT_SITES, users = DEFAULT_USERS, serveArgs = [], start = true } = {}) {
  const srv = new Server();
  srv.dir = await makeTempDir();
  srv.db = await freshDb(srv.dir);
  try {
    await runOk(['init', '--db', srv.db]);
    for (const [k, s] of Object.entries(sites)) await srv.addSite(k, s);
    for (const [k, u] of Object.entries(users)) await srv.addUser(k, u);
    if (Object.keys(users).length) {
      const list = await srv.cliOk(['user', 'list']);
      for (const u of Object.values(users)) {
        assert.ok(list.includes(u.email.toLowerCase()), `user add --email ${u.email} exited 0 but the user is not in user list:\n${list}`);
      }
    }
    if (start) await srv.start(serveArgs);
  } catch (e) {
    await srv.cleanup();
    throw e;
  }
  return srv;
}

/* Stops a server of setupServer and removes its directory. */
export async function stopServer(srv) {
  await srv.stop();
  await srv.cleanup();
}

/* The users most suites call the JSON API as. */
export const API_USERS = ['admin', 'manager', 'agent', 'agentBrest', 'coordinator'];

/**
 * One server for the tests of the enclosing describe: set(srv) receives it
 * in a before hook (setupServer's options), and it is stopped and removed in
 * an after hook. With tokens (an object), an API token of each of
 * tokenUsers (API_USERS by default) is put there, keyed by user.
 */
export function serverForSuite(set, { tokens, tokenUsers = API_USERS, ...options } = {}) {
  let srv;
  before(async () => {
    srv = await setupServer(options);
    set(srv);
    if (tokens) for (const k of tokenUsers) tokens[k] = await srv.token(k);
  });
  after(() => stopServer(srv));
}

// ---------------------------------------------------------------------------
// HTTP client: node:http (not fetch), so that nothing is decompressed, added
// or normalised behind the test's back; redirects are never followed alone.

export class Response {
  constructor(status, headers, rawHeaders, body) {
    this.status = status;
    this.headers = headers; // lower-case names; set-cookie is an array
    this.rawHeaders = rawHeaders;
    this.body = body; // Buffer
  }

  get text() {
    return this.body.toString('utf8');
  }

  header(name) {
    const v = this.headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(', ') : v;
  }

  json() {
    try {
      return JSON.parse(this.text);
    } catch (e) {
      throw new Error(`response is not JSON (${e.message}): ${this.text.slice(0, 500)}`);
    }
  }

  /** The path of the Location, without its query (a notice may ride along). */
  get locationPath() {
    const loc = this.location;
    return loc === undefined ? undefined : loc.split(/[?#]/)[0];
  }

  /** The Location of a redirect, checked to stay on this server. */
  get location() {
    const loc = this.headers.location;
    if (loc === undefined) return undefined;
    if (/^https?:\/\//i.test(loc)) {
      const u = new URL(loc);
      assert.equal(u.hostname, HOST, `redirect to another host: ${loc}`);
      return u.pathname + u.search;
    }
    assert.ok(loc.startsWith('/') && !loc.startsWith('//'), `redirect to a non-local path: ${loc}`);
    return loc;
  }
}

/**
 * One HTTP request. body may be a string or a Buffer. Options:
 * headers, body, timeoutMs, agent. Resolves with a Response, or rejects
 * (connection refused, reset, timeout, truncated body).
 */
export function request(base, method, pathAndQuery, { headers = {}, body, timeoutMs = REQUEST_TIMEOUT_MS } = {}) {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const hdrs = { ...headers };
    let payload = null;
    if (body !== undefined && body !== null) {
      payload = Buffer.isBuffer(body) ? body : Buffer.from(String(body), 'utf8');
      if (!Object.keys(hdrs).some((h) => h.toLowerCase() === 'content-length')) hdrs['content-length'] = payload.length;
    }
    const req = http.request({
      host: u.hostname,
      port: u.port,
      method,
      path: pathAndQuery,
      headers: hdrs,
      agent: false,
      timeout: timeoutMs,
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${pathAndQuery}: no answer within ${timeoutMs} ms`)));
    let gotResponse = false;
    req.on('error', (e) => {
      if (gotResponse) e.afterHeaders = true;
      reject(e);
    });
    req.on('response', (res) => {
      gotResponse = true;
      const chunks = [];
      // Errors once the status line has arrived are marked: a test of
      // shutdown tells a refused request from a cut-off answer.
      const cut = (why) => {
        const e = why instanceof Error ? why : new Error(why);
        e.afterHeaders = true;
        e.status = res.statusCode;
        reject(e);
      };
      res.on('data', (d) => chunks.push(d));
      res.on('aborted', () => cut(`${method} ${pathAndQuery}: response aborted`));
      res.on('error', cut);
      res.on('end', () => {
        if (!res.complete) {
          cut(`${method} ${pathAndQuery}: response truncated`);
          return;
        }
        resolve(new Response(res.statusCode, res.headers, res.rawHeaders, Buffer.concat(chunks)));
      });
    });
    if (payload) req.end(payload);
    else req.end();
  });
}

/** Encodes [name, value] pairs (or an object; array values repeat the name). */
export function formEncode(fields) {
  const p = new URLSearchParams();
  const entries = Array.isArray(fields) ? fields : Object.entries(fields);
  for (const [k, v] of entries) {
    if (Array.isArray(v)) for (const x of v) p.append(k, String(x));
    else if (v !== undefined && v !== null) p.append(k, String(v));
  }
  return p.toString();
}

export class Client {
  constructor(base) {
    this.base = base;
    this.jar = new Map(); // name -> value
    this.attrs = new Map(); // name -> the whole last Set-Cookie line
  }

  cookie(name) {
    return this.jar.get(name);
  }

  setCookie(name, value) {
    this.jar.set(name, value);
  }

  cookieHeader() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  storeCookies(res) {
    const set = res.headers['set-cookie'];
    if (!set) return;
    for (const line of set) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      this.attrs.set(name, line);
      const expired = attrs.some((a) => {
        const [k, v] = a.split('=').map((x) => x.trim());
        if (k.toLowerCase() === 'max-age') return Number(v) <= 0;
        if (k.toLowerCase() === 'expires') return Date.parse(v) < Date.now();
        return false;
      });
      if (expired || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  async request(method, p, { headers = {}, body } = {}) {
    const h = { ...headers };
    if (this.jar.size && !Object.keys(h).some((k) => k.toLowerCase() === 'cookie')) h.cookie = this.cookieHeader();
    const res = await request(this.base, method, p, { headers: h, body });
    this.storeCookies(res);
    return res;
  }

  async get(p, opts = {}) {
    return await this.request('GET', p, opts);
  }

  /** POSTs an urlencoded form (object, pairs, or an already encoded string/Buffer). */
  async post(p, form, opts = {}) {
    const body = typeof form === 'string' || Buffer.isBuffer(form) ? form : formEncode(form);
    return await this.request('POST', p, {
      ...opts,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(opts.headers ?? {}) },
      body,
    });
  }

  /** GETs a page and returns { res, csrf } with the token of its first form that has one. */
  async form(p) {
    const res = await this.get(p);
    assert.equal(res.status, 200, `GET ${p} answered ${res.status}\n${res.text.slice(0, 2000)}`);
    const csrf = csrfToken(res.text);
    assert.ok(csrf, `GET ${p}: no hidden csrf field in the page`);
    return { res, csrf };
  }

  /** GETs page p, then POSTs fields (plus its csrf token) to action. */
  async submit(p, action, fields) {
    const { csrf } = await this.form(p);
    const pairs = Array.isArray(fields) ? [...fields] : Object.entries(fields);
    pairs.push(['csrf', csrf]);
    return await this.post(action, pairs);
  }

  /** Follows a redirect response with a GET. */
  async follow(res) {
    assert.ok([301, 302, 303, 307, 308].includes(res.status), `expected a redirect, got ${res.status}`);
    return await this.get(res.location);
  }

  /** GET /login then POST /login; returns the POST's response. */
  async login(email, password) {
    const { csrf } = await this.form('/login');
    return await this.post('/login', { email, password, csrf });
  }

  /** The csrf token of any page this client can see (for posting elsewhere). */
  async csrf(p = '/') {
    const { csrf } = await this.form(p);
    return csrf;
  }
}

// ---------------------------------------------------------------------------
// HTML helpers: enough parsing for assertions, no more.

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e) => {
    if (e[0] === '#') {
      const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return String.fromCodePoint(n);
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** Attributes of one start tag, names lower-cased, values decoded. */
export function tagAttributes(tag) {
  const attrs = {};
  const re = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  const inner = tag.replace(/^<\s*[a-z0-9-]+/i, '').replace(/\/?>$/, '');
  let m;
  while ((m = re.exec(inner))) {
    attrs[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}

/** Every start tag of a given element name, as attribute objects. */
export function findTags(html, name) {
  const re = new RegExp(`<${name}\\b[^>]*>`, 'gi');
  return (html.match(re) ?? []).map(tagAttributes);
}

export function csrfToken(html) {
  const input = findTags(html, 'input').find((a) => a.name === 'csrf');
  return input ? input.value : undefined;
}

/** The page with the links back to itself (next=PATH of the language
 * switch) neutralised: they echo the path asked for, which reveals nothing. */
export function stripPath(html, p) {
  let out = html;
  for (const f of [p, encodeURIComponent(p), encodeURIComponent(p).toLowerCase()]) out = out.split(`next=${f}`).join('next=PATH');
  return out;
}

/** The page with every csrf input replaced by a marker (tokens differ per session). */
export function stripCsrf(html) {
  return html.replace(/<input\b[^>]*>/gi, (tag) => (tagAttributes(tag).name === 'csrf' ? '<input csrf>' : tag));
}

/** The attributes of the <html> element. */
export function htmlAttributes(html) {
  return findTags(html, 'html')[0] ?? {};
}

/** Text with tags removed and entities decoded (for "does the page say …"). */
export function textOf(html) {
  return decodeEntities(html.replace(/<script\b[\s\S]*?<\/script>/gi, ' ').replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');
}

/** Looks like an error summary or an error message (the page says what went wrong). */
export function hasErrorMessage(html) {
  return /role\s*=\s*["']?alert|error-summary|erreur|error|invalide|incorrect/i.test(html);
}

// ---------------------------------------------------------------------------
// Security headers shared by headers and input tests.

export function assertSecurityHeaders(res, what) {
  const csp = res.header('content-security-policy');
  assert.ok(csp, `${what}: no Content-Security-Policy`);
  const directives = Object.fromEntries(
    csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
      const [k, ...v] = d.split(/\s+/);
      return [k.toLowerCase(), v];
    }),
  );
  const scriptSrc = directives['script-src'] ?? directives['default-src'];
  assert.ok(scriptSrc, `${what}: CSP has neither script-src nor default-src: ${csp}`);
  assert.ok(!scriptSrc.includes("'unsafe-inline'"), `${what}: script-src allows 'unsafe-inline': ${csp}`);
  assert.ok(!scriptSrc.includes("'unsafe-eval'"), `${what}: script-src allows 'unsafe-eval': ${csp}`);
  assert.ok(!scriptSrc.includes('*'), `${what}: script-src allows any host: ${csp}`);
  assert.deepEqual(directives['frame-ancestors'], ["'none'"], `${what}: CSP frame-ancestors is not 'none': ${csp}`);
  assert.equal(res.header('x-content-type-options')?.toLowerCase(), 'nosniff', `${what}: X-Content-Type-Options`);
  const rp = res.header('referrer-policy');
  assert.ok(rp, `${what}: no Referrer-Policy`);
  assert.ok(
    ['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin'].includes(rp.trim().toLowerCase()),
    `${what}: Referrer-Policy ${rp} leaks paths to other sites`,
  );
}

// ---------------------------------------------------------------------------
// Raw connections, for tests that need control over the bytes on the wire.

/**
 * Opens a TCP connection; returns { socket, response } where response is a
 * promise of every byte received until the server closes the connection.
 */
export function rawConnect(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: HOST });
    const chunks = [];
    const response = new Promise((res, rej) => {
      socket.on('data', (d) => chunks.push(d));
      socket.on('end', () => res(Buffer.concat(chunks)));
      socket.on('error', (e) => (chunks.length ? res(Buffer.concat(chunks)) : rej(e)));
    });
    response.catch(() => {});
    socket.once('connect', () => resolve({ socket, response, chunks }));
    socket.once('error', reject);
  });
}

/** Parses one HTTP/1.1 response from bytes; throws if it is incomplete. */
export function parseRawResponse(buf) {
  const sep = buf.indexOf('\r\n\r\n');
  assert.ok(sep >= 0, `incomplete response head: ${JSON.stringify(buf.toString('latin1').slice(0, 300))}`);
  const head = buf.subarray(0, sep).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0]);
  assert.ok(m, `bad status line: ${head[0]}`);
  const headers = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    // Repeated headers are joined, Set-Cookie lines with a newline.
    if (headers[name] === undefined) headers[name] = value;
    else headers[name] += name === 'set-cookie' ? `\n${value}` : `, ${value}`;
  }
  let body = buf.subarray(sep + 4);
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
    const parts = [];
    let rest = body;
    for (;;) {
      const eol = rest.indexOf('\r\n');
      assert.ok(eol >= 0, 'truncated chunked body');
      const size = parseInt(rest.subarray(0, eol).toString('latin1'), 16);
      assert.ok(Number.isFinite(size), 'bad chunk size');
      if (size === 0) break;
      assert.ok(rest.length >= eol + 2 + size + 2, 'truncated chunk');
      parts.push(rest.subarray(eol + 2, eol + 2 + size));
      rest = rest.subarray(eol + 2 + size + 2);
    }
    body = Buffer.concat(parts);
  } else if (headers['content-length'] !== undefined) {
    const n = Number(headers['content-length']);
    assert.ok(body.length >= n, `truncated body: ${body.length} of ${n} bytes`);
    body = body.subarray(0, n);
  }
  return { status: Number(m[1]), headers, body, text: body.toString('utf8') };
}
