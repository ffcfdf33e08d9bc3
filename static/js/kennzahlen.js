// imcase: progress of a Kennzahlentabelle being computed again. Polls the status URL of
// #kennzahlen-stand and reloads the page once the stored table is current (no inline script).
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("kennzahlen-stand");
  if (!box || !box.dataset.statusUrl) {
    return;
  }
  const bar = box.querySelector("progress");
  const message = box.querySelector("[data-stand-message]");
  window.imcasePoll(
    box.dataset.statusUrl,
    (state) => {
      if (state.current) {
        window.location.reload();
        return true;
      }
      if (bar) {
        bar.value = state.progress;
        bar.textContent = `${state.progress} %`;
      }
      if (state.status === "failed") {
        message.textContent = `Die Neuberechnung ist fehlgeschlagen: ${state.error}`;
        return true;
      }
      return false;
    },
    1500,
  );
});
