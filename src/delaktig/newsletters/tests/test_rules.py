"""The newsletters' rows of the role × permission matrix (merged into tests/test_rules.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from tests.factories import OrganisationFactory, UserFactory, role

from delaktig.newsletters.tests.helpers import newsletter, organisation

OFFICIALS = {"official", "administrator"}

MATRIX = {
    "newsletters.manage_newsletter": OFFICIALS,
    "newsletters.view_newsletter": OFFICIALS,
}

pytestmark = pytest.mark.django_db


def test_translators_of_the_organisation_see_a_draft_but_do_not_send_it() -> None:
    region = organisation()
    letter = newsletter(region)
    translator = role(UserFactory(), "translator", region)
    assert translator.has_perm("newsletters.view_newsletter", letter)
    assert not translator.has_perm("newsletters.manage_newsletter", letter)
    elsewhere = role(UserFactory(), "translator", OrganisationFactory())
    assert not elsewhere.has_perm("newsletters.view_newsletter", letter)
    assert not AnonymousUser().has_perm("newsletters.view_newsletter", letter)


def test_an_official_elsewhere_may_not_manage() -> None:
    letter = newsletter(organisation())
    other = role(UserFactory(), "official", OrganisationFactory())
    assert not other.has_perm("newsletters.manage_newsletter", letter)
    assert not other.has_perm("newsletters.manage_newsletter", letter.organisation)
