// nojs.test.mjs: with JavaScript disabled, every form still works: log in,
// switch language, create a site (and see its errors), create a user, change
// one's password, log out.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { assertNoProblems, closeAll, htmlLangDir, launchBrowser, newPage, setupServer, visit } from './lib.mjs';

const submit = (form) => `${form} button:not([type]), ${form} button[type="submit"], ${form} input[type="submit"]`;

/* Clicks the form's button and returns the response of the navigation. */
async function send(page, form) {
  const [res] = await Promise.all([page.waitForNavigation(), page.click(submit(form))]);
  return res;
}

describe('without JavaScript', () => {
  let srv;
  let browser;
  let page;

  before(async () => {
    srv = await setupServer();
    browser = await launchBrowser();
    page = await newPage(browser, srv.base, { javaScriptEnabled: false });
  });
  after(() => closeAll(browser, srv));

  it('a wrong password shows the error page, the right one logs in', async () => {
    await visit(page, '/login');
    await page.fill('form[action="/login"] [name="email"]', srv.users.admin.email);
    await page.fill('form[action="/login"] [name="password"]', 'mauvais mot de passe');
    assert.equal((await send(page, 'form[action="/login"]')).status(), 401);
    await page.fill('form[action="/login"] [name="email"]', srv.users.admin.email);
    await page.fill('form[action="/login"] [name="password"]', srv.users.admin.password);
    const res = await send(page, 'form[action="/login"]');
    assert.equal(res.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/');
  });

  it('the language links work', async () => {
    await visit(page, '/');
    const [res] = await Promise.all([page.waitForNavigation(), page.click('a[href^="/lang/en"]')]);
    assert.equal(res.status(), 200);
    assert.equal((await htmlLangDir(page)).lang, 'en');
    assert.equal(new URL(page.url()).pathname, '/', 'the language switch did not come back to the page');
    await Promise.all([page.waitForNavigation(), page.click('a[href^="/lang/ar"]')]);
    assert.deepEqual(await htmlLangDir(page), { lang: 'ar', dir: 'rtl' });
    await Promise.all([page.waitForNavigation(), page.click('a[href^="/lang/fr"]')]);
    assert.deepEqual(await htmlLangDir(page), { lang: 'fr', dir: 'ltr' });
  });

  it('an invalid site shows its errors; a valid one is created', async () => {
    await visit(page, '/sites/new');
    await page.evaluate(() => {
      for (const f of document.forms) f.noValidate = true;
    });
    await page.fill('form[action="/sites"] [name="name"]', '');
    await page.fill('form[action="/sites"] [name="address"]', '5 rue de la Gare');
    const bad = await send(page, 'form[action="/sites"]');
    assert.equal(bad.status(), 400);
    assert.equal(await page.inputValue('form[action="/sites"] [name="address"]'), '5 rue de la Gare', 'the address typed was lost');

    await page.fill('form[action="/sites"] [name="name"]', 'Bus France services du Pays de Redon');
    await page.selectOption('form[action="/sites"] [name="type"]', 'france_services_itinerant').catch(async () => {
      await page.check('form[action="/sites"] [name="type"][value="france_services_itinerant"]');
    });
    await page.fill('form[action="/sites"] [name="commune_insee"]', '35236');
    await page.check('form[action="/sites"] [name="languages"][value="fr"]');
    const ok = await send(page, 'form[action="/sites"]');
    assert.equal(ok.status(), 200);
    assert.match(new URL(page.url()).pathname, /^\/sites\/\d+$/);
    assert.ok((await page.content()).includes('Bus France services du Pays de Redon'));
  });

  it('a user is created', async () => {
    await visit(page, '/users/new');
    await page.fill('form[action="/users"] [name="email"]', 'sans.script@example.org');
    await page.fill('form[action="/users"] [name="name"]', 'Sans Script');
    await page.selectOption('form[action="/users"] [name="role"]', 'agent').catch(async () => {
      await page.check('form[action="/users"] [name="role"][value="agent"]');
    });
    await page.check(`form[action="/users"] [name="sites"][value="${srv.sites.rennes}"]`);
    await page.fill('form[action="/users"] [name="password"]', 'mot de passe sans script');
    const res = await send(page, 'form[action="/users"]');
    assert.equal(res.status(), 200);
    assert.match(await srv.cliOk(['user', 'list']), /sans\.script@example\.org/);
  });

  it('the password is changed', async () => {
    const admin = srv.users.admin;
    const fresh = 'un nouveau mot de passe sans script';
    await visit(page, '/account/password');
    await page.fill('[name="current_password"]', admin.password);
    await page.fill('[name="new_password"]', fresh);
    await page.fill('[name="confirm_password"]', fresh);
    const res = await send(page, 'form[action="/account/password"]');
    assert.equal(res.status(), 200);
    assert.equal((await srv.client().login(admin.email, fresh)).status, 303);
    admin.password = fresh;
    // The server may end the sessions on a change of password: log in again.
    if (new URL(page.url()).pathname === '/login') {
      await page.fill('form[action="/login"] [name="email"]', admin.email);
      await page.fill('form[action="/login"] [name="password"]', fresh);
      assert.equal((await send(page, 'form[action="/login"]')).status(), 200);
    }
    assert.equal(new URL(page.url()).pathname, '/');
  });

  it('logging out works', async () => {
    await visit(page, '/');
    const res = await send(page, 'form[action="/logout"]');
    assert.equal(res.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/login');
    await visit(page, '/sites');
    assert.equal(new URL(page.url()).pathname, '/login');
    assertNoProblems(page, 'without JavaScript');
  });
});
