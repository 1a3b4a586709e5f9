// Inside a partner's iframe: tell the parent page how tall the content is, so that its copy of our
// integration.js sizes the iframe without a scroll bar. Only the height leaves the frame.
(function () {
  "use strict";
  if (window.parent === window) return;
  var last = 0;
  function report() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "relais:resize", height: height }, "*");
  }
  report();
  if (window.ResizeObserver) new ResizeObserver(report).observe(document.documentElement);
  window.addEventListener("load", report);
})();
