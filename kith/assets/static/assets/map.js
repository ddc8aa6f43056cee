// Progressive enhancement: when a tile server is configured (KITH_MAP_TILE_URL), show the
// results on a Leaflet map as well. The SVG map above works without it and without JavaScript.
const holder = document.getElementById("asset-map-tiles");
const data = document.getElementById("asset-map-points");
if (holder && data && window.L) {
  const points = JSON.parse(data.textContent);
  holder.hidden = false;
  const map = window.L.map(holder);
  window.L.tileLayer(holder.dataset.tileUrl, { attribution: holder.dataset.attribution || "" }).addTo(map);
  const markers = points.map((p) =>
    window.L.marker([p.lat, p.lon], { title: `${p.n}. ${p.name}` }).bindPopup(`<a href="${p.url}">${p.n}. ${p.name.replace(/</g, "&lt;")}</a>`),
  );
  const group = window.L.featureGroup(markers).addTo(map);
  map.fitBounds(group.getBounds().pad(0.2));
}
