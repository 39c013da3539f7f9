// cli.test.mjs: the command line: help, refusal of unknown options, init,
// users and sites added from the shell, API tokens.

import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { makeTempDir, removeTempDir, run, runOk, setupServer } from './lib.mjs';

const execFileP = promisify(execFile);

/* The schema as SQLite reports it, to compare two states of a database. */
async function schemaOf(db) {
  const { stdout } = await execFileP('sqlite3', [db, '.schema']);
  return stdout;
}

const SUBCOMMANDS = [
  ['init'],
  ['serve'],
  ['user', 'add'],
  ['user', 'list'],
  ['user', 'disable'],
  ['site', 'add'],
  ['site', 'list'],
  ['token', 'create'],
  ['token', 'list'],
  ['token', 'revoke'],
];

describe('help', () => {
  it('guichet --help exits 0 and names the commands', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0, r.stderr);
    for (const c of ['init', 'serve', 'user', 'site', 'token']) {
      assert.match(r.stdout, new RegExp(`\\b${c}\\b`), `--help does not mention ${c}:\n${r.stdout}`);
    }
  });

  for (const cmd of SUBCOMMANDS) {
    it(`guichet ${cmd.join(' ')} --help exits 0 and says something`, async () => {
      const r = await run([...cmd, '--help']);
      assert.equal(r.code, 0, `exit ${r.code}\n${r.stderr}`);
      assert.ok(r.stdout.trim().length > 0, 'help printed nothing on stdout');
      // Options of the command are listed: every command but --help takes --db.
      assert.match(r.stdout, /--db\b/, `help of ${cmd.join(' ')} does not list --db:\n${r.stdout}`);
    });
  }
});

