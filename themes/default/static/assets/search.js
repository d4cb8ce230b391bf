// roster's search: matches the compact index in search/index.js (window.ROSTER_SEARCH) by
// name, pinyin (full or initials), post, duties, district and number digits. No library, no
// request to any host; results are built with DOM methods, never from HTML strings.
(function () {
  "use strict";
  var index = (window.ROSTER_SEARCH || { items: [] }).items;
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var status = document.getElementById("search-status");
  if (!input || !list) return;
  var root = list.getAttribute("data-root") || "";
  var LIMIT = 100;

  function norm(s) { return (s || "").toLowerCase().replace(/[\s\-()（）·.]+/g, ""); }

  // Prepared haystacks: [name, pinyin, initials, post, duties, district, digits]
  var prepared = index.map(function (it) {
    return { it: it, name: norm(it[0]), py: it[1], ini: it[2], text: norm(it[3] + it[4] + it[5]), digits: it[6] };
  });

  function score(p, term) {
    if (/^\+?\d+$/.test(term)) {
      var d = term.replace(/^\+/, "");
      return p.digits.indexOf(d) >= 0 ? 3 : 0;
    }
    if (p.name.indexOf(term) >= 0) return p.name === term ? 10 : 8;
    if (/^[a-z]+$/.test(term)) {
      if (p.py === term || p.ini === term) return 9;
      if (p.py.indexOf(term) === 0 || p.ini.indexOf(term) === 0) return 7;
      if (p.py.indexOf(term) >= 0) return 5;
    }
    if (p.text.indexOf(term) >= 0) return 2;
    return 0;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function render(hits, total) {
    while (list.firstChild) list.removeChild(list.firstChild);
    hits.forEach(function (h) {
      var it = h.it;
      var li = el("li", "result");
      var a = el("a", "who", it[0]);
      a.href = root + it[7];
      li.appendChild(a);
      li.appendChild(el("span", "post", " " + it[3]));
      var d = el("a", "district", it[5]);
      d.href = root + it[8];
      li.appendChild(document.createTextNode(" · "));
      li.appendChild(d);
      if (it[9]) {
        var tel = el("p", "tels");
        it[9].split(" ").forEach(function (n) {
          var parts = n.split("|");
          var a = el("a", "tel", parts[0]);
          a.href = "tel:" + parts[1];
          tel.appendChild(a);
          tel.appendChild(document.createTextNode(" "));
        });
        li.appendChild(tel);
      }
      if (it[4]) li.appendChild(el("p", "duties", it[4]));
      list.appendChild(li);
    });
    var msg;
    if (!input.value.trim()) msg = "";
    else if (total === 0) msg = list.getAttribute("data-none");
    else if (total > hits.length) msg = list.getAttribute("data-more").replace("{n}", hits.length);
    else msg = list.getAttribute("data-count").replace("{n}", total);
    if (msg) status.textContent = msg;
  }

  function search() {
    var terms = input.value.split(/\s+/).map(norm).filter(Boolean);
    if (!terms.length) { render([], 0); return; }
    var hits = [];
    prepared.forEach(function (p) {
      var total = 0;
      for (var i = 0; i < terms.length; i++) {
        var s = score(p, terms[i]);
        if (!s) return;
        total += s;
      }
      hits.push({ it: p.it, s: total });
    });
    hits.sort(function (a, b) { return b.s - a.s; });
    render(hits.slice(0, LIMIT), hits.length);
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 60);
  });
  var q = new URLSearchParams(location.search).get("q");
  if (q) { input.value = q; search(); }
})();
