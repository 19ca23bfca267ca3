"""The open-data API for participatory budgets (``/api/v1/budgets/``) and the dataset
``budgeting.budgets``: public ideas only, the result only once published, no voting register,
constant query counts."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from delaktig.budgeting import services
from delaktig.budgeting.models import Ballot, Budget, Project, Voter
from delaktig.budgeting.workflow import ProjectStatus
from delaktig.core.contributions import dataset
from delaktig.followup.models import ActionPlan
from tests.budgeting_factories import ballot, budget_module, official_of, project
from tests.factories import OrganisationFactory, UserFactory
from tests.followup_factories import ActivityFactory, StrategyFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2031, 5, 10, 12, 0))
URL = "/api/v1/budgets/"


@pytest.fixture
def frozen(time_machine: Any) -> datetime:
    time_machine.move_to(NOW, tick=False)
    return NOW


def get(path: str, **params: Any) -> Any:
    return Client().get(path, params)


def voted(**values: Any) -> Budget:
    """A knapsack budget of 100 000 kr with three projects on the ballot and three ballots:
    1+3, 1 and 2+3 (projects 1 and 3 win)."""
    budget = budget_module(now=NOW, amount=100_000, **values)
    ballot(budget, [60_000, 50_000, 30_000])
    for i, choices in enumerate(([1, 3], [1], [2, 3])):
        Ballot.objects.create(budget=budget, receipt=f"R{i}", choices=choices, channel="digital")
        Voter.objects.create(
            budget=budget, identity_hash=f"hash-{i}", channel="digital", voted_on=NOW.date()
        )
    return budget


def publish(budget: Budget, *, only_count: bool = False) -> Budget:
    official = official_of(budget)
    budget = services.budget_count(actor=official, budget=budget, now=NOW + timedelta(days=30))
    if not only_count:
        budget = services.budget_publish(actor=official, budget=budget)
    return budget


def test_lists_budgets_of_public_processes_only(frozen: datetime) -> None:
    shown = budget_module(now=NOW)
    hidden = budget_module(now=NOW)
    hidden.module.process.status = "draft"
    hidden.module.process.save()

    body = get(URL).json()

    assert [item["id"] for item in body["items"]] == [shown.pk]
    item = body["items"][0]
    assert item["amount"] == 1_000_000
    assert item["method"] == "knapsack"
    assert item["organisation"] == shown.module.process.organisation.slug
    assert get(f"{URL}{hidden.pk}").status_code == 404
    assert get(f"{URL}{hidden.pk}/projects").status_code == 404


def test_filters_and_pages(frozen: datetime) -> None:
    organisation = OrganisationFactory()
    mine = [budget_module(now=NOW, organisation=organisation).pk for _i in range(3)]
    budget_module(now=NOW)

    first = get(URL, organisation=organisation.slug, limit=2).json()
    assert [item["id"] for item in first["items"]] == mine[:2]
    second = get(URL, organisation=organisation.slug, limit=2, cursor=first["next_cursor"])
    assert [item["id"] for item in second.json()["items"]] == mine[2:]
    assert second.json()["next"] is None

    refused = get(URL, organisation="finns-inte")
    assert refused.status_code == 400
    assert refused.json()["code"] == "api.unknown_organisation"


def test_projects_are_the_public_ideas_with_their_reasons(frozen: datetime) -> None:
    budget = budget_module(now=NOW, stage="review")
    person = UserFactory(email="forslag@example.org", display_name="Ada Förslagsställare")
    shown = project(budget, author=person, author_name="Ada Förslagsställare")
    left_off = project(
        budget, status=ProjectStatus.NOT_ON_BALLOT.value, reason="Kommunen äger inte marken."
    )
    held = project(budget, status=ProjectStatus.HELD.value, title="Hållet förslag")

    response = get(f"{URL}{budget.pk}/projects")
    body = response.json()
    text = response.content.decode()

    by_id = {item["id"]: item for item in body["items"]}
    assert set(by_id) == {shown.pk, left_off.pk}
    assert held.title not in text
    assert by_id[left_off.pk]["reason"] == "Kommunen äger inte marken."
    assert by_id[shown.pk]["reason"] is None
    assert by_id[shown.pk]["author_name"] == "Ada Förslagsställare"
    assert "forslag@example.org" not in text
    assert not {"author", "author_id", "email"} & set(by_id[shown.pk])

    only = get(f"{URL}{budget.pk}/projects", status="not_on_ballot").json()
    assert [item["id"] for item in only["items"]] == [left_off.pk]
    wrong = get(f"{URL}{budget.pk}/projects", status="held")
    assert wrong.status_code == 400 and wrong.json()["field"] == "status"


def test_no_result_before_publication(frozen: datetime) -> None:
    budget = publish(voted(), only_count=True)
    body = get(f"{URL}{budget.pk}").json()
    assert body["status"] == "counted"
    assert body["results"] is None


def test_the_published_result(frozen: datetime) -> None:
    budget = publish(voted())

    response = get(f"{URL}{budget.pk}")
    assert response.status_code == 200
    body = response.json()
    results = body["results"]

    assert results["valid"] == 3 and results["spent"] == 90_000
    assert results["voters"] == {"digital": 3, "paper": 0}
    votes = {row["number"]: (row["votes"], row["funded"]) for row in results["rows"]}
    assert votes == {1: (2, True), 2: (1, False), 3: (2, True)}
    assert results["ballots_csv"].endswith(f"/{budget.module_id}/rostsedlar.csv")
    assert len(results["areas"]) == 1 and results["areas"][0]["votes"] == 5
    # No voting register: neither the hashes nor anything of a voter.
    assert "hash-" not in response.content.decode()


def test_a_winners_activity_is_named_only_once_its_plan_is_published(frozen: datetime) -> None:
    budget = publish(voted())
    winner = budget.projects.get(number=1)
    strategy = StrategyFactory(organisation=budget.module.process.organisation)
    draft = ActivityFactory(
        title="Utkast till aktivitet",
        area__plan__published=False,
        area__plan__strategy=strategy,
    )
    Project.objects.filter(pk=winner.pk).update(activity=draft)

    rows = {row["number"]: row for row in get(f"{URL}{budget.pk}").json()["results"]["rows"]}
    assert rows[1]["activity"]["id"] == draft.pk
    assert rows[1]["activity"]["title"] is None
    assert "Utkast till aktivitet" not in get(f"{URL}{budget.pk}").content.decode()

    ActionPlan.objects.filter(pk=draft.area.plan_id).update(published=True)
    rows = {row["number"]: row for row in get(f"{URL}{budget.pk}").json()["results"]["rows"]}
    assert rows[1]["activity"]["title"] == "Utkast till aktivitet"


def test_unknown_budget_is_404(frozen: datetime) -> None:
    missing = get(f"{URL}424242")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_query_counts_do_not_grow_with_the_page(frozen: datetime) -> None:
    organisation = OrganisationFactory()
    budgets = [budget_module(now=NOW, organisation=organisation) for _i in range(7)]
    for _i in range(7):
        project(budgets[0], area=budgets[0].module.process.organisation.municipalities.first())

    def count(path: str, limit: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert get(path, limit=limit).status_code == 200
        return len(queries)

    assert count(URL, 2) == count(URL, 6)
    projects = f"{URL}{budgets[0].pk}/projects"
    assert count(projects, 2) == count(projects, 6)


def test_the_dataset_dumps_what_the_api_shows(frozen: datetime) -> None:
    budget = publish(voted())
    project(budget, status=ProjectStatus.HELD.value, title="Hållet förslag")
    organisation = budget.module.process.organisation
    declared = dataset("budgeting.budgets")
    tables = {t.name: t for t in declared.tables}

    projects = list(tables["projects.csv"].rows(organisation))
    assert {row["title"] for row in projects} == {"Projekt 1", "Projekt 2", "Projekt 3"}
    results = list(tables["results.csv"].rows(organisation))
    assert {(row["number"], row["votes"], row["funded"]) for row in results} == {
        (1, 2, True),
        (2, 1, False),
        (3, 2, True),
    }
    for table in declared.tables:
        for row in table.rows(organisation):
            assert set(row) == set(table.columns)
    first, last = declared.coverage(organisation)
    assert first is not None and last is not None and first < last
    assert declared.modified(organisation) is not None
