"""The one staff inbox: every app's queue through the registry, scoped, counted, guarded."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from delaktig.accounts.inbox import inbox_total, queue_counts
from delaktig.core import contributions
from delaktig.core.contributions import Contribution, InboxQueue, WorkItem
from delaktig.councils.models import Council, Referral
from delaktig.discussions.models import CommentReport
from delaktig.followup.models import Actor, Commitment
from delaktig.meetings.models import Meeting, Question
from delaktig.moderation.models import Decision
from delaktig.opinionmaps.models import OpinionMap, Statement
from delaktig.proposals.models import Proposal
from tests.factories import (
    CommentFactory,
    ImpactAssessmentFactory,
    ModuleFactory,
    OrganisationFactory,
    ProcessFactory,
    UserFactory,
    role,
)
from tests.followup_factories import StrategyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def region() -> Any:
    return OrganisationFactory()


@pytest.fixture
def official(region: Any) -> Any:
    return role(UserFactory(), "official", region)


def _inbox(client: Client, user: Any, **query: str) -> str:
    client.force_login(user)
    response = client.get(reverse("staff:inbox"), query)
    assert response.status_code == 200
    return response.content.decode()


def _proposal(region: Any, title: str, status: str, **extra: Any) -> Proposal:
    return Proposal.objects.create(
        organisation=region,
        author=UserFactory(),
        author_name="Anna",
        title=title,
        body="Gör så här.",
        status=status,
        submitted_at=timezone.now() - timedelta(days=3),
        **extra,
    )


def _waiting_in_every_queue(region: Any, official: Any) -> None:
    """One waiting item, and one handled one, for every app's queue."""
    module = ModuleFactory(process=ProcessFactory(organisation=region))
    reported = CommentFactory(module=module, body="Anmäld kommentar")
    CommentReport.objects.create(comment=reported, reporter=UserFactory(), reason="spam")
    handled = CommentFactory(module=module, body="Hanterad kommentar")
    CommentReport.objects.create(
        comment=handled, reporter=UserFactory(), reason="spam", resolved_at=timezone.now()
    )
    for body, reviewed in (("Omprövas kommentar", None), ("Omprövad kommentar", timezone.now())):
        comment = CommentFactory(
            module=module, body=body, hidden_at=timezone.now(), hidden_reason="Personuppgifter"
        )
        Decision.objects.create(
            organisation=region,
            kind="discussions.comment",
            object_id=comment.pk,
            action="hidden",
            rule="personal_data",
            reason="Personuppgifter",
            review_requested_at=timezone.now(),
            reviewed_at=reviewed,
            outcome="upheld" if reviewed else "",
        )
    map_module = ModuleFactory(process=module.process, kind="opinionmap", title="Karta")
    opinion_map = OpinionMap.objects.create(module=map_module, topic="Trafiken")
    Statement.objects.create(map=opinion_map, number=1, text="Väntande påstående")
    Statement.objects.create(
        map=opinion_map, number=2, text="Publicerat påstående", status="published"
    )
    # Held by screening: it waits among the held texts, not among the map's statements.
    held = Statement.objects.create(map=opinion_map, number=3, text="Hållet påstående")
    Decision.objects.create(
        organisation=region,
        kind="opinionmaps.statement",
        object_id=held.pk,
        action="held",
        rule="threat",
        reason="Granskas.",
        automated=True,
    )
    _proposal(region, "Förslag att kontrollera", "submitted")
    _proposal(region, "Förslag att diarieföra", "lodged")
    _proposal(
        region,
        "Försenat ärende",
        "registered",
        registered_on=timezone.localdate() - timedelta(days=400),
        case_number="RS/1/2000",
    )
    _proposal(region, "Avvisat förslag", "rejected", rejection_reason="Fel instans")
    start = timezone.now() + timedelta(days=10)
    meeting = Meeting.objects.create(
        organisation=region,
        kind="assembly",
        title="Fullmäktige",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        question_time=True,
    )
    Question.objects.create(
        meeting=meeting, asker=UserFactory(), asker_name="A", text="Väntande fråga?"
    )
    Question.objects.create(
        meeting=meeting,
        asker=UserFactory(),
        asker_name="B",
        text="Avvisad fråga?",
        status="declined",
        decline_reason="Hör inte hit",
    )
    council = Council.objects.create(
        organisation=region, kind="pensionarsrad", name="Pensionärsrådet", slug="pr", mandate="-"
    )
    late = Referral.objects.create(
        organisation=region,
        title="Försenad remiss",
        question="?",
        deadline=timezone.localdate() - timedelta(days=3),
    )
    late.councils.add(council)
    open_referral = Referral.objects.create(
        organisation=region,
        title="Pågående remiss",
        question="?",
        deadline=timezone.localdate() + timedelta(days=30),
    )
    open_referral.councils.add(council)
    ImpactAssessmentFactory(organisation=region, title="Klar analys", status="ready")
    ImpactAssessmentFactory(organisation=region, title="Utkast till analys")
    ProcessFactory(organisation=region, title="Stängd process", status="closed")
    ProcessFactory(organisation=region, title="Återkopplad process", status="feedback_published")
    strategy = StrategyFactory(organisation=region)
    actor = Actor.objects.create(organisation=region, name="Föreningen Väntar", kind="association")
    Commitment.objects.create(
        strategy=strategy,
        actor=actor,
        commitment="Vi bidrar.",
        contact_name="K",
        contact_email="k@example.se",
    )


