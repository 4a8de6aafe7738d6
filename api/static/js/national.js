// The national map: provinces coloured by the published share of their communes at NTM standard.
// Names and sources are data: tooltips are built as text nodes, never as HTML.
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("national-config").textContent);
  var classes = [
    { min: 100, color: "#1a7f37", label: "100%" },
    { min: 90, color: "#57ab5a", label: "90–99%" },
    { min: 75, color: "#a6d96a", label: "75–89%" },
    { min: 50, color: "#fee08b", label: "50–74%" },
    { min: 0, color: "#fdae61", label: "< 50%" }
  ];
  var noData = "#d9d9d9";
  function colour(share) {
    if (share === null || share === undefined) return noData;
    for (var i = 0; i < classes.length; i++) if (share >= classes[i].min) return classes[i].color;
    return noData;
  }
  var map = L.map("national-map", { zoomSnap: 0.25 });
  var b = cfg.bounds;
  map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
  function tooltip(p) {
    var el = document.createElement("div");
    function line(text, strong) {
      var d = document.createElement(strong ? "strong" : "div");
      d.textContent = text;
      el.appendChild(d);
      if (strong) el.appendChild(document.createElement("br"));
    }
    line(p.name, true);
    line(cfg.words.share + ": " + (p.share_pct === null ? cfg.words.no_data : p.share_pct + "%"));
    if (p.as_of) line(cfg.words.as_of + " " + p.as_of + (p.precision && p.precision !== "exact" ? " (" + p.precision + ")" : ""));
    if (p.publisher) line(cfg.words.source + ": " + p.publisher);
    if (p.status) line(cfg.words.status + ": " + (cfg.statuses[p.status] || p.status));
    return el;
  }
  fetch(cfg.data).then(function (r) { return r.json(); }).then(function (data) {
    document.documentElement.setAttribute("data-national-features", String(data.features.length));
    L.geoJSON(data, {
      style: function (f) {
        var done = f.properties.status === "hoan_thanh";
        return { color: done ? "#111" : "#666", weight: done ? 2.5 : 0.8, fillColor: colour(f.properties.share_pct), fillOpacity: 0.85 };
      },
      onEachFeature: function (f, layer) { layer.bindTooltip(tooltip(f.properties), { sticky: true }); }
    }).addTo(map);
    document.documentElement.setAttribute("data-national-loaded", cfg.date);
  });
  var legend = document.getElementById("national-legend");
  var title = document.createElement("strong");
  title.textContent = cfg.words.legend + ":";
  legend.appendChild(title);
  classes.concat([{ color: noData, label: cfg.words.no_data }]).forEach(function (c) {
    var item = document.createElement("span");
    var sw = document.createElement("span");
    sw.className = "swatch";
    sw.style.background = c.color;
    item.appendChild(sw);
    item.appendChild(document.createTextNode(c.label));
    legend.appendChild(item);
  });
  var done = document.createElement("span");
  var sw = document.createElement("span");
  sw.className = "swatch";
  sw.style.border = "2.5px solid #111";
  done.appendChild(sw);
  done.appendChild(document.createTextNode(cfg.words.completed));
  legend.appendChild(done);
})();
