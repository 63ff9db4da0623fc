// Loading a map's data, the one way both maps (citymap.js, regionmap.js) do it.
//
// Served by the app, a data file is JSON, fetched. In a published pack opened from file://, Chromium
// refuses fetch() of local files, so each data file is instead a script calling
// WhoseStreetsData.receiveGzip(name, packed): its JSON gzip-compressed in base64
// (app/web/publish.py data_script), inflated here with the browser's DecompressionStream.
window.WhoseStreetsData = (function () {
  "use strict";
  var waiting = {};  // data file name -> {resolve, reject} of the promise load() returned

  function settle(name, how, value) {
    var done = waiting[name];
    delete waiting[name];
    if (done) done[how](value);
  }

  function receiveGzip(name, packed) {
    var bytes = Uint8Array.from(atob(packed), function (c) { return c.charCodeAt(0); });
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    new Response(stream).text().then(
      function (text) { settle(name, "resolve", JSON.parse(text)); },
      function (error) { settle(name, "reject", error); });
  }

  // The data file `name` at `url`, as a promise of its JSON; `asScript`: a pack's script, not a fetch.
  function load(name, url, asScript) {
    if (!asScript) {
      return fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        });
    }
    return new Promise(function (resolve, reject) {
      waiting[name] = { resolve: resolve, reject: reject };
      var script = document.createElement("script");
      script.src = url;
      script.onerror = function () { settle(name, "reject", new Error(url)); };
      document.head.appendChild(script);
    });
  }

  return { load: load, receiveGzip: receiveGzip };
})();
