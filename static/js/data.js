// Loading a map's data, the one way both maps (citymap.js, regionmap.js) do it.
//
// Served by the app, a data file is JSON, fetched. In a published pack opened from file://, Chromium
// refuses fetch() of local files, so each data file is instead a script calling
// WhoseStreetsData.receiveGzip(name, packed): its JSON gzip-compressed in base64
// (app/web/publish.py data_script), inflated here with the browser's DecompressionStream.
window.WhoseStreetsData = (function () {
  "use strict";
  // Data file name -> {promise, resolve, reject, arrived} while its script loads.
  var waiting = {};

  // Settle one load (its entry, not whatever now waits under the same name) and forget it.
  function settle(name, entry, how, value) {
    if (waiting[name] === entry) delete waiting[name];
    entry[how](value);
  }

  function receiveGzip(name, packed) {
    var entry = waiting[name];
    if (!entry || entry.arrived) return;  // a script nobody asked for, or run twice
    entry.arrived = true;
    Promise.resolve(packed)
      .then(function (text) {
        var bytes = Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); });
        var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
        return new Response(stream).text();
      })
      .then(JSON.parse)
      .then(function (data) { settle(name, entry, "resolve", data); },
            function (error) { settle(name, entry, "reject", error); });
  }

  function loadScript(name, url) {
    if (waiting[name]) return waiting[name].promise;  // already on its way
    var entry = { arrived: false };
    entry.promise = new Promise(function (resolve, reject) {
      entry.resolve = resolve;
      entry.reject = reject;
    });
    waiting[name] = entry;
    var script = document.createElement("script");
    script.src = url;
    // A script runs before its load event: one that ran without handing over this name's data never will.
    script.onload = function () {
      script.remove();
      if (!entry.arrived) settle(name, entry, "reject", new Error(url + " holds no " + name + " data"));
    };
    script.onerror = function () {
      script.remove();
      settle(name, entry, "reject", new Error(url));
    };
    document.head.appendChild(script);
    return entry.promise;
  }

  // The data file `name` at `url`, as a promise of its JSON; `asScript`: a pack's script, not a fetch.
  function load(name, url, asScript) {
    if (asScript) return loadScript(name, url);
    return fetch(url, { headers: { "Accept": "application/json" } }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    });
  }

  return { load: load, receiveGzip: receiveGzip };
})();
