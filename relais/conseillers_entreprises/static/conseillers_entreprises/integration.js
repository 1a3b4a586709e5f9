// For a partner's page that shows a Conseillers-Entreprises form in an iframe: load this file from our site and
// mark the iframe with the attribute data-relais-iframe. The iframe then takes the height of its content.
//   <iframe data-relais-iframe src="https://…/aide-entreprise/ma-page/" title="Déposer une demande" width="100%"></iframe>
//   <script src="https://…/static/conseillers_entreprises/integration.js" async></script>
(function () {
  "use strict";
  function frames() {
    return Array.prototype.slice.call(document.querySelectorAll("iframe[data-relais-iframe]"));
  }
  frames().forEach(function (frame) {
    frame.setAttribute("scrolling", "no");
    frame.style.border = "0";
    frame.style.width = "100%";
  });
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "relais:resize" || typeof data.height !== "number") return;
    frames().forEach(function (frame) {
      // Only the frame that sent the message, and only from the origin it was loaded from.
      if (frame.contentWindow !== event.source) return;
      if (new URL(frame.src, document.baseURI).origin !== event.origin) return;
      frame.style.height = Math.max(0, Math.min(data.height, 20000)) + "px";
    });
  });
})();
