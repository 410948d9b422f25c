"""Every model in the admin, with the searches and filters a reviewer reaches for, inside the
projects' rules (``scope``): staff other than superusers see only the projects they administer,
and edits go through the same actions as the pages and the API (docs/data-model.md)."""

from django.contrib import admin

from cases.admin import coding, projects  # noqa: F401  (they register the project models)
from cases.admin.site_wide import keep_for_operators

keep_for_operators(admin.site)
