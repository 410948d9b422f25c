"""Upload benchmark: how long the upload request of a 300-page PDF takes, now that its text is
read in the background, against the worker's reading of that text.

Builds a throwaway SQLite database and media folder, a project from the tests' small bundle,
and the reader benchmark's book (300 pages of dense text, 50 lines a page, written with
matplotlib's PDF backend). Per run: the upload posted to the document page through Django's
whole request stack (the test client, signed in as a coder), with the database queue of a
deployment; then one pass of the real worker (``manage.py worker --batch``), which reads the
text; then the document removed for the next run.

    .venv/bin/python bench/upload_bench.py [--runs 5]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from reader_bench import pdf_of, text_pages  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sccoder-upload-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'db.sqlite3'}"
    os.environ["SCCODER_MEDIA_ROOT"] = str(folder / "media")
    os.environ["DJANGO_SETTINGS_MODULE"] = "sccoder.settings"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"  # the test client's host
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from cases.bundles import import_bundle
    from cases.models import Document, DocumentPage, Source
    from cases.tests.bundle_factory import small_bundle

    call_command("migrate", verbosity=0)
    project = import_bundle(small_bundle())
    call_command("worker", batch=True, startup_delay=False, verbosity=0)
    source = Source.objects.get(project=project, key="doe2020")
    client = Client()
    client.force_login(get_user_model().objects.get(username="carl"))
    data = pdf_of(text_pages(300))
    print(f"book: 300 pages, {len(data) / 1e6:.1f} MB")
    page = reverse("cases:source_document", args=[project.slug, source.pk])
    remove = reverse("cases:document_remove", args=[project.slug, source.pk])
    uploads, readings = [], []
    for run in range(args.runs):
        started = time.perf_counter()
        response = client.post(page, {"file": SimpleUploadedFile("book.pdf", data)})
        uploads.append(time.perf_counter() - started)
        assert response.status_code == 302, response.status_code
        assert Document.objects.get(source=source).status == "pending"
        started = time.perf_counter()
        call_command("worker", batch=True, startup_delay=False, verbosity=0)
        readings.append(time.perf_counter() - started)
        assert DocumentPage.objects.filter(document__source=source).count() == 300
        client.post(remove)
        print(f"  run {run + 1}: upload {uploads[-1] * 1000:.0f} ms, reading {readings[-1]:.2f} s")
    print(
        f"upload request: median {statistics.median(uploads) * 1000:.0f} ms "
        f"(min {min(uploads) * 1000:.0f}, max {max(uploads) * 1000:.0f}); "
        f"reading by the worker: median {statistics.median(readings):.2f} s "
        f"(min {min(readings):.2f}, max {max(readings):.2f})"
    )


if __name__ == "__main__":
    main()
