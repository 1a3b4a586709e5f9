// SIRET autocompletion of the forms that ask for an establishment (a company's request in Conseillers-Entreprises,
// a structure's application in Conseiller numérique; the markup it fills: companies/_siret_lookup.html): typing a
// name (or a SIRET) asks /entreprises/recherche/ and lists the establishments found; choosing one fills the SIRET and
// shows "Votre établissement : …" (its name and address). Without JavaScript the form still works: the server
// checks the SIRET and shows the establishment.
//
// Answers are kept per query, so that a SIRET corrected back to a value already looked up shows its establishment
// again without asking twice. The value typed is kept for the tab (sessionStorage): coming back to the form with
// the browser's Back button, after an error for instance, finds it again.
(function () {
  "use strict";
  var input = document.querySelector("[data-siret-autocomplete]");
  if (!input) { return; }
  var list = document.querySelector("[data-siret-suggestions]");
  var notice = document.querySelector("[data-siret-establishment]");
  var url = input.getAttribute("data-siret-autocomplete");
  var storageKey = "relais-siret:" + window.location.pathname;
  var answers = {};
  var timer = null;

  function remember(value) {
    try { window.sessionStorage.setItem(storageKey, value); } catch (error) { /* storage disabled: nothing kept */ }
  }

  function remembered() {
    try { return window.sessionStorage.getItem(storageKey) || ""; } catch (error) { return ""; }
  }

  function showNotice(text) {
    notice.textContent = text;
    notice.classList.toggle("fr-hidden", !text);
  }

  function clearList() {
    list.replaceChildren();
    list.classList.add("fr-hidden");
  }

  function choose(result) {
    input.value = result.siret;
    remember(result.siret);
    showNotice("Votre établissement : " + result.display);
    clearList();
  }

  function render(results) {
    list.replaceChildren();
    results.forEach(function (result) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = result.display + " — SIRET " + result.siret;
      button.addEventListener("click", function () { choose(result); input.focus(); });
      item.appendChild(button);
      list.appendChild(item);
    });
    list.classList.toggle("fr-hidden", results.length === 0);
  }

  function show(query, data) {
    if (data.error) { showNotice(data.error); }
    var compact = query.replace(/[\s.]/g, "");
    var exact = (data.results || []).filter(function (result) { return result.siret === compact; });
    if (exact.length === 1) { choose(exact[0]); } else { render(data.results || []); }
  }

  function search() {
    var query = input.value.trim();
    if (query.length < 3) { clearList(); return; }
    if (answers[query]) { show(query, answers[query]); return; }
    fetch(url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (!data.error) { answers[query] = data; }
        if (query === input.value.trim()) { show(query, data); }
      })
      .catch(function () { clearList(); });
  }

  input.addEventListener("input", function () {
    remember(input.value);
    showNotice("");
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 300);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { clearList(); }
  });
  window.addEventListener("pageshow", function () {
    if (!input.value && remembered()) {
      input.value = remembered();
      search();
    }
  });
})();
