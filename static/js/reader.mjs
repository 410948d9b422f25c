// The document reader: a PDF page by page through PDF.js (vendored in static/vendor/pdfjs), or
// the extracted text of another document; every passage taken as evidence highlighted; a
// selection taken as a new evidence item. No inline script or style: data comes from the
// page's JSON (json_script), styles from reader.css, positions through the CSSOM.

const data = JSON.parse(document.getElementById("reader-data").textContent);
const pagesBox = document.getElementById("reader-pages");
const takeForm = document.getElementById("reader-take");
const takeButton = document.getElementById("reader-take-button");
const status = document.getElementById("reader-status");
// The visible words in the page's language, from the template ("{page}", "{error}": filled in here).
const words = pagesBox.dataset;
const say = (text, values) => text.replace(/\{(\w+)\}/g, (whole, name) => String(values[name] ?? whole));
const CONTEXT = 32; // characters of prefix and suffix, as the server keeps them
const timings = (window.readerTimings = { start: performance.now() });
// ?item=KEY (the evidence item's "open in the document" link): its passage is shown and marked.
const focusItem = new URLSearchParams(window.location.search).get("item");

// -- text as the quote check reads it (cases/documents/locate.py's squeezed) ------------------

const QUOTES = {
  "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
  "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
  "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
};
const SKIPPED = /[\s\u00ad\u0002\ufffe]/;

// The text without whitespace, folded, and for each of its characters the offset it came from.
function squeeze(text) {
  let out = "";
  const where = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (SKIPPED.test(ch)) continue;
    if (ch === "-" && i > 0 && /[\p{L}\p{N}]/u.test(text[i - 1])) {
      const rest = /^-[ \t]*\r?\n/.exec(text.slice(i, i + 8));
      if (rest) {
        i += rest[0].length - 1;
        continue;
      }
    }
    const folded = (QUOTES[ch] || ch.normalize("NFKC")).toLowerCase();
    out += folded;
    for (let k = 0; k < folded.length; k++) where.push(i);
  }
  return { text: out, where };
}

