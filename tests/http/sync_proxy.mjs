// sync_proxy.mjs: a TCP proxy on loopback between a laptop and its centre,
// for the sync tests and the benchmark. It forwards bytes both ways and can,
// per connection, drop the connection or stall it once a chosen number of
// bytes has passed in one direction (mid-body), or add a delay to every
// chunk in each direction. It counts the bytes it carried.
//
//   const p = await startProxy({ targetPort, delayMs: 0 });
//   p.fault = { kind: 'drop', direction: 'up', at: 1234 };  // the next connection only
//   p.port, p.bytesUp, p.bytesDown, p.connections, p.faults; p.dropAll(); await p.close();

import { spawn } from 'node:child_process';
import fsp from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';

import { Server, makeTempDir, runOk } from './lib.mjs';

/**
 * Options: targetPort (the centre), delayMs (added to every chunk, each
 * direction), decide(index) → a fault for connection number index (or
 * null), called when p.fault is not set; tlsOptions ({ key, cert }) to
 * answer in TLS.
 */
export async function startProxy({ targetPort, delayMs = 0, decide = null, tlsOptions = null } = {}) {
  const sockets = new Set();
  const p = {
    port: 0,
    targetPort,
    fault: null,
    bytesUp: 0,
    bytesDown: 0,
    connections: 0,
    faults: 0,
    close: null,
  };

  // Forwards src to dst, chunk by chunk, in order; applies the fault of
  // this direction at its byte.
  function pipe(src, dst, direction, fault, endBoth) {
    let passed = 0;
    let chain = Promise.resolve();
    let stalled = false;
    src.on('data', (chunk) => {
      if (stalled) return;
      let part = chunk;
      let cut = false;
      if (fault && fault.direction === direction && passed + chunk.length >= fault.at) {
        part = chunk.subarray(0, Math.max(0, fault.at - passed));
        cut = true;
      }
      passed += part.length;
      if (direction === 'up') p.bytesUp += part.length;
      else p.bytesDown += part.length;
      // Each chunk leaves delayMs after it came, in order: a link's latency,
      // not a delay per chunk.
      const due = Date.now() + delayMs;
      chain = chain.then(async () => {
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (part.length && !dst.destroyed) dst.write(part);
      });
      if (cut) {
        p.faults++;
        if (fault.kind === 'stall') {
          // Holds both connections open, silent: the client's timeout ends it.
          stalled = true;
          src.pause();
        } else {
          chain = chain.then(() => endBoth());
        }
      }
    });
    src.on('end', () => {
      chain = chain.then(() => {
        if (!stalled && !dst.destroyed) dst.end();
      });
    });
  }

  // With tlsOptions ({ key, cert }), the laptop's side speaks TLS: a centre
  // behind its HTTPS front.
  const server = (tlsOptions ? tls.createServer.bind(null, tlsOptions) : net.createServer)((client) => {
    const index = p.connections++;
    const fault = p.fault ?? (decide ? decide(index) : null);
    p.fault = null;
    // Read at each connection: a restarted centre listens on a new port.
    const upstream = net.connect({ host: '127.0.0.1', port: p.targetPort });
    sockets.add(client);
    sockets.add(upstream);
    const endBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', endBoth);
    upstream.on('error', endBoth);
    client.on('close', () => {
      sockets.delete(client);
      if (!fault || fault.kind !== 'stall') upstream.destroy();
    });
    upstream.on('close', () => {
      sockets.delete(upstream);
      if (!fault || fault.kind !== 'stall') client.destroy();
    });
    pipe(client, upstream, 'up', fault, endBoth);
    pipe(upstream, client, 'down', fault, endBoth);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  p.port = server.address().port;
  /* Ends every connection in progress (a stalled one included). */
  p.dropAll = () => {
    for (const s of sockets) s.destroy();
  };
  p.close = () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return p;
}

/** A small deterministic generator (mulberry32) for seeded fault plans. */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------
// What the sync tests and the benchmark share: a store read directly (the
// records by uid, on SQLite or PostgreSQL), a laptop attached to a centre.


/** Rows of a SELECT on a store (a SQLite path or a postgresql:// URL), each an array of strings. */
export function query(db, sql) {
  const pg = /^postgres(ql)?:\/\//.test(db);
  const [cmd, args] = pg
    ? ['psql', ['-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-d', db, '-c', sql]]
    : ['sqlite3', ['-batch', '-separator', '\t', `file:${db}?mode=ro`, sql]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${cmd} failed (${code}): ${Buffer.concat(err)}`));
      const text = Buffer.concat(out).toString('utf8');
      resolve(text.split('\n').filter((l) => l !== '').map((l) => l.split('\t')));
    });
  });
}

/** The records of a store, by uid, in a form both engines print alike. */
export async function records(db) {
  return {
    visits: await query(db, 'SELECT v.uid, v.started_at, v.channel, v.place, v.duration_min, v.created_at, v.deleted_at, ' +
      'v.changed_at, v.changed_origin, p.uid FROM visits v JOIN visitors p ON p.id = v.visitor_id ORDER BY v.uid'),
    demands: await query(db, 'SELECT v.uid, d.operator_code, d.theme_code, d.level, d.outcome, d.mandate_type, ' +
      'd.referral_type, d.equipment, d.duration_min FROM demands d JOIN visits v ON v.id = d.visit_id ' +
      'ORDER BY v.uid, d.operator_code, d.theme_code, d.level, d.outcome, d.duration_min'),
    visitors: await query(db, "SELECT uid, gender, age_bracket, languages FROM visitors WHERE uid <> '' ORDER BY uid"),
  };
}

/**
 * A laptop store attached to the centre at url with token (an account of
 * site siteKey of centre): a Server (not started) whose users and sites are
 * the centre's, so that it logs in with the same passwords.
 */
export async function attachLaptop(centre, url, token, { name = 'laptop', extra = [] } = {}) {
  const laptop = new Server();
  laptop.dir = await makeTempDir(`guichet-${name}-`);
  laptop.db = path.join(laptop.dir, `${name}.db`);
  await runOk(['sync', 'attach', '--db', laptop.db, '--server', url, '--token', token, ...extra]);
  laptop.users = Object.fromEntries(Object.entries(centre.users).map(([k, u]) => [k, { ...u, id: undefined }]));
  laptop.sites = { ...centre.sites };
  return laptop;
}

/** A visit of the JSON API, the nth of a test (its day and time vary with n). */
export function visitBody(n, overrides = {}) {
  const day = String(1 + (n % 28)).padStart(2, '0');
  const hour = String(8 + (n % 9)).padStart(2, '0');
  return {
    started_at: `2024-03-${day}T${hour}:15:00+01:00`,
    channel: n % 3 === 0 ? 'telephone' : 'guichet_spontane',
    duration_min: 10 + (n % 40),
    visitor: { gender: n % 2 ? 'feminin' : 'masculin', age_bracket: '60_69', languages: ['ar'], allophone: true, no_internet: n % 2 === 0 },
    demands: [
      { operator_code: 'cnaf', theme_code: 'social_sante', level: 'fait_avec', outcome: 'resolu', duration_min: 5 + (n % 10), equipment: ['ordinateur'] },
      ...(n % 4 === 0 ? [{ operator_code: 'dgfip', theme_code: 'argent_impots', level: 'fait_pour', mandate_type: 'papier', outcome: 'oriente', referral_type: 'administration', duration_min: 5 }] : []),
    ],
    ...overrides,
  };
}

/** Calls the JSON API of srv with a bearer token. */
export function api(srv, token, method, p, body) {
  const headers = { authorization: `Bearer ${token}` };
  let payload;
  if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  return srv.client().request(method, p, { headers, body: payload });
}

/** A sliver of the official geography on srv's store: Brittany, Rennes, Saint-Malo and Brest. */
export async function loadSliverGeo(srv) {
  const dir = path.join(srv.dir, 'geo');
  await fsp.mkdir(dir, { recursive: true });
  const commune = (code, nom, dep, cp) => ({ code, nom, type: 'commune-actuelle', departement: dep, region: '53', codesPostaux: [cp], population: 1000 });
  await fsp.writeFile(path.join(dir, 'communes.json'), JSON.stringify([
    commune('35238', 'Rennes', '35', '35000'), commune('35288', 'Saint-Malo', '35', '35400'), commune('29019', 'Brest', '29', '29200'),
  ]));
  await fsp.writeFile(path.join(dir, 'departements.json'), JSON.stringify([
    { code: '35', nom: 'Ille-et-Vilaine', region: '53' }, { code: '29', nom: 'Finistère', region: '53' },
  ]));
  await fsp.writeFile(path.join(dir, 'regions.json'), JSON.stringify([{ code: '53', nom: 'Bretagne' }]));
  await srv.cliOk(['geo', 'load', '--dir', dir]);
}

/** A self-signed certificate for 127.0.0.1 and localhost, made with openssl in dir: { key, cert, certFile }. */
export async function selfSigned(dir) {
  const keyFile = path.join(dir, 'centre.key');
  const certFile = path.join(dir, 'centre.pem');
  await new Promise((resolve, reject) => {
    const child = spawn('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const err = [];
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`openssl failed: ${Buffer.concat(err)}`))));
  });
  return { key: await fsp.readFile(keyFile), cert: await fsp.readFile(certFile), certFile };
}
