from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases.bundles import BundleError, import_bundle, parse_bundle
from cases.documents.actions import DocumentRefused, attach_document
from cases.models import Project, Source

DEMO_BUNDLE = Path(settings.BASE_DIR) / "fixtures" / "turkiye-azerbaijan.json"
# The demo's documents: files the bundle's sources name, each free to redistribute
# (fixtures/demo-document/README.md says where each comes from and under what terms).
DEMO_DOCUMENTS = {
    "chronology": Path(settings.BASE_DIR) / "fixtures" / "demo-document" / "chronology.txt"
}
DEMO_SLUG = "turkiye-azerbaijan"
# A second, smaller demo: a community of three states, with the same accounts.
SECOND_DEMO_BUNDLE = Path(settings.BASE_DIR) / "fixtures" / "nordic-demo.json"
SECOND_DEMO_SLUG = "nordic-demo"
# Demo data only: these accounts and their shared password are printed on every `make run`.
DEMO_PASSWORD = "sccoder-demo"
DEMO_SUPERUSER = "ada"


def browser_url(address: str) -> str:
    """The address to open for a server bound to ``address`` (HOST:PORT as runserver takes it):
    a server listening on every interface is opened on the loopback address, an IPv6 host is
    bracketed."""
    host, _, port = address.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if host in ("0.0.0.0", "0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port or '8000'}/"


def attach_demo_documents(project: Project) -> None:
    """Attach each demo document to its source: a JSON bundle names documents, not carries them."""
    for key, path in DEMO_DOCUMENTS.items():
        source = Source.objects.get(project=project, key=key)
        attach_document(
            source=source, data=path.read_bytes(), filename=path.name, user=None, background=False
        )


class Command(BaseCommand):
    help = (
        "Load the Türkiye–Azerbaijan demo project and its demo accounts, and the Nordic "
        "community demo, once each."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--address",
            default="127.0.0.1:8000",
            help="HOST:PORT the server will listen on (make run passes HOST and PORT), "
            "for the address printed at the end.",
        )

    def handle(self, **options):
        self._load_once(DEMO_SLUG, DEMO_BUNDLE, "the demo project")
        self._load_once(SECOND_DEMO_SLUG, SECOND_DEMO_BUNDLE, "the second demo project")
        project = Project.objects.get(slug=DEMO_SLUG)
        self.stdout.write(f"\nDemo logins (password for each: {DEMO_PASSWORD})")
        for m in project.memberships.select_related("user").order_by("role", "user__username"):
            note = " (also site administrator: /admin/)" if m.user.is_superuser else ""
            self.stdout.write(f"  {m.user.username:<8} {m.role}{note}")
        self.stdout.write(f"Open {browser_url(options['address'])} and sign in.\n")

    def _load_once(self, slug: str, bundle: Path, what: str) -> None:
        if Project.objects.filter(slug=slug).exists():
            return
        try:
            with transaction.atomic():
                project = import_bundle(parse_bundle(bundle.read_bytes()))
                if slug == DEMO_SLUG:
                    attach_demo_documents(project)
                self._activate_demo_accounts(project)
        except BundleError as exc:
            raise CommandError(f"{what}'s bundle did not load:\n{exc}") from None
        except DocumentRefused as exc:
            raise CommandError(f"{what}'s document did not load: {exc}") from None
        self.stdout.write(f"Loaded {what}: {project.name}.")

    def _activate_demo_accounts(self, project: Project) -> None:
        User = get_user_model()
        for user in User.objects.filter(memberships__project=project):
            if not user.has_usable_password():
                user.set_password(DEMO_PASSWORD)
            if user.username == DEMO_SUPERUSER:
                user.is_staff = user.is_superuser = True
            user.save()
