"""REFI-QDA exchange files: a ``.qdc`` codebook and a ``.qdpx`` project (QDA-XML 1.0, 2019).

The mapping (docs/exports.md):

- codes: framework → group → criterion (not codable) → one codable code per scale value,
  "AB-T3-TRUST = 2 moderate". QDA-XML codings carry no value, so the value is the code;
- sources: each evidence item is a text source, ``sources/<guid>.txt`` holding the verbatim
  quote, then the citation with its page, the footnote, the item's place and its summary;
  one selection spans the quote, and every coding of the item is a coding of that selection;
- users: each coder whose codings the viewer may export, plus a user named "consensus" whose
  codings are the settled consensus; a coder's note is a project note referenced by the coding;
- cases: one per dyad, referring to its items; variables: dyad, period, date, evidence type,
  source key and locator of each item;
- documents: each source's document is a source of its own, a ``PDFSource`` (the PDF as
  uploaded, ``sources/<guid>.pdf``, with its extracted text as the representation) or a
  ``TextSource`` (HTML, text, Markdown: the extracted text, ``sources/<guid>.txt``); each item
  taken from it as a passage is a ``PDFSelection`` (page and rectangle,
  ``cases.documents.pdf_boxes``) or a ``PlainTextSelection`` (the passage's offsets in that
  text) there, coded with the item's consensus, so QDA software opens the coded passages in
  place. The item keeps its own text source as well.

GUIDs are UUID 5 values of the project slug (or the codebook's name and version, for codes) and
the object's key, so two exports of unchanged data are byte-identical and the codes of a
``.qdc`` match those of the project exported with it.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterator
from types import SimpleNamespace
from typing import BinaryIO, TextIO
from xml.sax.saxutils import escape, quoteattr

from django.db.models import OuterRef, Subquery

from cases.documents.carried import CarriedDocument, placed_passages, project_documents
from cases.documents.pdf_boxes import passage_boxes
from cases.exports.archive import Archive
from cases.exports.csv_exports import scope_of
from cases.exports.scope import Codings, ExportScope
from cases.exports.tables import BATCH, CHUNK, Citations, batched, criteria_of
from cases.models import Assignment, Codebook, Coding, Evidence, Project, codebook_order
from cases.review.consensus import consensus_for

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
SCHEMA = "http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd"
ORIGIN = "sccoder"
CONSENSUS_USER = "consensus"
GUID_ROOT = uuid.uuid5(uuid.NAMESPACE_URL, "https://sccoder.invalid/refi-qda")
VARIABLES = ("dyad", "period", "date", "evidence type", "source", "locator")

# Characters XML 1.0 cannot carry at all (most C0 controls); they are dropped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def guid(*parts: object) -> str:
    return str(uuid.uuid5(GUID_ROOT, "\x1f".join(str(p) for p in parts)))


def text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def attr(value: object) -> str:
    return quoteattr(_NOT_XML.sub("", str(value)))


def codebook_seed(codebook: Codebook) -> str:
    return f"codebook:{codebook.name}:{codebook.version}"


# --- codes (shared by .qdc and .qdpx) ----------------------------------------------------------


def code_guid(codebook: Codebook, code: str, value: int) -> str:
    return guid(codebook_seed(codebook), "value", code, value)


def _codes_xml(
    codebook: Codebook, indent: str, *, criteria=None, scale=None, seed: str | None = None
) -> Iterator[str]:
    """The codes of the codebook as it stands, or of given ``criteria`` (objects with the
    criterion's fields), ``scale`` ((value, label) pairs) and ``seed`` (a published version)."""
    seed = seed or codebook_seed(codebook)
    if scale is None:
        scale = list(codebook.scale.order_by("value").values_list("value", "label"))
    if criteria is None:
        criteria = list(codebook.criteria.in_codebook_order())
    by_framework: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for c in criteria:  # dicts keep the codebook's first-seen order
        by_framework[c.framework][c.group].append(c)
    yield f"{indent}<Codes>\n"
    for framework, groups in by_framework.items():
        i1 = indent + "  "
        yield (
            f"{i1}<Code guid={attr(guid(seed, 'framework', framework))} "
            f'name={attr(framework)} isCodable="false">\n'
        )
        for group, members in groups.items():
            i2 = i1 + "  "
            yield (
                f"{i2}<Code guid={attr(guid(seed, 'group', framework, group))} "
                f'name={attr(group)} isCodable="false">\n'
            )
            for c in members:
                yield from _criterion_xml(seed, c, scale, i2 + "  ")
            yield f"{i2}</Code>\n"
        yield f"{i1}</Code>\n"
    yield f"{indent}</Codes>\n"


def _criterion_xml(seed: str, c, scale, indent: str) -> Iterator[str]:
    description = c.definition.strip()
    if c.indicators:
        description += "\n\nIndicators:\n" + "\n".join(f"- {i}" for i in c.indicators)
    yield (
        f"{indent}<Code guid={attr(guid(seed, 'criterion', c.code))} "
        f'name={attr(f"{c.code} {c.name}")} isCodable="false">\n'
    )
    yield f"{indent}  <Description>{text(description)}</Description>\n"
    for value, label in scale:
        yield (
            f"{indent}  <Code guid={attr(guid(seed, 'value', c.code, value))} "
            f'name={attr(f"{c.code} = {value} {label}")} isCodable="true">'
            f"<Description>{text(f'{c.name}: {value} ({label})')}</Description></Code>\n"
        )
    yield f"{indent}</Code>\n"


def write_qdc(out: BinaryIO, codebook: Codebook) -> None:
    """The codebook as a REFI-QDA codebook file (``.qdc``, UTF-8 XML)."""
    out.write(b'<?xml version="1.0" encoding="utf-8"?>\n')
    out.write(f'<CodeBook xmlns="{CODEBOOK_NS}" origin="{ORIGIN}">\n'.encode())
    for chunk in _codes_xml(codebook, "  "):
        out.write(chunk.encode("utf-8"))
    out.write(b"</CodeBook>\n")


def write_version_qdc(out: BinaryIO, version) -> None:
    """One published codebook version (a ``CodebookVersion``) as a ``.qdc``: its current
    criteria and scale as they were published. The codes' GUIDs are those the project's own
    ``.qdc`` and ``.qdpx`` give the same version's codes."""
    criteria = [
        SimpleNamespace(**entry)
        for entry in version.snapshot["criteria"]
        if not entry.get("retired")
    ]
    scale = [(point["value"], point["label"]) for point in version.snapshot["scale"]]
    seed = f"codebook:{version.codebook.name}:{version.number}"
    out.write(b'<?xml version="1.0" encoding="utf-8"?>\n')
    out.write(f'<CodeBook xmlns="{CODEBOOK_NS}" origin="{ORIGIN}">\n'.encode())
    for chunk in _codes_xml(version.codebook, "  ", criteria=criteria, scale=scale, seed=seed):
        out.write(chunk.encode("utf-8"))
    out.write(b"</CodeBook>\n")


# --- the project -------------------------------------------------------------------------------


class _Project:
    def __init__(self, project: Project, scope: ExportScope):
        self.project = project
        self.scope = scope
        self.seed = f"project:{project.slug}"
        self.codebook = project.codebook
        self.documents = project_documents(project)
        self.passages = placed_passages(project, self.documents) if self.documents else {}
        self.passage_codes: dict[int, list[tuple[str, int]]] = {}  # the item's settled codes
        self.pdf_files: dict[str, bytes] = {}  # the sha256 of a PDF carried → its bytes

    def guid(self, *parts: object) -> str:
        return guid(self.seed, *parts)

    def user_guid(self, username: str | None) -> str:
        """``None`` is the consensus user (so a coder named "consensus" stays apart)."""
        return self.guid("consensus") if username is None else self.guid("user", username)

    def items(self):
        return (
            Evidence.objects.filter(project=self.project)
            .order_by("dyad__code", "date_start", "key")
            .values_list(
                "pk",
                "key",
                "dyad__code",
                "period__code",
                "date",
                "evidence_type",
                "source__key",
                "locator",
                "footnote",
                "quote",
                "summary",
                "via_source__key",
                "via_locator",
            )
        )

    def codings(self):
        """The codings the scope allows, as the codings CSV has them."""
        assignment = Assignment.objects.filter(
            evidence_id=OuterRef("evidence_id"), coder_id=OuterRef("coder_id")
        )
        codings = Coding.objects.filter(evidence__project=self.project).annotate(
            assignment_status=Subquery(assignment.values("status")[:1])
        )
        if self.scope.codings is Codings.OWN:
            return codings.filter(coder_id=self.scope.user_id)
        if self.scope.codings is Codings.NONE:
            return codings.none()
        return codings.filter(assignment_status=Assignment.Status.SUBMITTED)

    # -- the sources/ folder --

    def source_texts(self) -> Iterator[tuple[str, str]]:
        """(file name, text) per item; the quote comes first, so the selection is [0, len)."""
        citations = Citations(self.project)
        for batch in batched(self.items().iterator(chunk_size=CHUNK), BATCH):
            cited = citations.for_items((r[6], r[7], r[11] or "", r[12]) for r in batch)
            for (
                _,
                key,
                dyad,
                period,
                date,
                kind,
                source,
                locator,
                footnote,
                quote,
                summary,
                via,
                via_locator,
            ) in batch:
                lines = [quote, "", cited[(source, locator, via or "", via_locator)]]
                if footnote:
                    lines[-1] += f", footnote {footnote}"
                lines.append(f"{key} · {dyad} {period} · {date} · {kind.replace('_', ' ')}")
                if summary:
                    lines += ["", summary]
                yield f"{self.guid('source', key)}.txt", _NOT_XML.sub("", "\n".join(lines)) + "\n"

    # -- project.qde --

    def write_qde(self, out: TextIO) -> None:
        p = self.project
        out.write('<?xml version="1.0" encoding="utf-8"?>\n')
        out.write(
            f'<Project xmlns="{PROJECT_NS}" '
            f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xsi:schemaLocation="{PROJECT_NS} {SCHEMA}" '
            f"name={attr(p.name)} origin={attr(ORIGIN)}>\n"
        )
        self._users(out)
        out.write("  <CodeBook>\n")
        out.writelines(_codes_xml(self.codebook, "    "))
        out.write("  </CodeBook>\n")
        self._variables(out)
        self._cases(out)
        self._sources(out)
        self._notes(out)
        out.write(f"  <Description>{text(p.description or p.name)}</Description>\n")
        out.write("</Project>\n")

    def _users(self, out: TextIO) -> None:
        coders = (
            self.codings()
            .order_by("coder__username")
            .values_list("coder__username", flat=True)
            .distinct()
        )
        out.write("  <Users>\n")
        for name in coders:
            out.write(
                f"    <User guid={attr(self.user_guid(name))} name={attr(name)} id={attr(name)}/>\n"
            )
        out.write(
            f"    <User guid={attr(self.user_guid(None))} name={attr(CONSENSUS_USER)} "
            f"id={attr(CONSENSUS_USER)}/>\n"
        )
        out.write("  </Users>\n")

    def _variables(self, out: TextIO) -> None:
        out.write("  <Variables>\n")
        for name in VARIABLES:
            out.write(
                f"    <Variable guid={attr(self.guid('variable', name))} name={attr(name)} "
                'typeOfVariable="Text"/>\n'
            )
        out.write("  </Variables>\n")

    def _cases(self, out: TextIO) -> None:
        rows = (
            Evidence.objects.filter(project=self.project)
            .order_by("dyad__code", "date_start", "key")
            .values_list("dyad__code", "dyad__name", "key")
        )
        current = None
        for dyad, name, key in rows.iterator(chunk_size=CHUNK):
            if dyad != current:
                out.write("    </Case>\n" if current is not None else "  <Cases>\n")
                current = dyad
                out.write(f"    <Case guid={attr(self.guid('case', dyad))} name={attr(dyad)}>\n")
                out.write(f"      <Description>{text(name)}</Description>\n")
            out.write(f"      <SourceRef targetGUID={attr(self.guid('source', key))}/>\n")
        if current is not None:  # the schema wants at least one case inside <Cases>
            out.write("    </Case>\n  </Cases>\n")

    def _sources(self, out: TextIO) -> None:
        criteria = criteria_of(self.codebook.pk)
        started = False
        for batch in batched(self.items().iterator(chunk_size=CHUNK), BATCH):
            ids = [r[0] for r in batch]
            codings = defaultdict(list)
            for item_id, code, coder, value, note in (
                self.codings()
                .filter(evidence_id__in=ids)
                .order_by("coder__username", *codebook_order(via="criterion__"))
                .values_list("evidence_id", "criterion__code", "coder__username", "value", "note")
            ):
                codings[item_id].append((code, coder, value, bool(note)))
            consensus = consensus_for(ids, hidden=self.scope.visibility.hidden)
            if not started:  # the schema wants at least one source inside <Sources>
                out.write("  <Sources>\n")
                started = True
            for row in batch:
                agreed = consensus[row[0]]
                settled = {} if agreed.awaits_adjudication else agreed.values
                order = sorted(
                    settled, key=lambda c: (criteria[c].order if c in criteria else 0, c)
                )
                agreed_codings = [(c, None, settled[c], False) for c in order]
                out.writelines(self._source(row, codings[row[0]] + agreed_codings))
                if row[0] in self.passages:
                    self.passage_codes[row[0]] = [(c, settled[c]) for c in order]
        if self.documents and not started:
            out.write("  <Sources>\n")
            started = True
        # Text sources before PDF sources, as the schema lists them.
        documents = sorted(self.documents.values(), key=lambda d: (self._is_pdf(d), d.source_key))
        for document in documents:
            out.writelines(self._document_source(document))
        if started:
            out.write("  </Sources>\n")

    # -- documents and the passages taken from them --

    def _is_pdf(self, document: CarriedDocument) -> bool:
        """A PDF whose file the storage still has; otherwise its text is carried."""
        if document.kind != "pdf":
            return False
        if document.sha256 not in self.pdf_files:
            try:
                self.pdf_files[document.sha256] = document.read()
            except OSError:
                self.pdf_files[document.sha256] = b""
        return bool(self.pdf_files[document.sha256])

    def document_guid(self, document: CarriedDocument) -> str:
        return self.guid("document", document.source_key)

    def document_texts(self) -> Iterator[tuple[str, str]]:
        """(file name, text) per document: the whole text the passages' offsets count in."""
        for document in self.documents.values():
            name = self.guid("document-text", document.source_key)
            yield f"{name}.txt", document.text

    def document_files(self) -> Iterator[tuple[str, bytes]]:
        for document in self.documents.values():
            if self._is_pdf(document):
                yield f"{self.document_guid(document)}.pdf", self.pdf_files[document.sha256]

    def _passage_codings(self, passage, indent: str) -> Iterator[str]:
        for code, value in self.passage_codes.get(passage.evidence_id, []):
            coding = self.guid("passage-coding", passage.evidence_key, code)
            yield (
                f"{indent}<Coding guid={attr(coding)} "
                f"creatingUser={attr(self.user_guid(None))}>"
                f"<CodeRef targetGUID={attr(code_guid(self.codebook, code, value))}/></Coding>\n"
            )

    def _passage_description(self, passage) -> str:
        page = f", p. {passage.page_label}" if passage.page_label else ""
        where = f"{passage.evidence_key} ({passage.document.source_key}{page})"
        return f"<Description>{text(where)}</Description>"

    def _document_source(self, document: CarriedDocument) -> Iterator[str]:
        passages = [p for p in self.passages.values() if p.document is document]
        passages.sort(key=lambda p: (p.start, p.evidence_key))
        source_guid = self.document_guid(document)
        text_path = f"internal://{self.guid('document-text', document.source_key)}.txt"
        description = f"      <Description>{text(document.filename)}</Description>\n"
        if not self._is_pdf(document):
            yield (
                f"    <TextSource guid={attr(source_guid)} name={attr(document.source_key)} "
                f"plainTextPath={attr(text_path)}>\n"
            )
            yield description
            for passage in passages:
                selection = self.guid("passage", passage.evidence_key)
                yield (
                    f"      <PlainTextSelection guid={attr(selection)} "
                    f"name={attr(f'{passage.evidence_key} passage')} "
                    f'startPosition="{passage.start}" endPosition="{passage.end}">'
                    f"{self._passage_description(passage)}\n"
                )
                yield from self._passage_codings(passage, "        ")
                yield "      </PlainTextSelection>\n"
            yield "    </TextSource>\n"
            return
        boxes = passage_boxes(
            self.pdf_files[document.sha256],
            [(p.page_index, p.page_start, p.page_start + len(p.exact), p.exact) for p in passages],
        )
        yield (
            f"    <PDFSource guid={attr(source_guid)} name={attr(document.source_key)} "
            f'path="internal://{source_guid}.pdf">\n'
        )
        yield description
        for passage, box in zip(passages, boxes, strict=True):
            yield (
                f"      <PDFSelection guid={attr(self.guid('passage', passage.evidence_key))} "
                f'name={attr(f"{passage.evidence_key} passage")} page="{passage.page_index}" '
                f'firstX="{box.first_x}" firstY="{box.first_y}" '
                f'secondX="{box.second_x}" secondY="{box.second_y}">'
                f"{self._passage_description(passage)}\n"
            )
            yield from self._passage_codings(passage, "        ")
            yield "      </PDFSelection>\n"
        yield (
            f"      <Representation guid={attr(self.guid('representation', document.source_key))} "
            f"plainTextPath={attr(text_path)}/>\n"
        )
        yield "    </PDFSource>\n"

    def _source(self, row, codings: list[tuple[str, str | None, int, bool]]) -> Iterator[str]:
        _, key, dyad, period, date, kind, source, locator, _, quote, summary = row[:11]
        source_guid = self.guid("source", key)
        yield (
            f"    <TextSource guid={attr(source_guid)} name={attr(key)} "
            f'plainTextPath="internal://{source_guid}.txt">\n'
        )
        if summary:
            yield f"      <Description>{text(summary)}</Description>\n"
        length = len(_NOT_XML.sub("", quote))
        yield (
            f"      <PlainTextSelection guid={attr(self.guid('selection', key))} "
            f'name={attr(f"{key} quote")} startPosition="0" endPosition="{length}">\n'
        )
        for code, coder, value, has_note in codings:
            yield (
                f"        <Coding guid={attr(self.guid('coding', key, coder or '', code))} "
                f"creatingUser={attr(self.user_guid(coder))}>"
                f"<CodeRef targetGUID={attr(code_guid(self.codebook, code, value))}/>"
            )
            if has_note:
                yield f"<NoteRef targetGUID={attr(self.guid('note', key, coder, code))}/>"
            yield "</Coding>\n"
        yield "      </PlainTextSelection>\n"
        values = (dyad, period, date, kind, source, locator)
        for name, value in zip(VARIABLES, values, strict=True):
            if value:
                yield (
                    "      <VariableValue>"
                    f"<VariableRef targetGUID={attr(self.guid('variable', name))}/>"
                    f"<TextValue>{text(value)}</TextValue></VariableValue>\n"
                )
        yield "    </TextSource>\n"

    def _notes(self, out: TextIO) -> None:
        notes = (
            self.codings()
            .exclude(note="")
            .order_by("evidence__key", "coder__username", "criterion__code")
            .values_list("evidence__key", "coder__username", "criterion__code", "note")
        )
        started = False
        for key, coder, code, note in notes.iterator(chunk_size=CHUNK):
            if not started:
                out.write("  <Notes>\n")
                started = True
            out.write(
                f"    <Note guid={attr(self.guid('note', key, coder, code))} "
                f"name={attr(f'{coder} on {key} {code}')} "
                f"creatingUser={attr(self.user_guid(coder))}>"
                f"<PlainTextContent>{text(note)}</PlainTextContent></Note>\n"
            )
        if started:
            out.write("  </Notes>\n")


def write_qdpx(out: BinaryIO | str, project: Project, *, viewer) -> None:
    """The project as a ``.qdpx`` archive: ``project.qde`` and ``sources/<guid>.txt`` (one per
    item, then one per document, the text its passages' offsets count in), ``sources/<guid>.pdf``
    (each PDF document).

    Codings are filtered as the codings CSV is: every coder's (admins, reviewers), the viewer's
    own (coders), none (observers); the consensus is there for everyone.
    """
    exporter = _Project(project, scope_of(viewer))
    with Archive(out) as archive:
        with archive.text_entry("project.qde") as qde:
            exporter.write_qde(qde)
        for name, content in exporter.source_texts():
            archive.write_text(f"sources/{name}", content)
        for name, content in exporter.document_texts():
            archive.write_text(f"sources/{name}", content)
        for name, data in exporter.document_files():
            archive.write_bytes(f"sources/{name}", data)
