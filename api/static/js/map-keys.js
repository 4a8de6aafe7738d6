/* Keyboard access to the units of a Leaflet map: one Tab stop for the whole map, arrow keys
 * between its units.
 *
 * Chromium makes every labelled polygon a Tab stop, so a map of 335 communes put the year
 * control 340 Tabs away. Here the polygons leave the Tab order (tabindex -1) and the map
 * container is the one stop: Enter there moves into the units; the arrow keys go to the next
 * or previous unit in reading order (north to south, then west to east); Home and End to the
 * first and last; Enter or Space does what a click does (a popup, a selection); Escape returns
 * to the map, where the arrow keys pan again. The focused unit shows its tooltip and is kept in
 * view. The table of each map page is the other way to the same units (a list).
 */
(function () {
  "use strict";

  function centre(layer) {
    return layer.getBounds ? layer.getBounds().getCenter() : layer.getLatLng();
  }

  /* Reading order: rows of about a tenth of the map's height, north first; west to east in a row. */
  function readingOrder(layers, map) {
    var b = map.getBounds(), band = Math.max((b.getNorth() - b.getSouth()) / 10, 1e-6);
    return layers.slice().sort(function (x, y) {
      var a = centre(x), c = centre(y), ra = Math.floor(-a.lat / band), rc = Math.floor(-c.lat / band);
      return ra !== rc ? ra - rc : a.lng - c.lng;
    });
  }

  /* ``opts.label(feature)``: the unit's name and state, read out on focus;
   * ``opts.hint``: one sentence telling how to use the keys (described by the map container). */
  function MapKeys(map, opts) {
    this.map = map;
    this.opts = opts || {};
    this.units = [];
    this.last = null;
    var box = map.getContainer(), self = this;
    if (this.opts.hint) {
      var hint = document.createElement("p");
      hint.id = box.id + "-keys";
      hint.className = "ntm-visually-hidden";
      hint.textContent = this.opts.hint;
      box.parentNode.insertBefore(hint, box.nextSibling);
      box.setAttribute("aria-describedby", hint.id);
    }
    box.addEventListener("keydown", function (e) {
      if (e.target !== box || e.key !== "Enter" || !self.units.length) { return; }
      e.preventDefault();
      self.focus(self.last && self.units.indexOf(self.last) >= 0 ? self.last : self.units[0]);
    });
  }

  /* Take the units of ``group`` (a GeoJSON layer, once it is on the map). */
  MapKeys.prototype.use = function (group) {
    var self = this, layers = [];
    group.eachLayer(function (l) { if (l.getElement && l.getElement()) { layers.push(l); } });
    this.units = readingOrder(layers, this.map);
    this.units.forEach(function (l) {
      var path = l.getElement();
      path.setAttribute("tabindex", "-1");
      path.setAttribute("role", "button");
      if (self.opts.label) { path.setAttribute("aria-label", self.opts.label(l.feature)); }
      if (path.getAttribute("data-ntm-keys")) { return; }
      path.setAttribute("data-ntm-keys", "1");
      path.addEventListener("keydown", function (e) { self.key(e, l); });
      path.addEventListener("blur", function () { if (l.closeTooltip) { l.closeTooltip(); } });
    });
  };

  MapKeys.prototype.focus = function (layer) {
    var map = this.map, at = centre(layer);
    this.last = layer;
    if (!map.getBounds().contains(at)) { map.panTo(at, {animate: false}); }
    layer.getElement().focus({preventScroll: true});
    if (layer.openTooltip) { layer.openTooltip(at); }
  };

  MapKeys.prototype.key = function (e, layer) {
    var i = this.units.indexOf(layer), n = this.units.length, next = null;
    if (e.key === "ArrowRight" || e.key === "ArrowDown") { next = this.units[(i + 1) % n]; }
    else if (e.key === "ArrowLeft" || e.key === "ArrowUp") { next = this.units[(i - 1 + n) % n]; }
    else if (e.key === "Home") { next = this.units[0]; }
    else if (e.key === "End") { next = this.units[n - 1]; }
    else if (e.key === "Enter" || e.key === " ") {
      layer.fire("click", {latlng: centre(layer), target: layer, originalEvent: e});
      var path = layer.getElement();  // bringToFront() moves the element, which loses the focus
      if (document.activeElement !== path && !path.closest(".leaflet-popup")) { path.focus({preventScroll: true}); }
    } else if (e.key === "Escape") {
      this.map.closePopup();
      this.map.getContainer().focus({preventScroll: true});
    } else { return; }
    e.preventDefault();
    e.stopPropagation();  // the map's own keyboard handler would pan
    if (next) { this.focus(next); }
  };

  window.NtmMapKeys = MapKeys;
})();
