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

  function drawCharts() {
    var charts = document.querySelectorAll(".vega-chart[data-spec]");
    if (!charts.length) return;
    loadScript(root + "assets/vendor/vega-bundle.js", function () {
      charts.forEach(function (element) {
        var spec = JSON.parse(document.getElementById(element.getAttribute("data-spec")).textContent);
        window.vegaEmbed(element, spec, { renderer: "svg", actions: false, defaultStyle: false, ast: true, tooltip: { disableDefaultStyle: true } }).catch(function (error) {
          element.textContent = "The chart could not be drawn; see the data table below.";
          console.warn(error);
        });
      });
    });
  }

  function personaSwitch() {
    var select = document.getElementById("persona-switch");
    if (!select) return;
    select.closest("[hidden]") && select.closest("[hidden]").removeAttribute("hidden");
    select.addEventListener("change", function () {
      var chosen = select.value;
      document.querySelectorAll("[data-persona]").forEach(function (element) {
        element.hidden = element.getAttribute("data-persona") !== chosen;
      });
    });
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
