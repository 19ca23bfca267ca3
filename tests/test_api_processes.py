"""The open-data API's processes (``/api/v1/processes/``) and the processes dataset."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from delaktig.core import contributions
from delaktig.participation import opendata
from delaktig.participation.models import (
    Feedback,
    Perspective,
    Process,
    ProcessTransition,
    SdgGoal,
    SdgTarget,
    TargetGroup,
)
from tests.factories import (
    BodyFactory,
    ModuleFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PhaseFactory,
    ProcessFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
URL = "/api/v1/processes/"


@pytest.fixture(autouse=True)
def _fixed_now(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


def _full_process(**kwargs: Any) -> Process:
    """A public process with everything the page shows: facts, phases, modules, feedback."""
    official = UserFactory()
    process = ProcessFactory(
        created_by=official,
        responsible_body=kwargs.pop("responsible_body", None),
        published_at=NOW - timedelta(days=20),
        decision_expected=NOW.date() + timedelta(days=60),
        **kwargs,
    )
    process.perspectives.add(Perspective.objects.get(code="barn_och_unga"))
    process.target_groups.add(TargetGroup.objects.get(code="unga"))
    process.sdg_goals.add(SdgGoal.objects.get(number=11))
    process.sdg_targets.add(SdgTarget.objects.get(code="11.3"))
    process.municipalities.add(MunicipalityFactory(code="2380", name="Östersund"))
    module = ModuleFactory(process=process, title="Samtal om parken")
    PhaseFactory(
        module=module,
        process=process,
        name="Tyck till",
        starts_at=NOW - timedelta(days=10),
        ends_at=NOW + timedelta(days=10),
    )
    ProcessTransition.objects.create(
        process=process,
        action="publish",
        from_status="draft",
        to_status="published",
        actor=official,
    )
    return process


def _feedback(process: Process, *, published: bool) -> Feedback:
    return Feedback.objects.create(
        process=process,
        heard="Många ville ha fler bänkar.",
        decided="Nämnden beslutade att bygga om parken.",
        reasons="Synpunkterna pekade åt samma håll.",
        decision_reference="§ 12, 2026-03-01",
        published_at=NOW - timedelta(days=1) if published else None,
        author=UserFactory(),
    )


def _get(client: Client, url: str, **params: Any) -> Any:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_public_process_is_shown_as_on_its_page(client: Client) -> None:
    body = BodyFactory(name="Regionala utvecklingsnämnden")
    process = _full_process(
        organisation=body.organisation, responsible_body=body, status="feedback_published"
    )
    _feedback(process, published=True)

    data = _get(client, f"{URL}{process.slug}")

    assert data["slug"] == process.slug and data["title"] == process.title
    assert data["url"].endswith(f"/processer/{process.slug}/") or data["url"].endswith(
        process.get_absolute_url()
    )
    assert data["url"].startswith("http")
    assert data["organisation"] == process.organisation.slug
    assert data["responsible_body"] == "Regionala utvecklingsnämnden"
    assert data["ladder_step"]["number"] == 3 and data["ladder_step"]["key"] == "dialogue"
    assert data["status"] == "feedback_published"
    assert [p["code"] for p in data["perspectives"]] == ["barn_och_unga"]
    assert [t["code"] for t in data["target_groups"]] == ["unga"]
    assert [g["number"] for g in data["sdg_goals"]] == [11]
    assert data["sdg_targets"] == [{"code": "11.3", "goal": 11}]
    assert data["municipalities"] == [{"code": "2380", "name": "Östersund"}]
    (module,) = data["modules"]
    assert module["kind"] == "discussion" and module["title"] == "Samtal om parken"
    assert module["url"].endswith(f"{process.get_absolute_url()}#module-{module['id']}")
    (phase,) = data["phases"]
    assert phase["name"] == "Tyck till" and phase["module_id"] == module["id"]
    assert phase["allows"] == ["comment"] and phase["phase_type"] == "discussion"
    assert data["feedback"]["decided"] == "Nämnden beslutade att bygga om parken."
    assert data["feedback"]["decision_reference"] == "§ 12, 2026-03-01"
    assert data["history"] == [{"status": "published", "at": "2026-03-10T12:00:00Z"}]
    assert data["decision_expected"] == "2026-05-09"


def test_no_personal_data_is_shown(client: Client) -> None:
    process = _full_process(status="feedback_published")
    feedback = _feedback(process, published=True)
    emails = [process.created_by.email, feedback.author.email]
    raw = client.get(f"{URL}{process.slug}").content.decode()
    listed = client.get(URL).content.decode()
    for text in (raw, listed):
        assert not any(email in text for email in emails)
        assert "created_by" not in text and "author" not in text and "actor" not in text


def test_unpublished_feedback_and_drafts_are_not_shown(client: Client) -> None:
    closed = _full_process(status="closed")
    _feedback(closed, published=False)
    draft = ProcessFactory(status="draft", title="Hemligt utkast")

    assert _get(client, f"{URL}{closed.slug}")["feedback"] is None
    listed = _get(client, URL)
    assert [item["slug"] for item in listed["items"]] == [closed.slug]
    missing = client.get(f"{URL}{draft.slug}")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert client.get(f"{URL}finns-inte").status_code == 404


def test_the_list_is_paged_with_a_cursor(client: Client) -> None:
    slugs = [ProcessFactory().slug for _ in range(5)]
    first = _get(client, URL, limit=2)
    assert [item["slug"] for item in first["items"]] == slugs[:2]
    assert first["next"].startswith("http") and "cursor=" in first["next"]
    second = _get(client, URL, limit=2, cursor=first["next_cursor"])
    third = _get(client, URL, limit=2, cursor=second["next_cursor"])
    assert [item["slug"] for item in second["items"] + third["items"]] == slugs[2:]
    assert third["next"] is None and third["next_cursor"] is None
    bad = client.get(URL, {"cursor": "inte-en-markör"})
    assert bad.status_code == 400 and bad.json()["code"] == "api.bad_cursor"


def test_filters_match_the_list_page(client: Client) -> None:
    organisation = OrganisationFactory(slug="region-jamtland-harjedalen")
    full = _full_process(organisation=organisation, status="open")
    other = ProcessFactory(status="closed", ladder_step=1)
    archived = ProcessFactory(status="archived", ladder_step=5)

    def slugs(**params: Any) -> list[str]:
        return [item["slug"] for item in _get(client, URL, **params)["items"]]

    assert slugs(organisation=organisation.slug) == [full.slug]
    assert slugs(status="closed") == [other.slug]
    assert slugs(open="true") == [full.slug]
    assert slugs(open="false") == [other.slug, archived.slug]
    assert slugs(step=5) == [archived.slug]
    assert slugs(perspective="barn_och_unga") == [full.slug]
    assert slugs(target_group="unga") == [full.slug]
    assert slugs(goal=11) == [full.slug]
    assert slugs(goal=3) == []
    assert slugs(municipality="2380") == [full.slug]
    assert slugs(updated_since="2026-03-10T11:00:00Z") == [full.slug, other.slug, archived.slug]
    Process.objects.filter(pk=other.pk).update(updated=NOW - timedelta(days=3))
    assert other.slug not in slugs(updated_since="2026-03-09T00:00:00+01:00")


def test_bad_filters_say_which_parameter(client: Client) -> None:
    unknown = client.get(URL, {"organisation": "finns-inte"})
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "api.unknown_organisation"
    assert unknown.json()["field"] == "organisation"
    for params in ({"step": 9}, {"status": "draft"}, {"goal": 18}, {"municipality": "23"}):
        response = client.get(URL, params)
        assert response.status_code == 400, params
        assert response.json()["code"] == "api.invalid_parameter"
        assert response.json()["field"] == next(iter(params))
    far = client.get(URL, {"updated_since": "0001-01-01T00:00:00+05:00"})
    assert far.status_code in (200, 400)


def test_conditional_get_by_etag_and_no_last_modified(client: Client) -> None:
    # A phase or module edited leaves no date on the process, so the process has its ETag
    # only: a Last-Modified could claim "unchanged" wrongly.
    process = _full_process(status="feedback_published")
    _feedback(process, published=True)
    response = client.get(f"{URL}{process.slug}")
    assert "Last-Modified" not in response
    again = client.get(f"{URL}{process.slug}", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_query_count_does_not_grow_with_the_page_size(client: Client) -> None:
    for _ in range(8):
        process = _full_process(status="feedback_published")
        _feedback(process, published=True)
        ModuleFactory(process=process, title="En till")

    def count(limit: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            data = _get(client, URL, limit=limit)
        assert len(data["items"]) == limit
        return len(queries.captured_queries)

    assert count(2) == count(6)


def test_the_dataset_dumps_what_the_api_shows() -> None:
    organisation = OrganisationFactory()
    process = _full_process(organisation=organisation, status="feedback_published")
    feedback = _feedback(process, published=True)
    hidden = _full_process(organisation=organisation, status="closed")
    _feedback(hidden, published=False)
    ProcessFactory(organisation=organisation, status="draft")
    ProcessFactory(status="open")  # another organisation's

    dataset = next(d for d in contributions.datasets() if d.key == "participation.processes")
    assert dataset is opendata.DATASET and dataset.api_path == "/api/v1/processes/"
    tables = {table.name: table for table in dataset.tables}
    rows = {name: list(table.rows(organisation)) for name, table in tables.items()}
    for name, table in tables.items():
        for row in rows[name]:
            assert tuple(row) == table.columns, name

    assert [r["slug"] for r in rows["processes.csv"]] == [process.slug, hidden.slug]
    first = rows["processes.csv"][0]
    assert first["ladder_step_key"] == "dialogue" and first["sdg_goals"] == "11"
    assert first["perspectives"] == "barn_och_unga" and first["municipalities"] == "2380"
    assert [r["process_slug"] for r in rows["phases.csv"]] == [process.slug, hidden.slug]
    assert rows["phases.csv"][0]["allows"] == "comment"
    assert [r["process_slug"] for r in rows["feedback.csv"]] == [process.slug]
    assert rows["feedback.csv"][0]["heard"] == "Många ville ha fler bänkar."
    assert len(rows["modules.csv"]) == 2 and len(rows["history.csv"]) == 2
    dumped = repr(rows)
    assert process.created_by.email not in dumped
    assert feedback.author.email not in dumped

    assert dataset.coverage(organisation) == (date_of(NOW - timedelta(days=20)), NOW.date())
    assert dataset.modified(organisation) == NOW
    assert dataset.modified(OrganisationFactory()) is None


def date_of(moment: datetime) -> Any:
    return moment.date()


def test_the_openapi_document_describes_the_operations(client: Client) -> None:
    document = _get(client, "/api/v1/openapi.json")
    list_op = document["paths"]["/api/v1/processes/"]["get"]
    get_op = document["paths"]["/api/v1/processes/{slug}"]["get"]
    assert list_op["operationId"] == "processes_list"
    assert get_op["operationId"] == "processes_get"
    assert {"200", "400", "429"} <= set(list_op["responses"])
    assert {"200", "400", "404", "429"} <= set(get_op["responses"])
    names = {p["name"] for p in list_op["parameters"]}
    assert {"organisation", "status", "step", "perspective", "goal", "municipality"} <= names
