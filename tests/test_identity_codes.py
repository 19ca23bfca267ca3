"""One-time verification codes for residents without e-ID."""

import threading
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.utils import timezone

from delaktig.accounts.services import account_delete, personal_data_export
from delaktig.core.errors import PermissionDenied, RateLimited, ValidationFailed
from delaktig.core.models import AuditEntry
from delaktig.identity import services
from delaktig.identity.models import Verification, VerificationCode
from delaktig.organisations.retention import retention_apply
from tests.factories import MunicipalityFactory, OrganisationFactory, UserFactory, role

PNR = "200901012385"  # a fifteen-year-old, born 2009-01-01
OTHER_PNR = "198112189876"


@pytest.fixture
def place() -> dict[str, Any]:
    home = MunicipalityFactory(code="2380", name="Östersund")
    region = OrganisationFactory()
    region.municipalities.set([home])
    official = role(UserFactory(), "official", region)
    return {"home": home, "region": region, "official": official}


def issue(place: dict[str, Any], number: str = PNR) -> tuple[VerificationCode, str]:
    return services.verification_code_issue(
        actor=place["official"], identity_number=number, municipality=place["home"]
    )


@pytest.mark.django_db
def test_a_code_verifies_the_account_once_and_nothing_is_kept_in_clear(place: Any) -> None:
    issued, code = issue(place)
    assert len(services.normalise_code(code)) == 12 and code.count("-") == 2
    stored = " ".join(
        str(v) for v in VerificationCode.objects.values_list("code_hash", "identity_hash").get()
    )
    assert services.normalise_code(code) not in stored and PNR[2:] not in stored
    audit = AuditEntry.objects.get(action="identity.code_issue")
    assert audit.organisation == place["region"] and PNR not in str(audit.data)

    youth = UserFactory()
    typed = code.lower().replace("-", " ")  # as read off the slip and typed on a phone
    verification = services.verification_code_redeem(actor=youth, code=typed)
    assert verification.method == "code" and verification.municipality == place["home"]
    assert verification.verified_by == place["official"]
    assert verification.identity_hash == services.hash_identity_number(PNR)
    # The birth date the official checked travels with the code to the verification.
    assert issued.birth_date == verification.birth_date == date(2009, 1, 1)
    with pytest.raises(ValidationFailed, match="identity.invalid_code"):
        services.verification_code_redeem(actor=UserFactory(), code=code)


@pytest.mark.django_db
def test_only_officials_of_the_municipality_issue_codes(place: Any) -> None:
    elsewhere = OrganisationFactory()
    outsider = role(UserFactory(), "official", elsewhere)
    with pytest.raises(PermissionDenied):
        services.verification_code_issue(
            actor=outsider, identity_number=PNR, municipality=place["home"]
        )
    with pytest.raises(ValidationFailed, match="identity.invalid_number"):
        issue(place, number="200901012384")  # wrong check digit
    assert not VerificationCode.objects.exists()