WAITING = [
    "Anmäld kommentar",
    "Omprövas kommentar",
    "Väntande påstående",
    "Hållet påstående",
    "Förslag att kontrollera",
    "Förslag att diarieföra",
    "Försenat ärende",
    "Väntande fråga?",
    "Försenad remiss",
    "Klar analys",
    "Stängd process",
    "Föreningen Väntar",
]
HANDLED = [
    "Hanterad kommentar",
    "Omprövad kommentar",
    "Publicerat påstående",
    "Avvisat förslag",
    "Avvisad fråga?",
    "Pågående remiss",
    "Utkast till analys",
    "Återkopplad process",
]


def test_every_queue_shows_what_waits_and_not_what_is_handled(
    client: Client, region: Any, official: Any
) -> None:
    _waiting_in_every_queue(region, official)
    page = _inbox(client, official)
    for title in WAITING:
        assert title in page, title
    for title in HANDLED:
        assert title not in page, title
    # The overdue case is marked in words, not only by colour.
    assert "Brådskande" in page
    counts = {entry.queue.key: entry.count for entry in queue_counts(official)}
    assert counts["discussions.reported"] == 1
    assert counts["moderation.reviews"] == 1
    assert counts["opinionmaps.statements"] == 1
    assert counts["moderation.held"] == 1
    assert counts["proposals.intake"] == counts["proposals.register"] == 1
    assert counts["proposals.decide"] == 1
    assert counts["meetings.questions"] == 1
    assert counts["councils.referrals"] == 1
    assert counts["assessments.signoff"] == 1
    assert counts["participation.feedback"] == 1
    assert counts["followup.join_requests"] == 1
    assert inbox_total(official) == sum(counts.values())


def test_an_official_of_another_organisation_sees_nothing(
    client: Client, region: Any, official: Any
) -> None:
    _waiting_in_every_queue(region, official)
    other = role(UserFactory(), "official", OrganisationFactory())
    page = _inbox(client, other)
    for title in WAITING:
        assert title not in page, title
    assert inbox_total(other) == 0
    assert "Inget väntar på dig just nu." in page and "Inget väntar i:" in page


def test_a_moderator_sees_only_the_moderation_queues(
    client: Client, region: Any, official: Any
) -> None:
    _waiting_in_every_queue(region, official)
    moderator = role(UserFactory(), "moderator", region)
    page = _inbox(client, moderator)
    assert "Anmäld kommentar" in page and "Väntande påstående" in page
    assert "Förslag att kontrollera" not in page and "Stängd process" not in page


def test_counts_in_the_header_the_staff_menu_and_the_dashboard(
    client: Client, region: Any, official: Any
) -> None:
    _waiting_in_every_queue(region, official)
    total = inbox_total(official)
    client.force_login(official)
    dashboard = client.get(reverse("staff:dashboard")).content.decode()
    assert f"Inkorg ({total}" in dashboard
    assert f'Personal <span class="nav-count">({total}' in dashboard
    assert f"{reverse('staff:inbox')}?ko=proposals.intake" in dashboard
    # A public page carries the count in the header too.
    home = client.get(reverse("participation:list")).content.decode()
    assert f"({total}" in home


def test_one_queue_alone_and_an_unknown_queue(client: Client, region: Any, official: Any) -> None:
    _waiting_in_every_queue(region, official)
    page = _inbox(client, official, ko="proposals.intake")
    assert "Förslag att kontrollera" in page and "Anmäld kommentar" not in page
    client.force_login(official)
    assert client.get(reverse("staff:inbox"), {"ko": "nope.queue"}).status_code == 404


@pytest.fixture
def runtime_queue() -> Iterator[InboxQueue]:
    """A queue contributed at runtime by an app the inbox has never heard of."""
    queue = InboxQueue(
        key="testapp.things",
        name="Saker från en ny modul",
        explanation="Hanteras i den nya modulen.",
        items=lambda user: [WorkItem(title="En ny sak", url="/ny/", urgent=True)],
    )
    contributions.contribute(Contribution(app_label="testapp", inbox=(queue,)))
    yield queue
    del contributions._contributions["testapp"]


def test_a_queue_contributed_at_runtime_appears_without_touching_the_inbox(
    client: Client, official: Any, runtime_queue: InboxQueue
) -> None:
    page = _inbox(client, official)
    assert "Saker från en ny modul" in page and "En ny sak" in page and 'href="/ny/"' in page
    assert inbox_total(official) == 1


def test_residents_are_refused_and_visitors_sent_to_log_in(client: Client) -> None:
    resident = UserFactory()
    client.force_login(resident)
    assert client.get(reverse("staff:inbox")).status_code == 403
    page = client.get(reverse("participation:list")).content.decode()
    assert "Inkorg" not in page
    client.logout()
    response = client.get(reverse("staff:inbox"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_overview_caps_a_long_queue(client: Client, region: Any, official: Any) -> None:
    for n in range(12):
        _proposal(region, f"Förslag nummer {n:02d}", "submitted")
    page = _inbox(client, official)
    assert "Visa alla 12" in page
    assert page.count("Förslag nummer") == 10
    alone = _inbox(client, official, ko="proposals.intake")
    assert alone.count("Förslag nummer") == 12
