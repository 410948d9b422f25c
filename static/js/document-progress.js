// The page of a document whose text is being read in the background: ask how far the reading
// is every second, move the bar, and reload the page once the text is read (or refused), so
// that the reader's button and the page count appear, or once the reading stalled (its worker
// died), so that the page says so and offers to read it again.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const reading = document.getElementById("document-reading");
  if (!reading) return;
  const bar = document.getElementById("document-progress");
  const state = document.getElementById("document-state");
  async function ask() {
    let status = null;
    try {
      const answer = await fetch(reading.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (answer.ok) status = await answer.json();
    } catch (error) {
      // The server is unreachable for a moment: ask again.
    }
    if (status) {
      if (["ready", "refused", "stalled"].includes(status.status)) {
        window.location.reload();
        return;
      }
      bar.value = status.percent;
      bar.textContent = status.percent + "%";
      // The words come from the page, in its language ("{read}", "{count}": filled in here).
      const label = status.status === "reading" ? reading.dataset.labelReading : reading.dataset.labelWaiting;
      state.textContent = label
        .replace("{read}", String(status.pages_read))
        .replace("{count}", String(status.page_count));
    }
    window.setTimeout(ask, 1000);
  }
  window.setTimeout(ask, 1000);
});
