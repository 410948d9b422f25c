"""The codebook page in a real browser: its contents lead to every criterion and stay in view on
a wide screen, and a link leads back to the top."""

import io
import time

import pytest
from django.core.management import call_command

from cases.models import Project
from cases.tests.browser import ARTEFACTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    call_command("setup_demo", stdout=io.StringIO())
    return Project.objects.get(slug="turkiye-azerbaijan")


def poll(condition, tries: int = 50) -> None:
    """Polled from here: the page's CSP rightly forbids wait_for_function's string evaluation."""
    for _ in range(tries):
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("the page never got there")


def test_the_contents_lead_to_every_criterion_and_stay_in_view(page, demo):
    sign_in(page, "olga", "sccoder-demo")
    page.set_viewport_size({"width": 1360, "height": 900})
    page.goto("/p/turkiye-azerbaijan/codebook/")
    toc = page.locator("nav.codebook-toc")
    codes = list(demo.codebook.criteria.in_codebook_order().values_list("code", flat=True))
    assert len(codes) == 43
    links = toc.locator(".toc-criteria a").evaluate_all("els => els.map(e => e.hash.slice(1))")
    assert links == codes
    frameworks = toc.locator(".toc-frameworks > li > a").all_inner_texts()
    assert frameworks == sorted(set(frameworks), key=frameworks.index) and len(frameworks) >= 2
    assert toc.locator(".toc-groups > li > a").count() >= 6

    # A criterion far down the page: the link brings it into view, the contents stay there.
    last = codes[-12]
    toc.locator(f'a[href="#{last}"]').click()
    poll(lambda: 0 <= page.locator(f"#{last}").bounding_box()["y"] < 850)
    assert page.evaluate("() => window.scrollY") > 3000
    box = toc.bounding_box()
    assert 0 <= box["y"] < 100 and box["height"] <= 900
    page.screenshot(path=str(shot("codebook_scrolled")))

    page.click("a.to-top")
    poll(lambda: page.evaluate("() => window.scrollY") == 0)


def test_on_a_narrow_screen_the_contents_come_first_and_scroll_away(page, demo):
    sign_in(page, "olga", "sccoder-demo")
    page.set_viewport_size({"width": 700, "height": 900})
    page.goto("/p/turkiye-azerbaijan/codebook/")
    toc = page.locator("nav.codebook-toc")
    body = page.locator(".codebook-body")
    assert toc.bounding_box()["y"] < body.bounding_box()["y"]
    page.evaluate("window.scrollTo(0, 6000)")
    assert toc.bounding_box()["y"] < 0  # not sticky: the definitions get the whole width
    assert page.locator("a.to-top").is_visible()


def shot(name: str):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS / f"{name}.png"
