// The plan area on a map. The map is decorative beside the written description and documents.
(function () {
  "use strict";
  var el = document.getElementById("plan-map");
  if (!el || !window.L) return;
  var settings = JSON.parse(document.getElementById("map-settings").textContent);
  var area = JSON.parse(document.getElementById("plan-area-data").textContent);
  var map = L.map(el, { scrollWheelZoom: false, keyboard: true });
  L.tileLayer(settings.tile_url, { attribution: settings.attribution, maxZoom: 18 }).addTo(map);
  var layer = L.geoJSON(area, { style: { color: "#1e4f91", weight: 3, fillOpacity: 0.15 } }).addTo(map);
  map.fitBounds(layer.getBounds(), { padding: [16, 16] });
})();
