/* Offer search (/offres/): the commune combobox of commune-field.js with an INSEE code sent, and
   tidy htmx URLs. The page works without this file: the commune input then takes a name or an INSEE
   code, resolved by the server. No inline script, no eval: ready for a strict CSP. */
(function () {
  "use strict";

  var form = document.getElementById("recherche");
  if (!form) return;

  /* htmx: leave empty fields out of the request, so the pushed URL only has what is set. */
  document.body.addEventListener("htmx:configRequest", function (event) {
    var data = event.detail.formData;
    if (!data || event.detail.elt !== form) return;
    var empty = [];
    data.forEach(function (value, name) {
      if (value === "") empty.push(name);
    });
    empty.forEach(function (name) {
      var kept = data.getAll(name).filter(function (value) { return value !== ""; });
      data.delete(name);
      kept.forEach(function (value) { data.append(name, value); });
    });
    /* The radius only matters with a commune; the default order needs no parameter. */
    if (!data.get("commune")) data.delete("rayon");
    var sort = data.get("tri");
    if ((sort === "date" && !data.get("q")) || (sort === "pertinence" && data.get("q"))) data.delete("tri");
  });

  /* One request per submit. Pressing Enter in a text field fires "change" and then "submit": both
     trigger htmx, and the second request aborted the first (a console error). A change of a text
     field is held until the end of the event loop's task, and dropped if a submit came meanwhile;
     checkboxes and selects search at once. */
  var submitted = false;
  form.addEventListener("submit", function () {
    submitted = true;
    window.setTimeout(function () { submitted = false; }, 0);
  }, true);
  form.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("input[type=search], input[type=text], input[type=number], input[type=hidden]")) return;
    event.stopPropagation();
    /* The commune's list of proposals is open: the choice made in it will search. */
    if (field.getAttribute("aria-expanded") === "true") return;
    window.setTimeout(function () {
      if (!submitted && form.requestSubmit) form.requestSubmit();
    }, 0);
  }, true);

  /* --- Commune autocomplete (commune-field.js) ------------------------------------------------ */
  var input = document.getElementById("filtre-commune");
  if (!input || !window.tdtCommuneCombobox) return;

  /* The visible input keeps what the user reads ("Tulle (19)"); a hidden input sends the INSEE
     code once a commune is chosen, or the typed text otherwise. */
  var hidden = document.createElement("input");
  hidden.type = "hidden";
  hidden.name = "commune";
  hidden.value = input.getAttribute("data-code") || input.value;

  var commune = window.tdtCommuneCombobox(input, {
    idPrefix: "filtre-commune-option-",
    optionText: function (commune) {
      return commune.nom + " (" + commune.departement + ")" +
        (commune.codes_postaux && commune.codes_postaux.length ? " – " + commune.codes_postaux[0] : "");
    },
    onInput: function () { hidden.value = input.value; },
    onChoose: function (chosen) {
      hidden.value = chosen.code;
      form.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
  if (!commune) return;
  input.removeAttribute("name");
  input.after(hidden);

  /* The visible input changes the hidden one; htmx listens to the form's change events. */
  input.addEventListener("change", function (event) {
    if (commune.isOpen()) event.stopPropagation();
  });
})();
