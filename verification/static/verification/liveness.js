/* The guided camera check: open the camera, start a guided check, then stream JPEG frames in small
 * batches while the person moves. Each answer names the action to perform now and how far it has got;
 * the page shows it at once ("Turn further to your left"). The server picks each next action at random
 * only after it has seen the current one, and decides from all the frames at the end.
 *
 * The preview is mirrored by CSS only (people expect a mirror); the frames are drawn from the video
 * element's own pixels, so what is sent is what the camera saw: NOT mirrored. The server's "turn left"
 * means the person's own left, which relies on that.
 */
(function () {
  "use strict";
  var root = document.getElementById("liveness");
  if (!root) { return; }
  function data(id) { return JSON.parse(document.getElementById(id).textContent); }
  var prompts = data("liveness-prompts");
  var hints = data("liveness-hints");
  var further = data("liveness-further");
  var text = data("liveness-messages");
  var video = document.getElementById("preview");
  var promptBox = document.getElementById("prompt");
  var feedbackBox = document.getElementById("feedback");
  var stepBox = document.getElementById("liveness-step");
  var bar = document.getElementById("liveness-progress");
  var errorBox = document.getElementById("liveness-error");
  var button = document.getElementById("start-check");
  var cfg = {
    fps: Number(root.dataset.fps) || 8,
    batch: Number(root.dataset.batch) || 4,
    batchMax: Number(root.dataset.batchMax) || 8,
    quality: Number(root.dataset.jpegQuality) || 0.85,
    maxFrames: Number(root.dataset.maxFrames) || 240
  };

  function csrfToken() {
    var input = root.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    button.disabled = false;
    button.style.display = "";
    root.dataset.state = "error";
  }

  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  function grab(canvas) {
    var ctx = canvas.getContext("2d");
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);  // unmirrored camera pixels
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", cfg.quality); });
  }

  async function post(url, body) {
    var response = await fetch(url, {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
    });
    var payload = await response.json().catch(function () { return {}; });
    if (!response.ok) { throw new Error(payload.message || text.failed); }
    return payload;
  }

  function show(progress) {
    root.dataset.step = progress.action || "hold";
    root.dataset.hint = progress.hint;
    promptBox.textContent = progress.action ? (prompts[progress.action] || "") : text.hold;
    var hint = progress.hint === "further" ? further[progress.action] : hints[progress.hint];
    feedbackBox.textContent = hint || "";
    if (progress.step > 0) {
      stepBox.textContent = text.step_of.replace("{step}", progress.step).replace("{steps}", progress.steps);
      bar.hidden = false;
      bar.value = progress.fraction;
    }
  }

  async function stream(nonce) {
    var canvas = document.createElement("canvas");
    canvas.width = video.videoWidth || 640;
    canvas.height = video.videoHeight || 480;
    var interval = 1000 / cfg.fps;
    var pending = [];
    var sent = 0;
    var upload = null;
    var finished = null;
    var failure = null;
    function send(blobs) {
      var form = new FormData();
      form.append("nonce", nonce);
      blobs.forEach(function (blob, i) { form.append("frames", blob, "frame-" + (sent + i) + ".jpg"); });
      sent += blobs.length;
      return post(root.dataset.guidedFramesUrl, form).then(function (progress) {
        show(progress);
        if (progress.done) { finished = progress; }
      }, function (err) { failure = err; });
    }
    for (var next = performance.now(); !finished && !failure && sent + pending.length < cfg.maxFrames; next += interval) {
      var blob = await grab(canvas);
      if (blob) { pending.push(blob); }
      if (!upload && pending.length >= cfg.batch) {
        // a slow answer leaves a backlog: it goes in the next uploads, never more than batchMax at once
        upload = send(pending.splice(0, cfg.batchMax)).then(function () { upload = null; });
      }
      var wait = next + interval - performance.now();
      if (wait > 0) { await sleep(wait); }
    }
    if (upload) { await upload; }
    if (failure) { throw failure; }
    return finished;
  }

  async function run() {
    button.disabled = true;
    button.style.display = "none";  // the check runs by itself from here; it comes back on an error
    errorBox.hidden = true;
    root.dataset.state = "starting";
    var stream_;
    try {
      stream_ = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
    } catch (err) {
      showError(text.no_camera);
      return;
    }
    try {
      video.srcObject = stream_;
      await video.play();
      var check = await post(root.dataset.guidedUrl, null);
      root.dataset.state = "capturing";
      show({ action: null, hint: "hold_still", fraction: 0, step: 0, steps: check.steps });
      var finished = await stream(check.nonce);
      if (!finished) { showError(text.timed_out); return; }
      promptBox.textContent = text.sending;
      root.dataset.state = "sent";
      window.location.assign(root.dataset.statusUrl);
    } catch (err) {
      showError(err && err.message ? err.message : text.failed);
    } finally {
      stream_.getTracks().forEach(function (track) { track.stop(); });
    }
  }

  button.addEventListener("click", run);
}());
