from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from delaktig.core.errors import PermissionDenied
from delaktig.core.models import AuditEntry
from delaktig.identity.models import Verification
from delaktig.identity.personnummer import luhn_check_digit
from delaktig.identity.services import hash_identity_number, identity_of, verification_by_official
from tests.factories import MunicipalityFactory, OrganisationFactory, UserFactory, role

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup() -> Any:
    region = OrganisationFactory()
    home = MunicipalityFactory(code="2380", name="Östersund")
    region.municipalities.add(home)
    official = role(UserFactory(), "official", region)
    return region, home, official


def test_official_verifies_without_storing_the_number(client: Client, setup: Any) -> None:
    _region, home, official = setup
    resident = UserFactory(email="ung@example.se")
    client.force_login(official)
    url = reverse("identity:verify")
    response = client.post(
        url,
        {
            "email": "ung@example.se",
            "identity_number": "811218-9875",
            "municipality": home.pk,
            "seen_proof": "on",
        },
    )
    assert response.status_code == 400 and "inte giltigt" in response.content.decode()
    assert 'value="ung@example.se"' in response.content.decode()
    response = client.post(
        url,
        {
            "email": "ung@example.se",
            "identity_number": "811218-9876",
            "municipality": home.pk,
            "seen_proof": "on",
        },
    )
    assert response.status_code == 302
    verification = Verification.objects.get(user=resident)
    assert verification.municipality == home and verification.verified_by == official
    assert verification.birth_date == date(1981, 12, 18)
    assert "9876" not in verification.identity_hash and len(verification.identity_hash) == 64
    assert AuditEntry.objects.filter(action="identity.verify").exists()
    audit_text = str(AuditEntry.objects.values_list("data", "target_repr").get())
    assert "811218" not in audit_text


def test_only_officials_of_the_municipality_may_verify(client: Client, setup: Any) -> None:
    _region, home, _official = setup
    stranger = role(UserFactory(), "official", OrganisationFactory())
    with pytest.raises(PermissionDenied):
        verification_by_official(
            actor=stranger, user=UserFactory(), identity_number="811218-9876", municipality=home
        )
    client.force_login(UserFactory())
    assert client.get(reverse("identity:verify")).status_code == 403


def test_a_samordningsnummer_gives_the_real_birth_day(setup: Any) -> None:
    _region, home, official = setup
    nine = "701063239"  # born 1970-10-03: a samordningsnummer adds 60 to the day
    number = f"{nine[:6]}-{nine[6:]}{luhn_check_digit(nine)}"
    digest, born = identity_of(number)
    assert born == date(1970, 10, 3) and digest == hash_identity_number(number)
    verification = verification_by_official(
        actor=official, user=UserFactory(), identity_number=number, municipality=home
    )
    assert verification.birth_date == date(1970, 10, 3)
