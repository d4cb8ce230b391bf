// 大字 (large text) and 高对比 (high contrast): the reader's choice, remembered in this
// browser's localStorage (no cookie, nothing sent anywhere) and set on <html> before the page
// paints. The buttons stay hidden without JavaScript, where the page reads as it is.
(function () {
  "use strict";
  var root = document.documentElement;
  function get(mode) {
    try { return localStorage.getItem("roster-" + mode) === "1"; } catch (e) { return false; }
  }
  function set(mode, on) {
    try {
      if (on) localStorage.setItem("roster-" + mode, "1");
      else localStorage.removeItem("roster-" + mode);
    } catch (e) { /* storage refused: the choice lasts for this page */ }
  }
  ["large", "contrast"].forEach(function (mode) {
    if (get(mode)) root.classList.add("mode-" + mode);
  });
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("display-options");
    if (!box) return;
    Array.prototype.forEach.call(box.querySelectorAll("button[data-mode]"), function (b) {
      var mode = b.getAttribute("data-mode");
      b.setAttribute("aria-pressed", String(root.classList.contains("mode-" + mode)));
      b.addEventListener("click", function () {
        var on = !root.classList.contains("mode-" + mode);
        root.classList.toggle("mode-" + mode, on);
        b.setAttribute("aria-pressed", String(on));
        set(mode, on);
      });
    });
    box.hidden = false;
  });
})();
