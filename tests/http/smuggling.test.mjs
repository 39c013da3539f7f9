// smuggling.test.mjs: a request whose body length could be read two ways
// (two Content-Length that differ, white space before a header's colon,
// Content-Length beside Transfer-Encoding, a coding other than chunked) is
// refused with 400 and its connection closed, so that a lenient proxy in
// front cannot hide a second request in the first one's body.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { parseRawResponse, rawConnect, setupServer } from './lib.mjs';

/* The second request, hidden in the first one's body by the proxy's reading. */
const HIDDEN = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';

const CASES = [
  ['two Content-Length that differ', 'Content-Length: 5\r\nContent-Length: 40\r\n', `x=abc${HIDDEN}`],
  ['white space before the colon of Content-Length', 'Content-Length : 5\r\n', `x=abc${HIDDEN}`],
  ['Content-Length with Transfer-Encoding', `Content-Length: 5\r\nTransfer-Encoding: chunked\r\n`, `0\r\n\r\n${HIDDEN}`],
  ['Transfer-Encoding with Content-Length first', `Transfer-Encoding: chunked\r\nContent-Length: 40\r\n`, `0\r\n\r\n${HIDDEN}`],
  ['a coding other than chunked', 'Transfer-Encoding: gzip, chunked\r\n', `0\r\n\r\n${HIDDEN}`],
  ['white space before the colon of Transfer-Encoding', 'Transfer-Encoding : chunked\r\n', `0\r\n\r\n${HIDDEN}`],
];

/* Sends bytes and waits for the server to close the connection. */
async function exchange(port, bytes) {
  const { socket, response } = await rawConnect(port);
  socket.write(bytes);
  const buf = await response;
  socket.destroy();
  return buf;
}

describe('request smuggling', () => {
  let srv;
  before(async () => {
    srv = await setupServer({ users: {} });
  });
  after(async () => {
    await srv.stop();
    await srv.cleanup();
  });

  for (const [what, headers, body] of CASES) {
    it(`refuses ${what} with 400 and closes the connection`, { timeout: 20000 }, async () => {
      const request = `POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n${headers}\r\n${body}`;
      const buf = await exchange(srv.port, request);
      const res = parseRawResponse(buf);
      assert.equal(res.status, 400, `${what}: ${buf.toString('latin1').slice(0, 200)}`);
      // One answer only: the hidden request was never read as a request.
      assert.equal(buf.toString('latin1').match(/HTTP\/1\.1 \d{3}/g).length, 1, 'the hidden request was answered');
    });
  }

  it('still takes one length, said once, and a chunked body', { timeout: 20000 }, async () => {
    for (const headers of ['Content-Length: 5\r\n', 'Content-Length: 5\r\nContent-Length: 5\r\n']) {
      const buf = await exchange(srv.port, `POST /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\n${headers}\r\nx=abc`);
      // The login form without its CSRF token: refused, but not as malformed.
      assert.equal(parseRawResponse(buf).status, 403, buf.toString('latin1').slice(0, 200));
    }
    const buf = await exchange(srv.port, 'POST /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nx=abc\r\n0\r\n\r\n');
    assert.equal(parseRawResponse(buf).status, 403, buf.toString('latin1').slice(0, 200));
  });
});
