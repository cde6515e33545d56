/* Pay an order with Stripe's Payment Element (cards, Alipay, WeChat Pay: automatic payment methods).
   The browser confirms the PaymentIntent with Stripe; the licence is issued only when Stripe's signed
   webhook reaches the server, so this page just comes back here and waits. */
(function () {
  "use strict";
  var form = document.getElementById("stripe-payment-form");
  if (!form || typeof Stripe === "undefined") { return; }
  var stripe = Stripe(form.dataset.publishableKey);
  var elements = stripe.elements({ clientSecret: form.dataset.clientSecret });
  elements.create("payment").mount("#stripe-payment-element");
  var errors = document.getElementById("stripe-payment-errors");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    form.querySelector("button").disabled = true;
    stripe.confirmPayment({ elements: elements, confirmParams: { return_url: form.dataset.returnUrl } })
      .then(function (result) {
        if (result.error) {
          errors.textContent = result.error.message;
          errors.hidden = false;
          form.querySelector("button").disabled = false;
        }
      });
  });
})();
