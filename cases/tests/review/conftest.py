"""Fixtures of the review tests: the small project's items by key and criteria by code."""

import pytest

from cases.models import Criterion, Evidence


@pytest.fixture
def items(small_project):
    return {e.key: e for e in Evidence.objects.filter(project=small_project)}


@pytest.fixture
def criteria(small_project):
    return {c.code: c for c in Criterion.objects.all()}
