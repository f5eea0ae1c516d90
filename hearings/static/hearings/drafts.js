// Keeps what a person is writing in this browser until it is sent, so an expired session,
// a dropped connection or a closed tab loses nothing. Progressive: the form works without it.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-draft]");
  forms.forEach(function (form) {
    var key = "medvirkning-draft:" + form.getAttribute("data-draft");
    var area = form.querySelector("textarea");
    if (!area || !window.localStorage) return;
    try {
      var saved = localStorage.getItem(key);
      if (saved && !area.value.trim()) area.value = saved;
    } catch (e) { /* storage may be disabled */ }
    area.addEventListener("input", function () {
      try { localStorage.setItem(key, area.value); } catch (e) { /* full or disabled */ }
    });
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      // Sending (not previewing or editing) clears the saved draft; a double click sends once.
      if (button && button.value === "send") {
        try { localStorage.removeItem(key); } catch (e) {}
      }
      if (form.dataset.submitting === "1") { event.preventDefault(); return; }
      form.dataset.submitting = "1";
      setTimeout(function () { form.dataset.submitting = ""; }, 4000);
    });
  });
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
