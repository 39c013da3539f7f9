// visit.js: a progressive enhancement of the visit form. "Ajouter une
// demande" adds a demand block in place instead of sending the form back to
// the server (which is what happens without this script, and still works).
// The block is a copy of the server-rendered <template id="demand-template">
// whose names and ids carry the placeholder __N__; focus moves to its first
// field so that keyboard and screen-reader users land in it.
(function () {
  'use strict';

  var form = document.querySelector('form.visit-form');
  var template = document.getElementById('demand-template');
  if (!form || !template || !('content' in template)) return;
  var count = form.querySelector('input[name="ndemands"]');
  var add = form.querySelector('button[name="add_demand"]');
  var max = parseInt(form.getAttribute('data-max-demands'), 10) || 10;
  if (!count || !add) return;

  add.addEventListener('click', function (event) {
    var n = parseInt(count.value, 10) + 1;
    if (!(n >= 2 && n <= max)) return; // let the server answer
    event.preventDefault();
    var holder = document.createElement('div');
    // The template is the server's own escaped markup; only the number
    // changes.
    holder.innerHTML = template.innerHTML.split('__N__').join(String(n));
    var block = holder.querySelector('fieldset');
    if (!block) return;
    form.insertBefore(block, add.closest('.actions'));
    count.value = String(n);
    if (n >= max) add.parentNode.removeChild(add);
    var first = block.querySelector('select, input:not([type="hidden"]), textarea');
    if (first) first.focus();
  });
})();