function commonTail(a, b) {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

function commonHead(a, b) {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

// [start, end) of the words of `exact` in `text` (or its squeeze, computed once per page), the
// occurrence whose context agrees best.
function findWords(text, exact, prefix = "", suffix = "", from = 0) {
  const hay = typeof text === "string" ? squeeze(text) : text;
  const want = squeeze(exact).text;
  if (!want) return null;
  const before = squeeze(prefix).text;
  const after = squeeze(suffix).text;
  let best = null;
  let bestScore = -1;
  let at = hay.text.indexOf(want);
  while (at !== -1) {
    const start = hay.where[at];
    if (start >= from) {
      const score =
        commonTail(hay.text.slice(Math.max(0, at - before.length), at), before) +
        commonHead(hay.text.slice(at + want.length, at + want.length + after.length), after);
      if (score > bestScore) {
        best = [start, hay.where[at + want.length - 1] + 1];
        bestScore = score;
      }
      if (!before && !after) break; // no context to weigh: the first one
      if (score === before.length + after.length) break; // cannot do better
    }
    at = hay.text.indexOf(want, at + 1);
  }
  return best;
}

// -- a page's text and the DOM nodes that hold it ----------------------------------------------

function pageText(layer) {
  const walker = document.createTreeWalker(layer, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let text = "";
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    nodes.push({ node, start: text.length });
    text += node.data;
  }
  return { text, nodes };
}

function rangeOf(info, start, end) {
  const point = (offset) => {
    let lo = 0;
    let hi = info.nodes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (info.nodes[mid].start <= offset) lo = mid;
      else hi = mid - 1;
    }
    const { node, start: begin } = info.nodes[lo];
    return [node, Math.min(offset - begin, node.data.length)];
  };
  const range = document.createRange();
  range.setStart(...point(start));
  range.setEnd(...point(end));
  return range;
}

function offsetIn(info, node, offset) {
  if (node.nodeType !== Node.TEXT_NODE) {
    // A point between elements: the text before the child it names.
    const probe = document.createRange();
    probe.selectNodeContents(info.layer);
    probe.setEnd(node, offset);
    return probe.toString().length;
  }
  const entry = info.nodes.find((n) => n.node === node);
  return entry ? entry.start + offset : null;
}

const pages = []; // per page: {section, layer, info, rendered}

function pageInfo(index) {
  const page = pages[index];
  if (!page.info) page.info = { ...pageText(page.layer), layer: page.layer };
  return page.info;
}

function squeezedPage(index) {
  const info = pageInfo(index);
  if (!info.squeezed) info.squeezed = squeeze(info.text);
  return info.squeezed;
}

// -- highlights --------------------------------------------------------------------------------

const byPage = new Map();
for (const passage of data.passages) {
  // A passage across a page break holds a form feed there: each part on its own page.
  const parts = passage.exact.split("\f");
  parts.forEach((part, k) => {
    const index = passage.page + k;
    if (!byPage.has(index)) byPage.set(index, []);
    byPage.get(index).push({ passage, part, first: k === 0, last: k === parts.length - 1 });
  });
}

function highlightPage(index) {
  const page = pages[index];
  const wanted = byPage.get(index) || [];
  page.marks.replaceChildren();
  if (!wanted.length) return;
  const info = pageInfo(index);
  const origin = page.section.getBoundingClientRect();
  const fragment = document.createDocumentFragment();
  for (const { passage, part, first, last } of wanted) {
    let span = null;
    if (data.kind === "text" && first && info.text.slice(passage.start - page.offset, passage.end - page.offset) === passage.exact) {
      span = [passage.start - page.offset, passage.end - page.offset];
    } else {
      span = findWords(squeezedPage(index), part, first ? passage.prefix : "", last ? passage.suffix : "");
    }
    if (!span) continue;
    const colour = data.by_criterion ? (passage.slot === null ? "hl-none" : `hl-${passage.slot}`) : "hl-neutral";
    const title = data.by_criterion && passage.criterion ? `${passage.item} · ${passage.criterion}` : passage.item;
    for (const rect of rangeOf(info, span[0], span[1]).getClientRects()) {
      if (rect.width < 0.5 || rect.height < 0.5) continue;
      const mark = document.createElement("div");
      mark.className = passage.item === focusItem ? `hl ${colour} hl-focus` : `hl ${colour}`;
      mark.dataset.item = passage.item;
      mark.title = title;
      mark.style.left = `${rect.left - origin.left}px`;
      mark.style.top = `${rect.top - origin.top}px`;
      mark.style.width = `${rect.width}px`;
      mark.style.height = `${rect.height}px`;
      fragment.append(mark);
    }
  }
  page.marks.append(fragment);
}

function pageReady(index) {
  const started = performance.now();
  highlightPage(index);
  const took = performance.now() - started;
  timings.highlights = (timings.highlights || 0) + took;
  timings.slowestPageHighlights = Math.max(timings.slowestPageHighlights || 0, took);
  pages[index].section.dataset.rendered = "1";
  if (timings.firstPage === undefined) {
    timings.firstPageAt = performance.now(); // since the navigation began
    timings.firstPage = timings.firstPageAt - timings.start;
    pagesBox.dataset.firstPage = String(Math.round(timings.firstPage));
  }
}

// -- text documents ----------------------------------------------------------------------------

function openText() {
  let offset = 0;
  for (const section of pagesBox.querySelectorAll(".reader-page")) {
    const layer = section.querySelector(".text-layer");
    const marks = document.createElement("div");
    marks.className = "hl-layer";
    section.prepend(marks);
    const page = { section, layer, marks, offset, info: null };
    pages.push(page);
    offset += layer.textContent.length + 1; // the form feed between pages
  }
  pages.forEach((_, index) => pageReady(index));
  let pending = 0;
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(() => pages.forEach((_, index) => highlightPage(index)), 150);
  });
}

// -- PDFs --------------------------------------------------------------------------------------

let pdf = null;
let pdfjs = null;

