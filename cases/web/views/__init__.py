"""The HTML views, one module per area (coding, evidence, sources, report, exports…; review/ a
package of its pages); every view fetches its project and role through access.get_project_for."""
