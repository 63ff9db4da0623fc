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

  // In a published pack opened from file://, Chromium refuses fetch() of local files: the outlines
  // are a script (app/web/publish.py data_script) handing gzip-compressed JSON to receiveGzip.
  var waiting = null;
  function receiveGzip(name, packed) {
    var done = waiting;
    waiting = null;
    if (!done) return;
    var bytes = Uint8Array.from(atob(packed), function (c) { return c.charCodeAt(0); });
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    new Response(stream).text().then(function (text) { done.resolve(JSON.parse(text)); }, done.reject);
  }
  function loadData(config) {
    if (!config.dataAsScript) {
      return fetch(config.dataUrl, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      });
    }
    return new Promise(function (resolve, reject) {
      waiting = { resolve: resolve, reject: reject };
      var script = document.createElement("script");
      script.src = config.dataUrl;
      script.onerror = function () { waiting = null; reject(new Error(config.dataUrl)); };
      document.head.appendChild(script);
    });
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

  return { initMap: initMap, receiveGzip: receiveGzip };
})();
