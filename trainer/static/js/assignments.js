/* Assignments: times in the reader's local time, the instructor's time zone guessed for a new
   assignment, and a filter over the exercise list. Everything works without it. */
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function localTimes() {
    Array.prototype.forEach.call(document.querySelectorAll("time[data-local-time]"), function (t) {
      var d = new Date(t.getAttribute("datetime"));
      if (isNaN(d.getTime())) return;
      t.textContent = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " +
        pad(d.getHours()) + ":" + pad(d.getMinutes());
      t.setAttribute("title", d.toString());
    });
  }

  function guessZone() {
    var form = document.querySelector("form[data-guess-zone]");
    var select = form && form.querySelector("select[name=time_zone]");
    if (!select || !window.Intl) return;
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && select.querySelector('option[value="' + zone + '"]')) select.value = zone;
  }

  function exerciseFilter() {
    var box = document.querySelector("[data-exercise-filter]");
    if (!box) return;
    box.hidden = false;
    var input = box.querySelector("input");
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(document.querySelectorAll(".exercise-area"), function (area) {
        var shown = 0;
        Array.prototype.forEach.call(area.querySelectorAll("li[data-title]"), function (li) {
          var title = li.getAttribute("data-title");
          var match = words.every(function (w) { return title.indexOf(w) !== -1; });
          li.hidden = !match;
          if (match) shown += 1;
        });
        area.hidden = shown === 0;
        if (words.length && shown) area.open = true;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    localTimes();
    guessZone();
    exerciseFilter();
  });
})();
