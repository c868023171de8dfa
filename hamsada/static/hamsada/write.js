// The letter page: copy buttons, and mail links that follow the supporter's edits.
// Everything here also works without JavaScript, less conveniently.
"use strict";
(function () {
  var LIMIT = 2000; // as MAILTO_LIMIT in hamsada/campaigns/letters.py

  document.querySelectorAll("button.copy").forEach(function (button) {
    var source = document.getElementById(button.dataset.copy);
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    var label = button.textContent;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.value).then(function () {
        button.textContent = button.dataset.copied;
        setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });

  var subject = document.querySelector("[data-letter-subject]");
  var body = document.querySelector("[data-letter-body]");
  if (!subject || !body) return;
  function update() {
    document.querySelectorAll("[data-mailto]").forEach(function (link) {
      var base = "mailto:" + encodeURIComponent(link.dataset.mailto).replace("%40", "@") +
        "?subject=" + encodeURIComponent(subject.value);
      var whole = base + "&body=" + encodeURIComponent(body.value);
      var fits = whole.length <= LIMIT;
      link.href = fits ? whole : base;
      var note = link.parentElement.nextElementSibling;
      if (note && note.hasAttribute("data-mailto-note")) {
        note.textContent = fits ? "" : link.dataset.tooLong;
      }
    });
  }
  subject.addEventListener("input", update);
  body.addEventListener("input", update);
})();
