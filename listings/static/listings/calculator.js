/* Live price calculator: sends the scope form to the quote API and shows the answer line by line.
   Plain JavaScript, no library; the server does every calculation (this only displays it). */
(function () {
  "use strict";
  var form = document.getElementById("quote-form");
  if (!form || form.dataset.priceOnRequest === "true") { return; }
  var linesBody = document.querySelector("#quote-lines tbody");
  var total = document.getElementById("quote-total");
  var errors = document.getElementById("quote-errors");
  var pending = null;
  var sequence = 0;

  function scopeFromForm() {
    var data = new FormData(form);
    var many = ["use_categories", "media", "territories", "sensitive_uses"];
    var scope = {};
    many.forEach(function (name) { scope[name] = data.getAll(name); });
    ["reach_band", "monetisation", "exclusivity"].forEach(function (name) { scope[name] = data.get(name); });
    scope.duration_months = parseInt(data.get("duration_months"), 10);
    scope.ai_training = data.get("ai_training") === "on";
    return scope;
  }

  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
  }

  function showQuote(quote) {
    linesBody.textContent = "";
    quote.lines.forEach(function (line) {
      var row = document.createElement("tr");
      row.dataset.code = line.code;
      cell(row, line.label);
      cell(row, line.factor);
      cell(row, line.amount_display);
      linesBody.appendChild(row);
    });
    total.textContent = quote.total_display;
    total.dataset.minor = String(quote.total_minor);
    errors.hidden = true;
  }

  // The API's one error body: {code, message, fields: {field: [messages]}}. The person reads the
  // messages (sentences, no field names); the fields go in data-fields for scripts and tests.
  function showErrors(body) {
    var fields = (body && body.fields) || {};
    var messages = [];
    Object.keys(fields).forEach(function (key) { messages = messages.concat(fields[key]); });
    if (!messages.length && body && body.message) { messages.push(body.message); }
    linesBody.textContent = "";
    total.textContent = "—";
    delete total.dataset.minor;
    errors.textContent = messages.join(" ");
    errors.dataset.fields = Object.keys(fields).join(" ");
    errors.dataset.code = (body && body.code) || "";
    errors.hidden = false;
  }

  function requestQuote() {
    var mine = ++sequence;
    fetch(form.dataset.quoteUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(scopeFromForm())
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (mine !== sequence) { return; }  // a newer request is on its way
      if (result.ok) { showQuote(result.body); } else { showErrors(result.body); }
    }).catch(function () {
      if (mine === sequence) { showErrors({ message: errors.dataset.offline || "The price could not be fetched. Try again." }); }
    });
  }

  function schedule() {
    window.clearTimeout(pending);
    pending = window.setTimeout(requestQuote, 150);
  }

  form.addEventListener("change", schedule);
  form.addEventListener("input", schedule);
  form.addEventListener("submit", function (event) {
    // A button with its own formaction (e.g. "Buy this licence") really submits; Enter only re-prices.
    if (event.submitter && event.submitter.hasAttribute("formaction")) { return; }
    event.preventDefault();
    requestQuote();
  });
  requestQuote();
}());