describe('usage errors', () => {
  let dir;
  before(async () => {
    dir = await makeTempDir();
  });
  after(async () => {
    await removeTempDir(dir);
  });

  for (const cmd of SUBCOMMANDS) {
    it(`guichet ${cmd.join(' ')} with an unknown option exits 2 and names it`, async () => {
      const db = path.join(dir, 'unknown-option.db');
      const r = await run([...cmd, '--db', db, '--no-such-option'], { input: 'irrelevant password\n' });
      assert.equal(r.code, 2, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
      assert.match(r.stderr, /--no-such-option/, `the message does not name the option:\n${r.stderr}`);
    });
  }

  it('an unknown command is refused with a message naming it', async () => {
    const r = await run(['frobnicate']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /frobnicate/);
  });

  it('no command at all is a usage error', async () => {
    const r = await run([]);
    assert.notEqual(r.code, 0);
    assert.ok(r.stderr.trim().length > 0, 'no message on stderr');
  });

  it('an option missing its value is refused', async () => {
    const r = await run(['init', '--db']);
    assert.equal(r.code, 2, `exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, /--db/);
  });

  it('serve refuses a malformed --listen', async () => {
    const db = path.join(dir, 'listen.db');
    await runOk(['init', '--db', db]);
    const r = await run(['serve', '--db', db, '--listen', 'not-an-address', '--port-file', path.join(dir, 'p')], {
      timeoutMs: 20_000,
    });
    assert.notEqual(r.code, 0, 'serve started with --listen not-an-address');
    assert.match(r.stderr, /listen|not-an-address/i);
  });
});

describe('init', () => {
  let dir;
  before(async () => {
    dir = await makeTempDir();
  });
  after(async () => {
    await removeTempDir(dir);
  });

  it('creates the database, and a second run applies nothing', async () => {
    const db = path.join(dir, 'twice.db');
    const first = await run(['init', '--db', db]);
    assert.equal(first.code, 0, first.stderr);
    await fsp.access(db);
    const schema1 = await schemaOf(db);
    assert.match(schema1, /CREATE TABLE/i, 'init created no table');

    const second = await run(['init', '--db', db]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(await schemaOf(db), schema1, 'the second init changed the schema');
    assert.match(`${second.stdout}\n${second.stderr}`, /\b0\b/, `the second init should report 0 migrations applied:\n${second.stdout}${second.stderr}`);
  });

  it('fails with a message when the directory does not exist', async () => {
    const r = await run(['init', '--db', path.join(dir, 'no', 'such', 'dir', 'x.db')]);
    assert.notEqual(r.code, 0);
    assert.ok(r.stderr.trim().length > 0, 'no message on stderr');
  });

  it('keeps the data of an existing database', async () => {
    const db = path.join(dir, 'keep.db');
    await runOk(['init', '--db', db]);
    await runOk(['site', 'add', '--db', db, '--name', 'Centre social Kléber', '--type', 'centre_social']);
    await runOk(['init', '--db', db]);
    const list = await runOk(['site', 'list', '--db', db]);
    assert.match(list, /Centre social Kléber/);
  });
});

describe('users, sites and tokens from the shell', () => {
  let srv;
  before(async () => {
    srv = await setupServer({
      sites: { rennes: { name: 'France services Rennes Centre', type: 'france_services', commune: '35238' } },
      users: {},
    });
  });
  after(async () => {
    await srv.cleanup();
  });

  it('site add prints the new id and site list shows the site', async () => {
    const out = await srv.cliOk([
      'site', 'add', '--name', 'Association Lire et Écrire', '--type', 'association', '--commune', '35047',
      '--address', '3 rue des Lilas', '--hours', 'lun-ven 9h-17h', '--languages', 'fr,ar', '--accessibility', 'pmr,lsf',
    ]);
    assert.match(out, /^\d+$/);
    assert.notEqual(Number(out), srv.sites.rennes, 'the new site got the id of an existing one');
    const list = await srv.cliOk(['site', 'list']);
    assert.match(list, /Association Lire et Écrire/);
    assert.match(list, /France services Rennes Centre/);
  });

  it('site add refuses an unknown type and writes nothing', async () => {
    const before = await srv.cliOk(['site', 'list']);
    const r = await srv.cli(['site', 'add', '--name', 'Mauvais type', '--type', 'chateau']);
    assert.notEqual(r.code, 0);
    assert.ok(r.stderr.trim().length > 0, 'no message');
    assert.equal(await srv.cliOk(['site', 'list']), before);
  });

  it('site add refuses a malformed commune code', async () => {
    const r = await srv.cli(['site', 'add', '--name', 'Commune fausse', '--type', 'mairie', '--commune', 'ABCDEFG']);
    assert.notEqual(r.code, 0);
    assert.doesNotMatch(await srv.cliOk(['site', 'list']), /Commune fausse/);
  });

  it('user add reads the password from standard input, and it works to log in', async () => {
    const password = 'un mot de passe bien long';
    const r = await srv.cli(
      ['user', 'add', '--email', 'Nadia.Ben@Example.ORG', '--name', 'Nadia Ben', '--role', 'agent', '--site', String(srv.sites.rennes)],
      { input: `${password}\n` },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes(password) && !r.stderr.includes(password), 'the password was echoed');
    const list = await srv.cliOk(['user', 'list']);
    assert.match(list, /nadia\.ben@example\.org/, 'the e-mail address is not listed in lower case');
    assert.ok(!list.includes(password), 'user list shows the password');

    const c = srv.client();
    const res = await c.login('nadia.ben@example.org', password);
    assert.equal(res.status, 303, `login with the password given on stdin failed: ${res.status}`);
    const c2 = srv.client();
    const res2 = await c2.login('NADIA.BEN@example.org', password);
    assert.equal(res2.status, 303, 'the e-mail address should be matched without regard to case');
  });

  it('user add refuses a weak password and creates nobody', async () => {
    const r = await srv.cli(['user', 'add', '--email', 'faible@example.org', '--name', 'Faible', '--role', 'agent'], {
      input: 'court\n',
    });
    assert.notEqual(r.code, 0);
    assert.ok(r.stderr.trim().length > 0, 'no message');
    assert.doesNotMatch(await srv.cliOk(['user', 'list']), /faible@example\.org/);
  });

  it('user add refuses an empty standard input', async () => {
    const r = await srv.cli(['user', 'add', '--email', 'vide@example.org', '--name', 'Vide', '--role', 'agent'], { input: '' });
    assert.notEqual(r.code, 0);
    assert.doesNotMatch(await srv.cliOk(['user', 'list']), /vide@example\.org/);
  });

  it('user add refuses a duplicate address and an unknown role', async () => {
    await srv.cliOk(['user', 'add', '--email', 'double@example.org', '--name', 'Double', '--role', 'admin'], {
      input: 'premier mot de passe long\n',
    });
    const dup = await srv.cli(['user', 'add', '--email', 'DOUBLE@example.org', '--name', 'Double 2', '--role', 'admin'], {
      input: 'second mot de passe long\n',
    });
    assert.notEqual(dup.code, 0, 'a second user with the same address was accepted');
    const role = await srv.cli(['user', 'add', '--email', 'roi@example.org', '--name', 'Roi', '--role', 'king'], {
      input: 'un mot de passe assez long\n',
    });
    assert.notEqual(role.code, 0, 'role "king" was accepted');
    assert.match(role.stderr, /king|role/i);
    const list = await srv.cliOk(['user', 'list']);
    assert.doesNotMatch(list, /roi@example\.org/);
    assert.doesNotMatch(list, /Double 2/);
  });

  it('user add refuses a site that does not exist', async () => {
    const r = await srv.cli(['user', 'add', '--email', 'nosite@example.org', '--name', 'Sans site', '--role', 'agent', '--site', '999999'], {
      input: 'un mot de passe assez long\n',
    });
    assert.notEqual(r.code, 0);
    assert.doesNotMatch(await srv.cliOk(['user', 'list']), /nosite@example\.org/);
  });

  it('token create prints a token that opens the API as that user', async () => {
    await srv.cliOk(['user', 'add', '--email', 'api@example.org', '--name', 'Api User', '--role', 'agent', '--site', String(srv.sites.rennes)], {
      input: 'mot de passe pour api\n',
    });
    const out = await srv.cliOk(['token', 'create', '--user', 'api@example.org']);
    const token = out.split(/\s+/).pop();
    assert.ok(token.length >= 32, `token too short: ${token}`);
    const res = await srv.client().get('/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200, res.text);
    const me = res.json();
    assert.equal(me.email, 'api@example.org');
    assert.equal(me.name, 'Api User');
    assert.equal(me.role, 'agent');
    assert.ok(Array.isArray(me.sites), 'sites is not an array');
    assert.equal(me.sites.length, 1);
    const other = (await srv.cliOk(['token', 'create', '--user', 'api@example.org'])).split(/\s+/).pop();
    assert.notEqual(other, token, 'two tokens are equal');
  });

  it('token create refuses an unknown user', async () => {
    const r = await srv.cli(['token', 'create', '--user', 'personne@example.org']);
    assert.notEqual(r.code, 0);
    assert.ok(r.stderr.trim().length > 0);
  });

  it('user disable, while the server runs, stops logins and tokens of that user', async () => {
    await srv.cliOk(['user', 'add', '--email', 'parti@example.org', '--name', 'Parti', '--role', 'agent', '--site', String(srv.sites.rennes)], {
      input: 'mot de passe de parti\n',
    });
    const token = (await srv.cliOk(['token', 'create', '--user', 'parti@example.org'])).split(/\s+/).pop();
    const c = srv.client();
    assert.equal((await c.login('parti@example.org', 'mot de passe de parti')).status, 303);
    assert.equal((await c.get('/')).status, 200);

    await srv.cliOk(['user', 'disable', '--email', 'parti@example.org']);

    const again = await srv.client().login('parti@example.org', 'mot de passe de parti');
    assert.equal(again.status, 401, `a disabled user logged in: ${again.status}`);
    const page = await c.get('/');
    assert.equal(page.status, 303, 'the session of a disabled user still works');
    assert.equal(page.locationPath, '/login');
    const api = await srv.client().get('/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(api.status, 401, 'the token of a disabled user still works');
  });

  it('user disable of an unknown address fails', async () => {
    const r = await srv.cli(['user', 'disable', '--email', 'inconnu@example.org']);
    assert.notEqual(r.code, 0);
  });

  it('adds a coordinator and an operator', async () => {
    await srv.cliOk(['user', 'add', '--email', 'coord29@example.org', '--name', 'Coord', '--role', 'coordinator', '--departement', '29'], {
      input: 'mot de passe de coord\n',
    });
    await srv.cliOk(['user', 'add', '--email', 'caf@example.org', '--name', 'Opérateur CAF', '--role', 'operator', '--operator', 'CNAF'], {
      input: 'mot de passe de la caf\n',
    });
    const list = await srv.cliOk(['user', 'list']);
    assert.match(list, /coord29@example\.org/);
    assert.match(list, /caf@example\.org/);
  });
});
