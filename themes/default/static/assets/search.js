// roster's search: matches the index under search/ by name, pinyin (full or initials), post,
// duties, district and number digits. No library, no request to any host; results are built
// with DOM methods, never from HTML strings.
//
// The index is split (see src/render/search.rs): search/index.js is the manifest, k/<n>.js
// hold the keys (a kind and a gram, with the ids of the entries that have it) bucketed by a
// hash of the gram, r/<n>.js the entries. A term loads the one bucket of its first gram, the
// entries its keys name are loaded next, and only those are scored. Files are loaded as
// script tags, so this works from file:// as well as served.
(function () {
  "use strict";
  var manifest = window.ROSTER_SEARCH || { count: 0, chunk: 64, buckets: 1 };
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var status = document.getElementById("search-status");
  if (!input || !list) return;
  var root = list.getAttribute("data-root") || "";
  var LIMIT = 100;
  // A term that could match thousands is scored on the first of them only.
  var MAX_CANDIDATES = 600;

  function norm(s) { return (s || "").toLowerCase().replace(/[\s\-()（）·.]+/g, ""); }

  // FNV-1a over UTF-16 code units, as the index was bucketed.
  function hash(s) {
    var h = 0x811c9dc5;
    for (var i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  var files = { k: {}, r: {} };
  var waiting = {};
  window.ROSTER_SEARCH_PUT = function (kind, n, data) {
    files[kind][n] = data;
    var done = waiting[kind + n] || [];
    delete waiting[kind + n];
    done.forEach(function (f) { f(); });
  };

  // Loads k/<n>.js or r/<n>.js once; `done` runs when it is there (or failed to load).
  function load(kind, n, done) {
    if (files[kind][n]) { done(); return; }
    var key = kind + n;
    if (waiting[key]) { waiting[key].push(done); return; }
    waiting[key] = [done];
    var s = document.createElement("script");
    s.src = kind + "/" + n + ".js";
    s.onerror = function () { window.ROSTER_SEARCH_PUT(kind, n, kind === "k" ? {} : []); };
    document.head.appendChild(s);
  }

  function loadAll(kind, numbers, done) {
    var left = numbers.length;
    if (!left) { done(); return; }
    numbers.forEach(function (n) { load(kind, n, function () { if (--left === 0) done(); }); });
  }

  // The first gram of a term and the kinds of key that can hold a match; null when the term
  // cannot be looked up (fewer than three digits).
  function lookup(term) {
    if (/^\+?\d+$/.test(term)) {
      var d = term.replace(/^\+/, "");
      return d.length >= 3 ? { gram: d.slice(0, 3), kinds: ["d"] } : null;
    }
    var cps = Array.from(term);
    var latin = /^[a-z]+$/.test(term);
    if (cps.length === 1) return { gram: cps[0], kinds: latin ? ["n", "i"] : ["n"] };
    return { gram: cps[0] + cps[1], kinds: latin ? ["n", "t", "p", "i"] : ["n", "t"] };
  }

  // The ids of the entries that have any of the term's keys, ascending.
  function candidates(l) {
    var bucket = files.k[hash(l.gram) % manifest.buckets] || {};
    var seen = {};
    l.kinds.forEach(function (kind) {
      var gaps = bucket[kind + l.gram] || [];
      var id = 0;
      for (var i = 0; i < gaps.length; i++) { id += gaps[i]; seen[id] = true; }
    });
    return Object.keys(seen).map(Number).sort(function (a, b) { return a - b; });
  }

  function intersect(a, b) {
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { out.push(a[i]); i++; j++; }
      else if (a[i] < b[j]) i++;
      else j++;
    }
    return out;
  }

  function entry(id) {
    var chunk = files.r[Math.floor(id / manifest.chunk)];
    return chunk ? chunk[id % manifest.chunk] : null;
  }

  // [name, pinyin, initials, post, duties, district, digits, person url, district url, numbers]
  function prepare(it) {
    return { it: it, name: norm(it[0]), py: it[1], ini: it[2], text: norm(it[3] + it[4] + it[5]), digits: it[6] };
  }

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
          // kind|national|e164: the kind is shown, and read out with the name in the link.
          var parts = n.split("|");
          var kind = list.getAttribute(parts[0] === "m" ? "data-mobile" : "data-office");
          tel.appendChild(el("span", "tel-kind", kind + " "));
          var a = el("a", "tel");
          a.appendChild(el("span", "vh", it[0] + " " + kind + " "));
          a.appendChild(document.createTextNode(parts[1]));
          a.href = "tel:" + parts[2];
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
    status.textContent = msg;
  }

  var generation = 0;

  function search() {
    var terms = input.value.split(/\s+/).map(norm).filter(Boolean);
    var mine = ++generation;
    if (!terms.length) { render([], 0); return; }
    var lookups = terms.map(lookup);
    if (lookups.some(function (l) { return !l; })) { render([], 0); return; }
    var buckets = lookups.map(function (l) { return hash(l.gram) % manifest.buckets; });
    loadAll("k", buckets, function () {
      if (mine !== generation) return;
      var ids = candidates(lookups[0]);
      for (var i = 1; i < lookups.length; i++) ids = intersect(ids, candidates(lookups[i]));
      var more = ids.length > MAX_CANDIDATES;
      ids = ids.slice(0, MAX_CANDIDATES);
      var chunks = [];
      ids.forEach(function (id) {
        var c = Math.floor(id / manifest.chunk);
        if (chunks[chunks.length - 1] !== c) chunks.push(c);
      });
      loadAll("r", chunks, function () {
        if (mine !== generation) return;
        var hits = [];
        ids.forEach(function (id) {
          var it = entry(id);
          if (!it) return;
          var p = prepare(it);
          var total = 0;
          for (var i = 0; i < terms.length; i++) {
            var s = score(p, terms[i]);
            if (!s) return;
            total += s;
          }
          hits.push({ it: it, s: total });
        });
        hits.sort(function (a, b) { return b.s - a.s; });
        render(hits.slice(0, LIMIT), more ? Math.max(hits.length, LIMIT + 1) : hits.length);
      });
    });
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 60);
  });
  var q = new URLSearchParams(location.search).get("q");
  if (q) { input.value = q; search(); }
})();
