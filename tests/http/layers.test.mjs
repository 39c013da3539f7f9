// layers.test.mjs: the tree shows the architecture. src/README.md lists the
// folders from top to bottom; a file may include headers of its own folder
// and of the folders below it, never of one above, so that data flows one
// way. Every folder says what lives in it (README.md), and no source file
// lies outside the folders.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { ROOT } from './lib.mjs';

const SRC = path.join(ROOT, 'src');

function layers() {
  const text = fs.readFileSync(path.join(SRC, 'README.md'), 'utf8');
  return [...text.matchAll(/^\d+\. `([a-z]+)\/`/gm)].map((m) => m[1]);
}

describe('the tree of src/', () => {
  const order = layers();
  const rank = new Map(order.map((d, i) => [d, i]));

  it('lists every folder once, and only folders hold sources', () => {
    assert.ok(order.length >= 10, `src/README.md lists ${order.length} folders`);
    const entries = fs.readdirSync(SRC, { withFileTypes: true });
    const dirs = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
    assert.deepEqual(dirs, [...order].sort());
    const loose = entries.filter((e) => e.isFile() && /\.[ch]$/.test(e.name)).map((e) => e.name);
    assert.deepEqual(loose, []);
    for (const d of order) assert.ok(fs.existsSync(path.join(SRC, d, 'README.md')), `src/${d}/README.md`);
  });

  it('includes only headers of the same folder or of a folder below', () => {
    const up = [];
    for (const d of order) {
      for (const f of fs.readdirSync(path.join(SRC, d)).filter((n) => /\.[ch]$/.test(n))) {
        const text = fs.readFileSync(path.join(SRC, d, f), 'utf8');
        for (const m of text.matchAll(/^#include "([^"]+)"/gm)) {
          const target = m[1].split('/');
          assert.equal(target.length, 2, `src/${d}/${f}: #include "${m[1]}" names no folder`);
          assert.ok(rank.has(target[0]), `src/${d}/${f}: #include "${m[1]}": no such folder`);
          assert.ok(fs.existsSync(path.join(SRC, m[1])), `src/${d}/${f}: #include "${m[1]}": no such file`);
          if (rank.get(target[0]) < rank.get(d)) up.push(`src/${d}/${f} -> ${m[1]}`);
        }
      }
    }
    assert.deepEqual(up, [], 'includes that run back up');
  });
});
