/* geo-ntm status map: loads a status layer as GeoJSON, colours it by status, and lets the
 * reader move through the years. Used by the pages that geo_ntm.render.statusmap builds.
 *
 * Every string that comes from data (unit names, decision numbers, citations) is written
 * with textContent, never as HTML, so a name such as "<script>" shows as text.
 */
(function () {
  "use strict";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; }
      else if (k === "className") { node.className = attrs[k]; }
      else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }

  function fmtDate(iso, lang) {
    if (!iso) { return ""; }
    var p = String(iso).slice(0, 10).split("-");
    if (lang !== "en") { return p[2] + "/" + p[1] + "/" + p[0]; }
    var d = new Date(Date.UTC(+p[0], +p[1] - 1, +p[2]));
    return new Intl.DateTimeFormat("en-GB", {day: "numeric", month: "short", year: "numeric", timeZone: "UTC"}).format(d);
  }

  function fmtNumber(n, lang) {
    return new Intl.NumberFormat(lang === "en" ? "en-GB" : "vi-VN").format(n);
  }

  function query(params) {
    return Object.keys(params).filter(function (k) { return params[k] !== null && params[k] !== undefined; })
      .map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]); }).join("&");
  }

  function NtmStatusMap(map, cfg) {
    this.map = map;
    this.cfg = cfg;
    this.t = cfg.text;
    this.when = cfg.when;          // {year: 2023} or {date: "2025-07-01"}
    this.layer = null;
    this.outlines = null;
    this.fitted = false;
    this.addHatch();
    var box = map.getContainer();
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", cfg.title);
    this.addTitle();
    this.addLegend();
    this.view = cfg.view === "progress" ? "progress" : "status";
    this.addControls();
    if (cfg.progressClasses) { this.addViewControl(); }
    if (cfg.table !== false) { this.addTable(); }
    this.load();
  }

  NtmStatusMap.prototype.addTable = function () {
    // The table alternative: what the map shows, as rows a screen reader or keyboard can use.
    var self = this, t = this.t, Table = L.Control.extend({
      options: {position: "bottomleft"},
      onAdd: function () {
        var id = "ntm-table-" + Math.random().toString(36).slice(2, 8);
        var button = el("button", {type: "button", className: "ntm-table-toggle", "aria-expanded": "false", "aria-controls": id, text: t.showTable});
        self.tablePanel = el("div", {id: id, className: "ntm-table-panel", hidden: "hidden", tabindex: "-1"});
        button.addEventListener("click", function () {
          var open = self.tablePanel.hasAttribute("hidden");
          if (open) { self.tablePanel.removeAttribute("hidden"); self.renderTable(); self.tablePanel.focus(); }
          else { self.tablePanel.setAttribute("hidden", "hidden"); }
          button.setAttribute("aria-expanded", open ? "true" : "false");
          button.textContent = open ? t.hideTable : t.showTable;
        });
        var wrap = el("div", {className: "ntm-table-box"}, [button, self.tablePanel]);
        if (self.cfg.shareUrl) {
          self.shareLink = el("a", {className: "ntm-share", href: "#", text: t.share});
          wrap.insertBefore(self.shareLink, self.tablePanel);
        }
        L.DomEvent.disableClickPropagation(wrap);
        L.DomEvent.disableScrollPropagation(wrap);
        return wrap;
      }
    });
    this.map.addControl(new Table());
  };

  NtmStatusMap.prototype.renderTable = function () {
    if (!this.tablePanel || this.tablePanel.hasAttribute("hidden") || !this.data) { return; }
    var self = this, t = this.t, lang = this.cfg.lang, rows = [];
    // Communes first, wards and towns (not applicable) after them; by name without its unit type
    // ("Xã", "Phường"), which would otherwise put every ward before every commune.
    var bare = function (p) { return p.name.replace(TYPE_WORD, ""); };
    var features = this.data.features.slice().sort(function (a, b) {
      var x = a.properties, y = b.properties, na = x.status === "khong_ap_dung", nb = y.status === "khong_ap_dung";
      return na !== nb ? (na ? 1 : -1) : bare(x).localeCompare(bare(y), lang === "en" ? "en" : "vi") || x.name.localeCompare(y.name);
    });
    var present = features.some(function (f) { return f.properties.review_state || f.properties.progress_set; });
    features.forEach(function (f) {
      var p = f.properties;
      var cells = [el("th", {scope: "row", text: p.name}), el("td", {text: p.parent_name || ""}),
        el("td", {text: self.statusLabel(p) + (p.review_vi ? " — " + (lang === "en" ? p.review_en : p.review_vi) : "")})];
      if (present) {
        cells.push(el("td", {text: [self.reviewText(p).split(": ").slice(1).join(": "), self.status_past(p)].filter(Boolean).join("; ")}));
        cells.push(el("td", {text: self.progressText(p)}));
      }
      cells.push(el("td", {text: p.decision_no ? p.decision_no + (p.decision_signed ? " (" + fmtDate(p.decision_signed, lang) + ")" : "") : ""}));
      cells.push(el("td", {text: p.source === "illustrative" ? t.illustrative : (p.source ? t.official : "")}));
      rows.push(el("tr", {}, cells));
    });
    var heads = present ? [t.colName, t.colParent, t.status, t.reviewState, t.progressTitle, t.decision, t.source] : [t.colName, t.colParent, t.status, t.decision, t.source];
    var head = el("tr", {}, heads.map(function (h) { return el("th", {scope: "col", text: h}); }));
    this.tablePanel.textContent = "";
    this.tablePanel.appendChild(el("table", {className: "ntm-table"}, [el("caption", {text: this.cfg.title + " — " + this.titleBox.querySelector(".ntm-asof").textContent}), el("thead", {}, [head]), el("tbody", {}, rows)]));
  };

  //: The unit type a name starts with (GSO names: "Xã Kiên Lao", "Phường Phượng Sơn", "Huyện Lục Ngạn").
  var TYPE_WORD = /^(Xã|Phường|Thị trấn|Thị xã|Thành phố|Huyện|Tỉnh)\s+/;

  var PATTERN_MARKS = {
    dots: '<circle cx="3" cy="3" r="1.3" fill="INK"/>',
    rings: '<circle cx="4" cy="4" r="2" fill="none" stroke="INK" stroke-width="0.9"/>',
    hlines: '<line x1="0" y1="3" x2="8" y2="3" stroke="INK" stroke-width="1.4"/>',
    vlines: '<line x1="3" y1="0" x2="3" y2="8" stroke="INK" stroke-width="1"/>',
    cross: '<line x1="0" y1="4" x2="8" y2="4" stroke="INK" stroke-width="1.2"/><line x1="4" y1="0" x2="4" y2="8" stroke="INK" stroke-width="1.2"/>',
    diag: '<line x1="0" y1="0" x2="0" y2="8" stroke="INK" stroke-width="3"/>'
  };

  NtmStatusMap.prototype.addHatch = function () {
    // One pattern per status (the cfg.patterns table): a second cue besides colour, for print
    // and for readers who do not tell the colours apart. Patterns are ours, not data.
    if (document.getElementById("ntm-patterns")) { return; }
    var cfg = this.cfg, defs = "";
    Object.keys(cfg.patterns || {}).forEach(function (s) {
      var kind = cfg.patterns[s], ink = (cfg.patternInk || {})[s] || "#2b2b2b";
      var marks = (PATTERN_MARKS[kind] || "").split("INK").join(ink);
      defs += '<pattern id="ntm-p-' + s + '" patternUnits="userSpaceOnUse" width="8" height="8"' +
        (kind === "diag" ? ' patternTransform="rotate(45)"' : "") + '><rect width="8" height="8" fill="' +
        (cfg.palette[s] || cfg.noData) + '"/>' + marks + "</pattern>";
    });
    // "Awaiting review" drawn with what its former communes held: green dots when all were NTM,
    // green rings when some were. The constituents' past, a second reading, never the unit's status.
    var marks = {all_ntm: '<circle cx="6" cy="6" r="2.4" fill="#1b7837" stroke="#ffffff" stroke-width="0.6"/>',
                 some_ntm: '<circle cx="6" cy="6" r="2.1" fill="#ffffff" stroke="#1b7837" stroke-width="1.3"/>'};
    Object.keys(marks).forEach(function (past) {
      defs += '<pattern id="ntm-p-cho_ra_soat-' + past + '" patternUnits="userSpaceOnUse" width="10" height="10">' +
        '<rect width="10" height="10" fill="' + cfg.palette.cho_ra_soat + '"/>' +
        '<line x1="0" y1="10" x2="10" y2="0" stroke="' + ((cfg.patternInk || {}).cho_ra_soat || "#7a3d00") + '" stroke-width="1.2"/>' +
        marks[past] + "</pattern>";
    });
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("id", "ntm-patterns"); svg.setAttribute("width", "0"); svg.setAttribute("height", "0");
    svg.setAttribute("aria-hidden", "true"); svg.setAttribute("focusable", "false");
    svg.style.position = "absolute";
    svg.innerHTML = "<defs>" + defs + "</defs>";
    document.body.appendChild(svg);
  };

  NtmStatusMap.prototype.fill = function (s) {
    var cfg = this.cfg;
    return cfg.patterns && cfg.patterns[s] ? "url(#ntm-p-" + s + ")" : (cfg.palette[s] || cfg.noData);
  };

  NtmStatusMap.prototype.featureFill = function (p) {
    if (this.view === "progress") { return this.progressClass(p).fill; }
    if (p.status === "cho_ra_soat" && (p.constituents_past === "all_ntm" || p.constituents_past === "some_ntm")) {
      return "url(#ntm-p-cho_ra_soat-" + p.constituents_past + ")";
    }
    return this.fill(p.status);
  };

  NtmStatusMap.prototype.style = function (feature) {
    var cfg = this.cfg;
    return {fillColor: this.featureFill(feature.properties), fillOpacity: 0.9, color: cfg.outline, weight: 0.6, opacity: 1};
  };

  // The 2026-2030 view: criteria met out of the set's, by the commune's latest assessment (or its recognition).
  NtmStatusMap.prototype.progressClass = function (p) {
    var classes = this.cfg.progressClasses || [];
    if (p.status === "khong_ap_dung") { return {key: "na", fill: this.cfg.palette.khong_ap_dung, label: this.cfg.labels.khong_ap_dung}; }
    if (!p.progress_met || !p.progress_total) { return classes[classes.length - 1]; }
    var met = p.progress_met.length;
    for (var i = 0; i < classes.length - 1; i++) { if (met >= classes[i].min) { return classes[i]; } }
    return classes[classes.length - 2];
  };

  NtmStatusMap.prototype.progressText = function (p) {
    if (!p.progress_set || p.status === "khong_ap_dung") { return ""; }
    var t = this.t, lang = this.cfg.lang, out = [];
    if (p.progress_met) {
      out.push(t.criteriaOf.replace("{met}", p.progress_met.length).replace("{total}", p.progress_total));
      if (p.progress_unknown && p.progress_unknown.length) { out.push(t.notAssessedCount.replace("{n}", p.progress_unknown.length)); }
    } else { out.push(t.notAssessed); }
    if (p.commune_group) { out.push(t.group.replace("{g}", p.commune_group)); }
    if (p.progress_as_of) { out.push(t.assessedOn.replace("{date}", fmtDate(p.progress_as_of, lang))); }
    return out.join(" · ");
  };

  NtmStatusMap.prototype.reviewText = function (p) {
    if (!p.review_state) { return ""; }
    var label = (this.cfg.reviewLabels || {})[p.review_state] || p.review_state;
    return this.t.reviewState + ": " + label + (p.review_on ? " (" + fmtDate(p.review_on, this.cfg.lang) + ")" : "");
  };

  NtmStatusMap.prototype.pastText = function (p) {
    return p.constituents_past ? (this.cfg.pastLabels || {})[p.constituents_past] || "" : "";
  };

  NtmStatusMap.prototype.statusLabel = function (p) {
    return this.cfg.lang === "en" ? p.status_en : p.status_vi;
  };

  NtmStatusMap.prototype.tooltip = function (p) {
    var name = this.cfg.lang === "en" ? p.name + " (" + p.name_en + ")" : p.name;
    var box = el("div", {className: "ntm-tip"}, [
      el("strong", {text: name}), el("br"), el("span", {text: this.statusLabel(p)})]);
    if (p.decision_no) { box.appendChild(el("br")); box.appendChild(el("span", {text: this.t.decision + " " + p.decision_no + (p.decision_signed ? " (" + fmtDate(p.decision_signed, this.cfg.lang) + ")" : "")})); }
    if (p.review_vi) { box.appendChild(el("br")); box.appendChild(el("span", {text: this.cfg.lang === "en" ? p.review_en : p.review_vi})); }
    [this.status_past(p), this.reviewText(p), this.progressText(p)].forEach(function (line) {
      if (line) { box.appendChild(el("br")); box.appendChild(el("span", {text: line})); }
    });
    return box;
  };

  NtmStatusMap.prototype.status_past = function (p) {
    // Only for a unit awaiting review: the past of its former communes, said as such.
    return p.status === "cho_ra_soat" && p.constituents_past ? this.t.pastPrefix + " " + this.pastText(p) : "";
  };

  NtmStatusMap.prototype.popup = function (p) {
    var t = this.t, lang = this.cfg.lang, rows = [];
    function row(label, value) { if (value !== null && value !== undefined && value !== "") { rows.push(el("tr", {}, [el("th", {scope: "row", text: label}), el("td", {text: String(value)})])); } }
    row(t.code, p.code);
    row(t.type, p.type);
    if (p.parent_name) { row(t.parent, p.parent_name); }
    row(t.status, this.statusLabel(p));
    row(t.decision, p.decision_no);
    row(t.signed, p.decision_signed ? fmtDate(p.decision_signed, lang) + (p.decision_precision === "year" ? " (" + t.yearOnly + ")" : "") : null);
    row(t.yearLabel, p.year_label);
    row(t.authority, p.authority);
    if (p.criteria_met) { row(t.criteria, p.criteria_met.length + "/" + (p.criteria_total || "?") + (p.criteria_source && p.criteria_source !== "decision" ? " (" + p.criteria_source + ")" : "")); }
    if (p.held_before) { row(t.heldBefore, this.cfg.labels[p.held_before]); }
    if (p.formed_on) { row(t.formed, fmtDate(p.formed_on, lang)); }
    if (p.review_state) { row(t.reviewState, this.reviewText(p).split(": ").slice(1).join(": ")); row(t.reviewDocument, p.review_document); }
    if (p.known_by) { row(t.knownBy, fmtDate(p.known_by, lang)); }
    if (p.progress_set && p.status !== "khong_ap_dung") { row(t.progressTitle, this.progressText(p)); }
    if (p.dbkk) { row(t.dbkk, p.dbkk_list); }
    if (p.villages_total !== null && p.villages_total !== undefined) { row(t.villages, p.villages_ntm + "/" + p.villages_total + (p.dbkk_villages ? " · " + t.dbkkVillages + " " + p.dbkk_villages_ntm + "/" + p.dbkk_villages : "")); }
    row(t.source, p.source ? (p.source === "illustrative" ? t.illustrative : t.official) : t.noRecord);
    var box = el("div", {className: "ntm-popup"}, [el("h3", {text: p.name}), el("table", {}, [el("tbody", {}, rows)])]);
    if (p.review_vi) {
      box.appendChild(el("p", {className: "ntm-review", text: (lang === "en" ? p.review_en : p.review_vi)}));
      var list = el("ul", {className: "ntm-constituents"});
      (p.constituents || []).forEach(function (c) {
        list.appendChild(el("li", {text: c.name + ": " + this.cfg.labels[c.status] + (c.decision_no ? " (" + c.decision_no + ")" : "")}));
      }, this);
      box.appendChild(list);
    }
    if (p.citation) { box.appendChild(el("p", {className: "ntm-cite", text: p.citation})); }
    if (this.cfg.unitPage) {
      box.appendChild(el("p", {}, [el("a", {href: this.cfg.unitPage.replace("{code}", encodeURIComponent(p.code)) + "&" + this.whenQuery(), text: t.more})]));
    }
    return box;
  };

  NtmStatusMap.prototype.whenQuery = function () {
    return this.when.year ? "year=" + this.when.year : "date=" + this.when.date;
  };

  NtmStatusMap.prototype.asOf = function () {
    return this.when.year ? this.when.year + "-12-31" : this.when.date;
  };

  NtmStatusMap.prototype.addTitle = function () {
    var self = this, Title = L.Control.extend({
      options: {position: "topleft"},
      onAdd: function () {
        self.titleBox = el("div", {className: "ntm-title leaflet-bar"}, [
          el("h1", {text: self.cfg.title}), el("p", {className: "ntm-asof"}),
          el("p", {className: "ntm-note", role: "note", hidden: "hidden"}),
          el("p", {className: "ntm-banner", role: "note", hidden: "hidden", text: self.t.illustrativeBanner})]);
        L.DomEvent.disableClickPropagation(self.titleBox);
        return self.titleBox;
      }
    });
    this.map.addControl(new Title());
  };

  /* A phone, or a frame too small for the legend beside the map. */
  NtmStatusMap.prototype.small = function () {
    var box = this.map.getContainer();
    return box.clientWidth < 640 || box.clientHeight < 480;
  };

  NtmStatusMap.prototype.addLegend = function () {
    var self = this, Legend = L.Control.extend({
      options: {position: "bottomright"},
      onAdd: function () {
        self.legendBox = el("section", {className: "ntm-legend", "aria-label": self.t.legend});
        return self.legendBox;
      }
    });
    if (this.cfg.legend !== false) { this.map.addControl(new Legend()); }
  };

  function swatchOf(fill) {
    var swatch = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    swatch.setAttribute("class", "ntm-swatch"); swatch.setAttribute("aria-hidden", "true");
    swatch.setAttribute("width", "18"); swatch.setAttribute("height", "13");
    var rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    rect.setAttribute("width", "18"); rect.setAttribute("height", "13");
    rect.setAttribute("fill", fill); rect.setAttribute("stroke", "#4d4d4d");
    swatch.appendChild(rect);
    return swatch;
  }

  NtmStatusMap.prototype.renderLegend = function (counts) {
    if (!this.legendBox) { return; }
    var self = this, box = this.legendBox, lang = this.cfg.lang;
    box.textContent = "";
    // The heading is a button that folds the legend away: on a phone or in a small frame it starts
    // folded, so the map and the links at the bottom stay in view.
    if (this.legendOpen === undefined) { this.legendOpen = !this.small(); }
    var toggle = el("button", {type: "button", className: "ntm-legend-toggle", "aria-expanded": String(this.legendOpen),
      text: this.view === "progress" ? this.t.progressTitle : this.t.legend});
    toggle.addEventListener("click", function () { self.legendOpen = !self.legendOpen; self.renderLegend(self.counts); box.querySelector("button").focus(); });
    box.appendChild(el("h2", {}, [toggle]));
    box.classList.toggle("ntm-folded", !this.legendOpen);
    if (!this.legendOpen) { return; }
    var list = el("ul");
    if (this.view === "progress") {
      (this.cfg.progressClasses || []).forEach(function (c) {
        if (counts.progress[c.key]) { list.appendChild(el("li", {}, [swatchOf(c.fill), el("span", {text: c.label + " (" + fmtNumber(counts.progress[c.key], lang) + ")"})])); }
      });
      if (counts.khong_ap_dung) { list.appendChild(el("li", {}, [swatchOf(self.cfg.palette.khong_ap_dung), el("span", {text: self.cfg.labels.khong_ap_dung + " (" + fmtNumber(counts.khong_ap_dung, lang) + ")"})])); }
      box.appendChild(list);
      box.appendChild(el("p", {className: "ntm-outline-key", text: this.t.progressNote}));
      return;
    }
    this.cfg.order.forEach(function (s) {
      if (!counts[s]) { return; }
      var item = el("li", {}, [swatchOf(self.fill(s)), el("span", {text: self.cfg.labels[s] + " (" + fmtNumber(counts[s], lang) + ")"})]);
      if (s === "cho_ra_soat" && counts.past) {
        // The second variable, labelled as the former communes' past, never as the unit's status.
        var sub = el("ul", {className: "ntm-sub", "aria-label": self.t.pastTitle});
        sub.appendChild(el("li", {className: "ntm-sub-title", text: self.t.pastTitle}));
        (self.cfg.pasts || []).forEach(function (past) {
          if (!counts.past[past]) { return; }
          var fill = past === "all_ntm" || past === "some_ntm" ? "url(#ntm-p-cho_ra_soat-" + past + ")" : self.fill(s);
          sub.appendChild(el("li", {}, [swatchOf(fill), el("span", {text: self.cfg.pastLabels[past] + " (" + fmtNumber(counts.past[past], lang) + ")"})]));
        });
        item.appendChild(sub);
      }
      list.appendChild(item);
    });
    box.appendChild(list);
    if (counts.review && Object.keys(counts.review).length) {
      var reviews = el("ul", {className: "ntm-sub", "aria-label": self.t.reviewState});
      reviews.appendChild(el("li", {className: "ntm-sub-title", text: self.t.reviewState}));
      Object.keys(self.cfg.reviewLabels || {}).forEach(function (state) {
        if (counts.review[state]) { reviews.appendChild(el("li", {text: self.cfg.reviewLabels[state] + " (" + fmtNumber(counts.review[state], lang) + ")"})); }
      });
      box.appendChild(reviews);
    }
    if (this.outlines) { box.appendChild(el("p", {className: "ntm-outline-key", text: this.t.districtOutlines})); }
  };

  NtmStatusMap.prototype.addControls = function () {
    var self = this, Controls = L.Control.extend({
      options: {position: "topright"},
      onAdd: function () {
        var id = "ntm-year-" + Math.random().toString(36).slice(2, 8);
        var select = el("select", {id: id});
        self.cfg.years.forEach(function (y) { select.appendChild(el("option", {value: "y" + y, text: String(y)})); });
        if (self.cfg.today) { select.appendChild(el("option", {value: "today", text: self.t.today})); }
        select.value = self.when.year ? "y" + self.when.year : (self.when.date === self.cfg.today ? "today" : "");
        if (!select.value) { select.appendChild(el("option", {value: "d", text: fmtDate(self.when.date, self.cfg.lang)})); select.value = "d"; }
        select.addEventListener("change", function () {
          if (select.value === "today") { self.when = {date: self.cfg.today}; }
          else if (select.value.charAt(0) === "y") { self.when = {year: parseInt(select.value.slice(1), 10)}; }
          self.load();
        });
        var prev = el("button", {type: "button", "aria-label": self.t.previousYear, text: "◀"});
        var next = el("button", {type: "button", "aria-label": self.t.nextYear, text: "▶"});
        function step(d) { var i = select.selectedIndex + d; if (i >= 0 && i < select.options.length) { select.selectedIndex = i; select.dispatchEvent(new Event("change")); } }
        prev.addEventListener("click", function () { step(-1); });
        next.addEventListener("click", function () { step(1); });
        self.live = el("p", {className: "ntm-live", "aria-live": "polite"});
        var box = el("div", {className: "ntm-controls leaflet-bar"}, [el("label", {"for": id, text: self.t.year}), prev, select, next, self.live]);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      }
    });
    if (this.cfg.years && this.cfg.years.length) { this.map.addControl(new Controls()); }
  };

  NtmStatusMap.prototype.offerViews = function (data) {
    // The 2026-2030 view is offered when the layer carries that period's standing.
    var has = data.features.some(function (f) { return f.properties.progress_set; });
    if (!this.viewBox) { return; }
    if (!has && this.view === "progress") { this.view = "status"; this.viewSelect.value = "status"; }
    if (has) { this.viewBox.removeAttribute("hidden"); } else { this.viewBox.setAttribute("hidden", "hidden"); }
  };

  NtmStatusMap.prototype.addViewControl = function () {
    var self = this, t = this.t, View = L.Control.extend({
      options: {position: "topright"},
      onAdd: function () {
        var id = "ntm-view-" + Math.random().toString(36).slice(2, 8);
        self.viewSelect = el("select", {id: id}, [el("option", {value: "status", text: t.viewStatus}), el("option", {value: "progress", text: t.viewProgress})]);
        self.viewSelect.value = self.view;
        self.viewSelect.addEventListener("change", function () {
          self.view = self.viewSelect.value;
          if (self.layer) { self.layer.setStyle(function (f) { return self.style(f); }); }
          if (self.counts) { self.renderLegend(self.counts); }
          if (self.live) { self.live.textContent = self.view === "progress" ? t.progressTitle : t.legend; }
          if (self.cfg.history) {
            var u = new URL(window.location.href);
            if (self.view === "progress") { u.searchParams.set("view", "progress"); } else { u.searchParams.delete("view"); }
            window.history.replaceState(null, "", u.toString());
          }
        });
        self.viewBox = el("div", {className: "ntm-controls leaflet-bar", hidden: "hidden"}, [el("label", {"for": id, text: t.viewLabel}), self.viewSelect]);
        L.DomEvent.disableClickPropagation(self.viewBox);
        return self.viewBox;
      }
    });
    this.map.addControl(new View());
  };

  NtmStatusMap.prototype.load = function () {
    var self = this, cfg = this.cfg, when = this.when;
    if (this.live) { this.live.textContent = this.t.loading; }
    var params = {zoom: cfg.zoom, district: cfg.district || null, dbkk: cfg.dbkk ? "true" : null, bbox: cfg.bbox || null, province: cfg.province || null};
    if (when.year) { params.year = when.year; } else { params.date = when.date; }
    var url = cfg.dataUrl.replace("{layer}", cfg.layer) + "?" + query(params);
    var asOf = this.asOf();
    var wantOutlines = cfg.outlines && cfg.layer !== "districts" && asOf < cfg.reformDate;
    var outlineParams = {zoom: cfg.zoom, district: cfg.district || null, province: cfg.province || null};
    if (when.year) { outlineParams.year = when.year; } else { outlineParams.date = when.date; }
    var requests = [fetch(url).then(function (r) { return r.ok ? r.json() : r.json().then(function (e) { throw new Error(e.detail || r.status); }); })];
    if (wantOutlines) { requests.push(fetch(cfg.dataUrl.replace("{layer}", "districts") + "?" + query(outlineParams)).then(function (r) { return r.json(); })); }
    Promise.all(requests).then(function (results) {
      self.show(results[0], wantOutlines ? results[1] : null);
      if (cfg.history) {
        var u = new URL(window.location.href);
        u.searchParams.delete("year"); u.searchParams.delete("date");
        u.searchParams.set(when.year ? "year" : "date", when.year || when.date);
        window.history.replaceState(null, "", u.toString());
      }
    }).catch(function (err) {
      if (self.live) { self.live.textContent = self.t.failed + " " + err.message; }
    });
  };

  NtmStatusMap.prototype.show = function (data, outlines) {
    var self = this, counts = {}, illustrative = false;
    if (this.layer) { this.map.removeLayer(this.layer); }
    if (this.outlines) { this.map.removeLayer(this.outlines); this.outlines = null; }
    counts.past = {}; counts.review = {}; counts.progress = {};
    data.features.forEach(function (f) {
      var p = f.properties;
      counts[p.status] = (counts[p.status] || 0) + 1;
      if (p.status === "cho_ra_soat" && p.constituents_past) { counts.past[p.constituents_past] = (counts.past[p.constituents_past] || 0) + 1; }
      if (p.review_state) { counts.review[p.review_state] = (counts.review[p.review_state] || 0) + 1; }
      if (p.status !== "khong_ap_dung" && p.progress_set) { var c = self.progressClass(p).key; counts.progress[c] = (counts.progress[c] || 0) + 1; }
      if (f.properties.source === "illustrative") { illustrative = true; }
      (p.constituents || []).forEach(function (c) { if (c.source === "illustrative") { illustrative = true; } });
    });
    this.layer = L.geoJSON(data, {
      style: function (f) { return self.style(f); },
      onEachFeature: function (f, layer) {
        layer.bindTooltip(function () { return self.tooltip(f.properties); }, {sticky: true});
        layer.bindPopup(function () { return self.popup(f.properties); }, {maxWidth: 360});
      }
    }).addTo(this.map);
    // The map is one Tab stop (the year control a few Tabs from the top); arrow keys go from unit to unit.
    if (!this.keys) {
      this.keys = new NtmMapKeys(this.map, {hint: this.t.keysHint, label: function (f) {
        return [f.properties.name + ": " + self.statusLabel(f.properties), self.status_past(f.properties), self.reviewText(f.properties)].filter(Boolean).join("; ");
      }});
    }
    this.keys.use(this.layer);
    if (outlines) {
      this.outlines = L.geoJSON(outlines, {interactive: false, style: {fill: false, color: this.cfg.districtOutline, weight: 2.2, opacity: 1}}).addTo(this.map);
    }
    if (!this.fitted && data.features.length) {
      // In quarter zoom steps (whole ones leave a phone's map at half its width), and after the page's
      // first fit if that is still zooming: its end would undo this one.
      var map = this.map, bounds = this.layer.getBounds();
      var fit = function () { map.options.zoomSnap = 0.25; map.fitBounds(bounds, {padding: [10, 10], animate: false}); };
      if (map._animatingZoom) { map.once("zoomend", fit); } else { fit(); }
      this.fitted = true;
    }
    this.counts = counts;
    this.offerViews(data);
    this.renderLegend(counts);
    var asof = this.titleBox.querySelector(".ntm-asof");
    asof.textContent = this.when.year ? this.t.yearEnd.split("{year}").join(this.when.year) : this.t.onDate.replace("{date}", fmtDate(this.when.date, this.cfg.lang));
    // Why the map is empty (a level with no units that day) or shows another day than asked, in words:
    // the page's own notes are about the first view; after that, the layer's note.
    var notes = this.shown ? [] : (this.cfg.notes || []).slice(), note = this.titleBox.querySelector(".ntm-note");
    var said = data.note ? data.note[this.cfg.lang === "en" ? "en" : "vi"] : null;
    if (said && notes.indexOf(said) < 0) { notes.push(said); }
    this.shown = true;
    note.textContent = notes.join(" ");
    if (notes.length) { note.removeAttribute("hidden"); } else { note.setAttribute("hidden", "hidden"); }
    var banner = this.titleBox.querySelector(".ntm-banner");
    if (illustrative) { banner.removeAttribute("hidden"); } else { banner.setAttribute("hidden", "hidden"); }
    document.documentElement.setAttribute("data-ntm-loaded", this.asOf());
    document.documentElement.setAttribute("data-ntm-features", String(data.features.length));
    if (this.live) { this.live.textContent = this.t.shown.replace("{n}", fmtNumber(data.features.length, this.cfg.lang)); }
    this.data = data;
    this.renderTable();
    if (this.shareLink) { this.shareLink.href = this.cfg.shareUrl + "&" + this.whenQuery(); }
    if (this.cfg.onShow) { this.cfg.onShow(data, this.when); }
  };

  window.NtmStatusMap = NtmStatusMap;
})();
