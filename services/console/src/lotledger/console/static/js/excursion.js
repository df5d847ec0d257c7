// Draws the excursion chart with uPlot: the readings, the location's range as a green
// band, the excursion shaded red. The page's tables carry the same facts without JS.
(function () {
  "use strict";
  var el = document.getElementById("chart");
  var source = document.getElementById("chart-data");
  if (!el || !source || typeof uPlot === "undefined") return;
  var d = JSON.parse(source.textContent);
  var humid = d.kind.indexOf("humidity") === 0 && d.humidityBand;
  var band = humid ? d.humidityBand : d.band;
  var bandScale = humid ? "%" : "C";

  function around(lo, hi) {
    return function (u, min, max) {
      var a = min === null ? lo : Math.min(min, lo), b = max === null ? hi : Math.max(max, hi);
      var pad = Math.max(1, (b - a) * 0.1);
      return [a - pad, b + pad];
    };
  }

  var series = [{}, { label: "Temperature (°C)", stroke: "#0b4f8a", width: 2, scale: "C", spanGaps: true }];
  var data = [d.times, d.temperature];
  var axes = [{}, { scale: "C", label: "°C" }];
  var scales = { x: { time: true }, C: { range: around(d.band[0], d.band[1]) } };
  if (d.humidity) {
    series.push({ label: "Humidity (%RH)", stroke: "#6a3d9a", width: 1.5, scale: "%", spanGaps: true });
    data.push(d.humidity);
    axes.push({ scale: "%", side: 1, label: "%RH", grid: { show: false } });
    var hb = d.humidityBand || [0, 100];
    scales["%"] = { range: around(hb[0], hb[1]) };
  }

  function underlay(u) {
    var ctx = u.ctx, box = u.bbox;
    ctx.save();
    var top = u.valToPos(band[1], bandScale, true), bottom = u.valToPos(band[0], bandScale, true);
    ctx.fillStyle = "rgba(27, 94, 32, 0.16)";
    ctx.fillRect(box.left, top, box.width, bottom - top);
    var x0 = Math.max(u.valToPos(d.shade[0], "x", true), box.left);
    var x1 = Math.min(u.valToPos(d.shade[1], "x", true), box.left + box.width);
    ctx.fillStyle = "rgba(163, 20, 12, 0.2)";
    if (x1 > x0) ctx.fillRect(x0, box.top, x1 - x0, box.height);
    ctx.restore();
    el.setAttribute("data-band", band[0] + "-" + band[1]);
    el.setAttribute("data-shade", Math.round(x1 - x0) + "px");
    el.setAttribute("data-ready", "true");
  }

  function width() { return Math.max(320, el.clientWidth || 800); }
  var plot = new uPlot({
    width: width(),
    height: 320,
    series: series,
    axes: axes,
    scales: scales,
    hooks: { drawClear: [underlay] }
  }, data, el);
  window.addEventListener("resize", function () { plot.setSize({ width: width(), height: 320 }); });
})();
