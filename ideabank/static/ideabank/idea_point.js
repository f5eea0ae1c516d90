// Where an idea is; the place is also written out in words above the map.
(function () {
  "use strict";
  var el = document.getElementById("idea-point-map");
  if (!el || !window.L) return;
  var settings = JSON.parse(document.getElementById("map-settings").textContent);
  var point = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
  var map = L.map(el, { scrollWheelZoom: false, keyboard: false }).setView(point, 15);
  L.tileLayer(settings.tile_url, { attribution: settings.attribution, maxZoom: 18 }).addTo(map);
  L.marker(point, { keyboard: false }).addTo(map);
})();
