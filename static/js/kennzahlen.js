// imcase: progress of a Kennzahlentabelle being computed again. Polls the status URL of
// #kennzahlen-stand and reloads the page once the stored table is current (no inline script).
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("kennzahlen-stand");
  if (!box || !box.dataset.statusUrl) {
    return;
  }
  const bar = box.querySelector("progress");
  const message = box.querySelector("[data-stand-message]");
  let delay = 1500;

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
      if (state.current) {
        window.location.reload();
        return;
      }
      if (bar) {
        bar.value = state.progress;
        bar.textContent = `${state.progress} %`;
      }
      if (state.status === "failed") {
        message.textContent = `Die Neuberechnung ist fehlgeschlagen: ${state.error}`;
        return;
      }
      delay = 1500;
    } catch (error) {
      delay = Math.min(delay * 2, 15000);
    }
    window.setTimeout(poll, delay);
  };
  window.setTimeout(poll, delay);
});
