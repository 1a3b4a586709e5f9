// Follows a background export: asks its state every two seconds, moves the progress bar (announced politely to
// screen readers) and reloads the page when the file is ready or the export failed. Without JavaScript, the page's
// "Actualiser" link does the same.
(function () {
  const box = document.getElementById("export-progress");
  if (!box || !["pending", "running"].includes(box.dataset.status)) return;
  const bar = document.getElementById("export-bar");
  const text = box.querySelector("[data-progress-text]");
  const poll = function () {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (state) {
        if (state.status === "done" || state.status === "failed") {
          window.location.reload();
          return;
        }
        bar.value = state.percent;
        bar.textContent = state.percent + " %";
        text.textContent = state.percent + " % (" + state.rows_done + " lignes écrites)";
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  };
  window.setTimeout(poll, 2000);
})();
