"""Residency from pluggable sources, and the population register hashed on import."""

from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.utils import timezone

from delaktig.core.errors import ValidationFailed
from delaktig.core.models import AuditEntry
from delaktig.identity.adapter import verify_from_claims
from delaktig.identity.models import RegisterEntry, Verification
from delaktig.identity.personnummer import luhn_check_digit
from delaktig.identity.register import problem_messages, read_register, register_replace
from delaktig.identity.residency import municipality_for
from delaktig.identity.services import hash_identity_number
from delaktig.organisations.models import RetentionRule
from delaktig.organisations.retention import retention_apply
from tests.factories import MunicipalityFactory, OrganisationFactory, UserFactory, role

pytestmark = pytest.mark.django_db

PNR = "198112189876"
OTHER = "195001011237"
PNR_CLAIM = "https://id.oidc.se/claim/personalIdentityNumber"


@pytest.fixture
def towns() -> tuple[Any, Any]:
    return MunicipalityFactory(code="2380", name="Östersund"), MunicipalityFactory(
        code="2309", name="Krokom"
    )


def test_register_is_read_hashed_and_never_kept_in_clear(towns: Any) -> None:
    rows = read_register(f"personnummer;kommunkod\n{PNR};2380\n{OTHER};2309\n".encode())
    assert rows == {hash_identity_number(PNR): "2380", hash_identity_number(OTHER): "2309"}
    register_replace(rows=rows)
    stored = " ".join(RegisterEntry.objects.values_list("identity_hash", flat=True))
    assert PNR not in stored and PNR[2:] not in stored and len(stored.split()) == 2


def test_a_bad_line_imports_nothing_and_says_which(towns: Any) -> None:
    register_replace(rows=read_register(f"{PNR};2380\n".encode()))
    with pytest.raises(ValidationFailed, match="identity.register_unreadable") as caught:
        read_register(f"{OTHER};2309\n198112189875;2380\n{PNR};9999\n{PNR}\n".encode())
    assert [(p["line"], p["code"]) for p in caught.value.params["problems"]] == [
        (2, "identity.register_bad_number"),
        (3, "identity.register_unknown_municipality"),
        (4, "identity.register_columns"),
    ]
    assert caught.value.message == "3 rader i filen går inte att läsa."
    assert problem_messages(caught.value)[1] == "Rad 3: okänd kommunkod 9999."
    assert RegisterEntry.objects.count() == 1


def test_an_import_replaces_the_register(towns: Any, tmp_path: Path) -> None:
    first = tmp_path / "a.csv"
    first.write_text(f"{PNR},2380\n{OTHER},2309\n")
    call_command("import_population_register", str(first), stdout=StringIO())
    second = tmp_path / "b.csv"
    second.write_text(f"{PNR};2309\n")  # moved to Krokom; the other person moved away
    call_command("import_population_register", str(second), stdout=StringIO())
    assert list(RegisterEntry.objects.values_list("municipality__code", flat=True)) == ["2309"]
    broken = tmp_path / "c.csv"
    broken.write_text("12345;2380\n")
    with pytest.raises(CommandError, match="nothing imported: 1 rad .* Rad 1: inte ett giltigt"):
        call_command("import_population_register", str(broken), stdout=StringIO())
    empty = tmp_path / "d.csv"
    empty.write_text("personnummer;kommunkod\n")  # an empty extract never wipes the register
    with pytest.raises(CommandError, match="nothing imported: Filen innehåller inga personer"):
        call_command("import_population_register", str(empty), stdout=StringIO())
    assert RegisterEntry.objects.count() == 1


def test_sources_are_tried_in_order(towns: Any) -> None:
    register_replace(rows={hash_identity_number(PNR): "2309"})
    digest = hash_identity_number(PNR)
    claims = {"municipality_code": "2380"}
    with override_settings(DELAKTIG_EID_MUNICIPALITY_CLAIM="municipality_code"):
        assert municipality_for(digest=digest, claims=claims).code == "2380"
        with override_settings(DELAKTIG_RESIDENCY_SOURCES=["register", "claim"]):
            assert municipality_for(digest=digest, claims=claims).code == "2309"
        # A municipality we do not know falls through to the next source.
        assert municipality_for(digest=digest, claims={"municipality_code": "0180"}).code == (
            "2309"
        )
    with override_settings(DELAKTIG_RESIDENCY_SOURCES=["claim"]):
        assert municipality_for(digest=hash_identity_number(OTHER), claims={}) is None


