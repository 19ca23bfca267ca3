from collections import Counter

import pytest
from django.core.management import call_command

from delaktig.opinionmaps.models import OpinionMap, Participant, Statement
from delaktig.organisations.models import OrganisationSettings

pytestmark = pytest.mark.django_db


def test_demo_opinion_map_has_groups_consensus_and_a_moderation_queue() -> None:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings = OrganisationSettings.objects.get(organisation__slug="region-jamtland-harjedalen")
    assert "opinionmap" in settings.enabled_modules
    opinion_map = OpinionMap.objects.select_related("module__process", "result").get()
    assert opinion_map.module.process.status == "open"
    assert opinion_map.module.allows("vote")
    result = opinion_map.result
    assert result.version == opinion_map.version
    assert result.n_participants >= 100
    sizes = Counter(label for label in result.data["labels"] if label >= 0)
    assert result.k >= 2
    assert len(sizes) >= 2
    assert min(sizes.values()) >= 10
    assert result.data["consensus"]
    statuses = Counter(Statement.objects.filter(map=opinion_map).values_list("status", flat=True))
    assert statuses[Statement.Status.PENDING] == 2
    assert statuses[Statement.Status.REJECTED] == 1
    assert statuses[Statement.Status.PUBLISHED] >= 20
    # The demo resident has not voted, so a tester can start from scratch.
    assert not Participant.objects.filter(
        map=opinion_map, user__email="invanare@demo.delaktig.se"
    ).exists()
