// speech.test.mjs: the audio of the public phrases (docs/speech.md). A
// phrase is heard in French and in Arabic as a WAV whose header sizes match
// its body; the second request is answered by the speech cache (the runs
// of espeak-ng counted in /metrics do not move); byte ranges (206, 416,
// HEAD, If-None-Match) for phones' players; a language without a voice
// answers 404, which the pages take as "text only"; no address speaks an
// arbitrary text; a site's manager uploads a recording, which then replaces
// the synthesis (and is the only audio of Pashto), and deletes it.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';

import { run, serverForSuite } from './lib.mjs';

const METRICS_TOKEN = 'speech-test-metrics-token-0123456789';
const PHRASE = "L'écoute n'est pas disponible pour le moment. Le texte reste affiché.";
const CALL = "Numéro {ticket}. {desk}, s'il vous plaît.";

let haveEspeak = true;
try {
  execFileSync('espeak-ng', ['--version'], { stdio: 'ignore' });
} catch {
  haveEspeak = false;
}

function multipart(fields, file) {
  const boundary = `----guichet${crypto.randomBytes(8).toString('hex')}`;
  const parts = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
    parts.push(file.content);
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

/** A small valid WAV: 8 bytes of silence. */
function tinyWav() {
  const b = Buffer.alloc(52);
  b.write('RIFF', 0);
  b.writeUInt32LE(44, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(8000, 24);
  b.writeUInt32LE(16000, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(8, 40);
  return b;
}

function checkWav(res) {
  assert.equal(res.status, 200, res.text.slice(0, 300));
  assert.equal(res.header('content-type'), 'audio/wav');
  assert.equal(res.header('accept-ranges'), 'bytes');
  assert.match(res.header('etag'), /^"[0-9a-f]{32}"$/);
  assert.equal(Number(res.header('content-length')), res.body.length);
  const b = res.body;
  assert.equal(b.toString('latin1', 0, 4), 'RIFF');
  assert.equal(b.toString('latin1', 8, 12), 'WAVE');
  // The sizes are those of the body, not of an endless stream.
  assert.equal(b.readUInt32LE(4), b.length - 8);
  assert.equal(b.toString('latin1', 36, 40), 'data');
  assert.equal(b.readUInt32LE(40), b.length - 44);
}

async function speechRuns(srv) {
  const res = await srv.client().get('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.equal(res.status, 200);
  const runs = /^guichet_speech_runs_total (\d+)$/m.exec(res.text);
  const hits = /^guichet_speech_cache_hits_total\{from="memory"\} (\d+)$/m.exec(res.text);
  assert.ok(runs && hits, 'no speech counters in /metrics');
  return { runs: Number(runs[1]), hits: Number(hits[1]) };
}

describe('speech: the audio of the public phrases', () => {
  let srv;
  let ids; // msgid -> phrase id, read from the manager's page
  serverForSuite((s) => (srv = s), { serveArgs: ['--metrics-token', METRICS_TOKEN] });

  async function phraseIds() {
    if (ids) return ids;
    const manager = await srv.login('manager');
    const res = await manager.get(`/sites/${srv.sites.rennes}/audio?lang=ar`);
    assert.equal(res.status, 200, res.text.slice(0, 500));
    ids = new Map();
    for (const m of res.text.matchAll(/<option value="([0-9a-f]{12})"[^>]*>([^<]*)<\/option>/g)) {
      ids.set(m[2].replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&'), m[1]);
    }
    assert.ok(ids.get(PHRASE), 'the phrase is not listed among the public phrases');
    assert.ok(ids.get(CALL), 'the call is not listed among the public phrases');
    return ids;
  }

  it('speaks a public phrase in French and in Arabic, once', { skip: !haveEspeak && 'espeak-ng is not installed' }, async () => {
    const id = (await phraseIds()).get(PHRASE);
    const anon = srv.client();
    const before = await speechRuns(srv);
    for (const lang of ['fr', 'ar']) checkWav(await anon.get(`/audio/${lang}/${id}.wav`));
    const made = await speechRuns(srv);
    assert.equal(made.runs, before.runs + 2);
    // Again: from the cache, espeak-ng does not run.
    const again = await anon.get(`/audio/fr/${id}.wav`);
    checkWav(again);
    const after = await speechRuns(srv);
    assert.equal(after.runs, made.runs);
    assert.equal(after.hits, made.hits + 1);
    // The call's sentence is a public phrase too, in every voiced language.
    checkWav(await anon.get(`/audio/zh/${(await phraseIds()).get(CALL)}.wav`));
  });

  it('answers byte ranges, HEAD and conditional requests', { skip: !haveEspeak && 'espeak-ng is not installed' }, async () => {
    const id = (await phraseIds()).get(PHRASE);
    const anon = srv.client();
    const path = `/audio/fr/${id}.wav`;
    const full = await anon.get(path);
    checkWav(full);
    const len = full.body.length;
    const etag = full.header('etag');

    let r = await anon.get(path, { headers: { range: 'bytes=0-3' } });
    assert.equal(r.status, 206);
    assert.equal(r.text, 'RIFF');
    assert.equal(r.header('content-range'), `bytes 0-3/${len}`);
    assert.equal(r.header('content-length'), '4');
    assert.equal(r.header('accept-ranges'), 'bytes');

    r = await anon.get(path, { headers: { range: 'bytes=40-' } });
    assert.equal(r.status, 206);
    assert.equal(r.header('content-range'), `bytes 40-${len - 1}/${len}`);
    assert.deepEqual(r.body, full.body.subarray(40));

    r = await anon.get(path, { headers: { range: 'bytes=-10' } });
    assert.equal(r.status, 206);
    assert.deepEqual(r.body, full.body.subarray(len - 10));

    r = await anon.get(path, { headers: { range: `bytes=${len}-` } });
    assert.equal(r.status, 416);
    assert.equal(r.header('content-range'), `bytes */${len}`);
    assert.equal(r.body.length, 0);

    // Several ranges: the whole body.
    r = await anon.get(path, { headers: { range: 'bytes=0-1,4-5' } });
    assert.equal(r.status, 200);
    assert.equal(r.body.length, len);

    // If-Range with another version: the whole body.
    r = await anon.get(path, { headers: { range: 'bytes=0-3', 'if-range': '"0000"' } });
    assert.equal(r.status, 200);
    r = await anon.get(path, { headers: { range: 'bytes=0-3', 'if-range': etag } });
    assert.equal(r.status, 206);

    r = await anon.request('HEAD', path);
    assert.equal(r.status, 200);
    assert.equal(r.header('content-length'), String(len));
    assert.equal(r.header('accept-ranges'), 'bytes');
    assert.equal(r.body.length, 0);
    r = await anon.request('HEAD', path, { headers: { range: 'bytes=0-9' } });
    assert.equal(r.status, 206);
    assert.equal(r.header('content-length'), '10');
    assert.equal(r.body.length, 0);

    r = await anon.get(path, { headers: { 'if-none-match': etag } });
    assert.equal(r.status, 304);
    assert.equal(r.body.length, 0);
    assert.match(full.header('cache-control'), /max-age=\d+/);
  });

  it('answers 404 for a language without a voice, and for anything that is not a public phrase', async () => {
    const id = (await phraseIds()).get(PHRASE);
    const anon = srv.client();
    // Pashto and Tigrinya translate the phrase but have no voice: text only.
    for (const lang of ['ps', 'ti', 'so']) assert.equal((await anon.get(`/audio/${lang}/${id}.wav`)).status, 404);
    for (const p of [
      `/audio/xx/${id}.wav`,
      `/audio/FR/${id}.wav`,
      `/audio/fr/${id}.mp3`,
      `/audio/fr/${id}`,
      '/audio/fr/000000000000.wav',
      `/audio/fr/${id.toUpperCase()}.wav`,
      `/audio/fr/${id}.wav?site=abc`,
      '/speech?lang=fr&text=Bonjour',
      '/audio/fr/Bonjour.wav',
    ]) {
      assert.equal((await anon.get(p)).status, 404, p);
    }
    // A path that tries to leave is refused before any handler.
    assert.ok([400, 404].includes((await anon.get('/audio/fr/..%2f..%2fetc.wav')).status));
  });

  it('lets a manager replace the voice by a recording, the only audio of Pashto', async () => {
    const id = (await phraseIds()).get(PHRASE);
    const manager = await srv.login('manager');
    const page = `/sites/${srv.sites.rennes}/audio`;
    const upload = async (client, lang, file, extra = {}) => {
      const csrf = (await client.get(`${page}?lang=${lang}`)).text.match(/name="csrf" value="([^"]+)"/)?.[1];
      const { body, type } = multipart({ csrf, action: 'upload', lang, phrase: id, ...extra }, file);
      return await client.request('POST', page, { headers: { 'content-type': type }, body });
    };

    // An Ogg file for Pashto.
    const ogg = Buffer.concat([Buffer.from('OggS\0\x02'), crypto.randomBytes(500)]);
    let res = await upload(manager, 'ps', { name: 'phrase.ogg', content: ogg });
    assert.equal(res.status, 303, res.text.slice(0, 500));
    const anon = srv.client();
    const audio = `/audio/ps/${id}.wav?site=${srv.sites.rennes}`;
    res = await anon.get(audio);
    assert.equal(res.status, 200);
    assert.equal(res.header('content-type'), 'audio/ogg');
    assert.deepEqual(res.body, ogg);
    assert.equal(res.header('cache-control'), 'no-cache');
    res = await anon.get(audio, { headers: { range: 'bytes=0-3' } });
    assert.equal(res.status, 206);
    assert.equal(res.text, 'OggS');
    // Another site has no recording: Pashto stays text only.
    assert.equal((await anon.get(`/audio/ps/${id}.wav?site=${srv.sites.brest}`)).status, 404);
    // The page lists it, with a player.
    const listed = await manager.get(`${page}?lang=ps`);
    assert.match(listed.text, /audio\/ogg/);
    assert.ok(listed.text.includes(`/audio/ps/${id}.wav?site=${srv.sites.rennes}`));

    // Replaced by a WAV.
    const wav = tinyWav();
    res = await upload(manager, 'ps', { name: 'phrase.wav', content: wav });
    assert.equal(res.status, 303);
    res = await anon.get(audio);
    assert.equal(res.header('content-type'), 'audio/wav');
    assert.deepEqual(res.body, wav);

    // In French, the recording replaces the voice for this site only.
    const mp3 = Buffer.concat([Buffer.from('ID3\x03\0'), crypto.randomBytes(300)]);
    res = await upload(manager, 'fr', { name: 'phrase.mp3', content: mp3 });
    assert.equal(res.status, 303);
    res = await anon.get(`/audio/fr/${id}.wav?site=${srv.sites.rennes}`);
    assert.equal(res.header('content-type'), 'audio/mpeg');
    assert.deepEqual(res.body, mp3);

    // Refused: not audio (type read from the bytes, not the name), no
    // file, an unknown phrase, no CSRF token, an agent, another site.
    res = await upload(manager, 'ps', { name: 'evil.ogg', content: Buffer.from('<script>alert(1)</script>') });
    assert.equal(res.status, 400);
    assert.match(res.text, /WAV, Ogg ou MP3/);
    res = await upload(manager, 'ps', null);
    assert.equal(res.status, 400);
    res = await upload(manager, 'ps', { name: 'a.wav', content: wav }, { phrase: '000000000000' });
    assert.equal(res.status, 400);
    {
      const { body, type } = multipart({ action: 'upload', lang: 'ps', phrase: id }, { name: 'a.wav', content: wav });
      res = await manager.request('POST', page, { headers: { 'content-type': type }, body });
      assert.ok([400, 403].includes(res.status), `no CSRF: ${res.status}`);
    }
    const agent = await srv.login('agent');
    assert.equal((await agent.get(page)).status, 403);
    const brest = await srv.login('agentBrest');
    assert.equal((await brest.get(page)).status, 404);
    assert.equal((await srv.client().get(page)).status, 303);
    res = await anon.get(audio);
    assert.deepEqual(res.body, wav, 'a refused upload changed the recording');

    // Deleted: Pashto is text only again.
    const csrf = (await manager.get(`${page}?lang=ps`)).text.match(/name="csrf" value="([^"]+)"/)[1];
    res = await manager.post(page, { csrf, action: 'delete', lang: 'ps', phrase: id });
    assert.equal(res.status, 303);
    assert.equal((await anon.get(audio)).status, 404);
  });
});

describe('speech: the cache on disk', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-speech-cache-'));
  let srv;
  serverForSuite((s) => (srv = s), { serveArgs: ['--speech-cache-dir', dir, '--speech-cache-mb', '0'] });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps each made WAV in the directory, and refuses a directory that does not exist', { skip: !haveEspeak && 'espeak-ng is not installed' }, async () => {
    const manager = await srv.login('manager');
    const page = await manager.get(`/sites/${srv.sites.rennes}/audio?lang=fr`);
    const id = [...page.text.matchAll(/<option value="([0-9a-f]{12})"/g)][0][1];
    const first = await srv.client().get(`/audio/fr/${id}.wav`);
    checkWav(first);
    const files = fs.readdirSync(dir).filter((f) => /^[0-9a-f]{32}\.wav$/.test(f));
    assert.equal(files.length, 1);
    assert.deepEqual(fs.readFileSync(path.join(dir, files[0])), first.body);
    // With no memory, the second answer comes from the disk, the same bytes.
    const again = await srv.client().get(`/audio/fr/${id}.wav`);
    assert.deepEqual(again.body, first.body);
    assert.equal(again.header('etag'), first.header('etag'));

    const res = await run(['serve', '--db', 'x.db', '--speech-cache-dir', path.join(dir, 'missing')]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /speech-cache-dir/);
  });
});
