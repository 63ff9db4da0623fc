// Presenter mode: keyboard shortcuts over the already loaded map. Nothing here touches the network:
// toggling only adds/removes layers that citymap.js built from the data it fetched once.
(function () {
  "use strict";
  var ws = window.WhoseStreets;
  var legend = document.getElementById("present-legend");
  var help = document.getElementById("present-help");
  var qr = document.getElementById("present-qr");
  var buttons = Array.prototype.slice.call(legend.querySelectorAll("button[data-category]"));

  ws.onToggle(function (category, shown) {
    buttons.forEach(function (b) { if (b.dataset.category === category) b.setAttribute("aria-pressed", String(shown)); });
  });
  buttons.forEach(function (b) {
    b.addEventListener("click", function () { ws.toggle(b.dataset.category); });
  });

  function fullscreen() {
    if (document.fullscreenElement) { document.exitFullscreen(); }
    else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen().catch(function () {}); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target && /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName)) return;
    var key = event.key;
    if (/^[1-9]$/.test(key) && buttons[Number(key) - 1]) {
      ws.toggle(buttons[Number(key) - 1].dataset.category);
    } else if (key === "0") {
      buttons.forEach(function (b) { ws.toggle(b.dataset.category, true); });
    } else if (key === "f" || key === "F") {
      fullscreen();
    } else if (key === "p" || key === "P") {
      document.body.classList.toggle("panel-hidden");
      ws.state.map.invalidateSize();  // the map's box changed size
    } else if (key === "q" || key === "Q") {
      qr.hidden = !qr.hidden;
      if (!qr.hidden) help.hidden = true;
    } else if (key === "?") {
      help.hidden = !help.hidden;
      if (!help.hidden) qr.hidden = true;
    } else if (key === "Escape") {
      help.hidden = true;
      qr.hidden = true;
    } else {
      return;
    }
    event.preventDefault();
  });
})();
