"""The bundle as text: its name and version, reading and writing its JSON, the refusal it raises."""

import json
from typing import Any

FORMAT = "sccoder-bundle"
VERSION = 1
MAX_ERRORS = 50


class BundleError(ValueError):
    """The bundle cannot be imported; ``errors`` lists every problem found."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        shown = errors[:MAX_ERRORS]
        more = len(errors) - len(shown)
        text = "\n".join(shown) + (f"\n… and {more} more" if more > 0 else "")
        super().__init__(text)


def _reject_duplicate_names(pairs: list[tuple[str, Any]]) -> dict:
    names = [name for name, _ in pairs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise BundleError([f'bundle: duplicate JSON key "{duplicates[0]}" inside one object'])
    return dict(pairs)


def parse_bundle(data: bytes | str) -> Any:
    """Decode and parse a bundle file, with messages that say where the text is broken."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BundleError(
                [f"bundle: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"]
            ) from None
    try:
        return json.loads(data, object_pairs_hook=_reject_duplicate_names)
    except json.JSONDecodeError as exc:
        raise BundleError(
            [f"bundle: malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"]
        ) from None
    except RecursionError:
        raise BundleError(["bundle: JSON nested too deeply to be a bundle"]) from None


def dump_bundle(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def canonical(value: Any) -> Any:
    """Sort object keys recursively: PostgreSQL's jsonb does not keep the order they came in."""
    if isinstance(value, dict):
        return {k: canonical(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value
