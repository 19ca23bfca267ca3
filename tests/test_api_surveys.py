"""The open-data API for survey results (``/api/v1/surveys/``) and the dataset
``surveys.results``: only published results of closed surveys, the page's figures with the
same small-group suppression, never free text, constant query counts."""

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from delaktig.core.contributions import dataset
from delaktig.participation.models import Phase
from delaktig.surveys.models import Response, Survey
from tests.factories import UserFactory
from tests.survey_helpers import Built, build_survey, population
from tests.survey_helpers import answer_directly as answer_now

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2031, 3, 10, 12, 0))
URL = "/api/v1/surveys/"


@pytest.fixture
def frozen(time_machine: Any) -> datetime:
    time_machine.move_to(NOW, tick=False)
    return NOW


def closed_survey(*, public: bool = True, days_ago: int = 1) -> Built:
    built = build_survey(starts_at=NOW - timedelta(days=30), ends_at=NOW - timedelta(days=days_ago))
    built.survey.results_public = public
    built.survey.save()
    return built


def answer_directly(built: Built, **values: Any) -> Response:
    """A response sent in while the survey was open (five days before it closed)."""
    with time_machine.travel(NOW - timedelta(days=5), tick=False):
        return answer_now(built, **values)


def answer_mix(built: Built) -> None:
    """20 respondents: 10 women in Östersund (bus), 4 men in Ragunda (car), a group too small
    to show, and 6 of another sex (car), hidden with it so that the men's figures cannot be
    worked out from the totals."""
    ragunda, ostersund = built.places
    for _i in range(10):
        answer_directly(
            built,
            transport=0,
            sex="kvinna",
            age="30–44",
            place=ostersund,
            text="Fler turer",
            trips=3,
        )
    for _i in range(4):
        answer_directly(built, transport=1, sex="man", age="45–64", place=ragunda, trips=8)
    for _i in range(6):
        answer_directly(built, transport=1, sex="annat", age="30–44", place=ostersund, trips=3)


def get(path: str, **params: Any) -> Any:
    response = Client().get(path, params)
    return response


def test_lists_only_closed_surveys_with_public_results(frozen: datetime) -> None:
    shown = closed_survey()
    closed_survey(public=False)
    running = build_survey(starts_at=NOW - timedelta(days=3), ends_at=NOW + timedelta(days=3))
    running.survey.results_public = True
    running.survey.save()
    draft = closed_survey()
    draft.survey.module.process.status = "draft"
    draft.survey.module.process.save()

    body = get(URL).json()

    assert [item["id"] for item in body["items"]] == [shown.survey.pk]
    item = body["items"][0]
    assert item["organisation"] == shown.organisation.slug
    assert item["title"] == "Resvaneenkät"
    assert item["results"].endswith(f"/api/v1/surveys/{shown.survey.pk}/results")
    for hidden in (running, draft):
        assert get(f"{URL}{hidden.survey.pk}/results").status_code == 404


def test_filters_by_organisation_and_rejects_an_unknown_one(frozen: datetime) -> None:
    first = closed_survey()
    closed_survey()
    body = get(URL, organisation=first.organisation.slug).json()
    assert [item["id"] for item in body["items"]] == [first.survey.pk]

    refused = get(URL, organisation="finns-inte")
    assert refused.status_code == 400
    assert refused.json()["code"] == "api.unknown_organisation"
    assert refused.json()["field"] == "organisation"


def test_pages_follow_the_cursor(frozen: datetime) -> None:
    made = [closed_survey().survey.pk for _i in range(3)]
    first = get(URL, limit=2).json()
    assert [item["id"] for item in first["items"]] == made[:2]
    second = get(URL, limit=2, cursor=first["next_cursor"]).json()
    assert [item["id"] for item in second["items"]] == made[2:]
    assert second["next"] is None


def test_results_are_the_pages_figures_with_small_groups_suppressed(frozen: datetime) -> None:
    built = closed_survey()
    answer_mix(built)
    unfinished = Response.objects.create(survey=built.survey, sex="man")
    assert unfinished.submitted_at is None

    response = get(f"{URL}{built.survey.pk}/results")
    assert response.status_code == 200
    body = response.json()

    assert body["respondents"] == 20
    assert body["min_group_size"] == 5
    by_id = {q["id"]: q for q in body["questions"]}
    transport = by_id[built.transport.pk]
    assert [(c["label"], c["count"]) for c in transport["choices"]] == [
        ("Buss", 10),
        ("Bil", 10),
        ("Cykel", 0),
    ]
    assert transport["choices"][0]["share"] == pytest.approx(0.5)
    assert transport["choices"][0]["weighted_share"] is None  # not weighted

    sex = next(b for b in transport["breakdowns"] if b["variable"] == "sex")
    rows = {row["group"]: row for row in sex["rows"]}
    assert rows["kvinna"]["respondents"] == 10
    assert rows["kvinna"]["cells"][0] == {
        "choice_id": built.transport.choices.get(label="Buss").pk,
        "count": 10,
        "share": 1.0,
        "suppressed": False,
    }
    # A group of 4 is not shown: neither its size nor its counts.
    assert rows["man"]["respondents"] is None
    assert all(cell["count"] is None and cell["suppressed"] for cell in rows["man"]["cells"])
    assert rows["annat"]["respondents"] is None  # hidden with it
    place = next(b for b in transport["breakdowns"] if b["variable"] == "municipality")
    assert {row["group"] for row in place["rows"]} >= {"2303", "2380"}

    trips = by_id[built.trips.pk]
    assert trips["number"]["n"] == 20
    assert trips["number"]["median"] == pytest.approx(3.0)

    free = by_id[built.free.pk]
    assert free["free_text_answers"] == 10
    assert "Fler turer" not in response.content.decode()  # free text is never published


