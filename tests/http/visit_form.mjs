// visit_form.mjs: recording a visit through the adviser's form (/visits/new),
// for the suites that need visits made as an adviser makes them.

import assert from 'node:assert/strict';

import { textOf } from './lib.mjs';

export const TODAY = new Date().toISOString().slice(0, 10);

/** The fields of a plain visit to siteId with one demand, today; `over` replaces some. */
export function visitFields(siteId, over = {}) {
  return {
    site_id: String(siteId),
    date: TODAY,
    time: '00:00',
    channel: 'guichet_spontane',
    duration_min: '15',
    age_bracket: 'non_communique',
    gender: 'non_communique',
    social_status: 'non_communique',
    commune_insee: '',
    ndemands: '1',
    d1_operator_code: 'cnaf',
    d1_theme_code: 'social_sante',
    d1_procedure_id: '',
    d1_level: 'fait_avec',
    d1_outcome: 'resolu',
    d1_interpreting: 'aucun',
    ...over,
  };
}

/** Records that visit with a logged-in client; resolves to the new visit's id. */
export async function recordVisit(client, siteId, over) {
  const { csrf } = await client.form('/visits/new');
  const res = await client.post('/visits', { ...visitFields(siteId, over), csrf });
  assert.equal(res.status, 303, textOf(res.text).slice(0, 1500));
  return Number(/saved=(\d+)/.exec(res.location)[1]);
}
