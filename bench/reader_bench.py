"""Reader benchmark: how soon a document's first page shows in chromium, and how long 500
highlights on one page take to draw.

Builds a throwaway SQLite database and media folder, a project from the tests' small bundle, and
two PDFs written with matplotlib's PDF backend (dense text, 50 lines a page): an article of 30
pages (the size of the demo's article) and a book of 300 pages. A third document, the article
again under another source, carries 500 evidence passages, all on its first page (the worst
case: every highlight drawn at once). gunicorn serves the site as in production (whitenoise for
the static files, DEBUG off) on 127.0.0.1, and Playwright drives Debian's chromium, a fresh
browser context (cold cache) for every run, signed in as a reviewer (highlights coloured by
criterion).

Measured, per run: navigation start → first page drawn with its text layer and highlights
(``performance.now()`` at that moment, which counts from the navigation's start), and the time
the highlights of the page with 500 passages took to find and draw.

    .venv/bin/python bench/reader_bench.py [--runs 7] [--keep]

Prints a table and writes JSON to bench/results/reader-<timestamp>.json (git-ignored).
"""

import argparse
import io
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
CHROMIUM = os.environ.get("SCCODER_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "bench-reader-1"
WORDS = [
    "treaty",
    "border",
    "trust",
    "peace",
    "minister",
    "summit",
    "trade",
    "crossing",
    "accord",
    "envoy",
    "council",
    "pledge",
    "security",
    "neighbour",
    "dispute",
    "visit",
    "agreement",
    "market",
    "railway",
    "pipeline",
    "declaration",
]


def text_pages(count: int, lines: int = 50) -> list[str]:
    pages = []
    for p in range(count):
        rows = []
        for line in range(lines):
            words = [WORDS[(p * 7 + line * 3 + k * 5) % len(WORDS)] for k in range(12)]
            rows.append(f"{p + 1}.{line + 1} " + " ".join(words))
        pages.append("\n".join(rows))
    return pages


def pdf_of(pages: list[str]) -> bytes:
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"CreationDate": None}) as pdf:
        for text in pages:
            figure = Figure(figsize=(8.27, 11.69))
            figure.text(0.08, 0.96, text, fontsize=8.5, va="top", linespacing=1.45)
            pdf.savefig(figure)
    return buffer.getvalue()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(env: dict) -> dict:
    """The database, the documents and the passages; the reader's URLs by name."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sccoder.settings")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from cases.bundles import import_bundle
    from cases.documents.actions import attach_document
    from cases.documents.passages import selection_at
    from cases.models import Evidence, EvidencePassage, Source
    from cases.tests.bundle_factory import small_bundle

    call_command("migrate", verbosity=0)
    project = import_bundle(small_bundle())
    for user in get_user_model().objects.all():
        user.set_password(PASSWORD)
        user.save()
    article_pages = text_pages(30)
    documents = {
        "article (30 pages)": (article_pages, "article.pdf"),
        "book (300 pages)": (text_pages(300), "book.pdf"),
        "article, 500 passages on page 1": (article_pages, "article-again.pdf"),
    }
    urls = {}
    base = Source.objects.get(project=project, key="doe2020")
    for number, (name, (pages, filename)) in enumerate(documents.items()):
        source = base
        if number:
            source = Source.objects.create(
                project=project, key=f"bench{number}", csl={"type": "book", "title": name}
            )
        started = time.perf_counter()
        data = pdf_of(pages)
        if name.startswith("article, 500"):
            data += b"\n%" + b"x" * number  # another file: another hash
        attach_document(source=source, data=data, filename=filename, user=None, background=False)
        print(
            f"  {name}: {len(data) / 1e6:.1f} MB, built and read in "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
        urls[name] = f"/p/{project.slug}/sources/{source.pk}/document/read/"
        if name.startswith("article, 500"):
            add_passages(source, project, Evidence, EvidencePassage, selection_at)
    return urls


def add_passages(source, project, Evidence, EvidencePassage, selection_at) -> None:
    template = Evidence.objects.filter(project=project).first()
    document = source.document
    pages = list(document.pages.order_by("index").values_list("label", "text"))
    first = pages[0][1]
    spans, at = [], 0
    while len(spans) < 500:
        line_start = first.find(" ", at) + 1
        end = first.find(" ", line_start + 12)
        if end == -1:
            at = 0
            continue
        spans.append((line_start, end))
        at = end if end < len(first) - 40 else 0
    items = []
    for n in range(500):
        item = Evidence.objects.get(pk=template.pk)
        item.pk = None
        item.key = f"B{n:03d}"
        item.source = source
        items.append(item)
    Evidence.objects.bulk_create(items)
    items = list(Evidence.objects.filter(project=project, key__startswith="B").order_by("key"))
    rows = []
    for item, (start, end) in zip(items, spans, strict=True):
        s = selection_at(pages, start, end)
        rows.append(
            EvidencePassage(
                evidence=item,
                document_sha256=document.sha256,
                page_index=s.page_index,
                page_label=s.page_label,
                exact=s.exact,
                prefix=s.prefix,
                suffix=s.suffix,
                start=s.start,
                end=s.end,
            )
        )
    EvidencePassage.objects.bulk_create(rows)


def measure(base_url: str, urls: dict, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    results = {name: [] for name in urls}
    highlights = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run"],
        )
        for run in range(runs + 1):  # the first run warms the server's workers
            for name, url in urls.items():
                context = browser.new_context(
                    base_url=base_url, viewport={"width": 1360, "height": 900}
                )
                page = context.new_page()
                page.goto("/accounts/login/")
                page.fill("#id_username", "rita")
                page.fill("#id_password", PASSWORD)
                page.click("main button[type=submit]")
                page.wait_for_url(lambda u: "login" not in u)
                page.goto(url)
                page.wait_for_selector("#reader-pages[data-first-page]", timeout=60_000)
                timings = page.evaluate("window.readerTimings")
                if run:
                    results[name].append(timings["firstPageAt"])
                    if "500" in name:
                        marks = page.locator(".reader-page[data-page='0'] .hl").count()
                        highlights.append((timings["slowestPageHighlights"], marks))
                context.close()
        browser.close()
    return {"first_page_ms": results, "highlights_ms_and_marks": highlights}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="reader-bench-"))
    env = {
        "DATABASE_URL": f"sqlite:///{scratch / 'bench.sqlite3'}",
        "SCCODER_MEDIA_ROOT": str(scratch / "media"),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE": "0",
        "DJANGO_SECRET_KEY": "reader-bench-" + "x" * 40,
        "SCCODER_MANIFEST_STATIC": "0",
        "SCCODER_LOGIN_THROTTLE": "0",
    }
    print("Building the documents…", flush=True)
    urls = build(env)
    port = free_port()
    server = subprocess.Popen(
        [str(REPO / ".venv/bin/gunicorn"), "-c", str(REPO / "gunicorn.conf.py")],
        cwd=REPO,
        env={**os.environ, **env, "SCCODER_BIND": f"127.0.0.1:{port}", "SCCODER_WORKERS": "2"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        measured = measure(f"http://127.0.0.1:{port}", urls, args.runs)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(f"\nFirst page drawn, ms from navigation start ({args.runs} runs, cold cache each):")
    print(f"{'document':36} {'median':>8} {'min':>8} {'max':>8}")
    for name, values in measured["first_page_ms"].items():
        print(f"{name:36} {statistics.median(values):8.0f} {min(values):8.0f} {max(values):8.0f}")
    drawn = measured["highlights_ms_and_marks"]
    times = [t for t, _ in drawn]
    print(
        f"\n500 passages on one page: highlights found and drawn in "
        f"{statistics.median(times):.0f} ms median, {max(times):.0f} ms max "
        f"({drawn[0][1]} highlight boxes)"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    (RESULTS / f"reader-{stamp}.json").write_text(json.dumps(measured, indent=2))
    if not args.keep:
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
