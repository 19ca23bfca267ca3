"""Strategies, goals, plans, areas, activities and indicators in the content language on the
public follow-up pages and the annual report: reviewed translations shown with ``lang``, drafts
and stale translations not, the notice of what is still Swedish, one query per model."""

from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from delaktig.accounts.types import User
from delaktig.core.contributions import translatable_kinds
from delaktig.core.languages import content_language_override
from delaktig.followup import services
from delaktig.followup.models import ActionPlan, Activity, Goal, Indicator, Strategy
from delaktig.followup.reports.build import build_report
from delaktig.followup.reports.files import report_key
from delaktig.organisations.models import OrganisationSettings
from delaktig.translations.services import Change, translations_save
from tests.factories import OrganisationFactory, UserFactory, role
from tests.followup_factories import (
    GoalFactory,
    IndicatorFactory,
    StrategyFactory,
    plan_with_areas,
)

pytestmark = pytest.mark.django_db

# The strategy runs 2023–2026: a report for 2024 exists on this day.
TODAY = "2024-06-15 12:00+02:00"


@pytest.fixture
def setup() -> tuple[User, Strategy, Goal, ActionPlan, Indicator]:
    region = OrganisationFactory()
    OrganisationSettings.objects.update_or_create(
        organisation=region, defaults={"content_languages": ["sv", "en", "se", "yi"]}
    )
    official = role(UserFactory(), "official", region)
    strategy = StrategyFactory(
        organisation=region,
        title="Demokratistrategi",
        slug="demokrati",
        summary="Fler ska kunna påverka.",
        body="Strategin beskriver arbetet.",
    )
    goal = GoalFactory(strategy=strategy, number="1", title="Ökat förtroende")
    plan = plan_with_areas(areas=1, per_area=2, strategy=strategy, slug="plan", title="Planen")
    indicator = IndicatorFactory(strategy=strategy, goal=goal, name="Andel som litar på regionen")
    return official, strategy, goal, plan, indicator


def _translate(
    official: User, obj: Any, code: str, texts: dict[str, str], *, reviewed: bool = True
) -> None:
    translations_save(
        actor=official,
        obj=obj,
        language=code,
        changes=[Change(field, text) for field, text in texts.items()],
        reviewed=reviewed,
    )


def _page(url: str, code: str) -> str:
    response = Client().get(url, {"sprak": code})
    assert response.status_code == 200
    return response.content.decode()


def test_the_strategy_page_shows_reviewed_translations_with_their_language(setup: Any) -> None:
    official, strategy, goal, plan, indicator = setup
    _translate(
        official,
        strategy,
        "se",
        {"title": "Demokratiijastrategiija", "summary": "Eanet besset váikkuhit."},
    )
    _translate(official, goal, "se", {"title": "Lassánan luohttámuš"})
    html = _page(strategy.get_absolute_url(), "se")
    assert '<h1 lang="se">Demokratiijastrategiija</h1>' in html
    assert '<p class="lead" lang="se">Eanet besset váikkuhit.</p>' in html
    assert '1. <span lang="se">Lassánan luohttámuš</span>' in html
    # The body, the plan and the indicator are still Swedish, and the notice says so.
    assert '<div class="prose"><p>Strategin beskriver arbetet.</p>' in html
    assert "translation-notice" in html
    assert "Planen" in html and indicator.name in html


def test_a_draft_is_not_shown(setup: Any) -> None:
    official, strategy, _goal, plan, _indicator = setup
    _translate(official, strategy, "en", {"title": "Democracy strategy"}, reviewed=False)
    _translate(official, plan, "en", {"title": "The plan"}, reviewed=False)
    html = _page(strategy.get_absolute_url(), "en")
    assert "Democracy strategy" not in html and "The plan" not in html
    assert '<h1 lang="sv">Demokratistrategi</h1>' in html


def test_a_swedish_edit_through_the_staff_service_makes_the_translation_stale(
    setup: Any,
) -> None:
    official, strategy, _goal, _plan, _indicator = setup
    _translate(official, strategy, "en", {"title": "Democracy strategy", "summary": "More say."})
    assert "<h1>Democracy strategy</h1>" in _page(strategy.get_absolute_url(), "en")
    services.strategy_update(
        actor=official,
        strategy=strategy,
        title="Strategi för demokrati",
        slug=strategy.slug,
        summary=strategy.summary,
        start_year=strategy.start_year,
        end_year=strategy.end_year,
        body=strategy.body,
        adopted_by=None,
        decision_date=None,
        decision_reference="",
        revision_cycle=strategy.revision_cycle,
        next_review=None,
        perspectives=[],
        joinable=False,
        published=True,
    )
    html = _page(strategy.get_absolute_url(), "en")
    assert "Democracy strategy" not in html
    assert '<h1 lang="sv">Strategi för demokrati</h1>' in html
    # The summary did not change: its translation is still current.
    assert '<p class="lead">More say.</p>' in html


