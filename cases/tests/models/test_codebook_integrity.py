"""A codebook in use keeps its codes: no renaming, no deleting, and every edit on record."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from cases.models import Coding, Criterion

pytestmark = pytest.mark.django_db


def test_renaming_a_coded_criterion_is_refused_by_the_database(small_project):
    with pytest.raises(IntegrityError, match="cannot change"), transaction.atomic():
        Criterion.objects.filter(code="AB-T2-TRANS").update(code="AB-T2-TRADE")
    assert Criterion.objects.filter(code="AB-T2-TRANS").exists()


def test_renaming_a_coded_criterion_names_the_field_in_forms(small_project):
    criterion = Criterion.objects.get(code="D-RESP")
    criterion.code = "D-RESPONSIVE"
    with pytest.raises(ValidationError) as excinfo:
        criterion.full_clean()
    assert "codes are stable identifiers" in excinfo.value.message_dict["code"][0]


def test_an_unused_criterion_may_still_be_renamed(small_project):
    Criterion.objects.create(
        codebook=small_project.codebook,
        code="AB-T3-ID",
        name="Identity",
        framework="Adler & Barnett",
        group="Tier 3",
        definition="We.",
    )
    Criterion.objects.filter(code="AB-T3-ID").update(code="AB-T3-IDENTITY")
    assert Criterion.objects.filter(code="AB-T3-IDENTITY").exists()
    assert not Coding.objects.filter(criterion__code="AB-T3-IDENTITY").exists()


def test_deleting_a_coded_criterion_is_refused(small_project):
    with pytest.raises(ProtectedError):
        Criterion.objects.get(code="D-RESP").delete()


def test_definition_edits_are_kept_in_history(small_project):
    criterion = Criterion.objects.get(code="D-RESP")
    criterion.definition = "Governments answer each other's needs quickly and without force."
    criterion.save()
    definitions = [h.definition for h in criterion.history.order_by("history_date")]
    assert definitions == ["Responsiveness.", criterion.definition]


def test_the_admin_shows_a_used_code_read_only(small_project, admin_client):
    criterion = Criterion.objects.get(code="D-RESP")
    page = admin_client.get(f"/admin/cases/criterion/{criterion.pk}/change/").content.decode()
    assert 'name="code"' not in page and "D-RESP" in page


def test_the_codebook_page_shows_which_criteria_were_revised(small_project, client, people):
    criterion = Criterion.objects.get(code="D-RESP")
    criterion.definition = "Governments answer each other's needs quickly and without force."
    criterion.save()
    client.force_login(people["carl"])
    page = client.get("/p/small/codebook/").content.decode()
    assert "Revised: version 2 of this criterion" in page
    assert page.count("Revised:") == 1
