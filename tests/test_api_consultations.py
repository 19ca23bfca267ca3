"""The open-data API for consultations on draft documents (``/api/v1/consultations/``) and the
dataset ``consultations.consultations``: published versions and comments only, names as the
pages give them, answers and the compilation once published, constant query counts."""

from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from delaktig.consultations import services
from delaktig.consultations.models import Comment, Consultation
from delaktig.consultations.services import AnswerText
from delaktig.core.contributions import dataset
from tests.consultations_factories import (
    NOW,
    after_comments,
    comment,
    consultation_module,
    contact,
    invitation,
    official_of,
)
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/consultations/"


@pytest.fixture
def frozen(time_machine: Any) -> datetime:
    time_machine.move_to(NOW, tick=False)
    return NOW


def get(path: str, **params: Any) -> Any:
    return Client().get(path, params)


def answer_all(consultation: Consultation) -> None:
    ids = list(services.answerable_comments(consultation).values_list("pk", flat=True))
    services.answer_save(
        actor=official_of(consultation),
        consultation=consultation,
        text=AnswerText("partly", "Vi gör delvis så.", "Stycke 2.1 har skrivits om."),
        comment_ids=ids,
    )


def publish(consultation: Consultation) -> Consultation:
    with time_machine.travel(after_comments(consultation), tick=False):
        return services.compilation_publish(
            actor=official_of(consultation), consultation=consultation, summary="Sammanfattat."
        )


def test_lists_open_and_published_consultations_of_public_processes(frozen: datetime) -> None:
    shown = consultation_module(now=NOW)
    draft = consultation_module(now=NOW, source=None)
    hidden = consultation_module(now=NOW)
    hidden.module.process.status = "draft"
    hidden.module.process.save()

    body = get(URL).json()

    assert [item["id"] for item in body["items"]] == [shown.pk]
    item = body["items"][0]
    assert item["status"] == "open"
    assert item["title"] == "Demokratistrategi 2027–2030"
    assert item["period_starts"] is not None
    for unseen in (draft, hidden):
        assert get(f"{URL}{unseen.pk}").status_code == 404
        assert get(f"{URL}{unseen.pk}/comments").status_code == 404


def test_filters_and_pages(frozen: datetime) -> None:
    organisation = OrganisationFactory()
    mine = [consultation_module(now=NOW, organisation=organisation).pk for _i in range(3)]
    consultation_module(now=NOW)

    first = get(URL, organisation=organisation.slug, limit=2).json()
    assert [item["id"] for item in first["items"]] == mine[:2]
    second = get(URL, organisation=organisation.slug, limit=2, cursor=first["next_cursor"])
    assert [item["id"] for item in second.json()["items"]] == mine[2:]
    assert second.json()["next"] is None
    assert get(URL, status="published").json()["items"] == []

    refused = get(URL, organisation="finns-inte")
    assert refused.status_code == 400
    assert refused.json()["code"] == "api.unknown_organisation"


def test_the_document_versions_and_their_paragraphs(frozen: datetime) -> None:
    consultation = consultation_module(now=NOW)
    body = get(f"{URL}{consultation.pk}").json()
    assert [v["number"] for v in body["versions"]] == [1]
    paragraphs = body["versions"][0]["paragraphs"]
    assert {p["kind"] for p in paragraphs} == {"heading", "paragraph"}
    numbers = [p["number"] for p in paragraphs]
    assert "2.1" in numbers
    assert body["compilation"] is None


def test_comments_are_the_published_ones_named_as_the_page_names_them(frozen: datetime) -> None:
    consultation = consultation_module(now=NOW)
    writer = contact("skribent@example.org")
    writer.display_name = "Stina Skribent"
    writer.save()
    shown = comment(consultation, author=writer, text="Bra förslag om bussar.")
    held = comment(consultation, text="Den här väntar.")
    removed = comment(consultation, text="Den här är borttagen.")
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.HELD)
    Comment.objects.filter(pk=removed.pk).update(status=Comment.Status.REMOVED)
    invited = invitation(
        consultation, name="Pensionärsföreningen", contact_email="skribent@example.org"
    )
    spoken = comment(consultation, number=None, author=writer, invitation=invited)
    services.comment_agree(actor=UserFactory(), comment=shown, agree=True)

    response = get(f"{URL}{consultation.pk}/comments")
    text = response.content.decode()
    items = {item["id"]: item for item in response.json()["items"]}

    assert set(items) == {shown.pk, spoken.pk}
    assert "Den här väntar" not in text and "Den här är borttagen" not in text
    assert "skribent@example.org" not in text
    assert items[shown.pk]["author"] == "Stina Skribent"
    assert items[shown.pk]["agreements"] == 1
    assert items[shown.pk]["passage"]["number"] == "2.1"
    assert items[shown.pk]["answer"] is None  # answers show once the compilation is out
    assert items[spoken.pk]["organisation"] == "Pensionärsföreningen"
    assert items[spoken.pk]["passage"] is None

    whole = get(f"{URL}{consultation.pk}/comments", whole=True).json()
    assert [item["id"] for item in whole["items"]] == [spoken.pk]