async function openPdf() {
  pdfjs = await import(data.pdfjs);
  pdfjs.GlobalWorkerOptions.workerSrc = data.worker;
  pdf = await pdfjs.getDocument({
    url: data.file,
    isEvalSupported: false,
    enableXfa: false,
    standardFontDataUrl: data.fonts,
  }).promise;
  const first = await pdf.getPage(1);
  const natural = first.getViewport({ scale: 1 });
  const scale = Math.min(1.6, (pagesBox.clientWidth - 4) / natural.width);
  for (let index = 0; index < pdf.numPages; index++) {
    const section = document.createElement("section");
    section.className = "reader-page pdf-page";
    section.dataset.page = String(index);
    section.setAttribute("aria-label", say(words.labelPage, { page: data.labels[index] || index + 1 }));
    section.style.setProperty("--scale-factor", String(scale));
    section.style.width = `${Math.floor(natural.width * scale)}px`;
    section.style.height = `${Math.floor(natural.height * scale)}px`;
    const marks = document.createElement("div");
    marks.className = "hl-layer";
    const layer = document.createElement("div");
    layer.className = "textLayer text-layer";
    layer.tabIndex = 0;
    section.append(marks, layer);
    pagesBox.append(section);
    pages.push({ section, layer, marks, scale, info: null, rendering: null });
  }
  const watcher = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) renderPage(Number(entry.target.dataset.page));
      }
    },
    { rootMargin: "600px 0px" },
  );
  pages.forEach((page) => watcher.observe(page.section));
}

function renderPage(index) {
  const page = pages[index];
  if (!page.rendering) page.rendering = drawPage(index);
  return page.rendering;
}

async function drawPage(index) {
  const page = pages[index];
  const pdfPage = await pdf.getPage(index + 1);
  const viewport = pdfPage.getViewport({ scale: page.scale });
  const ratio = window.devicePixelRatio || 1;
  const canvas = document.createElement("canvas");
  canvas.width = Math.floor(viewport.width * ratio);
  canvas.height = Math.floor(viewport.height * ratio);
  canvas.style.width = `${Math.floor(viewport.width)}px`;
  canvas.style.height = `${Math.floor(viewport.height)}px`;
  canvas.setAttribute("aria-hidden", "true");
  page.section.style.width = `${Math.floor(viewport.width)}px`;
  page.section.style.height = `${Math.floor(viewport.height)}px`;
  page.section.prepend(canvas);
  await pdfPage.render({
    canvasContext: canvas.getContext("2d"),
    viewport,
    transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : null,
  }).promise;
  const textLayer = new pdfjs.TextLayer({
    textContentSource: pdfPage.streamTextContent(),
    container: page.layer,
    viewport,
  });
  await textLayer.render();
  page.info = null;
  pageReady(index);
}

// -- taking a selection ------------------------------------------------------------------------

let taken = null; // the selection as the form will send it

function pageOf(node) {
  const section = (node.nodeType === Node.TEXT_NODE ? node.parentElement : node)?.closest(".reader-page");
  return section ? Number(section.dataset.page) : null;
}

function readSelection() {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
  const range = selection.getRangeAt(0);
  const first = pageOf(range.startContainer);
  const last = pageOf(range.endContainer);
  if (first === null || last === null) return null;
  const exact = selection.toString();
  if (!exact.trim()) return null;
  const startInfo = pageInfo(first);
  const endInfo = pageInfo(last);
  const start = offsetIn(startInfo, range.startContainer, range.startOffset);
  const end = offsetIn(endInfo, range.endContainer, range.endOffset);
  const result = {
    exact,
    page: first,
    prefix: start === null ? "" : startInfo.text.slice(Math.max(0, start - CONTEXT), start),
    suffix: end === null ? "" : endInfo.text.slice(end, end + CONTEXT),
    start: "",
    end: "",
  };
  if (data.kind === "text" && first === last && start !== null && end !== null) {
    result.start = pages[first].offset + start; // the server's own offsets: exact there
    result.end = pages[first].offset + end;
  }
  return result;
}

function take() {
  // selectionchange arrives as a task of its own: a key pressed right after the last Shift+arrow
  // may come before it, so the selection is read again here rather than trusted from the event.
  taken = readSelection() || taken;
  if (!takeForm || !taken) return;
  for (const name of ["exact", "prefix", "suffix", "page", "start", "end"]) {
    takeForm.elements[name].value = String(taken[name]);
  }
  takeForm.submit();
}

