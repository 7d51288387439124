/* Practice: the chart documents, the coding panel and local times.
 *
 * Progressive enhancement of templates/practice/chart.html and result.html; both pages work
 * without it. What it adds:
 *   1. (the chart documents arrive as sanitized HTML, rendered from Markdown on the server);
 *   2. stored times shown in the reader's time zone;
 *   3. on the chart page: autosave of the draft, code suggestions on every code input
 *      (the ARIA combobox pattern), "Add ..." buttons for the optional rows, and a confirm
 *      step before submitting.
 * Text from the chart and from the server only ever reaches the page through textContent,
 * createTextNode and setAttribute, never innerHTML.
 */
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  /* ── 2. Times in the reader's zone ─────────────────────────────────────────── */

  function parseStamp(value) {
    if (!value) return null;
    // The server stores UTC; a stamp without a zone (SQLite) is UTC too.
    var text = /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : value + "Z";
    var d = new Date(text);
    return isNaN(d.getTime()) ? null : d;
  }
  function clock(d) { return pad(d.getHours()) + ":" + pad(d.getMinutes()); }
  function stamp(d) {
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + clock(d);
  }

  function localiseTimes(root) {
    Array.prototype.forEach.call(root.querySelectorAll("time[data-local-time]"), function (t) {
      var d = parseStamp(t.getAttribute("datetime"));
      if (!d) return;
      var today = new Date().toDateString() === d.toDateString();
      t.textContent = t.getAttribute("data-local-time") === "clock" && today ? clock(d) : stamp(d);
      t.setAttribute("title", d.toString());
    });
  }

  /* ── 3. The coding panel ───────────────────────────────────────────────────── */

  var DEBOUNCE_MS = 800;
  var SEARCH_DEBOUNCE_MS = 180;
  var SAVING_DELAY_MS = 400;   // a quick save never flashes "Saving…"
  var MAX_SECONDS = 3600;      // the server takes at most this much time per save

  function initPanel(form) {
    var draftUrl = form.getAttribute("data-draft-url");
    var searchUrl = form.getAttribute("data-search-url");
    var dateOfService = form.getAttribute("data-date") || "";
    var csrfInput = form.querySelector('input[name="csrf_token"]');
    var answerField = form.querySelector('input[name="answer_json"]');
    var secondsField = form.querySelector('input[name="active_seconds"]');
    var statusEl = document.getElementById("save-status");
    var live = document.getElementById("combo-live");
    var confirmBox = document.getElementById("submit-confirm");
    var confirmText = document.getElementById("confirm-text");
    var confirmYes = document.getElementById("confirm-yes");
    var confirmNo = document.getElementById("confirm-no");
    var submitRow = document.getElementById("submit-row");
    var submitButton = document.getElementById("submit-button");
    var combos = [];  // the code-suggestion boxes, set up at the end (initCombos)

    /* The answer, built exactly like practice.views._form_answer builds it from the fields. */
    function value(name) {
      var field = form.elements.namedItem(name);
      return field && field.value !== undefined ? field.value.trim() : "";
    }
    function values(name) {
      return Array.prototype.map.call(form.querySelectorAll('input[name="' + name + '"]'),
                                      function (i) { return i.value.trim(); });
    }
    function buildAnswer() {
      var lines = [];
      Array.prototype.forEach.call(form.querySelectorAll(".proc-line[data-row]"), function (fs) {
        var p = "line-" + fs.getAttribute("data-row") + "-";
        lines.push({ code: value(p + "code"), modifiers: value(p + "mods"), units: value(p + "units"),
                     dx_pointers: value(p + "ptr") });
      });
      var answer = { diagnoses: values("dx"), procedures: lines, pcs_procedures: values("pcs") };
      var poa = form.querySelectorAll('select[name="poa"]');
      if (poa.length) {
        answer.poa = Array.prototype.map.call(poa, function (s) { return s.value; });
      }
      return answer;
    }

    function fill(answer) {
      var set = function (field, v) { if (field) field.value = v == null ? "" : String(v); };
      (answer.diagnoses || []).forEach(function (v, i) { set(document.getElementById("dx-" + (i + 1)), v); });
      (answer.poa || []).forEach(function (v, i) { set(document.getElementById("poa-" + (i + 1)), v); });
      (answer.pcs_procedures || []).forEach(function (v, i) { set(document.getElementById("pcs-" + (i + 1)), v); });
      (answer.procedures || []).forEach(function (line, i) {
        var p = "line-" + (i + 1) + "-";
        set(document.getElementById(p + "code"), line.code);
        set(document.getElementById(p + "mods"), line.modifiers);
        set(document.getElementById(p + "units"), line.units);
        set(document.getElementById(p + "ptr"), line.dx_pointers);
      });
    }

    /* A copy of unsaved work in sessionStorage, so that a reload or a lost connection
       never loses what was typed: it is restored on load when the server does not have it. */
    var backupKey = "trainer.practice.unsaved." + draftUrl;
    function backup(json) {
      try { window.sessionStorage.setItem(backupKey, json); } catch (err) { /* storage off: autosave only */ }
    }
    function dropBackup(json) {
      try {
        if (window.sessionStorage.getItem(backupKey) === json) window.sessionStorage.removeItem(backupKey);
      } catch (err) { /* ignore */ }
    }
    function readBackup() {
      try { return window.sessionStorage.getItem(backupKey); } catch (err) { return null; }
    }

    /* Could the server take this as a code (letters and digits, at most 8, dots and spaces aside)? */
    function codeLike(text) { return /^[A-Z0-9]{0,8}$/.test(text.toUpperCase().replace(/[\s.\-]/g, "")); }

    /* Time with the page visible, not yet reported to the server. */
    var pendingMs = 0;
    var visibleSince = document.visibilityState === "hidden" ? null : Date.now();
    function tick() {
      if (visibleSince === null) return;
      var now = Date.now();
      pendingMs += Math.max(0, now - visibleSince);
      visibleSince = now;
    }
    function takeSeconds() {
      tick();
      var s = Math.min(MAX_SECONDS, Math.floor(pendingMs / 1000));
      pendingMs -= s * 1000;
      return s;
    }
    function giveBack(seconds) { pendingMs += seconds * 1000; }

    /* Status line. */
    function setStatus(text, kind, time) {
      statusEl.classList.remove("is-error", "is-saving", "is-saved");
      if (kind) statusEl.classList.add("is-" + kind);
      statusEl.replaceChildren(document.createTextNode(text));
      if (time) {
        var t = el("time", null, clock(time));
        t.setAttribute("datetime", time.toISOString());
        statusEl.appendChild(t);
      }
    }

    /* ── Autosave ── */
    var lastSaved = JSON.stringify(buildAnswer());  // what the server has
    var initialStatus = statusEl.textContent;
    var savedTime = statusEl.querySelector("time");
    var lastSavedAt = savedTime ? parseStamp(savedTime.getAttribute("datetime")) : null;
    var lastSent = lastSaved;                       // what was last sent (maybe not yet answered)
    var saveTimer = null;
    var retryTimer = null;
    var retryDelay = 0;
    var inFlight = false;
    var again = false;
    var failed = false;   // the last save did not land
    var submitting = false;

    function headers() {
      return { "Content-Type": "application/json", "Accept": "application/json",
               "X-CSRFToken": csrfInput ? csrfInput.value : "" };
    }

    function readResponse(response) {
      var type = response.headers.get("Content-Type") || "";
      var body = type.indexOf("application/json") !== -1
        ? response.json().catch(function () { return null; })
        : Promise.resolve(null);
      return body.then(function (data) {
        return { ok: response.ok, status: response.status, redirected: response.redirected, data: data };
      });
    }

    function problem(res) {
      if (res.data && res.data.error) return res.data.error;
      if (res.redirected || res.status === 401) return "you have been signed out. Sign in again in another tab, then make any change here.";
      if (res.status === 400) return "this page has expired. Reload it (your last saved codes come back).";
      if (res.status === 404) return "this attempt is no longer available. Reload the page.";
      return "the server could not save (error " + res.status + ").";
    }

    function scheduleRetry() {
      retryDelay = retryDelay ? Math.min(retryDelay * 2, 60000) : 2000;
      setStatus("Not saved: no connection. Trying again in " + Math.round(retryDelay / 1000) + " s…", "error");
      clearTimeout(retryTimer);
      retryTimer = setTimeout(function () { save(true); }, retryDelay);
    }

    function save(force) {
      clearTimeout(saveTimer);
      clearTimeout(retryTimer);
      if (submitting) return;
      if (inFlight) { again = true; return; }
      // While a suggestion list is open over search words (not a code yet), wait for the pick.
      if (!force && combos.some(function (c) { return c.isOpen() && !codeLike(c.input.value); })) { saveSoon(); return; }
      var json = JSON.stringify(buildAnswer());
      if (json === lastSaved && !force) {
        if (failed) {  // back to what the server has: the earlier problem is gone
          failed = false;
          clearTimeout(retryTimer);
          if (lastSavedAt) setStatus("All changes saved at ", "saved", lastSavedAt);
          else setStatus(initialStatus);
        }
        return;
      }
      var seconds = takeSeconds();
      var answer = JSON.parse(json);
      inFlight = true;
      again = false;
      lastSent = json;
      var savingTimer = setTimeout(function () { setStatus("Saving…", "saving"); }, SAVING_DELAY_MS);
      fetch(draftUrl, {
        method: "POST", credentials: "same-origin", headers: headers(),
        body: JSON.stringify({ answer: answer, active_seconds: seconds })
      })
        .then(readResponse)
        .then(function (res) {
          if (res.ok && res.data && res.data.saved_at) {
            lastSaved = json;
            lastSavedAt = parseStamp(res.data.saved_at) || new Date();
            dropBackup(json);
            failed = false;
            retryDelay = 0;
            setStatus("All changes saved at ", "saved", lastSavedAt);
          } else if (res.status >= 500) {
            giveBack(seconds);
            failed = true;
            scheduleRetry();
          } else {
            giveBack(seconds);
            failed = true;
            retryDelay = 0;
            setStatus("Not saved: " + problem(res), "error");
          }
        })
        .catch(function () {
          giveBack(seconds);
          failed = true;
          scheduleRetry();
        })
        .then(function () {
          clearTimeout(savingTimer);
          inFlight = false;
          if (again && !submitting) saveSoon();
        });
    }

    function saveSoon() {
      if (submitting) return;
      clearTimeout(saveTimer);
      saveTimer = setTimeout(save, DEBOUNCE_MS);
    }

    /* Leaving or hiding the page: send what is there, even if the page goes away. */
    function flush() {
      if (submitting) return;
      clearTimeout(saveTimer);
      var json = JSON.stringify(buildAnswer());
      var seconds = takeSeconds();
      if (json === lastSent && !failed && seconds < 1) { giveBack(seconds); return; }
      lastSent = json;
      try {
        fetch(draftUrl, {
          method: "POST", credentials: "same-origin", headers: headers(), keepalive: true,
          body: JSON.stringify({ answer: JSON.parse(json), active_seconds: seconds })
        }).then(readResponse).then(function (res) {
          if (res.ok && res.data && res.data.saved_at) {
            lastSaved = json;
            lastSavedAt = parseStamp(res.data.saved_at) || new Date();
            dropBackup(json);
            failed = false;
            setStatus("All changes saved at ", "saved", lastSavedAt);
          } else {
            giveBack(seconds);
          }
        }).catch(function () { giveBack(seconds); });
      } catch (err) {
        giveBack(seconds);
      }
    }

    function changed() {
      if (submitting) return;
      var json = JSON.stringify(buildAnswer());
      if (json !== lastSaved) backup(json);
      saveSoon();
    }
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") {
        tick();
        visibleSince = null;
        flush();
      } else {
        visibleSince = Date.now();
      }
    });
    // beforeunload runs before the next page is requested, pagehide only after it has loaded;
    // flush() sends nothing the second time.
    window.addEventListener("beforeunload", flush);
    window.addEventListener("pagehide", flush);
    window.addEventListener("beforeunload", function (event) {
      if (submitting || !failed) return;
      if (JSON.stringify(buildAnswer()) === lastSaved) return;
      event.preventDefault();
      event.returnValue = "";  // older browsers need it to show the prompt
    });

    /* Work typed before a reload that had not reached the server: put it back and save it. */
    var unsaved = readBackup();
    if (unsaved === lastSaved) dropBackup(unsaved);
    else if (unsaved) {
      try {
        fill(JSON.parse(unsaved));
        setStatus("Restored changes that had not been saved. Saving…", "saving");
        save(true);
      } catch (err) {
        dropBackup(unsaved);
      }
    }

    /* ── Submit, with a confirm step ── */
    var confirmed = false;

    function showConfirm() {
      confirmBox.hidden = false;
      submitRow.hidden = true;
      confirmText.focus();
    }
    function hideConfirm() {
      confirmBox.hidden = true;
      submitRow.hidden = false;
      submitButton.focus();
    }

    form.addEventListener("submit", function (event) {
      if (!confirmed) {
        event.preventDefault();
        combos.forEach(function (c) { c.close(); });
        showConfirm();
        return;
      }
      prepareSubmit();
    });

    function prepareSubmit() {
      submitting = true;
      clearTimeout(saveTimer);
      clearTimeout(retryTimer);
      answerField.value = JSON.stringify(buildAnswer());
      secondsField.value = String(takeSeconds());
    }

    confirmYes.addEventListener("click", function () {
      confirmed = true;
      confirmYes.disabled = true;
      confirmNo.disabled = true;
      prepareSubmit();
      setStatus("Submitting for grading…", "saving");
      HTMLFormElement.prototype.submit.call(form);
    });
    confirmNo.addEventListener("click", hideConfirm);
    confirmBox.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        hideConfirm();
      }
    });

    /* ── "Add ..." buttons: show the first few rows, reveal more on demand ── */
    function rowsWithButton(selector, buttonId, minimum) {
      var rows = Array.prototype.slice.call(form.querySelectorAll(selector));
      var button = document.getElementById(buttonId);
      if (!rows.length || !button) return;
      var lastFilled = -1;
      rows.forEach(function (row, i) {
        var filled = Array.prototype.some.call(row.querySelectorAll("input"), function (inp) { return inp.value.trim(); });
        if (filled) lastFilled = i;
      });
      var shown = Math.max(minimum, lastFilled + 1);
      rows.forEach(function (row, i) { row.hidden = i >= shown; });
      function update() { button.hidden = !rows.some(function (row) { return row.hidden; }); }
      button.addEventListener("click", function () {
        var next = rows.filter(function (row) { return row.hidden; })[0];
        if (!next) return;
        next.hidden = false;
        update();
        var input = next.querySelector("input");
        if (input) input.focus();
      });
      update();
    }
    rowsWithButton(".dx-row", "add-dx", 4);
    rowsWithButton(".proc-line", "add-line", 3);
    rowsWithButton(".pcs-row", "add-pcs", 4);

    combos = initCombos(form);
  }

  /* ── 4. Code suggestions: the ARIA 1.2 combobox pattern ──
   * On every input[data-code-system] of a form that has data-search-url (the coding panel, the
   * exercise editor); data-date on the form is the date of service; #combo-live announces. */
  function initCombos(form) {
    var searchUrl = form.getAttribute("data-search-url");
    var dateOfService = form.getAttribute("data-date") || "";
    var live = document.getElementById("combo-live");
    var combos = [];
    var announceTimer = null;

    function announce(text) {
      clearTimeout(announceTimer);
      announceTimer = setTimeout(function () { live.textContent = text; }, 500);
    }

    function closeAllCombos() { combos.forEach(function (c) { c.close(); }); }

    function Combo(input) {
      var system = input.getAttribute("data-code-system");
      var listId = input.id + "-suggestions";
      var anchor = input.closest(".combo-anchor") || input.parentNode;
      var label = form.querySelector('label[for="' + input.id + '"]');
      var list = el("ul", "combo-list");
      list.id = listId;
      list.hidden = true;
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", "Suggested codes" + (label ? " for " + label.textContent.replace(/\s+/g, " ").trim() : ""));
      anchor.appendChild(list);
      anchor.classList.add("has-combo");

      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-expanded", "false");
      input.setAttribute("aria-controls", listId);

      var results = [];
      var active = -1;
      var timer = null;
      var controller = null;
      var lastQuery = null;
      var self = this;

      function isOpen() { return !list.hidden; }
      self.isOpen = isOpen;
      self.input = input;

      function setActive(index) {
        var options = list.children;
        if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
        active = index;
        if (active >= 0 && options[active]) {
          options[active].setAttribute("aria-selected", "true");
          input.setAttribute("aria-activedescendant", options[active].id);
          options[active].scrollIntoView({ block: "nearest" });
        } else {
          input.removeAttribute("aria-activedescendant");
        }
      }

      function open() {
        if (!results.length) return;
        closeAllCombos();
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        list.scrollIntoView({ block: "nearest" });
      }

      self.close = function () {
        if (controller) { controller.abort(); controller = null; }
        clearTimeout(timer);
        if (!isOpen()) return;
        setActive(-1);
        list.hidden = true;
        input.setAttribute("aria-expanded", "false");
      };

      function badge(text, kind) { return el("span", "badge badge-" + kind, text); }

      function render(rows) {
        results = rows;
        active = -1;
        input.removeAttribute("aria-activedescendant");
        var fragment = document.createDocumentFragment();
        rows.forEach(function (r, i) {
          var li = el("li", "combo-option");
          li.id = listId + "-" + i;
          li.setAttribute("role", "option");
          li.setAttribute("aria-selected", "false");
          li.appendChild(el("span", "combo-code code", r.display));
          li.appendChild(document.createTextNode(" "));
          li.appendChild(el("span", "combo-desc", r.description));
          var tags = [];
          if (system === "cpt-hcpcs") tags.push(badge(r.system === "HCPCS" ? "HCPCS" : (r.system_label || r.system), "system"));
          if (!r.billable) tags.push(badge("Header", "header"));
          if (r.needs_seventh) tags.push(badge("Needs 7th character", "seventh"));
          if (r.billable && !r.valid_on_date) tags.push(badge("Not valid on DOS", "invalid"));
          if (tags.length) {
            var info = el("span", "combo-badges");
            tags.forEach(function (b) { info.appendChild(document.createTextNode(" ")); info.appendChild(b); });
            li.appendChild(info);
          }
          li.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep focus in the input
          li.addEventListener("click", function () { pick(i); });
          fragment.appendChild(li);
        });
        list.replaceChildren(fragment);
        if (rows.length) {
          open();
          announce(rows.length + (rows.length === 1 ? " suggestion" : " suggestions") + ". Use the down arrow to choose.");
        } else {
          self.close();
          announce("No matching codes.");
        }
      }

      function pick(index) {
        var r = results[index];
        if (!r) return;
        input.value = r.display;
        lastQuery = r.display;
        self.close();
        input.focus();
        input.dispatchEvent(new Event("change", { bubbles: true }));
        announce(r.display + " entered.");
      }

      function url(q, sys) {
        var qs = new URLSearchParams({ q: q, limit: "8" });
        if (sys) qs.set("system", sys);
        if (dateOfService) qs.set("date", dateOfService);
        return searchUrl + "?" + qs.toString();
      }

      function search() {
        var q = input.value.trim();
        if (q.length < 2) { lastQuery = q; results = []; self.close(); return; }
        if (q === lastQuery && results.length) { open(); return; }
        lastQuery = q;
        if (controller) controller.abort();  // a newer query wins
        var mine = controller = new AbortController();
        var systems = system === "cpt-hcpcs"
          ? (/^[a-v]\d/i.test(q) ? ["hcpcs", "cpt"] : ["cpt", "hcpcs"])
          : [system];
        Promise.all(systems.map(function (sys) {
          return fetch(url(q, sys), { signal: mine.signal, credentials: "same-origin",
                                      headers: { "Accept": "application/json" } })
            .then(function (response) { return response.ok ? response.json() : { results: [] }; });
        }))
          .then(function (pages) {
            if (controller !== mine || input.value.trim() !== q) return;  // stale
            var seen = {};
            var rows = [];
            pages.forEach(function (page) {
              (page.results || []).forEach(function (r) {
                var k = r.system + ":" + r.code;
                if (seen[k]) return;
                if (system === "cpt-hcpcs" && r.system !== "CPT" && r.system !== "HCPCS") return;
                seen[k] = true;
                rows.push(r);
              });
            });
            render(rows.slice(0, 10));
          })
          .catch(function (err) {
            if (err && err.name === "AbortError") return;
            lastQuery = null;
            self.close();
          })
          .then(function () { if (controller === mine) controller = null; });
      }

      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(search, SEARCH_DEBOUNCE_MS);
      });

      input.addEventListener("keydown", function (event) {
        var n = results.length;
        switch (event.key) {
          case "ArrowDown":
            event.preventDefault();
            if (!isOpen()) { if (n) { open(); setActive(0); } else { lastQuery = null; search(); } return; }
            setActive(active < n - 1 ? active + 1 : 0);
            return;
          case "ArrowUp":
            if (!isOpen()) return;
            event.preventDefault();
            setActive(active > 0 ? active - 1 : n - 1);
            return;
          case "Home":
          case "End":
            if (!isOpen() || active < 0) return;
            event.preventDefault();
            setActive(event.key === "Home" ? 0 : n - 1);
            return;
          case "Enter":
            if (isOpen() && active >= 0) {
              event.preventDefault();
              pick(active);
            } else if (isOpen()) {
              self.close();
            }
            return;
          case "Escape":
            if (isOpen()) {
              event.preventDefault();
              event.stopPropagation();
              self.close();
            }
            return;
          case "Tab":
            self.close();
            return;
        }
      });

      input.addEventListener("blur", function () {
        setTimeout(function () { if (document.activeElement !== input) self.close(); }, 120);
      });
    }

    if (searchUrl && window.fetch && window.AbortController && window.URLSearchParams) {
      Array.prototype.forEach.call(form.querySelectorAll("input[data-code-system]"), function (input) {
        combos.push(new Combo(input));
      });
    }
    return combos;
  }

  /* ── Wiring ──────────────────────────────────────────────────────────────── */

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-js-text]"), function (node) {
      node.textContent = node.getAttribute("data-js-text");
    });
    localiseTimes(document);
    var form = document.getElementById("coding-form");
    if (form && window.fetch && window.JSON) initPanel(form);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-code-typeahead]"), initCombos);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
