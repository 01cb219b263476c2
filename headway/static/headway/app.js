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

  // HTMX does not swap an error answer (a 503 while the database is busy, a 403, a 500) and
  // a lost connection answers nothing: without this the button just does nothing. Say that
  // nothing was saved, at the top of the form (or area) that sent the request.
  function errorText(xhr) {
    if (!xhr || !xhr.status) {
      return "Nothing was saved: the server could not be reached. Check your connection and try again.";
    }
    if (xhr.status === 503) {
      // The 503 page explains why (busy, or read-only): show its first paragraph as text.
      var doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
      var reason = doc.querySelector("main p");
      return reason && reason.textContent.trim()
        ? reason.textContent.trim()
        : "The server is busy, so this change was not saved. Try again in a few seconds.";
    }
    if (xhr.status === 403) {
      return "Nothing was saved: you may not make this change. Reload the page to see what you may do.";
    }
    if (xhr.status === 404) {
      return "Nothing was saved: this item no longer exists. Reload the page.";
    }
    return "Nothing was saved: something went wrong (error " + xhr.status + "). Reload the page and try again.";
  }

  function showRequestError(event) {
    var source = event.detail.elt;
    var place = (source && source.closest && source.closest("form")) || event.detail.target || source;
    if (!place) {
      return;
    }
    var old = place.querySelector(":scope > .htmx-error");
    if (old) {
      old.remove();
    }
    var message = document.createElement("p");
    message.className = "message message-error htmx-error";
    message.setAttribute("role", "alert");
    message.setAttribute("tabindex", "-1");
    message.textContent = errorText(event.detail.xhr);
    place.insertBefore(message, place.firstChild);
    message.focus();
  }

  document.body.addEventListener("htmx:responseError", showRequestError);
  document.body.addEventListener("htmx:sendError", showRequestError);

  // A new request clears the previous request's error message.
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var source = event.detail.elt;
    var place = (source && source.closest && source.closest("form")) || event.detail.target;
    var old = place && place.querySelector(":scope > .htmx-error");
    if (old) {
      old.remove();
    }
  });
})();
