"""The HTML views, one module per area (coding, review, evidence, sources, report, exports…);
every view fetches its project and the viewer's role through cases.access.get_project_for."""