def test_representativeness_hides_small_groups(frozen: datetime) -> None:
    built = closed_survey()
    built.survey.population_table = population(built.organisation)
    built.survey.save()
    answer_mix(built)

    body = get(f"{URL}{built.survey.pk}/results").json()

    assert body["population_table"] == "Folkmängd 2024"
    sex = next(v for v in body["representativeness"] if v["variable"] == "sex")
    groups = {g["group"]: g for g in sex["groups"]}
    assert groups["man"]["respondents"] is None
    assert groups["man"]["respondent_share"] is None
    assert groups["man"]["response_rate_ratio"] is None
    assert groups["man"]["population_share"] == pytest.approx(0.5)


def test_weighted_figures_when_the_page_shows_them(frozen: datetime) -> None:
    built = closed_survey()
    built.survey.population_table = population(built.organisation)
    built.survey.weighting_margins = ["sex"]
    built.survey.save()
    answer_mix(built)
    # Enough men for raking on sex.
    for _i in range(6):
        answer_directly(built, transport=2, sex="man", age="30–44", place=built.places[1])

    body = get(f"{URL}{built.survey.pk}/results").json()

    assert body["weighting"]["margins"] == ["sex"]
    assert body["weighting"]["error"] is None
    transport = next(q for q in body["questions"] if q["id"] == built.transport.pk)
    assert all(c["weighted_share"] is not None for c in transport["choices"])


def test_no_personal_data_in_the_body(frozen: datetime) -> None:
    built = closed_survey()
    person = UserFactory(email="svarande@example.org", display_name="Svarande Person")
    response = answer_directly(built, transport=0, sex="kvinna", age="30–44")
    Response.objects.filter(pk=response.pk).update(respondent=person)

    body = get(f"{URL}{built.survey.pk}/results").content.decode()
    listed = get(URL).content.decode()
    for text in (body, listed):
        assert "svarande@example.org" not in text
        assert "Svarande Person" not in text
        assert response.resume_token not in text


def test_unknown_survey_is_404(frozen: datetime) -> None:
    missing = get(f"{URL}999999/results")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def test_list_query_count_does_not_grow_with_the_page(frozen: datetime) -> None:
    for _i in range(7):
        built = closed_survey()
        answer_directly(built, transport=0)

    def count(limit: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert get(URL, limit=limit).status_code == 200
        return len(queries)

    assert count(2) == count(6)


def test_results_query_count_does_not_grow_with_responses(frozen: datetime) -> None:
    small, large = closed_survey(), closed_survey()
    answer_directly(small, transport=0, sex="kvinna")
    answer_mix(large)

    def count(survey: Survey) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert get(f"{URL}{survey.pk}/results").status_code == 200
        return len(queries)

    assert count(small.survey) == count(large.survey)


def test_the_dataset_dumps_what_the_api_shows(frozen: datetime) -> None:
    built = closed_survey()
    answer_mix(built)
    closed_survey(public=False)  # not in the dump
    declared = dataset("surveys.results")
    tables = {t.name: t for t in declared.tables}

    surveys = list(tables["surveys.csv"].rows(built.organisation))
    assert [row["survey_id"] for row in surveys] == [built.survey.pk]
    for table in declared.tables:
        for row in table.rows(built.organisation):
            assert set(row) == set(table.columns)
    breakdowns = list(tables["breakdowns.csv"].rows(built.organisation))
    men = [
        r
        for r in breakdowns
        if r["variable"] == "sex" and r["group"] == "man" and r["question_id"] == built.transport.pk
    ]
    assert men and all(r["count"] is None and r["respondents"] is None for r in men)
    choices = list(tables["choices.csv"].rows(built.organisation))
    assert {
        (r["choice"], r["count"]) for r in choices if r["question_id"] == built.transport.pk
    } == {
        ("Buss", 10),
        ("Bil", 10),
        ("Cykel", 0),
    }
    assert "Fler turer" not in json.dumps(list(tables["questions.csv"].rows(built.organisation)))
    first, last = declared.coverage(built.organisation)
    assert first == (NOW - timedelta(days=30)).date()
    assert last == (NOW - timedelta(days=1)).date()
    assert declared.modified(built.organisation) is not None


def test_the_survey_closing_later_hides_it_again(frozen: datetime) -> None:
    built = closed_survey()
    Phase.objects.filter(module_id=built.survey.module_id).update(ends_at=NOW + timedelta(days=1))
    assert get(f"{URL}{built.survey.pk}/results").status_code == 404
