// On a phone the listings come first: the long filter list starts folded (open without JavaScript).
// A file, not an inline script, so the site's Content-Security-Policy needs no 'unsafe-inline'.
if (window.matchMedia("(max-width: 720px)").matches) {
  const filters = document.getElementById("more-filters");
  if (filters) filters.removeAttribute("open");
}
