"""Case data officials can trust: dates checked against the case, corrections that show in
the public timeline, the whole proposal at intake, and redaction before publishing."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from delaktig.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from delaktig.core.models import AuditEntry
from delaktig.proposals import selectors, services
from delaktig.proposals.deadlines import add_one_year
from delaktig.proposals.models import Category, Proposal, ProposalEvent
from delaktig.proposals.workflow import Outcome
from tests.factories import (
    BodyFactory,
    MunicipalityFactory,
    OrganisationFactory,
    UserFactory,
    proposal_rules,
    role,
    submitted_days_ago,
    verified_resident,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def region() -> Any:
    organisation = OrganisationFactory()
    organisation.municipalities.add(MunicipalityFactory(code="2380", name="Östersund"))
    proposal_rules(organisation, support_phase=False, case_number_format="RS/{seq}/{year}")
    return organisation


@pytest.fixture
def official(region: Any) -> Any:
    return role(UserFactory(), "official", region)


def submitted(region: Any, **kwargs: Any) -> Proposal:
    author = verified_resident(region.municipalities.get())
    fields = {"title": "Fler bänkar", "body": "Sätt upp bänkar.", "author_name": "Kim"}
    draft = services.proposal_save_draft(actor=author, organisation=region, **{**fields, **kwargs})
    return services.proposal_submit(actor=author, proposal=draft)


def lodged(region: Any, official: Any, days_ago: int = 10) -> Proposal:
    """A proposal that came in ``days_ago`` days ago and waits for diarieföring."""
    proposal = services.proposal_publish(actor=official, proposal=submitted(region))
    return submitted_days_ago(proposal, days_ago)


def today() -> date:
    return timezone.localdate()


def registered(region: Any, official: Any, days_ago: int = 30) -> Proposal:
    return services.proposal_register(
        actor=official,
        proposal=lodged(region, official, days_ago + 5),
        registered_on=today() - timedelta(days=days_ago),
    )


def decided(region: Any, official: Any, assembly: Any) -> Proposal:
    return services.proposal_decide(
        actor=official,
        proposal=registered(region, official, 30),
        outcome=Outcome.APPROVED,
        decided_on=today() - timedelta(days=10),
        decided_by=assembly,
        minutes_reference="RF § 12",
        answer="Bänkar sätts upp i vår.",
    )


# --- Dates checked against the case ---


@pytest.mark.parametrize(
    ("offset", "refusal"),
    [
        (-10, None),  # the day it was submitted
        (-5, None),
        (0, None),  # today
        (1, "proposals.registered_in_future"),
        (-11, "proposals.registered_before_submission"),
    ],
)
def test_registration_date_lies_between_submission_and_today(
    region: Any, official: Any, offset: int, refusal: str | None
) -> None:
    proposal = lodged(region, official, days_ago=10)
    on = today() + timedelta(days=offset)
    if refusal is None:
        done = services.proposal_register(actor=official, proposal=proposal, registered_on=on)
        assert done.registered_on == on and done.case_number == f"RS/1/{on.year}"
        return
    with pytest.raises(ValidationFailed) as refused:
        services.proposal_register(actor=official, proposal=proposal, registered_on=on)
    assert (refused.value.code, refused.value.field) == (refusal, "registered_on")
    proposal.refresh_from_db()
    assert proposal.status == "lodged" and proposal.case_number is None
    # No number of the series was used up by the refusal.
    again = services.proposal_register(actor=official, proposal=proposal)
    assert again.case_number == f"RS/1/{today().year}"


def test_submission_day_is_the_local_day(region: Any, official: Any) -> None:
    """Submitted at 23:30 UTC is the next day in Sweden: it cannot be registered before it."""
    proposal = lodged(region, official)
    utc_evening = datetime.combine(today() - timedelta(days=5), time(23, 30), tzinfo=UTC)
    Proposal.objects.filter(pk=proposal.pk).update(submitted_at=utc_evening)
    with pytest.raises(ValidationFailed) as refused:
        services.proposal_register(
            actor=official, proposal=proposal, registered_on=today() - timedelta(days=5)
        )
    assert refused.value.code == "proposals.registered_before_submission"
    services.proposal_register(
        actor=official, proposal=proposal, registered_on=today() - timedelta(days=4)
    )


def test_case_number_typed_by_hand_names_the_year_of_registration(
    region: Any, official: Any
) -> None:
    proposal = lodged(region, official)
    wrong = f"KS {today().year + 1}/0007"
    with pytest.raises(ValidationFailed) as refused:
        services.proposal_register(actor=official, proposal=proposal, case_number=wrong)
    assert (refused.value.code, refused.value.field) == (
        "proposals.case_number_year",
        "case_number",
    )
    right = f"KS {today().year}/0007"
    assert services.proposal_register(
        actor=official, proposal=proposal, case_number=right
    ).case_number == (right)


@pytest.mark.parametrize(
    ("offset", "refusal"),
    [
        (0, None),  # the day it was registered (30 days ago)
        (30, None),  # today
        (31, "proposals.decided_in_future"),
        (-1, "proposals.decided_before_registration"),
    ],
)
def test_decision_date_lies_between_registration_and_today(
    region: Any, official: Any, offset: int, refusal: str | None
) -> None:
    proposal = registered(region, official, days_ago=30)
    assembly = BodyFactory(organisation=region, kind="assembly")
    on = today() - timedelta(days=30) + timedelta(days=offset)

    def decide() -> Proposal:
        return services.proposal_decide(
            actor=official,
            proposal=proposal,
            outcome=Outcome.REJECTED,
            decided_on=on,
            decided_by=assembly,
            minutes_reference="§ 1",
            answer="Nej.",
        )

    if refusal is None:
        assert decide().decided_on == on
        return
    with pytest.raises(ValidationFailed) as refused:
        decide()
    assert (refused.value.code, refused.value.field) == (refusal, "decided_on")


def test_report_and_write_off_dates(region: Any, official: Any) -> None:
    proposal = registered(region, official, days_ago=30)
    with pytest.raises(ValidationFailed) as refused:
        services.proposals_report_unfinished(
            actor=official,
            organisation=region,
            reported_on=today() + timedelta(days=1),
            proposals=[proposal],
        )
    assert (refused.value.code, refused.value.field) == (
        "proposals.reported_in_future",
        "reported_on",
    )
    reported_on = today() - timedelta(days=3)
    services.proposals_report_unfinished(
        actor=official, organisation=region, reported_on=reported_on, proposals=[proposal]
    )
    for offset, code in (
        (1, "proposals.decided_in_future"),
        (-4, "proposals.written_off_before_report_date"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            services.proposal_write_off(
                actor=official,
                proposal=proposal,
                decided_on=today() + timedelta(days=offset),
                minutes_reference="§ 3",
            )
        assert (refused.value.code, refused.value.field) == (code, "decided_on")
    written_off = services.proposal_write_off(
        actor=official, proposal=proposal, decided_on=reported_on, minutes_reference="§ 3"
    )
    assert written_off.status == "written_off"


def test_a_future_registration_date_in_the_form_is_an_error_at_the_field(
    client: Client, region: Any, official: Any
) -> None:
    proposal = lodged(region, official)
    client.force_login(official)
    tomorrow = (today() + timedelta(days=1)).isoformat()
    response = client.post(
        reverse("proposals:staff_case", args=[proposal.pk]),
        {
            "action": "register",
            "register-registered_on": tomorrow,
            "register-case_number": "",
            "confirmed": "1",
        },
    )
    assert response.status_code == 400
    form = dict(response.context["forms"])["register"]
    assert form.errors["registered_on"] == [
        f"Diarieföringsdatumet kan inte ligga i framtiden. Ange ett datum till och med "
        f"{today().isoformat()}."
    ]
    assert f'value="{tomorrow}"' in response.content.decode()  # kept as typed
    proposal.refresh_from_db()
    assert proposal.status == "lodged"


# --- Corrections ---


def test_registration_correction_shows_in_the_timeline_and_moves_the_deadline(
    client: Client, region: Any, official: Any
) -> None:
    proposal = registered(region, official, days_ago=2)
    wrong = proposal.registered_on
    assert wrong is not None
    Proposal.objects.filter(pk=proposal.pk).update(last_reminder_days=30)
    right = today() - timedelta(days=6)
    with pytest.raises(ValidationFailed) as refused:
        services.registration_correct(
            actor=official, proposal=proposal, registered_on=right, reason=" "
        )
    assert (refused.value.code, refused.value.field) == (
        "proposals.correction_reason_missing",
        "reason",
    )
    with pytest.raises(ValidationFailed) as refused:
        services.registration_correct(
            actor=official, proposal=proposal, registered_on=wrong, reason="Inget"
        )
    assert refused.value.code == "proposals.correction_unchanged"
    corrected = services.registration_correct(
        actor=official, proposal=proposal, registered_on=right, reason="Fel datum skrevs in"
    )
    assert corrected.registered_on == right and corrected.last_reminder_days is None
    deadline = selectors.deadline_for(proposal=corrected)
    assert deadline is not None and deadline.due == add_one_year(right)
    entry = AuditEntry.objects.get(action="proposal.correct_register")
    assert entry.actor == official and entry.data["reason"] == "Fel datum skrevs in"
    assert entry.data["changes"] == [
        {"field": "registered_on", "old": wrong.isoformat(), "new": right.isoformat()}
    ]
    html = Client().get(proposal.get_absolute_url()).content.decode()
    from django.utils.formats import date_format

    line = (
        f"diarieföringsdatum ändrat från {date_format(wrong, 'j F Y')} till "
        f"{date_format(right, 'j F Y')} (Fel datum skrevs in)"
    )
    assert "Rättat:" in html and line in html
    assert "Diariefört" in html and "rättat senare, se nedan" in html  # the original stays
    register, correction = ProposalEvent.objects.filter(
        proposal=proposal, action__in=["register", "correct"]
    ).order_by("pk")
    assert correction.corrects == register


def test_moving_registration_to_another_year_renumbers_unless_a_number_is_given(
    region: Any, official: Any, time_machine: Any
) -> None:
    time_machine.move_to(datetime(2027, 1, 15, 12, tzinfo=timezone.get_current_timezone()))
    proposal = lodged(region, official, days_ago=30)  # came in 16 December 2026
    proposal = services.proposal_register(
        actor=official, proposal=proposal, registered_on=date(2027, 1, 10)
    )
    assert proposal.case_number == "RS/1/2027"
    with pytest.raises(ValidationFailed) as refused:
        services.registration_correct(
            actor=official,
            proposal=proposal,
            registered_on=date(2026, 12, 28),
            case_number="RS/9/2027",
            reason="Fel år",
        )
    assert refused.value.field == "case_number"
    corrected = services.registration_correct(
        actor=official, proposal=proposal, registered_on=date(2026, 12, 28), reason="Fel år"
    )
    assert corrected.case_number == "RS/1/2026"
    event = ProposalEvent.objects.get(proposal=proposal, action="correct")
    assert [c["field"] for c in event.changes] == ["registered_on", "case_number"]
    assert "diarienummer ändrat från RS/1/2027 till RS/1/2026" in event.change_lines()[1]


def test_decision_correction_names_changes_and_keeps_the_old_answer_in_the_audit(
    region: Any, official: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    assembly = BodyFactory(organisation=region, kind="assembly", name="Regionfullmäktige")
    proposal = decided(region, official, assembly)
    with pytest.raises(ValidationFailed) as refused:
        services.decision_correct(
            actor=official,
            proposal=proposal,
            decided_on=today() + timedelta(days=1),
            reason="Fel dag",
        )
    assert (refused.value.code, refused.value.field) == (
        "proposals.decided_in_future",
        "decided_on",
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        corrected = services.decision_correct(
            actor=official,
            proposal=proposal,
            outcome=Outcome.ANSWERED,
            answer="Bänkar sätts upp i sommar.",
            reason="Fel text i svaret",
        )
    # The author hears about it, in the same words as the timeline.
    assert [m.to for m in mail.outbox] == [[proposal.author.email]]
    assert "Rättat: beslutet ändrat från Bifall till Besvarad" in mail.outbox[0].body
    assert corrected.outcome == "besvarad" and corrected.answer == "Bänkar sätts upp i sommar."
    event = ProposalEvent.objects.get(proposal=proposal, action="correct")
    assert event.change_lines() == [
        "beslutet ändrat från Bifall till Besvarad",
        "svaret till förslagsställaren ändrat",
    ]
    assert "i vår" not in str(event.changes)  # the timeline does not repeat the old answer
    audit = AuditEntry.objects.get(action="proposal.correct_decide")
    assert {"field": "answer", "old": "Bänkar sätts upp i vår.", "new": corrected.answer} in (
        audit.data["changes"]
    )


def test_only_officials_of_the_organisation_correct(region: Any, official: Any) -> None:
    proposal = registered(region, official)
    for person in (
        verified_resident(region.municipalities.get()),
        role(UserFactory(), "official", OrganisationFactory()),
        role(UserFactory(), "moderator", region),
    ):
        with pytest.raises(PermissionDenied):
            services.registration_correct(
                actor=person, proposal=proposal, registered_on=today(), reason="Fel"
            )
    with pytest.raises(InvalidTransition):
        services.decision_correct(actor=official, proposal=proposal, answer="x", reason="Fel")
    proposal.refresh_from_db()
    assert not ProposalEvent.objects.filter(proposal=proposal, action="correct").exists()


def test_a_correction_form_sends_only_what_the_official_changed(
    client: Client, region: Any, official: Any
) -> None:
    """Two officials with the same page open: the second one's unchanged fields do not undo
    the first one's correction (each field carries the value it was shown with)."""
    assembly = BodyFactory(organisation=region, kind="assembly")
    proposal = decided(region, official, assembly)
    shown_on = proposal.decided_on
    assert shown_on is not None
    url = reverse("proposals:staff_case", args=[proposal.pk])
    client.force_login(official)
    page = client.get(url).content.decode()
    assert 'name="initial-fix-dec-decided_on"' in page
    # Meanwhile someone else corrects the date.
    services.decision_correct(
        actor=official,
        proposal=proposal,
        decided_on=shown_on - timedelta(days=2),
        reason="Fel dag",
    )
    fields = {
        "outcome": proposal.outcome,
        "decided_by": assembly.pk,
        "decided_on": shown_on.isoformat(),
        "minutes_reference": "RF § 12",
        "answer": proposal.answer,
    }
    data = {f"fix-dec-{name}": value for name, value in fields.items()}
    data |= {f"initial-fix-dec-{name}": value for name, value in fields.items()}
    data |= {"fix-dec-minutes_reference": "RF § 13", "fix-dec-reason": "Fel paragraf"}
    response = client.post(url, {"action": "correct_decision", **data})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.minutes_reference == "RF § 13"
    assert proposal.decided_on == shown_on - timedelta(days=2)  # not undone


