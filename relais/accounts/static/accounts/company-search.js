// Suggests companies while the person types a name in the sign-up's company field: the suggestions (a
// <datalist>) put the SIREN in the field, so the "Rechercher" button then shows that company to confirm.
// Without JavaScript the same button searches by name on the server.
(function () {
  "use strict";
  var form = document.querySelector("form[data-company-search]");
  if (!form) return;
  var input = form.querySelector("input[list='company-suggestions']");
  var list = document.getElementById("company-suggestions");
  var url = form.getAttribute("data-company-search");
  var timer = null;
  var lastQuery = "";

  function fill(results) {
    list.replaceChildren();
    var seen = {};
    results.forEach(function (result) {
      if (seen[result.siren]) return;
      seen[result.siren] = true;
      var option = document.createElement("option");
      option.value = result.siren;
      option.label = result.display;
      option.textContent = result.display;
      list.appendChild(option);
    });
  }

  input.addEventListener("input", function () {
    var query = input.value.trim();
    if (timer) window.clearTimeout(timer);
    if (query.length < 3 || /^[\d\s.]+$/.test(query) || query === lastQuery) return;
    timer = window.setTimeout(function () {
      lastQuery = query;
      fetch(url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (input.value.trim() === query) fill(data.results || []); })
        .catch(function () { list.replaceChildren(); });
    }, 250);
  });
})();
