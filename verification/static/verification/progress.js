/* The progress page: poll the enrollment's status until a verdict exists, then reload to show it. */
(function () {
  "use strict";
  var box = document.getElementById("verdict");
  var url = box && box.dataset.pollUrl;
  if (!url) { return; }
  var delay = 1000;
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (body && body.status !== "frames_uploaded" && body.status !== "deciding") {
          window.location.reload();
          return;
        }
        delay = Math.min(delay * 1.5, 5000);
        setTimeout(poll, delay);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, delay);
}());