@pytest.mark.django_db(transaction=True)
def test_concurrent_corrections_of_different_fields_both_stay() -> None:
    from tests.test_proposals_concurrency import run_together

    region = OrganisationFactory()
    region.municipalities.add(MunicipalityFactory(code="2380"))
    proposal_rules(region, support_phase=False)
    official = role(UserFactory(), "official", region)
    assembly = BodyFactory(organisation=region, kind="assembly")
    proposal = decided(region, official, assembly)
    stale = Proposal.objects.get(pk=proposal.pk)
    errors = run_together(
        [
            lambda: services.decision_correct(
                actor=official, proposal=stale, minutes_reference="RF § 99", reason="Paragraf"
            ),
            lambda: services.decision_correct(
                actor=official, proposal=stale, answer="Nytt svar.", reason="Svaret"
            ),
            lambda: services.registration_correct(
                actor=official,
                proposal=stale,
                registered_on=today() - timedelta(days=31),
                reason="Datum",
            ),
        ]
    )
    assert errors == []
    proposal.refresh_from_db()
    assert proposal.minutes_reference == "RF § 99" and proposal.answer == "Nytt svar."
    assert proposal.registered_on == today() - timedelta(days=31)
    assert ProposalEvent.objects.filter(proposal=proposal, action="correct").count() == 3


