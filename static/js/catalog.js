// Catalog niceties; the GET form works without them.
(function () {
  "use strict";
  var form = document.getElementById("catalog-form");
  if (!form) { return; }
  // Filters start folded on phones (the <details> is open without JavaScript).
  var filters = document.getElementById("catalog-filters");
  if (filters && window.matchMedia("(max-width: 991.98px)").matches) {
    filters.removeAttribute("open");
  }
  // (Changing the sort or page size applies it at once: site.js, data-autosubmit.)
  // Submitting from page 3 starts again at page 1; drop empty radio values from the URL.
  form.addEventListener("submit", function () {
    form.querySelectorAll("input[type=radio][value='']").forEach(function (input) { input.disabled = true; });
  });
})();
