"""What kind of document a run of bytes is, by its content: never by the file's name.

Pure: no Django. PDF by its magic bytes; HTML and text by decoding as UTF-8 (a byte-order mark
allowed); anything else, including every archive (a DOCX is a ZIP), is refused as unsupported.
The name only tells Markdown from plain text, which are read the same way.
"""

PDF = "pdf"
HTML = "html"
TEXT = "text"
MARKDOWN = "markdown"
KINDS = (PDF, HTML, TEXT, MARKDOWN)

# Formats people try that sccoder does not read, named in the refusal.
_KNOWN_OTHERS = (
    (b"PK\x03\x04", "a ZIP archive (DOCX, ODT, EPUB and XLSX are ZIP archives)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"{\\rtf", "an RTF file"),
)
_HTML_STARTS = ("<!doctype html", "<html", "<head", "<body", "<?xml")
MARKDOWN_SUFFIXES = (".md", ".markdown")


class UnsupportedType(ValueError):
    """The bytes are none of the kinds sccoder reads; the message says what they look like."""


def sniff(data: bytes, filename: str = "") -> str:
    """``pdf``, ``html``, ``markdown`` or ``text``, or raise UnsupportedType."""
    if data.startswith(b"%PDF-") or data[:1024].lstrip().startswith(b"%PDF-"):
        return PDF
    for magic, what in _KNOWN_OTHERS:
        if data.startswith(magic):
            raise UnsupportedType(
                f"this looks like {what}: upload a PDF, HTML, plain text or Markdown file"
            )
    text = decode_text(data)
    if text is None:
        raise UnsupportedType(
            "this is neither a PDF nor text in UTF-8: upload a PDF, HTML, plain text or "
            "Markdown file"
        )
    head = text[:2048].lstrip().lower()
    if head.startswith(_HTML_STARTS) and ("<html" in head or "<body" in head or "<p" in head):
        return HTML
    if head.startswith(("<!doctype html", "<html")):
        return HTML
    if filename.lower().endswith(MARKDOWN_SUFFIXES):
        return MARKDOWN
    return TEXT


def decode_text(data: bytes) -> str | None:
    """The text, or None when the bytes are not UTF-8 text (or hold NUL or other binary
    control characters, which no document's text has)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if any(ord(c) < 32 and c not in "\t\n\r\f" for c in text[:100_000]):
        return None
    return text
