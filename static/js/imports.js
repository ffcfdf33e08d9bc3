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
  let delay = 1000;

  const poll = async () => {
    try {
      const response = await fetch(box.dataset.statusUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (!response.ok) {
        throw new Error(`HTTP ${response.status}`);
      }
      const state = await response.json();
      label.textContent = state.status_label;
      rows.textContent = state.rows_read.toLocaleString("de-DE");
      if (state.finished) {
        window.location.reload();
        return;
      }
      delay = 1000;
    } catch (error) {
      // Network trouble or a restart: try again, less often.
      delay = Math.min(delay * 2, 15000);
    }
    window.setTimeout(poll, delay);
  };
  window.setTimeout(poll, delay);
});
