// Headway's only script: small progressive enhancements. Every page works without it.
(function () {
  "use strict";

  // <select class="js-autosubmit">: submit its form on change (the Switch/Show button stays for
  // keyboard and no-JS users).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.classList.contains("js-autosubmit")) {
      target.form.requestSubmit();
    }
  });

  // <form class="js-confirm" data-confirm="...">: ask before an irreversible action.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.classList.contains("js-confirm")) {
      if (!window.confirm(form.dataset.confirm || "Are you sure?")) {
        event.preventDefault();
      }
    }
  }, true);

  // After an HTMX swap, move focus to the first status message or error, for screen readers
  // and keyboard users.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var message = event.detail.target.querySelector(".message, .form-error, .field-error");
    if (message) {
      message.setAttribute("tabindex", "-1");
      message.focus();
    }
  });
})();
