// The progress page of an export written in the background: ask its status every two seconds,
// move the bar, and show the download link once the file is written.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const job = document.getElementById("export-job");
  if (!job) return;
  const bar = document.getElementById("export-progress");
  const state = document.getElementById("export-state");
  const download = document.getElementById("export-download");
  // The sentences in the page's language, from the template's data attributes.
  const words = job.dataset;
  const say = (text, values) => text.replace(/\{(\w+)\}/g, (whole, name) => String(values[name] ?? whole));
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
        state.textContent = say(words.labelDone, { done: status.done });
        download.hidden = false;
        return;
      }
      if (status.status === "failed") {
        state.textContent = say(words.labelFailed, { error: status.error });
        return;
      }
      if (status.status !== "running") state.textContent = words.labelWaiting;
      else if (status.total) state.textContent = say(words.labelRunningOf, { done: status.done, total: status.total });
      else state.textContent = say(words.labelRunning, { done: status.done });
    }
    window.setTimeout(ask, 2000);
  }
  if (job.querySelector("#export-download[hidden]")) window.setTimeout(ask, 1000);
});
