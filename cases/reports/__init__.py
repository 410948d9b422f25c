"""Reports: the dyad report and the comparison across dyads, assembled from the database by build
(citations by citing) over pure parts: audience, grid, robustness, beside, compare and chart."""