# --- The whole proposal at intake, and redaction before publishing ---


def test_intake_page_shows_everything_the_resident_sent(
    client: Client, region: Any, official: Any
) -> None:
    category = Category.objects.create(organisation=region, name="Kollektivtrafik")
    proposal = submitted(
        region,
        background="Jag åker buss varje dag.",
        municipality=region.municipalities.get(),
        category=category,
        files=[SimpleUploadedFile("karta.pdf", PDF, content_type="application/pdf")],
    )
    client.force_login(official)
    html = client.get(reverse("proposals:staff_case", args=[proposal.pk])).content.decode()
    attachment = proposal.attachments.get()
    for shown in (
        "Fler bänkar",
        "Sätt upp bänkar.",
        "Jag åker buss varje dag.",
        "Östersund",
        "Kollektivtrafik",
        "Kim",
        proposal.author.public_name,
        reverse("proposals:attachment", args=[attachment.pk]),
        "karta.pdf",
        timezone.localtime(proposal.submitted_at).strftime("%Y-%m-%d %H:%M"),
    ):
        assert shown in html, shown


def test_redaction_publishes_the_redacted_text_and_keeps_the_original(
    client: Client, region: Any, official: Any
) -> None:
    proposal = submitted(
        region,
        title="Bänk vid Anna Svenssons hus",
        body="Ring mig på 070-123 45 67.",
        background="Anna Svensson håller med.",
        # Screening pointed the number out; the writer sent it as it is.
        personal_data_ok=True,
    )
    redacted = services.proposal_redact(
        actor=official,
        proposal=proposal,
        title="Bänk vid [borttaget]s hus",
        body="Ring mig på [borttaget].",
        background="[borttaget] håller med.",
    )
    assert redacted.title == "Bänk vid Anna Svenssons hus"  # the record is unchanged
    assert redacted.body == "Ring mig på 070-123 45 67."
    assert redacted.public_body == "Ring mig på [borttaget]."
    assert AuditEntry.objects.get(action="proposal.redact").data == {
        "fields": ["title", "body", "background"]
    }
    client.force_login(official)
    staff = client.get(reverse("proposals:staff_case", args=[proposal.pk])).content.decode()
    assert "070-123 45 67" in staff and "Ring mig på [borttaget]." in staff
    services.proposal_publish(actor=official, proposal=proposal)
    html = Client().get(proposal.get_absolute_url()).content.decode()
    assert "[borttaget]" in html and "Personuppgifter har tagits bort före publicering." in html
    assert "070-123" not in html and "Anna Svensson" not in html
    assert list(selectors.public_list(q="Svensson")) == []
    assert list(selectors.public_list(q="borttaget")) == [proposal]
    exported = Client().get(reverse("proposals:export_csv")).content.decode()
    assert "Svensson" not in exported and "[borttaget]" in exported
    with pytest.raises(InvalidTransition) as refused:
        services.proposal_redact(
            actor=official, proposal=proposal, title="T", body="B", background=""
        )
    assert refused.value.code == "proposals.redact_after_intake"


