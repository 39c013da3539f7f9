// translations.test.mjs: every French text the sources mark for translation
// (docs/translating.md) has an English and an Arabic translation that is
// not fuzzy, so that no staff page falls back to French in those languages;
// and every public phrase (P_, NP_) has a translation in each of the public
// languages, so that no public page does either.
// Runs `make po-check`, which extracts the texts with the same keywords as
// `make po` and compares them with po/*.po without changing them.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { BIN, ROOT } from './lib.mjs';

const STAFF = ['en', 'ar'];
const PUBLIC = ['fa', 'ps', 'uk', 'ru', 'ti', 'es', 'pt', 'ro', 'tr', 'ta', 'bn', 'sq', 'ka', 'prs', 'so', 'ku', 'zh'];

describe('translations', () => {
  it('has every text of the sources translated in every catalog', () => {
    // Its scratch files go to the build folder of the binary under test.
    const build = path.relative(ROOT, path.dirname(BIN)) || 'build';
    const r = spawnSync('make', ['-s', 'po-check', `BUILD=${build}`], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.error, undefined, String(r.error));
    assert.equal(r.status, 0, `make po-check failed:\n${r.stdout}\n${r.stderr}`);
    for (const code of STAFF)
      assert.match(r.stdout, new RegExp(`^po/${code}\\.po: 0 untranslated, 0 fuzzy \\(\\d+ texts\\)$`, 'm'));
    for (const code of PUBLIC)
      assert.match(r.stdout, new RegExp(`^po/${code}\\.po: 0 untranslated, 0 fuzzy \\(\\d+ public texts\\)$`, 'm'));
  });

  it('has a catalog for each of the 20 public languages and no other', () => {
    const files = readdirSync(path.join(ROOT, 'po')).filter((f) => f.endsWith('.po')).sort();
    assert.deepEqual(files, [...STAFF, ...PUBLIC].map((c) => `${c}.po`).sort());
  });
});
