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
