// Catalog niceties; the GET form works without them (its Apply button is the plain path).
(function () {
  "use strict";
  var form = document.getElementById("catalog-form");
  if (!form) { return; }
  // Ticking a filter applies it at once, as changing the sort does (site.js, data-autosubmit).
  form.addEventListener("change", function (event) {
    if (event.target.matches("#catalog-filters input")) {
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }
  });
  // Submitting starts again at page 1; empty values (no search words, "Any") stay out of the URL.
  form.addEventListener("submit", function () {
    document.querySelectorAll("[form=catalog-form], #catalog-form [name]").forEach(function (field) {
      if (field.value === "" || (field.type === "radio" && field.value === "")) { field.disabled = true; }
    });
  });
})();
