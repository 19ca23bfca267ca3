"""Shared role helpers in accounts that staff pages of several apps use."""

import pytest
from django.core.exceptions import PermissionDenied

from delaktig.accounts.roles import official_organisations_or_403
from tests.factories import OrganisationFactory, UserFactory, role


@pytest.mark.django_db
def test_official_organisations_or_403() -> None:
    mine, _other = OrganisationFactory(), OrganisationFactory()
    official = role(UserFactory(), "official", mine)
    assert list(official_organisations_or_403(official)) == [mine]
    # A moderator is staff, but an official nowhere.
    moderator = role(UserFactory(), "moderator", mine)
    with pytest.raises(PermissionDenied):
        official_organisations_or_403(moderator)
    admin = role(UserFactory(), "administrator")
    assert official_organisations_or_403(admin).count() == 2
