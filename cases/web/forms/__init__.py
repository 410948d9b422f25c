"""The Django forms of the HTML pages that need more than a view's few lines: evidence (add/edit,
filter bar), sources (one typed in, many imported), review (filter bar, decision, override),
rounds (a new round, an item's gold set)."""
