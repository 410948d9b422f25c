"""A source's document: the PDF, HTML, plain text or Markdown file the evidence quotes.

``sniff`` and ``extract`` are pure (no Django): what kind of file a run of bytes is, and its
text page by page. ``actions`` stores a document and its pages, or refuses it whole.
"""
