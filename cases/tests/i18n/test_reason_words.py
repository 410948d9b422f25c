"""Why an agreement figure is undefined, on the pages in the reader's language: each reason the
agreement engine writes, said again in Turkish with its values kept; English unchanged; an
unknown text shown as it is."""

import numpy as np
import pytest
from django.utils import translation

from cases.review.agreement import alpha_coefficient
from cases.review.agreement.coefficient import NO_PAIRABLE_UNIT, NO_VALUES, no_variation
from cases.review.reason_words import reason_in_language
from cases.review.submitted_codes import no_items_reason

REASONS = [
    (NO_PAIRABLE_UNIT, "eşlenebilir birim yok: her birimde ikiden az değer var"),
    (NO_VALUES, "değer yok: her hücre eksik"),
    (no_variation(1, everywhere=True), "değişkenlik yok: her değer 1"),
    (no_variation(2, everywhere=False), "değişkenlik yok: eşlenebilir her değer 2"),
    (no_items_reason(["alice"]), "ikiden az kodlayıcı öğe gönderdi"),
    (
        no_items_reason(["alice", "bob"]),
        "listelenen her kodlayıcının gönderdiği bir öğe yok (alice, bob)",
    ),
    ("no item on which two coders applied it", "iki kodlayıcının onu uyguladığı bir öğe yok"),
    (
        "fewer than two coders have recorded stage judgments",
        "ikiden az kodlayıcı aşama yargısı kaydetti",
    ),
]


@pytest.mark.parametrize(("english", "turkish"), REASONS)
def test_each_reason_in_turkish_and_english_unchanged(english, turkish):
    with translation.override("tr"):
        assert reason_in_language(english) == turkish
    with translation.override("en"):
        assert reason_in_language(english) == english


def test_the_engines_own_reason_is_recognised():
    # Every coder gave 1 on every unit: alpha is undefined, and says why.
    alpha = alpha_coefficient(np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]), level="nominal")
    assert alpha.value is None
    with translation.override("tr"):
        assert reason_in_language(alpha.reason).startswith("değişkenlik yok: her değer ")


def test_an_unknown_text_is_shown_as_it_is():
    with translation.override("tr"):
        assert reason_in_language("something else entirely") == "something else entirely"
        assert reason_in_language(None) is None


@pytest.mark.django_db
def test_the_agreement_page_gives_the_reasons_in_the_readers_language(small_project):
    from django.test import Client

    from cases.models import Membership

    rita = Membership.objects.get(project=small_project, user__username="rita").user
    client = Client()
    client.force_login(rita)
    english = client.get("/p/small/review/agreement/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    turkish = client.get("/p/small/review/agreement/", HTTP_ACCEPT_LANGUAGE="tr").content.decode()
    assert "no variation: every" in english
    assert "no variation: every" not in turkish
    assert "değişkenlik yok: " in turkish
