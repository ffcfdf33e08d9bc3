// imcase: progress of a background import, polled like an export (static/js/exports.js):
// shows the rows read until the job is finished, then reloads the page, which shows the
// result rendered on the server (no inline script: see the CSP).
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("import-status");
  if (!box || box.dataset.finished === "1") {
    return;
  }
  const label = box.querySelector("[data-import-label]");
  const rows = box.querySelector("[data-import-rows]");
  window.imcasePoll(box.dataset.statusUrl, (state) => {
    label.textContent = state.status_label;
    rows.textContent = state.rows_read.toLocaleString("de-DE");
    if (state.finished) {
      window.location.reload();
    }
    return state.finished;
  });
});
