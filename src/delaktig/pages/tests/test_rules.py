"""The pages app's rows of the role × permission matrix (merged into tests/test_rules.py),
and who reads a draft."""

import pytest
from django.contrib.auth.models import AnonymousUser
from tests.factories import OrganisationFactory

from delaktig.pages.tests.helpers import page_in, person

OFFICIALS = {"official", "administrator"}

MATRIX = {"pages.change_page": OFFICIALS}

OBJECT_RULES = {"pages.view_page": "src/delaktig/pages/tests/test_rules.py"}

KINDS = ["resident", "moderator", "official", "security", "elected", "administrator"]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", KINDS)
def test_a_published_page_is_read_by_everyone(kind: str) -> None:
    page = page_in()
    assert person(kind, page.organisation).has_perm("pages.view_page", page)
    assert AnonymousUser().has_perm("pages.view_page", page)


@pytest.mark.parametrize("kind", KINDS)
def test_a_draft_is_read_by_the_organisations_editors_only(kind: str) -> None:
    page = page_in(published=False)
    user = person(kind, page.organisation)
    assert user.has_perm("pages.view_page", page) is (kind in OFFICIALS)
    assert user.has_perm("pages.change_page", page.organisation) is (kind in OFFICIALS)
    assert not AnonymousUser().has_perm("pages.view_page", page)


def test_an_official_elsewhere_neither_reads_drafts_nor_writes() -> None:
    page = page_in(published=False)
    elsewhere = person("official", OrganisationFactory())
    assert not elsewhere.has_perm("pages.view_page", page)
    assert not elsewhere.has_perm("pages.change_page", page.organisation)
    assert not elsewhere.has_perm("pages.change_page", page)