@pytest.mark.django_db
def test_an_expired_code_is_refused(place: Any) -> None:
    issued, code = issue(place)
    VerificationCode.objects.filter(pk=issued.pk).update(
        issued_at=timezone.now() - timedelta(days=31),
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    with pytest.raises(ValidationFailed, match="identity.invalid_code"):
        services.verification_code_redeem(actor=UserFactory(), code=code)
    assert not Verification.objects.exists()


@pytest.mark.django_db
def test_wrong_codes_are_limited_per_person(place: Any) -> None:
    issued, code = issue(place)
    guesser = UserFactory()
    for _ in range(services.CODE_ATTEMPTS[0]):
        with pytest.raises(ValidationFailed, match="identity.invalid_code"):
            services.verification_code_redeem(actor=guesser, code="AAAA-AAAA-AAAA")
    with pytest.raises(RateLimited, match="identity.too_many_code_attempts"):
        services.verification_code_redeem(actor=guesser, code=code)
    # Someone else is not held up, and the code is still good.
    assert services.verification_code_redeem(actor=UserFactory(), code=code)


@pytest.mark.django_db
def test_an_account_verified_as_someone_else_cannot_take_the_code(place: Any) -> None:
    _issued, code = issue(place)
    _other, other_code = issue(place, number=OTHER_PNR)
    user = UserFactory()
    services.verification_code_redeem(actor=user, code=other_code)
    with pytest.raises(ValidationFailed, match="identity.other_person"):
        services.verification_code_redeem(actor=user, code=code)
    assert VerificationCode.objects.filter(used_at__isnull=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_people_entering_the_same_code_at_once_verify_one(place: Any) -> None:
    _issued, code = issue(place)
    people = [UserFactory() for _ in range(4)]
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def redeem(user: Any) -> None:
        try:
            barrier.wait(timeout=30)
            services.verification_code_redeem(actor=user, code=code)
        except BaseException as error:  # noqa: BLE001 - asserted on below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=redeem, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Verification.objects.count() == 1
    assert len(errors) == 3
    assert all(getattr(e, "code", "") == "identity.invalid_code" for e in errors)


@pytest.mark.django_db
def test_pages_issue_and_redeem_with_errors_that_keep_what_was_typed(place: Any) -> None:
    staff = Client()
    staff.force_login(place["official"])
    url = "/identitet/personal/kod/"
    assert staff.get(url).status_code == 200
    bad = staff.post(url, {"identity_number": "20090101-2384", "municipality": place["home"].pk})
    html = bad.content.decode()
    assert bad.status_code == 400
    assert "Personnumret eller samordningsnumret är inte giltigt" in html
    assert 'value="20090101-2384"' in html
    assert "Jag har sett giltig legitimation" in html  # the unticked box is reported
    issued = staff.post(
        url,
        {"identity_number": "20090101-2385", "municipality": place["home"].pk, "seen_proof": "on"},
    )
    assert issued.status_code == 200 and "no-store" in issued["Cache-Control"]
    code = issued.context["code"]
    assert code in issued.content.decode()

    resident = Client()
    assert resident.get("/identitet/kod/").status_code == 302  # log in first
    youth = UserFactory()
    resident.force_login(youth)
    wrong = resident.post("/identitet/kod/", {"code": "ABCD-EFGH-JKMN"})
    assert wrong.status_code == 400 and "Koden stämmer inte" in wrong.content.decode()
    assert 'value="ABCD-EFGH-JKMN"' in wrong.content.decode()
    done = resident.post("/identitet/kod/", {"code": code}, follow=True)
    assert "Du är verifierad och folkbokförd i Östersund." in done.content.decode()
    assert "Du är verifierad (Kod från tjänsteperson)" in done.content.decode()


@pytest.mark.django_db
def test_codes_in_export_erasure_and_retention(place: Any) -> None:
    _issued, code = issue(place)
    youth = UserFactory()
    services.verification_code_redeem(actor=youth, code=code)
    data = personal_data_export(user=youth)
    assert data["verification_codes"][0]["municipality"] == "2380"
    assert data["verification_codes"][0]["birth_date"] == "2009-01-01"
    assert data["verification"]["birth_date"] == "2009-01-01"
    assert "identity_hash" not in str(data["verification_codes"])
    assert personal_data_export(user=place["official"])["identity_staff"]
    account_delete(user=youth)
    assert not VerificationCode.objects.exists()

    used, _ = issue(place)
    now = timezone.now()
    VerificationCode.objects.filter(pk=used.pk).update(
        issued_at=now - timedelta(days=119), expires_at=now - timedelta(days=89)
    )
    assert retention_apply(now=now) == 0
    assert retention_apply(now=now + timedelta(days=2)) == 1


@pytest.mark.django_db
def test_a_code_from_before_birth_dates_keeps_the_one_already_known(place: Any) -> None:
    youth = UserFactory()
    services.verification_code_redeem(actor=youth, code=issue(place)[1])
    old, code = issue(place)
    VerificationCode.objects.filter(pk=old.pk).update(birth_date=None)
    assert services.verification_code_redeem(actor=youth, code=code).birth_date == date(2009, 1, 1)
    # Someone verified before birth dates were kept stays of unknown age.
    Verification.objects.filter(user=youth).update(birth_date=None)
    old, code = issue(place)
    VerificationCode.objects.filter(pk=old.pk).update(birth_date=None)
    assert services.verification_code_redeem(actor=youth, code=code).birth_date is None
