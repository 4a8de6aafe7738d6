/* geo-ntm planners' pages: shared helpers and the unit search box.
 *
 * Every string that comes from data (unit names, decision numbers, citations) is written with
 * textContent or setAttribute, never as HTML, so a name such as "<script>" shows as text.
 */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (attrs[k] === null || attrs[k] === undefined) { return; }
      if (k === "text") { node.textContent = attrs[k]; }
      else if (k === "className") { node.className = attrs[k]; }
      else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) { return; }
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function swatch(fill) {
    var svg = document.createElementNS(SVG, "svg"), rect = document.createElementNS(SVG, "rect");
    svg.setAttribute("class", "pl-swatch"); svg.setAttribute("width", "18"); svg.setAttribute("height", "13");
    svg.setAttribute("aria-hidden", "true"); svg.setAttribute("focusable", "false");
    [["x", "0.5"], ["y", "0.5"], ["width", "17"], ["height", "12"], ["fill", fill], ["stroke", "#4d4d4d"]]
      .forEach(function (a) { rect.setAttribute(a[0], a[1]); });
    svg.appendChild(rect);
    return svg;
  }

  function config() {
    return JSON.parse(document.getElementById("pl-config").textContent);
  }

  function fmt(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (m, k) { return values[k] === undefined ? m : String(values[k]); });
  }

  function day(iso, lang) {
    if (!iso) { return ""; }
    var s = String(iso).slice(0, 10), p = s.split("-");
    return lang === "en" ? s : p[2] + "/" + p[1] + "/" + p[0];
  }

  function pct(v, lang) {
    if (v === null || v === undefined) { return "—"; }
    var text = String(Math.round(v * 1000) / 10);
    return (lang === "vi" ? text.replace(".", ",") : text) + "%";
  }

  function query(params) {
    var out = new URLSearchParams();
    Object.keys(params).forEach(function (k) {
      var v = params[k];
      if (v === null || v === undefined || v === "") { return; }
      (Array.isArray(v) ? v : [v]).forEach(function (x) { out.append(k, x); });
    });
    return out.toString();
  }

  function statusFill(cfg, status) {
    return cfg.patterns[status] ? "url(#pl-p-" + status + ")" : (cfg.palette[status] || cfg.noData);
  }

  function shareFill(cfg, share) {
    if (share === null || share === undefined) { return cfg.noData; }
    var classes = cfg.shareClasses;
    for (var i = 0; i < classes.length; i++) {
      if (classes[i].below === null || share < classes[i].below - 1e-9) {
        return classes[i].pattern ? "url(#pl-share-" + (i + 1) + ")" : classes[i].fill;
      }
    }
    return cfg.noData;
  }

  function getJSON(url) {
    return fetch(url, {headers: {Accept: "application/json"}}).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) { throw new Error(body.detail || String(r.status)); }
        return body;
      });
    });
  }

  /* The search box: as-you-type (debounced), tolerant of missing diacritics (the API folds them). */
  function initSearch(cfg) {
    var input = document.getElementById("pl-q");
    if (!input) { return; }
    var t = cfg.text, lang = cfg.lang, list = document.getElementById("pl-q-results");
    var status = input.parentNode.querySelector(".pl-search-status"), timer = null, seq = 0;

    function href(hit) {
      var when = hit.current ? null : hit.valid_to;
      if (hit.level === "commune") { return "/planning/communes/" + encodeURIComponent(hit.code) + "?" + query({lang: lang, date: when}); }
      if (hit.level === "district") { return "/planning/map?" + query({lang: lang, district: hit.code, date: when}); }
      return "/planning/map?" + query({lang: lang});
    }
    function close() { list.hidden = true; }
    function render(hits) {
      list.textContent = "";
      hits.forEach(function (hit) {
        var where = hit.district ? hit.district.name : (hit.parent ? hit.parent.name : "");
        var meta = [t.levels[hit.level] || hit.level, where, t.code + " " + hit.code];
        if (!hit.current && hit.valid_to) { meta.push(fmt(t.former, {date: day(hit.valid_to, lang)})); }
        list.appendChild(el("li", {}, [el("a", {href: href(hit), text: hit.name}), " ",
          el("span", {className: "pl-meta", text: meta.filter(Boolean).join(" · ")})]));
      });
      status.textContent = hits.length ? fmt(t.results, {n: hits.length}) : t.noResults;
      list.hidden = !hits.length;
    }
    function run() {
      var q = input.value.trim(), mine = ++seq;
      if (!q) { list.textContent = ""; status.textContent = ""; close(); return; }
      status.textContent = t.searching;
      getJSON("/api/search?" + query({q: q, limit: 8})).then(function (data) {
        if (mine === seq) { render(data.results); }
      }).catch(function (err) { if (mine === seq) { status.textContent = t.failed + " " + err.message; close(); } });
    }
    function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 250); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" && links().length) { e.preventDefault(); list.hidden = false; links()[0].focus(); }
      if (e.key === "Escape") { close(); }
    });
    list.addEventListener("keydown", function (e) {
      var all = links(), i = all.indexOf(document.activeElement);
      if (e.key === "ArrowDown" && i < all.length - 1) { e.preventDefault(); all[i + 1].focus(); }
      if (e.key === "ArrowUp") { e.preventDefault(); (i > 0 ? all[i - 1] : input).focus(); }
      if (e.key === "Escape") { close(); input.focus(); }
    });
    input.addEventListener("focus", function () { if (list.childNodes.length) { list.hidden = false; } });
    document.addEventListener("click", function (e) { if (!input.parentNode.contains(e.target)) { close(); } });
  }

  window.NtmPlan = {el: el, swatch: swatch, config: config, fmt: fmt, day: day, pct: pct, query: query,
    statusFill: statusFill, shareFill: shareFill, getJSON: getJSON, initSearch: initSearch};
})();