def test_the_report_to_fullmaktige_names_a_redacted_proposal_by_its_published_title(
    client: Client, region: Any, official: Any
) -> None:
    """The report of unfinished cases goes to fullmäktige, a public document."""
    proposal = submitted(region, title="Bänk vid Anna Svenssons hus")
    services.proposal_redact(
        actor=official,
        proposal=proposal,
        title="Bänk vid [borttaget]s hus",
        body=proposal.body,
        background="",
    )
    proposal = submitted_days_ago(services.proposal_publish(actor=official, proposal=proposal), 5)
    services.proposal_register(actor=official, proposal=proposal, registered_on=today())
    client.force_login(official)
    html = client.get(reverse("proposals:staff_report")).content.decode()
    assert "Bänk vid [borttaget]s hus" in html and "Svensson" not in html


def test_redaction_undone_and_refused_to_others(region: Any, official: Any) -> None:
    proposal = submitted(region, body="Mitt nummer 070-1234567.", personal_data_ok=True)
    for person in (
        proposal.author,
        role(UserFactory(), "official", OrganisationFactory()),
    ):
        with pytest.raises(PermissionDenied):
            services.proposal_redact(
                actor=person, proposal=proposal, title=proposal.title, body="x", background=""
            )
    services.proposal_redact(
        actor=official, proposal=proposal, title=proposal.title, body="Mitt nummer.", background=""
    )
    assert ProposalEvent.objects.filter(proposal=proposal, action="redact").count() == 1
    undone = services.proposal_redact(
        actor=official,
        proposal=proposal,
        title=proposal.title,
        body="Mitt nummer 070-1234567.",
        background="",
    )
    assert undone.redacted_at is None and undone.public_body == "Mitt nummer 070-1234567."
    assert not ProposalEvent.objects.filter(proposal=proposal, action="redact").exists()


