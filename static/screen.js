// screen.js: the public screen of a waiting room (/sites/ID/screen), as a
// progressive enhancement: without it the page shows its state and a
// "refresh" link.
//  - follows the site's events (EventSource, data-events; it sends
//    Last-Event-ID itself when it reconnects, and the server catches up);
//  - writes each call into the polite live region, in French and in the
//    person's language (texts translated by the server in the event), and
//    plays its audio (French, then the person's language) unless muted;
//  - on any event, fetches the page again and swaps the lists and notices;
//    on "reset" (events were missed) the same;
//  - the mute button (aria-pressed) is remembered on this TV.
(function () {
  'use strict';
  var body = document.body;
  var eventsUrl = body.getAttribute('data-events');
  var pageUrl = body.getAttribute('data-page');
  var live = document.getElementById('screen-live');
  var audio = document.getElementById('screen-audio');
  var mute = document.getElementById('screen-mute');
  if (!eventsUrl || !live || !window.EventSource) return;

  var muted = false;
  try { muted = window.localStorage.getItem('guichet-screen-muted') === '1'; } catch (e) { /* private mode */ }
  function showMute() {
    mute.setAttribute('aria-pressed', muted ? 'true' : 'false');
    mute.textContent = body.getAttribute(muted ? 'data-unmute' : 'data-mute');
  }
  if (mute) {
    mute.hidden = false;
    showMute();
    mute.addEventListener('click', function () {
      muted = !muted;
      try { window.localStorage.setItem('guichet-screen-muted', muted ? '1' : '0'); } catch (e) { /* ignore */ }
      if (muted && audio) audio.pause();
      showMute();
    });
  }

  // The audio of the calls, one after the other.
  var queue = [];
  var playing = false;
  function playNext() {
    if (muted || !audio || playing || !queue.length) { if (muted) queue = []; return; }
    playing = true;
    audio.src = queue.shift();
    var p = audio.play();
    if (p && p.catch) p.catch(function () { playing = false; playNext(); });
  }
  if (audio) {
    audio.addEventListener('ended', function () { playing = false; playNext(); });
    audio.addEventListener('error', function () { playing = false; playNext(); });
  }

  function announce(d) {
    live.textContent = '';
    var fr = document.createElement('p');
    fr.lang = 'fr';
    fr.textContent = d.text_fr;
    live.appendChild(fr);
    if (d.lang && d.lang !== 'fr' && d.text) {
      var own = document.createElement('p');
      own.lang = d.lang;
      own.dir = d.dir || 'auto';
      own.textContent = d.text;
      live.appendChild(own);
    }
    (d.audio || []).forEach(function (u) { queue.push(u); });
    playNext();
  }

  // The lists and notices, fetched again after an event (several events
  // close together make one fetch).
  var reloadTimer = null;
  var flash = null;
  function swap(doc, id) {
    var from = doc.getElementById(id), to = document.getElementById(id);
    if (from && to) to.innerHTML = from.innerHTML;
  }
  function reload() {
    reloadTimer = null;
    if (!pageUrl || !window.fetch || !window.DOMParser) return;
    fetch(pageUrl, { credentials: 'same-origin' }).then(function (res) {
      return res.ok ? res.text() : null;
    }).then(function (html) {
      if (!html) return;
      var doc = new DOMParser().parseFromString(html, 'text/html');
      ['screen-now', 'screen-past', 'screen-notices'].forEach(function (id) { swap(doc, id); });
      if (flash) {
        var items = document.querySelectorAll('#screen-now .screen-call');
        for (var i = 0; i < items.length; i++) {
          var t = items[i].querySelector('.screen-ticket');
          if (t && t.textContent === flash) items[i].classList.add('screen-call-new');
        }
        flash = null;
      }
    }).catch(function () { /* the next event tries again */ });
  }
  function scheduleReload() {
    if (!reloadTimer) reloadTimer = setTimeout(reload, 300);
  }

  var lastId = null;
  var source = null;
  function connect() {
    var url = eventsUrl;
    // A new EventSource (after the server refused one) starts after the
    // last event this page saw.
    if (lastId) url = url.replace(/([?&])last=[^&]*/, '$1last=' + encodeURIComponent(lastId));
    source = new EventSource(url);
    source.addEventListener('call', function (e) {
      lastId = e.lastEventId || lastId;
      var d;
      try { d = JSON.parse(e.data); } catch (err) { return; }
      flash = d.label;
      announce(d);
      scheduleReload();
    });
    ['queue', 'ticket', 'notices', 'reset', 'message'].forEach(function (k) {
      source.addEventListener(k, function (e) { lastId = e.lastEventId || lastId; scheduleReload(); });
    });
    // The browser reconnects by itself after a network error; after a
    // refusal (503: too many screens) it gives up, so try again later.
    source.addEventListener('error', function () {
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        setTimeout(connect, 10000);
      }
    });
  }
  connect();
})();
