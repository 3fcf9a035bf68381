// Matching run page: follow a queued or running run without reloading by hand.
// Polls the run's status.json every 2 s and reloads the page when the run is done or failed.
// Without JavaScript the page shows a "Refresh now" link instead.
(function () {
  "use strict";
  var box = document.querySelector("[data-run-status-url]");
  if (!box || !window.fetch) { return; }
  var url = box.dataset.runStatusUrl;
  var label = box.querySelector("[data-run-progress]");
  var delay = 2000;

  function poll() {
    window.fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        if (data.finished) { window.location.reload(); return; }
        if (label && data.progress_label) { label.textContent = data.progress_label + "…"; }
        window.setTimeout(poll, delay);
      })
      .catch(function () { window.setTimeout(poll, delay * 3); });
  }
  window.setTimeout(poll, delay);
})();
