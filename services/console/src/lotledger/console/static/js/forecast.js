// Draws a product's forecast sellable stock per day with uPlot. The page's lot table
// carries the same facts without JS.
(function () {
  "use strict";
  var el = document.getElementById("chart");
  var source = document.getElementById("chart-data");
  if (!el || !source || typeof uPlot === "undefined") return;
  var d = JSON.parse(source.textContent);
  if (!d) return;
  var times = d.days.map(function (day) { return Date.parse(day + "T00:00:00Z") / 1000; });
  function width() { return Math.max(320, el.clientWidth || 800); }
  var plot = new uPlot({
    width: width(),
    height: 300,
    series: [{}, { label: "Sellable units", stroke: "#0b4f8a", width: 2, fill: "rgba(11, 79, 138, 0.08)" }],
    axes: [{}, { label: "units" }],
    scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(1, max * 1.1)]; } } },
    hooks: { ready: [function () {
      el.setAttribute("data-points", String(times.length));
      el.setAttribute("data-ready", "true");
    }] }
  }, [times, d.units], el);
  window.addEventListener("resize", function () { plot.setSize({ width: width(), height: 300 }); });
})();
