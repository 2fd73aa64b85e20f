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

  function chartSpec(element) {
    return JSON.parse(document.getElementById(element.getAttribute("data-spec")).textContent);
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
    var personas = JSON.parse(data.textContent);
    var wrap = select.closest(".persona-switch-wrap");
    wrap.hidden = false;
    var note = document.getElementById("persona-note");
    var chips = Array.prototype.slice.call(document.querySelectorAll("[data-slot]"));
    var original = chips.map(function (chip) { return chip.cloneNode(true); });
    var texts = Array.prototype.slice.call(document.querySelectorAll("[data-persona-text]"));
    var originalTexts = texts.map(function (element) { return element.textContent; });
    var notes = Array.prototype.slice.call(document.querySelectorAll("[data-note-for]"));
    var originalNotes = notes.map(function (element) { return element.textContent; });
    var curve = document.querySelector(".vega-chart[id^='chart-curve-']");

    function chipFor(template, entry, persona) {
      var label = template.getAttribute("data-label") || "";
      var chip = document.createElement("span");
      chip.setAttribute("data-slot", template.getAttribute("data-slot"));
      chip.setAttribute("data-label", label);
      var prefix = label ? label + ": " : "";
      var word = template.querySelector(".chip-status") && !template.querySelector(".chip-status.sr-only");
      if (Array.isArray(entry)) {
        chip.className = "chip status-" + entry[1];
        chip.title = prefix + entry[4];
        var value = document.createElement("span");
        value.className = "chip-value";
        value.textContent = entry[2];
        var status = document.createElement("span");
        status.className = word ? "chip-status" : "chip-status sr-only";
        status.textContent = " " + entry[3];
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
          ? chipFor(original[i], persona.scores[chip.getAttribute("data-slot")], persona)
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
        form.querySelectorAll("select[data-filter]").forEach(function (select) {
          var key = select.getAttribute("data-filter");
          var value = select.value;
          if (!value) return;
          var cell = row.getAttribute("data-" + key) || "";
          if (key === "departments" || key === "touchpoints") {
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
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply();
  }

  function search() {
    var input = document.getElementById("search-input");
    if (!input || !window.CX_SEARCH) return;
    var results = document.querySelector(".search-results");
    var status = document.querySelector(".search-status");
    var documents = window.CX_SEARCH;
    function run() {
      var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      results.textContent = "";
      if (!terms.length) { status.textContent = ""; return; }
      var found = documents.filter(function (doc) {
        var haystack = (doc.title + " " + doc.text).toLowerCase();
        return terms.every(function (term) { return haystack.indexOf(term) >= 0; });
      });
      found.sort(function (a, b) {
        var at = terms.every(function (t) { return a.title.toLowerCase().indexOf(t) >= 0; });
        var bt = terms.every(function (t) { return b.title.toLowerCase().indexOf(t) >= 0; });
        return (bt - at) || a.title.localeCompare(b.title);
      });
      status.textContent = found.length + (found.length === 1 ? " result" : " results");
      found.slice(0, 50).forEach(function (doc) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = root + doc.url;
        link.textContent = doc.title;
        var kind = document.createElement("span");
        kind.className = "search-kind";
        kind.textContent = " " + doc.kind;
        item.appendChild(link);
        item.appendChild(kind);
        results.appendChild(item);
      });
    }
    input.addEventListener("input", run);
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) { input.value = query; }
    run();
    input.closest("form").addEventListener("submit", function (event) { event.preventDefault(); run(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    personaSwitch();
    playbookFilters();
    search();
  });
})();
