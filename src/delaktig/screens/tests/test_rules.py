"""The screens app's rows of the role × permission matrix (merged into tests/test_rules.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from tests.factories import OrganisationFactory, UserFactory, role

MATRIX = {"screens.change_screensettings": {"official", "administrator"}}

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "allowed"),
    [
        ("resident", False),
        ("moderator", False),
        ("security", False),
        ("elected", False),
        ("translator", False),
        ("official", True),
        ("administrator", True),
    ],
)
def test_who_changes_an_organisations_screen(kind: str, allowed: bool) -> None:
    organisation = OrganisationFactory()
    user = UserFactory()
    if kind == "administrator":
        role(user, "administrator")
    elif kind != "resident":
        role(user, kind, organisation)
    assert user.has_perm("screens.change_screensettings", organisation) is allowed
    assert not AnonymousUser().has_perm("screens.change_screensettings", organisation)
    elsewhere = role(UserFactory(), "official", OrganisationFactory())
    assert not elsewhere.has_perm("screens.change_screensettings", organisation)
