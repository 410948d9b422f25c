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

from django.db import connection, transaction

from cases.exports.item_tables import CODING_COLUMNS
from cases.exports.scope import Codings, ExportScope
from cases.exports.tables import Citations
from cases.models import Coding, Evidence, Project

CHUNK_BYTES = 64 * 1024

# Stands for a missing key part in the citations' join (a NULL never equals another).
MISSING = "\x01"

# csv_exports.defused in SQL: a text cell a spreadsheet would run as a formula gets a leading
# "'", unless it is a plain number. The first character is compared before any pattern is
# matched: most cells start with none of them.
DEFUSE = (
    "CASE WHEN left({c}, 1) IN ('-', '=', '+', '@', E'\\t', E'\\r') "
    "AND {c} !~ '^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?$' "
    "THEN '''' || {c} ELSE {c} END"
)

# (expression, is free text that may need defusing, the row it belongs to), in CODING_COLUMNS
# order. An item's, a criterion's and a coder's cells are formatted once each (the ``ev``,
# ``crit`` and ``usr`` parts of the query), not once per coding.
SELECT = (
    ("%(slug)s::text", True, "ev"),
    ("d.code", True, "ev"),
    ("p.code", True, "ev"),
    ("e.key", True, "ev"),
    ("e.date", True, "ev"),
    ("to_char(e.date_start, 'YYYY-MM-DD')", False, "ev"),
    ("to_char(e.date_end, 'YYYY-MM-DD')", False, "ev"),
    ("e.evidence_type", True, "ev"),
    ("s.key", True, "ev"),
    ("cites.citation", True, "ev"),
    ("e.locator", True, "ev"),
    ("cr.code", True, "crit"),
    ("cr.framework", True, "crit"),
    ('cr."group"', True, "crit"),
    ("u.username", True, "usr"),
    ("cd.value", False, ""),
    ("cd.note", True, ""),
    ("CASE WHEN a.status = 'submitted' THEN 'submitted' ELSE 'draft' END", False, ""),
    (
        "to_char(a.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
        False,
        "",
    ),
    ("vs.key", True, "ev"),
    ("e.via_locator", True, "ev"),
)
assert len(SELECT) == len(CODING_COLUMNS)

# The rows come in the row writer's order: dyad code, start date, key, criterion order and
# code, coder's name. Each of the three parts is numbered once in that order (the criteria and
# coders of the whole table: numbering a superset keeps the relative order), so sorting the
# codings compares three integers instead of six texts.
#
# Only the narrow coding rows (their ranks first, then their own, criterion and coder cells)
# are sorted; the items' wide cells (citation, locators…) join them afterwards on the item's
# rank. Sorted by that rank on both sides, the join can be a merge join, which keeps the order
# the final ORDER BY asks for: PostgreSQL then needs no sort of the full rows (84 MB for
# 293,000 codings of a 25,000-item project, over a third of the query's time) and sends rows
# as soon as the merge starts. Whatever plan it picks, the ORDER BY decides the order.
QUERY = """
WITH cites (source_key, locator, via_key, via_locator, citation) AS (
    SELECT * FROM unnest(
        %(c_source)s::text[], %(c_locator)s::text[], %(c_via)s::text[],
        %(c_via_locator)s::text[], %(c_text)s::text[]
    )
), ev AS MATERIALIZED (
    SELECT e.id, row_number() OVER (ORDER BY d.code, e.date_start, e.key) AS rank, {ev}
    FROM cases_evidence e
    JOIN cases_dyad d ON d.id = e.dyad_id
    LEFT JOIN cases_period p ON p.id = e.period_id
    JOIN cases_source s ON s.id = e.source_id
    LEFT JOIN cases_source vs ON vs.id = e.via_source_id
    LEFT JOIN cites ON cites.source_key = s.key
        AND cites.locator = COALESCE(e.locator, %(missing)s)
        AND cites.via_key = COALESCE(vs.key, '')
        AND cites.via_locator = COALESCE(e.via_locator, %(missing)s)
    WHERE e.project_id = %(project)s
), crit AS MATERIALIZED (
    SELECT cr.id, row_number() OVER (ORDER BY cr."order", cr.code) AS rank, {crit}
    FROM cases_criterion cr
), usr AS MATERIALIZED (
    SELECT u.id, row_number() OVER (ORDER BY u.username) AS rank, {usr}
    FROM auth_user u
)
SELECT {columns}
FROM (
    SELECT item.rank AS item_rank, crit.rank AS crit_rank, usr.rank AS usr_rank, {coding}
    FROM cases_coding cd
    JOIN ev item ON item.id = cd.evidence_id
    JOIN crit ON crit.id = cd.criterion_id
    JOIN usr ON usr.id = cd.coder_id
    LEFT JOIN cases_assignment a ON a.evidence_id = cd.evidence_id AND a.coder_id = cd.coder_id
    WHERE {scope}
    ORDER BY 1, 2, 3
) coded
JOIN ev ON ev.rank = coded.item_rank
ORDER BY coded.item_rank, coded.crit_rank, coded.usr_rank
"""

# For this statement only: memory for the sort of the codings (with PostgreSQL's default 4 MB
# the 55 MB of a 25,000-item project's 293,000 codings spill to disk, which takes twice as
# long), and no JIT compilation: the plan's estimated cost (259,000 for that project) passes
# jit_above_cost, and compiling costs more than it saves on a query run once (a variant of
# this query spent 1.7 s compiling with inlining and optimisation).
SETTINGS = "SELECT set_config('work_mem', '128MB', true), set_config('jit', 'off', true)"


def codings_query(*, raw: bool, scope: str) -> str:
    """The SELECT of the codings CSV's rows, ``scope`` its condition on codings (``cd``, ``a``)."""
    parts: dict[str, list[str]] = {"ev": [], "crit": [], "usr": [], "coding": []}
    columns = []
    for n, (expression, text, part) in enumerate(SELECT):
        cell = _cell(expression, text, raw)
        if part:
            parts[part].append(f"{cell} AS c{n}")
        if part != "ev":  # carried by the sorted codings
            parts["coding"].append(f"{part}.c{n} AS c{n}" if part else f"{cell} AS c{n}")
        columns.append(f"ev.c{n}" if part == "ev" else f"coded.c{n}")
    return QUERY.format(
        columns=", ".join(columns), scope=scope, **{k: ", ".join(v) for k, v in parts.items()}
    )


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
    params = {"slug": project.slug, "project": project.pk, "missing": MISSING, **_cites(project)}
    if scope.codings is Codings.OWN:
        where = "cd.coder_id = %(coder)s"
        params["coder"] = scope.user_id
    else:  # admins and reviewers: submitted items only
        where = "a.status = 'submitted'"
    query = codings_query(raw=raw, scope=where)
    decoder = codecs.getincrementaldecoder("utf-8")()
    pending: list[bytes] = []
    size = 0
    statement = f"COPY ({query}) TO STDOUT WITH (FORMAT csv)"
    # psycopg's own cursor: Django's wrapper takes no parameters for a COPY. The settings are
    # for this transaction only (a savepoint inside the caller's, if any).
    with transaction.atomic(), connection.cursor() as wrapper:
        wrapper.execute(SETTINGS)
        with wrapper.cursor.copy(statement, params) as copy:
            # PostgreSQL sends a row at a time: pass them on in chunks of about CHUNK_BYTES.
            for data in copy:
                pending.append(data)
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
