// The neighbourhood map: the ideas of the current filters in the visible area, clustered.
// The list beside the map shows the same ideas and works without this script.
(function () {
  "use strict";
  var el = document.getElementById("idea-map");
  if (!el || !window.L) return;
  var settings = JSON.parse(document.getElementById("map-settings").textContent);
  var strings = JSON.parse(document.getElementById("map-strings").textContent);
  var status = document.getElementById("map-status");
  var map = L.map(el, { scrollWheelZoom: false, keyboard: true }).setView(settings.center, 12);
  L.tileLayer(settings.tile_url, { attribution: settings.attribution, maxZoom: 18 }).addTo(map);
  var clusters = L.markerClusterGroup ? L.markerClusterGroup() : L.layerGroup();
  map.addLayer(clusters);
  var pending = null;

  function popup(feature) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = feature.properties.url;
    link.textContent = feature.properties.title;
    link.className = "ds-link";
    box.appendChild(link);
    var meta = document.createElement("p");
    meta.textContent = feature.properties.status_label + " · " +
      feature.properties.support_count + " " + strings.supporters;
    box.appendChild(meta);
    return box;
  }

  function load() {
    var b = map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (n) {
      return n.toFixed(5);
    }).join(",");
    var url = el.dataset.url + (el.dataset.url.indexOf("?") >= 0 ? "&" : "?") + "bbox=" + bbox;
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(url, { signal: pending.signal, headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        clusters.clearLayers();
        data.features.forEach(function (f) {
          var c = f.geometry.coordinates;
          var marker = L.marker([c[1], c[0]], { title: f.properties.title, alt: f.properties.title });
          marker.bindPopup(popup(f));
          clusters.addLayer(marker);
        });
        var text = strings.shown + " " + data.features.length;
        if (data.truncated) text += ". " + strings.truncated;
        status.textContent = text;
        el.dataset.loaded = String(data.features.length);
      })
      .catch(function (err) {
        if (err.name !== "AbortError") status.textContent = strings.failed;
      });
  }
  map.on("moveend", load);
  load();
})();
