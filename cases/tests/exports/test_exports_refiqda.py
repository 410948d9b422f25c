"""REFI-QDA exports: the .qdc codebook and the .qdpx project, validated against the standard.

pyrefiqda (a test-only dependency) binds the REFI-QDA 1.0 schemas (Project-mrt2019.xsd,
Codebook.xsd): parsing strictly rejects unknown elements and attributes, missing required
attributes and values of the wrong type. What that binding does not check is checked here from
the schema's text: the GUID pattern, the order of each type's child elements, that every
referenced GUID exists, and that a text source names its plain text exactly once.
"""

import io
import re
import zipfile

import pytest
from lxml import etree
from pyrefiqda.models import Project as QdaProject
from pyrefiqda.models.codebook import CodeBook as QdaCodeBook
from xsdata.formats.dataclass.parsers.config import ParserConfig
from xsdata_pydantic.bindings import XmlParser

from cases.bundles import import_bundle, parse_bundle
from cases.exports import write_qdc, write_qdpx
from cases.models import Coding, Membership
from cases.tests.bundle_factory import small_bundle
from cases.tests.cli import REPO

pytestmark = pytest.mark.django_db

P = "{urn:QDA-XML:project:1.0}"
C = "{urn:QDA-XML:codebook:1.0}"
GUID = re.compile(
    r"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
    r"|^(\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\})$"
)
GUID_ATTRIBUTES = {"guid", "targetGUID", "creatingUser", "modifyingUser", "creatingUserGUID"}
# The xsd:sequence of each complex type we write, in schema order (Project-mrt2019.xsd).
_TEXT_SOURCE = "Description PlainTextContent PlainTextSelection Coding NoteRef VariableValue"
SEQUENCES = {
    "Project": "Users CodeBook Variables Cases Sources Notes Links Sets Graphs Description NoteRef",
    "CodeBook": "Codes Sets",
    "Code": "Description NoteRef Code",
    "Case": "Description CodeRef VariableValue SourceRef SelectionRef",
    "TextSource": _TEXT_SOURCE,
    "Note": _TEXT_SOURCE,
    "PlainTextSelection": "Description Coding NoteRef",
    "PDFSource": "Description PDFSelection Representation Coding NoteRef VariableValue",
    "PDFSelection": "Description Representation Coding NoteRef",
    "Coding": "CodeRef NoteRef",
    "VariableValue": "VariableRef TextValue",
    "Variable": "Description",
}
STRICT = ParserConfig(
    fail_on_unknown_properties=True,
    fail_on_unknown_attributes=True,
    fail_on_converter_warnings=True,
)


def viewer(project, username):
    if username is None:
        return None
    return Membership.objects.select_related("user").get(project=project, user__username=username)


def qdpx_of(project, username=None) -> bytes:
    out = io.BytesIO()
    write_qdpx(out, project, viewer=viewer(project, username))
    return out.getvalue()


def open_qdpx(data: bytes):
    archive = zipfile.ZipFile(io.BytesIO(data))
    return archive, etree.fromstring(archive.read("project.qde"))


def check_schema(xml: bytes, archive: zipfile.ZipFile | None = None) -> etree._Element:
    """Everything the REFI-QDA schema asks of the documents we write; raises on a breach."""
    root = etree.fromstring(xml)
    binding = QdaProject if root.tag == f"{P}Project" else QdaCodeBook
    XmlParser(config=STRICT).from_bytes(xml, binding)
    namespace = P if binding is QdaProject else C
    guids = set()
    for element in root.iter():
        assert element.tag.startswith(namespace), f"{element.tag} is outside {namespace}"
        for name in GUID_ATTRIBUTES & set(element.attrib):
            assert GUID.match(element.get(name)), f"{name}={element.get(name)!r} is no GUID"
        if "guid" in element.attrib:
            assert element.get("guid") not in guids, f"GUID {element.get('guid')} used twice"
            guids.add(element.get("guid"))
        local = etree.QName(element).localname
        if local in SEQUENCES:
            order = [etree.QName(child).localname for child in element]
            positions = [SEQUENCES[local].split().index(name) for name in order]
            assert positions == sorted(positions), f"{local} children out of order: {order}"
    for element in root.iter():
        for name in {"targetGUID", "creatingUser"} & set(element.attrib):
            assert element.get(name) in guids, f"{name} {element.get(name)} refers to nothing"
    for source in root.iter(f"{P}TextSource"):
        inline = source.find(f"{P}PlainTextContent") is not None
        assert inline != ("plainTextPath" in source.attrib), "plain text given twice or not at all"
        if not inline and archive is not None:
            path = source.get("plainTextPath").removeprefix("internal://")
            text = archive.read(f"sources/{path}").decode("utf-8")
            for selection in source.iter(f"{P}PlainTextSelection"):
                end = int(selection.get("endPosition"))
                assert 0 <= int(selection.get("startPosition")) <= end <= len(text)
    for source in root.iter(f"{P}PDFSource"):
        if archive is not None:
            path = source.get("path").removeprefix("internal://")
            assert archive.read(f"sources/{path}").startswith(b"%PDF-")
    return root


