// The progress page of an export written in the background: ask its status every two seconds,
// move the bar, and show the download link once the file is written.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const job = document.getElementById("export-job");
  if (!job) return;
  const bar = document.getElementById("export-progress");
  const state = document.getElementById("export-state");
  const download = document.getElementById("export-download");
  async function ask() {
    let status = null;
    try {
      const answer = await fetch(job.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (answer.ok) status = await answer.json();
    } catch (error) {
      // The server is unreachable for a moment: ask again.
    }
    if (status) {
      bar.value = status.percent;
      bar.textContent = status.percent + "%";
      if (status.status === "done") {
        state.textContent = "Written: " + status.done + " rows.";
        download.hidden = false;
        return;
      }
      if (status.status === "failed") {
        state.textContent = "The export failed: " + status.error + ".";
        return;
      }
      state.textContent = status.status === "running"
        ? "Writing… " + status.done + (status.total ? " of " + status.total : "") + " rows."
        : "Waiting for a worker to start it.";
    }
    window.setTimeout(ask, 2000);
  }
  if (job.querySelector("#export-download[hidden]")) window.setTimeout(ask, 1000);
});
