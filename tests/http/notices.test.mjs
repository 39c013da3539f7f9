// notices.test.mjs: the notices of a site (docs/notices.md): who may
// publish, change, delete or only read them (a site one may not see answers
// 404, like a missing one), every kind of bad input (a 400 with the error on
// its field and nothing stored), the public page in the visitor's language
// with only the current notices, the Atom feed (well-formed, valid Atom
// 1.0, revalidated with ETag and Last-Modified), and hostile texts escaped
// everywhere.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { csrfToken, findTags, htmlAttributes, serverForSuite, textOf } from './lib.mjs';

/* The server runs in UTC (lib.mjs). */
const day = (offset) => new Date(Date.now() + offset * 86400e3).toISOString().slice(0, 10);

/** A strict, small XML parser: throws on anything not well-formed (unbalanced
 * or misnested tags, unquoted or repeated attributes, a bare & or <, an
 * unknown entity); returns the root element as { name, attrs, children, text }. */
function parseXml(src) {
  let i = 0;
  const fail = (why) => {
    throw new Error(`not well-formed at ${i}: ${why}: ${JSON.stringify(src.slice(i, i + 40))}`);
  };
  const entity = (s) => {
    if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s)) fail('bad entity');
    if (/</.test(s)) fail('bare <');
    return s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (m, e) =>
      ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e] ??
      String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)));
  };
  if (src.startsWith('<?xml')) {
    const end = src.indexOf('?>');
    if (end < 0) fail('declaration');
    i = end + 2;
  }
  const skipSpace = () => {
    while (i < src.length && /\s/.test(src[i])) i++;
  };
  const element = () => {
    if (src[i] !== '<') fail('expected <');
    const m = /^<([A-Za-z_][\w:.-]*)/.exec(src.slice(i));
    if (!m) fail('tag name');
    const el = { name: m[1], attrs: {}, children: [], text: '' };
    i += m[0].length;
    for (;;) {
      skipSpace();
      if (src.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (src[i] === '>') {
        i++;
        break;
      }
      const a = /^([A-Za-z_][\w:.-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(src.slice(i));
      if (!a) fail('attribute');
      if (a[1] in el.attrs) fail('repeated attribute');
      el.attrs[a[1]] = entity(a[3] ?? a[4]);
      i += a[0].length;
    }
    for (;;) {
      const lt = src.indexOf('<', i);
      if (lt < 0) fail('unclosed element');
      el.text += entity(src.slice(i, lt));
      i = lt;
      if (src.startsWith('</', i)) {
        const close = new RegExp(`^</${el.name.replace(/[.]/g, '\\.')}\\s*>`).exec(src.slice(i));
        if (!close) fail(`expected </${el.name}>`);
        i += close[0].length;
        return el;
      }
      el.children.push(element());
    }
  };
  skipSpace();
  const root = element();
  skipSpace();
  if (i !== src.length) fail('content after the root');
  return root;
}

const kids = (el, name) => el.children.filter((c) => c.name === name);
const kid = (el, name) => kids(el, name)[0];

/** The fields of a valid notice; more overrides them. */
function notice(more = {}) {
  return {
    kind: 'information',
    title: 'Atelier numérique',
    body: 'Venez apprendre.',
    picto: '',
    starts: day(-1),
    starts_time: '09:00',
    ends: day(10),
    ends_time: '18:00',
    ...more,
  };
}

async function publish(client, siteId, fields) {
  return await client.submit(`/sites/${siteId}/notices/new`, `/sites/${siteId}/notices`, fields);
}

/** The ids of the notices listed on the staff page, from their edit links. */
async function noticeIds(client, siteId) {
  const res = await client.get(`/sites/${siteId}/notices`);
  assert.equal(res.status, 200);
  return findTags(res.text, 'a')
    .map((a) => new RegExp(`^/sites/${siteId}/notices/(\\d+)/edit$`).exec(a.href))
    .filter(Boolean)
    .map((m) => Number(m[1]));
}

describe('notices: the staff pages', () => {
  let srv;
  serverForSuite((s) => (srv = s));

  it('lets a manager publish, change and delete a notice, journaled', async () => {
    const rennes = srv.sites.rennes;
    const manager = await srv.login('manager');
    const res = await publish(manager, rennes, notice({ title: 'Fermé le 14 juillet', kind: 'fermeture', picto: '1F6AB' }));
    assert.equal(res.status, 303, res.text.slice(0, 2000));
    assert.equal(res.location, `/sites/${rennes}/notices?saved=1`);
    const list = await manager.follow(res);
    assert.match(textOf(list.text), /Fermé le 14 juillet/);
    const [id] = await noticeIds(manager, rennes);
    assert.ok(id > 0);

    const edit = await manager.get(`/sites/${rennes}/notices/${id}/edit`);
    assert.equal(edit.status, 200);
    assert.match(edit.text, /value="Fermé le 14 juillet"/);
    const upd = await manager.submit(`/sites/${rennes}/notices/${id}/edit`, `/sites/${rennes}/notices/${id}/edit`,
      notice({ title: 'Fermé le 15 août', kind: 'fermeture', title_en: 'Closed on 15 August' }));
    assert.equal(upd.status, 303, upd.text.slice(0, 2000));
    const after = await manager.get(`/sites/${rennes}/notices`);
    assert.match(textOf(after.text), /Fermé le 15 août/);
    assert.doesNotMatch(textOf(after.text), /14 juillet/);

    const confirm = await manager.get(`/sites/${rennes}/notices/${id}/delete`);
    assert.equal(confirm.status, 200);
    const del = await manager.submit(`/sites/${rennes}/notices/${id}/delete`, `/sites/${rennes}/notices/${id}/delete`, {});
    assert.equal(del.status, 303);
    assert.deepEqual(await noticeIds(manager, rennes), []);
    assert.equal((await manager.get(`/sites/${rennes}/notices/${id}/edit`)).status, 404);

    const admin = await srv.login('admin');
    const audit = textOf((await admin.get('/audit')).text);
    for (const action of ['création', 'modification', 'suppression']) assert.match(audit, new RegExp(`${action} notice ${id}`));
  });

  it('lets the coordinator of the département and an admin publish', async () => {
    const coord = await srv.login('coordinator');
    assert.equal((await publish(coord, srv.sites.malo, notice({ title: 'Coordination' }))).status, 303);
    const admin = await srv.login('admin');
    assert.equal((await publish(admin, srv.sites.brest, notice({ title: 'Administration' }))).status, 303);
  });

  it('lets an adviser read but not publish, and hides other sites as missing', async () => {
    const rennes = srv.sites.rennes, brest = srv.sites.brest;
    const manager = await srv.login('manager');
    assert.equal((await publish(manager, rennes, notice({ title: 'À lire' }))).status, 303);
    const [id] = await noticeIds(manager, rennes);

    const agent = await srv.login('agent');
    const list = await agent.get(`/sites/${rennes}/notices`);
    assert.equal(list.status, 200);
    assert.match(textOf(list.text), /À lire/);
    assert.doesNotMatch(list.text, /notices\/new/);
    assert.equal((await agent.get(`/sites/${rennes}/notices/new`)).status, 403);
    assert.equal((await agent.get(`/sites/${rennes}/notices/${id}/edit`)).status, 403);
    const csrf = await agent.csrf();
    const post = await agent.post(`/sites/${rennes}/notices`, { ...notice({ title: 'Non' }), csrf });
    assert.equal(post.status, 403);
    const delPost = await agent.post(`/sites/${rennes}/notices/${id}/delete`, { csrf });
    assert.equal(delPost.status, 403);

    // Another site, a missing site, another site's notice: all 404.
    assert.equal((await agent.get(`/sites/${brest}/notices`)).status, 404);
    assert.equal((await agent.get('/sites/999999/notices')).status, 404);
    assert.equal((await manager.get(`/sites/${brest}/notices`)).status, 404);
    assert.equal((await manager.post(`/sites/${brest}/notices`, { ...notice(), csrf: await manager.csrf() })).status, 404);
    const coord = await srv.login('coordinator');
    assert.equal((await coord.get(`/sites/${brest}/notices`)).status, 404);
    const admin = await srv.login('admin');
    assert.equal((await admin.get(`/sites/${brest}/notices/${id}/edit`)).status, 404);
    assert.equal((await srv.client().get(`/sites/${rennes}/notices`)).status, 303);
    assert.deepEqual(await noticeIds(manager, rennes), [id]);
  });

  it('refuses bad input with the error on its field, and stores nothing', async () => {
    const malo = srv.sites.malo;
    const admin = await srv.login('admin');
    const before = await noticeIds(admin, malo);
    const cases = [
      [{ kind: 'soldes' }, 'kind'],
      [{ title: '' }, 'title'],
      [{ title: 'x'.repeat(81) }, 'title'],
      [{ title: 'a\u0007b' }, 'title'],
      [{ body: 'é'.repeat(501) }, 'body'],
      [{ picto: '1F4A9' }, 'picto'],
      [{ starts: '2026-02-30' }, 'starts'],
      [{ ends: 'demain' }, 'ends'],
      [{ ends: day(-2) }, 'ends'],
      [{ starts: day(3), ends: day(2) }, 'ends'],
      [{ body_en: 'A text without its title' }, 'title_en'],
      [{ title_ar: 'ع'.repeat(81) }, 'title_ar'],
    ];
    for (const [more, field] of cases) {
      const res = await publish(admin, malo, notice(more));
      assert.equal(res.status, 400, `${JSON.stringify(more)} answered ${res.status}`);
      const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(res.text);
      assert.ok(summary, `${JSON.stringify(more)}: no error summary`);
      assert.ok(findTags(summary[0], 'a').some((a) => a.href === `#${field}`), `${JSON.stringify(more)}: no error on ${field}`);
      assert.ok(findTags(res.text, 'input').concat(findTags(res.text, 'textarea'), findTags(res.text, 'select'))
        .some((a) => a.id === field || a.id === `${field}`), `${JSON.stringify(more)}: no element #${field}`);
    }
    // 80 characters of a non-Latin script are fine: lengths are characters.
    assert.equal((await publish(admin, malo, notice({ title: 'ع'.repeat(80), body: 'é'.repeat(500) }))).status, 303);
    const after = await noticeIds(admin, malo);
    assert.equal(after.length, before.length + 1);
    // Without the CSRF token nothing is stored.
    const res = await admin.post(`/sites/${malo}/notices`, notice({ title: 'Sans jeton' }));
    assert.equal(res.status, 403);
    assert.equal((await noticeIds(admin, malo)).length, after.length);
  });
});

describe('notices: the public page and the feed', () => {
  let srv;
  serverForSuite((s) => (srv = s));

  it('shows only current notices, closures first, in the visitor language', async () => {
    const rennes = srv.sites.rennes;
    const manager = await srv.login('manager');
    const posted = [
      notice({ title: 'Un atelier', kind: 'evenement', title_en: 'A workshop', body_en: 'Come and learn.', title_ar: 'ورشة' }),
      notice({ title: 'Fermeture exceptionnelle', kind: 'fermeture', picto: '1F6AB' }),
      notice({ title: 'Plus tard', starts: day(5) }),
    ];
    for (const f of posted) assert.equal((await publish(manager, rennes, f)).status, 303);

    const anon = srv.client();
    const fr = await anon.get(`/sites/${rennes}/avis-publics`);
    assert.equal(fr.status, 200);
    assert.equal(htmlAttributes(fr.text).lang, 'fr');
    const t = textOf(fr.text);
    assert.ok(t.indexOf('Fermeture exceptionnelle') >= 0 && t.indexOf('Fermeture exceptionnelle') < t.indexOf('Un atelier'));
    assert.doesNotMatch(t, /Plus tard/);
    assert.ok(findTags(fr.text, 'img').some((i) => i.src === '/static/picto/1F6AB.svg' && i.alt === ''));
    assert.match(t, /Du \d+ \S+ \d{4} à \d\d:\d\d au \d+ \S+ \d{4} à \d\d:\d\d/);

    const en = await anon.get(`/sites/${rennes}/avis-publics`, { headers: { 'accept-language': 'en-GB,en;q=0.8' } });
    assert.equal(htmlAttributes(en.text).lang, 'en');
    assert.match(textOf(en.text), /A workshop/);
    assert.match(textOf(en.text), /Come and learn\./);
    assert.doesNotMatch(textOf(en.text), /Un atelier/);
    // The French of a notice without an English text is marked as French.
    assert.match(en.text, /<h2 class="notice-title" lang="fr" dir="ltr">Fermeture exceptionnelle<\/h2>/);

    const ar = await anon.get(`/sites/${rennes}/avis-publics?lang=ar`);
    assert.equal(htmlAttributes(ar.text).lang, 'ar');
    assert.equal(htmlAttributes(ar.text).dir, 'rtl');
    assert.match(textOf(ar.text), /ورشة/);
    // A public-only language (Ukrainian) is offered here.
    const uk = await anon.get(`/sites/${rennes}/avis-publics?lang=uk`);
    assert.equal(htmlAttributes(uk.text).lang, 'uk');

    assert.equal((await anon.get('/sites/999999/avis-publics')).status, 404);
    assert.equal((await anon.get('/sites/abc/avis-publics')).status, 404);
  });

  it('publishes a valid Atom feed of the current notices, revalidated', async () => {
    const malo = srv.sites.malo;
    const admin = await srv.login('admin');
    const empty = await srv.client().get(`/sites/${malo}/notices.atom`);
    assert.equal(empty.status, 200);
    assert.equal(kids(parseXml(empty.text), 'entry').length, 0);

    assert.equal((await publish(admin, malo, notice({ title: 'Horaires d’été', kind: 'horaires', title_en: 'Summer hours' }))).status, 303);
    assert.equal((await publish(admin, malo, notice({ title: 'Pas encore', starts: day(3) }))).status, 303);
    const res = await srv.client().get(`/sites/${malo}/notices.atom`);
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^application\/atom\+xml/);
    const feed = parseXml(res.text);
    assert.equal(feed.name, 'feed');
    assert.equal(feed.attrs.xmlns, 'http://www.w3.org/2005/Atom');
    for (const name of ['id', 'title', 'updated', 'author']) assert.ok(kid(feed, name), `feed without ${name}`);
    assert.match(kid(feed, 'id').text, /^tag:[^,]+,\d{4}-\d\d-\d\d:/);
    assert.match(kid(feed, 'updated').text, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(kids(feed, 'link').some((l) => l.attrs.rel === 'self'));
    const entries = kids(feed, 'entry');
    assert.equal(entries.length, 1);
    const e = entries[0];
    assert.equal(kid(e, 'title').text, 'Horaires d’été');
    assert.equal(e.attrs['xml:lang'], 'fr');
    assert.match(kid(e, 'id').text, /^tag:/);
    for (const name of ['updated', 'published']) assert.match(kid(e, name).text, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(kid(e, 'content').attrs.type, 'text');

    const en = await srv.client().get(`/sites/${malo}/notices.atom?lang=en`);
    const ee = kids(parseXml(en.text), 'entry')[0];
    assert.equal(kid(ee, 'title').text, 'Summer hours');
    assert.equal(ee.attrs['xml:lang'], 'en');

    assert.ok(res.headers.etag);
    assert.ok(res.headers['last-modified']);
    const again = await srv.client().get(`/sites/${malo}/notices.atom`, { headers: { 'if-none-match': res.headers.etag } });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
    const since = await srv.client().get(`/sites/${malo}/notices.atom`, { headers: { 'if-modified-since': res.headers['last-modified'] } });
    assert.equal(since.status, 304);
    // A deletion changes the feed and its validators.
    const [, id] = await noticeIds(admin, malo);
    assert.ok(id);
    assert.equal((await admin.submit(`/sites/${malo}/notices/${id}/delete`, `/sites/${malo}/notices/${id}/delete`, {})).status, 303);
    const [first] = await noticeIds(admin, malo);
    assert.equal((await admin.submit(`/sites/${malo}/notices/${first}/delete`, `/sites/${malo}/notices/${first}/delete`, {})).status, 303);
    const gone = await srv.client().get(`/sites/${malo}/notices.atom`, { headers: { 'if-none-match': res.headers.etag } });
    assert.equal(gone.status, 200);
    assert.equal(kids(parseXml(gone.text), 'entry').length, 0);
  });

  it('escapes hostile texts on every page and in the feed', async () => {
    const brest = srv.sites.brest;
    const admin = await srv.login('admin');
    const evil = '<script>alert(1)</script> & "quotes" \'x\' ]]> \u202Eevil';
    assert.equal((await publish(admin, brest, notice({ title: evil.slice(0, 80), body: evil, title_en: evil.slice(0, 80), body_en: evil }))).status, 303);
    for (const p of [`/sites/${brest}/avis-publics`, `/sites/${brest}/avis-publics?lang=en`]) {
      const res = await srv.client().get(p);
      assert.equal(res.status, 200);
      assert.doesNotMatch(res.text, /<script>alert/);
      assert.doesNotMatch(res.text, /\u202E/);
      assert.match(res.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    }
    const staff = await admin.get(`/sites/${brest}/notices`);
    assert.doesNotMatch(staff.text, /<script>alert/);
    const [id] = await noticeIds(admin, brest);
    const edit = await admin.get(`/sites/${brest}/notices/${id}/edit`);
    assert.doesNotMatch(edit.text, /<script>alert/);
    for (const lang of ['fr', 'en']) {
      const feed = await srv.client().get(`/sites/${brest}/notices.atom?lang=${lang}`);
      const doc = parseXml(feed.text);
      const e = kids(doc, 'entry')[0];
      assert.ok(kid(e, 'title').text.startsWith('<script>alert(1)</script> & "quotes"'));
    }
    // The csrf field of the forms is never on the public pages.
    assert.equal(csrfToken((await srv.client().get(`/sites/${brest}/avis-publics`)).text), undefined);
  });
});
