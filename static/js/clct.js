// CLCT space: the « Copier l'adresse » button of the calendar subscription page (shown only with JavaScript;
// without it, the address is in a read-only field to select and copy).
(function () {
  "use strict";
  var button = document.getElementById("copier-adresse");
  if (!button) {
    return;
  }
  var field = document.getElementById(button.getAttribute("data-copy"));
  var status = document.getElementById("copie-statut");
  button.hidden = false;
  button.addEventListener("click", function () {
    var done = function () {
      status.textContent = "Adresse copiée.";
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        field.select();
        status.textContent = "Adresse sélectionnée : copiez-la avec Ctrl+C.";
      });
    } else {
      field.select();
      document.execCommand("copy");
      done();
    }
  });
})();
