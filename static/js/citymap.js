// The city map: fetch the streets once (map.json: columnar, encoded polylines), draw them into the
// category groups Folium created, fetch the streets' keys and a street's facts when a popup first opens,
// and find streets by name. Data from OpenStreetMap and Wikidata is
// untrusted: every piece of it goes into the page through textContent or a checked URL, never as HTML.
window.WhoseStreets = (function () {
  "use strict";
  var state = { map: null, groups: {}, config: null, run: null, byKey: {}, keys: null, streets: [], facts: {}, chunks: {},
                listeners: [] };
  var FLAG_NO_ARTICLE = 1;  // app.mapdata.FLAG_NO_ARTICLE

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  // Only https links from data; anything else (javascript:, data:...) is dropped.
  function safeUrl(url) { return typeof url === "string" && /^https:\/\/[^\s]+$/.test(url) ? url : null; }

  function link(href, text) {
    var a = el("a", null, text);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  function years(person) {
    if (person.birth_year == null && person.death_year == null) return "";
    var b = person.birth_year == null ? "?" : String(person.birth_year);
    var d = person.death_year == null ? "" : String(person.death_year);
    return "(" + b + "–" + d + ")";
  }

  // Outside links are shaped by the server (app/links.py, handed over as config.links): here their
  // {placeholders} are only filled, every value URL-encoded.
  function outsideUrl(name, values) {
    return state.config.links[name].replace(/\{(\w+)\}/g, function (_m, key) {
      return encodeURIComponent(String(values[key]));
    });
  }

  function createArticleUrl(label) {
    var lang = state.config.language;
    if (!lang || !/^[a-z][a-z-]{1,11}$/.test(lang)) return null;
    return outsideUrl("newArticle", { lang: lang, title: label.replace(/ /g, "_") });
  }

  function personBlock(person) {
    var text = state.config.text;
    var qid = person.qid;
    var box = el("div", "ws-person");
    // The picture is optional content from Wikimedia Commons: the element exists only once the
    // popup is open (popups are built on opening), so no page load ever asks Commons for anything.
    if (person.image) {
      var img = el("img", "ws-thumb");
      img.alt = text.image;
      img.loading = "lazy";
      img.width = 60;
      img.src = outsideUrl("commonsThumbnail", { file: person.image, width: 120 });
      box.appendChild(img);
    }
    var head = el("p", "ws-person-name");
    head.appendChild(el("strong", null, person.label || qid));
    var y = years(person);
    if (y) head.append(" ", el("span", "ws-years", y));
    box.appendChild(head);
    if (person.description) box.appendChild(el("p", "ws-description", person.description));
    var links = el("p", "ws-links");
    var article = safeUrl(person.article);
    if (article) {
      links.appendChild(link(article, text.article));
    } else if (person.kind === "human" || person.kind === "fictional") {
      var create = createArticleUrl(person.label || "");
      if (create) { var a = link(create, text.noArticle); a.className = "ws-create"; links.appendChild(a); }
    }
    if (/^Q\d+$/.test(qid || "")) {
      if (links.childNodes.length) links.append(" · ");
      links.appendChild(link(outsideUrl("wikidata", { qid: qid }), text.wikidata));
    }
    box.appendChild(links);
    return box;
  }

  // The popup's head comes from the map data at once; the rest (namesakes, evidence, links) from
  // /cities/<slug>/streets/<key>.json, fetched when the popup first opens and kept for the visit.
  function popupHead(street) {
    var c = state.config;
    var root = el("div", "ws-popup");
    root.appendChild(el("h3", null, street.name));
    var cat = el("p", "ws-category");
    var swatch = el("span", "ws-swatch");
    swatch.style.background = c.palette[street.category];
    cat.append(swatch, " ", c.labels[street.category] || street.category);
    root.appendChild(cat);
    return root;
  }

  function fillPopup(root, street, facts) {
    var c = state.config, text = c.text;
    var cat = root.querySelector(".ws-category");
    if (facts.mix && c.mixes[facts.mix]) cat.append(" (" + c.mixes[facts.mix] + ")");
    (facts.namesakes || []).forEach(function (person) { root.appendChild(personBlock(person)); });
    if (!(facts.namesakes || []).length && (facts.persons || []).length) {
      var guess = el("p", "ws-person-name");
      guess.appendChild(el("strong", null, facts.persons.join(", ")));
      guess.append(" ", el("span", "ws-note", "— " + text.unknownPerson));
      root.appendChild(guess);
    }
    if (facts.source) {
      var ev = el("p", "ws-evidence");
      ev.appendChild(el("span", "ws-label", text.evidence + ": "));
      ev.append((c.sources[facts.source] || facts.source) + " (" + (c.confidences[facts.confidence] || facts.confidence) + ")");
      if (facts.evidence) ev.append(" — " + facts.evidence);
      root.appendChild(ev);
    }
    if (facts.reviewed) root.appendChild(el("p", "ws-reviewed", text.reviewed));
    var osm = el("p", "ws-links");
    (facts.osm_ids || []).forEach(function (ref, i) {
      var m = /^(way|relation|node)\/(\d+)$/.exec(ref);
      if (!m) return;
      if (i) osm.append(" · ");
      osm.appendChild(link(outsideUrl("osm", { kind: m[1], number: m[2] }), text.osmWay + " " + ref));
      osm.append(" ");
      var edit = link(outsideUrl("editId", { kind: m[1], number: m[2] }), "(" + text.editId + ")");
      osm.appendChild(edit);
    });
    root.appendChild(osm);
  }

  function streetPageLink(street) {
    var p = el("p");
    if (!state.config.streetUrl || !street.id) return p;  // a pack published without a public site has no street pages
    var page = el("a", "ws-street-page", state.config.text.streetPage);
    page.href = state.config.streetUrl + encodeURIComponent(street.id);
    p.appendChild(page);
    return p;
  }

  // The streets' keys (map-keys.json, in the map data's order), fetched once when first needed: the map
  // draws without them, they are random numbers a quarter of the map data would spend on.
  function streetKeys() {
    if (!state.keys) {
      state.keys = loadData("keys", state.config.keysUrl).then(function (data) {
        if (data.run !== state.run) throw new Error("reload");  // analysed again since the map loaded
        state.streets.forEach(function (street, i) {
          street.id = data.keys[i];
          state.byKey[street.id] = street.layer;
          var node = street.layer.getElement && street.layer.getElement();
          if (node) node.setAttribute("data-street", street.id);
        });
        return state.byKey;
      }).catch(function (e) { state.keys = null; throw e; });  // a later need tries again
    }
    return state.keys;
  }

  function factsOf(street) {
    if (!street.id) return streetKeys().then(function () { return factsOf(street); });
    if (!state.facts[street.id]) {
      var c = state.config;
      var facts;
      if (c.dataAsScript) {
        // A pack: the facts of streets in map-data order, c.factsChunk streets to a file.
        var chunk = Math.floor(street.index / c.factsChunk);
        if (!state.chunks[chunk]) {
          state.chunks[chunk] = loadData("facts-" + chunk, c.factsUrl + chunk + ".js")
            .catch(function (e) { delete state.chunks[chunk]; throw e; });
        }
        facts = state.chunks[chunk].then(function (all) {
          if (!all[street.id]) throw new Error(street.id);
          return all[street.id];
        });
      } else {
        var url = c.factsUrl + encodeURIComponent(street.id) + ".json?rev=" + encodeURIComponent(c.revision);
        facts = loadData("facts", url);
      }
      state.facts[street.id] = facts
        .catch(function (e) { delete state.facts[street.id]; throw e; });  // a later opening tries again
    }
    return state.facts[street.id];
  }

  function buildPopup(street, layer) {
    var root = popupHead(street);
    root.setAttribute("data-facts", "loading");
    var status = el("p", "ws-popup-status", state.config.text.factsLoading);
    root.appendChild(status);
    factsOf(street).then(function (facts) {
      status.remove();
      fillPopup(root, street, facts);
      root.appendChild(streetPageLink(street));
      root.setAttribute("data-facts", "loaded");
    }, function (e) {
      status.textContent = state.config.text.factsFailed + " (" + e.message + ")";
      root.appendChild(streetPageLink(street));
      root.setAttribute("data-facts", "failed");
    }).then(function () {
      var popup = layer.getPopup();
      if (popup && popup.isOpen()) popup.update();
    });
    return root;
  }

  // Leaflet calls this on every opening and every popup.update(): one element per street, built
  // again only when fetching its facts failed (so the next opening tries again).
  function popupContent(street, layer) {
    if (!street.popup || street.popup.getAttribute("data-facts") === "failed") street.popup = buildPopup(street, layer);
    return street.popup;
  }

  function style(street) {
    var c = state.config;
    return {
      color: c.palette[street.category] || "#555",
      weight: c.weights[street.category] || 3,
      opacity: 0.9,
      lineCap: "round",
      className: "ws-street ws-cat-" + street.category,
      // Dashed: a person without an article in the city's language (a gap worth filling).
      dashArray: street.flags & FLAG_NO_ARTICLE ? "6 6" : null,
    };
  }

  function normalise(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }

  // Google's encoded polyline format (app.mapdata.encode_lines): each value is the difference from
  // the previous one, times 10^precision, zig-zag signed, written 5 bits per character from "?".
  // ``at`` carries the position over from one line to the next: a line's first point is a difference
  // from the last point of the line before it, across the whole city.
  function decodePolyline(text, factor, at) {
    var points = [], index = 0;
    while (index < text.length) {
      for (var k = 0; k < 2; k++) {
        var shift = 0, result = 0, byte;
        do {
          byte = text.charCodeAt(index++) - 63;
          result |= (byte & 0x1f) << shift;
          shift += 5;
        } while (byte >= 0x20);
        var delta = result & 1 ? ~(result >> 1) : result >> 1;
        if (k === 0) at.lat += delta; else at.lng += delta;
      }
      points.push([at.lat / factor, at.lng / factor]);
    }
    return points;
  }

  // app.mapdata.build_map_data: one array per property (a name "" repeats the one before) and the
  // lines as one string, streets separated by " ", a street's lines by ",".
  function draw(data) {
    var columns = data.streets, people = data.people || {};
    var factor = Math.pow(10, data.precision);
    var at = { lat: 0, lng: 0 };
    var lines = columns.name.length ? columns.lines.split(" ") : [];
    var name = "";
    state.run = data.run;
    state.streets = [];
    columns.name.forEach(function (text, i) {
      name = text || name;
      var street = {
        id: null,  // the key, once streetKeys() has it
        index: i,
        name: name,
        category: data.categories[columns.category[i]],
        flags: columns.flags[i],
      };
      street.search = normalise(street.name + " " + (people[i] || ""));
      var group = state.groups[street.category];
      var latlngs = lines[i] ? lines[i].split(",").map(function (text) { return decodePolyline(text, factor, at); }) : [];
      var layer = L.polyline(latlngs, Object.assign({ pane: "ws-" + street.category }, style(street)));
      layer.street = street;
      street.layer = layer;
      // A handle for tests and user styles: the street key on its SVG path, once the keys are here.
      layer.on("add", function () {
        var node = layer.getElement && layer.getElement();
        if (node && street.id) node.setAttribute("data-street", street.id);
      });
      layer.bindPopup(function () { return popupContent(street, layer); }, { maxWidth: 320, minWidth: 200 });
      if (group) layer.addTo(group);
      state.streets.push(street);
    });
    // For tests and benchmarks: the streets are in the page (Leaflet creates the SVG paths synchronously).
    window.wsStreetsDrawnAt = performance.now();
    window.wsStreetsDrawn = true;
    document.dispatchEvent(new CustomEvent("ws:drawn", { detail: { streets: state.streets.length } }));
  }

  function toggle(category, show) {
    var group = state.groups[category];
    if (!group) return null;
    var visible = state.map.hasLayer(group);
    if (show == null) show = !visible;
    if (show && !visible) state.map.addLayer(group);
    if (!show && visible) state.map.removeLayer(group);
    state.listeners.forEach(function (fn) { fn(category, show); });
    return show;
  }

  function showStreet(street) {
    toggle(street.category, true);
    state.map.fitBounds(street.layer.getBounds(), { maxZoom: 17, animate: false });
    street.layer.openPopup();
  }

  // Opens the street with this key; a promise of whether there is one.
  function focusStreet(key) {
    return streetKeys().then(function (byKey) {
      var layer = byKey[key];
      if (layer) showStreet(layer.street);
      return !!layer;
    });
  }

  function search(query, limit) {
    var q = normalise(query);
    if (!q) return [];
    var hits = [];
    for (var i = 0; i < state.streets.length && hits.length < (limit || 10); i++) {
      if (state.streets[i].search.indexOf(q) !== -1) hits.push(state.streets[i]);
    }
    return hits;
  }

  function wireSearch() {
    var input = document.getElementById("street-search");
    var results = document.getElementById("street-results");
    if (!input || !results) return;
    function show() {
      results.textContent = "";
      var hits = search(input.value, 10);
      if (input.value.trim() && !hits.length) results.appendChild(el("li", "ws-none", state.config.text.noMatch));
      hits.forEach(function (street) {
        var li = el("li");
        var button = el("button", "ws-result", street.name);
        button.type = "button";
        var swatch = el("span", "ws-swatch");
        swatch.style.background = state.config.palette[street.category];
        button.prepend(swatch, " ");
        button.addEventListener("click", function () { showStreet(street); });
        li.appendChild(button);
        results.appendChild(li);
      });
    }
    input.addEventListener("input", show);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        var hits = search(input.value, 1);
        if (hits.length) showStreet(hits[0]);
      }
    });
    input.disabled = false;
  }

  // Data files: fetched, or in a pack opened from file:// loaded as scripts (static/js/data.js).
  function loadData(name, url) {
    return WhoseStreetsData.load(name, url, state.config.dataAsScript);
  }

  // The offline background: the city's outline and, when published with --context, its other ways,
  // faint and below every street (coordinates as [lon, lat] lines, like GeoJSON).
  function drawBackground(data) {
    var pane = state.map.createPane("ws-background");
    pane.style.zIndex = 350;
    pane.classList.add("ws-background");
    var common = { pane: "ws-background", interactive: false, smoothFactor: 1.5 };
    var group = L.featureGroup();
    function latLngs(lines) {
      return lines.map(function (line) { return line.map(function (p) { return [p[1], p[0]]; }); });
    }
    (data.layers || []).forEach(function (layer) {
      var style = Object.assign({}, common, layer.style || {});
      if (!layer.lines || !layer.lines.length) return;
      if (layer.area) L.polygon(latLngs(layer.lines), style).addTo(group);
      else L.polyline(latLngs(layer.lines), style).addTo(group);
    });
    group.addTo(state.map);
    state.background = group;
  }

  // #street=<key> in the address opens that street (links from a pack's gap list point there).
  function focusFromAddress() {
    var m = /^#street=(.+)$/.exec(window.location.hash || "");
    if (m) focusStreet(decodeURIComponent(m[1])).catch(function () {});
  }

  // On a phone the layer control (categories with counts) would cover most of the map: there it
  // shrinks to a button that opens it (site.css hides the list under 40rem unless it is open).
  function collapsibleLegend(map, text) {
    var control = map.getContainer().querySelector(".leaflet-control-layers");
    if (!control) return;
    var button = el("button", "ws-legend-toggle", text.legend);
    button.type = "button";
    button.setAttribute("aria-expanded", "false");
    L.DomEvent.disableClickPropagation(button);
    button.addEventListener("click", function () {
      var open = control.classList.toggle("ws-legend-open");
      button.setAttribute("aria-expanded", String(open));
    });
    control.insertBefore(button, control.firstChild);
  }

  function initMap(map, groups, config) {
    state.map = map;
    state.groups = groups;
    state.config = config;
    // One pane per category so that women's streets stay on top whatever is toggled.
    config.categories.forEach(function (cat) {
      var pane = map.createPane("ws-" + cat);
      pane.style.zIndex = config.zOrder[cat] || 400;
    });
    collapsibleLegend(map, config.text);
    // The map must credit OpenStreetMap even when no tile layer is shown.
    map.attributionControl.addAttribution(config.osmAttribution);
    var status = el("div", "ws-status", config.text.loading);
    map.getContainer().appendChild(status);
    if (config.backgroundUrl) {
      loadData("background", config.backgroundUrl).then(drawBackground).catch(function () {});
    }
    loadData("map", config.dataUrl)
      .then(function (data) { draw(data); status.remove(); wireSearch(); focusFromAddress(); })
      .catch(function (e) { status.textContent = config.text.loadFailed + " (" + e.message + ")"; });
    window.addEventListener("hashchange", focusFromAddress);
  }

  return {
    initMap: initMap, toggle: toggle, focusStreet: focusStreet, streetKeys: streetKeys, search: search,
    onToggle: function (fn) { state.listeners.push(fn); },
    isVisible: function (cat) { return !!state.groups[cat] && state.map.hasLayer(state.groups[cat]); },
    state: state,
  };
})();
