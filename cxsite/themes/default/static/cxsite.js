/* cxsite: progressive enhancement only. Every page works without this script. */
(function () {
  "use strict";
  var root = document.documentElement.getAttribute("data-root") || "";

  function loadScript(src, done) {
    var script = document.createElement("script");
    script.src = src;
    script.onload = done;
    document.head.appendChild(script);
  }

  var vegaReady = null;  // callbacks waiting for the Vega bundle, or true once it is loaded

  function withVega(done) {
    if (vegaReady === true) { done(); return; }
    if (vegaReady) { vegaReady.push(done); return; }
    vegaReady = [done];
    loadScript(root + "assets/vendor/vega-bundle.js", function () {
      var waiting = vegaReady;
      vegaReady = true;
      waiting.forEach(function (callback) { callback(); });
    });
  }

  // A chart whose spec carries no data reads it from its data table, which names each
  // column's field and type: the page carries the data once.
  function tableValues(element) {
    var figure = element.closest("figure");
    var heads = figure ? figure.querySelectorAll(".chart-data thead th[data-field]") : [];
    var values = [];
    if (!heads.length) return values;
    figure.querySelectorAll(".chart-data tbody tr").forEach(function (row) {
      var value = {};
      heads.forEach(function (head, column) {
        var text = row.children[column] ? row.children[column].textContent : "";
        var type = head.getAttribute("data-type");
        if (type === "boolean") value[head.getAttribute("data-field")] = text === "yes";
        else if (text === "") value[head.getAttribute("data-field")] = null;
        else value[head.getAttribute("data-field")] = type === "number" ? Number(text) : text;
      });
      values.push(value);
    });
    return values;
  }

  function chartSpec(element) {
    var spec = JSON.parse(document.getElementById(element.getAttribute("data-spec")).textContent);
    if (!spec.datasets.values) spec.datasets.values = tableValues(element);
    return spec;
  }

  function embed(element, spec) {
    window.vegaEmbed(element, spec, { renderer: "svg", actions: false, defaultStyle: false, ast: true, tooltip: { disableDefaultStyle: true } }).then(function (result) {
      var svg = result.view.container() && result.view.container().querySelector("svg");
      if (svg) {  // the figure's text alternative names the chart; the drawing itself is decoration
        svg.setAttribute("aria-hidden", "true");
        svg.setAttribute("focusable", "false");
      }
    }).catch(function (error) {
      element.textContent = "The chart could not be drawn; see the data table below.";
      console.warn(error);
    });
  }

  function drawCharts() {
    var charts = document.querySelectorAll(".vega-chart[data-spec]");
    if (!charts.length) return;
    withVega(function () {
      charts.forEach(function (element) { embed(element, chartSpec(element)); });
    });
  }

  /* The journey page as one persona experiences it: every chip with a slot shows that
     persona's score for the same place (or says there is none), the curve is redrawn with the
     persona's stage scores, and the choice lives in the URL (#persona=ID) and in the links
     to the other journey pages. */
  function personaSwitch() {
    var select = document.getElementById("persona-switch");
    var data = document.getElementById("persona-scores");
    if (!select || !data) return;
    var payload = JSON.parse(data.textContent);
    var personas = payload.personas;
    var reasons = payload.reasons;
    var wrap = select.closest(".persona-switch-wrap");
    wrap.hidden = false;
    var note = document.getElementById("persona-note");
    // A scored chip's slot is its data-key without the period; a chip without data has one.
    var chips = Array.prototype.slice.call(document.querySelectorAll("main .chip[data-key], main .chip[data-slot]"));
    function slotOf(chip) {
      return chip.getAttribute("data-slot") || chip.getAttribute("data-key").split("|").slice(0, 3).join("|");
    }
    var original = chips.map(function (chip) { return chip.cloneNode(true); });
    var texts = Array.prototype.slice.call(document.querySelectorAll("[data-persona-text]"));
    var originalTexts = texts.map(function (element) { return element.textContent; });
    var notes = Array.prototype.slice.call(document.querySelectorAll("[data-note-for]"));
    var originalNotes = notes.map(function (element) { return element.textContent; });
    var curve = document.querySelector(".vega-chart[id^='chart-curve-']");

    function chipFor(template, entry, persona) {
      var label = template.getAttribute("data-label") || "";
      var chip = document.createElement("span");
      chip.setAttribute("data-slot", slotOf(template));
      chip.setAttribute("data-label", label);
      var prefix = label ? label + ": " : "";
      var word = template.querySelector(".chip-status") && !template.querySelector(".chip-status.sr-only");
      if (Array.isArray(entry)) {  // [csv, status, text, reason, n, low sample, interval]
        var statusWord = entry[1].charAt(0).toUpperCase() + entry[1].slice(1);
        chip.className = "chip status-" + entry[1];
        chip.title = prefix + entry[0] + " " + entry[1] + ": " + reasons[entry[3]] +
          " · n = " + entry[4] + (entry[5] ? " (low sample)" : "") +
          (entry[6] ? " · 95% interval " + entry[6] : "");
        var value = document.createElement("span");
        value.className = "chip-value";
        value.textContent = entry[2];
        var status = document.createElement("span");
        status.className = word ? "chip-status" : "chip-status sr-only";
        status.textContent = " " + statusWord;
        chip.appendChild(value);
        chip.appendChild(status);
      } else {
        chip.className = "chip no-data";
        chip.title = prefix + (entry || "no answers from " + persona.name + " this month");
        chip.textContent = "–";
        var hidden = document.createElement("span");
        hidden.className = "sr-only";
        hidden.textContent = " no data for " + persona.name;
        chip.appendChild(hidden);
      }
      return chip;
    }

    function redrawCurve(persona) {
      if (!curve) return;
      var spec = chartSpec(curve);
      if (persona) {
        spec.datasets.values = persona.curve;
        spec.description = persona.curve_summary;
      }
      var summary = document.getElementById(curve.id + "-summary");
      if (summary) summary.textContent = persona ? persona.curve_summary : summary.getAttribute("data-all") || summary.textContent;
      withVega(function () { embed(curve, spec); });
    }

    function keepInLinks(id) {
      document.querySelectorAll("a.journey-link").forEach(function (link) {
        var href = link.getAttribute("href").split("#")[0];
        link.setAttribute("href", id ? href + "#persona=" + encodeURIComponent(id) : href);
      });
    }

    function show(id) {
      var persona = id ? personas[id] : null;
      chips.forEach(function (chip, i) {
        var replacement = persona
          ? chipFor(original[i], persona.scores[slotOf(original[i])], persona)
          : original[i].cloneNode(true);
        chip.replaceWith(replacement);
        chips[i] = replacement;
      });
      texts.forEach(function (element, i) {
        var key = element.getAttribute("data-persona-text");
        element.textContent = persona ? persona[key] : originalTexts[i];
      });
      notes.forEach(function (element, i) {
        var entry = persona ? persona.scores[element.getAttribute("data-note-for")] : null;
        element.textContent = persona ? (typeof entry === "string" ? entry : "") : originalNotes[i];
      });
      note.textContent = persona ? persona.note : "";
      var summary = curve && document.getElementById(curve.id + "-summary");
      if (summary && !summary.hasAttribute("data-all")) summary.setAttribute("data-all", summary.textContent);
      redrawCurve(persona);
      keepInLinks(persona ? id : "");
    }

    function fromHash() {
      var match = /(?:^#|&)persona=([^&]*)/.exec(window.location.hash);
      var id = match ? decodeURIComponent(match[1]) : "";
      if (id && !personas[id]) {
        note.textContent = "This journey has no scores for the persona “" + id + "”; showing all customers.";
        id = "";
      }
      select.value = id;
      if (id || select.getAttribute("data-shown")) show(id);
      select.setAttribute("data-shown", id);
    }

    select.addEventListener("change", function () {
      var id = select.value;
      var url = window.location.href.split("#")[0] + (id ? "#persona=" + encodeURIComponent(id) : "");
      try {
        window.history.replaceState(null, "", url);
      } catch (error) {  // some browsers refuse history changes on file:// pages
        window.location.hash = id ? "persona=" + encodeURIComponent(id) : "";
      }
      show(id);
      select.setAttribute("data-shown", id);
    });
    window.addEventListener("hashchange", fromHash);
    fromHash();
  }

  function playbookFilters() {
    var form = document.querySelector("form.filters");
    if (!form) return;
    form.hidden = false;
    var rows = document.querySelectorAll("table.playbook-index tbody tr");
    var output = form.querySelector(".filter-count");
    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var visible = true;
        form.querySelectorAll("[data-filter]").forEach(function (field) {
          var key = field.getAttribute("data-filter");
          var value = field.value.trim().toLowerCase();
          if (!value) return;
          if (key === "touchpoint-text") {  // a touchpoint's name (its cell) or id, in part
            var text = (row.cells[2].textContent + " " + row.getAttribute("data-touchpoints")).toLowerCase();
            if (text.indexOf(value) < 0) visible = false;
            return;
          }
          var cell = row.getAttribute("data-" + key) || "";
          if (key === "departments") {
            if (cell.indexOf(" " + value + " ") < 0) visible = false;
          } else if (cell !== value) {
            visible = false;
          }
        });
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      output.textContent = shown + " of " + rows.length + " playbooks";
    }
    form.addEventListener("change", apply);
    form.addEventListener("input", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply();
  }

  // --- Search: ranking and snippets (pure), then the search page and the header box ---

  var WORD_CHAR = /[\p{L}\p{N}]/u;
  var TITLE_WEIGHT = { word: 40, start: 25, part: 12 };  // any title match outranks the rest
  var HEADING_WEIGHT = { word: 9, start: 6, part: 4 };  // any heading match outranks the body
  var BODY_WEIGHT = 1, BODY_CAP = 3;  // per occurrence in the text, up to three

  /* Lower case without accents ("Café" → "cafe"); `offsets`, when given, receives for each
     folded character the index of the original character it came from, plus the end. */
  function fold(text, offsets) {
    var folded = "";
    var index = 0;
    for (var character of text) {
      var code = character.charCodeAt(0);
      var plain = code < 128 ? character.toLowerCase()
        : character.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
      if (offsets) for (var i = 0; i < plain.length; i += 1) offsets.push(index);
      folded += plain;
      index += character.length;
    }
    if (offsets) offsets.push(index);
    return folded;
  }

  function queryTerms(query) {
    var terms = fold(query).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    return terms.filter(function (term, index) { return terms.indexOf(term) === index; });
  }

  /* How `term` occurs in `text`: "word" (whole word), "start" (of a word), "part" or "". */
  function matchKind(text, term) {
    var best = "";
    for (var at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + 1)) {
      var starts = at === 0 || !WORD_CHAR.test(text[at - 1]);
      var ends = at + term.length === text.length || !WORD_CHAR.test(text[at + term.length]);
      if (starts && ends) return "word";
      best = starts ? "start" : best || "part";
    }
    return best;
  }

  function countOf(text, term, cap) {
    var count = 0;
    for (var at = text.indexOf(term); at >= 0 && count < cap; at = text.indexOf(term, at + term.length)) {
      count += 1;
    }
    return count;
  }

  var foldedDocuments = new WeakMap();

  function foldedDocument(doc) {
    var folded = foldedDocuments.get(doc);
    if (!folded) {
      folded = { title: fold(doc.title), headings: (doc.headings || []).map(function (h) { return fold(h); }), text: fold(doc.text) };
      foldedDocuments.set(doc, folded);
    }
    return folded;
  }

  /* The documents matching every term of `query`, best first; ties by title.
     Per term: a title match (whole word > word start > part) outweighs any heading match,
     which outweighs the body, where each occurrence counts, up to BODY_CAP. */
  function rankDocuments(documents, query) {
    var terms = queryTerms(query);
    if (!terms.length) return [];
    var ranked = [];
    documents.forEach(function (doc) {
      var folded = foldedDocument(doc);
      var score = 0;
      var all = terms.every(function (term) {
        var title = matchKind(folded.title, term);
        var heading = "";
        folded.headings.forEach(function (text) {
          var kind = matchKind(text, term);
          if (kind && (!heading || HEADING_WEIGHT[kind] > HEADING_WEIGHT[heading])) heading = kind;
        });
        var body = countOf(folded.text, term, BODY_CAP);
        score += (title ? TITLE_WEIGHT[title] : 0) + (heading ? HEADING_WEIGHT[heading] : 0) + body * BODY_WEIGHT;
        return title || heading || body;
      });
      if (all) ranked.push({ doc: doc, score: score });
    });
    ranked.sort(function (a, b) { return (b.score - a.score) || a.doc.title.localeCompare(b.doc.title); });
    return ranked.map(function (entry) { return entry.doc; });
  }

  /* About `length` characters of `text` around the first match of any term, as parts
     {text, mark}: mark is true where a term matched. */
  function snippetParts(text, query, length) {
    var terms = queryTerms(query);
    var offsets = [];
    var folded = fold(text, offsets);
    var first = -1;
    terms.forEach(function (term) {
      var at = folded.indexOf(term);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    });
    var from = first < 0 ? 0 : Math.max(0, offsets[first] - Math.floor(length / 3));
    var to = Math.min(text.length, from + length);
    if (from > 0) { var space = text.indexOf(" ", from); if (space >= 0 && space < offsets[first]) from = space + 1; }
    if (to < text.length) { var last = text.lastIndexOf(" ", to); if (last > from) to = last; }
    var marks = [];  // [start, end) in `text`, sorted, not overlapping
    terms.forEach(function (term) {
      for (var at = folded.indexOf(term); at >= 0; at = folded.indexOf(term, at + term.length)) {
        marks.push([offsets[at], offsets[at + term.length]]);
      }
    });
    marks.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var parts = [];
    var cursor = from;
    marks.forEach(function (mark) {
      var start = Math.max(mark[0], cursor), end = Math.min(mark[1], to);
      if (start >= end) return;
      if (start > cursor) parts.push({ text: text.slice(cursor, start), mark: false });
      parts.push({ text: text.slice(start, end), mark: true });
      cursor = end;
    });
    if (cursor < to) parts.push({ text: text.slice(cursor, to), mark: false });
    if (from > 0) parts.unshift({ text: "…", mark: false });
    if (to < text.length) parts.push({ text: "…", mark: false });
    return parts;
  }

  function element(tag, className, text) {
    var made = document.createElement(tag);
    if (className) made.className = className;
    if (text) made.textContent = text;
    return made;
  }

  /* A result as DOM (never HTML: the index holds user content): title, kind, snippet. */
  function resultLink(doc, query, length) {
    var link = element("a", "search-result");
    link.href = root + doc.url;
    link.appendChild(element("span", "search-title", doc.title));
    link.appendChild(document.createTextNode(" "));
    link.appendChild(element("span", "search-kind", doc.kind));
    var snippet = element("span", "search-snippet");
    snippetParts(doc.text, query, length).forEach(function (part) {
      snippet.appendChild(part.mark ? element("mark", "", part.text) : document.createTextNode(part.text));
    });
    if (snippet.childNodes.length) {
      link.appendChild(document.createTextNode(" "));
      link.appendChild(snippet);
    }
    return link;
  }

  function resultsText(count, query) {
    return (count === 0 ? "No" : count) + (count === 1 ? " result" : " results") + " for “" + query.trim() + "”";
  }

  function searchPage() {
    var input = document.getElementById("search-input");
    if (!input || !window.CX_SEARCH) return;
    var results = document.querySelector(".search-results");
    var status = document.querySelector(".search-status");
    function run() {
      var query = input.value;
      var found = rankDocuments(window.CX_SEARCH, query);
      results.textContent = "";
      status.textContent = queryTerms(query).length ? resultsText(found.length, query) : "";
      found.slice(0, 50).forEach(function (doc) {
        var item = document.createElement("li");
        item.appendChild(resultLink(doc, query, 160));
        results.appendChild(item);
      });
    }
    input.addEventListener("input", run);
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) { input.value = query; }
    run();
    input.closest("form").addEventListener("submit", function (event) { event.preventDefault(); run(); });
  }

  var indexWaiting = null;  // callbacks waiting for the index, while it loads

  /* Call `done` once window.CX_SEARCH is there, loading it on first use: a script element
     works from file:// (fetch does not) and under the CSP's script-src 'self'. */
  function withIndex(done, failed) {
    if (window.CX_SEARCH) { done(); return; }
    if (indexWaiting) { indexWaiting.push({ done: done, failed: failed }); return; }
    indexWaiting = [{ done: done, failed: failed }];
    var script = document.createElement("script");
    script.src = root + "assets/search-index.js";
    script.onload = function () {
      var waiting = indexWaiting;
      indexWaiting = null;
      waiting.forEach(function (callbacks) { callbacks.done(); });
    };
    script.onerror = function () {
      var waiting = indexWaiting;
      indexWaiting = null;
      script.remove();
      waiting.forEach(function (callbacks) { callbacks.failed(); });
    };
    document.head.appendChild(script);
  }

  var HEADER_RESULTS = 8;

  function headerSearch() {
    var input = document.getElementById("site-search");
    if (!input) return;
    var form = input.form;
    var panel = document.getElementById("site-search-panel");
    var status = document.getElementById("site-search-status");
    var announce = 0;

    function close() {
      panel.hidden = true;
    }

    function say(text) {  // the count, once typing pauses, rather than at every key
      clearTimeout(announce);
      announce = setTimeout(function () { status.textContent = text; }, 500);
    }

    function show() {
      var query = input.value;
      panel.textContent = "";
      if (!queryTerms(query).length) { close(); say(""); return; }
      var found = rankDocuments(window.CX_SEARCH, query);
      if (found.length) {
        var list = element("ul", "site-search-list");
        found.slice(0, HEADER_RESULTS).forEach(function (doc) {
          var item = document.createElement("li");
          item.appendChild(resultLink(doc, query, 90));
          list.appendChild(item);
        });
        panel.appendChild(list);
        var all = element("a", "site-search-all", "All " + found.length + (found.length === 1 ? " result" : " results"));
        all.href = root + "search.html?q=" + encodeURIComponent(query.trim());
        panel.appendChild(all);
      } else {
        panel.appendChild(element("p", "site-search-none", resultsText(0, query)));
      }
      panel.hidden = false;
      say(resultsText(found.length, query));
    }

    function unavailable() {
      panel.textContent = "";
      panel.appendChild(element("p", "site-search-none", "Search is not available: its index did not load."));
      panel.hidden = false;
    }

    function update() {
      withIndex(function () {
        if (document.activeElement === input || form.contains(document.activeElement)) show();
      }, unavailable);
    }

    function links() { return Array.prototype.slice.call(panel.querySelectorAll("a")); }

    // Focus only starts loading the index: results open as one types (or on ArrowDown).
    input.addEventListener("focus", function () { withIndex(function () {}, function () {}); });
    input.addEventListener("input", update);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && panel.hidden && queryTerms(input.value).length) {
        event.preventDefault();
        update();
      } else if (event.key === "ArrowDown" && !panel.hidden && links().length) {
        event.preventDefault();
        links()[0].focus();
      } else if (event.key === "Escape" && !panel.hidden) {
        event.preventDefault();  // keep the query: Escape closes the results first
        close();
      }
    });
    panel.addEventListener("keydown", function (event) {
      var all = links();
      var at = all.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && at >= 0) {
        event.preventDefault();
        all[Math.min(at + 1, all.length - 1)].focus();
      } else if (event.key === "ArrowUp" && at >= 0) {
        event.preventDefault();
        (at === 0 ? input : all[at - 1]).focus();
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
        input.focus();
      }
    });
    form.addEventListener("focusout", function (event) {  // Tab out of the box and results
      if (event.relatedTarget && !form.contains(event.relatedTarget)) close();
    });
    document.addEventListener("pointerdown", function (event) {  // a click anywhere else
      if (!form.contains(event.target)) close();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    personaSwitch();
    playbookFilters();
    searchPage();
    headerSearch();
  });
})();
