// Learning area: "Mark as complete" without a page reload (the form works without JavaScript)
// and the certificate's print button.
(function () {
  "use strict";

  function onCompleteSubmit(event) {
    var form = event.currentTarget;
    if (!window.fetch || !window.FormData) return;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    var input = form.querySelector("input[name=done]");
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        if (data.certificate_issued) {
          // Show the congratulation message and certificate link the page renders.
          window.location.reload();
          return;
        }
        input.value = data.done ? "0" : "1";
        button.className = data.done ? "btn btn-success" : "btn btn-outline-success";
        button.setAttribute("aria-pressed", data.done ? "true" : "false");
        button.innerHTML = data.done
          ? '<i class="bi bi-check-circle-fill" aria-hidden="true"></i> Completed · mark as not done'
          : '<i class="bi bi-check-circle" aria-hidden="true"></i> Mark as complete';
        var bar = document.querySelector("[data-progress-bar]");
        if (bar) {
          bar.value = data.percent;
          bar.textContent = data.percent + "%";
        }
        var text = document.querySelector("[data-progress-text]");
        if (text) text.textContent = data.percent + "% complete";
        var current = document.querySelector(".curriculum-list [aria-current=page] .lesson-mark");
        if (current) {
          current.className = data.done
            ? "bi bi-check-circle-fill text-success lesson-mark"
            : "bi bi-circle lesson-mark";
        }
      })
      .catch(function () {
        form.submit();
      })
      .finally(function () {
        if (button) button.disabled = false;
      });
  }


  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-complete-form]").forEach(function (form) {
      form.addEventListener("submit", onCompleteSubmit);
    });
    document.querySelectorAll("[data-print-button]").forEach(function (button) {
      button.classList.remove("d-none");
      button.addEventListener("click", function () {
        window.print();
      });
    });
  });
})();
