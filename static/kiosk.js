// kiosk.js: a progressive enhancement of the public queue pages. Every page
// works without it; with it:
// - the speaker buttons read their phrase aloud (the server's recording when
//   the button names one, else the browser's speech);
// - a form is sent once, however many times it is tapped;
// - the ticket's "print" button prints it (the kiosk's browser prints
//   without asking);
// - on the kiosk, after the warning dialog's data-idle seconds without
//   input, it warns, visibly and aloud, that the screen will go back to the
//   start, with a large "I need more time" button that takes the focus;
//   only if nobody answers within data-grace seconds does the kiosk go back
//   (to data-home);
// - on a ticket's page, the status comes live from the site's events into a
//   polite live region, and the call rings and vibrates where allowed.
(function () {
  'use strict';

  var body = document.body;

  // ---- Speech.
  function speak(text, lang, audioUrl) {
    if (audioUrl) {
      var a = new Audio(audioUrl);
      var p = a.play();
      if (p && p.catch) p.catch(function () {});
      return;
    }
    if (!('speechSynthesis' in window) || !text) return;
    try {
      window.speechSynthesis.cancel();
      var u = new SpeechSynthesisUtterance(text);
      u.lang = lang || document.documentElement.lang;
      window.speechSynthesis.speak(u);
    } catch (e) { /* speech is a help, never a requirement */ }
  }
  var canSpeak = 'speechSynthesis' in window;
  Array.prototype.forEach.call(document.querySelectorAll('button.kiosk-say'), function (b) {
    if (!b.getAttribute('data-audio') && !canSpeak) return;
    b.hidden = false;
    b.addEventListener('click', function () {
      speak(b.getAttribute('data-say'), b.getAttribute('data-lang'), b.getAttribute('data-audio'));
    });
  });

  // ---- One send per form (the server also answers a token sent twice
  // with the ticket it already made).
  var forms = document.querySelectorAll('form');
  Array.prototype.forEach.call(forms, function (f) {
    f.addEventListener('submit', function (e) {
      if (f.getAttribute('data-sent')) e.preventDefault();
      else f.setAttribute('data-sent', '1');
    });
  });
  // A page restored by "back" may be sent again.
  window.addEventListener('pageshow', function () {
    Array.prototype.forEach.call(forms, function (f) { f.removeAttribute('data-sent'); });
  });

  // ---- Printing the ticket.
  var printButton = document.querySelector('[data-print]');
  if (printButton && window.print) {
    printButton.hidden = false;
    printButton.addEventListener('click', function () { window.print(); });
  }

  // ---- Inactivity on the kiosk.
  var dialog = document.getElementById('kiosk-idle');
  var idle = dialog ? parseInt(dialog.getAttribute('data-idle'), 10) : 0;
  var grace = dialog ? parseInt(dialog.getAttribute('data-grace'), 10) : 0;
  var home = dialog ? dialog.getAttribute('data-home') : null;
  if (idle > 0 && grace > 0 && home && dialog.showModal) {
    var more = dialog.querySelector('[data-more]');
    var text = document.getElementById('kiosk-idle-text');
    var idleTimer = null;
    var graceTimer = null;
    var arm = function () {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(warn, idle * 1000);
    };
    var warn = function () {
      dialog.showModal();
      if (more) more.focus();
      // The live region is filled after the dialog opens, so that screen
      // readers announce it; the same words are spoken aloud.
      if (text) {
        var words = text.getAttribute('data-say') || text.textContent;
        text.textContent = '';
        text.textContent = words;
        speak(words, document.documentElement.lang, text.getAttribute('data-audio'));
      }
      graceTimer = setTimeout(function () { window.location.replace(home); }, grace * 1000);
    };
    var extend = function () {
      clearTimeout(graceTimer);
      graceTimer = null;
      if (dialog.open) dialog.close();
      if ('speechSynthesis' in window) window.speechSynthesis.cancel();
      arm();
    };
    ['pointerdown', 'keydown', 'touchstart', 'input', 'wheel'].forEach(function (type) {
      document.addEventListener(type, function () { if (!dialog.open) arm(); }, { capture: true, passive: true });
    });
    if (more) more.addEventListener('click', extend);
    // Escape asks for more time too: it never sends the person away.
    dialog.addEventListener('cancel', function (e) { e.preventDefault(); extend(); });
    arm();
  }

  // ---- The live ticket page.
  var live = document.getElementById('phone-live');
  var eventsUrl = live && live.getAttribute('data-events');
  var statusUrl = live && live.getAttribute('data-status');
  if (eventsUrl && statusUrl && window.EventSource && window.fetch) {
    var state = live.getAttribute('data-state');
    var recalls = parseInt(live.getAttribute('data-recalls'), 10) || 0;
    var pending = null;
    var ring = function () {
      body.classList.add('called');
      try {
        var Ctx = window.AudioContext || window.webkitAudioContext;
        if (Ctx) {
          var ctx = new Ctx();
          [0, 0.45].forEach(function (at) {
            var osc = ctx.createOscillator();
            var gain = ctx.createGain();
            osc.frequency.value = 880;
            gain.gain.value = 0.3;
            osc.connect(gain);
            gain.connect(ctx.destination);
            osc.start(ctx.currentTime + at);
            osc.stop(ctx.currentTime + at + 0.3);
          });
        }
      } catch (e) { /* no sound: the text and the vibration remain */ }
      if (navigator.vibrate) {
        try { navigator.vibrate([400, 150, 400]); } catch (e) { /* not allowed */ }
      }
    };
    var finals = ['termine', 'annule', 'absent', 'redirige'];
    var refresh = function () {
      window.fetch(statusUrl, { cache: 'no-store', credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (j) {
          if (!j) return;
          var probe = document.createElement('div');
          probe.innerHTML = j.html;
          if (probe.innerHTML !== live.innerHTML) live.innerHTML = j.html;
          var called = j.status === 'appele' && (state !== 'appele' || j.recalls !== recalls);
          var ended = finals.indexOf(j.status) >= 0 && j.status !== state;
          state = j.status;
          recalls = j.recalls;
          live.setAttribute('data-state', state);
          if (called) ring();
          // What follows the end (the satisfaction questions) is a new page.
          if (ended) window.location.reload();
        })
        .catch(function () {});
    };
    var schedule = function () {
      if (pending) return;
      pending = setTimeout(function () { pending = null; refresh(); }, 150);
    };
    var source = new EventSource(eventsUrl);
    ['message', 'call', 'queue', 'ticket', 'reset'].forEach(function (k) { source.addEventListener(k, schedule); });
    // A reconnection may have missed events: read the status again.
    source.addEventListener('open', schedule);
  }
})();
