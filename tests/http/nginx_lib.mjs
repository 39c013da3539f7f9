// nginx_lib.mjs: Debian's nginx on loopback, for nginx.test.mjs and
// bench/pages.mjs: a throwaway configuration in a folder of the caller's,
// on a free port.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

import { HOST, canConnect } from './lib.mjs';

/** The nginx binary, or undefined when nginx is not installed. */
export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => spawnSync('test', ['-x', p]).status === 0);
/** A bound against hanging, never a measure. */
const WAIT_MS = 15000;

/** A loopback port free now (the caller binds it at once). */
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

/**
 * Starts nginx with its files in dir: `connections` workers' connections,
 * `http` more lines of the http block, `listen` more words of the listen
 * line (' ssl http2'), `server` the rest of the server block. A port nginx
 * alone binds: chosen free, then taken again at once; another one if
 * something else took it in between. Returns { child, port, stop() }, or
 * throws with nginx's messages when it does not start.
 */
export async function startNginx({ dir, connections = 64, http = '', listen = '', server }) {
  await fs.mkdir(path.join(dir, 'tmp'), { recursive: true });
  const log = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const conf = `
${process.getuid && process.getuid() === 0 ? 'user root;' : ''}
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections ${connections}; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  ${http}
  server {
    listen ${HOST}:${port}${listen};
    ${server}
  }
}
`;
    await fs.writeFile(path.join(dir, 'nginx.conf'), conf);
    const child = spawn(NGINX, ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.on('data', (d) => log.push(d));
    let exited = false;
    child.on('close', () => { exited = true; });
    const deadline = Date.now() + WAIT_MS;
    while (!exited && Date.now() < deadline && !(await canConnect(port))) await new Promise((r) => setImmediate(r));
    if (!exited && (await canConnect(port))) {
      const stop = async () => {
        if (exited) return;
        const done = new Promise((r) => child.once('close', r));
        child.kill('SIGTERM');
        await done;
      };
      return { child, port, stop };
    }
    child.kill('SIGKILL');
  }
  const errors = await fs.readFile(path.join(dir, 'error.log'), 'utf8').catch(() => '');
  throw new Error(`nginx did not start: ${Buffer.concat(log).toString()} ${errors}`);
}
