// Live reload for `roster serve`: injected into HTML pages only when serving, never built.
(function () {
  "use strict";
  var banner = null;
  function show(text) {
    if (!banner) {
      banner = document.createElement("pre");
      banner.id = "roster-errors";
      banner.setAttribute("role", "alert");
      banner.style.cssText = "position:fixed;left:0;right:0;bottom:0;z-index:2147483647;margin:0;max-height:45vh;overflow:auto;" +
        "padding:12px 16px;background:#fff3f3;color:#8a1010;border-top:3px solid #b3121b;font:13px/1.45 monospace;white-space:pre-wrap";
      document.body.appendChild(banner);
    }
    banner.textContent = text;
  }
  function hide() {
    if (banner) { banner.remove(); banner = null; }
  }
  function status() {
    fetch("/__roster/status").then(function (r) { return r.json(); }).then(function (s) {
      if (s.errors) { show(s.errors); } else { hide(); }
    }).catch(function () {});
  }
  var source = new EventSource("/__roster/events");
  window.__roster = { events: source };
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("errors", function (e) { show(JSON.parse(e.data)); });
  status();
})();
