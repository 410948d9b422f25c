"""The codings CSV straight from PostgreSQL: ``COPY (SELECT …) TO STDOUT``.

The same bytes as ``csv_chunks(codings_table(…))`` (cases.exports.csv_exports), several times
faster and in flat memory: the database joins, orders, formats and quotes the rows, and the
application passes its chunks on. Only the citations are Python's (citeproc): they are formatted
first, once per distinct citation as the row writer does, and joined in by the query.

Where the two writers could differ, the row writer is used instead: on SQLite, and when a note
of the export holds a carriage return (Python's csv module leaves such a cell unquoted,
PostgreSQL quotes it).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator

from django.db import connection

from cases.exports.item_tables import CODING_COLUMNS
from cases.exports.scope import Codings, ExportScope
from cases.exports.tables import Citations
from cases.models import Coding, Evidence, Project

CHUNK_BYTES = 64 * 1024

# Stands for a missing key part in the citations' join (a NULL never equals another).
MISSING = "\x01"

# csv_exports.defused in SQL: a text cell a spreadsheet would run as a formula gets a leading
# "'", unless it is a plain number.
DEFUSE = (
    "CASE WHEN {c} ~ '^[-=+@\\t\\r]' "
    "AND {c} !~ '^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?$' "
    "THEN '''' || {c} ELSE {c} END"
)

# (expression, is free text that may need defusing), in CODING_COLUMNS order.
SELECT = (
    ("%(slug)s::text", True),
    ("d.code", True),
    ("p.code", True),
    ("e.key", True),
    ("e.date", True),
    ("to_char(e.date_start, 'YYYY-MM-DD')", False),
    ("to_char(e.date_end, 'YYYY-MM-DD')", False),
    ("e.evidence_type", True),
    ("s.key", True),
    ("cites.citation", True),
    ("e.locator", True),
    ("cr.code", True),
    ("cr.framework", True),
    ('cr."group"', True),
    ("u.username", True),
    ("cd.value", False),
    ("cd.note", True),
    ("CASE WHEN a.status = 'submitted' THEN 'submitted' ELSE 'draft' END", False),
    (
        "to_char(a.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
        False,
    ),
    ("vs.key", True),
    ("e.via_locator", True),
)
assert len(SELECT) == len(CODING_COLUMNS)

QUERY = """
WITH cites (source_key, locator, via_key, via_locator, citation) AS (
    SELECT * FROM unnest(
        %(c_source)s::text[], %(c_locator)s::text[], %(c_via)s::text[],
        %(c_via_locator)s::text[], %(c_text)s::text[]
    )
)
SELECT {columns}
FROM cases_evidence e
JOIN cases_dyad d ON d.id = e.dyad_id
LEFT JOIN cases_period p ON p.id = e.period_id
JOIN cases_source s ON s.id = e.source_id
LEFT JOIN cases_source vs ON vs.id = e.via_source_id
LEFT JOIN cites ON cites.source_key = s.key
    AND cites.locator = COALESCE(e.locator, %(missing)s)
    AND cites.via_key = COALESCE(vs.key, '')
    AND cites.via_locator = COALESCE(e.via_locator, %(missing)s)
JOIN cases_coding cd ON cd.evidence_id = e.id
JOIN cases_criterion cr ON cr.id = cd.criterion_id
JOIN auth_user u ON u.id = cd.coder_id
LEFT JOIN cases_assignment a ON a.evidence_id = e.id AND a.coder_id = cd.coder_id
WHERE e.project_id = %(project)s AND {scope}
ORDER BY d.code, e.date_start, e.key, cr."order", cr.code, u.username
"""


def copy_applies(project: Project, scope: ExportScope) -> bool:
    """True when the COPY writer gives the row writer's bytes for this export."""
    if connection.vendor != "postgresql":
        return False
    codings = Coding.objects.filter(evidence__project=project, note__contains="\r")
    if scope.codings is Codings.OWN:
        codings = codings.filter(coder_id=scope.user_id)
    return not codings.exists()


def codings_copy_chunks(
    project: Project, scope: ExportScope, *, raw: bool = False
) -> Iterator[str]:
    """The codings CSV (header included) in the chunks PostgreSQL sends; ``copy_applies``
    says when it may be used."""
    yield ",".join(CODING_COLUMNS) + "\n"  # no header cell needs quoting or defusing
    columns = ", ".join(_cell(expression, text, raw) for expression, text in SELECT)
    params = {"slug": project.slug, "project": project.pk, "missing": MISSING, **_cites(project)}
    if scope.codings is Codings.OWN:
        where = "cd.coder_id = %(coder)s"
        params["coder"] = scope.user_id
    else:  # admins and reviewers: submitted items only
        where = "a.status = 'submitted'"
    query = QUERY.format(columns=columns, scope=where)
    decoder = codecs.getincrementaldecoder("utf-8")()
    pending: list[bytes] = []
    size = 0
    statement = f"COPY ({query}) TO STDOUT WITH (FORMAT csv)"
    # psycopg's own cursor: Django's wrapper takes no parameters for a COPY.
    with connection.cursor() as wrapper, wrapper.cursor.copy(statement, params) as copy:
        # PostgreSQL sends a row at a time: pass them on in chunks of about CHUNK_BYTES.
        for data in copy:
            pending.append(bytes(data))
            size += len(data)
            if size >= CHUNK_BYTES:
                yield decoder.decode(b"".join(pending))
                pending, size = [], 0
    yield decoder.decode(b"".join(pending), final=True)


def _cell(expression: str, text: bool, raw: bool) -> str:
    """A column's SQL: an empty text is no value, as in the row writer (PostgreSQL would quote
    an empty string), and text is defused unless ``raw``."""
    if not text:
        return expression
    expression = f"NULLIF({expression}, '')"
    return expression if raw else DEFUSE.format(c=expression)


def _cites(project: Project) -> dict[str, list[str]]:
    """Every distinct citation of the project's items, formatted as the row writer does, as
    the query's five arrays."""
    keys = list(
        Evidence.objects.filter(project=project)
        .order_by()
        .values_list("source__key", "locator", "via_source__key", "via_locator")
        .distinct()
    )
    cited = Citations(project).for_items((s, loc, via or "", vloc) for s, loc, via, vloc in keys)
    arrays: dict[str, list[str]] = {
        "c_source": [],
        "c_locator": [],
        "c_via": [],
        "c_via_locator": [],
        "c_text": [],
    }
    for (source, locator, via, via_locator), text in cited.items():
        arrays["c_source"].append(source)
        arrays["c_locator"].append(MISSING if locator is None else locator)
        arrays["c_via"].append(via)
        arrays["c_via_locator"].append(MISSING if via_locator is None else via_locator)
        arrays["c_text"].append(text)
    return arrays
