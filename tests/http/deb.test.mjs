// deb.test.mjs: the Debian package an administrator installs. `make deb`'s
// script builds it from the binary under test; the package holds the
// binary, a man page per command generated from its own help (so the two
// cannot drift apart), guichet.conf(5) and the commented conffile, and a
// hardened systemd unit that systemd-analyze accepts; lintian finds no
// error or warning; two builds give the same bytes; the packaged binary
// answers --version.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { BIN, makeTempDir, ON_PG, removeTempDir, ROOT } from './lib.mjs';

const execFileP = promisify(execFile);
const sh = (cmd, args, opts = {}) => execFileP(cmd, args, { maxBuffer: 16 * 1024 * 1024, ...opts });

async function buildDeb(build) {
  const { stdout } = await sh(path.join(ROOT, 'scripts', 'build-deb'), [], {
    cwd: ROOT,
    env: { ...process.env, BUILD: build, SOURCE_DATE_EPOCH: '1764806400' },
  });
  return path.resolve(ROOT, stdout.trim());
}

// Packaging does not depend on the store: one run, on SQLite's stage.
describe('the Debian package', { skip: ON_PG }, () => {
  let dir;
  let deb;
  let root;
  const build = path.dirname(BIN);

  before(async () => {
    dir = await makeTempDir();
    deb = await buildDeb(build);
    root = path.join(dir, 'root');
    await sh('dpkg-deb', ['-x', deb, root]);
  });
  after(() => removeTempDir(dir));

  const commands = async () => {
    const { stdout } = await sh(BIN, ['help']);
    return stdout.split('Commands:\n')[1].split('\n\n')[0].split('\n').map((l) => l.trim().split(/\s+/)[0])
      .filter((c) => c && c !== 'help' && c !== 'version');
  };

  it('holds the binary, the unit, the conffile, the copyright and a man page per command', async () => {
    const { stdout } = await sh('dpkg-deb', ['--contents', deb]);
    for (const f of ['./usr/bin/guichet', './lib/systemd/system/guichet.service', './etc/guichet/guichet.conf',
      './usr/share/doc/guichet/copyright', './usr/share/doc/guichet/changelog.gz',
      './usr/share/man/man1/guichet.1.gz', './usr/share/man/man5/guichet.conf.5.gz']) {
      assert.match(stdout, new RegExp(` ${f.replace(/\./g, '\\.')}\\n`), `${f} is missing`);
    }
    for (const c of await commands()) assert.match(stdout, new RegExp(`/man1/guichet-${c}\\.1\\.gz`), `no man page for ${c}`);
    const info = (await sh('dpkg-deb', ['--info', deb])).stdout;
    assert.match(info, /Depends: .*libmicrohttpd12.*libsqlite3-0/);
    assert.match(info, /Depends: .*adduser/);
    const ctrl = path.join(dir, 'ctrl');
    await sh('dpkg-deb', ['-e', deb, ctrl]);
    assert.equal((await fs.readFile(path.join(ctrl, 'conffiles'), 'utf8')).trim(), '/etc/guichet/guichet.conf');
  });

  it('has a binary that answers --version', async () => {
    const { stdout } = await sh(path.join(root, 'usr', 'bin', 'guichet'), ['--version']);
    assert.match(stdout, /^guichet \d+\.\d+\.\d+/);
  });

  it('has man pages that render without warnings and name every option of the help', async () => {
    const serveHelp = (await sh(BIN, ['serve', '--help'])).stdout;
    const page = (await sh('man', ['--warnings', '-l', path.join(root, 'usr/share/man/man1/guichet-serve.1.gz')], {
      env: { ...process.env, MANWIDTH: '100', MAN_KEEP_FORMATTING: '' },
    }));
    assert.equal(page.stderr, '', page.stderr);
    for (const opt of serveHelp.match(/--[a-z-]+/g)) assert.ok(page.stdout.includes(opt), `guichet-serve(1) lacks ${opt}`);
    const conf = (await sh('man', ['--warnings', '-l', path.join(root, 'usr/share/man/man5/guichet.conf.5.gz')])).stdout;
    for (const key of ['db', 'listen', 'public-url', 'trust-proxy']) assert.match(conf, new RegExp(`\\b${key}\\b`));
    // The conffile names the same settings, all commented but the store.
    const file = await fs.readFile(path.join(root, 'etc/guichet/guichet.conf'), 'utf8');
    assert.match(file, /^db = \/var\/lib\/guichet\/guichet\.db$/m);
    assert.match(file, /^# listen = /m);
  });

  it('has a hardened unit that systemd-analyze verify accepts', async () => {
    const unit = await fs.readFile(path.join(root, 'lib/systemd/system/guichet.service'), 'utf8');
    for (const d of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'ProtectHome=yes', 'PrivateTmp=yes',
      'StateDirectory=guichet', 'CapabilityBoundingSet=\n', 'SystemCallFilter=@system-service', 'MemoryDenyWriteExecute=yes']) {
      assert.ok(unit.includes(d), `the unit lacks ${d.trim()}`);
    }
    // The targets the unit names come from the machine's systemd.
    const units = path.join(root, 'usr/lib/systemd/system');
    await fs.mkdir(units, { recursive: true });
    for (const t of ['multi-user.target', 'network-online.target', 'sysinit.target', 'basic.target', 'shutdown.target',
      'sockets.target', 'timers.target', 'paths.target', 'slices.target', 'local-fs.target', 'swap.target', 'network.target']) {
      await fs.copyFile(path.join('/lib/systemd/system', t), path.join(units, t)).catch(() => {});
    }
    const r = await sh('systemd-analyze', ['verify', '--man=no', `--root=${root}`, path.join(root, 'lib/systemd/system/guichet.service')]);
    assert.equal(r.stderr, '', r.stderr);
  });

  it('is clean for lintian', async () => {
    const r = await sh('lintian', ['--tag-display-limit', '0', deb]).catch((e) => e);
    const out = `${r.stdout}${r.stderr}`.split('\n').filter((l) => /^[EW]: /.test(l));
    assert.deepEqual(out, []);
    assert.equal(r.code ?? 0, 0, `${r.stdout}${r.stderr}`);
  });

  it('gives the same bytes when built again', async () => {
    const sum = async (f) => crypto.createHash('sha256').update(await fs.readFile(f)).digest('hex');
    const first = await sum(deb);
    const again = await buildDeb(build);
    assert.equal(await sum(again), first);
  });
});
