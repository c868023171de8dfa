// The proof of work a campaign may ask of a form before it is sent
// (hamsada/lib/proof.py): find the number below max_number whose SHA-256,
// after the salt, is the challenge. It starts when the reader first enters
// the form; sending waits for it. Without it (no Web Crypto, no network) the
// form is sent anyway, and the instance takes it within stricter limits.
"use strict";
(function () {
  if (!window.crypto || !window.crypto.subtle || !window.fetch || !window.TextEncoder) return;
  var encoder = new TextEncoder();
  var BATCH = 500; // digests asked for at once: the browser computes them in parallel

  function bytesOf(hex) {
    var bytes = new Uint8Array(hex.length / 2);
    for (var i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
    return bytes;
  }

  function same(buffer, wanted) {
    var got = new Uint8Array(buffer);
    for (var i = 0; i < wanted.length; i++) if (got[i] !== wanted[i]) return false;
    return true;
  }

  async function solve(challenge) {
    var wanted = bytesOf(challenge.challenge);
    for (var start = 0; start <= challenge.max_number; start += BATCH) {
      var digests = [];
      var end = Math.min(start + BATCH - 1, challenge.max_number);
      for (var n = start; n <= end; n++) {
        digests.push(crypto.subtle.digest("SHA-256", encoder.encode(challenge.salt + n)));
      }
      var found = await Promise.all(digests);
      for (var i = 0; i < found.length; i++) if (same(found[i], wanted)) return start + i;
    }
    return null;
  }

  document.querySelectorAll("input[name=proof][data-challenge]").forEach(function (field) {
    var form = field.form;
    var status = form.querySelector(".proof-status");
    var work = null;
    var sending = false;

    function prove() {
      if (!work) {
        work = fetch(field.dataset.challenge, { credentials: "omit", cache: "no-store" })
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(async function (challenge) {
            if (!challenge || !challenge.required) return;
            status.textContent = field.dataset.working;
            var number = await solve(challenge);
            if (number !== null) field.value = challenge.salt + ":" + number + ":" + challenge.signature;
            status.textContent = "";
          })
          .catch(function () { status.textContent = ""; });
      }
      return work;
    }

    form.addEventListener("focusin", prove, { once: true });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (sending) return;
      sending = true;
      prove().then(function () { form.submit(); });
    });
  });
})();
