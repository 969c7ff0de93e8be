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

  // Wishlist hearts (on every page with course cards) toggle in place: no reload, a phone keeps
  // its scroll position; the POST form is the path without JavaScript.
  function onWishlistSubmit(event) {
    var form = event.target.closest && event.target.closest("[data-wishlist-form]");
    if (!form || !window.fetch || !window.FormData) return;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
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
        var label = data.wishlisted ? "Remove from wishlist" : "Add to wishlist";
        button.setAttribute("aria-pressed", data.wishlisted ? "true" : "false");
        button.title = label;
        var icon = button.querySelector(".bi");
        icon.classList.toggle("bi-heart-fill", data.wishlisted);
        icon.classList.toggle("bi-heart", !data.wishlisted);
        var text = button.querySelector("[data-wishlist-label]");
        if (text) text.textContent = label;
      })
      .catch(function () {
        form.submit();
      })
      .finally(function () {
        button.disabled = false;
      });
  }
  document.addEventListener("submit", onWishlistSubmit);

  // A video link becomes the host's player when pressed (the link opens the host's page without
  // JavaScript); the player asks to start at once, since the learner just pressed play.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".video-facade-button");
    if (!button) return;
    var facade = button.parentElement;
    var embed = facade.getAttribute("data-video-embed");
    event.preventDefault();
    var frame = document.createElement("iframe");
    frame.src = embed + (embed.indexOf("?") === -1 ? "?" : "&") + "autoplay=1";
    frame.title = facade.getAttribute("data-video-title");
    frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    facade.replaceChildren(frame);
    frame.focus();
  });

  // A chosen picture shows in the profile's preview before it is saved.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(".avatar-file") || !input.files || !input.files[0]) return;
    var preview = input.closest(".avatar-input").querySelector("[data-avatar-preview]");
    var reader = new FileReader();
    reader.onload = function () {
      var img = document.createElement("img");
      img.src = reader.result; // a data: URL (the CSP allows them for images)
      img.alt = "Your new picture";
      img.width = img.height = 72;
      img.className = "rounded-circle object-fit-cover";
      preview.replaceChildren(img);
    };
    reader.readAsDataURL(input.files[0]);
  });
})();
