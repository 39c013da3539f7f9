// record.js: a progressive enhancement of the visit form (page_visits.c,
// docs/recording.md). Without it the form works as it is: the languages are
// a text field taking codes or names, Enter sends the form to the server
// (which answers with what is missing), "Ajouter une demande" is a button.
// With it:
// - the language field is a searchable list (type "ar", Enter adds Arabic),
//   the chosen languages shown as removable items;
// - Enter in a field never sends the form; Ctrl+Enter saves;
// - Alt+Shift+D adds a demand (the button's own work, static/visit.js);
// - the save button says what will be saved: "1 personne, 2 demandes";
// - the language questions show once the person does not speak French, the
//   interpreter's language once there is interpreting;
// - the folded date and time say what they hold.
// Texts come from the form's data-* attributes (translated by the server).
(function () {
  'use strict';

  var form = document.querySelector('form.visit-form');
  if (!form) return;
  var data = form.dataset;

  function fold(s) {
    s = String(s || '').toLowerCase();
    return s.normalize ? s.normalize('NFD').replace(/[\u0300-\u036f]/g, '') : s;
  }

  // ---- The save button says what will be saved.
  var save = form.querySelector('[data-save]');
  function demands() {
    var n = 0;
    var blocks = form.querySelectorAll('fieldset.demand');
    for (var i = 0; i < blocks.length; i++) {
      var rm = blocks[i].querySelector('input[type="checkbox"][name$="_remove"]');
      if (!rm || !rm.checked) n++;
    }
    return n;
  }
  function label() {
    if (!save || !data.saveOne || !data.saveMany) return;
    var n = demands();
    save.textContent = n === 1 ? data.saveOne : data.saveMany.replace('%d', String(n));
  }

  // ---- Keys: Enter stays in the form, Ctrl+Enter saves, Alt+Shift+D adds.
  form.addEventListener('keydown', function (ev) {
    if (ev.key !== 'Enter' || ev.isComposing) return;
    var t = ev.target;
    if ((ev.ctrlKey || ev.metaKey) && save) {
      ev.preventDefault();
      save.click();
      return;
    }
    if (t.tagName === 'INPUT' && !/^(submit|button|reset|image)$/.test(t.type)) ev.preventDefault();
  });
  document.addEventListener('keydown', function (ev) {
    if (!(ev.altKey && ev.shiftKey) || ev.ctrlKey || ev.metaKey || ev.code !== 'KeyD') return;
    var add = form.querySelector('button[name="add_demand"]');
    if (!add) return;
    ev.preventDefault();
    add.click();
  });
  form.addEventListener('click', function (ev) {
    if (ev.target.closest && ev.target.closest('button[name="add_demand"]')) setTimeout(label, 0);
  });
  form.addEventListener('change', label);
  label();
  var hint = form.querySelector('[data-shortcuts]');
  if (hint) hint.hidden = false;

  // ---- The folded date and time say what they hold.
  ['date', 'time'].forEach(function (name) {
    var input = form.querySelector('input[name="' + name + '"]');
    var shown = form.querySelector('[data-when-' + name + ']');
    if (input && shown) input.addEventListener('change', function () { shown.textContent = input.value; });
  });
  // An outreach stop or a home visit needs its place: unfold it.
  form.addEventListener('change', function (ev) {
    var t = ev.target;
    if (t.name === 'channel' && (t.value === 'itinerant' || t.value === 'domicile')) {
      var when = form.querySelector('details.when');
      if (when) when.open = true;
    }
  });

  // ---- Language questions only when they apply.
  var allophone = form.querySelector('input[name="allophone"]');
  var more = form.querySelector('[data-lang-more]');
  var interpLang = form.querySelector('[data-interpreting-lang]');
  var codes = form.querySelector('input[name="languages"]');
  function interpreting() {
    var c = form.querySelector('input[name="interpreting"]:checked');
    return c ? c.value : 'aucun';
  }
  function showLanguage() {
    if (more && allophone) more.hidden = !allophone.checked && !(codes && codes.value);
    if (interpLang) interpLang.hidden = interpreting() === 'aucun';
  }
  form.addEventListener('change', function (ev) {
    if (ev.target.name === 'allophone' || ev.target.name === 'interpreting') showLanguage();
  });

  // ---- The searchable language picker.
  var field = form.querySelector('[data-lang-field]');
  if (field && codes) picker(field, codes);
  showLanguage();

  function picker(field, store) {
    var all = [];
    var lis = field.querySelectorAll('.lang-list li[data-code]');
    for (var i = 0; i < lis.length; i++) {
      var li = lis[i];
      var own = li.querySelector('span[lang]');
      all.push({
        code: li.getAttribute('data-code'),
        name: li.getAttribute('data-name'),
        keys: [li.getAttribute('data-name'), li.getAttribute('data-fr'), li.getAttribute('data-own')].map(fold),
        own: li.getAttribute('data-own'),
        dir: own ? own.getAttribute('dir') || '' : '',
      });
    }
    function find(word) {
      var w = fold(word.trim());
      for (var k = 0; k < all.length; k++)
        if (all[k].code === w || all[k].keys.indexOf(w) >= 0) return all[k];
      return null;
    }
    // What the server sent back: names or codes. A word it did not know
    // stays a text field, so that the server's message still applies.
    var chosen = [];
    var typed = store.value.split(/[,;]/).filter(function (s) { return s.trim(); });
    for (var t = 0; t < typed.length; t++) {
      var found = find(typed[t]);
      if (!found) return;
      if (chosen.indexOf(found) < 0) chosen.push(found);
    }

    var labelEl = field.querySelector('label[for="languages"]');
    var search = document.createElement('input');
    search.type = 'text';
    search.id = 'languages';
    search.autocomplete = 'off';
    search.spellcheck = false;
    search.setAttribute('role', 'combobox');
    search.setAttribute('aria-autocomplete', 'list');
    search.setAttribute('aria-expanded', 'false');
    search.setAttribute('aria-controls', 'languages-options');
    if (store.getAttribute('aria-describedby')) search.setAttribute('aria-describedby', store.getAttribute('aria-describedby'));
    if (store.getAttribute('aria-invalid')) search.setAttribute('aria-invalid', 'true');
    if (data.langSearch) search.placeholder = data.langSearch;
    store.removeAttribute('id');
    store.removeAttribute('aria-describedby');
    store.type = 'hidden';

    var list = document.createElement('ul');
    list.id = 'languages-options';
    list.className = 'lang-options';
    list.setAttribute('role', 'listbox');
    if (labelEl) {
      labelEl.id = 'languages-label';
      list.setAttribute('aria-labelledby', 'languages-label');
    }
    list.hidden = true;
    var picked = document.createElement('ul');
    picked.className = 'lang-chosen';
    if (labelEl) picked.setAttribute('aria-labelledby', 'languages-label');
    var live = document.createElement('p');
    live.className = 'sr-only';
    live.setAttribute('aria-live', 'polite');

    store.parentNode.insertBefore(picked, store);
    store.parentNode.insertBefore(search, store);
    store.parentNode.insertBefore(list, store);
    store.parentNode.insertBefore(live, store);
    var folded = field.querySelector('details');
    if (folded) folded.hidden = true;

    var shown = [];
    var active = -1;

    // "arabe — العربية"; just "العربية" in a page in Arabic.
    function named(el, l) {
      if (!l.own || fold(l.own) === fold(l.name)) {
        el.appendChild(document.createTextNode(l.name));
        return;
      }
      el.appendChild(document.createTextNode(l.name + ' — '));
      el.appendChild(ownName(l));
    }
    function ownName(l) {
      var s = document.createElement('span');
      s.lang = l.code;
      if (l.dir) s.dir = l.dir;
      s.textContent = l.own;
      return s;
    }
    function sync() {
      store.value = chosen.map(function (l) { return l.code; }).join(',');
      picked.textContent = '';
      chosen.forEach(function (l) {
        var li = document.createElement('li');
        named(li, l);
        var b = document.createElement('button');
        b.type = 'button';
        b.className = 'lang-remove';
        b.textContent = (data.langRemove || 'Retirer') + ' ' + l.name;
        b.addEventListener('click', function () {
          chosen.splice(chosen.indexOf(l), 1);
          sync();
          live.textContent = (data.langRemoved || '') + ' ' + l.name;
          search.focus();
        });
        li.appendChild(document.createTextNode(' '));
        li.appendChild(b);
        picked.appendChild(li);
      });
      picked.hidden = chosen.length === 0;
      showLanguage();
    }
    function close() {
      list.hidden = true;
      search.setAttribute('aria-expanded', 'false');
      search.removeAttribute('aria-activedescendant');
      active = -1;
    }
    function point(i) {
      active = i;
      var opts = list.querySelectorAll('[role="option"]');
      for (var k = 0; k < opts.length; k++) opts[k].setAttribute('aria-selected', k === i ? 'true' : 'false');
      if (opts[i]) search.setAttribute('aria-activedescendant', opts[i].id);
      else search.removeAttribute('aria-activedescendant');
    }
    function filter() {
      var q = fold(search.value.trim());
      list.textContent = '';
      shown = [];
      if (!q) return close();
      var scored = [];
      all.forEach(function (l, order) {
        if (chosen.indexOf(l) >= 0) return;
        var s = l.code === q ? 0 : l.code.indexOf(q) === 0 ? 1 : -1;
        l.keys.forEach(function (k) {
          if (!k) return;
          var at = k.indexOf(q);
          var v = at === 0 ? 2 : at > 0 ? 3 : -1;
          if (v >= 0 && (s < 0 || v < s)) s = v;
        });
        if (s >= 0) scored.push({ l: l, s: s, o: order });
      });
      scored.sort(function (a, b) { return a.s - b.s || a.o - b.o; });
      shown = scored.slice(0, 8).map(function (x) { return x.l; });
      if (!shown.length) {
        var none = document.createElement('li');
        none.className = 'lang-none';
        none.textContent = data.langNone || '';
        list.appendChild(none);
      }
      shown.forEach(function (l, i) {
        var li = document.createElement('li');
        li.id = 'languages-option-' + l.code;
        li.setAttribute('role', 'option');
        named(li, l);
        li.appendChild(document.createTextNode(' (' + l.code + ')'));
        li.addEventListener('mousedown', function (ev) {
          ev.preventDefault();
          add(i);
        });
        list.appendChild(li);
      });
      list.hidden = false;
      search.setAttribute('aria-expanded', 'true');
      point(shown.length ? 0 : -1);
    }
    function add(i) {
      var l = shown[i];
      if (!l) return;
      chosen.push(l);
      search.value = '';
      close();
      sync();
      live.textContent = (data.langAdded || '') + ' ' + l.name;
      if (allophone && !allophone.checked) allophone.checked = true;
    }
    search.addEventListener('input', filter);
    search.addEventListener('blur', close);
    search.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' && !(ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault();
        if (!list.hidden && active >= 0) add(active);
      } else if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        if (list.hidden) return filter();
        if (!shown.length) return;
        var n = shown.length;
        var down = ev.key === 'ArrowDown';
        point(active < 0 ? (down ? 0 : n - 1) : (active + (down ? 1 : n - 1)) % n);
      } else if (ev.key === 'Escape' && !list.hidden) {
        ev.preventDefault();
        close();
      }
    });
    sync();
  }
})();
