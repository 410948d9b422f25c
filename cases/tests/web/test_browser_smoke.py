"""A first walk through the site in a real browser."""

import pytest

from cases.tests.browser import sign_in
from cases.tests.conftest import PASSWORD, set_passwords

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_signs_in_and_opens_the_project(page, small_project):
    set_passwords(["carl"])
    sign_in(page, "carl", PASSWORD)
    page.click("text=Small project")
    assert page.locator("h1").inner_text() == "Small project"
    assert "of your items submitted" in page.content()
