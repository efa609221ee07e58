// A form being posted cannot be posted again: on submit its buttons are disabled (after the browser has
// read the clicked button's name and value), a second submit is cancelled, and a page brought back by
// Back (from the back-forward cache) gets its buttons again. The server's one-time token (core/once.py)
// catches what gets through.
(function () {
  "use strict";
  var BUTTONS = "button:not([type=button]):not([type=reset]), input[type=submit], input[type=image]";

  function isPost(form) {
    return (form.getAttribute("method") || "").toLowerCase() === "post" && !form.hasAttribute("hx-post");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !isPost(form) || event.defaultPrevented) return;
    if (form.dataset.submitting) {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
    window.setTimeout(function () {
      form.querySelectorAll(BUTTONS).forEach(function (button) {
        if (!button.disabled) {
          button.disabled = true;
          button.dataset.disabledWhilePosting = "1";
        }
      });
    }, 0);
  });

  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      delete form.dataset.submitting;
      form.querySelectorAll("[data-disabled-while-posting]").forEach(function (button) {
        button.disabled = false;
        delete button.dataset.disabledWhilePosting;
      });
    });
  });
})();
