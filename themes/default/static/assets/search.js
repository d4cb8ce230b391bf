// roster's search: matches the index under search/ by name, pinyin (full or initials), post,
// duties, district and number digits; forgives a same-sounding character (李 finds 黎) and
// the short words for what duties spell out (城管 finds 城市管理). No library, no request to
// any host; results are built with DOM methods, never from HTML strings.
//
// The index is split (see src/render/search.rs): search/index.js is the manifest (with the
// synonym groups), k/<n>.js hold the keys (a kind and a gram, with the ids of the entries
// that have it) bucketed by a hash of the gram, s/<n>.js the syllable keys likewise,
// r/<n>.js the entries, y/<n>.js the readings of Chinese characters. A term loads the readings of its characters, then the buckets of
// its first gram, of its synonyms' and of its syllables, then the entries its keys name, and
// only those are scored. Files are loaded as script tags, so this works from file:// as well
// as served.
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
  // Names that only sound like the term are taken from the entry files that exact matches
  // load anyway, and from at most this many more.
  var SOUND_CHUNKS = 4;

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

  var files = { k: {}, r: {}, y: {}, s: {} };
  var waiting = {};
  window.ROSTER_SEARCH_PUT = function (kind, n, data) {
    files[kind][n] = data;
    if (kind === "y") addReadings(data);
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
    s.onerror = function () { window.ROSTER_SEARCH_PUT(kind, n, kind === "r" ? [] : {}); };
    document.head.appendChild(s);
  }

  function loadAll(kind, numbers, done) {
    var left = numbers.length;
    if (!left) { done(); return; }
    numbers.forEach(function (n) { load(kind, n, function () { if (--left === 0) done(); }); });
  }

  // Chinese characters, whose readings (search/y/) let a same-sounding name match.
  function isHan(c) { return /[\u3400-\u4dbf\u4e00-\u9fff]/.test(c); }

  var readings = {};
  function addReadings(map) {
    Object.keys(map).forEach(function (r) {
      Array.from(map[r]).forEach(function (c) { (readings[c] = readings[c] || []).push(r); });
    });
  }

  // The synonym groups (城管 → 城市管理), normalised: a term in a group also looks for the others.
  var synonyms = {};
  (manifest.synonyms || []).forEach(function (group) {
    var words = group.map(norm);
    words.forEach(function (w) { synonyms[w] = words; });
  });

  // What a term is looked for as: itself and its synonyms.
  function variants(term) { return synonyms[term] || [term]; }

  // The first gram of a word and the kinds of key that can hold a match; null when the word
  // cannot be looked up (fewer than three digits).
  function lookup(word) {
    if (/^\+?\d+$/.test(word)) {
      var d = word.replace(/^\+/, "");
      return d.length >= 3 ? { gram: d.slice(0, 3), kinds: ["d"] } : null;
    }
    var cps = Array.from(word);
    var latin = /^[a-z]+$/.test(word);
    if (cps.length === 1) return { gram: cps[0], kinds: latin ? ["n", "i"] : ["n"] };
    return { gram: cps[0] + cps[1], kinds: latin ? ["n", "t", "p", "i"] : ["n", "t"] };
  }

  // The readings a term of Chinese characters may be heard as, one list per character; null
  // when it has other characters or one without a known reading.
  function heard(term) {
    var cps = Array.from(term);
    if (!cps.every(isHan)) return null;
    var out = cps.map(function (c) { return readings[c] || null; });
    return out.every(Boolean) ? out : null;
  }

  // The syllable keys (`s`) of a heard term: every reading of its first one or two characters.
  function soundGrams(h) {
    var grams = [];
    h[0].forEach(function (a) {
      if (h.length === 1) grams.push(a);
      else h[1].forEach(function (b) { grams.push(a + " " + b); });
    });
    return grams;
  }

  // The file of a key: its family (k, or s for syllables) and number.
  function bucketOf(l) {
    var fam = l.kinds[0] === "s" ? "s" : "k";
    return { fam: fam, n: hash(l.gram) % (fam === "s" ? manifest.sounds || 1 : manifest.buckets) };
  }

  // The ids of the entries that have any of the keys, ascending.
  function idsOf(probes) {
    var seen = {};
    probes.forEach(function (l) {
      var b = bucketOf(l);
      var bucket = files[b.fam][b.n] || {};
      l.kinds.forEach(function (kind) {
        var gaps = bucket[kind + l.gram] || [];
        var id = 0;
        for (var i = 0; i < gaps.length; i++) { id += gaps[i]; seen[id] = true; }
      });
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

  function union(a, b) {
    var seen = {};
    a.concat(b).forEach(function (id) { seen[id] = true; });
    return Object.keys(seen).map(Number).sort(function (x, y) { return x - y; });
  }

  function entry(id) {
    var chunk = files.r[Math.floor(id / manifest.chunk)];
    return chunk ? chunk[id % manifest.chunk] : null;
  }

  // [name, pinyin (syllables), initials, post, duties, district, digits, person url, district url, numbers]
  function prepare(it) {
    var syl = it[1] ? it[1].split(" ") : [];
    return { it: it, name: norm(it[0]), syl: syl, py: syl.join(""), ini: it[2], text: norm(it[3] + it[4] + it[5]), digits: it[6] };
  }

  // Where in the pinyin `word` starts and ends: 2 on syllable boundaries at both ends, 1 at
  // the start only, 0 neither; -1 when the pinyin does not hold it.
  function syllableFit(p, word) {
    var best = -1, at = 0;
    for (var i = 0; i < p.syl.length; i++) {
      if (p.py.indexOf(word, at) === at) {
        var end = at + word.length, pos = at, fit = 1;
        for (var j = i; j < p.syl.length && pos < end; j++) pos += p.syl[j].length;
        if (pos === end) fit = 2;
        if (fit > best) best = fit;
      }
      at += p.syl[i].length;
    }
    if (best < 0 && p.py.indexOf(word) >= 0) best = 0;
    return best;
  }

  // The score of an entry for one word: exact characters first, then pinyin (on syllable
  // boundaries before inside them: "li" puts 黎 before 刘, 林 and 梁), then post and duties.
  function score(p, word) {
    if (/^\+?\d+$/.test(word)) {
      var d = word.replace(/^\+/, "");
      return p.digits.indexOf(d) >= 0 ? 3 : 0;
    }
    if (p.name.indexOf(word) >= 0) return p.name === word ? 10 : 8;
    if (/^[a-z]+$/.test(word)) {
      if (p.py === word || p.ini === word) return 9;
      var fit = syllableFit(p, word);
      var start = p.py.indexOf(word) === 0;
      if (start && fit === 2) return 7.5;
      if (p.ini.indexOf(word) === 0) return 7;
      if (start) return 6;
      if (fit === 2) return 5;
      if (fit >= 0) return 4;
    }
    if (p.text.indexOf(word) >= 0) return 2;
    return 0;
  }

  // Whether the name sounds like the heard term: consecutive syllables, each one of the
  // readings of its character (李明 heard as li ming finds 黎明).
  function soundsLike(p, h) {
    for (var i = 0; i + h.length <= p.syl.length; i++) {
      var all = true;
      for (var j = 0; j < h.length && all; j++) all = h[j].indexOf(p.syl[i + j]) >= 0;
      if (all) return p.syl.length === h.length ? 1.5 : i === 0 ? 1.25 : 1;
    }
    return 0;
  }

  // A term's score: the best of its variants; a name that only sounds like it comes after
  // every exact match.
  function termScore(p, t) {
    var best = 0;
    t.words.forEach(function (w) { best = Math.max(best, score(p, w)); });
    if (!best && t.heard) best = soundsLike(p, t.heard);
    return best;
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
          // The kind and its number stay on one line.
          var item = el("span", "tel-item");
          item.appendChild(el("span", "tel-kind", kind + " "));
          var a = el("a", "tel");
          a.appendChild(el("span", "vh", it[0] + " " + kind + " "));
          a.appendChild(document.createTextNode(parts[1]));
          a.href = "tel:" + parts[2];
          item.appendChild(a);
          tel.appendChild(item);
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

  // Loads the readings of the terms' Chinese characters, then runs `done`.
  function loadReadings(terms, done) {
    var n = manifest.readings || 0, need = {};
    if (n) terms.forEach(function (t) {
      Array.from(t).forEach(function (c) { if (isHan(c)) need[hash(c) % n] = true; });
    });
    loadAll("y", Object.keys(need).map(Number), done);
  }

  function search() {
    var raw = input.value.split(/\s+/).map(norm).filter(Boolean);
    var mine = ++generation;
    if (!raw.length) { render([], 0); return; }
    loadReadings(raw, function () {
      if (mine !== generation) return;
      var terms = raw.map(function (term) {
        var words = variants(term);
        var h = heard(term);
        return {
          words: words,
          heard: h,
          exact: words.map(lookup).filter(Boolean),
          sound: h ? soundGrams(h).map(function (g) { return { gram: g, kinds: ["s"] }; }) : []
        };
      });
      if (terms.some(function (t) { return !t.exact.length; })) { render([], 0); return; }
      var need = { k: {}, s: {} };
      terms.forEach(function (t) {
        t.exact.concat(t.sound).forEach(function (l) { var b = bucketOf(l); need[b.fam][b.n] = true; });
      });
      var keyFiles = function (done) {
        loadAll("k", Object.keys(need.k).map(Number), function () { loadAll("s", Object.keys(need.s).map(Number), done); });
      };
      keyFiles(function () {
        if (mine !== generation) return;
        // Entries with the exact keys of every term come first, then those that only sound right.
        var exact = idsOf(terms[0].exact), any = union(exact, idsOf(terms[0].sound));
        for (var i = 1; i < terms.length; i++) {
          var e = idsOf(terms[i].exact);
          exact = intersect(exact, e);
          any = intersect(any, union(e, idsOf(terms[i].sound)));
        }
        var more = exact.length > MAX_CANDIDATES;
        exact = exact.slice(0, MAX_CANDIDATES);
        var isExact = {}, inChunk = {}, extra = 0;
        exact.forEach(function (id) { isExact[id] = true; inChunk[Math.floor(id / manifest.chunk)] = true; });
        var loaded = Object.keys(inChunk).length, budget = loaded + SOUND_CHUNKS;
        var sound = any.filter(function (id) {
          if (isExact[id] || exact.length + extra >= MAX_CANDIDATES) return false;
          var c = Math.floor(id / manifest.chunk);
          if (!inChunk[c]) {
            if (loaded >= budget) return false;
            inChunk[c] = true;
            loaded++;
          }
          extra++;
          return true;
        });
        var ids = exact.concat(sound).sort(function (a, b) { return a - b; });
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
              var s = termScore(p, terms[i]);
              if (!s) return;
              total += s;
            }
            hits.push({ it: it, s: total, id: id });
          });
          hits.sort(function (a, b) { return b.s - a.s || a.id - b.id; });
          render(hits.slice(0, LIMIT), more ? Math.max(hits.length, LIMIT + 1) : hits.length);
        });
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
