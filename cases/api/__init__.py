"""The REST API: DRF viewsets nested under a project, /api/projects/{slug}/...

Every project-scoped view asks the one access helper (``cases.access.get_project_for``) through
``permissions.ProjectAccess``; what a role may read or write is DESIGN.md's permission table.
Writes that can race name the version they change and are refused with 409 when it is stale.
The user's guide is docs/api.md.
"""
