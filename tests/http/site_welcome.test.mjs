// site_welcome.test.mjs: the page of a site leads each reader to the pages
// that welcome the public there, as far as the rules let them open those
// (docs/access.md): the manager to the queue, its settings, the kiosk, the
// screen, the notices and the recordings; an adviser to the queue, the
// screen and the notices only; and every link it gives answers.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { findTags, serverForSuite } from './lib.mjs';

function welcomeLinks(html, site) {
  return findTags(html, 'a')
    .map((a) => a.href)
    .filter((h) => h && h.startsWith(`/sites/${site}/`))
    .map((h) => h.slice(`/sites/${site}/`.length))
    .filter((h) => h !== 'edit' && h !== 'settings')
    .sort();
}

describe('the site page links to the welcome of the public', () => {
  let srv;
  serverForSuite((s) => (srv = s));

  it('gives the manager every page, and each answers', async () => {
    const rennes = srv.sites.rennes;
    const manager = await srv.login('manager');
    const page = await manager.get(`/sites/${rennes}`);
    assert.equal(page.status, 200);
    const links = welcomeLinks(page.text, rennes);
    assert.deepEqual(links, ['audio', 'kiosk', 'notices', 'phrases', 'queue', 'queue/settings', 'screen']);
    for (const l of links) {
      const res = await manager.get(`/sites/${rennes}/${l}`);
      assert.equal(res.status, 200, `/sites/${rennes}/${l}`);
    }
  });

  it('gives an adviser only what an adviser may open', async () => {
    const rennes = srv.sites.rennes;
    const agent = await srv.login('agent');
    const page = await agent.get(`/sites/${rennes}`);
    assert.equal(page.status, 200);
    const links = welcomeLinks(page.text, rennes);
    assert.deepEqual(links, ['notices', 'queue', 'screen']);
    for (const l of links) {
      const res = await agent.get(`/sites/${rennes}/${l}`);
      assert.equal(res.status, 200, `/sites/${rennes}/${l}`);
    }
  });
});
