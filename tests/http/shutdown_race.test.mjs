// shutdown_race.test.mjs: the server is started and stopped many times in a
// row, each time with work under way when SIGTERM arrives (an event stream
// open, an idle keep-alive connection, requests being sent back to back),
// and every stop must end with exit status 0. Stopping used to race with
// libmicrohttpd's own polling thread over the listening socket and, once in
// a while, abort the process ("Failed to remove listen FD from epoll set",
// src/http/http.c, http_start): a rare interleaving, so the test repeats the
// stop rather than times it.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { findTags, rawConnect, setupServer } from './lib.mjs';

const ROUNDS = 60;
const BUSY_CLIENTS = 3;

/* Resolves once the bytes received on a raw connection satisfy `test`;
 * rejects if the connection ends first. */
function bytesUntil(conn, test, what) {
  return new Promise((resolve, reject) => {
    const check = () => {
      const text = Buffer.concat(conn.chunks).toString('utf8');
      if (!test(text)) return false;
      conn.socket.off('data', onData);
      conn.socket.off('close', onClose);
      resolve(text);
      return true;
    };
    const onData = () => check();
    const onClose = () => {
      if (!check()) reject(new Error(`the connection closed before ${what}`));
    };
    conn.socket.on('data', onData);
    conn.socket.on('close', onClose);
    check();
  });
}

/* True once `text` holds a whole answer: its head and Content-Length bytes. */
function answerIsWhole(text) {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const m = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end));
  return Buffer.byteLength(text.slice(end + 4)) >= (m ? Number(m[1]) : 0);
}

/* Sends GET /healthz on one keep-alive connection, again and again, until the
 * connection fails: keeps the server's polling thread busy at the stop. */
async function busyClient(port, started) {
  let conn;
  try {
    conn = await rawConnect(port);
  } catch {
    started();
    return;
  }
  conn.socket.on('error', () => {});
  const request = `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`;
  let answered = 0;
  try {
    for (;;) {
      conn.chunks.length = 0;
      conn.socket.write(request);
      await bytesUntil(conn, answerIsWhole, 'an answer');
      if (++answered === 1) started();
      if (conn.socket.destroyed) break;
    }
  } catch {
    // The server went away: what this client was for is over.
  } finally {
    started();
    conn.socket.destroy();
  }
}

describe('stopping the server again and again', () => {
  let srv;
  let streamPath;

  before(async () => {
    srv = await setupServer();
    const c = await srv.login('manager');
    const res = await c.get(`/sites/${srv.sites.rennes}/screen`);
    const a = findTags(res.text, 'a').find((x) => /\/screen\?key=/.test(x.href ?? ''));
    assert.ok(a, 'no keyed screen address');
    streamPath = a.href.replace('/screen?', '/screen/events?');
    await srv.stop();
  });
  after(() => srv?.cleanup());

  it(`exits 0 on each of ${ROUNDS} stops with a stream, an idle connection and requests under way`, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      // Odd rounds with one polling thread, even rounds with the default
      // pool: libmicrohttpd quiesces the two in different ways.
      await srv.start(round % 2 ? ['--threads', '1'] : []);
      const port = srv.port;

      const stream = await rawConnect(port);
      stream.socket.on('error', () => {});
      stream.socket.write(
        `GET ${streamPath} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`,
      );
      await bytesUntil(stream, (t) => /\nretry:/.test(t), `the stream's first lines (round ${round})`);

      const idle = await rawConnect(port);
      idle.socket.on('error', () => {});

      const busy = [];
      const started = [];
      for (let i = 0; i < BUSY_CLIENTS; i++) {
        let ready;
        started.push(new Promise((r) => (ready = r)));
        busy.push(busyClient(port, ready));
      }
      await Promise.all(started);

      srv.signal('SIGTERM');
      const exit = await srv.waitExit();
      assert.deepEqual(
        exit,
        { code: 0, signal: null },
        `round ${round}: the server did not stop cleanly\nstderr:\n${srv.log.slice(-2000)}`,
      );
      assert.doesNotMatch(srv.log, /Fatal error in GNU libmicrohttpd/, `round ${round}: stderr:\n${srv.log.slice(-2000)}`);
      // Every client sees its connection end with the process.
      await stream.response.catch(() => {});
      await Promise.all(busy);
      idle.socket.destroy();
      stream.socket.destroy();
    }
  });
});
