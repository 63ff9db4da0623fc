// Home page: analyse a new city (the tables sort with sortable.js)
// (name -> candidates from /api/areas -> POST /api/cities -> poll the job -> open the city).
// Everything shown from the API is set with textContent: names come from OpenStreetMap.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("home-config").textContent);

  // --- analyse a city ---
  var form = document.getElementById("analyse-form");
  var candidatesForm = document.getElementById("candidates-form");
  var list = document.getElementById("candidates");
  var jobBox = document.getElementById("job");
  var errorBox = document.getElementById("analyse-error");
  var DIRECT = /^\s*(relation\/\d+|Q[1-9]\d*)\s*$/i;

  function showError(prefix, message) {
    errorBox.textContent = prefix + " " + (message || "");
    errorBox.hidden = false;
  }
  function clearError() { errorBox.hidden = true; errorBox.textContent = ""; }

  function readJson(response) {
    return response.json().catch(function () { return {}; }).then(function (body) {
      return { status: response.status, body: body };
    });
  }

  function showCandidates(candidates) {
    list.textContent = "";
    if (!candidates.length) { showError(config.text.noCandidates, ""); return; }
    candidates.forEach(function (c, i) {
      var li = document.createElement("li");
      var label = document.createElement("label");
      var radio = document.createElement("input");
      radio.type = "radio"; radio.name = "candidate"; radio.value = c.query; radio.required = true;
      if (i === 0) radio.checked = true;
      var name = document.createElement("strong");
      name.textContent = c.name;
      var details = document.createElement("span");
      details.className = "details";
      var parts = [];
      if (c.parent || c.country_code) parts.push(c.parent || c.country_code);
      if (c.admin_level != null) parts.push(config.text.adminLevel + " " + c.admin_level);
      if (c.wikidata) parts.push(c.wikidata);
      parts.push(c.query);
      details.textContent = " — " + parts.join(" · ");
      label.append(radio, " ", name, details);
      li.appendChild(label);
      list.appendChild(li);
    });
    candidatesForm.hidden = false;
  }

  function start(query) {
    clearError();
    candidatesForm.hidden = true;
    fetch(config.citiesUrl, {
      method: "POST", headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ query: query })
    }).then(readJson).then(function (r) {
      if (r.status === 409 && r.body.candidates) { showCandidates(r.body.candidates); return; }
      if (!r.body.job) { showError(config.text.error, r.body.error || r.status); return; }
      poll(r.body.job);
    }).catch(function (e) { showError(config.text.error, e.message); });
  }

  function poll(job) {
    jobBox.hidden = false;
    var stage = document.getElementById("job-stage");
    var bar = document.getElementById("job-progress");
    var count = document.getElementById("job-count");
    stage.textContent = job.status === "queued" ? config.text.queued : job.stage;
    if (job.total) { bar.max = job.total; bar.value = job.done; count.textContent = job.done + " / " + job.total; }
    else { bar.removeAttribute("value"); count.textContent = ""; }
    if (job.status === "done") {
      stage.textContent = config.text.done;
      window.location.href = config.cityUrl.replace("SLUG", encodeURIComponent(job.area));
      return;
    }
    if (job.status === "failed") { jobBox.hidden = true; showError(config.text.failed, job.error); return; }
    setTimeout(function () {
      fetch(config.jobUrl + job.id, { headers: { "Accept": "application/json" } }).then(readJson).then(function (r) {
        if (r.status !== 200) { showError(config.text.error, r.body.error || r.status); return; }
        poll(r.body);
      }).catch(function (e) { showError(config.text.error, e.message); });
    }, 1000);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = document.getElementById("analyse-query").value.trim();
    if (!query) return;
    if (DIRECT.test(query)) { start(query); return; }
    clearError();
    list.textContent = "";
    candidatesForm.hidden = true;
    fetch(config.areasUrl + "?q=" + encodeURIComponent(query), { headers: { "Accept": "application/json" } })
      .then(readJson).then(function (r) {
        if (r.status !== 200) { showError(config.text.error, r.body.error || r.status); return; }
        showCandidates(r.body.candidates || []);
      }).catch(function (e) { showError(config.text.error, e.message); });
  });

  candidatesForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var chosen = candidatesForm.querySelector("input[name=candidate]:checked");
    if (chosen) start(chosen.value);
  });
})();
