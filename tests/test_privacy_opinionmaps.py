"""Opinion maps in the platform registry: votes and statements stay under a number."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from delaktig.accounts.services import account_delete, personal_data_export
from delaktig.opinionmaps import services
from delaktig.opinionmaps.models import OpinionMap, Participant, Statement, Vote
from tests.factories import ModuleFactory, PhaseFactory, ProcessFactory, UserFactory, role

pytestmark = pytest.mark.django_db

NAME = "Anna Andersson"


def open_map() -> tuple[OpinionMap, Any]:
    process = ProcessFactory()
    module = ModuleFactory(process=process, kind="opinionmap", title="Bussarna")
    PhaseFactory(module=module, process=process, phase_type="voting", name="Röstning")
    official = role(UserFactory(), "official", process.organisation)
    opinion_map = services.map_configure(
        actor=official,
        module=module,
        topic="Kollektivtrafiken",
        moderation=OpinionMap.Moderation.BEFORE,
        allow_statements=True,
    )
    return opinion_map, official


def test_export_and_deletion_keep_votes_and_statements_under_the_number(client: Client) -> None:
    opinion_map, official = open_map()
    seeded = services.seed_statement_create(
        actor=official, opinion_map=opinion_map, text="Fler turer"
    )
    user = UserFactory(display_name=NAME)
    other = UserFactory(display_name="Bertil Bengtsson")
    services.vote_cast(actor=user, statement=seeded, value=-1)
    services.vote_cast(actor=other, statement=seeded, value=1)
    written = services.statement_create(
        actor=user, opinion_map=opinion_map, text="Billigare biljetter"
    )
    services.statement_moderate(actor=official, statement=written, publish=True)

    data = personal_data_export(user=user)
    # Writing a statement also agrees with it, as in Polis.
    assert [(v["map"], v["statement"], v["vote"]) for v in data["opinion_map_votes"]] == [
        ("Bussarna", "Fler turer", -1),
        ("Bussarna", "Billigare biljetter", 1),
    ]
    assert [(s["map"], s["text"], s["status"]) for s in data["opinion_map_statements"]] == [
        ("Bussarna", "Billigare biljetter", "published")
    ]
    staff = personal_data_export(user=official)["opinionmaps_staff"]
    assert {r["what"] for r in staff} == {"Fler turer", "Billigare biljetter"}

    number = Participant.objects.get(user=user).number
    account_delete(user=user)
    account_delete(user=user)  # twice is harmless

    participant = Participant.objects.get(map=opinion_map, number=number)
    assert participant.user is None
    assert Vote.objects.filter(participant=participant, statement=seeded, value=-1).exists()
    assert Statement.objects.get(pk=written.pk).author == participant
    assert Participant.objects.get(user=other).votes.count() == 1
    data = personal_data_export(user=user)
    assert data["opinion_map_votes"] == [] and data["opinion_map_statements"] == []

    client.force_login(official)
    manage = client.get(reverse("opinionmaps:manage", kwargs={"module_pk": opinion_map.module.pk}))
    html = manage.content.decode()
    assert "Billigare biljetter" in html and f"Deltagare {number}" in html and NAME not in html


def test_moderator_stays_recorded_after_deleting_the_account() -> None:
    opinion_map, official = open_map()
    written = services.statement_create(
        actor=UserFactory(), opinion_map=opinion_map, text="Tätare turer på kvällen"
    )
    services.statement_moderate(
        actor=official, statement=written, publish=False, rule="spam", reason="Dubblett."
    )
    account_delete(user=official)
    written.refresh_from_db()
    assert written.moderated_by_id == official.pk and written.status == "rejected"
