// A form came back with errors: take the keyboard and screen reader to their
// summary. Without JavaScript the form's address (#sign, #errors) scrolls there.
// After "load": the browser's own move to that address would take focus back.
"use strict";
window.addEventListener("load", function () {
  var summary = document.getElementById("errors");
  if (summary) summary.focus();
});
