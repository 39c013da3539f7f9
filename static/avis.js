// avis.js: the public satisfaction page (/avis/…, /a), a progressive
// enhancement. Without it every "listen" control is a link to its first
// recording, which the browser's own player opens, and nothing happens on
// a timer.
//
// 1. Each "listen" link becomes a button that plays its recordings (the
//    addresses in data-audio) one after the other in a single hidden
//    player; while it plays, its text reads "Arrêter" (data-stop) and a
//    second press stops it. One recording plays at a time.
// 2. On the kiosk (.avis-idle present), after data-after seconds without a
//    touch the page shows, and speaks, a warning with a countdown of
//    data-warn seconds and a button that gives more time; any touch or key
//    gives more time too. At zero the page goes back to the start
//    (data-href: the empty form in the site's language), replacing itself
//    in the history so that "back" does not show the previous person's page.
(function () {
  'use strict';

  var player = new Audio();
  player.preload = 'none';
  var current = null; // the button playing
  var queue = [];
  var index = 0;

  function label(button) {
    return button.querySelector('.avis-listen-text');
  }

  function release() {
    if (!current) return;
    var text = label(current);
    if (text) text.textContent = current.getAttribute('data-listen');
    current.classList.remove('is-playing');
    current = null;
  }

  function stop() {
    player.pause();
    player.removeAttribute('src');
    queue = [];
    release();
  }

  function next() {
    if (index >= queue.length) {
      stop();
      return;
    }
    player.src = queue[index++];
    var p = player.play();
    // A refused or interrupted play is followed by an 'error' or nothing:
    // the 'error' handler moves on.
    if (p && p.catch) p.catch(function () {});
  }

  player.addEventListener('ended', next);
  player.addEventListener('error', function () {
    if (queue.length) next();
  });

  function play(list, button) {
    stop();
    queue = list;
    index = 0;
    if (button) {
      current = button;
      var text = label(button);
      if (text) text.textContent = button.getAttribute('data-stop') || text.textContent;
      button.classList.add('is-playing');
    }
    next();
  }

  var links = document.querySelectorAll('a.avis-listen');
  for (var i = 0; i < links.length; i++) {
    var a = links[i];
    var b = document.createElement('button');
    b.type = 'button';
    b.className = a.className;
    // The server's own escaped markup: a pictogram and a text.
    b.innerHTML = a.innerHTML;
    b.setAttribute('data-audio', a.getAttribute('data-audio') || a.getAttribute('href'));
    b.setAttribute('data-stop', a.getAttribute('data-stop') || '');
    var t = b.querySelector('.avis-listen-text');
    b.setAttribute('data-listen', t ? t.textContent : '');
    if (a.hasAttribute('aria-describedby')) b.setAttribute('aria-describedby', a.getAttribute('aria-describedby'));
    b.addEventListener('click', function (event) {
      var button = event.currentTarget;
      if (current === button) {
        stop();
        return;
      }
      play(button.getAttribute('data-audio').split(' ').filter(Boolean), button);
    });
    a.parentNode.replaceChild(b, a);
  }

  var idle = document.querySelector('.avis-idle');
  if (!idle) return;
  var after = parseInt(idle.getAttribute('data-after'), 10) || 120;
  var warn = parseInt(idle.getAttribute('data-warn'), 10) || 30;
  var armed = idle.getAttribute('data-armed') === '1';
  var href = idle.getAttribute('data-href') || '/';
  var message = idle.getAttribute('data-message') || '';
  var text = idle.querySelector('.avis-idle-text');
  var count = idle.querySelector('.avis-idle-count');
  var stay = idle.querySelector('.avis-stay');
  var template = idle.getAttribute('data-count') || '%d';
  var timer = null;
  var countdown = null;
  var left = 0;

  function showCount() {
    count.textContent = template.replace('%d', String(left));
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(warnNow, after * 1000);
  }

  function warnNow() {
    left = warn;
    idle.hidden = false;
    document.body.classList.add('avis-idle-shown');
    // A role="alert" region announces the text set into it.
    text.textContent = message;
    showCount();
    var audio = idle.getAttribute('data-audio');
    if (audio) play([audio], null);
    stay.focus();
    countdown = setInterval(function () {
      left -= 1;
      if (left <= 0) {
        clearInterval(countdown);
        window.location.replace(href);
        return;
      }
      showCount();
    }, 1000);
  }

  function extend() {
    clearInterval(countdown);
    countdown = null;
    idle.hidden = true;
    document.body.classList.remove('avis-idle-shown');
    text.textContent = '';
    schedule();
  }

  function activity() {
    if (!idle.hidden) {
      extend();
      return;
    }
    armed = true;
    schedule();
  }

  stay.addEventListener('click', extend);
  ['pointerdown', 'keydown', 'input'].forEach(function (type) {
    document.addEventListener(type, activity, true);
  });
  if (armed) schedule();
})();
