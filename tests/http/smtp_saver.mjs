// smtp_saver.mjs: a real SMTP server for the e-mail tests, Debian's
// python3-aiosmtpd on a free loopback port, saving each message it accepts
// whole as OUT/NNNN.eml, its envelope's recipients first as X-Test-To
// headers. Used by the tests that read what Guichet sent.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { HOST, canConnect } from './lib.mjs';

export const PYTHON = '/usr/bin/python3';
export const haveAiosmtpd = fs.existsSync(PYTHON) && fs.existsSync('/usr/lib/python3/dist-packages/aiosmtpd');
const WAIT_MS = 30_000;
const POLL_MS = 50;

// Each message whole as NNNN.eml, its envelope recipients first.
const SAVER = `
import os


class Saver:
    def __init__(self, folder):
        self.folder = folder

    @classmethod
    def from_cli(cls, parser, *args):
        return cls(*args)

    async def handle_DATA(self, server, session, envelope):
        n = len([f for f in os.listdir(self.folder) if f.endswith('.eml')]) + 1
        name = os.path.join(self.folder, '%04d.eml' % n)
        head = ''.join('X-Test-To: %s\\r\\n' % r for r in envelope.rcpt_tos)
        with open(name + '.part', 'wb') as f:
            f.write(head.encode() + envelope.original_content)
        os.rename(name + '.part', name)
        return '250 2.0.0 Saved as %04d' % n
`;

export async function freePort() {
  return await new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, HOST, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** fn's first truthy answer, asked every 50 ms for at most 30 s. */
export async function waitFor(what, fn) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await delay(POLL_MS);
  }
}

/**
 * Starts the server in dir (its messages in dir/out) once it accepts
 * connections: { port, out, child, raw() (the messages' texts in order),
 * stop() }.
 */
export async function startSaver(dir) {
  const out = path.join(dir, 'out');
  await fsp.mkdir(out, { recursive: true });
  await fsp.writeFile(path.join(dir, 'saver.py'), SAVER);
  const port = await freePort();
  const child = spawn(PYTHON, ['-m', 'aiosmtpd', '-n', '-l', `${HOST}:${port}`, '-c', 'saver.Saver', out],
    { cwd: dir, env: { ...process.env, PYTHONPATH: dir }, stdio: ['ignore', 'ignore', 'ignore'] });
  await waitFor('aiosmtpd', async () => await canConnect(port));
  return {
    port,
    out,
    child,
    async raw() {
      const names = (await fsp.readdir(out)).filter((f) => f.endsWith('.eml')).sort();
      return await Promise.all(names.map((n) => fsp.readFile(path.join(out, n), 'utf8')));
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.on('close', resolve)));
    },
  };
}
