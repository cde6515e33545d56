/* The liveness check page: open the camera, get a challenge, show each prompt in turn while capturing
 * JPEG frames, then upload them with the challenge's nonce.
 *
 * The preview is mirrored by CSS only (people expect a mirror); the frames are drawn from the video
 * element's own pixels, so what is sent is what the camera saw: NOT mirrored. The server's "turn left"
 * means the person's own left, which relies on that.
 */
(function () {
  "use strict";
  var root = document.getElementById("liveness");
  if (!root) { return; }
  var prompts = JSON.parse(document.getElementById("liveness-prompts").textContent);
  var text = JSON.parse(document.getElementById("liveness-messages").textContent);
  var video = document.getElementById("preview");
  var promptBox = document.getElementById("prompt");
  var errorBox = document.getElementById("liveness-error");
  var button = document.getElementById("start-check");
  var cfg = {
    fps: Number(root.dataset.fps) || 8,
    baselineMs: Number(root.dataset.baselineMs) || 1000,
    actionMs: Number(root.dataset.actionMs) || 1500,
    quality: Number(root.dataset.jpegQuality) || 0.85,
    maxFrames: Number(root.dataset.maxFrames) || 60
  };

  function csrfToken() {
    var input = root.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    button.disabled = false;
    root.dataset.state = "error";
  }

  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  function grab(canvas) {
    var ctx = canvas.getContext("2d");
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);  // unmirrored camera pixels
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", cfg.quality); });
  }

  async function capture(actions) {
    var canvas = document.createElement("canvas");
    canvas.width = video.videoWidth || 640;
    canvas.height = video.videoHeight || 480;
    var frames = [];
    var timeline = [{ text: text.hold, ms: cfg.baselineMs }].concat(actions.map(function (action) {
      return { text: prompts[action] || action, ms: cfg.actionMs, action: action };
    }));
    var interval = 1000 / cfg.fps;
    var started = performance.now();
    var ends = [];
    var total = 0;
    timeline.forEach(function (step) { total += step.ms; ends.push(total); });
    var step = -1;
    for (var next = started; performance.now() - started < total && frames.length < cfg.maxFrames; next += interval) {
      var elapsed = performance.now() - started;
      var current = ends.findIndex(function (end) { return elapsed < end; });
      if (current !== step) {
        step = current;
        promptBox.textContent = timeline[step].text;
        root.dataset.step = timeline[step].action || "hold";
      }
      var blob = await grab(canvas);
      if (blob) { frames.push(blob); }
      var wait = next + interval - performance.now();
      if (wait > 0) { await sleep(wait); }
    }
    return frames;
  }

  async function run() {
    button.disabled = true;
    errorBox.hidden = true;
    root.dataset.state = "starting";
    var stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
    } catch (err) {
      showError(text.no_camera);
      return;
    }
    try {
      video.srcObject = stream;
      await video.play();
      var response = await fetch(root.dataset.challengeUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
      });
      var challenge = await response.json();
      if (!response.ok) { showError(challenge.message || text.failed); return; }
      root.dataset.state = "capturing";
      var frames = await capture(challenge.actions);
      promptBox.textContent = text.sending;
      root.dataset.state = "sending";
      var form = new FormData();
      form.append("nonce", challenge.nonce);
      frames.forEach(function (blob, i) { form.append("frames", blob, "frame-" + i + ".jpg"); });
      var upload = await fetch(root.dataset.framesUrl, {
        method: "POST", credentials: "same-origin", body: form,
        headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
      });
      if (!upload.ok) {
        var problem = await upload.json().catch(function () { return {}; });
        showError(problem.message || text.failed);
        return;
      }
      root.dataset.state = "sent";
      window.location.assign(root.dataset.statusUrl);
    } catch (err) {
      showError(text.failed);
    } finally {
      stream.getTracks().forEach(function (track) { track.stop(); });
    }
  }

  button.addEventListener("click", run);
}());
