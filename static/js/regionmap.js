// The region's choropleth: fetch the municipalities' outlines once, colour each by its class of
// the share of person-named streets honouring women, and open a municipality's city page on click.
// Names come from OpenStreetMap: they reach the page through textContent only, never as HTML.
window.WhoseStreetsRegion = (function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function percent(value) {
    return new Intl.NumberFormat(document.documentElement.lang || undefined,
      { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);
  }

  function tooltip(props, config) {
    var box = el("div", "ws-region-tip");
    box.appendChild(el("strong", null, props.municipality));
    var line;
    if (props.status === "empty") line = config.text.noStreets;
    else if (props.share_class == null) line = config.text.tooFew;
    else line = percent(props.women_share) + " " + config.text.share;
    box.appendChild(el("div", null, line));
    return box;
  }

  function style(props, config) {
    var known = props.share_class != null;
    return {
      color: "#333333", weight: 1, opacity: 0.9, fillOpacity: known ? 0.8 : 0.5,
      fillColor: known ? config.colours[props.share_class] : config.tooFewColour,
      dashArray: known ? null : "4 3",
      className: "ws-municipality" + (known ? "" : " ws-too-few")
    };
  }

  // The outlines: fetched, or in a pack opened from file:// loaded as a script (static/js/data.js).
  function loadData(config) {
    return WhoseStreetsData.load("region", config.dataUrl, config.dataAsScript);
  }

  function cityUrl(slug, config) {
    if (config.cityUrls) return config.cityUrls[slug] || null;
    return config.cityUrl.replace("SLUG", encodeURIComponent(slug));
  }

  function initMap(map, config) {
    map.attributionControl.addAttribution(config.osmAttribution);
    loadData(config)
      .then(function (data) {
        var layer = L.geoJSON(data, {
          style: function (feature) { return style(feature.properties, config); },
          onEachFeature: function (feature, path) {
            var props = feature.properties;
            path.bindTooltip(tooltip(props, config), { sticky: true });
            var url = props.slug ? cityUrl(props.slug, config) : null;
            if (url) {
              path.on("click", function () { window.location.href = url; });
            }
          }
        }).addTo(map);
        var bounds = layer.getBounds();
        if (bounds.isValid()) map.fitBounds(bounds);
        window.wsRegionDrawn = true;
      })
      .catch(function () {
        var box = document.getElementById("region-map-error");
        if (box) { box.textContent = config.text.loadFailed; box.hidden = false; }
      });
  }

  return { initMap: initMap };
})();
