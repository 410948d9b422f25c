"""Bundles: a whole project as one JSON document (docs/bundle-format.md), read, checked against
its schema, imported and exported. The public entry: every caller imports from here."""

from cases.bundles.dump import export_bundle
from cases.bundles.format import BundleError, dump_bundle, parse_bundle
from cases.bundles.load import delete_project, import_bundle

__all__ = [
    "BundleError",
    "delete_project",
    "dump_bundle",
    "export_bundle",
    "import_bundle",
    "parse_bundle",
]