@pytest.fixture
def demo(db):
    return import_bundle(parse_bundle((REPO / "fixtures" / "turkiye-azerbaijan.json").read_bytes()))


# --- the codebook ---------------------------------------------------------------------------


def test_the_codebook_passes_the_schema_checks(demo):
    out = io.BytesIO()
    write_qdc(out, demo.codebook)
    root = check_schema(out.getvalue())
    codable = [c for c in root.iter(f"{C}Code") if c.get("isCodable") == "true"]
    assert len(codable) == 43 * 4  # one code per criterion and scale value
    assert {c.get("name") for c in codable} >= {"AB-T3-TRUST = 3 strong", "D-RESP = 0 absent"}


def test_the_codebook_nests_framework_group_criterion_value(small_project):
    out = io.BytesIO()
    write_qdc(out, small_project.codebook)
    root = check_schema(out.getvalue())
    framework = root.find(f"{C}Codes/{C}Code")
    group = framework.find(f"{C}Code")
    criterion = group.find(f"{C}Code")
    assert (framework.get("name"), group.get("name")) == ("Adler & Barnett", "Tier 2")
    assert criterion.get("name") == "AB-T2-TRANS Transactions"
    assert criterion.findtext(f"{C}Description").startswith("Exchanges.")
    assert [c.get("name") for c in criterion.findall(f"{C}Code")] == [
        "AB-T2-TRANS = 0 absent",
        "AB-T2-TRANS = 1 weak",
        "AB-T2-TRANS = 2 moderate",
        "AB-T2-TRANS = 3 strong",
    ]


# --- the project ----------------------------------------------------------------------------


def test_the_demo_project_passes_the_schema_checks(demo):
    archive, _ = open_qdpx(qdpx_of(demo))
    root = check_schema(archive.read("project.qde"), archive)
    assert len(root.findall(f"{P}Sources/{P}TextSource")) == 83
    names = archive.namelist()
    assert names[0] == "project.qde"
    assert all(n.startswith("sources/") for n in names[1:]) and len(names) == 84


def test_each_coders_codings_are_that_users_codings(small_project):
    _, root = open_qdpx(qdpx_of(small_project))
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{P}User")}
    assert sorted(users.values()) == ["carl", "cleo", "consensus"]
    codes = {c.get("guid"): c.get("name") for c in root.iter(f"{P}Code")}
    e1 = next(s for s in root.iter(f"{P}TextSource") if s.get("name") == "E1")
    codings = sorted(
        (users[c.get("creatingUser")], codes[c.find(f"{P}CodeRef").get("targetGUID")])
        for c in e1.iter(f"{P}Coding")
    )
    assert codings == [
        ("carl", "AB-T2-TRANS = 2 moderate"),
        ("carl", "D-RESP = 1 weak"),
        ("cleo", "AB-T2-TRANS = 3 strong"),
        ("consensus", "AB-T2-TRANS = 2 moderate"),
    ]


def test_a_coders_note_is_a_note_of_that_coding(small_project):
    _, root = open_qdpx(qdpx_of(small_project))
    notes = {n.get("guid"): n for n in root.iter(f"{P}Note")}
    (note,) = notes.values()
    assert note.findtext(f"{P}PlainTextContent") == "only elites"
    referring = [c for c in root.iter(f"{P}Coding") if c.find(f"{P}NoteRef") is not None]
    assert [c.find(f"{P}NoteRef").get("targetGUID") for c in referring] == [note.get("guid")]


def test_each_source_file_holds_the_quote_then_the_citation(small_project):
    archive, root = open_qdpx(qdpx_of(small_project))
    e1 = next(s for s in root.iter(f"{P}TextSource") if s.get("name") == "E1")
    path = e1.get("plainTextPath").removeprefix("internal://")
    text = archive.read(f"sources/{path}").decode("utf-8")
    selection = e1.find(f"{P}PlainTextSelection")
    start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
    assert text[start:end] == "The coal and steel treaty."
    assert "(Doe 2020, 12), footnote 3" in text
    assert "E1 · FRA-DEU P1 · 1951 · agreement" in text
    variables = {
        v.find(f"{P}VariableRef").get("targetGUID"): v.findtext(f"{P}TextValue")
        for v in e1.iter(f"{P}VariableValue")
    }
    names = {v.get("guid"): v.get("name") for v in root.iter(f"{P}Variable")}
    assert {names[g]: value for g, value in variables.items()}["period"] == "P1"


