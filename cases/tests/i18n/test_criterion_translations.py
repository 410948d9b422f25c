"""A criterion's translations: checked like its own texts, editable in the admin, shown on the
coding page to a coder reading the interface in that language, with the original one click
away; the codebook's own texts are unchanged."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client

from cases.lib.validators import validate_criterion_translations
from cases.models import Criterion, Evidence

pytestmark = pytest.mark.django_db

TRUST_TR = {"name": "Karşılıklı güven", "definition": "Halkların birbirine duyduğu güven."}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([], "an object of languages"),
        ({"Turkish": {"name": "Güven"}}, "not a language tag"),
        ({"tr": {}}, '"name" and/or "definition"'),
        ({"tr": {"notes": "x"}}, '"notes" is not translated'),
        ({"tr": {"name": "  "}}, "not empty"),
        ({"tr": {"name": "Güven\nikinci satır"}}, "one line"),
        ({"tr": {"name": "x" * 201}}, "name"),
    ],
)
def test_a_malformed_translation_is_refused_with_its_language_and_field(value, message):
    with pytest.raises(ValidationError) as refused:
        validate_criterion_translations(value)
    assert message in " ".join(refused.value.messages)


def test_a_translation_of_name_and_definition_is_accepted():
    validate_criterion_translations({"tr": TRUST_TR, "pt-br": {"name": "Confiança mútua"}})


def test_a_language_without_translation_reads_the_original(small_project):
    trust = Criterion.objects.get(code="AB-T3-TRUST")
    trust.translations = {"tr": {"name": "Karşılıklı güven"}}
    trust.full_clean()
    trust.save()
    assert trust.in_language("en") == {
        "name": "Mutual trust",
        "definition": trust.definition,
        "translated": False,
    }
    # A text the translation leaves out falls back to the original; tr-tr reads tr.
    assert trust.in_language("tr-tr") == {
        "name": "Karşılıklı güven",
        "definition": trust.definition,
        "translated": True,
    }


def coding_page(people, language: str) -> str:
    client = Client()
    client.force_login(people["carl"])
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    item = Evidence.objects.get(key="E3")
    return client.get(f"/p/small/code/{item.pk}/").content.decode()


def test_the_coding_page_shows_the_coders_language_with_the_original_one_click_away(people):
    Criterion.objects.filter(code="AB-T3-TRUST").update(translations={"tr": TRUST_TR})
    trust = Criterion.objects.get(code="AB-T3-TRUST")

    page = coding_page(people, "tr")
    assert '<option value="AB-T3-TRUST">Karşılıklı güven</option>' in page  # the jump list
    row = page[page.index('id="crit-AB-T3-TRUST"') :]
    row = row[: row.index("</form>")]
    assert '<span class="name" lang="tr">Karşılıklı güven</span>' in row
    assert '<p lang="tr">Halkların birbirine duyduğu güven.</p>' in row
    original = row[row.index('<details class="original">') :]
    assert "<summary>Özgün metin</summary>" in original
    assert "<strong>Mutual trust</strong>" in original and trust.definition in original
    # Criteria without a translation read as written, with no second copy.
    other = page[page.index('id="crit-AB-T2-TRANS"') :]
    assert 'class="original"' not in other[: other.index("</form>")]

    page = coding_page(people, "en")
    assert '<option value="AB-T3-TRUST">Mutual trust</option>' in page
    row = page[page.index('id="crit-AB-T3-TRUST"') :]
    row = row[: row.index("</form>")]
    assert '<span class="name">Mutual trust</span>' in row
    assert "Karşılıklı" not in row and 'class="original"' not in row


def test_an_admin_edits_the_translations_in_the_criterion_admin(people):
    boss = get_user_model().objects.create_superuser("boss", password="x")
    client = Client()
    client.force_login(boss)
    trust = Criterion.objects.get(code="AB-T3-TRUST")
    page = client.get(f"/admin/cases/criterion/{trust.pk}/change/").content.decode()
    assert 'name="translations"' in page
