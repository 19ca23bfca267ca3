import csv
import io
import json
from datetime import date, timedelta
from typing import Any, cast

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from delaktig.proposals import services
from delaktig.proposals.models import Proposal
from tests.factories import (
    BodyFactory,
    MunicipalityFactory,
    OrganisationFactory,
    UserFactory,
    collecting_proposal,
    proposal_rules,
    role,
    submitted_days_ago,
    verified_resident,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def region() -> Any:
    organisation = OrganisationFactory()
    organisation.municipalities.add(MunicipalityFactory(code="2380", name="Östersund"))
    proposal_rules(organisation, support_phase=False)
    return organisation


def registered(region: Any, official: Any, on: date, title: str) -> Proposal:
    author = verified_resident(region.municipalities.get())
    draft = services.proposal_save_draft(
        actor=author, organisation=region, title=title, body="Text", author_name="Kim"
    )
    proposal = services.proposal_submit(actor=author, proposal=draft)
    proposal = services.proposal_publish(actor=official, proposal=proposal)
    proposal = submitted_days_ago(proposal, (timezone.localdate() - on).days + 7)
    return services.proposal_register(actor=official, proposal=proposal, registered_on=on)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_write_preview_submit_flow_keeps_typed_text(client: Client, region: Any) -> None:
    resident = verified_resident(region.municipalities.get())
    client.force_login(resident)
    url = reverse("proposals:create")
    response = client.post(
        url, {"organisation": region.slug, "title": "", "body": "Min text", "author_name": "Kim"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "error-summary" in html and "Min text" in html
    bad = SimpleUploadedFile("bild.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(
        url,
        {
            "organisation": region.slug,
            "title": "Cykelbana",
            "body": "Min text",
            "author_name": "Kim",
            "attachments": [bad],
        },
    )
    assert response.status_code == 400 and "inte en PDF" in response.content.decode()
    assert "Cykelbana" in response.content.decode()
    good = SimpleUploadedFile("karta.png", PDF, content_type="image/png")
    response = client.post(
        url,
        {
            "organisation": region.slug,
            "title": "Cykelbana",
            "body": "Min text",
            "author_name": "Kim",
            "attachments": [good],
        },
    )
    proposal = Proposal.objects.get()
    assert response["Location"] == proposal.get_absolute_url()
    attachment = proposal.attachments.get()
    assert attachment.content_type == "application/pdf"  # judged by content, not the name
    assert attachment.file.name.endswith(".pdf")
    # Drafts are private.
    assert client.get(proposal.get_absolute_url()).status_code == 200
    other = Client()
    assert other.get(proposal.get_absolute_url()).status_code == 404
    assert other.get(reverse("proposals:attachment", args=[attachment.pk])).status_code == 403
    # Submitting needs the public-document notice confirmed.
    client.post(reverse("proposals:submit", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == "draft"
    client.post(reverse("proposals:submit", args=[proposal.pk]), {"confirm_public": "1"})
    proposal.refresh_from_db()
    assert proposal.status == "submitted"
    assert "Cykelbana" in client.get(reverse("proposals:mine")).content.decode()


def test_staff_case_page_runs_the_case(client: Client, region: Any) -> None:
    official = role(UserFactory(), "official", region)
    assembly = BodyFactory(organisation=region, name="Regionfullmäktige", kind="assembly")
    committee = BodyFactory(organisation=region, name="Kulturnämnden")
    author = verified_resident(region.municipalities.get())
    draft = services.proposal_save_draft(
        actor=author,
        organisation=region,
        title="Bibliotek",
        body="Öppna på söndagar",
        author_name="Kim",
    )
    proposal = services.proposal_submit(actor=author, proposal=draft)
    client.force_login(official)
    url = reverse("proposals:staff_case", args=[proposal.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"action": "lodge", "confirmed": "1"})
    submitted_days_ago(proposal, 30)
    on = timezone.localdate() - timedelta(days=20)
    response = client.post(
        url,
        {
            "action": "register",
            "register-registered_on": on.isoformat(),
            "register-case_number": "",
            "confirmed": "1",
        },
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.case_number == f"RS/1/{on.year}"
    response = client.post(
        url, {"action": "refer", "refer-body": committee.pk, "refer-official": ""}
    )
    assert response.status_code == 400  # official missing; nothing changed
    client.post(
        url,
        {
            "action": "refer",
            "refer-body": committee.pk,
            "refer-official": official.pk,
            "confirmed": "1",
        },
    )
    decision = {
        "action": "decide",
        "decide-outcome": "besvarad",
        "decide-decided_by": assembly.pk,
        "decide-minutes_reference": "RF § 12",
        "decide-answer": "Vi prövar.",
    }
    # A refusal comes before the question "are you sure", with what was typed kept; and a
    # step asked about is tried and undone, not taken, until it is confirmed.
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    refused = client.post(url, {**decision, "decide-decided_on": future})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "kan inte ligga i framtiden" in html and "Vi prövar." in html
    assert 'name="confirmed"' not in html
    asked = client.post(url, {**decision, "decide-decided_on": on.isoformat()})
    assert asked.status_code == 200 and 'name="confirmed" value="1"' in asked.content.decode()
    proposal.refresh_from_db()
    assert proposal.status != "decided" and not proposal.events.filter(to_status="decided").exists()
    client.post(
        url,
        {
            "action": "decide",
            "confirmed": "1",
            "decide-outcome": "besvarad",
            "decide-decided_by": assembly.pk,
            "decide-decided_on": (on + timedelta(days=15)).isoformat(),
            "decide-minutes_reference": "RF § 12",
            "decide-answer": "Vi prövar.",
        },
    )
    proposal.refresh_from_db()
    assert proposal.status == "decided" and proposal.outcome == "besvarad"
    html = Client().get(proposal.get_absolute_url()).content.decode()
    assert "Besvarad" in html and "Vi prövar." in html and f"RS/1/{on.year}" in html
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


def test_deadlines_on_dashboard_and_unfinished_report(client: Client, region: Any) -> None:
    official = role(UserFactory(), "official", region)
    today = timezone.localdate()
    due_soon = registered(region, official, today - timedelta(days=335), "Elva månader")
    overdue = registered(region, official, today - timedelta(days=396), "Tretton månader")
    fresh = registered(region, official, today - timedelta(days=30), "En månad")
    client.force_login(official)
    response = client.get(reverse("proposals:staff_dashboard"))
    ctx = response.context
    assert [p for p, _d in ctx["overdue"]] == [overdue]
    assert [p for p, _d in ctx["due_soon"]] == [due_soon]
    assert [p for p, _d in ctx["later"]] == [fresh]
    report = client.get(reverse("proposals:staff_report") + f"?datum={today.isoformat()}")
    rows = [p for p, _d in report.context["rows"]]
    assert overdue in rows and due_soon in rows
    assert "över ett år" in report.content.decode()
    pdf = client.get(reverse("proposals:staff_report_pdf") + f"?datum={today.isoformat()}")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    client.post(
        reverse("proposals:staff_report") + f"?datum={today.isoformat()}",
        {"reported_on": today.isoformat()},
    )
    overdue.refresh_from_db()
    assert overdue.reported_unfinished_on == today


@pytest.mark.parametrize(
    ("days_ago", "due_soon", "overdue"),
    [(364, True, False), (365, True, False), (366, False, True)],
)
def test_statutory_year_edges(
    region: Any, days_ago: int, due_soon: bool, overdue: bool, time_machine: Any
) -> None:
    from delaktig.proposals.deadlines import deadline

    time_machine.move_to(date(2026, 6, 15))
    today = date(2026, 6, 15)
    d = deadline(today - timedelta(days=days_ago), today)
    assert d.due_within(60) is due_soon and d.overdue is overdue


def test_report_months_and_leap_day() -> None:
    from delaktig.proposals.deadlines import add_one_year, is_report_month, next_report_month

    assert add_one_year(date(2024, 2, 29)) == date(2025, 2, 28)
    assert next_report_month(date(2026, 4, 30), [4, 10]) == date(2026, 4, 1)
    assert next_report_month(date(2026, 5, 1), [4, 10]) == date(2026, 10, 1)
    assert next_report_month(date(2026, 11, 1), [10, 4]) == date(2027, 4, 1)
    assert is_report_month(date(2026, 10, 31), [4, 10]) and not is_report_month(
        date(2026, 11, 1), [4, 10]
    )


def test_public_list_filters_and_exports_without_personal_data(client: Client, region: Any) -> None:
    official = role(UserFactory(), "official", region)
    proposal = registered(region, official, timezone.localdate(), "Laddstolpar")
    proposal.author.email = "hemlig@example.se"
    proposal.author.save()
    response = client.get(reverse("proposals:list") + "?q=ladd")
    assert [p.title for p in response.context["proposals"]] == ["Laddstolpar"]
    assert list(client.get(reverse("proposals:list") + "?q=inget").context["proposals"]) == []
    data = json.loads(client.get(reverse("proposals:export_json")).content)
    assert data[0]["title"] == "Laddstolpar" and data[0]["author_name"] == "Kim"
    body = client.get(reverse("proposals:export_csv")).content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows[0]["case_number"] == proposal.case_number
    assert "hemlig@example.se" not in body and "email" not in body
    assert client.get(reverse("proposals:feed")).status_code == 200
    assert client.get(reverse("proposals:statistics")).status_code == 200


def test_officials_set_every_local_rule(client: Client, region: Any) -> None:
    from delaktig.proposals.models import Category, IntakeRule

    official = role(UserFactory(), "official", region)
    client.force_login(official)
    url = reverse("proposals:staff_rules", args=[region.slug])
    data = {
        "action": "settings",
        "rules-enabled": "on",
        "rules-support_phase": "on",
        "rules-threshold_kind": "per_mille",
        "rules-threshold_value": "1",
        "rules-population": "",
        "rules-support_period_days": "90",
        "rules-residents_only": "on",
        "rules-intake_rules": "Regler",
        "rules-repeat_window_months": "24",
        "rules-report_months": ["4", "10"],
        "rules-case_number_format": "KS {year}/{seq}",
        "rules-reminder_days": "7, 60,30",
    }
    response = client.post(url, data)
    assert response.status_code == 400  # per mille without a population
    assert "KS {year}/{seq}" in response.content.decode()
    data["rules-population"] = "130000"
    data["rules-case_number_format"] = "KS {year}/{nummer}"
    assert client.post(url, data).status_code == 400
    data["rules-case_number_format"] = "KS {year}/{seq}"
    assert client.post(url, data).status_code == 302
    rules = region.proposal_settings
    rules.refresh_from_db()
    assert rules.threshold() == 130 and rules.reminder_days == [60, 30, 7]
    assert rules.report_months == [4, 10] and rules.case_number_format == "KS {year}/{seq}"
    client.post(
        url,
        {
            "action": "rule",
            "rule-title": "Utanför kompetens",
            "rule-explanation": "Regionen beslutar inte om det.",
        },
    )
    client.post(
        url,
        {"action": "category", "category-name": "Samiska frågor", "category-skips_support": "on"},
    )
    assert IntakeRule.objects.filter(organisation=region).count() == 1
    assert Category.objects.get(organisation=region).skips_support
    client.force_login(role(UserFactory(), "official", OrganisationFactory()))
    assert client.get(url).status_code == 403


def test_drafts_are_the_authors_own_until_submitted(client: Client, region: Any) -> None:
    author = verified_resident(region.municipalities.get())
    draft = services.proposal_save_draft(
        actor=author, organisation=region, title="Utkast", body="Text", author_name="Kim"
    )
    official = role(UserFactory(), "official", region)
    client.force_login(official)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert not official.has_perm("proposals.view_proposal", draft)
    client.force_login(role(UserFactory(), "administrator"))
    assert client.get(draft.get_absolute_url()).status_code == 404
    services.proposal_submit(actor=author, proposal=draft)
    client.force_login(official)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_reminder_links_to_the_case_page(
    region: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    official = role(UserFactory(), "official", region)
    on = timezone.localdate() - timedelta(days=400)
    proposal = registered(region, official, on, "Påminn mig")
    with django_capture_on_commit_callbacks(execute=True):
        services.case_reminders_send(today=on + timedelta(days=305))
    assert reverse("proposals:staff_case", args=[proposal.pk]) in mail.outbox[-1].body


# --- The support button -----------------------------------------------------------------------


@pytest.fixture
def collecting() -> Proposal:
    organisation = OrganisationFactory()
    organisation.municipalities.add(MunicipalityFactory(code="2380", name="Östersund"))
    proposal_rules(organisation, threshold_value=100, support_period_days=30)
    return cast(Proposal, collecting_proposal(organisation, "Bänkar"))


def test_the_support_button_counts_a_resident_once_and_withdraws(
    client: Client, collecting: Proposal
) -> None:
    support = reverse("proposals:support", args=[collecting.pk])
    resident = verified_resident(collecting.organisation.municipalities.get())
    client.force_login(resident)
    response = client.post(support, {"wants_updates": "on"}, follow=True)
    assert response.redirect_chain == [(collecting.get_absolute_url(), 302)]
    assert "Tack för ditt stöd!" in response.content.decode()
    client.post(support, {"wants_updates": "on"})  # a second click counts once
    collecting.refresh_from_db()
    assert collecting.support_count == 1 == collecting.supports.count()
    assert collecting.supports.get().wants_updates
    assert client.post(support, {"withdraw": "1"}).status_code == 302
    collecting.refresh_from_db()
    assert collecting.support_count == 0 == collecting.supports.count()


def test_the_support_button_refuses_with_the_reason_and_counts_nothing(
    client: Client, collecting: Proposal
) -> None:
    support = reverse("proposals:support", args=[collecting.pk])
    # Logged out: to the login, and back to the proposal.
    response = Client().post(support)
    assert response.status_code == 302 and "next=" in response["Location"]
    assert Client().post(reverse("proposals:support", args=[10**9])).status_code == 404
    client.force_login(UserFactory())
    refused = client.post(support)
    assert refused.status_code == 403
    assert "Du behöver verifiera din identitet först" in refused.content.decode()
    client.force_login(verified_resident(MunicipalityFactory(code="1280", name="Malmö")))
    refused = client.post(support)
    assert refused.status_code == 403
    assert "Bara den som är folkbokförd" in refused.content.decode()
    # Not public, or not there at all: not found.
    client.force_login(verified_resident(collecting.organisation.municipalities.get()))
    assert client.post(reverse("proposals:support", args=[10**9])).status_code == 404
    Proposal.objects.filter(pk=collecting.pk).update(status="draft")
    assert client.post(support).status_code == 404
    collecting.refresh_from_db()
    assert collecting.support_count == 0 and not collecting.supports.exists()
