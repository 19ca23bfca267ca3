"""The open-data API's impact assessments (``/api/v1/assessments/``) and their dataset."""

from datetime import UTC, date, datetime
from itertools import count
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from delaktig.assessments import services
from delaktig.assessments.kinds import CHILD, FieldType
from delaktig.assessments.models import ImpactAssessment
from delaktig.core import contributions
from delaktig.participation.workflow import Status as ProcessStatus
from tests.factories import (
    ImpactAssessmentFactory,
    OrganisationFactory,
    ProcessFactory,
    UserFactory,
    complete_child_answers,
    role,
)
from tests.followup_factories import ActivityFactory, AreaFactory, PlanFactory, StrategyFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
URL = "/api/v1/assessments/"
MANAGERS = count(1)


@pytest.fixture(autouse=True)
def _fixed_now(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


def _signed_off(assessment: ImpactAssessment, note: str = "Godkänd av nämnden.") -> Any:
    author = assessment.prepared_by
    services.assessment_save_answers(
        actor=author, assessment=assessment, answers=complete_child_answers()
    )
    services.assessment_mark_ready(actor=author, assessment=assessment)
    manager = role(
        UserFactory(email=f"chef{next(MANAGERS)}@example.se", display_name="Chef Chefsson"),
        "official",
        assessment.organisation,
    )
    return services.assessment_sign_off(actor=manager, assessment=assessment, note=note)


def _world() -> dict[str, Any]:
    organisation = OrganisationFactory(slug="region-norr")
    process = ProcessFactory(organisation=organisation, slug="fritidsgardar")
    activity = ActivityFactory(
        area=AreaFactory(plan=PlanFactory(strategy=StrategyFactory(organisation=organisation))),
        position=4,
    )
    about_process = _signed_off(
        ImpactAssessmentFactory(
            organisation=organisation,
            title="Öppettider",
            process=process,
            prepared_by=role(
                UserFactory(email="skribent@example.se", display_name="Sara Skribent"),
                "official",
                organisation,
            ),
        )
    )
    about_activity = _signed_off(
        ImpactAssessmentFactory(organisation=organisation, title="Ungdomsråd", activity=activity)
    )
    draft = ImpactAssessmentFactory(organisation=organisation, title="Utkastet")
    ready = ImpactAssessmentFactory(organisation=organisation, title="Väntande")
    services.assessment_save_answers(
        actor=ready.prepared_by, assessment=ready, answers=complete_child_answers()
    )
    services.assessment_mark_ready(actor=ready.prepared_by, assessment=ready)
    unpublished = _signed_off(
        ImpactAssessmentFactory(organisation=organisation, title="Opublicerad")
    )
    ImpactAssessment.objects.filter(pk=unpublished.pk).update(published=False)
    reopened = _signed_off(ImpactAssessmentFactory(organisation=organisation, title="Återöppnad"))
    manager = role(UserFactory(), "official", organisation)
    services.assessment_reopen(actor=manager, assessment=reopened, reason="Ny kunskap.")
    return {
        "organisation": organisation,
        "process": process,
        "activity": activity,
        "about_process": about_process,
        "about_activity": about_activity,
        "hidden": [draft, ready, unpublished, reopened],
    }


def _get(client: Client, path: str = "", **params: Any) -> Any:
    response = client.get(f"{URL}{path}", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_signed_off_assessment_is_shown_as_on_its_page(client: Client) -> None:
    world = _world()
    body = _get(client)
    assert [item["title"] for item in body["items"]] == ["Öppettider", "Ungdomsråd"]
    first = body["items"][0]
    assert first["organisation"] == "region-norr"
    assert (first["kind"], first["kind_name"]) == ("child", "Barnkonsekvensanalys")
    assert first["signed_off_at"].startswith("2026-03-10T12:00:00")
    assert first["signoff_note"] == "Godkänd av nämnden."
    assert first["process"]["slug"] == "fritidsgardar" and first["activity"] is None
    second = body["items"][1]
    assert second["activity"]["id"] == world["activity"].pk
    assert second["activity"]["code"] == world["activity"].code
    detail = _get(client, str(world["about_process"].pk))
    assert [section["key"] for section in detail["sections"]] == [s.key for s in CHILD.sections]
    for section, template in zip(detail["sections"], CHILD.sections, strict=True):
        assert section["label"] == str(template.label)
        if template.field_type is FieldType.MULTICHOICES:
            assert section["answer"] is None
            assert section["choices"] == [str(o.label) for o in template.options[:2]]
        elif template.field_type is FieldType.CHOICES:
            assert section["answer"] == str(template.options[0].label)
        else:
            assert section["answer"] == f"Svar om {template.key}."
    assert detail["description"]


def test_drafts_waiting_unpublished_and_reopened_ones_are_not_shown(client: Client) -> None:
    world = _world()
    text = client.get(URL).content.decode()
    for title in ("Utkastet", "Väntande", "Opublicerad", "Återöppnad"):
        assert title not in text
    for hidden in [*world["hidden"], None]:
        pk = hidden.pk if hidden is not None else 999999
        response = client.get(f"{URL}{pk}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_links_to_what_is_not_public_are_left_out(client: Client) -> None:
    world = _world()
    world["process"].status = ProcessStatus.DRAFT
    world["process"].save()
    plan = world["activity"].area.plan
    plan.published = False
    plan.save()
    body = _get(client)
    assert [(item["process"], item["activity"]) for item in body["items"]] == [
        (None, None),
        (None, None),
    ]
    assert "fritidsgardar" not in client.get(URL).content.decode()


def test_no_personal_data_is_shown(client: Client) -> None:
    world = _world()
    for path in ("", str(world["about_process"].pk), str(world["about_activity"].pk)):
        text = client.get(f"{URL}{path}").content.decode()
        assert "@example.se" not in text
        for name in ("Chef Chefsson", "Sara Skribent", "prepared_by", "signed_off_by"):
            assert name not in text


def test_filters(client: Client) -> None:
    world = _world()
    other = OrganisationFactory(slug="region-syd")
    environment = _signed_off(ImpactAssessmentFactory(organisation=other, title="Miljö"))
    ImpactAssessment.objects.filter(pk=environment.pk).update(
        kind="environment", answers={}, signed_off_at=datetime(2025, 6, 1, 10, tzinfo=UTC)
    )

    def titles(**params: Any) -> list[str]:
        return [item["title"] for item in _get(client, **params)["items"]]

    assert titles(organisation="region-syd") == ["Miljö"]
    assert titles(kind="environment") == ["Miljö"]
    assert titles(year=2025) == ["Miljö"]
    assert titles(year=2026) == ["Öppettider", "Ungdomsråd"]
    assert titles(process="fritidsgardar") == ["Öppettider"]
    assert titles(activity=world["activity"].pk) == ["Ungdomsråd"]
    response = client.get(URL, {"organisation": "finns-inte"})
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (
        "api.unknown_organisation",
        "organisation",
    )
    response = client.get(URL, {"kind": "okand"})
    assert (response.status_code, response.json()["field"]) == (400, "kind")


def test_the_list_is_paged_with_a_cursor(client: Client) -> None:
    _world()
    body = _get(client, limit=1)
    assert len(body["items"]) == 1 and body["next_cursor"]
    rest = _get(client, limit=1, cursor=body["next_cursor"])
    assert rest["items"][0]["id"] > body["items"][0]["id"]
    assert rest["next_cursor"] is None and rest["next"] is None
    response = client.get(URL, {"cursor": "inte-en-markör"})
    assert (response.status_code, response.json()["code"]) == (400, "api.bad_cursor")


def test_query_count_does_not_grow_with_the_page_size(client: Client) -> None:
    world = _world()
    organisation = world["organisation"]
    for number in range(6):
        process = ProcessFactory(organisation=organisation)
        activity = ActivityFactory(
            area=AreaFactory(plan=PlanFactory(strategy=StrategyFactory(organisation=organisation)))
        )
        link: dict[str, Any] = {"process": process} if number % 2 else {"activity": activity}
        _signed_off(ImpactAssessmentFactory(organisation=organisation, **link))
    counts = []
    for limit in (2, 6):
        with CaptureQueriesContext(connection) as queries:
            body = _get(client, limit=limit, organisation="region-norr")
        assert len(body["items"]) == limit
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_last_modified_and_conditional_get(client: Client) -> None:
    world = _world()
    response = client.get(f"{URL}{world['about_process'].pk}")
    assert response["Last-Modified"] == "Tue, 10 Mar 2026 12:00:00 GMT"
    again = client.get(
        f"{URL}{world['about_process'].pk}", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]
    )
    assert again.status_code == 304


def test_the_dataset_dumps_what_the_api_shows(client: Client) -> None:
    world = _world()
    organisation = world["organisation"]
    (dataset,) = [d for d in contributions.datasets() if d.key == "assessments.assessments"]
    assert dataset.api_path == URL
    assessments, sections = dataset.tables
    assert (assessments.name, sections.name) == ("assessments.csv", "assessment_sections.csv")
    rows = list(assessments.rows(organisation))
    assert all(tuple(row) == assessments.columns for row in rows)
    api_items = _get(client)["items"]
    assert [row["id"] for row in rows] == [item["id"] for item in api_items]
    assert [row["title"] for row in rows] == ["Öppettider", "Ungdomsråd"]
    assert (rows[0]["process"], rows[0]["activity"]) == ("fritidsgardar", None)
    assert (rows[1]["activity"], rows[1]["activity_code"]) == (
        world["activity"].pk,
        world["activity"].code,
    )
    section_rows = list(sections.rows(organisation))
    assert all(tuple(row) == sections.columns for row in section_rows)
    assert len(section_rows) == 2 * len(CHILD.sections)
    detail = _get(client, str(world["about_process"].pk))
    mine = [row for row in section_rows if row["assessment"] == world["about_process"].pk]
    for row, section in zip(mine, detail["sections"], strict=True):
        assert row["key"] == section["key"]
        expected = (
            section["answer"] if section["answer"] is not None else "; ".join(section["choices"])
        )
        assert row["answer"] == expected
    assert "@example.se" not in str(rows) + str(section_rows)
    assert dataset.coverage(organisation) == (date(2026, 3, 10), date(2026, 3, 10))
    assert dataset.modified(organisation) == NOW
    assert dataset.coverage(OrganisationFactory()) == (None, None)


def test_the_openapi_document_describes_the_operations(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operations = {
        operation["operationId"]: operation
        for path, item in schema["paths"].items()
        if path.startswith(URL)
        for operation in item.values()
    }
    assert set(operations) == {"assessments_list", "assessments_get"}
    for operation in operations.values():
        assert operation["summary"] and {"200", "400", "429"} <= set(operation["responses"])
    assert "404" in operations["assessments_get"]["responses"]
