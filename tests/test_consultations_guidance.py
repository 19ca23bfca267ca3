"""What a consultation on a draft tells the people using it: the official's next step in each
state, the resident's reason why commenting is closed, and the audit trail of the officials'
work on themes and the summary. Phases are placed around a fixed NOW."""

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from delaktig.consultations import services, staff_selectors
from delaktig.consultations.models import Consultation
from delaktig.core.models import AuditEntry
from tests.consultations_factories import (
    DRAFT,
    NOW,
    after_comments,
    comment,
    consultation_module,
    official_of,
)

pytestmark = pytest.mark.django_db


def url(name: str, consultation: Consultation) -> str:
    return reverse(f"consultations:{name}", kwargs={"module_pk": consultation.module_id})


def words(response: Any) -> str:
    """The page's text, tags left out and white space made one."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def next_step(consultation: Consultation, client: Client) -> str:
    page = client.get(url("manage", consultation)).content.decode()
    found = re.search(r'<dd id="next-step">(.*?)</dd>', page, re.S)
    assert found is not None
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def answer_everything(consultation: Consultation) -> None:
    ids = list(services.answerable_comments(consultation).values_list("pk", flat=True))
    services.answer_save(
        actor=official_of(consultation),
        consultation=consultation,
        text=services.AnswerText("noted", "Tack."),
        comment_ids=ids,
    )


def test_the_next_step_before_the_period_names_its_first_day() -> None:
    consultation = consultation_module(now=NOW)
    client = Client()
    with time_machine.travel(NOW - timedelta(days=15), tick=False):
        client.force_login(official_of(consultation))
        step = next_step(consultation, client)
    assert step.startswith("Samrådstiden börjar 2 mars 2031.")


def test_the_next_step_without_a_comment_phase_leads_to_the_phases() -> None:
    consultation = consultation_module(now=NOW)
    consultation.module.phases.filter(phase_type="comment").delete()
    client = Client()
    with time_machine.travel(NOW, tick=False):
        client.force_login(official_of(consultation))
        page = client.get(url("manage", consultation)).content.decode()
        step = next_step(consultation, client)
    assert step.startswith("Det finns ingen samrådstid")
    process = reverse("staff:process", kwargs={"pk": consultation.module.process_id})
    assert f'href="{process}#phases-title"' in page


def test_a_version_written_after_the_comments_is_published_before_the_compilation() -> None:
    consultation = consultation_module(now=NOW)
    comment(consultation)
    answer_everything(consultation)
    official = official_of(consultation)
    services.version_save(
        actor=official, consultation=consultation, title="", source=DRAFT + "\nNytt stycke.\n"
    )
    client = Client()
    with time_machine.travel(after_comments(consultation), tick=False):
        client.force_login(official)
        assert next_step(consultation, client) == "Publicera version 2 före samrådsredogörelsen"
        preview = words(client.get(url("staff_compilation", consultation)))
        assert "Version 2 är inte publicerad." in preview
        services.version_publish(actor=official, consultation=consultation)
        assert next_step(consultation, client) == "Publicera samrådsredogörelsen"
        assert "är inte publicerad" not in words(client.get(url("staff_compilation", consultation)))


def test_the_overview_knows_when_the_next_period_begins() -> None:
    consultation = consultation_module(now=NOW)
    first = consultation.module.phases.get(phase_type="comment").starts_at
    overview = staff_selectors.overview(consultation, now=first - timedelta(days=1))
    assert overview.next_step == "wait_start" and overview.period_starts == first
    assert staff_selectors.overview(consultation, now=NOW).next_step == "wait"


@time_machine.travel(NOW, tick=False)
def test_the_draft_page_says_where_the_period_stands_once() -> None:
    consultation = consultation_module(now=NOW)
    page = words(Client().get(url("document", consultation)))
    assert page.count("Du kan lämna synpunkter") == 1
    assert "Du kan lämna synpunkter till och med" in page


@time_machine.travel(NOW, tick=False)
def test_the_staff_pages_mark_the_one_shown() -> None:
    consultation = consultation_module(now=NOW)
    client = Client()
    client.force_login(official_of(consultation))
    page = client.get(url("themes", consultation)).content.decode()
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', page)
    assert current == [url("themes", consultation)]


@time_machine.travel(NOW, tick=False)
def test_themes_and_the_summary_leave_an_audit_trail() -> None:
    consultation = consultation_module(now=NOW)
    official = official_of(consultation)
    made = comment(consultation)
    theme = services.theme_save(actor=official, consultation=consultation, name="Unga")
    services.theme_save(actor=official, consultation=consultation, name="Unga vuxna", theme=theme)
    services.comments_set_theme(
        actor=official, consultation=consultation, comment_ids=[made.pk], theme=theme
    )
    services.compilation_summary_save(
        actor=official, consultation=consultation, summary="Det kom in en synpunkt."
    )
    services.theme_delete(actor=official, theme=theme)
    actions = list(
        AuditEntry.objects.filter(actor=official, action__startswith="consultations.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "consultations.theme_save",
        "consultations.theme_save",
        "consultations.comments_theme",
        "consultations.summary_save",
        "consultations.theme_delete",
    ]
    organisation = consultation.module.process.organisation
    assert set(
        AuditEntry.objects.filter(actor=official).values_list("organisation", flat=True)
    ) == {organisation.pk}
