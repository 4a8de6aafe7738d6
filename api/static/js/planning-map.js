/* geo-ntm planners' map: the especially difficult communes on a date, their ranking, filters and panel.
 *
 * Geometry is fetched once per date and list (the difficult-communes GeoJSON, unfiltered); filters
 * fetch only the rows (JSON) and restyle the map: communes outside the filters keep a dashed outline.
 * Data strings are written with textContent (see planning-common.js).
 */
(function () {
  "use strict";
  var P = window.NtmPlan, el = P.el, cfg = P.config(), t = cfg.text, lang = cfg.lang;
  var form = document.getElementById("pl-form"), tbody = document.getElementById("pl-rows");
  var panel = document.getElementById("pl-panel"), live = document.getElementById("pl-live");
  var state = {rows: [], byCode: {}, mode: "status", selected: null, features: {}, seq: 0};
  var FILTERS = {district: 1, status: 1, missing: 1, below_target: 1, sort: 1};

  P.initSearch(cfg);
  var map = L.map("pl-map", {minZoom: 6, maxZoom: 16});
  if (cfg.baseMap) { L.tileLayer(cfg.baseMap, {attribution: cfg.baseMapAttribution, opacity: 0.6}).addTo(map); }
  map.fitBounds([[cfg.bounds[1], cfg.bounds[0]], [cfg.bounds[3], cfg.bounds[2]]]);
  L.control.scale({imperial: false}).addTo(map);
  var layer = null;
  var keys = new NtmMapKeys(map, {hint: cfg.keysHint, label: function (f) { return f.properties.name + ": " + statusLabel(f.properties); }});

  function index(rows) {
    state.rows = rows; state.byCode = {};
    rows.forEach(function (r) { state.byCode[r.code] = r; });
  }

  function statusLabel(p) { return lang === "en" ? p.status_en : p.status_vi; }
  function fraction(a, b) { return (a === null || a === undefined ? "—" : a) + "/" + (b === null || b === undefined ? "—" : b); }

  function style(feature) {
    var p = feature.properties, chosen = state.selected === p.code;
    if (!state.byCode[p.code]) {
      return {fillColor: "#eeeeee", fillOpacity: 0.6, color: chosen ? "#000" : "#555", weight: chosen ? 3 : 1.2, dashArray: "5 4", opacity: 1};
    }
    var fill = state.mode === "share" ? P.shareFill(cfg, p.dbkk_share) : P.statusFill(cfg, p.status);
    return {fillColor: fill, fillOpacity: 0.9, color: chosen ? "#000" : cfg.outline, weight: chosen ? 3.5 : 0.8, dashArray: null, opacity: 1};
  }

  function restyle() {
    if (!layer) { return; }
    layer.setStyle(style);
    if (state.selected && state.features[state.selected]) { state.features[state.selected].bringToFront(); }
  }

  function tip(p) {
    return el("div", {className: "pl-tip"}, [el("strong", {text: p.name}), el("br"), statusLabel(p), el("br"),
      t.col_villages + ": " + fraction(p.dbkk_villages_ntm, p.dbkk_villages) + " (" + P.pct(p.dbkk_share, lang) + ")"]);
  }

  function bar(share, target) {
    var box = el("span", {className: "pl-bar", "aria-hidden": "true"}), fill = el("span", {className: "pl-bar-fill"});
    fill.style.width = Math.min(100, Math.round((share || 0) * 100)) + "%";
    box.appendChild(fill);
    if (target !== null && target !== undefined) {
      var mark = el("span", {className: "pl-bar-target"});
      mark.style.left = Math.round(target * 100) + "%";
      box.appendChild(mark);
    }
    return box;
  }

  function missingText(r) {
    if (r.criteria_missing === null || r.criteria_missing === undefined) { return t.not_assessed; }
    if (!r.criteria_missing.length) { return t.all_met; }
    return (lang === "en" ? r.criteria_missing_en : r.criteria_missing_vi).join("; ");
  }

  function renderRows() {
    tbody.textContent = "";
    state.rows.forEach(function (r) {
      var show = el("button", {type: "button", className: "pl-show", "aria-label": P.fmt(t.showOnMap, {name: r.name}), text: t.show});
      var tr = el("tr", {"data-code": r.code}, [
        el("td", {className: "num", text: r.position === null ? "—" : String(r.position)}),  // wards, towns: not ranked
        el("th", {scope: "row"}, [el("a", {href: cfg.communePage.replace("{code}", encodeURIComponent(r.code)), text: r.name})]),
        el("td", {text: r.district_name || ""}),
        el("td", {}, [P.swatch(P.statusFill(cfg, r.status)), statusLabel(r)]),
        el("td", {text: missingText(r)}),
        el("td", {className: "num", text: fraction(r.dbkk_villages_ntm, r.dbkk_villages)}),
        el("td", {className: "share"}, [bar(r.dbkk_share, r.target), P.pct(r.dbkk_share, lang) + " / " + P.pct(r.target, lang)]),
        el("td", {className: "num", text: r.gap === null || r.gap === undefined ? "—" : String(r.gap)}),
        el("td", {}, [show])]);
      if (r.code === state.selected) { tr.className = "pl-selected"; }
      tbody.appendChild(tr);
    });
    document.getElementById("pl-empty").hidden = state.rows.length > 0;
    document.getElementById("pl-table").hidden = state.rows.length === 0;
    document.documentElement.setAttribute("data-pl-rows", String(state.rows.length));
  }

  function renderTotals(tt) {
    var text = P.fmt(t.totals, {n: tt.communes, ntm: tt.dbkk_villages_ntm, total: tt.dbkk_villages, share: P.pct(tt.dbkk_share, lang)});
    if (tt.target !== null && tt.target !== undefined) {
      text += P.fmt(t.totals_target, {target: P.pct(tt.target, lang), gap: tt.gap_overall, gap_sum: tt.gap_sum, below: tt.below_target});
    }
    document.getElementById("pl-totals").textContent = text;
  }

  function renderNotes(notes) {
    var box = document.getElementById("pl-notes");
    box.textContent = "";
    notes.forEach(function (n) { box.appendChild(el("p", {className: "banner", role: "note", text: n[lang]})); });
  }

  function filters() {
    var fd = new FormData(form);
    return {date: cfg.date, list: cfg.list, district: fd.get("district"), status: fd.getAll("status"),
      missing: fd.get("missing"), below_target: fd.get("below_target") ? "true" : null, sort: fd.get("sort")};
  }

  function remember(f) {
    window.history.replaceState(null, "", "/planning/map?" + P.query(Object.assign({}, f, {lang: lang})));
    document.querySelectorAll(".langs a").forEach(function (a, i) {
      a.setAttribute("href", "?" + P.query(Object.assign({}, f, {lang: i === 0 ? "vi" : "en"})));
    });
    var q = P.query(f);
    document.getElementById("pl-csv").setAttribute("href", cfg.rowsUrl + "?" + q + "&format=csv");
    document.getElementById("pl-xlsx").setAttribute("href", cfg.rowsUrl + "?" + q + "&format=xlsx");
  }

  function refresh() {
    var f = filters(), mine = ++state.seq;
    live.textContent = t.loading;
    P.getJSON(cfg.rowsUrl + "?" + P.query(f)).then(function (data) {
      if (mine !== state.seq) { return; }
      index(data.rows); renderRows(); renderTotals(data.totals); renderNotes(data.notes); restyle(); remember(f);
      focusRows();
      live.textContent = P.fmt(t.shown, {n: data.rows.length});
    }).catch(function (err) { if (mine === state.seq) { live.textContent = t.failed + " " + err.message; } });
  }

  function focusRows() {
    var bounds = null;
    state.rows.forEach(function (r) {
      var f = state.features[r.code];
      if (f) { bounds = bounds ? bounds.extend(f.getBounds()) : L.latLngBounds(f.getBounds().getSouthWest(), f.getBounds().getNorthEast()); }
    });
    if (bounds) { map.fitBounds(bounds, {padding: [20, 20], maxZoom: 12}); }
  }

  function row(label, value) {
    return [el("dt", {text: label}), el("dd", {}, Array.isArray(value) ? value : [value])];
  }

  function renderPanel(code, focus) {
    var r = state.byCode[code] || (state.features[code] && state.features[code].feature.properties);
    if (!r) { return; }
    var close = el("button", {type: "button", className: "pl-close", "aria-label": t.close, text: "×"});
    close.addEventListener("click", function () { select(null); });
    var head = el("h2", {id: "pl-panel-h", tabindex: "-1", text: r.name});
    var items = row(t.status_h, [P.swatch(P.statusFill(cfg, r.status)), statusLabel(r) + (r.decision_no ? " (" + r.decision_no + ")" : "")]);
    if (r.review_vi) { items = items.concat(row(t.review, lang === "en" ? r.review_en : r.review_vi)); }
    if (r.criteria_met_count !== null && r.criteria_met_count !== undefined) {
      var names = lang === "en" ? r.criteria_missing_en : r.criteria_missing_vi;
      items = items.concat(row(t.criteria_h, [P.fmt(t.metOf, {met: r.criteria_met_count, total: r.criteria_total}),
        names && names.length ? el("ul", {className: "pl-missing"}, names.map(function (n) { return el("li", {text: t.criteria_missing + ": " + n}); })) : null]));
    } else { items = items.concat(row(t.criteria_h, t.not_assessed)); }
    items = items.concat(row(t.dbkk_villages, [bar(r.dbkk_share, r.target),
      fraction(r.dbkk_villages_ntm, r.dbkk_villages) + " (" + P.pct(r.dbkk_share, lang) + " / " + t.target.toLowerCase() + " " + P.pct(r.target, lang) + ")"]));
    if (r.gap !== null && r.gap !== undefined) { items = items.concat(row(t.gap, P.fmt(t.gap_line, {gap: r.gap, needed: r.needed}))); }
    if (r.villages_total !== null && r.villages_total !== undefined) {
      items = items.concat(row(t.all_villages, P.fmt(t.villages_line, {ntm: r.villages_ntm, total: r.villages_total, km: r.villages_kieu_mau})));
    }
    if (r.villages_as_of) { items = items.concat(row(t.col_as_of, P.day(r.villages_as_of, lang))); }
    items = items.concat(row(t.source, r.source === "illustrative" ? t.illustrative : (r.source ? t.official : "—")));
    panel.textContent = "";
    panel.appendChild(el("div", {className: "pl-panel-head"}, [head, close]));
    panel.appendChild(el("p", {className: "pl-meta", text: [r.district_name, t.code + " " + r.code].filter(Boolean).join(" · ")}));
    panel.appendChild(el("dl", {className: "pl-facts"}, items));
    panel.appendChild(el("p", {}, [el("a", {className: "pl-open", href: cfg.communePage.replace("{code}", encodeURIComponent(r.code)), text: t.openPage})]));
    panel.setAttribute("data-code", code);
    if (focus) { head.focus(); }
  }

  function select(code, opts) {
    opts = opts || {};
    state.selected = code;
    tbody.querySelectorAll("tr").forEach(function (tr) { tr.className = tr.getAttribute("data-code") === code ? "pl-selected" : ""; });
    restyle();
    if (!code) { panel.textContent = ""; panel.appendChild(el("p", {className: "pl-hint", text: t.panel_hint})); panel.removeAttribute("data-code"); return; }
    renderPanel(code, opts.focus);
    var f = state.features[code];
    if (f && opts.zoom) { map.fitBounds(f.getBounds(), {maxZoom: 11, padding: [40, 40]}); }
  }

  tbody.addEventListener("click", function (e) {
    if (e.target.closest("a")) { return; }
    var tr = e.target.closest("tr[data-code]");
    if (tr) { select(tr.getAttribute("data-code"), {zoom: true, focus: !!e.target.closest("button")}); }
  });
  form.addEventListener("change", function (e) { if (FILTERS[e.target.name]) { refresh(); } });
  form.addEventListener("submit", function (e) {
    if (form.elements.date.value === cfg.date && form.elements.list.value === (cfg.list || "")) { e.preventDefault(); refresh(); }
  });
  document.querySelectorAll("input[name=pl-mode]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      state.mode = radio.value;
      document.getElementById("pl-legend-status").hidden = state.mode !== "status";
      document.getElementById("pl-legend-share").hidden = state.mode !== "share";
      restyle();
    });
  });

  index(cfg.rows); renderRows();
  if (cfg.districtsUrl) {
    P.getJSON(cfg.districtsUrl).then(function (data) {
      var outlines = L.geoJSON(data, {interactive: false, style: {fill: false, color: "#666", weight: 1.6, opacity: 0.9}}).addTo(map);
      outlines.eachLayer(function (l) {
        l.bindTooltip(el("span", {text: l.feature.properties.name}), {permanent: true, direction: "center", className: "pl-dlabel"});
      });
      outlines.bringToBack();
    }).catch(function () { /* context only: the difficult communes still show */ });
  }
  live.textContent = t.loading;
  P.getJSON(cfg.geometryUrl).then(function (data) {
    layer = L.geoJSON(data, {style: style, onEachFeature: function (f, l) {
      state.features[f.properties.code] = l;
      l.bindTooltip(function () { return tip(f.properties); }, {sticky: true});
      l.on("click", function () { select(f.properties.code); });
      l.on("add", function () {
        var path = l.getElement && l.getElement();
        if (path) { path.setAttribute("data-code", f.properties.code); }
      });
    }}).addTo(map);
    keys.use(layer);
    focusRows();
    live.textContent = P.fmt(t.shown, {n: state.rows.length});
    document.documentElement.setAttribute("data-pl-features", String(data.features.length));
    document.documentElement.setAttribute("data-pl-loaded", cfg.date);
  }).catch(function (err) { live.textContent = t.failed + " " + err.message; });
})();
