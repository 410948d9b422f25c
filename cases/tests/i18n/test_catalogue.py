"""The Turkish catalogue: every interface string translated, none fuzzy, the compiled .mo the
same as the .po, placeholders kept, and nothing marked for translation that the catalogue
lacks (makemessages, run into a copy, finds no new string)."""

import re
import shutil

import polib
import pytest
from django.core.management import call_command

from cases.tests.cli import REPO

PO = REPO / "locale" / "tr" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# The same options as docs/i18n.md's command, so this test sees what the maintainers' run sees.
MAKEMESSAGES = {
    "locale": ["tr"],
    "no_location": True,
    "no_obsolete": True,
    "ignore_patterns": [".venv/*", "staticfiles/*", "test-artifacts/*", "cases/tests/*", "bench/*"],
}
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sd]|\{[a-z_]+\}")


def catalogue(path=PO):
    return polib.pofile(str(path))


def test_every_entry_is_translated_and_none_is_fuzzy():
    po = catalogue()
    assert len(po) > 800
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert po.metadata["Language"] == "tr"


def test_the_compiled_catalogue_is_the_same_as_its_source():
    compiled = {(e.msgid, e.msgid_plural): (e.msgstr, e.msgstr_plural) for e in polib.mofile(MO)}
    source = {
        (e.msgid, e.msgid_plural): (e.msgstr, e.msgstr_plural)
        for e in catalogue()
        if e.translated()
    }
    compiled.pop(("", ""), None)  # the header
    assert compiled == source, "locale/tr: run `make messages` (docs/i18n.md) to recompile"


def test_translations_keep_the_placeholders_of_their_source():
    for entry in catalogue():
        sources = [entry.msgid, *([entry.msgid_plural] if entry.msgid_plural else [])]
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        wanted = set().union(*(PLACEHOLDER.findall(s) for s in sources))
        for text in translations:
            # A plural form may leave the count out; it may never bring a name of its own.
            assert set(PLACEHOLDER.findall(text)) <= wanted, (entry.msgid, text)
            if not entry.msgid_plural:
                assert set(PLACEHOLDER.findall(text)) == wanted, (entry.msgid, text)


def test_the_glossary_is_kept():
    """The method's words read the same everywhere (docs/i18n.md's glossary)."""
    by_id = {e.msgid: e.msgstr for e in catalogue()}
    assert by_id["coder"] == "kodlayıcı"
    assert by_id["reviewer"] == "hakem"
    assert by_id["Agreement"] == "Uyum"
    assert by_id["Evidence"] == "Kanıt"
    assert by_id["Dyad"] == "İkili"
    assert by_id["Codebook"] == "Kod kitabı"
    assert by_id["Consensus"] == "Uzlaşı"
    # The agreement page's note on readings is three pieces around a <strong>; Turkish word
    # order moves its clause about the coders into the first piece.
    moved = {e.msgid for e in catalogue() if e.msgid.startswith("instead, with the reason")}
    for entry in catalogue():
        words = PLACEHOLDER.sub("", entry.msgid)
        if re.search(r"\bcoders?\b", words) and entry.msgid not in moved:
            for text in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
                assert "kodlayıcı" in text.lower(), (entry.msgid, text)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="makemessages needs GNU gettext")
def test_makemessages_finds_no_string_the_catalogue_lacks(tmp_path, settings, monkeypatch):
    # makemessages writes into the locale folder next to the files it reads: run it in a tree of
    # links to the repository's code whose only locale folder is a copy, so that the
    # repository's catalogue is never touched by a test.
    tree = tmp_path / "tree"
    tree.mkdir()
    for entry in REPO.iterdir():
        if entry.name not in {"locale", ".git", ".venv"} and not entry.name.startswith("."):
            (tree / entry.name).symlink_to(entry)
    copy = tree / "locale" / "tr" / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    shutil.copy(PO, copy)
    before = PO.read_bytes()
    settings.LOCALE_PATHS = [tree / "locale"]
    monkeypatch.chdir(tree)
    call_command("makemessages", verbosity=0, symlinks=True, **MAKEMESSAGES)
    assert PO.read_bytes() == before
    fresh = catalogue(copy)
    assert [e.msgid for e in fresh.untranslated_entries()] == []
    assert [e.msgid for e in fresh.fuzzy_entries()] == []
    assert {e.msgid for e in fresh} == {e.msgid for e in catalogue()}
