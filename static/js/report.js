// The dyad report: the print button (a printed page, or a PDF from the browser's print dialog),
// and closed <details> opened for printing so the per-criterion agreement table is on paper too.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("print-report");
  if (button) button.addEventListener("click", () => window.print());
  let opened = [];
  window.addEventListener("beforeprint", () => {
    opened = Array.from(document.querySelectorAll(".report details:not([open])"));
    opened.forEach((d) => { d.open = true; });
  });
  window.addEventListener("afterprint", () => {
    opened.forEach((d) => { d.open = false; });
    opened = [];
  });
});
