// The archive's few behaviours, none needed to read: a citation's copy button, and on a wide screen the
// search page's filters unfolded (on a phone they stay folded under the results: one tap opens them).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button.kt-copy").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = button.closest("section").querySelector(button.dataset.copy);
      var status = button.parentNode.querySelector(".kt-copy-status");
      var text = source ? source.textContent.trim() : "";
      var done = function () { if (status) { status.textContent = button.dataset.done; } };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { select(source); });
      } else {
        select(source);
        try { if (document.execCommand("copy")) { done(); } } catch (e) { /* the text stays selected */ }
      }
    });
  });
  function select(element) {
    if (!element) { return; }
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  var fold = document.querySelector("details.kt-facets-fold");
  if (fold && window.matchMedia("(min-width: 701px)").matches) { fold.open = true; }
});
// Datasette's SQL editor (CodeMirror) types into a textarea of its own: give it the name of the box it replaces.
window.addEventListener("load", function () {
  var label = document.querySelector("label[for=sql-editor]");
  document.querySelectorAll(".CodeMirror textarea").forEach(function (input) {
    if (!input.getAttribute("aria-label")) {
      input.setAttribute("aria-label", label ? label.textContent.trim() : "SQL");
    }
  });
});