def test_the_plan_activity_and_indicator_pages_read_in_the_content_language(
    setup: Any,
) -> None:
    official, strategy, goal, plan, indicator = setup
    area = plan.areas.get()
    activity = area.activities.order_by("position").first()
    _translate(official, plan, "en", {"title": "The plan"})
    _translate(official, area, "en", {"title": "Area one"})
    _translate(official, activity, "en", {"title": "Activity one"})
    _translate(official, goal, "en", {"title": "Greater trust"})
    _translate(official, indicator, "en", {"name": "Share who trust the region"})
    html = _page(plan.get_absolute_url(), "en")
    assert "<h1>The plan</h1>" in html
    assert "1. <span>Area one</span>" in html
    second = area.activities.get(position=2)
    # Each row's link and language attribute, made once per language on the page.
    assert f'<a href="{activity.get_absolute_url()}">Activity one</a>' in html
    assert f'<a href="{second.get_absolute_url()}" lang="sv">Aktivitet 1.2</a>' in html
    assert "translation-notice" in html  # the second activity is still Swedish
    html = _page(activity.get_absolute_url(), "en")
    assert "<h1>Activity one</h1>" in html
    html = _page(indicator.get_absolute_url(), "en")
    assert "<h1>Share who trust the region</h1>" in html
    assert "1. <span>Greater trust</span>" in html


def test_yiddish_is_written_right_to_left(setup: Any) -> None:
    official, strategy, _goal, _plan, _indicator = setup
    _translate(official, strategy, "yi", {"title": "דעמאָקראַטיע־סטראַטעגיע"})
    html = _page(strategy.get_absolute_url(), "yi")
    assert '<h1 lang="yi" dir="rtl">דעמאָקראַטיע־סטראַטעגיע</h1>' in html


def test_the_plan_page_reads_translations_in_one_query_per_model(setup: Any) -> None:
    official, strategy, _goal, plan, _indicator = setup
    area = plan.areas.get()
    for activity in area.activities.all():
        _translate(official, activity, "en", {"title": f"Activity {activity.pk}"})

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _page(plan.get_absolute_url(), "en")
        return len(captured)

    before = queries()
    for n in range(5):
        activity = Activity.objects.create(area=area, position=10 + n, title=f"Ny aktivitet {n}")
        _translate(official, activity, "en", {"title": f"New activity {n}"})
    assert queries() == before
    assert "New activity 4" in _page(plan.get_absolute_url(), "en")


def test_the_strategy_list_reads_translations_in_one_query(setup: Any) -> None:
    official, strategy, _goal, _plan, _indicator = setup

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _page(reverse("followup:index"), "en")
        return len(captured)

    before = queries()
    for n in range(3):
        other = StrategyFactory(organisation=strategy.organisation)
        _translate(official, other, "en", {"title": f"Strategy {n}"})
    assert queries() == before


@time_machine.travel(TODAY, tick=False)
def test_the_annual_report_follows_the_content_language(setup: Any) -> None:
    official, strategy, _goal, plan, indicator = setup
    _translate(official, strategy, "en", {"title": "Democracy strategy"})
    _translate(official, plan, "en", {"title": "The plan"})
    url = reverse("followup:report", args=[strategy.slug, 2024])
    html = _page(url, "en")
    assert "Democracy strategy" in html
    assert "<span>The plan</span> (2023–2025)" in html
    # The indicator has no translation: its name is marked Swedish.
    assert f'<span lang="sv">{indicator.name}</span>' in html
    html = _page(url, "se")
    assert "The plan" not in html
    # The files are cached per content language too.
    with content_language_override("en"):
        english = build_report(strategy, 2024)
        english_key = report_key(english, "pdf")
    with content_language_override("se"):
        sami_key = report_key(build_report(strategy, 2024), "pdf")
    assert english.plans[0].title == "The plan"
    assert english_key != sami_key


def test_the_workbench_lists_only_what_the_public_can_read(setup: Any) -> None:
    _official, strategy, _goal, plan, _indicator = setup
    hidden = plan_with_areas(areas=1, per_area=1, strategy=strategy, slug="utkast", published=False)
    kinds = {kind.key: kind for kind in translatable_kinds() if kind.key.startswith("followup.")}
    assert set(kinds) == {
        "followup.strategy",
        "followup.goal",
        "followup.indicator",
        "followup.plan",
        "followup.area",
        "followup.activity",
    }
    organisation = strategy.organisation_id
    for kind in kinds.values():
        query = kind.model.objects.filter(**{kind.organisation: organisation})
        objects = list(kind.scope(query) if kind.scope else query)
        assert objects, kind.key
        for obj in objects:
            assert kind.url(obj).startswith("/uppfoljning/")
    plans = kinds["followup.plan"]
    assert plans.scope is not None
    assert hidden not in plans.scope(ActionPlan.objects.all())
