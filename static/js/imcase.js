// imcase: behaviour that pages opt into with data attributes (no inline scripts: see the CSP).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-confirm]").forEach((element) => {
    element.addEventListener("click", (event) => {
      if (!window.confirm(element.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });

  // A link to a collapsed part of the page (<details>) opens it in place; without a script the
  // link still leads there (or to a URL that renders it open).
  document.querySelectorAll("a[data-open-details]").forEach((link) => {
    link.addEventListener("click", (event) => {
      const details = document.getElementById(link.dataset.openDetails);
      if (!details) {
        return;
      }
      event.preventDefault();
      details.open = true;
      const href = link.getAttribute("href");
      const section = href.startsWith("#") ? document.getElementById(href.slice(1)) : null;
      (section || details).scrollIntoView({ block: "start" });
      (details.querySelector("summary") || details).focus({ preventScroll: true });
    });
  });
});

// Polls ``url`` for the state of a background job (JSON) and hands it to ``show`` until that
// returns true; after network trouble or a restart it waits longer each time (at most 15 s).
// The one polling loop of exports.js, imports.js and kennzahlen.js.
window.imcasePoll = (url, show, interval = 1000) => {
  let delay = interval;
  const poll = async () => {
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (!response.ok) {
        throw new Error(`HTTP ${response.status}`);
      }
      if (show(await response.json())) {
        return;
      }
      delay = interval;
    } catch (error) {
      delay = Math.min(delay * 2, 15000);
    }
    window.setTimeout(poll, delay);
  };
  window.setTimeout(poll, delay);
};