def test_redaction_form_on_the_intake_page(client: Client, region: Any, official: Any) -> None:
    proposal = submitted(region, body="Ring 070-1234567.", personal_data_ok=True)
    url = reverse("proposals:staff_case", args=[proposal.pk])
    client.force_login(official)
    page = client.get(url).content.decode()
    assert 'name="redact-body"' in page and "Ring 070-1234567." in page
    response = client.post(
        url,
        {
            "action": "redact",
            "redact-title": proposal.title,
            "redact-body": "",
            "redact-background": "",
        },
    )
    assert response.status_code == 400  # the body is required; nothing saved
    response = client.post(
        url,
        {
            "action": "redact",
            "redact-title": proposal.title,
            "redact-body": "Ring [borttaget].",
            "redact-background": "",
        },
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.public_body == "Ring [borttaget]." and proposal.body == "Ring 070-1234567."


# --- When a decision is expected in a participation process ---


def _process_fields(organisation: Any, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "organisation": organisation,
        "title": "Nya busslinjer",
        "summary": "Vi planerar om busstrafiken.",
        "purpose": "Underlag till trafikplanen.",
        "input_use": "Synpunkterna redovisas för nämnden.",
        "decision_maker": "Regionala utvecklingsnämnden",
        "ladder_step": 2,
        "question": "Hur reser du?",
    }
    return {**fields, **overrides}


def test_decision_expected_is_not_in_the_past_when_set(region: Any, official: Any) -> None:
    from delaktig.participation import services as participation

    yesterday = today() - timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        participation.process_create(
            actor=official, **_process_fields(region, decision_expected=yesterday)
        )
    assert (refused.value.code, refused.value.field) == (
        "participation.decision_expected_past",
        "decision_expected",
    )
    process = participation.process_create(
        actor=official, **_process_fields(region, decision_expected=today())
    )
    assert process.decision_expected == today()


def test_decision_expected_checked_when_changed_and_against_the_first_phase(
    region: Any, official: Any
) -> None:
    from delaktig.participation import services as participation
    from delaktig.participation.models import Process
    from tests.factories import ModuleFactory, PhaseFactory

    process = participation.process_create(actor=official, **_process_fields(region))
    old = today() - timedelta(days=40)
    Process.objects.filter(pk=process.pk).update(decision_expected=old)
    process.refresh_from_db()
    same: dict[str, Any] = {
        "responsible_body": None,
        "slug": process.slug,
        "easy_read_summary": "",
        "body": "",
        "language": "sv",
        "target_group_analysis": "",
        "target_groups": [],
        "municipalities": [],
        "perspectives": [],
        "sdg_goals": [],
        "sdg_targets": [],
    }

    def update(expected: date | None) -> Any:
        return participation.process_update(
            actor=official,
            process=process,
            **same,
            **_process_fields(region, decision_expected=expected),
        )

    assert update(old).decision_expected == old  # a past date left as it was is kept
    with pytest.raises(ValidationFailed) as refused:
        update(old + timedelta(days=1))
    assert refused.value.code == "participation.decision_expected_past"
    starts = timezone.now() + timedelta(days=20)
    PhaseFactory(
        module=ModuleFactory(process=process),
        starts_at=starts,
        ends_at=starts + timedelta(days=30),
    )
    with pytest.raises(ValidationFailed) as refused:
        update(today() + timedelta(days=5))
    assert (refused.value.code, refused.value.field) == (
        "participation.decision_expected_before_start",
        "decision_expected",
    )
    assert update(today() + timedelta(days=60)).decision_expected == today() + timedelta(days=60)


def test_the_process_form_shows_a_past_decision_date_at_its_field(
    client: Client, region: Any, official: Any
) -> None:
    yesterday = (today() - timedelta(days=1)).isoformat()
    client.force_login(official)
    data = {
        **{k: v for k, v in _process_fields(region).items() if k != "organisation"},
        "organisation": region.pk,
        "language": "sv",
        "decision_expected": yesterday,
    }
    response = client.post(reverse("staff:process_create") + "?tom=1", data)
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["decision_expected"]
    assert form.errors["decision_expected"] == [
        "Datumet då beslut väntas har redan passerat. Ange ett datum från och med i dag."
    ]
    assert f'value="{yesterday}"' in response.content.decode()  # kept as typed


def test_an_attachment_withheld_at_intake_is_kept_but_not_published(
    client: Client, region: Any, official: Any
) -> None:
    proposal = submitted(
        region,
        files=[
            SimpleUploadedFile("karta.pdf", PDF, content_type="application/pdf"),
            SimpleUploadedFile("intyg.pdf", PDF, content_type="application/pdf"),
        ],
    )
    kept = proposal.attachments.get(original_name="karta.pdf")
    withheld = proposal.attachments.get(original_name="intyg.pdf")  # names a person
    client.force_login(official)
    url = reverse("proposals:staff_case", args=[proposal.pk])
    response = client.post(
        url,
        {
            "action": "redact",
            "redact-title": proposal.title,
            "redact-body": proposal.body,
            "redact-background": "",
            "redact-withheld": [withheld.pk],
        },
    )
    assert response.status_code == 302
    withheld.refresh_from_db()
    assert withheld.withheld and withheld.file
    services.proposal_publish(actor=official, proposal=proposal)
    public = Client().get(proposal.get_absolute_url()).content.decode()
    download = reverse("proposals:attachment", args=[withheld.pk])
    assert reverse("proposals:attachment", args=[kept.pk]) in public and download not in public
    assert Client().get(download).status_code == 403
    assert client.get(download).status_code == 200  # staff
    author = Client()
    author.force_login(proposal.author)
    assert author.get(download).status_code == 200
    assert "publiceras inte" in client.get(url).content.decode()


def test_a_case_number_taken_between_the_check_and_the_write_is_a_field_error(
    region: Any, official: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two officials type the same number at the same moment: both pass the check before
    either has written. The database's unique constraint stops the second, who must get the
    error at the field, not a server error; nothing of the second is saved."""
    first, second = lodged(region, official), lodged(region, official)
    number = f"RS/77/{today().year}"
    services.proposal_register(actor=official, proposal=first, case_number=number)
    passed_check = services._check_case_number
    monkeypatch.setattr(services, "_check_case_number", lambda proposal, number, on: None)
    with pytest.raises(ValidationFailed) as refused:
        services.proposal_register(actor=official, proposal=second, case_number=number)
    assert (refused.value.code, refused.value.field) == (
        "proposals.case_number_taken",
        "case_number",
    )
    second.refresh_from_db()
    assert second.status == "lodged" and second.case_number is None
    monkeypatch.setattr(services, "_check_case_number", passed_check)
    registered_second = services.proposal_register(actor=official, proposal=second)
    with monkeypatch.context() as patched:
        patched.setattr(services, "_check_case_number", lambda proposal, number, on: None)
        with pytest.raises(ValidationFailed):
            services.registration_correct(
                actor=official, proposal=registered_second, case_number=number, reason="Fel"
            )
    registered_second.refresh_from_db()
    assert registered_second.case_number != number
