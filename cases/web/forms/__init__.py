"""The Django forms of the HTML pages that need more than a view's few lines: evidence (the
add/edit form, the list's filter bar) and sources (one record typed in, or many imported)."""
