// The language menu switches as soon as a language is chosen (a file: no inline handler under the CSP).
const languageSelect = document.getElementById("language-select");
if (languageSelect) languageSelect.addEventListener("change", () => languageSelect.form.submit());
