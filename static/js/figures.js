// Figures shown while newer ones are computed in the background carry an "Updating" mark
// (data-figures-status: the address that says whether the current figures are ready). Ask it
// every few seconds, and reload the page once they are, so the reader sees them unmarked.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const stamp = document.querySelector("[data-figures-status]");
  if (!stamp) return;
  const address = stamp.dataset.figuresStatus;
  let delay = 2000;
  async function ask() {
    try {
      const answer = await fetch(address, { headers: { Accept: "application/json" } });
      if (answer.ok) {
        const status = await answer.json();
        if (status.current) {
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      // The server is unreachable for a moment: ask again later.
    }
    // Slower and slower, up to half a minute, so a page left open costs little.
    delay = Math.min(delay * 1.5, 30000);
    window.setTimeout(ask, delay);
  }
  window.setTimeout(ask, delay);
});
