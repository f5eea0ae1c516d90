// Wagtail's date and time fields start their picker with an inline <script>, which the
// Content-Security-Policy refuses. Our copies of those widget templates
// (participation/templates/wagtailadmin/widgets/) leave a <template data-admin-chooser> marker
// instead, and this starts the picker from it: on load, and for forms added later (an inline
// panel's "Add", a dialog).
(function () {
  "use strict";
  var SELECTOR = "template[data-admin-chooser]";
  var STARTERS = ["initDateChooser", "initTimeChooser", "initDateTimeChooser"];

  function start(marker) {
    var name = marker.dataset.adminChooser;
    if (marker.dataset.started || STARTERS.indexOf(name) === -1) return;
    if (typeof window[name] !== "function") return;
    marker.dataset.started = "true";
    window[name](marker.dataset.for, JSON.parse(marker.dataset.config || "{}"));
  }

  function startWithin(node) {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    if (node.matches(SELECTOR)) start(node);
    node.querySelectorAll(SELECTOR).forEach(start);
  }

  startWithin(document.body);
  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) {
      mutation.addedNodes.forEach(startWithin);
    });
  }).observe(document.body, { childList: true, subtree: true });
})();
