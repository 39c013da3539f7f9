// record_keyboard.test.mjs (browser): the three reference visits of
// bench/keyboard.mjs recorded on the real form by keyboard alone. Each
// visit must be saved with exactly the facts typed (read back through the
// JSON API), and the keystrokes (and Tab presses) may not grow past the
// ceilings recorded in the bench. No timing is asserted.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { CEILINGS, VISITS, recordVisit } from '../../bench/keyboard.mjs';
import { DEFAULT_USERS, assertNoProblems, closeAll, launchBrowser, loginWithForm, newPage, setupServer, withScreenshot } from './lib.mjs';

describe('the reference visits, by keyboard alone', () => {
  let srv;
  let browser;
  let page;
  let token;

  before(async () => {
    srv = await setupServer({ users: { agent: DEFAULT_USERS.agent } });
    browser = await launchBrowser();
    page = await newPage(browser, srv.base);
    await loginWithForm(page, srv.users.agent.email, srv.users.agent.password);
    token = await srv.token('agent');
  });
  after(async () => closeAll(browser, srv));

  async function saved(id) {
    const res = await srv.client().get(`/api/v1/visits/${id}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200, res.text);
    return res.json();
  }

  for (const [key, v] of Object.entries(VISITS)) {
    it(`${key}: ${v.title}`, async () => {
      let r;
      try {
        r = await recordVisit(page, v);
      } catch (e) {
        throw await withScreenshot(page, `record-keyboard-${key}`, e);
      }
      assertNoProblems(page, key);
      assert.ok(r.keys <= CEILINGS[key].keys, `${key}: ${r.keys} keystrokes, more than the ${CEILINGS[key].keys} recorded`);
      assert.ok(r.tabs <= CEILINGS[key].tabs, `${key}: ${r.tabs} Tab, more than the ${CEILINGS[key].tabs} recorded`);

      const got = await saved(r.id);
      assert.equal(got.channel, v.channel ?? 'guichet_spontane');
      assert.equal(got.duration_min, Number(v.duration ?? 15));
      const p = got.visitor;
      assert.equal(p.age_bracket, v.age ?? 'non_communique');
      assert.equal(p.gender, v.gender ?? 'non_communique');
      assert.equal(p.social_status, v.status ?? 'non_communique');
      assert.equal(p.phone_kind, v.phone ?? '');
      assert.equal(p.no_phone, v.phone === 'aucun', 'no_phone must mean no telephone at all');
      assert.deepEqual(p.languages, v.languages ?? []);
      assert.equal(p.allophone, Boolean(v.languages));
      assert.equal(p.identified, Boolean(v.identified));
      if (v.identified) {
        assert.equal(p.full_name, v.identified.name);
        assert.equal(p.consent_reason, v.identified.reason);
      }
      assert.equal(got.demands.length, v.demands.length);
      got.demands.forEach((d, i) => {
        const want = v.demands[i];
        assert.equal(d.operator_code, want.operator, `demand ${i + 1}`);
        assert.equal(d.level, want.level, `demand ${i + 1}`);
        assert.equal(d.outcome, want.outcome, `demand ${i + 1}`);
        // The visit's facts, asked once, are in every demand.
        assert.equal(d.interpreting, v.interpreting ?? 'aucun', `demand ${i + 1}`);
        assert.equal(d.interpreting_lang ?? '', v.interpreting ? v.interpretingLang : '', `demand ${i + 1}`);
        assert.deepEqual(d.equipment, v.equipment ?? [], `demand ${i + 1}`);
      });
    });
  }
});
