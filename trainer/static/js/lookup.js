/* Code lookup: search as you type.
 *
 * Progressive enhancement of the plain GET form in templates/lookup/index.html. Results come
 * from the JSON API (form[data-api]) and are rendered into #result-list with the same markup
 * as templates/lookup/_results.html and _partials/badges.html; keep the three in step.
 * Data only ever reaches the page through textContent and setAttribute, never innerHTML.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 150;
  var ANNOUNCE_MS = 600;  // wait for typing to settle before a screen reader hears the count

  var form = document.getElementById("lookup-form");
  if (!form || !window.fetch || !window.AbortController) return;

  var input = document.getElementById("q");
  var systemSelect = document.getElementById("system");
  var dateInput = document.getElementById("date");
  var list = document.getElementById("result-list");
  var results = document.getElementById("results");
  var status = document.getElementById("results-status");
  var live = document.getElementById("results-live");
  var tips = document.getElementById("search-tips");
  var errorBox = document.getElementById("search-error");
  var errorText = document.getElementById("search-error-text");
  var hint = document.getElementById("q-hint");
  var apiUrl = form.getAttribute("data-api");
  var detailTemplate = form.getAttribute("data-detail-url");

  var debounceTimer = null;
  var announceTimer = null;
  var controller = null;
  var lastKey = null;

  if (hint && hint.getAttribute("data-live-hint")) hint.textContent = hint.getAttribute("data-live-hint");

  /* ── State ──────────────────────────────────────────────────────────────── */

  function params() {
    return {
      q: input.value.trim(),
      system: systemSelect ? systemSelect.value : "",
      date: dateInput ? dateInput.value : ""
    };
  }

  function queryString(p) {
    var qs = new URLSearchParams();
    Object.keys(p).forEach(function (key) { if (p[key]) qs.set(key, p[key]); });
    return qs.toString();
  }

  function detailUrl(r, date) {
    if (r.url) return r.url;
    var url = detailTemplate
      .replace("__SYSTEM__", encodeURIComponent(r.system))
      .replace("__CODE__", encodeURIComponent(r.code));
    if (date) url += (url.indexOf("?") === -1 ? "?" : "&") + "date=" + encodeURIComponent(date);
    return url;
  }

  /* ── Rendering (mirrors the Jinja templates) ───────────────────────────── */

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function badges(r) {
    var out = [];
    out.push(r.billable ? el("span", "badge badge-billable", "Billable")
                        : el("span", "badge badge-header", "Header — not reportable"));
    if (r.needs_seventh) out.push(el("span", "badge badge-seventh", "Needs 7th character"));
    if (r.billable && !r.valid_on_date) out.push(el("span", "badge badge-invalid", "Not valid on this date"));
    return out;
  }

  function renderResult(r, date) {
    var li = el("li", "result");
    var link = el("a", "result-link");
    link.setAttribute("href", detailUrl(r, date));
    link.appendChild(el("span", "result-code code", r.display));
    link.appendChild(document.createTextNode(" "));  // keeps code and description apart when read out
    link.appendChild(el("span", "result-desc", r.description));
    li.appendChild(link);

    var info = el("div", "result-info");
    info.appendChild(el("span", "badge badge-system", r.system_label));
    badges(r).forEach(function (b) { info.appendChild(document.createTextNode(" ")); info.appendChild(b); });
    if (r.matched) info.appendChild(el("span", "result-matched", "matched: " + r.matched));
    li.appendChild(info);
    return li;
  }

  function statusText(q, shown, total) {
    if (!q) return "";
    if (total === 0) return "No codes match “" + q + "”.";
    if (total > shown) return "Showing the first " + shown + " of " + total.toLocaleString("en-US") + " results.";
    return total + (total === 1 ? " result." : " results.");
  }

  function setStatus(text) {
    status.textContent = text;
    clearTimeout(announceTimer);
    announceTimer = setTimeout(function () { live.textContent = text; }, ANNOUNCE_MS);
  }

  function showError(message) {
    errorText.textContent = message;
    errorBox.hidden = !message;
  }

  function render(p, data) {
    var rows = data.results || [];
    var fragment = document.createDocumentFragment();
    rows.forEach(function (r) { fragment.appendChild(renderResult(r, p.date)); });
    list.replaceChildren(fragment);
    if (tips) tips.hidden = rows.length > 0;  // no match: the tips may help
    var total = typeof data.total === "number" ? data.total : rows.length;
    setStatus(statusText(p.q, rows.length, total));
  }

  function clearResults() {
    list.replaceChildren();
    setStatus("");
  }

  /* ── Fetching ──────────────────────────────────────────────────────────── */

  function search() {
    var p = params();
    var key = queryString(p);
    if (key === lastKey) return;
    lastKey = key;
    history.replaceState(history.state, "", form.getAttribute("action") + (key ? "?" + key : ""));
    if (tips && !p.q) tips.hidden = false;
    if (controller) controller.abort();  // a newer query wins; drop the stale one
    if (!p.q) {
      controller = null;
      results.classList.remove("is-loading");
      showError("");
      clearResults();
      return;
    }

    var mine = controller = new AbortController();
    results.classList.add("is-loading");
    list.setAttribute("aria-busy", "true");
    fetch(apiUrl + "?" + key, {
      signal: mine.signal,
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return { status: response.status, ok: response.ok, data: data };
        });
      })
      .then(function (res) {
        if (res.ok) {
          showError("");
          render(p, res.data);
        } else if (res.status === 401) {
          showError("Your session has ended. Reload the page to sign in again.");
          clearResults();
        } else {
          showError(res.data.error || "The search could not be run. Try again.");
          clearResults();
        }
      })
      .catch(function (err) {
        if (err.name === "AbortError") return;
        lastKey = null;  // let the same query be retried
        showError("Search is not available right now. Press Search to try again.");
      })
      .finally(function () {
        if (controller === mine) {
          controller = null;
          results.classList.remove("is-loading");
          list.removeAttribute("aria-busy");
        }
      });
  }

  function searchSoon() {
    clearTimeout(debounceTimer);
    debounceTimer = setTimeout(search, DEBOUNCE_MS);
  }

  function searchNow(event) {
    if (event) event.preventDefault();
    clearTimeout(debounceTimer);
    lastKey = null;  // an explicit Search always runs
    search();
  }

  /* ── Keyboard: arrows move between the box and the result links ─────────── */

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll(".result-link"));
  }

  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") {
      var all = links();
      if (all.length) {
        event.preventDefault();
        all[0].focus();
      }
    }
  });

  list.addEventListener("keydown", function (event) {
    var all = links();
    var index = all.indexOf(document.activeElement);
    if (index === -1) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (index < all.length - 1) all[index + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (index > 0 ? all[index - 1] : input).focus();
    } else if (event.key === "Home") {
      event.preventDefault();
      all[0].focus();
    } else if (event.key === "End") {
      event.preventDefault();
      all[all.length - 1].focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      input.focus();
    }
  });

  /* ── Wiring ────────────────────────────────────────────────────────────── */

  lastKey = queryString(params());  // the server already rendered this query
  input.addEventListener("input", searchSoon);
  if (systemSelect) systemSelect.addEventListener("change", searchNow);
  if (dateInput) dateInput.addEventListener("change", searchSoon);
  form.addEventListener("submit", searchNow);
})();
