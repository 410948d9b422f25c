// sccoder's own script: small behaviours that htmx does not cover. No inline scripts anywhere,
// so a strict Content-Security-Policy can forbid them.
"use strict";

// ---- Coding page: keyboard-paced coding ------------------------------------------------------
// j/k move between criteria (opening a closed group on the way), 0-9 set the value, x clears it,
// n opens the note, d the definition, o opens or closes the group, "/" jumps to a code, p and N (shift+n) go to the previous and next item, Ctrl+Enter submits once
// every save in flight has finished (asking first when nothing is coded).
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
    // A criterion in a closed group is not rendered: reaching it by key opens its group.
    const group = row.closest("details[data-group]");
    if (group && !group.open) group.open = true;
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

  function follow(rel) {
    const link = document.querySelector('.item-nav a[rel="' + rel + '"]');
    if (link) link.click();
  }

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
    else if (event.key === "p") { event.preventDefault(); follow("prev"); }
    else if (event.key === "N") { event.preventDefault(); follow("next"); }
    else if (event.key === "/") { event.preventDefault(); document.getElementById("jump").focus(); }
    else if (event.key === "o") { event.preventDefault(); toggleGroup(row); }
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

  // A save swaps the row for a fresh one. A note typed while a value's save was in flight lives
  // in the old row: carry its text, caret and focus into the new row, or the text is lost and the
  // next keys typed act as shortcuts (a "0" in a note would set a value).
  let typedNote = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    const row = event.detail.target;
    const note = row && row.matches && row.matches("form.crit") ? row.querySelector("textarea") : null;
    typedNote = null;
    if (!note) return;
    const focused = document.activeElement === note;
    if (focused || note.value !== note.defaultValue) {
      typedNote = { code: row.dataset.code, value: note.value, focused: focused,
                    start: note.selectionStart, end: note.selectionEnd };
    }
  });
  document.addEventListener("htmx:afterSwap", function () {
    if (!typedNote) return;
    const kept = typedNote;
    typedNote = null;
    const note = document.querySelector("#crit-" + CSS.escape(kept.code) + " textarea");
    if (!note || note.disabled) return;
    if (note.value !== kept.value) {
      note.value = kept.value;
      note.dataset.unsaved = "1";  // saved when the coder leaves the note, as typing would be
    }
    if (kept.focused) {
      note.focus({ preventScroll: true });
      note.setSelectionRange(kept.start, kept.end);
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.dataset) delete event.target.dataset.unsaved;  // the browser's own change
  }, true);
  document.addEventListener("focusout", function (event) {
    const note = event.target;
    if (note.matches && note.matches("form.crit textarea") && note.dataset.unsaved) {
      delete note.dataset.unsaved;
      note.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });

  // Submitting with nothing coded is almost always a slip of the keyboard: ask first.
  document.addEventListener("submit", function (event) {
    if (event.target.id !== "submit-form" || !codingPage()) return;
    if (document.querySelector("form.crit.coded")) return;
    // The question comes from the page, in the interface's language.
    const question = event.target.dataset.confirmEmpty || "Nothing is coded on this item. Submit it anyway?";
    if (!window.confirm(question)) event.preventDefault();
  });

  // ---- criterion groups: collapsible, counted, remembered per item for the browser tab ----
  function groups() { return Array.from(document.querySelectorAll("details[data-group]")); }
  function groupsKey() { return "sccoder:open-groups:" + window.location.pathname; }

  function toggleGroup(row) {
    const current = row || document.getElementById("crit-" + lastCode);
    const group = current ? current.closest("details[data-group]") : null;
    if (!group) return;
    group.open = !group.open;
    if (group.open) focusRow(current);
    else group.querySelector("summary").focus();
  }

  function countCoded() {
    groups().forEach(function (group) {
      const coded = group.querySelectorAll("form.crit.coded").length;
      const all = group.querySelectorAll("form.crit").length;
      const count = group.querySelector("[data-coded]");
      if (count) count.textContent = String(coded);
      const badge = group.querySelector(".group-count");
      if (badge) badge.classList.toggle("complete", coded === all);
    });
  }

  function rememberGroups() {
    try {
      const open = groups().filter(function (g) { return g.open; }).map(function (g) { return g.id; });
      window.sessionStorage.setItem(groupsKey(), JSON.stringify(open));
    } catch (error) { /* storage refused (private mode): the groups are just not remembered */ }
  }

  function restoreGroups() {
    let open = null;
    try { open = JSON.parse(window.sessionStorage.getItem(groupsKey()) || "null"); }
    catch (error) { open = null; }
    if (!Array.isArray(open)) return;
    groups().forEach(function (group) { group.open = open.indexOf(group.id) !== -1; });
  }

  document.addEventListener("toggle", function (event) {
    if (event.target.matches && event.target.matches("details[data-group]")) rememberGroups();
  }, true);

  // Keep the keyboard where it was after a swap.
  document.addEventListener("htmx:afterSettle", function (event) {
    const row = event.target.closest ? event.target.closest("form.crit") : null;
    if (row && row.dataset.code === lastCode && !document.activeElement.matches("textarea, input[type=text]")) {
      focusRow(row);
    }
    const counter = document.getElementById("coded-count");
    if (counter) counter.textContent = String(document.querySelectorAll("form.crit.coded").length);
    countCoded();
  });

  document.addEventListener("focusin", function (event) {
    const row = event.target.closest ? event.target.closest("form.crit") : null;
    if (row) lastCode = row.dataset.code;
  });

  document.addEventListener("DOMContentLoaded", function () {
    if (!codingPage()) return;
    restoreGroups();
    // The keyboard starts where the work is: the first criterion not yet coded in an open
    // group, else the first one open, else the first one at all.
    const editable = rows().filter(function (r) { return !r.querySelector("fieldset[disabled]"); });
    const shown = editable.filter(function (r) {
      const group = r.closest("details[data-group]");
      return !group || group.open;
    });
    const first = shown.find(function (r) { return !r.classList.contains("coded"); }) ||
      shown[0] || editable[0];
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

// ---- forms marked [data-ctrl-enter]: Ctrl+Enter submits them (a round's gold set) -----------
(function () {
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    const form = event.target && event.target.closest && event.target.closest("form[data-ctrl-enter]");
    if (!form) return;
    event.preventDefault();
    form.requestSubmit();
  });
})();

// ---- the language switcher: choosing a language submits the form (its button stays for readers
// without scripts) ---------------------------------------------------------------------------
(function () {
  document.addEventListener("change", function (event) {
    const form = event.target && event.target.closest && event.target.closest("form[data-language-switcher]");
    if (form && event.target.name === "language") form.requestSubmit();
  });
})();