def test_dyads_are_cases_that_refer_to_their_items(small_project):
    _, root = open_qdpx(qdpx_of(small_project))
    (case,) = root.iter(f"{P}Case")
    sources = {s.get("guid"): s.get("name") for s in root.iter(f"{P}TextSource")}
    assert case.get("name") == "FRA-DEU"
    assert sorted(sources[r.get("targetGUID")] for r in case.iter(f"{P}SourceRef")) == [
        "E1",
        "E2",
        "E3",
    ]


def test_a_coders_project_holds_only_their_codings_and_the_consensus(small_project, people):
    Coding.objects.filter(coder=people["cleo"]).update(note="CLEO-PRIVATE-NOTE")
    data = qdpx_of(small_project, "carl")
    archive, root = open_qdpx(data)
    check_schema(archive.read("project.qde"), archive)
    assert sorted(u.get("name") for u in root.iter(f"{P}User")) == ["carl", "consensus"]
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"cleo" not in everything and b"CLEO-PRIVATE-NOTE" not in everything
    codes = {c.get("guid"): c.get("name") for c in root.iter(f"{P}Code")}
    coded = [codes[r.get("targetGUID")] for r in root.iter(f"{P}CodeRef")]
    assert "AB-T2-TRANS = 3 strong" not in coded  # cleo's value, nobody else's
    assert "AB-T3-TRUST = 3 strong" in coded  # carl's own draft


def test_an_observers_project_holds_the_consensus_only(small_project):
    archive, root = open_qdpx(qdpx_of(small_project, "otto"))
    check_schema(archive.read("project.qde"), archive)
    assert [u.get("name") for u in root.iter(f"{P}User")] == ["consensus"]
    assert root.find(f"{P}Notes") is None
    assert b"only elites" not in archive.read("project.qde")


def test_two_exports_are_identical_and_share_the_codebooks_guids(small_project):
    first, second = qdpx_of(small_project), qdpx_of(small_project)
    assert first == second
    out = io.BytesIO()
    write_qdc(out, small_project.codebook)
    qdc_codes = {c.get("guid") for c in etree.fromstring(out.getvalue()).iter(f"{C}Code")}
    _, root = open_qdpx(first)
    assert qdc_codes == {c.get("guid") for c in root.iter(f"{P}Code")}


def test_a_project_without_evidence_is_still_valid(db):
    doc = small_bundle()
    doc["project"]["slug"] = "empty"
    for key in ("evidence", "codings", "consensus"):
        doc[key] = []
    project = import_bundle(doc)
    archive, root = open_qdpx(qdpx_of(project))
    check_schema(archive.read("project.qde"), archive)
    assert root.find(f"{P}Sources") is None and root.find(f"{P}Cases") is None


BREAKAGES = {
    "a malformed GUID": lambda xml, guid: xml.replace(guid, "not-a-guid"),
    "children out of order": lambda xml, guid: xml.replace(
        "<Users>", "<Description>x</Description><Users>", 1
    ),
    "a reference to nothing": lambda xml, guid: re.sub(
        r'creatingUser="[^"]+"', f'creatingUser="{"0" * 8}-0000-0000-0000-{"0" * 12}"', xml, count=1
    ),
    "an unknown element": lambda xml, guid: xml.replace("<Users>", "<Users><Stray/>", 1),
    "a missing required attribute": lambda xml, guid: xml.replace(' isCodable="true"', "", 1),
    "a duplicate GUID": lambda xml, guid: xml.replace(
        "</Users>", f'<User guid="{guid}" name="twin"/></Users>', 1
    ),
}


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_the_schema_checks_catch_what_they_claim_to(small_project, breakage):
    """The checks themselves, tried on a broken copy of a valid document."""
    archive, _ = open_qdpx(qdpx_of(small_project))
    xml = archive.read("project.qde").decode()
    guid = re.search(r'<User guid="([^"]+)"', xml).group(1)
    broken = BREAKAGES[breakage](xml, guid)
    assert broken != xml
    with pytest.raises(Exception):  # noqa: B017 (any rejection will do)
        check_schema(broken.encode(), archive)
