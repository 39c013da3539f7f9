// translations.test.mjs: every French text the sources mark for translation
// (docs/translating.md) has an English and an Arabic translation that is
// not fuzzy, so that no page falls back to French in those languages.
// Runs `make po-check`, which extracts the texts with the same keywords as
// `make po` and compares them with po/*.po without changing them.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

import { ROOT } from './lib.mjs';

describe('translations', () => {
  it('has every text of the sources translated in every catalog', () => {
    const r = spawnSync('make', ['-s', 'po-check'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.error, undefined, String(r.error));
    assert.equal(r.status, 0, `make po-check failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /po\/en\.po: 0 untranslated, 0 fuzzy/);
    assert.match(r.stdout, /po\/ar\.po: 0 untranslated, 0 fuzzy/);
  });
});
