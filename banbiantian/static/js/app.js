// Small behaviours shared by every page (loaded once by base.html).

// A button with data-append="X" data-target="id_…" types its text into that field: the ID number's
// check character X, which the phone's digit pad (inputmode="numeric") does not have.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-append]");
  if (!button) return;
  const input = document.getElementById(button.dataset.target);
  if (!input) return;
  input.value += button.dataset.append;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  input.focus();
});