class EverybodyInKrokom:
    def municipality_code(self, *, digest: str, claims: Any) -> str | None:
        return "2309"


def test_a_source_can_be_plugged_in_by_dotted_path(towns: Any) -> None:
    path = f"{__name__}.EverybodyInKrokom"
    with override_settings(DELAKTIG_RESIDENCY_SOURCES=[path]):
        assert municipality_for(digest="x", claims={}).code == "2309"


def test_oidc_sweden_claims_verify_through_the_register(towns: Any) -> None:
    register_replace(rows={hash_identity_number(PNR): "2380"})
    user = UserFactory()
    with override_settings(
        DELAKTIG_EID_NATIONAL_ID_CLAIM=PNR_CLAIM, DELAKTIG_EID_MUNICIPALITY_CLAIM=""
    ):
        assert verify_from_claims(user, {PNR_CLAIM: PNR, "name": "Sara"})
        assert not verify_from_claims(UserFactory(), {"ssn": PNR})  # wrong claim name
        assert not verify_from_claims(UserFactory(), {PNR_CLAIM: "198112189875"})  # bad digit
    verification = Verification.objects.get()
    assert verification.user == user and verification.municipality.code == "2380"
    assert verification.birth_date == date(1981, 12, 18)


def test_an_eid_samordningsnummer_keeps_the_real_birth_day(towns: Any) -> None:
    nine = "701063239"  # born 1970-10-03, day 63 in a samordningsnummer
    user = UserFactory()
    with override_settings(
        DELAKTIG_EID_NATIONAL_ID_CLAIM=PNR_CLAIM, DELAKTIG_EID_MUNICIPALITY_CLAIM=""
    ):
        assert verify_from_claims(user, {PNR_CLAIM: f"19{nine}{luhn_check_digit(nine)}"})
    assert Verification.objects.get(user=user).birth_date == date(1970, 10, 3)


def test_register_entries_expire_per_organisation(towns: Any) -> None:
    ostersund, krokom = towns
    region = OrganisationFactory()
    region.municipalities.set([ostersund])
    now = timezone.now()
    register_replace(rows={hash_identity_number(PNR): "2380"}, now=now - timedelta(days=91))
    RegisterEntry.objects.create(
        identity_hash="k", municipality=krokom, imported_at=now - timedelta(days=400)
    )
    assert retention_apply(now=now - timedelta(days=1)) == 0
    assert retention_apply(now=now) == 1
    assert list(RegisterEntry.objects.values_list("identity_hash", flat=True)) == ["k"]
    entry = AuditEntry.objects.get(action="retention.apply")
    assert entry.organisation == region and entry.data["rule"] == "population_register"
    assert entry.data == {"rule": "population_register", "days": 90, "removed": 1}


def test_an_organisation_sets_its_own_retention_on_the_staff_page(towns: Any) -> None:
    region = OrganisationFactory()
    official = role(UserFactory(), "official", region)
    client = Client()
    client.force_login(official)
    url = f"/personal/organisationer/{region.slug}/gallring/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Uppgifter från folkbokföringsregistret" in page.content.decode()
    response = client.post(url, {"population_register": "0"})
    assert response.status_code == 400  # below the rule's minimum, and the typed value stays
    assert 'value="0"' in response.content.decode()
    assert not RetentionRule.objects.exists()
    data = {key: field.initial for key, field in response.context["form"].fields.items()}
    data["population_register"] = 30
    assert client.post(url, data).status_code == 302
    assert RetentionRule.objects.get().days == 30
    assert AuditEntry.objects.filter(action="retention.update").count() == 1
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(url).status_code == 403
