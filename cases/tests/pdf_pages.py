"""How full each page of a PDF chromium printed is: enough of the PDF read (stdlib only) to
follow where a page's text, rules, fills and images are drawn, and find its lowest mark."""

import re
import zlib

_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_TOKEN = re.compile(
    rb"<[0-9A-Fa-f]*>|\((?:\\.|[^\\)])*\)|\[[^\]]*\]|/[^\s/<\[(]+|[-+]?\d*\.?\d+|[A-Za-z*'\"]+"
)


def _times(a: tuple, b: tuple) -> tuple:
    """The matrix product a × b of two PDF matrices (a, b, c, d, e, f)."""
    return (
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    )


def _y(m: tuple, x: float, y: float) -> float:
    return m[1] * x + m[3] * y + m[5]


def _content(pdf: bytes, objects: dict, number: int) -> bytes:
    start = objects[number]
    data_start = pdf.index(b"stream\n", start) + len(b"stream\n")
    data = pdf[data_start : pdf.index(b"endstream", data_start)]
    return zlib.decompress(data) if b"/FlateDecode" in pdf[start:data_start] else data


def _lowest_mark(content: bytes, height: float) -> float:
    """The lowest y (PDF space, from the bottom) where the page draws text, a non-white fill
    or stroke, or an image; the page's white background does not count."""
    ctm, saved, text, line = _IDENTITY, [], _IDENTITY, _IDENTITY
    operands: list = []
    rects: list[float] = []
    white = False
    low = height
    for token in _TOKEN.findall(content):
        try:
            operands.append(float(token))
            continue
        except ValueError:
            pass
        op = token.decode("latin-1")
        if op[0] in "<([/":
            operands.append(op)
            continue
        if op == "q":
            saved.append(ctm)
        elif op == "Q":
            ctm = saved.pop()
        elif op == "cm":
            ctm = _times(tuple(operands[-6:]), ctm)
        elif op == "BT":
            text = line = _IDENTITY
        elif op == "Tm":
            text = line = tuple(operands[-6:])
        elif op == "Td":
            text = line = _times((1, 0, 0, 1, operands[-2], operands[-1]), line)
        elif op in ("Tj", "TJ", "'", '"'):
            low = min(low, _y(_times(text, ctm), 0, 0))
        elif op == "rg":
            white = operands[-3:] == [1.0, 1.0, 1.0]
        elif op == "re":
            x, y, _, h = operands[-4:]
            rects.append(min(_y(ctm, x, y), _y(ctm, x, y + h)))
        elif op in ("f", "f*", "S", "B", "B*"):
            if not white:
                low = min([low, *rects])
            rects = []
        elif op == "n":
            rects = []
        elif op == "Do":
            low = min(low, _y(ctm, 0, 0), _y(ctm, 0, 1))
        operands = []
    return low


def page_fill(pdf: bytes) -> list[float]:
    """For each page in order, how far down it its lowest mark is: 0 the top, 1 the bottom
    edge (an A4 page with 18 mm margins is full at about 0.95)."""
    objects = {int(m[1]): m.start() for m in re.finditer(rb"(?m)^(\d+) 0 obj", pdf)}
    fills = []
    for page in re.finditer(rb"/Type /Page\n(.*?)endobj", pdf, re.S):
        body = page[1]
        height = float(re.search(rb"/MediaBox \[([^\]]*)\]", body)[1].split()[3])
        content = _content(pdf, objects, int(re.search(rb"/Contents (\d+)", body)[1]))
        fills.append(round(1 - _lowest_mark(content, height) / height, 3))
    return fills
