// Small progressive enhancements; every page also works without script.
document.addEventListener("DOMContentLoaded", () => {
  for (const el of document.querySelectorAll("select.autosubmit")) {
    el.addEventListener("change", () => el.form && el.form.submit());
  }
  for (const box of document.querySelectorAll("input[data-check-all]")) {
    box.addEventListener("change", () => {
      const name = box.getAttribute("data-check-all");
      for (const other of document.querySelectorAll(`input[type=checkbox][name="${name}"]`)) other.checked = box.checked;
    });
  }
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  }
});
