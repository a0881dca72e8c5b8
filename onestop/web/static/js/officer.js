// Officer workspace: live queue counts and signing progress, by plain polling (no framework).
(function () {
  "use strict";
  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .catch(function () { return null; });
  }
  // Queue counts on the tabs, refreshed every 20 seconds.
  var tabs = document.getElementById("queue-tabs");
  if (tabs) {
    var refreshCounts = function () {
      getJSON(tabs.getAttribute("data-counts-url")).then(function (data) {
        if (!data || !data.counts) { return; }
        tabs.querySelectorAll("[data-count]").forEach(function (el) {
          var value = data.counts[el.getAttribute("data-count")];
          if (value !== undefined) { el.textContent = String(value); }
        });
      });
    };
    setInterval(refreshCounts, 20000);
  }
  // Papers being rendered and signed: poll each until it is signed or failed.
  var LABELS = { pending: "Chờ tạo", rendering: "Đang tạo và ký", signed: "Đã ký", failed: "Lỗi" };
  document.querySelectorAll("[data-document-id]").forEach(function (item) {
    var state = item.querySelector(".document-state");
    var link = item.querySelector(".document-download");
    var delay = 2000;
    var poll = function () {
      getJSON(item.getAttribute("data-progress-url")).then(function (doc) {
        if (doc && state) { state.textContent = LABELS[doc.state] || doc.state; }
        if (doc && doc.state === "signed") {
          if (link) { link.hidden = false; }
          return;
        }
        // Back off while the job waits, up to 30 seconds between looks.
        if (!doc || doc.state !== "failed") { setTimeout(poll, delay); delay = Math.min(delay * 2, 30000); }
      });
    };
    if (!link || link.hidden) { poll(); }
  });
})();
