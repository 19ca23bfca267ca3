"""The open-data API's follow-up (``/api/v1/followup/``) and the follow-up datasets."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from delaktig.core import contributions
from delaktig.followup.models import (
    Activity,
    GenderEqualityGoal,
    IndicatorValue,
    ProgressNote,
    Strategy,
)
from delaktig.participation.models import Perspective, SdgTarget
from delaktig.participation.workflow import Status as ProcessStatus
from tests.factories import (
    BodyFactory,
    MunicipalityFactory,
    OrganisationFactory,
    ProcessFactory,
    UserFactory,
)
from tests.followup_factories import (
    ActivityFactory,
    AreaFactory,
    GoalFactory,
    IndicatorFactory,
    PlanFactory,
    StrategyFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
API = "/api/v1/followup"


@pytest.fixture(autouse=True)
def _fixed_now(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


def _world() -> dict[str, Any]:
    """A published strategy with a goal, a published plan with an activity, an indicator with
    values; and the things the public pages do not show next to them."""
    organisation = OrganisationFactory(slug="region-norr")
    strategy = StrategyFactory(
        organisation=organisation,
        slug="demokrati",
        title="Demokratistrategi",
        adopted_by=BodyFactory(organisation=organisation, name="Regionfullmäktige"),
    )
    strategy.perspectives.add(Perspective.objects.get(code="barn_och_unga"))
    goal = GoalFactory(strategy=strategy, number="1", title="Fler röster hörs")
    goal.gender_equality_goals.add(GenderEqualityGoal.objects.get(number=1))
    goal.sdg_targets.add(SdgTarget.objects.get(code="16.7"))
    plan = PlanFactory(strategy=strategy, slug="plan-2024", title="Handlingsplan 2024")
    area = AreaFactory(plan=plan, position=2, title="Unga")
    goal_area = area.goals
    goal_area.add(goal)
    activity = ActivityFactory(
        area=area,
        position=3,
        title="Ungdomsråd i varje kommun",
        contact_name="Kim Kontakt",
        contact_email="kim.kontakt@example.se",
        status="postponed",
        status_reason="Väntar på budget.",
        progress=40,
    )
    activity.goals.add(goal)
    activity.sdg_targets.add(SdgTarget.objects.get(code="16.7"))
    activity.gender_equality_goals.add(GenderEqualityGoal.objects.get(number=1))
    activity.perspectives.add(Perspective.objects.get(code="barn_och_unga"))
    public_process = ProcessFactory(organisation=organisation, slug="unga-rost")
    draft_process = ProcessFactory(
        organisation=organisation, slug="utkastet", status=ProcessStatus.DRAFT
    )
    activity.processes.add(public_process, draft_process)
    author = UserFactory(email="forfattare@example.se", display_name="Anna Författare")
    ProgressNote.objects.create(
        activity=activity,
        author=author,
        text="Två råd har startat.",
        previous_status="ongoing",
        status="postponed",
        status_reason="Väntar på budget.",
        progress=40,
    )
    indicator = IndicatorFactory(strategy=strategy, goal=goal, name="Valdeltagande bland unga")
    municipality = MunicipalityFactory(code="2480", name="Umeå")
    IndicatorValue.objects.create(
        indicator=indicator, year=2024, value=Decimal("61.5"), updated_by=author
    )
    IndicatorValue.objects.create(indicator=indicator, year=2024, sex="kvinna", value=Decimal(64))
    IndicatorValue.objects.create(indicator=indicator, year=2025, value=Decimal("62.25"))
    IndicatorValue.objects.create(
        indicator=indicator, year=2025, municipality=municipality, value=Decimal(70)
    )
    # Not public: a draft strategy with everything under it, and a draft plan.
    hidden = StrategyFactory(organisation=organisation, slug="dold", published=False)
    hidden_plan = PlanFactory(strategy=hidden, slug="dold-plan")
    hidden_activity = ActivityFactory(area=AreaFactory(plan=hidden_plan), title="Dold aktivitet")
    hidden_indicator = IndicatorFactory(strategy=hidden, name="Dold indikator")
    IndicatorValue.objects.create(indicator=hidden_indicator, year=2024, value=Decimal(1))
    draft_plan = PlanFactory(strategy=strategy, slug="utkast", published=False)
    draft_activity = ActivityFactory(area=AreaFactory(plan=draft_plan), title="Utkastaktivitet")
    return {
        "organisation": organisation,
        "strategy": strategy,
        "goal": goal,
        "plan": plan,
        "area": area,
        "activity": activity,
        "indicator": indicator,
        "hidden": hidden,
        "hidden_plan": hidden_plan,
        "hidden_activity": hidden_activity,
        "hidden_indicator": hidden_indicator,
        "draft_plan": draft_plan,
        "draft_activity": draft_activity,
    }


def _get(client: Client, path: str, **params: Any) -> Any:
    response = client.get(f"{API}{path}", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_strategy_is_shown_as_on_its_page(client: Client) -> None:
    world = _world()
    body = _get(client, "/strategies/")
    assert [item["slug"] for item in body["items"]] == ["demokrati"]
    item = body["items"][0]
    assert item["organisation"] == "region-norr"
    assert item["adopted_by"] == "Regionfullmäktige"
    assert item["url"].endswith("/demokrati/")
    assert item["perspectives"] == [{"code": "barn_och_unga", "name": "Barn och unga"}]
    detail = _get(client, "/strategies/demokrati")
    (goal,) = detail["goals"]
    assert goal["number"] == "1" and goal["title"] == "Fler röster hörs"
    assert goal["gender_equality_goals"] == [
        {"number": 1, "name": "En jämn fördelning av makt och inflytande"}
    ]
    assert [(t["code"], t["goal"]) for t in goal["sdg_targets"]] == [("16.7", 16)]
    assert [plan["id"] for plan in detail["plans"]] == [world["plan"].pk]


def test_a_plan_has_its_focus_areas_and_activity_counts(client: Client) -> None:
    world = _world()
    body = _get(client, "/plans/", organisation="region-norr")
    assert [item["id"] for item in body["items"]] == [world["plan"].pk]
    counts = body["items"][0]["activities"]
    assert counts == {"not_started": 0, "ongoing": 0, "done": 0, "postponed": 1, "cancelled": 0}
    detail = _get(client, f"/plans/{world['plan'].pk}")
    (area,) = detail["areas"]
    assert (area["position"], area["title"]) == (2, "Unga")
    assert [goal["number"] for goal in area["goals"]] == ["1"]


def test_an_activity_shows_status_links_and_notes(client: Client) -> None:
    world = _world()
    body = _get(client, "/activities/", strategy="demokrati")
    (item,) = body["items"]
    assert item["code"] == "2.3"
    assert item["plan"] == world["plan"].pk and item["strategy"] == "demokrati"
    assert (item["status"], item["status_reason"], item["progress"]) == (
        "postponed",
        "Väntar på budget.",
        40,
    )
    assert item["contact_name"] == "Kim Kontakt"
    assert [goal["number"] for goal in item["goals"]] == ["1"]
    assert [target["code"] for target in item["sdg_targets"]] == ["16.7"]
    assert [goal["number"] for goal in item["gender_equality_goals"]] == [1]
    assert [p["code"] for p in item["perspectives"]] == ["barn_och_unga"]
    # The draft process behind it is not shown.
    assert [process["slug"] for process in item["processes"]] == ["unga-rost"]
    detail = _get(client, f"/activities/{world['activity'].pk}")
    (note,) = detail["notes"]
    assert note["text"] == "Två råd har startat."
    assert (note["previous_status"], note["status"]) == ("ongoing", "postponed")


def test_indicators_and_their_values(client: Client) -> None:
    world = _world()
    body = _get(client, "/indicators/", organisation="region-norr")
    (item,) = body["items"]
    assert item["name"] == "Valdeltagande bland unga" and item["goal"]["number"] == "1"
    detail = _get(client, f"/indicators/{world['indicator'].pk}")
    values = [(v["year"], v["sex"], v["municipality"], v["value"]) for v in detail["values"]]
    assert values == [
        (2024, "alla", None, 61.5),
        (2024, "kvinna", None, 64.0),
        (2025, "alla", None, 62.25),
        (2025, "alla", "2480", 70.0),
    ]
    only_2025 = _get(client, f"/indicators/{world['indicator'].pk}", year=2025)
    assert {v["year"] for v in only_2025["values"]} == {2025}
    listed = _get(client, "/values/", organisation="region-norr", year=2024, sex="kvinna")
    assert [(v["indicator"], v["value"]) for v in listed["items"]] == [
        (world["indicator"].pk, 64.0)
    ]


def test_drafts_are_not_shown(client: Client) -> None:
    world = _world()
    text = "".join(
        client.get(f"{API}{path}").content.decode()
        for path in ("/strategies/", "/plans/", "/activities/", "/indicators/", "/values/")
    )
    for name in ("dold", "Dold aktivitet", "Dold indikator", "Utkastaktivitet", "utkast"):
        assert name not in text
    assert "/utkastet/" not in text
    missing = [
        "/strategies/dold",
        f"/plans/{world['hidden_plan'].pk}",
        f"/plans/{world['draft_plan'].pk}",
        f"/activities/{world['hidden_activity'].pk}",
        f"/activities/{world['draft_activity'].pk}",
        f"/indicators/{world['hidden_indicator'].pk}",
        "/activities/999999",
        f"/activities/{2**63 - 1}",
    ]
    for path in missing:
        response = client.get(f"{API}{path}")
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"


def test_no_personal_data_is_shown(client: Client) -> None:
    world = _world()
    paths = [
        "/strategies/",
        "/strategies/demokrati",
        "/plans/",
        f"/plans/{world['plan'].pk}",
        "/activities/",
        f"/activities/{world['activity'].pk}",
        "/indicators/",
        f"/indicators/{world['indicator'].pk}",
        "/values/",
    ]
    for path in paths:
        text = client.get(f"{API}{path}").content.decode()
        assert "@example.se" not in text, path
        assert "Anna Författare" not in text, path
        assert "author" not in text and "updated_by" not in text, path


def test_filters_match_the_list_pages(client: Client) -> None:
    world = _world()
    other = StrategyFactory(slug="klimat", title="Klimatstrategi")
    other_activity = ActivityFactory(
        area=AreaFactory(plan=PlanFactory(strategy=other)), status="done"
    )

    def ids(path: str, **params: Any) -> list[Any]:
        return [item.get("slug", item.get("id")) for item in _get(client, path, **params)["items"]]

    assert ids("/strategies/") == ["demokrati", "klimat"]
    assert ids("/strategies/", organisation="region-norr") == ["demokrati"]
    assert ids("/strategies/", goal=16) == ["demokrati"]
    assert ids("/strategies/", goal=13) == []
    assert ids("/activities/", status="done") == [other_activity.pk]
    assert ids("/activities/", plan=world["plan"].pk) == [world["activity"].pk]
    assert ids("/activities/", goal=16) == [world["activity"].pk]
    assert ids("/activities/", gender_equality_goal=2) == []
    assert ids("/activities/", perspective="barn_och_unga") == [world["activity"].pk]
    assert ids("/indicators/", strategy="klimat") == []
    assert ids("/indicators/", goal=16) == [world["indicator"].pk]
    assert len(_get(client, "/values/", indicator=world["indicator"].pk)["items"]) == 4


def test_bad_filters_say_which_parameter(client: Client) -> None:
    _world()
    response = client.get(f"{API}/activities/", {"organisation": "finns-inte"})
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("api.unknown_organisation", "organisation")
    assert body["params"] == {"slug": "finns-inte"}
    response = client.get(f"{API}/activities/", {"status": "klar"})
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (
        "api.invalid_parameter",
        "status",
    )
    response = client.get(f"{API}/values/", {"year": "tjugo"})
    assert response.json()["field"] == "year"


def test_the_lists_are_paged_with_a_cursor(client: Client) -> None:
    world = _world()
    for position in range(4, 9):
        ActivityFactory(area=world["area"], position=position)
    seen: list[int] = []
    body = _get(client, "/activities/", limit=2)
    pages = 1
    while True:
        seen += [item["id"] for item in body["items"]]
        if body["next_cursor"] is None:
            assert body["next"] is None
            break
        assert "limit=2" in body["next"]
        body = _get(client, "/activities/", limit=2, cursor=body["next_cursor"])
        pages += 1
    assert pages == 3 and seen == sorted(seen) and len(seen) == 6


def test_answers_carry_an_etag_for_conditional_get(client: Client) -> None:
    world = _world()
    for path in ("/strategies/", f"/activities/{world['activity'].pk}"):
        response = client.get(f"{API}{path}")
        # Items show parts without a date of their own: an ETag, no Last-Modified.
        assert response.has_header("ETag") and not response.has_header("Last-Modified")
        again = client.get(f"{API}{path}", HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304


def _more_rows(world: dict[str, Any]) -> None:
    """Enough rows of every kind for a page of six, each with its links."""
    for number in range(2, 9):
        strategy = StrategyFactory(organisation=world["organisation"])
        strategy.perspectives.add(Perspective.objects.get(code="jamstalldhet"))
        goal = GoalFactory(strategy=strategy)
        goal.sdg_targets.add(SdgTarget.objects.get(code="5.5"))
        plan = PlanFactory(strategy=strategy)
        area = AreaFactory(plan=plan)
        area.goals.add(goal)
        activity = ActivityFactory(area=area)
        activity.goals.add(goal)
        activity.sdg_targets.add(SdgTarget.objects.get(code="5.5"))
        activity.perspectives.add(Perspective.objects.get(code="jamstalldhet"))
        activity.processes.add(ProcessFactory(organisation=world["organisation"]))
        indicator = IndicatorFactory(strategy=strategy, goal=goal)
        IndicatorValue.objects.create(indicator=indicator, year=2020 + number, value=number)
        IndicatorValue.objects.create(
            indicator=indicator,
            year=2020 + number,
            municipality=MunicipalityFactory(),
            value=number,
        )


@pytest.mark.parametrize(
    "path", ["/strategies/", "/plans/", "/activities/", "/indicators/", "/values/"]
)
def test_query_count_does_not_grow_with_the_page_size(client: Client, path: str) -> None:
    world = _world()
    _more_rows(world)
    counts = []
    for limit in (2, 6):
        with CaptureQueriesContext(connection) as queries:
            body = _get(client, path, limit=limit, organisation="region-norr")
        assert len(body["items"]) == limit
        counts.append(len(queries))
    assert counts[0] == counts[1]


def _dataset(key: str) -> contributions.OpenDataset:
    (dataset,) = [d for d in contributions.datasets() if d.key == key]
    return dataset


def test_the_datasets_dump_what_the_api_shows(client: Client) -> None:
    world = _world()
    organisation = world["organisation"]
    strategies = _dataset("followup.strategies")
    assert strategies.api_path == "/api/v1/followup/strategies/"
    tables = {table.name: table for table in strategies.tables}
    assert list(tables) == ["strategies.csv", "goals.csv", "plans.csv", "activities.csv"]
    rows = {name: list(table.rows(organisation)) for name, table in tables.items()}
    for name, table in tables.items():
        for row in rows[name]:
            assert tuple(row) == table.columns, name
    assert [row["slug"] for row in rows["strategies.csv"]] == ["demokrati"]
    assert rows["strategies.csv"][0]["perspectives"] == "barn_och_unga"
    (goal,) = rows["goals.csv"]
    assert (goal["strategy"], goal["sdg_targets"], goal["gender_equality_goals"]) == (
        "demokrati",
        "16.7",
        "1",
    )
    assert [row["id"] for row in rows["plans.csv"]] == [world["plan"].pk]
    assert rows["plans.csv"][0]["activities_postponed"] == 1
    (activity,) = rows["activities.csv"]
    api_item = _get(client, "/activities/")["items"][0]
    assert activity["id"] == api_item["id"] and activity["title"] == api_item["title"]
    assert (activity["area_position"], activity["code"], activity["processes"]) == (
        2,
        "2.3",
        "unga-rost",
    )
    assert "kim.kontakt@example.se" not in str(rows)
    assert strategies.coverage(organisation) == (
        datetime(2023, 1, 1).date(),
        datetime(2026, 12, 31).date(),
    )
    assert strategies.modified(organisation) == NOW

    indicators = _dataset("followup.indicators")
    tables = {table.name: table for table in indicators.tables}
    assert list(tables) == ["indicators.csv", "indicator_values.csv"]
    (indicator,) = list(tables["indicators.csv"].rows(organisation))
    assert tuple(indicator) == tables["indicators.csv"].columns
    assert (indicator["name"], indicator["goal_number"]) == ("Valdeltagande bland unga", "1")
    values = list(tables["indicator_values.csv"].rows(organisation))
    assert all(tuple(row) == tables["indicator_values.csv"].columns for row in values)
    assert sorted((row["year"], row["sex"], row["value"]) for row in values) == [
        (2024, "alla", 61.5),
        (2024, "kvinna", 64.0),
        (2025, "alla", 62.25),
        (2025, "alla", 70.0),
    ]
    assert indicators.coverage(organisation) == (
        datetime(2024, 1, 1).date(),
        datetime(2025, 12, 31).date(),
    )
    assert indicators.modified(organisation) == NOW


def test_an_indicator_without_goal_has_empty_goal_columns() -> None:
    organisation = OrganisationFactory()
    IndicatorFactory(strategy=StrategyFactory(organisation=organisation), goal=None)
    table = _dataset("followup.indicators").tables[0]
    (row,) = list(table.rows(organisation))
    assert tuple(row) == table.columns
    assert (row["goal_number"], row["goal_id"], row["goal_title"]) == (None, None, None)
    empty = OrganisationFactory()
    assert _dataset("followup.indicators").coverage(empty) == (None, None)
    assert _dataset("followup.strategies").modified(empty) is None


def test_the_openapi_document_describes_the_operations(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operations = {
        operation["operationId"]: operation
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/followup/")
        for operation in item.values()
    }
    assert set(operations) == {
        "followup_strategies_list",
        "followup_strategies_get",
        "followup_plans_list",
        "followup_plans_get",
        "followup_activities_list",
        "followup_activities_get",
        "followup_indicators_list",
        "followup_indicators_get",
        "followup_values_list",
    }
    for operation_id, operation in operations.items():
        assert operation["summary"]
        assert {"200", "400", "429"} <= set(operation["responses"]), operation_id
        if operation_id.endswith("_get"):
            assert "404" in operation["responses"]
    assert Strategy.objects.count() == 0 and Activity.objects.count() == 0
