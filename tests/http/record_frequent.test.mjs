// record_frequent.test.mjs: the recording form's "most frequent at this
// site" groups are kept in memory per site; they must follow every write of
// this server at once: a visit recorded, corrected or deleted shows at the
// very next view of the form, and a write at another site changes nothing.
// And a session used on many page views ends at once on logout, on a new
// password and when the account is disabled.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { DEFAULT_USERS, csrfToken, findTags, setupServer, textOf } from './lib.mjs';
import { recordVisit, visitFields } from './visit_form.mjs';

const USERS = {
  ...DEFAULT_USERS,
  agentMalo: { email: 'agent.malo@example.org', name: 'Maël Conseiller', role: 'agent', sites: ['malo'] },
};

/** The operator codes of the form's "most frequent" group, in order ([] without the group). */
async function frequentOperators(client) {
  const res = await client.get('/visits/new');
  assert.equal(res.status, 200);
  const group = /<optgroup label="Les plus fréquents à ce lieu">([\s\S]*?)<\/optgroup>/.exec(res.text);
  return group ? findTags(group[1], 'option').map((o) => o.value) : [];
}

/** The procedure ids of the "most frequent" procedures group, in order. */
async function frequentProcedures(client) {
  const res = await client.get('/visits/new');
  const group = /<optgroup label="Les plus fréquentes à ce lieu">([\s\S]*?)<\/optgroup>/.exec(res.text);
  return group ? findTags(group[1], 'option').map((o) => o.value) : [];
}

describe("the form's frequent choices follow every write at once", () => {
  let srv;
  let agent;
  let other;
  let malo;

  before(async () => {
    srv = await setupServer({ users: USERS });
    malo = srv.sites.malo;
    agent = await srv.login('agentMalo');
    other = await srv.login('agent');
  });
  after(async () => {
    await srv?.stop();
    await srv?.cleanup();
  });

  it('recording, correcting and deleting change the groups at the next view', async () => {
    assert.deepEqual(await frequentOperators(agent), [], 'a site without visits has no frequent group');
    const cnav = await recordVisit(agent, malo, { d1_operator_code: 'cnav' });
    assert.deepEqual(await frequentOperators(agent), ['cnav']);
    // Viewed again (served from memory) it is the same.
    assert.deepEqual(await frequentOperators(agent), ['cnav']);

    const u1 = await recordVisit(agent, malo, { d1_operator_code: 'urssaf', d1_theme_code: 'travail_formation' });
    assert.deepEqual(await frequentOperators(agent), ['cnav', 'urssaf'], 'equal counts are ordered by code');
    await recordVisit(agent, malo, { d1_operator_code: 'urssaf', d1_theme_code: 'travail_formation' });
    assert.deepEqual(await frequentOperators(agent), ['urssaf', 'cnav'], 'the new leader is not first');

    // A visit of another site changes nothing here.
    await recordVisit(other, srv.sites.rennes, { d1_operator_code: 'dgfip', d1_theme_code: 'argent_impots' });
    assert.deepEqual(await frequentOperators(agent), ['urssaf', 'cnav']);

    // A correction moves a demand from one operator to another.
    const form = await agent.get(`/visits/${u1}/edit`);
    assert.equal(form.status, 200);
    const demandId = findTags(form.text, 'input').find((a) => a.name === 'd1_id')?.value;
    let res = await agent.post(`/visits/${u1}/edit`, {
      ...visitFields(malo, { d1_operator_code: 'cnaf' }),
      d1_id: demandId,
      csrf: csrfToken(form.text),
    });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 1000));
    assert.deepEqual(await frequentOperators(agent), ['cnaf', 'cnav', 'urssaf']);

    // A deletion takes its demand out.
    const confirm = await agent.get(`/visits/${cnav}/delete`);
    res = await agent.post(`/visits/${cnav}/delete`, { csrf: csrfToken(confirm.text) });
    assert.equal(res.status, 303);
    assert.deepEqual(await frequentOperators(agent), ['cnaf', 'urssaf']);
  });

  it('a procedure recorded shows in the procedures group at once', async () => {
    const before = await frequentProcedures(agent);
    assert.ok(!before.includes('1'));
    await recordVisit(agent, malo, { d1_operator_code: '', d1_procedure_id: '1', d1_theme_code: '' });
    assert.deepEqual(await frequentProcedures(agent), ['1']);
  });
});

describe('a session used over and over still ends at once', () => {
  let srv;
  let malo;
  const PAGES = () => ['/', '/journal', '/visits/new', '/visits', `/sites/${malo}`];

  before(async () => {
    srv = await setupServer({ users: USERS });
    malo = srv.sites.malo;
  });
  after(async () => {
    await srv?.stop();
    await srv?.cleanup();
  });

  /* Opens a session of user key and views every agent page a few times. */
  async function warm(key) {
    const c = await srv.login(key);
    for (let i = 0; i < 3; i++) {
      for (const p of PAGES()) assert.equal((await c.get(p)).status, 200, `${p} does not open`);
    }
    return c;
  }

  async function assertEnded(c, who) {
    for (const p of PAGES()) {
      const res = await c.get(p);
      assert.equal(res.status, 303, `${who}: ${p} still opens`);
      assert.equal(res.locationPath, '/login');
    }
  }

  it('on logout, the old cookie is refused', async () => {
    const c = await warm('agentMalo');
    const session = c.cookie('guichet_session');
    const res = await c.post('/logout', { csrf: await c.csrf('/') });
    assert.equal(res.status, 303);
    c.setCookie('guichet_session', session);
    await assertEnded(c, 'logout');
  });

  it('on a new password set by the administrator, and on disabling', async () => {
    const id = await srv.userId('agentMalo');
    const u = srv.users.agentMalo;
    const admin = await srv.login('admin');
    const form = (fields) => ({
      name: u.name,
      email: u.email,
      role: u.role,
      sites: [malo],
      active: '1',
      ...fields,
    });
    let c = await warm('agentMalo');
    const fresh = 'un tout nouveau mot de passe';
    let res = await admin.submit(`/users/${id}`, `/users/${id}`, form({ password: fresh }));
    assert.equal(res.status, 303, res.text.slice(0, 1500));
    await assertEnded(c, 'new password');
    u.password = fresh;

    c = await warm('agentMalo');
    const { active, ...inactive } = form({});
    assert.equal(active, '1');
    res = await admin.submit(`/users/${id}`, `/users/${id}`, inactive);
    assert.equal(res.status, 303, res.text.slice(0, 1500));
    await assertEnded(c, 'disabled');
  });
});
