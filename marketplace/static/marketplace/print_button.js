// The certificate's print button (a file: no inline handler under the CSP).
const printButton = document.getElementById("print-certificate");
if (printButton) printButton.addEventListener("click", () => window.print());
