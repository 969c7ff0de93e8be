// Progressive enhancement only: every feature works as a plain form without this file.
(function () {
  "use strict";
  // Auto-submit elements marked data-autosubmit (e.g. the catalog's sort select) when changed.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-autosubmit]") && target.form) {
      target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
    }
  });
})();
