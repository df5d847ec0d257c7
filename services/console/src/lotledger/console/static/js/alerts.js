// The alerts board refreshes itself: it re-reads /alerts/rows (same filters) every
// data-poll-s seconds, announces new alerts to screen readers, keeps keyboard focus, and
// acknowledges or resolves without leaving the page. Without JS the forms still work.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) return;
  var every = Math.max(0.5, parseFloat(board.dataset.pollS || "5")) * 1000;
  var query = board.dataset.query || "";
  var live = document.getElementById("board-live");
  var last = board.innerHTML;
  var busy = false;

  function ids() {
    var rows = board.querySelectorAll("tr[data-alert-id]");
    return Array.prototype.map.call(rows, function (r) { return r.getAttribute("data-alert-id"); });
  }
  var known = ids();

  function say(text) { if (live) live.textContent = text; }

  function focused() {
    var el = document.activeElement;
    if (!el || !board.contains(el)) return null;
    var form = el.closest("form");
    return form ? form.getAttribute("action") : null;
  }

  function refocus(action) {
    if (!action) return;
    var form = board.querySelector('form[action="' + action + '"]');
    var target = form ? form.querySelector("button") : board.querySelector("button");
    if (target) target.focus();
  }

  function refresh() {
    if (busy) return Promise.resolve();
    busy = true;
    return fetch("/alerts/rows?" + query, {
      headers: { "x-fragment": "1", "accept": "text/html" },
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (r) {
      if (r.status === 401) {
        window.location.assign("/login?next=" + encodeURIComponent(location.pathname + location.search));
        return null;
      }
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (html === null || html === last) return;
      var keep = focused();
      board.innerHTML = html;
      last = html;
      var now = ids();
      var fresh = now.filter(function (id) { return known.indexOf(id) < 0; });
      fresh.forEach(function (id) {
        var row = board.querySelector('tr[data-alert-id="' + id + '"]');
        if (row) row.classList.add("fresh");
      });
      if (fresh.length) say(fresh.length + (fresh.length === 1 ? " new alert" : " new alerts"));
      known = now;
      refocus(keep);
    }).catch(function () { /* the next poll tries again */ }).then(function () { busy = false; });
  }

  board.addEventListener("submit", function (ev) {
    var form = ev.target.closest("form.act");
    if (!form) return;
    ev.preventDefault();
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      headers: { "x-fragment": "1", "accept": "application/json" },
      credentials: "same-origin"
    }).then(function (r) {
      if (r.status === 204) { say("Done."); return null; }
      return r.json().then(function (p) { say("Refused: " + (p.detail || p.title)); });
    }).catch(function () { say("The action could not be sent; try again."); })
      .then(function () { last = null; return refresh(); });
  });

  window.setInterval(refresh, every);
})();
