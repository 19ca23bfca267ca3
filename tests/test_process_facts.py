"""A process's lists of labels read in one query (``participation.selectors.process_facts``):
the same items, in the same order, as the models' own querysets give."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from delaktig.participation.models import Perspective, SdgGoal, SdgTarget, TargetGroup
from delaktig.participation.selectors import process_facts
from tests.factories import MunicipalityFactory, ProcessFactory

pytestmark = pytest.mark.django_db


def test_the_lists_equal_the_models_own_in_one_query() -> None:
    process = ProcessFactory()
    other = ProcessFactory()
    # Added out of their order, and another process's, which must not show.
    process.municipalities.set(
        [
            MunicipalityFactory(code="2380", name="Östersund"),
            MunicipalityFactory(code="2321", name="Åre"),
            MunicipalityFactory(code="2326", name="Berg"),
        ]
    )
    other.municipalities.set([MunicipalityFactory(code="2361", name="Härjedalen")])
    process.target_groups.set(TargetGroup.objects.order_by("-id")[:3])
    process.perspectives.set(Perspective.objects.order_by("-id")[:2])
    process.sdg_goals.set(SdgGoal.objects.filter(number__in=[16, 3, 10]))
    process.sdg_targets.set(SdgTarget.objects.filter(code__in=["16.7", "3.8", "10.2", "3.4"]))

    with CaptureQueriesContext(connection) as queries:
        facts = process_facts(process)
    assert len(queries) == 1

    assert [m.name for m in facts.municipalities] == list(
        process.municipalities.values_list("name", flat=True)
    )
    assert "Härjedalen" not in [m.name for m in facts.municipalities]
    assert [str(g) for g in facts.target_groups] == [str(g) for g in process.target_groups.all()]
    assert [str(p) for p in facts.perspectives] == [str(p) for p in process.perspectives.all()]
    assert [str(g) for g in facts.sdg_goals] == [str(g) for g in process.sdg_goals.all()]
    assert [(t.code, t.title_en) for t in facts.sdg_targets] == [
        (t.code, t.title_en) for t in process.sdg_targets.all()
    ]
    assert [t.code for t in facts.sdg_targets] == ["3.4", "3.8", "10.2", "16.7"]
    with translation.override("en"):
        assert str(facts.sdg_goals[0]) == str(SdgGoal.objects.get(number=3))
        assert str(facts.sdg_goals[0]).startswith("3. Good health")


def test_a_process_without_lists_has_empty_ones() -> None:
    facts = process_facts(ProcessFactory())
    assert facts.municipalities == facts.target_groups == facts.perspectives == []
    assert facts.sdg_goals == facts.sdg_targets == []


def test_the_process_page_shows_them(client: Client) -> None:
    process = ProcessFactory()
    process.municipalities.set([MunicipalityFactory(code="2380", name="Östersund")])
    process.sdg_goals.set(SdgGoal.objects.filter(number=5))
    process.sdg_targets.set(SdgTarget.objects.filter(code="5.5"))
    html = client.get(process.get_absolute_url()).content.decode()
    assert "<dt>Berörda kommuner</dt><dd>Östersund</dd>" in html
    assert "<li>Mål 5. Jämställdhet</li>" in html
    assert '<li>Delmål 5.5: <span lang="en">' in html
