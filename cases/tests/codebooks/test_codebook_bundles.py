"""A retired criterion travels in the bundle as an optional ``retired_in``; bundles without it
read as before."""

import json

import pytest

from cases.bundles import BundleError, delete_project, dump_bundle, export_bundle, import_bundle
from cases.models import Criterion, Project
from cases.tests.bundle_factory import small_bundle

pytestmark = pytest.mark.django_db


def test_a_retired_criterion_roundtrips_and_a_current_one_says_nothing():
    doc = small_bundle()
    doc["codebook"]["criteria"][2]["retired_in"] = 2  # D-RESP
    first = dump_bundle(export_bundle(import_bundle(doc)))
    assert dict(Criterion.objects.values_list("code", "retired_in")) == {
        "AB-T2-TRANS": None,
        "AB-T3-TRUST": None,
        "D-RESP": 2,
    }
    criteria = json.loads(first)["codebook"]["criteria"]
    assert [c.get("retired_in") for c in criteria] == [None, None, 2]
    assert ["retired_in" in c for c in criteria] == [False, False, True]
    delete_project(Project.objects.get(slug="small"))
    second = dump_bundle(export_bundle(import_bundle(json.loads(first))))
    assert first == second


@pytest.mark.parametrize("bad", [0, "2", 1.5, None])
def test_retired_in_is_a_version_number(bad):
    doc = small_bundle()
    doc["codebook"]["criteria"][2]["retired_in"] = bad
    with pytest.raises(BundleError, match="retired_in"):
        import_bundle(doc)
    assert not Project.objects.exists()
