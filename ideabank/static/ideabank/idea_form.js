// Choosing the place of an idea: the place search without a page reload (so chosen photos
// stay chosen), and a map to click on. Without this script the search is a form round trip.
(function () {
  "use strict";
  var form = document.getElementById("idea-form");
  if (!form) return;
  var script = document.getElementById("idea-form-script");
  var strings = JSON.parse(document.getElementById("place-strings").textContent);
  var settings = JSON.parse(document.getElementById("map-settings").textContent);
  var results = document.getElementById("place-results");
  var query = form.querySelector("[name=place_query]");
  var lat = form.querySelector("[name=lat]");
  var lon = form.querySelector("[name=lon]");
  var choice = document.getElementById("map-choice");
  var marker = null;
  var map = null;

  function showOnMap(latlng) {
    if (!map) return;
    if (marker) marker.setLatLng(latlng);
    else marker = L.marker(latlng).addTo(map);
    map.setView(latlng, Math.max(map.getZoom(), 15));
  }

  function tokenLatLng(token) {
    var point = token.split("|")[0].split(",");
    return [parseFloat(point[0]), parseFloat(point[1])];
  }

  results.addEventListener("change", function (event) {
    if (event.target.name !== "place") return;
    lat.value = "";
    lon.value = "";
    choice.textContent = "";
    showOnMap(tokenLatLng(event.target.value));
  });

  function render(items) {
    results.textContent = "";
    if (!items.length) {
      var none = document.createElement("p");
      none.className = "ds-paragraph";
      none.textContent = strings.none;
      results.appendChild(none);
      return;
    }
    var fieldset = document.createElement("fieldset");
    fieldset.className = "ds-fieldset";
    var legend = document.createElement("legend");
    legend.className = "ds-label";
    legend.textContent = strings.choose;
    fieldset.appendChild(legend);
    var list = document.createElement("ul");
    list.className = "radio-list";
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.className = "checkbox-row";
      var input = document.createElement("input");
      input.type = "radio";
      input.className = "ds-input";
      input.name = "place";
      input.id = "place-" + (i + 1);
      input.value = item.token;
      input.checked = i === 0;
      var label = document.createElement("label");
      label.className = "ds-label";
      label.dataset.weight = "regular";
      label.htmlFor = input.id;
      label.textContent = item.name;
      li.appendChild(input);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(label);
      list.appendChild(li);
    });
    fieldset.appendChild(list);
    results.appendChild(fieldset);
    lat.value = "";
    lon.value = "";
    showOnMap(tokenLatLng(items[0].token));
    list.querySelector("input").focus();
  }

  document.getElementById("find-place").addEventListener("click", function (event) {
    event.preventDefault();
    var url = script.dataset.searchUrl + "?q=" + encodeURIComponent(query.value);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) { render(data.results); })
      .catch(function () { results.textContent = strings.failed; });
  });
  // Enter in the search box searches instead of sending the idea.
  query.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();
      document.getElementById("find-place").click();
    }
  });

  var el = document.getElementById("pick-map");
  if (!el || !window.L) return;
  el.hidden = false;
  map = L.map(el, { scrollWheelZoom: false, keyboard: true }).setView(settings.center, 13);
  L.tileLayer(settings.tile_url, { attribution: settings.attribution, maxZoom: 18 }).addTo(map);
  map.on("click", function (event) {
    lat.value = event.latlng.lat.toFixed(6);
    lon.value = event.latlng.lng.toFixed(6);
    results.querySelectorAll("input[name=place]").forEach(function (input) {
      if (input.type === "hidden") input.remove();
      else input.checked = false;
    });
    choice.textContent = strings.clicked;
    showOnMap(event.latlng);
  });
  var checked = results.querySelector("input[name=place]:checked, input[type=hidden][name=place]");
  if (checked) showOnMap(tokenLatLng(checked.value));
  else if (lat.value && lon.value) showOnMap([parseFloat(lat.value), parseFloat(lon.value)]);
})();
