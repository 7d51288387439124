/* Exams: save each answer the moment it is chosen, count the time down, keep the navigator live.
 *
 * Progressive enhancement of templates/exams/item.html (which works as a plain form). What it adds:
 *   1. autosave: choosing an option or flagging posts it at once; until the server confirms, the
 *      answer is kept in localStorage and re-sent (with its revision, so an old retry never undoes a
 *      newer answer) after a network error, on the next page, or after a reload;
 *   2. the countdown, from the seconds the server gave (not the device clock), re-synced with the
 *      server every minute; the 30-minute notice; at zero, on to the result (the server submits);
 *   3. time spent on each question, reported with the next save or when leaving the page.
 * Server text only ever reaches the page through textContent.
 */
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(s) { s = Math.max(0, Math.floor(s)); return Math.floor(s / 3600) + ":" + pad(Math.floor(s % 3600 / 60)) + ":" + pad(s % 60); }

  function localTimes() {
    $all("time[data-local-time]").forEach(function (t) {
      var d = new Date(t.getAttribute("datetime"));
      if (!isNaN(d)) t.textContent = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes());
    });
  }

  /* ── 2. Timer ─────────────────────────────────────────────────────────── */
  function initTimer(box) {
    var remaining = parseInt(box.getAttribute("data-remaining"), 10);
    var notice = parseInt(box.getAttribute("data-notice"), 10) || 0;
    var value = $("[data-timer-value]", box);
    var noticeBox = $("[data-timer-notice]");
    var statusUrl = box.getAttribute("data-status-url");
    var resultUrl = box.getAttribute("data-result-url");
    var startedAt = Date.now();
    var base = remaining;
    var done = false;

    function left() { return base - (Date.now() - startedAt) / 1000; }
    function finish() {
      if (done) return;
      done = true;
      value.textContent = clock(0);
      // Let pending saves go first; the server refuses anything after the deadline anyway.
      setTimeout(function () { window.location.href = resultUrl; }, 1500);
    }
    function tick() {
      var s = left();
      value.textContent = clock(s);
      if (notice && s <= notice) {
        box.classList.add("is-low");
        if (noticeBox && noticeBox.hidden) noticeBox.hidden = false;
      }
      if (s <= 0) finish();
    }
    function resync() {
      fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return;
          if (data.submitted) { finish(); return; }
          if (typeof data.remaining === "number") { base = data.remaining; startedAt = Date.now(); }
        }).catch(function () { /* offline: keep counting */ });
    }
    tick();
    setInterval(tick, 1000);
    setInterval(resync, 60000);
  }

  /* ── 1. Autosave ──────────────────────────────────────────────────────── */
  function initForm(form) {
    var sitting = form.getAttribute("data-sitting");
    var position = parseInt(form.getAttribute("data-position"), 10);
    var saveUrl = form.getAttribute("data-save-url");
    var csrf = $('input[name="csrf_token"]', form).value;
    var status = $("[data-save-status]", form);
    var flag = $("#flagged", form);
    var key = "exam-pending-" + sitting;
    var shownAt = Date.now();
    var reported = 0;        // seconds on this item already sent
    var leaving = false;     // the form itself is being submitted
    var retryDelay = 1000;
    var retryTimer = null;

    function pending() {
      try { return JSON.parse(window.localStorage.getItem(key) || "{}"); } catch (e) { return {}; }
    }
    function storePending(all) {
      try {
        if (Object.keys(all).length) window.localStorage.setItem(key, JSON.stringify(all));
        else window.localStorage.removeItem(key);
      } catch (e) { /* private mode: the in-flight request is all we have */ }
    }
    function elapsed() {
      var total = Math.floor((Date.now() - shownAt) / 1000);
      var fresh = total - reported;
      reported = total;
      return fresh;
    }
    function say(text, isError) {
      status.textContent = text;
      status.classList.toggle("is-error", !!isError);
    }
    function current() {
      var checked = $('input[name="choice"]:checked', form);
      return { choice: checked ? checked.value : "", flagged: flag ? flag.checked : false };
    }
    function markCell(pos, choice, flagged) {
      var cell = $('.exam-cell[data-position="' + pos + '"]');
      if (!cell) return;
      cell.classList.toggle("is-answered", !!choice);
      cell.classList.toggle("is-flagged", !!flagged);
      var state = $("[data-cell-state]", cell);
      if (state) state.textContent = ", " + (choice ? "answered" : "not answered") + (flagged ? ", flagged" : "");
    }
    function send(pos, entry, seconds) {
      var body = { position: pos, choice: entry.choice, flagged: entry.flagged, revision: entry.revision, seconds: seconds || 0 };
      return fetch(saveUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(body)
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) { return { status: r.status, data: data }; });
      });
    }
    function flush() {
      clearTimeout(retryTimer);
      var all = pending();
      var positions = Object.keys(all);
      if (!positions.length) return;
      positions.forEach(function (pos) {
        var entry = all[pos];
        var mine = parseInt(pos, 10) === position;
        if (mine) say("Saving…");
        send(parseInt(pos, 10), entry, mine ? elapsed() : 0).then(function (res) {
          var now = pending();
          if (res.status === 200 && res.data.saved) {
            if (now[pos] && now[pos].revision === entry.revision) { delete now[pos]; storePending(now); }
            retryDelay = 1000;
            markCell(pos, res.data.choice, res.data.flagged);
            var count = $("[data-answered-count]");
            if (count && typeof res.data.answered === "number") count.textContent = res.data.answered;
            if (mine) {
              if (res.data.stale) syncRadios(res.data.choice, res.data.flagged);
              say(res.data.choice ? "Answer " + res.data.choice + " saved." : (res.data.flagged ? "Flag saved." : "Saved."));
            }
          } else if (res.status === 409 && res.data.closed) {
            delete now[pos]; storePending(now);
            say(res.data.error || "This exam has been submitted.", true);
            window.location.href = res.data.result_url;
          } else if (res.status === 400) {
            delete now[pos]; storePending(now);
            if (mine) say(res.data.error || "That answer could not be saved.", true);
          } else {
            throw new Error("status " + res.status);
          }
        }).catch(function () {
          if (mine) say("Not saved yet: the connection failed. Your answer is kept in this browser and will be sent again.", true);
          retryTimer = setTimeout(flush, retryDelay);
          retryDelay = Math.min(retryDelay * 2, 15000);
        });
      });
    }
    function syncRadios(choice, flagged) {
      $all('input[name="choice"]', form).forEach(function (r) { r.checked = r.value === choice; });
      if (flag) flag.checked = !!flagged;
    }
    function changed() {
      var all = pending();
      var entry = current();
      entry.revision = Date.now();
      all[position] = entry;
      storePending(all);
      flush();
    }

    // A reload or a new page: what this browser still holds goes first, and shows on this question.
    var held = pending()[position];
    if (held) syncRadios(held.choice, held.flagged);
    flush();

    if (form.getAttribute("data-locked") !== "true") {
      $all('input[name="choice"]', form).forEach(function (r) { r.addEventListener("change", changed); });
    }
    if (flag) flag.addEventListener("change", changed);
    window.addEventListener("online", flush);

    form.addEventListener("submit", function () {
      leaving = true;
      $("[data-revision]", form).value = String(Date.now());
      $("[data-seconds]", form).value = String(elapsed());
    });
    // Time on this question when leaving by a navigator link or closing the tab.
    window.addEventListener("pagehide", function () {
      if (leaving || !navigator.sendBeacon) return;
      var seconds = elapsed();
      if (seconds <= 0) return;
      var data = new FormData();
      data.append("csrf_token", csrf);
      data.append("position", String(position));
      data.append("seconds", String(seconds));
      navigator.sendBeacon(saveUrl, data);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    localTimes();
    var timer = $("[data-exam-timer]");
    if (timer && window.fetch) initTimer(timer);
    var form = $("[data-exam-form]");
    if (form && window.fetch && window.JSON) initForm(form);
    var feedback = $("#feedback");
    if (feedback) feedback.focus();
  });
})();
