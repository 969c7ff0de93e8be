// Learning area: the certificate's print and copy-link buttons (the lesson player's forms are
// plain POSTs: "Complete and continue" moves on to the next lesson).
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print-button]").forEach(function (button) {
      button.classList.remove("d-none");
      button.addEventListener("click", function () {
        window.print();
      });
    });
    // The certificate's share link: a copy button (without JavaScript the link is plain text).
    document.querySelectorAll("[data-copy-button]").forEach(function (button) {
      var source = document.querySelector("[data-copy-source]");
      var status = document.querySelector("[data-copy-status]");
      if (!source || !navigator.clipboard) return;
      button.classList.remove("d-none");
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(source.value).then(
          function () {
            if (status) status.textContent = button.getAttribute("data-copied-text");
            button.classList.replace("btn-outline-primary", "btn-success");
          },
          function () {
            source.select();
          }
        );
      });
    });
  });
})();
