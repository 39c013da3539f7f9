// agent_pages.mjs: the agent pages that pages.mjs and instructions.mjs load,
// seen by one adviser logged in on a running server.

import assert from 'node:assert/strict';

import { Client } from '../tests/http/lib.mjs';

/** Logs in at base as email; returns { client, cookie, pages }, pages being
 * [name, path] for home, the day journal, the recording form, the search, a
 * visit of the adviser's site (when there is one) and the sites, those
 * whose name contains `only` when it is given. */
export async function agentPages(base, email, password, only) {
  const client = new Client(base);
  const login = await client.login(email, password);
  assert.equal(login.status, 303, `login as ${email} failed (${login.status})`);
  const journal = await client.get('/journal');
  const link = /href="(\/visits\/\d+)"/;
  const visit = link.exec(journal.text)?.[1] ?? link.exec((await client.get('/visits')).text)?.[1];
  const pages = [
    ['home', '/'],
    ['journal', '/journal'],
    ['record form', '/visits/new'],
    ['search', '/visits'],
    ...(visit ? [['visit', visit]] : []),
    ['site', '/sites'],
  ].filter(([name]) => !only || name.includes(only));
  return { client, cookie: client.cookieHeader(), pages };
}
