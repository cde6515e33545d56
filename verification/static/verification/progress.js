/* The progress page: poll the enrollment's status until a verdict exists, then reload to show it. */
(function () {
  "use strict";
  var box = document.getElementById("verdict");
  var url = box && box.dataset.pollUrl;
  if (!url) { return; }
  var delay = 1000;
  var started = Date.now();
  var stage = document.getElementById("progress-stage");
  var elapsed = document.getElementById("progress-elapsed");
  function showStage(status) {
    // which step the check is at, and for how long it has run: a bare spinner reads as stuck
    if (stage && stage.dataset[status]) { stage.textContent = stage.dataset[status]; }
    if (elapsed && stage) {
      elapsed.textContent = stage.dataset.elapsed.replace("{seconds}", Math.round((Date.now() - started) / 1000));
    }
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (body && body.status !== "frames_uploaded" && body.status !== "deciding") {
          window.location.reload();
          return;
        }
        if (body) { showStage(body.status); }
        delay = Math.min(delay * 1.5, 3000);
        setTimeout(poll, delay);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, delay);
}());
