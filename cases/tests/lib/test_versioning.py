"""The one version check (cases.lib.versioning): every write path bumps ``version`` through it."""

import ast
import re
from pathlib import Path

import pytest

from cases.lib.versioning import STALE, StaleWrite, claim_version
from cases.models import Evidence

CASES = Path(__file__).resolve().parents[2]


@pytest.fixture
def item(small_project):
    return Evidence.objects.get(project=small_project, key="E1")


def test_a_claim_bumps_the_version_the_writer_was_shown(item):
    assert claim_version(Evidence, item.pk, item.version) == item.version + 1
    item.refresh_from_db()
    assert item.version == 2


def test_a_stale_claim_is_refused_with_the_current_version_and_changes_nothing(item):
    claim_version(Evidence, item.pk, 1)  # someone else saved first
    with pytest.raises(StaleWrite) as refused:
        claim_version(Evidence.objects.filter(project=item.project), item.pk, 1)
    assert refused.value.current_version == 2
    assert str(refused.value) == STALE
    item.refresh_from_db()
    assert item.version == 2


def test_a_claim_on_a_row_outside_the_queryset_is_refused_without_a_version(item):
    with pytest.raises(StaleWrite) as refused:
        claim_version(Evidence.objects.exclude(pk=item.pk), item.pk, 1)
    assert refused.value.current_version is None
    item.refresh_from_db()
    assert item.version == 1


def application_modules():
    for path in sorted(CASES.rglob("*.py")):
        parts = path.relative_to(CASES).parts
        if parts[0] not in ("tests", "migrations"):
            yield path


def test_the_compare_and_set_is_written_in_one_place_only():
    bump = re.compile(r"""F\(\s*["']version["']\s*\)""")
    writers = [
        str(path.relative_to(CASES))
        for path in application_modules()
        if bump.search(path.read_text(encoding="utf-8"))
    ]
    assert writers == ["lib/versioning.py"]


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function, as a dotted cases.* name."""
    package = ["cases", *path.relative_to(CASES).parent.parts]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module or "").split(".")]).strip(".")
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_the_review_module_does_not_import_the_coding_actions_back():
    # coding.actions builds on review.unanimous (unanimous consensus on submit); the stale
    # write they share lives in cases.lib.versioning, so the dependency runs one way only.
    assert "cases.review.unanimous" in imported_modules(CASES / "coding" / "actions.py")
    for path in (CASES / "review").rglob("*.py"):
        assert "cases.coding.actions" not in imported_modules(path), path.name
