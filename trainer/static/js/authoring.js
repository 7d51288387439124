/* Authoring: the live preview of Markdown in the exercise and question editors.
 *
 * Progressive enhancement of templates/authoring/edit.html (without it, "Check and preview"
 * shows the same preview). As the author types in a document's Markdown, the text is posted to
 * the preview endpoint, which answers with the HTML the learner will see: rendered with raw HTML
 * off and passed through the nh3 allow-list sanitizer on the server (trainer.exercises.markdown).
 * Only that sanitized answer is put in the page, and the page's CSP forbids inline script.
 * Code suggestions on the key rows come from practice.js (form[data-code-typeahead]).
 */
(function () {
  "use strict";

  var DELAY_MS = 350;

  function init() {
    var form = document.querySelector("form[data-preview-url]");
    if (!form || !window.fetch || !window.FormData) return;
    var url = form.getAttribute("data-preview-url");
    var token = form.querySelector('input[name="csrf_token"]');
    Array.prototype.forEach.call(form.querySelectorAll("textarea[data-markdown-source]"), function (area) {
      var target = document.getElementById(area.id + "-preview");
      if (!target) return;
      var timer = null;
      var controller = null;
      function refresh() {
        if (controller && window.AbortController) controller.abort();
        controller = window.AbortController ? new AbortController() : null;
        var body = new FormData();
        body.append("body", area.value);
        if (token) body.append("csrf_token", token.value);
        fetch(url, { method: "POST", body: body, credentials: "same-origin",
                     signal: controller ? controller.signal : undefined })
          .then(function (response) { return response.ok ? response.text() : null; })
          .then(function (html) {
            if (html === null) return;
            var parsed = new DOMParser().parseFromString(html, "text/html");
            target.replaceChildren.apply(target, Array.prototype.slice.call(parsed.body.childNodes));
          })
          .catch(function () { /* the Check and preview button still works */ });
      }
      area.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(refresh, DELAY_MS);
      });
      if (target.querySelector(".muted") && area.value.trim()) refresh();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
