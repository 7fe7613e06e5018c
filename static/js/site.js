/* The site's own script, one file for every page that needs it (one request on the search page):

   1. the commune combobox: the territories' autocomplete (/territoires/communes/autocomplete/) as an
      ARIA 1.2 combobox with a listbox, on any `<input data-autocomplete-url="…">` inside a DSFR
      `.fr-input-group`. A form field (`<input data-commune-autocomplete …>`) is enhanced when this
      file loads: choosing a commune writes its label « Tulle (19) », which the server reads back;
   2. the offer search (/offres/, part 2 below): the same combobox with its own option text and an
      INSEE code sent in a hidden field, tidy htmx URLs, one request per submit.

   Every page works without this file: the fields take a name or an INSEE code just the same. No
   inline script, no eval, no style attribute: ready for a strict CSP (styles are set through the
   CSSOM). */
(function () {
  "use strict";

  function label(commune) { return commune.nom + " (" + commune.departement + ")"; }

  /* options: optionText(commune), onChoose(commune), onInput(), idPrefix. Returns { isOpen() }. */
  function combobox(input, options) {
    options = options || {};
    var url = input.getAttribute("data-autocomplete-url");
    var group = input.closest(".fr-input-group");
    if (!url || !group || !window.fetch) return null;
    var optionText = options.optionText || function (commune) { return label(commune) + " – " + commune.code; };
    var idPrefix = options.idPrefix || input.id + "-option-";

    var list = document.createElement("ul");
    list.id = input.id + "-liste";
    list.className = "tdt-listbox";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Communes proposées");
    list.hidden = true;
    group.style.position = "relative";
    Object.assign(list.style, {
      position: "absolute", zIndex: "1000", left: "0", right: "0", margin: "0", padding: "0", listStyle: "none",
      maxHeight: "18rem", overflowY: "auto", background: "var(--background-default-grey, #fff)",
      border: "1px solid var(--border-default-grey, #ddd)", boxShadow: "0 6px 18px rgba(0, 0, 18, 0.16)"
    });
    group.appendChild(list);

    var status = document.createElement("p");
    status.className = "fr-sr-only";
    status.setAttribute("role", "status");
    group.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var results = [];
    var active = -1;
    var timer = null;
    var controller = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      items.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
        option.style.background = i === index ? "var(--background-action-low-blue-france, #e3e3fd)" : "";
      });
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var commune = results[index];
      if (!commune) return;
      input.value = label(commune);
      close();
      if (options.onChoose) options.onChoose(commune);
    }

    function render() {
      list.textContent = "";
      results.forEach(function (commune, i) {
        var option = document.createElement("li");
        option.id = idPrefix + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        Object.assign(option.style, { padding: "0.5rem 1rem", cursor: "pointer", margin: "0" });
        option.textContent = optionText(commune);
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { choose(i); });
        list.appendChild(option);
      });
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      status.textContent = results.length ? results.length + " commune" + (results.length > 1 ? "s proposées" : " proposée") : "Aucune commune trouvée";
      active = -1;
    }

    function lookup() {
      var text = input.value.trim();
      if (text.length < 2) { results = []; close(); return; }
      if (controller) controller.abort();
      controller = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(text), { signal: controller.signal, headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { results = data.results || []; render(); })
        .catch(function () { /* aborted or offline: the server still resolves the typed text */ });
    }

    input.addEventListener("input", function () {
      if (options.onInput) options.onInput();
      clearTimeout(timer);
      timer = setTimeout(lookup, 200);
    });

    input.addEventListener("keydown", function (event) {
      var count = results.length;
      if (event.key === "ArrowDown" && count) {
        event.preventDefault();
        if (list.hidden) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        highlight((active + 1) % count);
      } else if (event.key === "ArrowUp" && count) {
        event.preventDefault();
        highlight(active <= 0 ? count - 1 : active - 1);
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });

    input.addEventListener("blur", function () { setTimeout(close, 100); });
    return { isOpen: function () { return !list.hidden; } };
  }

  window.tdtCommuneCombobox = combobox;
  document.querySelectorAll("input[data-commune-autocomplete]").forEach(function (input, number) {
    combobox(input, { idPrefix: input.id + "-option-" + number + "-" });
  });
})();

/* --- 2. Offer search (/offres/) ----------------------------------------------------------------
   The page works without this part: the commune input then takes a name or an INSEE code, resolved
   by the server. */
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

  /* --- Commune autocomplete (part 1) ---------------------------------------------------------- */
  var input = document.getElementById("filtre-commune");
  if (!input) return;

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
