// sccoder's own script: small behaviours that htmx does not cover. No inline scripts anywhere,
// so a strict Content-Security-Policy can forbid them.
"use strict";

// ---- Coding page: keyboard-paced coding ------------------------------------------------------
// j/k move between criteria, 0-9 set the value, x clears it, n opens the note, d the definition,
// "/" jumps to a code, Ctrl+Enter submits once every save in flight has finished.
(function () {
  function codingPage() { return document.querySelector("[data-coding-page]"); }
  function rows() { return Array.from(document.querySelectorAll("form.crit")); }
  function currentRow() {
    const active = document.activeElement;
    return active && active.closest ? active.closest("form.crit") : null;
  }
  let lastCode = null;

  function focusRow(row) {
    if (!row) return;
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
    lastCode = row.dataset.code;
  }

  function move(step) {
    const all = rows();
    const row = currentRow() || document.getElementById("crit-" + lastCode);
    const index = row ? all.indexOf(row) : -1;
    focusRow(all[Math.min(all.length - 1, Math.max(0, index + step))]);
  }

  function choose(row, value) {
    const input = row.querySelector('input[type=radio][value="' + value + '"]');
    if (!input || input.disabled) return;
    if (!input.checked) {
      input.checked = true;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    lastCode = row.dataset.code;
  }

  function savesInFlight() { return document.querySelector("form.crit.htmx-request") !== null; }

  function submitWhenSaved() {
    const form = document.getElementById("submit-form");
    if (!form) return;
    const started = Date.now();
    (function wait() {
      if (savesInFlight() && Date.now() - started < 5000) { setTimeout(wait, 50); return; }
      form.requestSubmit();
    })();
  }

  document.addEventListener("keydown", function (event) {
    if (!codingPage()) return;
    const target = event.target;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (target.matches && target.matches("textarea")) target.blur(); // saves the note first
      setTimeout(submitWhenSaved, 0);
      return;
    }
    const typing = target.matches && target.matches("textarea, input[type=text], select");
    if (typing) {
      if (event.key === "Escape") {
        if (target.id === "jump") { target.value = ""; }
        target.blur();
        focusRow(target.closest("form.crit") || document.getElementById("crit-" + lastCode));
      } else if (event.key === "Enter" && target.id === "jump") {
        event.preventDefault();
        const row = document.getElementById("crit-" + target.value.trim().toUpperCase());
        if (row) { target.value = ""; focusRow(row); }
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const row = currentRow();
    if (event.key === "j") { event.preventDefault(); move(1); }
    else if (event.key === "k") { event.preventDefault(); move(-1); }
    else if (event.key === "/") { event.preventDefault(); document.getElementById("jump").focus(); }
    else if (row && /^[0-9]$/.test(event.key)) { event.preventDefault(); choose(row, event.key); }
    else if (row && event.key === "x") { event.preventDefault(); choose(row, ""); }
    else if (row && event.key === "n") {
      event.preventDefault();
      const note = row.querySelector("textarea");
      if (note && !note.disabled) note.focus();
    } else if (row && event.key === "d") {
      event.preventDefault();
      const details = row.querySelector("details");
      if (details) details.open = !details.open;
    }
  });

  // A save swaps the row for a fresh one: keep the keyboard where it was.
  document.addEventListener("htmx:afterSettle", function (event) {
    const row = event.target.closest ? event.target.closest("form.crit") : null;
    if (row && row.dataset.code === lastCode && !document.activeElement.matches("textarea, input[type=text]")) {
      focusRow(row);
    }
    const counter = document.getElementById("coded-count");
    if (counter) counter.textContent = String(document.querySelectorAll("form.crit.coded").length);
  });

  document.addEventListener("focusin", function (event) {
    const row = event.target.closest ? event.target.closest("form.crit") : null;
    if (row) lastCode = row.dataset.code;
  });

  document.addEventListener("DOMContentLoaded", function () {
    if (!codingPage()) return;
    const first = rows().find(function (r) { return !r.querySelector("fieldset[disabled]"); });
    if (first) focusRow(first);
  });
})();

// ---- evidence list: "/" puts the cursor in the search box ([data-slash-focus]) --------------
(function () {
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    const active = event.target;
    if (active && active.closest && active.closest("input, textarea, select, [contenteditable]")) return;
    const search = document.querySelector("[data-slash-focus]");
    if (!search) return;
    event.preventDefault();
    search.focus();
    search.select();
  });
})();
// ---- end evidence list ----------------------------------------------------------------------
