/* geo-ntm document page: the text with what it names highlighted, two maps (what the document
 * says, what the records say), the tables of units, claims, figures and targets, review and drafts.
 *
 * Everything comes from GET /api/documents/{id}; a review (PATCH) answers with the whole document
 * again and the page is drawn anew. Every string from the document or the data is written with
 * textContent or setAttribute, never as HTML: a document holding "<script>" shows it as text.
 */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("dm-config").textContent);
  var t = cfg.text, lang = cfg.lang;
  var token = sessionStorage.getItem("geo-ntm-token");
  var state = {doc: null, maps: null, layers: {}, syncing: false};

  // -- helpers ------------------------------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) { return; }
      if (k === "text") { node.textContent = v; } else if (k === "className") { node.className = v; } else { node.setAttribute(k, v); }
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) { return; }
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }
  function fmt(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (m, k) { return values[k] === undefined || values[k] === null ? m : String(values[k]); });
  }
  function day(iso) {
    if (!iso) { return ""; }
    var s = String(iso).slice(0, 10), p = s.split("-");
    return lang === "en" ? s : p[2] + "/" + p[1] + "/" + p[0];
  }
  function num(v) {
    if (v === null || v === undefined) { return "—"; }
    return new Intl.NumberFormat(lang === "en" ? "en-GB" : "vi-VN", {maximumFractionDigits: 2}).format(v);
  }
  function pct(v) { return v === null || v === undefined ? "—" : num(Math.round(v * 1000) / 10) + "%"; }
  function headers(extra) {
    var h = Object.assign({}, extra || {});
    if (token) { h.Authorization = "Bearer " + token; }
    return h;
  }
  function request(url, options) {
    return fetch(url, Object.assign({}, options || {}, {headers: headers((options || {}).headers)})).then(function (r) {
      var type = r.headers.get("content-type") || "";
      var body = type.indexOf("json") >= 0 ? r.json() : r.text();
      return body.then(function (b) {
        if (!r.ok) { throw new Error(b && b.detail ? (typeof b.detail === "string" ? b.detail : JSON.stringify(b.detail)) : String(r.status)); }
        return b;
      });
    });
  }
  function clear(node) { node.textContent = ""; return node; }
  function metricText(m, period) {
    var out = (t.metrics[m] || m || "");
    if (period === "new") { out += " (" + t.new + ")"; } else if (period === "cumulative") { out += " (" + t.cumulative + ")"; }
    return out;
  }
  function verdict(v) { return el("span", {className: "dm-verdict dm-v-" + v, text: t.verdicts[v] || v}); }
  function lineLink(m) { return el("a", {href: "#m-" + m.id, text: String(m.line)}); }

  // -- progress -----------------------------------------------------------------------------------
  function poll() {
    request(cfg.api + "?text=false&checks=false").then(function (doc) {
      document.getElementById("dm-filename").textContent = doc.filename;
      if (doc.state === "done") { load(); return; }
      if (doc.state === "failed") {
        document.getElementById("dm-progress").hidden = true;
        document.getElementById("dm-error").textContent = doc.error || "";
        document.getElementById("dm-failed").hidden = false;
        return;
      }
      var bar = document.getElementById("dm-progress-bar"), text = document.getElementById("dm-progress-text");
      document.getElementById("dm-progress").hidden = false;
      if (doc.pages_total) { bar.max = doc.pages_total; bar.value = doc.pages_done; }
      text.textContent = doc.state === "analysing" ? t.analysing : doc.state === "queued" ? t.queued
        : doc.pages_total ? fmt(t.pages_read, {done: doc.pages_done, total: doc.pages_total}) : t.reading;
      document.documentElement.setAttribute("data-dm-progress", doc.pages_done + "/" + doc.pages_total);
      setTimeout(poll, 400);
    }).catch(function (e) {
      document.getElementById("dm-error").textContent = e.message;
      document.getElementById("dm-failed").hidden = false;
    });
  }

  function load() {
    return request(cfg.api).then(render);
  }

  // -- the whole page ----------------------------------------------------------------------------
  function render(doc) {
    state.doc = doc;
    document.getElementById("dm-progress").hidden = true;
    document.getElementById("dm-body").hidden = false;
    renderIdentity(doc.analysis);
    renderNotes(doc);
    renderContext(doc.analysis);
    renderText(doc);
    renderUnits(doc);
    renderClaims(doc);
    renderFigures(doc);
    renderTargets(doc);
    renderExports(doc);
    renderMaps(doc);
    document.documentElement.setAttribute("data-dm-ready", String(doc.revision));
  }

  function renderIdentity(a) {
    var id = a.identity, box = document.getElementById("dm-identity");
    if (!id.number && !id.date) { box.textContent = t.no_identity; return; }
    var parts = [];
    if (id.number) { parts.push(fmt(t.identity, {kind: id.kind || "", number: id.number})); }
    if (id.date) { parts.push(fmt(t.dated, {date: day(id.date)})); }
    if (id.issuer) { parts.push(fmt(t.issued_by, {issuer: id.issuer.name})); }
    box.textContent = parts.join(" ");
  }

  function renderNotes(doc) {
    var box = clear(document.getElementById("dm-notes"));
    var notes = doc.analysis.notes.concat((doc.reading && doc.reading.notes) || []);
    notes.forEach(function (n) {
      var template = t.notes[n.code];
      if (!template) { return; }
      var values = Object.assign({}, n, {own: day(n.own), cited_date: day(n.cited_date), date: day(n.date),
        pages: (n.pages || []).join(", ")});
      box.appendChild(el("p", {className: "banner", role: "note", "data-note": n.code, text: fmt(template, values)}));
    });
  }

  function renderContext(a) {
    document.getElementById("dm-asof").value = a.as_of;
    document.getElementById("dm-asof-help").textContent = t.context_help + " (" + (t.context_from[a.as_of_from] || "") + ")";
    document.getElementById("dm-map-rec-caption").textContent = fmt(t.map_records, {date: day(a.as_of)});
  }

  // -- the text -----------------------------------------------------------------------------------
  function spans(a) {
    var out = [];
    a.units.forEach(function (u) {
      var cls = u.status === "rejected" ? "dm-rejected" : u.confident ? "dm-unit" : "dm-uncertain";
      out.push({start: u.start, end: u.end, id: u.id, cls: cls, href: "#r-" + u.id, rank: 0, title: u.unit ? u.unit.name : (t[u.status] || u.status)});
    });
    a.figures.forEach(function (f) {
      out.push({start: f.start, end: f.end, id: f.id, cls: f.target ? "dm-target" : "dm-figure", href: "#r-" + (f.target ? "t" : "") + f.id, rank: 1});
    });
    a.statuses.forEach(function (s) {
      out.push({start: s.start, end: s.end, id: s.id, cls: "dm-status", href: null, rank: 2, title: s.level ? cfg.labels[s.level] : "ĐBKK"});
    });
    out.sort(function (x, y) { return x.start - y.start || x.rank - y.rank; });
    var kept = [], end = -1;
    out.forEach(function (s) { if (s.start >= end) { kept.push(s); end = s.end; } });
    return kept;
  }

  function renderText(doc) {
    var text = doc.text, box = clear(document.getElementById("dm-text")), at = 0;
    spans(doc.analysis).forEach(function (s) {
      if (s.start > at) { box.appendChild(document.createTextNode(text.slice(at, s.start))); }
      var tag = s.href ? "a" : "span";
      var mark = el(tag, {className: "dm " + s.cls, id: "m-" + s.id, href: s.href, title: s.title, "data-id": s.id, text: text.slice(s.start, s.end)});
      if (s.href) { mark.addEventListener("click", function () { focusMention(s.id); }); }
      box.appendChild(mark);
      at = s.end;
    });
    box.appendChild(document.createTextNode(text.slice(at)));
    var n = doc.analysis.counts.lines, numbers = [];
    for (var i = 1; i <= n; i++) { numbers.push(String(i)); }
    document.getElementById("dm-gutter").textContent = numbers.join("\n");
  }

  function focusMention(id) {
    var u = state.doc.analysis.units.filter(function (x) { return x.id === id; })[0];
    if (!u || !u.unit || !state.maps) { return; }
    ["doc", "rec"].forEach(function (side) {
      var layer = state.layers[side] && state.layers[side][u.unit.uid];
      if (layer) {
        layer.setStyle({weight: 4, color: "#000"});
        if (side === "doc") { state.maps.doc.fitBounds(layer.getBounds(), {maxZoom: 11}); }
        layer.openTooltip();
      }
    });
  }

  // -- tables -------------------------------------------------------------------------------------
  function unitCell(u) {
    if (!u.unit) {
      if (u.status === "rejected") { return el("td", {text: t.rejected}); }
      var list = el("ul", {className: "dm-candidates"});
      u.candidates.forEach(function (c) {
        var when = c.valid_from ? " — " + fmt(t.valid, {start: day(c.valid_from), end: c.valid_to ? day(c.valid_to) : "…"}) : "";
        list.appendChild(el("li", {text: c.name + " (" + c.code + ")" + when}));
      });
      var label = u.status === "ambiguous" ? fmt(t.ambiguous, {n: u.candidates.length}) : (t[u.status] || u.status);
      return el("td", {}, [el("strong", {text: label}), list]);
    }
    var name = u.unit.level === "commune" ? el("a", {href: cfg.communePage.replace("{code}", encodeURIComponent(u.unit.code)) + "?lang=" + lang + "&date=" + state.doc.analysis.as_of, text: u.unit.name}) : u.unit.name;
    return el("td", {}, [name, " (" + u.unit.code + ")", u.corrected ? el("em", {text: " — " + t.corrected}) : null]);
  }

  function reviewCell(u) {
    var select = el("select", {"aria-label": t.col_review + ": " + u.text});
    select.appendChild(el("option", {value: "", text: t.choose}));
    u.candidates.forEach(function (c) {
      select.appendChild(el("option", {value: c.uid, text: c.name + " (" + c.code + ", " + num(c.score) + ")"}));
    });
    select.appendChild(el("option", {value: "reject", text: t.not_a_unit}));
    if (u.corrected) { select.appendChild(el("option", {value: "undo", text: t.undo})); }
    var search = el("input", {type: "search", placeholder: t.search_unit, "aria-label": t.search_unit, className: "dm-search"});
    var timer = null;
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (!search.value.trim()) { return; }
        request(cfg.search + "?" + new URLSearchParams({q: search.value, date: state.doc.analysis.as_of, limit: "8"})).then(function (res) {
          res.results.forEach(function (h) {
            if (select.querySelector('option[value="' + CSS.escape(h.uid) + '"]')) { return; }
            select.insertBefore(el("option", {value: h.uid, text: h.name + " (" + h.code + ")"}), select.lastChild);
          });
        });
      }, 250);
    });
    var save = el("button", {type: "button", text: t.save});
    save.addEventListener("click", function () {
      var v = select.value, fix;
      if (!v) { return; }
      fix = v === "reject" ? {reject: true} : v === "undo" ? null : {uid: v};
      var body = {corrections: {}};
      body.corrections[u.id] = fix;
      review(body);
    });
    return el("td", {className: "dm-review"}, [select, search, save]);
  }

  function review(body) {
    return request(cfg.api, {method: "PATCH", body: JSON.stringify(body), headers: {"Content-Type": "application/json"}})
      .then(render)
      .catch(function (e) { alertBox(fmt(t.request_failed, {detail: e.message})); });
  }

  function alertBox(text) {
    var box = document.getElementById("dm-notes");
    box.insertBefore(el("p", {className: "banner", role: "alert", text: text}), box.firstChild);
  }

  function renderUnits(doc) {
    var body = clear(document.querySelector("#dm-units tbody"));
    doc.analysis.units.forEach(function (u) {
      var confidence = u.status === "matched" ? num(Math.round(u.confidence * 100)) + "%" : "—";
      body.appendChild(el("tr", {id: "r-" + u.id, className: u.confident ? "" : "dm-row-check"}, [
        el("td", {}, [lineLink(u)]), el("td", {text: u.text.replace(/\s+/g, " ")}), unitCell(u),
        el("td", {text: u.unit ? (t.levels[u.unit.level] || u.unit.level) : ""}),
        el("td", {text: confidence + (u.confident ? "" : " · " + t.legend_uncertain)}), reviewCell(u)]));
    });
    if (!doc.analysis.units.length) { body.appendChild(el("tr", {}, [el("td", {colspan: "6", text: t.none})])); }
  }

  function recordsText(u) {
    var out = cfg.labels[u.records] || u.records || "—";
    if (u.decision_no || u.signed) { out += " — " + fmt(t.decision, {no: u.decision_no || "", date: day(u.signed), year: u.year_label}); }
    return out;
  }

  function renderClaims(doc) {
    var body = clear(document.querySelector("#dm-claims tbody"));
    var checks = {};
    doc.checks.claims.forEach(function (c) { checks[c.claim] = c; });
    doc.analysis.claims.forEach(function (c) {
      var check = checks[c.id] || {units: []};
      c.unit_codes.forEach(function (code, i) {
        var u = check.units[i] || {};
        var said = (cfg.labels[c.level] || c.level) + (c.year ? " (" + c.year + ")" : "");
        body.appendChild(el("tr", {id: "r-" + c.id + "-" + code}, [el("td", {}, [lineLink(c)]), el("td", {text: c.unit_names[i] + " (" + code + ")"}),
          el("td", {text: said}), el("td", {}, [recordsText(u), u.signed_after_document ? el("em", {text: " — " + t.signed_after}) : null]),
          el("td", {}, [verdict(u.verdict || "no_data")])]));
      });
    });
    if (!doc.analysis.claims.length) { body.appendChild(el("tr", {}, [el("td", {colspan: "5", text: t.none})])); }
  }

  function renderFigures(doc) {
    var body = clear(document.querySelector("#dm-figures tbody"));
    var figures = {};
    doc.analysis.figures.forEach(function (f) { figures[f.id] = f; });
    doc.checks.figures.forEach(function (c) {
      var f = figures[c.figure], unit = t.units_of[f.unit] || f.unit || "";
      var said = num(f.value) + (f.of ? "/" + num(f.of) : "") + (unit === "%" ? "%" : " " + unit) + " — " + metricText(f.metric, f.period) + (f.year ? " (" + f.year + ")" : "");
      var basis = [];
      if (c.basis) { basis.push(c.basis.year ? fmt(t.basis_year, {year: c.basis.year}) : fmt(t.basis_date, {date: day(c.basis.date)})); }
      if (c.illustrative) { basis.push(t.illustrative); }
      if (c.published) { basis.push(fmt(t.published, {value: num(c.published.value), citation: c.published.citation || ""}) + (c.published.cites_this_document ? " — " + t.same_document : "")); }
      body.appendChild(el("tr", {id: "r-" + f.id}, [el("td", {}, [lineLink(f)]), el("td", {text: said}),
        el("td", {text: c.records === null ? "—" : num(c.records) + (c.records_of ? "/" + num(c.records_of) : "")}),
        el("td", {}, [verdict(c.verdict)]), el("td", {text: basis.join("; ")})]));
    });
    if (!doc.checks.figures.length) { body.appendChild(el("tr", {}, [el("td", {colspan: "5", text: t.none})])); }
  }

  function progressText(p) {
    if (!p) { return "—"; }
    if (p.units) { return p.units.map(function (u) { return u.code + ": " + (cfg.labels[u.status] || u.status || "—"); }).join("; "); }
    var out = fmt(t.share_all, {ntm: num(p.ntm), total: num(p.villages), share: pct(p.share)});
    out += "; " + fmt(t.share_dbkk, {ntm: num(p.dbkk_villages_ntm), total: num(p.dbkk_villages), share: pct(p.dbkk_villages_share)});
    return out + (p.illustrative ? " (" + t.illustrative + ")" : "");
  }

  function renderTargets(doc) {
    var body = clear(document.querySelector("#dm-targets tbody"));
    var checks = {};
    doc.checks.targets.forEach(function (c) { checks[c.target] = c; });
    document.getElementById("dm-progress-h").textContent = fmt(t.col_progress, {date: day(doc.analysis.as_of)});
    doc.analysis.targets.forEach(function (tg) {
      var c = checks[tg.id] || {};
      var value = tg.unit === "%" ? pct(tg.target) : num(tg.target);
      var what = tg.kind === "unit" ? (cfg.labels[tg.level] || tg.level) : value + " — " + metricText(tg.metric);
      body.appendChild(el("tr", {id: "r-" + tg.id}, [el("td", {}, [lineLink(tg)]), el("td", {text: what}),
        el("td", {text: day(tg.deadline)}), el("td", {text: (tg.unit_names || []).join(", ") || t.whole_province}),
        el("td", {text: progressText(c.progress)}), el("td", {}, [verdict(c.verdict || "not_recorded")])]));
    });
    if (!doc.analysis.targets.length) { body.appendChild(el("tr", {}, [el("td", {colspan: "6", text: t.none})])); }
  }

  function renderExports(doc) {
    var links = doc.links;
    document.getElementById("dm-x-csv").setAttribute("href", links.mentions_csv);
    document.getElementById("dm-x-geojson").setAttribute("href", links.geojson);
    document.getElementById("dm-x-targets").setAttribute("href", links.draft_targets_csv);
    document.getElementById("dm-x-decisions").setAttribute("href", links.draft_decisions_csv);
  }

  // -- maps ---------------------------------------------------------------------------------------
  function makeMap(id) {
    var map = L.map(id, {minZoom: 6, maxZoom: 16});
    if (cfg.baseMap) { L.tileLayer(cfg.baseMap, {attribution: cfg.baseMapAttribution, opacity: 0.6}).addTo(map); }
    L.control.scale({imperial: false}).addTo(map);
    map.fitBounds([[cfg.bounds[1], cfg.bounds[0]], [cfg.bounds[3], cfg.bounds[2]]]);
    return map;
  }

  function fill(status) { return cfg.palette[status] || cfg.noData; }

  function styleFor(side) {
    return function (feature) {
      var p = feature.properties, province = p.level === "province";
      if (side === "doc") {
        var said = p.document !== "mentioned";
        return {fillColor: said ? fill(p.document) : "#eeeeee", fillOpacity: province ? 0.15 : 0.85,
          color: p.target ? "#6a3d9a" : cfg.outline, weight: p.target ? 3 : 1, dashArray: said || p.target ? null : "4 3"};
      }
      return {fillColor: fill(p.status), fillOpacity: province ? 0.15 : 0.85, color: cfg.outline, weight: 1};
    };
  }

  function tip(p) {
    var said = p.document === "mentioned" ? t.mentioned : (cfg.labels[p.document] || p.document);
    return el("div", {}, [el("strong", {text: p.name}), el("br"), t.map_document + ": " + said, el("br"),
      fmt(t.map_records, {date: day(state.doc.analysis.as_of)}) + ": " + (lang === "en" ? p.status_en : p.status_vi)]);
  }

  function renderMaps(doc) {
    if (!state.maps) {
      state.maps = {doc: makeMap("dm-map-doc"), rec: makeMap("dm-map-rec")};
      ["doc", "rec"].forEach(function (side) {
        var other = side === "doc" ? "rec" : "doc";
        state.maps[side].on("moveend", function () {
          if (state.syncing) { return; }
          state.syncing = true;
          state.maps[other].setView(state.maps[side].getCenter(), state.maps[side].getZoom(), {animate: false});
          state.syncing = false;
        });
      });
    }
    ["doc", "rec"].forEach(function (side) { if (state.layers[side + "Group"]) { state.maps[side].removeLayer(state.layers[side + "Group"]); } });
    var asOf = doc.analysis.as_of, background = asOf < cfg.reformDate ? "districts" : "communes";
    var bgUrl = "/api/layers/" + background + ".geojson?" + new URLSearchParams({date: asOf, zoom: "8", fields: "code,name"});
    Promise.all([request(doc.links.geojson), request(bgUrl).catch(function () { return null; })]).then(function (res) {
      var units = res[0], bg = res[1];
      document.getElementById("dm-no-units").hidden = units.features.length > 0;
      ["doc", "rec"].forEach(function (side) {
        var group = L.featureGroup(), index = {};
        if (bg) { L.geoJSON(bg, {style: {color: "#9a9a9a", weight: 0.6, fill: false}, interactive: false}).addTo(group); }
        var layer = L.geoJSON(units, {style: styleFor(side), onEachFeature: function (f, l) {
          index[f.properties.uid] = l;
          l.bindTooltip(function () { return tip(f.properties); }, {sticky: true});
          l.on("click", function () {
            var m = document.getElementById("m-" + f.properties.first_mention);
            if (m) { m.scrollIntoView({block: "center"}); m.focus(); }
          });
        }}).addTo(group);
        group.addTo(state.maps[side]);
        state.layers[side] = index;
        state.layers[side + "Group"] = group;
        if (side === "doc" && units.features.length) { state.maps.doc.fitBounds(layer.getBounds(), {maxZoom: 10}); }
      });
      renderLegend(units);
      document.documentElement.setAttribute("data-dm-features", String(units.features.length));
    }).catch(function (e) { alertBox(fmt(t.request_failed, {detail: e.message})); });
  }

  function swatch(color, dashed) {
    return el("span", {className: "dm-swatch" + (dashed ? " dm-swatch-dashed" : ""), style: "background:" + color, "aria-hidden": "true"});
  }

  function renderLegend(units) {
    var box = clear(document.getElementById("dm-legend")), seen = {};
    units.features.forEach(function (f) {
      [f.properties.document, f.properties.status].forEach(function (s) { if (s && s !== "mentioned") { seen[s] = true; } });
    });
    Object.keys(cfg.labels).forEach(function (s) { if (seen[s]) { box.appendChild(el("li", {}, [swatch(fill(s)), cfg.labels[s]])); } });
    box.appendChild(el("li", {}, [swatch("#eeeeee", true), t.mentioned]));
    box.appendChild(el("li", {}, [el("span", {className: "dm-swatch dm-swatch-target", "aria-hidden": "true"}), t.has_target]));
  }

  // -- forms --------------------------------------------------------------------------------------
  document.getElementById("dm-context").addEventListener("submit", function (ev) {
    ev.preventDefault();
    review({date: document.getElementById("dm-asof").value});
  });
  document.getElementById("dm-own-date").addEventListener("click", function () { review({date: null}); });

  document.getElementById("dm-draft").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var kind = document.getElementById("dm-draft-kind").value, editor = document.getElementById("dm-editor").value;
    var out = clear(document.getElementById("dm-draft-report"));
    var auth = {Authorization: "Bearer " + editor};
    var link = kind === "targets" ? state.doc.links.draft_targets_csv : state.doc.links.draft_decisions_csv;
    request(link).then(function (csv) {
      var params = new URLSearchParams({records: kind, filename: "draft-" + kind + "-" + cfg.id + ".csv"});
      return fetch(cfg.imports + "?" + params, {method: "POST", body: csv, headers: Object.assign({"Content-Type": "text/csv"}, auth)});
    }).then(function (r) { return r.json().then(function (b) { return {ok: r.ok, body: b}; }); }).then(function (res) {
      if (!res.ok) { out.appendChild(el("p", {className: "banner", role: "alert", text: fmt(t.request_failed, {detail: typeof res.body.detail === "string" ? res.body.detail : JSON.stringify(res.body.detail)})})); return; }
      var rep = res.body.report;
      if (rep.errors.length) {
        out.appendChild(el("p", {text: fmt(t.dry_errors, {n: rep.errors.length})}));
        var list = el("ul");
        rep.errors.forEach(function (e) { list.appendChild(el("li", {text: (e.row ? "#" + e.row + " " : "") + (e.column || "") + ": " + e.problem})); });
        out.appendChild(list);
        return;
      }
      if (!res.body.confirm) { out.appendChild(el("p", {text: t.dry_nothing})); return; }
      out.appendChild(el("p", {text: fmt(t.dry_ok, {n: rep.would_write})}));
      var confirm = el("button", {type: "button", text: t.confirm});
      confirm.addEventListener("click", function () {
        confirm.disabled = true;
        fetch(res.body.confirm, {method: "POST", headers: auth}).then(function (r) { return r.json().then(function (b) { return {ok: r.ok, body: b}; }); })
          .then(function (done) {
            out.appendChild(el("p", {role: "status", text: done.ok ? fmt(t.written, {n: done.body.written}) : fmt(t.request_failed, {detail: String(done.body.detail)})}));
            if (done.ok) { load(); }
          });
      });
      out.appendChild(confirm);
    }).catch(function (e) { out.appendChild(el("p", {className: "banner", role: "alert", text: fmt(t.request_failed, {detail: e.message})})); });
  });

  poll();
}());
