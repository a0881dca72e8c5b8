// Citizen portal: warn about a too-large file before uploading it, and stop a double submit.
// The server checks everything again; without JavaScript the forms work the same.
(function () {
  "use strict";
  document.querySelectorAll("input[type=file][data-max-mb]").forEach(function (input) {
    input.addEventListener("change", function () {
      var limit = parseFloat(input.dataset.maxMb) * 1024 * 1024;
      var file = input.files && input.files[0];
      input.setCustomValidity(file && file.size > limit ? "Tệp lớn hơn " + input.dataset.maxMb + " MB." : "");
      input.reportValidity();
    });
  });
  var form = document.getElementById("apply-form");
  if (form) {
    form.addEventListener("submit", function () {
      var button = document.getElementById("submit");
      // Disabled after the browser has taken the click, so the same idempotency key is sent once.
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  }
}());
