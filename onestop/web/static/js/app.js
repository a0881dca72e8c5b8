// onestop: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Ask before destructive actions marked with data-confirm.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var message = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
  // Elements with data-poll refresh their text from a JSON endpoint ({"text": ...}).
  document.querySelectorAll("[data-poll]").forEach(function (el) {
    var url = el.getAttribute("data-poll");
    var every = parseInt(el.getAttribute("data-poll-seconds") || "15", 10) * 1000;
    setInterval(function () {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data && data.text !== undefined) { el.textContent = data.text; } })
        .catch(function () {});
    }, every);
  });
})();
