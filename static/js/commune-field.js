/* A commune field of a form (`<input data-commune-autocomplete data-autocomplete-url="…">`): the
   commune autocomplete of the territories (/territoires/communes/autocomplete/) as an ARIA 1.2
   combobox with a listbox. Choosing a commune writes its label « Tulle (19) », which the server
   reads back; without this file the field takes a name or an INSEE code just the same. No inline
   script or style attribute: ready for a strict CSP. (The search page has its own, in search.js.) */
(function () {
  "use strict";

  function enhance(input, number) {
    var url = input.getAttribute("data-autocomplete-url");
    var group = input.closest(".fr-input-group");
    if (!url || !group || !window.fetch) return;

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

    function label(commune) { return commune.nom + " (" + commune.departement + ")"; }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
        option.style.background = i === index ? "var(--background-action-low-blue-france, #e3e3fd)" : "";
      });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      if (!results[index]) return;
      input.value = label(results[index]);
      close();
    }

    function render() {
      list.textContent = "";
      results.forEach(function (commune, i) {
        var option = document.createElement("li");
        option.id = input.id + "-option-" + number + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        Object.assign(option.style, { padding: "0.5rem 1rem", cursor: "pointer", margin: "0" });
        option.textContent = label(commune) + " – " + commune.code;
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
  }

  document.querySelectorAll("input[data-commune-autocomplete]").forEach(enhance);
})();
