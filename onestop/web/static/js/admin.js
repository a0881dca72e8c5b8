// Administration pages: ask before destructive actions; keep the workflow editor's tab key.
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
  var editor = document.getElementById("f-source");
  if (editor) {
    editor.addEventListener("keydown", function (event) {
      if (event.key === "Tab" && !event.shiftKey) {
        event.preventDefault();
        var start = editor.selectionStart;
        editor.value = editor.value.slice(0, start) + "  " + editor.value.slice(editor.selectionEnd);
        editor.selectionStart = editor.selectionEnd = start + 2;
      }
    });
  }
})();
