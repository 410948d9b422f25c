"""Reports: the dyad report and the comparison across dyads, assembled from the database by build
over pure parts: audience, grid, robustness, beside (verdicts beside the rule's), compare, chart."""
