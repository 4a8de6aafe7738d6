/* geo-ntm commune page: the search box and a small map of the commune among its neighbours.
 * The outlines are fetched (communes layer of the page's date, cut to a box around the commune);
 * names are written with textContent (see planning-common.js).
 */
(function () {
  "use strict";
  var P = window.NtmPlan, el = P.el, cfg = P.config(), lang = cfg.lang;
  P.initSearch(cfg);
  var box = document.getElementById("pl-cmap");
  if (!box) { return; }
  var map = L.map(box, {minZoom: 7, maxZoom: 16, scrollWheelZoom: false});
  if (cfg.baseMap) { L.tileLayer(cfg.baseMap, {attribution: cfg.baseMapAttribution, opacity: 0.6}).addTo(map); }
  var b = cfg.bounds;
  map.fitBounds([[b[1], b[0]], [b[3], b[2]]], {padding: [30, 30]});
  L.control.scale({imperial: false}).addTo(map);
  var keys = new NtmMapKeys(map, {hint: cfg.keysHint, label: function (f) { return f.properties.name + ": " + (lang === "en" ? f.properties.status_en : f.properties.status_vi); }});

  function style(f) {
    var p = f.properties;
    if (p.code === cfg.code) { return {fillColor: P.statusFill(cfg, p.status), fillOpacity: 0.95, color: "#000", weight: 3, opacity: 1}; }
    return {fillColor: "#d9dde1", fillOpacity: 0.7, color: "#6b737b", weight: 0.8, opacity: 1};
  }

  P.getJSON(cfg.layerUrl).then(function (data) {
    var layer = L.geoJSON(data, {style: style, onEachFeature: function (f, l) {
      var p = f.properties, label = p.name + ": " + (lang === "en" ? p.status_en : p.status_vi);
      l.bindTooltip(el("span", {text: label}), {sticky: true});
      if (p.code !== cfg.code) {
        l.on("click", function () { window.location.href = cfg.communePage.replace("{code}", encodeURIComponent(p.code)); });
      }
      l.on("add", function () {
        var path = l.getElement && l.getElement();
        if (path) { path.setAttribute("data-code", p.code); }
      });
    }}).addTo(map);
    keys.use(layer);
    layer.eachLayer(function (l) { if (l.feature.properties.code === cfg.code) { l.bringToFront(); } });
    document.documentElement.setAttribute("data-pl-cmap", String(data.features.length));
  }).catch(function (err) {
    box.parentNode.appendChild(el("p", {className: "pl-hint", text: cfg.text.failed + " " + err.message}));
  });
})();
