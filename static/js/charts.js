// Draws each <figure data-chart data-kind="…"> of a dashboard with ECharts (vendored, see
// static/js/vendor/README.md) from the data table inside it: the first column names the
// categories, each further column is a series, and each cell's data-value is the number.
// The table stays on the page, so the chart never says more than it does.
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }

  var palette = ["#1f4e8c", "#2e7d32", "#9a6700", "#b3261e", "#6a4c93", "#00838f", "#5f6b7a", "#ad1457"];

  function readTable(table) {
    var series = [];
    table.querySelectorAll("thead th").forEach(function (th, i) { if (i > 0) { series.push(th.textContent.trim()); } });
    var labels = [], values = series.map(function () { return []; });
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      labels.push(tr.querySelector("th").textContent.trim());
      tr.querySelectorAll("td").forEach(function (td, i) { values[i].push(parseFloat(td.getAttribute("data-value")) || 0); });
    });
    return { labels: labels, series: series, values: values };
  }

  function option(kind, d) {
    var base = { color: palette, animation: false, textStyle: { fontFamily: "inherit" },
      tooltip: { trigger: kind === "pie" || kind === "funnel" ? "item" : "axis" } };
    if (kind === "pie" || kind === "funnel") {
      base.series = [{ type: kind, radius: kind === "pie" ? ["35%", "65%"] : undefined,
        top: 10, bottom: 10, sort: kind === "funnel" ? "none" : undefined,
        label: { formatter: "{b}：{c}" },
        data: d.labels.map(function (l, i) { return { name: l, value: d.values[0][i] }; }) }];
      return base;
    }
    base.grid = { left: 8, right: 16, top: d.series.length > 1 ? 36 : 16, bottom: 8, containLabel: true };
    if (d.series.length > 1) { base.legend = { type: "scroll", top: 0 }; }
    if (kind === "hbar") {
      // a ranking: one bar per row, the first at the top, long names cut (the table has them whole)
      base.yAxis = { type: "category", data: d.labels, inverse: true,
        axisLabel: { interval: 0, width: 150, overflow: "truncate" } };
      base.xAxis = { type: "value" };
      base.series = d.series.map(function (name, i) {
        return { name: name, type: "bar", data: d.values[i], barMaxWidth: 18, label: { show: true, position: "right" } };
      });
      return base;
    }
    base.xAxis = { type: "category", data: d.labels, axisLabel: { interval: 0, hideOverlap: true } };
    base.yAxis = { type: "value", minInterval: 1 };
    base.series = d.series.map(function (name, i) {
      return { name: name, type: kind === "line" ? "line" : "bar", stack: kind === "stacked" ? "all" : undefined,
        data: d.values[i], barMaxWidth: 36 };
    });
    return base;
  }

  document.querySelectorAll("figure[data-chart]").forEach(function (fig) {
    var el = fig.querySelector(".chart-canvas"), table = fig.querySelector("table");
    if (!el || !table) { return; }
    var d = readTable(table);
    if (d.labels.length === 0) { el.hidden = true; return; }
    if (fig.getAttribute("data-kind") === "hbar") { el.style.height = Math.max(160, d.labels.length * 24 + 40) + "px"; }
    var chart = echarts.init(el, null, { renderer: "canvas", locale: "ZH" });
    chart.setOption(option(fig.getAttribute("data-kind"), d));
    window.addEventListener("resize", function () { chart.resize(); });
    fig.setAttribute("data-drawn", "true");
  });
})();
