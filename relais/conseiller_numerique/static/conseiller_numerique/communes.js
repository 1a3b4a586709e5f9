// Suggestions for the commune fields: postal code or name, from the territories referential.
(function () {
  "use strict";
  var list = document.getElementById("cn-communes");
  if (!list) return;
  var timer = null;
  document.querySelectorAll("[data-cn-communes]").forEach(function (input) {
    input.addEventListener("input", function () {
      var text = input.value.trim();
      clearTimeout(timer);
      if (text.length < 2) return;
      timer = setTimeout(function () {
        fetch("/territoires/communes/?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (communes) {
            list.replaceChildren();
            communes.forEach(function (commune) {
              (commune.postal_codes.length ? commune.postal_codes : [""]).forEach(function (code) {
                var option = document.createElement("option");
                option.value = (code ? code + " " : "") + commune.name;
                list.appendChild(option);
              });
            });
          });
      }, 200);
    });
  });
})();
