/* The map of places (/-/map): one circle per district and ward, sized by its article count; a click opens
   the search filtered to that place. The data is the page's JSON block; the tiles may fail to load (no
   network): the circles are drawn by Leaflet's SVG renderer all the same. A module: datasette-leaflet ships
   Leaflet as an ES module, imported from the address the page gives (data-leaflet). */
const box = document.getElementById("kt-map");
const block = document.getElementById("kt-places-data");
if (box && block) {
  import(box.dataset.leaflet).then(function (L) { draw(L, JSON.parse(block.textContent)); });
}

function draw(L, data) {
  var map = L.map(box, {scrollWheelZoom: false}).setView([21.03, 105.85], 10);
  if (data.tiles) {
    L.tileLayer(data.tiles, {maxZoom: 18, attribution: data.attribution}).addTo(map);
  }
  var drawn = [];
  data.places.forEach(function (place) {
    var district = place.level === "district";
    var marker = L.circleMarker([place.latitude, place.longitude], {
      radius: place.radius, weight: district ? 2 : 1, color: district ? "#8a1c1c" : "#1c4f8a",
      fillColor: district ? "#d9534f" : "#4a90d9", fillOpacity: district ? 0.35 : 0.6,
      className: "kt-place-marker kt-level-" + place.level
    }).addTo(map);
    var label = place.kind + " " + place.name + (place.district && !district ? " (" + place.district + ")" : "");
    marker.bindTooltip(label + ": " + place.count);
    marker.on("click", function () { window.location.href = place.href; });
    var element = marker.getElement();
    element.setAttribute("data-place", place.key);
    element.setAttribute("data-count", String(place.count));
    element.setAttribute("data-href", place.href);
    drawn.push(marker);
  });
  if (drawn.length) {
    map.fitBounds(L.featureGroup(drawn).getBounds().pad(0.15), {maxZoom: 14});
  }
  box.setAttribute("data-drawn", String(drawn.length));
}
