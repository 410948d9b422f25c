"""Read reliability data from the CSV format of the ``agreement`` command (a contract).

Format: a header ``unit,<coder>,<coder>,...``, then one row per unit; an empty cell is a
missing value. PURE (standard library only): the command, imports and tests share it.

Every problem raises ``ReliabilityCSVError`` (a ``ValueError``) whose message starts with the
line it is on, so a researcher can open the file at that line and fix it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from cases.review.agreement.encoding import display_category, parse_number

NUMERIC_LEVELS = ("interval", "ratio")


class ReliabilityCSVError(ValueError):
    """A malformed reliability CSV; ``line`` is the 1-based line the problem is on."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}")


@dataclass(frozen=True)
class ReliabilityTable:
    """The parsed file: ``values`` is coders x units (as the engine wants), None = missing."""

    coders: tuple[str, ...]
    units: tuple[str, ...]
    values: list[list[str | None]]


@dataclass(frozen=True)
class _Cell:
    line: int
    coder: str
    text: str


def read_reliability_csv(
    path: str | Path, *, level: str = "nominal", categories: Sequence[str] | None = None
) -> ReliabilityTable:
    """Parse the file at ``path`` (bytes are read so the encoding check can name the line)."""
    return parse_reliability_csv(Path(path).read_bytes(), level=level, categories=categories)


def parse_reliability_csv(
    content: bytes | str, *, level: str = "nominal", categories: Sequence[str] | None = None
) -> ReliabilityTable:
    """Parse reliability CSV text; ``level`` and ``categories`` enable the value checks."""
    text = _decode(content) if isinstance(content, bytes) else content
    if not text.strip():
        raise ReliabilityCSVError(1, "the file is empty")
    records = _records(text)
    header_line, header = next(records)
    coders = _coders(header_line, header)
    units: list[str] = []
    columns: list[list[str | None]] = [[] for _ in coders]
    cells: list[_Cell] = []
    first_line: dict[str, int] = {}
    for line, row in records:
        units.append(_unit(line, row, coders, first_line))
        for coder, column, raw in zip(coders, columns, row[1:], strict=True):
            value = raw.strip() or None
            column.append(value)
            if value is not None:
                cells.append(_Cell(line, coder, value))
    if not units:
        raise ReliabilityCSVError(header_line + 1, "no units: the header is not followed by rows")
    _check_values(cells, level, categories)
    return ReliabilityTable(coders=coders, units=tuple(units), values=columns)


def parse_categories(text: str) -> list[str]:
    """Split the ``--categories a,b,c`` option, refusing empty or repeated entries."""
    categories = [part.strip() for part in text.split(",")]
    if any(not category for category in categories):
        raise ValueError(f"--categories has an empty entry: {text!r}")
    return categories


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        byte = content[error.start]
        raise ReliabilityCSVError(
            line, f"not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8 CSV"
        ) from None


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Non-blank CSV records with the line each one ends on."""
    reader = csv.reader(io.StringIO(text, newline=""))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ReliabilityCSVError(reader.line_num, f"not valid CSV ({error})") from None
        if any(cell.strip() for cell in row):
            yield reader.line_num, row


def _coders(line: int, header: list[str]) -> tuple[str, ...]:
    names = [cell.strip() for cell in header]
    if names[0].lower() != "unit":
        raise ReliabilityCSVError(
            line, f"the header must be 'unit' then one column per coder; it starts {names[0]!r}"
        )
    coders = names[1:]
    for position, name in enumerate(coders, start=2):
        if not name:
            raise ReliabilityCSVError(line, f"column {position} of the header has no coder name")
        if coders.index(name) + 2 != position:
            first = coders.index(name) + 2
            raise ReliabilityCSVError(
                line, f"coder {name!r} is named twice (columns {first} and {position})"
            )
    if len(coders) < 2:
        raise ReliabilityCSVError(
            line, f"agreement needs at least two coders; the header names {len(coders)}"
        )
    return tuple(coders)


def _unit(line: int, row: list[str], coders: tuple[str, ...], first_line: dict[str, int]) -> str:
    expected = len(coders) + 1
    if len(row) != expected:
        raise ReliabilityCSVError(
            line,
            f"expected {expected} cells (unit + {len(coders)} coders), found {len(row)}",
        )
    unit = row[0].strip()
    if not unit:
        raise ReliabilityCSVError(line, "the unit cell is empty")
    if unit in first_line:
        raise ReliabilityCSVError(
            line, f"unit {unit!r} is listed twice (first on line {first_line[unit]})"
        )
    first_line[unit] = line
    return unit


def _check_values(cells: list[_Cell], level: str, categories: Sequence[str] | None) -> None:
    """Numbers at interval/ratio level; every value in the category list when one is given."""
    if level in NUMERIC_LEVELS:
        for cell in cells:
            if parse_number(cell.text) is None:
                raise ReliabilityCSVError(
                    cell.line,
                    f"coder {cell.coder!r} gave {cell.text!r}, which is not a number "
                    f"({level} level needs numbers)",
                )
    if categories is not None:
        _check_categories(cells, categories)


def _check_categories(cells: list[_Cell], categories: Sequence[str]) -> None:
    """Same rule as the engine: compare as numbers only when everything parses as a number."""
    numbers = [parse_number(category) for category in categories]
    numeric = all(number is not None for number in numbers) and all(
        parse_number(cell.text) is not None for cell in cells
    )
    if numeric:
        allowed: set[object] = set(numbers)
        key = parse_number
    else:
        allowed = {category.strip() for category in categories}
        key = str.strip
    for cell in cells:
        if key(cell.text) not in allowed:
            shown = ", ".join(str(display_category(c) if numeric else c) for c in categories)
            raise ReliabilityCSVError(
                cell.line,
                f"coder {cell.coder!r} gave {cell.text!r}, which is not in --categories ({shown})",
            )