def test_anonymised_residents_are_invanare_n(frozen: datetime) -> None:
    consultation = consultation_module(now=NOW, anonymise_residents=True)
    writer = UserFactory(display_name="Stina Skribent")
    comment(consultation, author=writer)
    comment(consultation, author=writer)

    response = get(f"{URL}{consultation.pk}/comments")
    assert "Stina Skribent" not in response.content.decode()
    assert {item["author"] for item in response.json()["items"]} == {"Invånare 1"}


def test_the_published_compilation_and_answers(frozen: datetime) -> None:
    consultation = consultation_module(now=NOW)
    writer = UserFactory(display_name="Stina Skribent", email="stina@example.org")
    made = comment(consultation, author=writer, text="Fler turer på kvällen.")
    answer_all(consultation)
    consultation = publish(consultation)

    detail = get(f"{URL}{consultation.pk}")
    body = detail.json()
    compilation = body["compilation"]
    assert body["status"] == "published"
    assert compilation["summary"] == "Sammanfattat."
    entry = compilation["entries"][0]
    assert entry["author"] == "Stina Skribent"
    assert entry["text"] == "Fler turer på kvällen."
    assert entry["answer"]["stance"] == "partly"
    assert "user_id" not in detail.content.decode()
    assert "comment_id" not in detail.content.decode()
    assert "stina@example.org" not in detail.content.decode()

    items = get(f"{URL}{consultation.pk}/comments").json()["items"]
    assert items[0]["id"] == made.pk
    assert items[0]["answer"]["reason"] == "Vi gör delvis så."


def test_unknown_consultation_is_404(frozen: datetime) -> None:
    missing = get(f"{URL}424242")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_query_counts_do_not_grow_with_the_page(frozen: datetime) -> None:
    organisation = OrganisationFactory()
    consultations = [consultation_module(now=NOW, organisation=organisation) for _i in range(7)]
    speaker = contact("talar@example.org")
    invited = invitation(consultations[0], contact_email="talar@example.org")
    for i in range(7):
        if i % 2:
            comment(consultations[0], invitation=invited, author=speaker)
        else:
            comment(consultations[0])

    def count(path: str, limit: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert get(path, limit=limit).status_code == 200
        return len(queries)

    assert count(URL, 2) == count(URL, 6)
    comments = f"{URL}{consultations[0].pk}/comments"
    assert count(comments, 2) == count(comments, 6)


def test_the_dataset_dumps_what_the_api_shows(frozen: datetime) -> None:
    consultation = consultation_module(now=NOW)
    comment(consultation, text="Synpunkten som syns.")
    held = comment(consultation, text="Synpunkten som väntar.")
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.HELD)
    answer_all(consultation)
    consultation = publish(consultation)
    organisation = consultation.module.process.organisation
    declared = dataset("consultations.consultations")
    tables = {t.name: t for t in declared.tables}

    comments = list(tables["comments.csv"].rows(organisation))
    assert [row["text"] for row in comments] == ["Synpunkten som syns."]
    assert comments[0]["answer_id"] is not None
    answers = list(tables["answers.csv"].rows(organisation))
    assert [row["stance"] for row in answers] == ["partly"]
    paragraphs = list(tables["paragraphs.csv"].rows(organisation))
    assert paragraphs and {row["version"] for row in paragraphs} == {1}
    for table in declared.tables:
        for row in table.rows(organisation):
            assert set(row) == set(table.columns)
    first, last = declared.coverage(organisation)
    assert first is not None and last is not None and first < last
    assert declared.modified(organisation) is not None
    assert last > (NOW - timedelta(days=30)).date()
