/* geomap runtime: builds Leaflet layers from compact JSON written by geomap.render.
   Depends on Leaflet only. Every string that reaches innerHTML was HTML-escaped in
   Python; strings that are built here go through textContent. */
(function () {
  "use strict";
  var G = (window.GeoMap = window.GeoMap || {});
  G.layers = G.layers || {};

  function bind(layer, tip, popup, label) {
    if (label) {
      layer.bindTooltip(label, { permanent: true, direction: "center", className: "geomap-label" });
    } else if (tip) {
      layer.bindTooltip(tip, { sticky: true });
    }
    if (popup) {
      layer.bindPopup(popup, { maxWidth: 560, className: "geomap-popup-wrap" });
    }
  }

  /* spec: {styles: [pathOptions], geo: FeatureCollection (properties {s, t, p, l}) | null,
            points: [[lat, lon, style, tooltip, popup], ...]} */
  G.layer = function (name, spec) {
    var group = L.featureGroup();
    var styles = spec.styles || [];
    if (spec.geo) {
      L.geoJSON(spec.geo, {
        style: function (f) { return styles[f.properties.s]; },
        onEachFeature: function (f, layer) {
          var p = f.properties;
          bind(layer, p.t, p.p, p.l);
        }
      }).eachLayer(function (l) { group.addLayer(l); });
    }
    (spec.points || []).forEach(function (p) {
      var layer = L.circleMarker([p[0], p[1]], styles[p[2]]);
      bind(layer, p[3], p[4], null);
      group.addLayer(layer);
    });
    G.layers[name] = group;
    return group;
  };

  G.control = function (map, position, className, html) {
    var control = L.control({ position: position });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", className);
      div.innerHTML = html;
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    control.addTo(map);
    return control;
  };

  G.isoDay = function (start, k) {
    var p = start.split("-");
    var t = Date.UTC(+p[0], +p[1] - 1, +p[2]) + k * 86400000;
    return new Date(t).toISOString().slice(0, 10);
  };

  function row(table, head, text) {
    if (!text) { return; }
    var tr = document.createElement("tr");
    var th = document.createElement("th");
    var td = document.createElement("td");
    th.textContent = head;
    td.textContent = text;
    tr.appendChild(th);
    tr.appendChild(td);
    table.appendChild(tr);
  }

  /* spec: {start, days, initial, kinds: [{cell, marker, c, st, k, x, f}], nodata: 0,
            places: [[name, lat|null, lon|null]], iv: [[[s, e|null, kind, src], ...] per place],
            sources: [str], cells: FeatureCollection (feature.id = place index),
            events: [[day, span, lat, lon, style, tooltip, popup]], eventStyles: [..]} */
  G.slider = function (map, spec) {
    var kinds = spec.kinds;
    var cells = L.featureGroup();
    var markers = L.featureGroup();
    var events = L.featureGroup();
    var cellLayers = {};
    var markerLayers = {};
    var current = {};
    var state = { day: null };

    function find(i, d) {
      var list = spec.iv[i] || [];
      for (var j = 0; j < list.length; j++) {
        var v = list[j];
        if (v[0] <= d && (v[1] === null || d < v[1])) { return v; }
      }
      return null;
    }

    function popup(i) {
      return function () {
        var v = find(i, state.day);
        var kind = kinds[v ? v[2] : spec.nodata];
        var div = document.createElement("div");
        div.className = "geomap-popup";
        var b = document.createElement("b");
        b.textContent = spec.places[i][0];
        div.appendChild(b);
        var table = document.createElement("table");
        row(table, "Controller", kind.c);
        row(table, "Status", kind.st);
        row(table, "Contenders", kind.k);
        row(table, "Extent", kind.x);
        row(table, "Confidence", kind.f);
        if (v) {
          row(table, "Since", G.isoDay(spec.start, v[0]));
          row(table, "Until", v[1] === null ? "" : G.isoDay(spec.start, v[1]));
          row(table, "Sources", v[3] >= 0 ? spec.sources[v[3]] : "");
        }
        div.appendChild(table);
        return div;
      };
    }

    L.geoJSON(spec.cells, {
      style: function () { return kinds[spec.nodata].cell; },
      onEachFeature: function (f, layer) {
        var i = f.id;
        cellLayers[i] = layer;
        layer.bindPopup(popup(i), { maxWidth: 480 });
        layer.bindTooltip(function () { return document.createTextNode(spec.places[i][0]); },
                          { sticky: true });
      }
    }).eachLayer(function (l) { cells.addLayer(l); });

    spec.places.forEach(function (p, i) {
      if (p[1] === null || p[2] === null) { return; }
      var layer = L.circleMarker([p[1], p[2]], kinds[spec.nodata].marker);
      layer.bindPopup(popup(i), { maxWidth: 480 });
      layer.bindTooltip(function () { return document.createTextNode(p[0]); }, { sticky: true });
      markerLayers[i] = layer;
      markers.addLayer(layer);
    });

    var eventLayers = spec.events.map(function (e) {
      var layer = L.circleMarker([e[2], e[3]], spec.eventStyles[e[4]]);
      bind(layer, e[5], e[6], null);
      return layer;
    });

    function setDay(d) {
      d = Math.max(0, Math.min(spec.days, d | 0));
      state.day = d;
      for (var i = 0; i < spec.places.length; i++) {
        var v = find(i, d);
        var k = v ? v[2] : spec.nodata;
        if (current[i] === k) { continue; }
        current[i] = k;
        if (cellLayers[i]) { cellLayers[i].setStyle(kinds[k].cell); }
        if (markerLayers[i]) { markerLayers[i].setStyle(kinds[k].marker); }
      }
      spec.events.forEach(function (e, j) {
        var on = e[0] <= d && d < e[0] + e[1];
        if (on && !events.hasLayer(eventLayers[j])) { events.addLayer(eventLayers[j]); }
        if (!on && events.hasLayer(eventLayers[j])) { events.removeLayer(eventLayers[j]); }
      });
      var iso = G.isoDay(spec.start, d);
      var labels = document.querySelectorAll(".geomap-date");
      for (var n = 0; n < labels.length; n++) { labels[n].textContent = iso; }
      if (input && +input.value !== d) { input.value = String(d); }
    }

    var input = null;
    var control = L.control({ position: "bottomleft" });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "geomap-slider leaflet-bar");
      var label = L.DomUtil.create("span", "geomap-date geomap-slider-date", div);
      input = L.DomUtil.create("input", "geomap-slider-input", div);
      input.type = "range";
      input.min = "0";
      input.max = String(spec.days);
      input.step = "1";
      input.value = String(spec.initial);
      input.setAttribute("aria-label", "date");
      label.textContent = G.isoDay(spec.start, spec.initial);
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      input.addEventListener("input", function () { setDay(+input.value); });
      input.addEventListener("change", function () { setDay(+input.value); });
      return div;
    };
    control.addTo(map);
    setDay(spec.initial);

    G.layers.Cells = cells;
    G.layers.Places = markers;
    G.layers.Events = events;
    var api = { layers: { cells: cells, places: markers, events: events }, setDay: setDay,
                state: state, cellLayers: cellLayers, markerLayers: markerLayers };
    G.sliderApi = api;
    return api;
  };
})();
