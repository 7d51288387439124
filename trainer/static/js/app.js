/* Coding Trainer: small enhancements shared by every page. Everything works without it.
 *
 * Loaded (not deferred) in <head>, so that the "js" class is on <html> before the first
 * paint: on narrow screens the CSS then collapses the menu behind its button instead of
 * showing it and hiding it again. The rest waits for DOMContentLoaded.
 */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  /* The narrow-screen menu: a disclosure button (aria-expanded) for #site-menu. */
  function initMenu() {
    var toggle = document.querySelector(".nav-toggle");
    var menu = document.getElementById("site-menu");
    if (!toggle || !menu) return;

    function setOpen(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }

    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.classList.contains("is-open")) {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  /* Form errors: move focus to the error summary so it is read out first, and make its
     links focus the field itself (a plain #id jump scrolls but does not focus). */
  function initErrorSummary() {
    var summary = document.querySelector(".error-summary[data-autofocus]");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      field.focus();
      var label = document.querySelector('label[for="' + CSS.escape(field.id) + '"]');
      (label || field).scrollIntoView({ block: "center" });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initMenu();
    initErrorSummary();
  });
})();
