"""Small PDFs built for the tests, so that none is shipped: a hand-written writer for exact
control (page labels, an encryption dictionary, hundreds of pages) and matplotlib's PDF backend
for a PDF as a real program writes it, text or image only."""

import io

import numpy as np
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def hand_pdf(pages: list[list[str]], labels: str = "", encrypt: bool = False) -> bytes:
    """A PDF whose page i shows the lines pages[i] in Helvetica (Windows-1252 characters).
    ``labels`` is the body of a /PageLabels number tree (``/Nums [0 << /S /r >> 2 << /S /D >>]``);
    ``encrypt`` adds a standard security handler's dictionary to the trailer, as a protected
    PDF has."""
    objects: list[bytes] = []

    def add(body: str | bytes) -> int:
        objects.append(body.encode("latin-1") if isinstance(body, str) else body)
        return len(objects)

    catalog = add("")  # filled in below, once the pages are numbered
    tree = add("")
    font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for lines in pages:
        ops = ["BT /F1 12 Tf 14 TL 72 740 Td"]
        ops += [f"({_escape(line)}) '" for line in lines]
        ops.append("ET")
        stream = "\n".join(ops).encode("cp1252")  # WinAnsiEncoding: “, É, ’
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(
            add(
                f"<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 612 792] "
                f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>"
            )
        )
    objects[tree - 1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    ).encode("latin-1")
    page_labels = f" /PageLabels << {labels} >>" if labels else ""
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {tree} 0 R{page_labels} >>".encode()
    trailer_extra = ""
    if encrypt:
        secret = add(
            "<< /Filter /Standard /V 2 /R 3 /Length 128 /P -1028 "
            "/O <" + "11" * 32 + "> /U <" + "22" * 32 + "> >>"
        )
        trailer_extra = f" /Encrypt {secret} 0 R /ID [<{'33' * 16}> <{'33' * 16}>]"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R{trailer_extra} >>\n"
        f"startxref\n{xref}\n%%EOF\n".encode("latin-1")
    )
    return out.getvalue()


def matplotlib_pdf(pages: list[str]) -> bytes:
    """A PDF as matplotlib writes it: one A4 page per text, the text near the top."""
    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"CreationDate": None}) as pdf:
        for text in pages:
            figure = Figure(figsize=(8.27, 11.69))
            figure.text(0.1, 0.9, text, fontsize=12, va="top")
            pdf.savefig(figure)
    return buffer.getvalue()


def scanned_pdf() -> bytes:
    """A page that is only an image, as a scanner makes it: no text layer at all."""
    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"CreationDate": None}) as pdf:
        figure = Figure(figsize=(4, 4))
        rng = np.random.default_rng(1)
        figure.figimage(rng.random((200, 200)), cmap="gray")
        pdf.savefig(figure)
    return buffer.getvalue()
