/* The commune combobox of the site: the territories' autocomplete (/territoires/communes/autocomplete/)
   as an ARIA 1.2 combobox with a listbox, on any `<input data-autocomplete-url="…">` inside a DSFR
   `.fr-input-group`. One implementation for every page:

   - a form field (`<input data-commune-autocomplete …>`) is enhanced when this file loads: choosing
     a commune writes its label « Tulle (19) », which the server reads back;
   - the search page (search.js) calls `window.tdtCommuneCombobox(input, options)` with its own
     option text and what a choice does (an INSEE code in a hidden field, then a search).

   Without this file the fields take a name or an INSEE code just the same. No inline script or
   style attribute: ready for a strict CSP (styles are set through the CSSOM). */
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