if (takeForm) {
  document.addEventListener("selectionchange", () => {
    taken = readSelection();
    takeButton.disabled = !taken;
  });
  takeForm.addEventListener("submit", (event) => {
    event.preventDefault();
    take();
  });
}

const KEYS = {
  ArrowRight: ["forward", "character"],
  ArrowLeft: ["backward", "character"],
  ArrowDown: ["forward", "line"],
  ArrowUp: ["backward", "line"],
  End: ["forward", "lineboundary"],
  Home: ["backward", "lineboundary"],
};

document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
  if ((event.key === "t" || event.key === "T") && !event.ctrlKey && !event.metaKey && !event.altKey && taken) {
    event.preventDefault();
    take();
    return;
  }
  // Keyboard selection in a page's text: Shift with the arrows extends it (Ctrl: by word).
  const layer = target.closest && target.closest(".text-layer");
  if (!layer || !event.shiftKey || !KEYS[event.key]) return;
  event.preventDefault();
  const selection = window.getSelection();
  const inside = selection.rangeCount && layer.contains(selection.anchorNode);
  if (!inside) {
    const info = pageInfo(Number(layer.closest(".reader-page").dataset.page));
    if (!info.nodes.length) return;
    selection.collapse(info.nodes[0].node, 0);
  }
  const [direction, unit] = KEYS[event.key];
  const step = event.ctrlKey && unit === "character" ? "word" : unit;
  const before = selection.toString();
  selection.modify("extend", direction, step);
  // At a word's very end chromium may first move to that same end: every press must show.
  if (selection.toString() === before) selection.modify("extend", direction, step);
});

// -- search ------------------------------------------------------------------------------------

const searchForm = document.getElementById("reader-search");
let lastFound = { page: -1, end: 0, query: "" };
const plainTexts = new Map();

async function plainText(index) {
  if (data.kind === "text") return pageInfo(index).text;
  if (!plainTexts.has(index)) {
    const content = await (await pdf.getPage(index + 1)).getTextContent();
    plainTexts.set(index, content.items.map((item) => (item.str || "") + (item.hasEOL ? "\n" : "")).join(""));
  }
  return plainTexts.get(index);
}

async function findNext(query) {
  if (!pages.length) return;
  if (query !== lastFound.query) lastFound = { page: -1, end: 0, query };
  const count = pages.length;
  const from = Math.max(0, lastFound.page);
  for (let step = 0; step <= count; step++) {
    const index = (from + step) % count;
    const after = step === 0 && index === lastFound.page ? lastFound.end : 0;
    if (!findWords(await plainText(index), query, "", "", 0)) continue;
    if (data.kind === "pdf") await renderPage(index);
    const span = findWords(squeezedPage(index), query, "", "", after);
    if (!span) continue;
    pages[index].layer.focus({ preventScroll: true });
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(rangeOf(pageInfo(index), span[0], span[1]));
    pages[index].section.scrollIntoView({ block: "center" });
    lastFound = { page: index, end: span[1], query };
    status.textContent = say(words.labelFound, { page: data.labels[index] || index + 1 });
    return;
  }
  status.textContent = words.labelNotFound;
}

searchForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const query = document.getElementById("reader-find").value;
  if (query.trim()) findNext(query);
});

// -- open --------------------------------------------------------------------------------------

// The page of the item asked for, drawn and scrolled to, its marks in view.
async function showFocusedItem() {
  const passage = focusItem && data.passages.find((p) => p.item === focusItem);
  if (!passage || !pages[passage.page]) return;
  if (data.kind === "pdf") await renderPage(passage.page);
  const page = pages[passage.page];
  const mark = page.marks.querySelector(".hl-focus");
  (mark || page.section).scrollIntoView({ block: "center" });
  pagesBox.dataset.focused = focusItem;
}

if (data.kind === "pdf") {
  openPdf()
    .then(showFocusedItem)
    .catch((error) => {
      status.textContent = say(words.labelPdfFailed, { error: error.message });
      pagesBox.dataset.failed = "1";
    });
} else {
  openText();
  showFocusedItem();
}
