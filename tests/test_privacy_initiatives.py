"""Folkinitiativ in the platform registry: signatures, their identity hashes and gallring."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from delaktig.accounts.models import User
from delaktig.accounts.services import account_delete, personal_data_export
from delaktig.core import contributions
from delaktig.identity.personnummer import luhn_check_digit
from delaktig.initiatives.models import Initiative, Signature, SignatureList
from delaktig.initiatives.selectors import initiative_count
from delaktig.initiatives.services import signatures_register
from tests.factories import (
    MunicipalityFactory,
    OrganisationFactory,
    UserFactory,
    role,
    verified_resident,
)

pytestmark = pytest.mark.django_db


def pnr(n: int) -> str:
    nine = f"8001{n % 28 + 1:02d}{n % 1000:03d}"
    return f"{nine[:6]}-{nine[6:]}{luhn_check_digit(nine)}"


def initiative_with_signatures(
    organisation: Any, secretary: Any, submitted_days_ago: int, lines: list[str]
) -> Initiative:
    submitted_on = timezone.localdate() - timedelta(days=submitted_days_ago)
    initiative = Initiative.objects.create(
        organisation=organisation,
        title=f"Folkomröstning {submitted_days_ago}",
        question="Ja eller nej?",
        initiators="Föreningen Rädda akuten",
        submitted_on=submitted_on,
        entitled_voters=30,
        created_by=secretary,
    )
    paper = SignatureList.objects.create(
        initiative=initiative, kind="paper", label="Lista 1", received_on=submitted_on
    )
    signed = (submitted_on - timedelta(days=10)).isoformat()
    saved, errors = signatures_register(
        actor=secretary,
        signature_list=paper,
        lines="\n".join(f"{line}; {signed}" for line in lines),
    )
    assert errors == [] and saved == len(lines)
    return initiative


def test_export_lists_the_persons_signatures_without_the_hash() -> None:
    region = OrganisationFactory()
    secretary = role(UserFactory(), "official", region)
    signer = verified_resident(MunicipalityFactory(), number=pnr(1).replace("-", ""))
    initiative = initiative_with_signatures(region, secretary, 10, [pnr(1), pnr(2)])

    data = personal_data_export(user=signer)["initiative_signatures"]
    assert data == [
        {
            "initiative": initiative.title,
            "list": "Lista 1",
            "signed_on": (initiative.submitted_on - timedelta(days=10)).isoformat(),
            "valid": True,
            "invalid_reason": "",
        }
    ]
    assert signer.verification.identity_hash not in json.dumps(data)
    assert personal_data_export(user=UserFactory())["initiative_signatures"] == []
    records = personal_data_export(user=secretary)["initiatives_staff"]
    assert [r["what"] for r in records] == [initiative.title]


def test_deleting_the_account_keeps_the_signature_and_the_count() -> None:
    region = OrganisationFactory()
    secretary = role(UserFactory(), "official", region)
    signer = verified_resident(MunicipalityFactory(), number=pnr(1).replace("-", ""))
    initiative = initiative_with_signatures(region, secretary, 10, [pnr(1), pnr(2), pnr(1)])
    before = initiative_count(initiative=initiative)

    account_delete(user=signer)
    account_delete(user=secretary)

    assert Signature.objects.count() == 3
    assert initiative_count(initiative=initiative) == before
    # Nothing on the platform links the remaining hash to the deleted account any more.
    signer = User.objects.get(pk=signer.pk)
    assert personal_data_export(user=signer)["initiative_signatures"] == []
    initiative.refresh_from_db()
    assert initiative.created_by_id == secretary.pk


def test_retention_replaces_hashes_keeping_the_count_only_when_due_and_only_here() -> None:
    rule = contributions.retention("initiative_signature_identities")
    region = OrganisationFactory()
    elsewhere = OrganisationFactory()
    secretary = role(UserFactory(), "official", region)
    other_secretary = role(UserFactory(), "official", elsewhere)
    people = [pnr(1), pnr(2), pnr(1), pnr(3)]  # one person twice
    due = initiative_with_signatures(region, secretary, 365, people)
    not_yet = initiative_with_signatures(region, secretary, 364, people)
    foreign = initiative_with_signatures(elsewhere, other_secretary, 900, people)
    before = initiative_count(initiative=due)
    assert before.duplicates == 1
    now = timezone.now()

    assert rule.apply(region, 365, now) == 4
    assert rule.apply(region, 365, now) == 0  # idempotent

    hashes = list(
        Signature.objects.filter(signature_list__initiative=due).values_list(
            "identity_hash", flat=True
        )
    )
    assert all(h.startswith("gallrad-") for h in hashes) and len(set(hashes)) == 3
    assert initiative_count(initiative=due) == before
    for untouched in (not_yet, foreign):
        assert not Signature.objects.filter(
            signature_list__initiative=untouched, identity_hash__startswith="gallrad-"
        ).exists()
    # The same person in another initiative cannot be linked to the cleared one any more.
    assert not set(hashes) & set(
        Signature.objects.filter(signature_list__initiative=not_yet).values_list(
            "identity_hash", flat=True
        )
    )
    assert rule.apply(elsewhere, 365, now) == 4
    assert rule.min_days > 0
