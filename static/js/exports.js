// imcase: progress of a background export. Polls the status URL of #export-status until the
// file is finished, then shows the download link (no inline script: see the CSP).
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("export-status");
  if (!box || box.dataset.finished === "1") {
    return;
  }
  const bar = box.querySelector("progress");
  const label = box.querySelector("[data-export-label]");
  const message = box.querySelector("[data-export-message]");
  const download = box.querySelector("[data-export-download]");
  const reload = box.querySelector("[data-export-reload]");

  window.imcasePoll(box.dataset.statusUrl, (state) => {
    bar.value = state.progress;
    bar.textContent = `${state.progress} %`;
    label.textContent = state.status_label;
    if (state.download_url) {
      download.href = state.download_url;
      download.classList.remove("d-none");
      message.textContent = "Die Datei ist fertig.";
    } else if (state.status === "failed") {
      message.textContent = state.error;
    }
    if (state.finished) {
      reload.classList.add("d-none");
    }
    return state.finished;
  });
});
