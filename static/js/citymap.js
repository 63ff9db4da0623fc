// The city map: fetch the streets once (map.geojson), draw them into the category groups Folium
// created, build popups on demand, and find streets by name. Data from OpenStreetMap and Wikidata is
// untrusted: every piece of it goes into the page through textContent or a checked URL, never as HTML.
window.WhoseStreets = (function () {
  "use strict";
  var state = { map: null, groups: {}, config: null, byKey: {}, features: [], namesakes: {}, listeners: [] };

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

  function createArticleUrl(label) {
    var lang = state.config.language;
    if (!lang || !/^[a-z][a-z-]{1,11}$/.test(lang)) return null;
    var title = encodeURIComponent(label.replace(/ /g, "_"));
    return "https://" + lang + ".wikipedia.org/w/index.php?title=" + title + "&action=edit";
  }

  function personBlock(qid) {
    var text = state.config.text;
    var person = state.namesakes[qid] || { label: qid };
    var box = el("div", "ws-person");
    // The picture is optional content from Wikimedia Commons: the element exists only once the
    // popup is open (popups are built on opening), so no page load ever asks Commons for anything.
    if (person.image) {
      var img = el("img", "ws-thumb");
      img.alt = text.image;
      img.loading = "lazy";
      img.width = 60;
      img.src = "https://commons.wikimedia.org/wiki/Special:FilePath/" + encodeURIComponent(person.image) + "?width=120";
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
    if (/^Q\d+$/.test(qid)) {
      if (links.childNodes.length) links.append(" · ");
      links.appendChild(link("https://www.wikidata.org/wiki/" + qid, text.wikidata));
    }
    box.appendChild(links);
    return box;
  }

  function buildPopup(feature) {
    var p = feature.properties, c = state.config, text = c.text;
    var root = el("div", "ws-popup");
    root.appendChild(el("h3", null, p.street_name));
    var cat = el("p", "ws-category");
    var swatch = el("span", "ws-swatch");
    swatch.style.background = c.palette[p.category];
    cat.append(swatch, " ", c.labels[p.category] || p.category);
    if (p.mix && c.mixes[p.mix]) cat.append(" (" + c.mixes[p.mix] + ")");
    root.appendChild(cat);
    (p.wikidata_ids || []).forEach(function (qid) { root.appendChild(personBlock(qid)); });
    if (!(p.wikidata_ids || []).length && (p.persons || []).length) {
      var guess = el("p", "ws-person-name");
      guess.appendChild(el("strong", null, p.persons.join(", ")));
      guess.append(" ", el("span", "ws-note", "— " + text.unknownPerson));
      root.appendChild(guess);
    }
    if (p.source) {
      var ev = el("p", "ws-evidence");
      ev.appendChild(el("span", "ws-label", text.evidence + ": "));
      ev.append((c.sources[p.source] || p.source) + " (" + (c.confidences[p.confidence] || p.confidence) + ")");
      if (p.evidence) ev.append(" — " + p.evidence);
      root.appendChild(ev);
    }
    if (p.reviewed) root.appendChild(el("p", "ws-reviewed", text.reviewed));
    var osm = el("p", "ws-links");
    (p.osm_ids || []).forEach(function (ref, i) {
      var m = /^(way|relation|node)\/(\d+)$/.exec(ref);
      if (!m) return;
      if (i) osm.append(" · ");
      osm.appendChild(link("https://www.openstreetmap.org/" + m[1] + "/" + m[2], text.osmWay + " " + ref));
      osm.append(" ");
      var edit = link("https://www.openstreetmap.org/edit?editor=id&" + m[1] + "=" + m[2], "(" + text.editId + ")");
      osm.appendChild(edit);
    });
    root.appendChild(osm);
    var page = el("a", "ws-street-page", text.streetPage);
    page.href = c.streetUrl + encodeURIComponent(p.street_id);
    root.appendChild(el("p")).appendChild(page);
    return root;
  }

  function style(feature) {
    var p = feature.properties, c = state.config;
    return {
      color: c.palette[p.category] || "#555",
      weight: c.weights[p.category] || 3,
      opacity: 0.9,
      lineCap: "round",
      className: "ws-street ws-cat-" + p.category,
      // Dashed: a person without an article in the city's language (a gap worth filling).
      dashArray: p.no_article ? "6 6" : null,
    };
  }

  function normalise(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function draw(data) {
    state.namesakes = data.namesakes || {};
    state.features = data.features || [];
    var byCategory = {};
    state.config.categories.forEach(function (cat) { byCategory[cat] = []; });
    state.features.forEach(function (f) {
      (byCategory[f.properties.category] || (byCategory[f.properties.category] = [])).push(f);
      var names = (f.properties.persons || []).concat((f.properties.wikidata_ids || []).map(function (q) {
        return (state.namesakes[q] || {}).label || "";
      }));
      f.properties._search = normalise(f.properties.street_name + " " + names.join(" "));
    });
    Object.keys(byCategory).forEach(function (cat) {
      var group = state.groups[cat];
      if (!group) return;
      L.geoJSON(byCategory[cat], {
        pane: "ws-" + cat,
        style: style,
        onEachFeature: function (feature, layer) {
          state.byKey[feature.properties.street_id] = layer;
          // A handle for tests and user styles: the street key on its SVG path.
          layer.on("add", function () {
            var node = layer.getElement && layer.getElement();
            if (node) node.setAttribute("data-street", feature.properties.street_id);
          });
          layer.bindPopup(function () { return buildPopup(feature); }, { maxWidth: 320, minWidth: 200 });
        },
      }).addTo(group);
    });
    // For tests and benchmarks: the streets are in the page (Leaflet creates the SVG paths synchronously).
    window.wsStreetsDrawnAt = performance.now();
    window.wsStreetsDrawn = true;
    document.dispatchEvent(new CustomEvent("ws:drawn", { detail: { streets: state.features.length } }));
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

  function focusStreet(key) {
    var layer = state.byKey[key];
    if (!layer) return false;
    var feature = layer.feature;
    toggle(feature.properties.category, true);
    state.map.fitBounds(layer.getBounds(), { maxZoom: 17, animate: false });
    layer.openPopup();
    return true;
  }

  function search(query, limit) {
    var q = normalise(query);
    if (!q) return [];
    var hits = [];
    for (var i = 0; i < state.features.length && hits.length < (limit || 10); i++) {
      if (state.features[i].properties._search.indexOf(q) !== -1) hits.push(state.features[i]);
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
      hits.forEach(function (f) {
        var li = el("li");
        var button = el("button", "ws-result", f.properties.street_name);
        button.type = "button";
        var swatch = el("span", "ws-swatch");
        swatch.style.background = state.config.palette[f.properties.category];
        button.prepend(swatch, " ");
        button.addEventListener("click", function () { focusStreet(f.properties.street_id); });
        li.appendChild(button);
        results.appendChild(li);
      });
    }
    input.addEventListener("input", show);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        var hits = search(input.value, 1);
        if (hits.length) focusStreet(hits[0].properties.street_id);
      }
    });
    input.disabled = false;
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
    // The map must credit OpenStreetMap even when no tile layer is shown.
    map.attributionControl.addAttribution(config.osmAttribution);
    var status = el("div", "ws-status", config.text.loading);
    map.getContainer().appendChild(status);
    fetch(config.dataUrl, { headers: { "Accept": "application/geo+json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { draw(data); status.remove(); wireSearch(); })
      .catch(function (e) { status.textContent = config.text.loadFailed + " (" + e.message + ")"; });
  }

  return {
    initMap: initMap, toggle: toggle, focusStreet: focusStreet, search: search,
    onToggle: function (fn) { state.listeners.push(fn); },
    isVisible: function (cat) { return !!state.groups[cat] && state.map.hasLayer(state.groups[cat]); },
    state: state,
  };
})();
