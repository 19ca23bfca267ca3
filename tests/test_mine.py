"""Mina sidor: every app's section lists the person's own things, never another's, each with a
link to where the person acts on it, and says where to start when there is nothing yet."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from delaktig.accounts.selectors import mine_lists
from delaktig.core import contributions
from delaktig.councils.models import Council, Membership, Referral, ReferralResponse
from delaktig.meetings.models import Meeting, Question, Registration
from delaktig.opinionmaps.models import OpinionMap, Participant, Statement, Vote
from delaktig.participation.models import Follow
from delaktig.proposals.models import Proposal, Support
from delaktig.surveys.models import Response, Survey
from tests.factories import ModuleFactory, OrganisationFactory, ProcessFactory, UserFactory

pytestmark = pytest.mark.django_db


def _proposal(region: Any, author: Any, title: str, status: str) -> Proposal:
    return Proposal.objects.create(
        organisation=region,
        author=author,
        author_name="Anna",
        title=title,
        body="Gör så här.",
        status=status,
        submitted_at=None if status == "draft" else timezone.now() - timedelta(days=3),
    )


def _meeting(region: Any, title: str, days: int) -> Meeting:
    start = timezone.now() + timedelta(days=days)
    return Meeting.objects.create(
        organisation=region,
        kind="event",
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        registration_open=True,
        question_time=True,
    )


def _votes(opinion_map: OpinionMap, user: Any, number: int, count: int) -> None:
    participant = Participant.objects.create(map=opinion_map, number=number, user=user)
    now = timezone.now()
    for statement in opinion_map.statements.all()[:count]:
        Vote.objects.create(
            participant=participant, statement=statement, value=1, created=now, updated=now
        )


@pytest.fixture
def world() -> dict[str, Any]:
    """Two residents, each with one of everything; ``me`` has a few more."""
    region = OrganisationFactory()
    me, other = UserFactory(), UserFactory()
    mine_process = ProcessFactory(organisation=region, title="Processen jag följer")
    other_process = ProcessFactory(organisation=region, title="Processen den andra följer")
    Follow.objects.create(user=me, process=mine_process)
    Follow.objects.create(user=other, process=other_process)

    draft = _proposal(region, me, "Mitt utkast", "draft")
    _proposal(region, me, "Mitt inskickade förslag", "collecting")
    _proposal(region, other, "Den andras förslag", "draft")
    supported = _proposal(region, other, "Förslaget jag stöder", "collecting")
    unsupported = _proposal(region, UserFactory(), "Förslaget den andra stöder", "collecting")
    Support.objects.create(proposal=supported, user=me, identity_hash="a")
    Support.objects.create(proposal=unsupported, user=other, identity_hash="b")

    meeting = _meeting(region, "Mötet jag är anmäld till", 5)
    other_meeting = _meeting(region, "Mötet den andra är anmäld till", 6)
    past = _meeting(region, "Mötet som redan varit", -5)
    Registration.objects.create(meeting=meeting, user=me, status="confirmed")
    Registration.objects.create(meeting=past, user=me, status="confirmed")
    Registration.objects.create(meeting=other_meeting, user=other, status="confirmed")
    Question.objects.create(meeting=meeting, asker=me, asker_name="Jag", text="Min fråga?")
    Question.objects.create(meeting=meeting, asker=other, asker_name="Hen", text="Hens fråga?")

    survey = Survey.objects.create(
        module=ModuleFactory(process=mine_process, kind="survey", title="Enkäten om bussar"),
        access=Survey.Access.ACCOUNT,
    )
    Response.objects.create(survey=survey, respondent=me)
    answered = Survey.objects.create(
        module=ModuleFactory(process=mine_process, kind="survey", title="Enkäten jag svarat på"),
        access=Survey.Access.ACCOUNT,
    )
    Response.objects.create(survey=answered, respondent=me, submitted_at=timezone.now())
    Response.objects.create(survey=answered, respondent=other, submitted_at=timezone.now())

    opinion_map = OpinionMap.objects.create(
        module=ModuleFactory(process=mine_process, kind="opinionmap", title="Kartan om trafiken"),
        topic="Trafiken",
    )
    for number in (1, 2, 3):
        Statement.objects.create(
            map=opinion_map, number=number, text=f"Påstående {number}", status="published"
        )
    _votes(opinion_map, me, 1, 2)
    other_map = OpinionMap.objects.create(
        module=ModuleFactory(process=other_process, kind="opinionmap", title="Den andras karta"),
        topic="Annat",
    )
    Statement.objects.create(map=other_map, number=1, text="Ett", status="published")
    _votes(other_map, other, 1, 1)

    today = timezone.localdate()
    council = Council.objects.create(
        organisation=region, kind="pensionarsrad", name="Pensionärsrådet", slug="pr", mandate="-"
    )
    term = {"term_start": today - timedelta(days=30), "term_end": today + timedelta(days=300)}
    Membership.objects.create(council=council, user=me, name="Jag", **term)
    to_answer = Referral.objects.create(
        organisation=region,
        title="Remissen att svara på",
        question="?",
        deadline=today + timedelta(days=10),
    )
    answered_referral = Referral.objects.create(
        organisation=region,
        title="Remissen jag svarat på",
        question="?",
        deadline=to_answer.deadline,
    )
    late = Referral.objects.create(
        organisation=region,
        title="Remissen som gått ut",
        question="?",
        deadline=today - timedelta(days=1),
    )
    for referral in (to_answer, answered_referral, late):
        referral.councils.add(council)
    ReferralResponse.objects.create(
        referral=answered_referral, council=council, author=me, kind="individual", text="Bra."
    )
    return {
        "me": me,
        "other": other,
        "draft": draft,
        "meeting": meeting,
        "survey": survey,
        "map": opinion_map,
        "referral": to_answer,
        "council": council,
        "process": mine_process,
    }


def _titles(user: Any) -> dict[str, list[str]]:
    return {entry.section.key: [i.title for i in entry.items] for entry in mine_lists(viewer=user)}


def test_each_section_lists_the_persons_own_items_and_not_anothers(world: dict[str, Any]) -> None:
    titles = _titles(world["me"])
    assert titles["participation.following"] == ["Processen jag följer"]
    assert titles["proposals.mine"] == ["Mitt inskickade förslag", "Mitt utkast"]
    assert titles["proposals.supported"] == ["Förslaget jag stöder"]
    assert titles["meetings.registrations"] == ["Mötet jag är anmäld till"]  # not the past one
    assert titles["meetings.questions"] == ["Min fråga?"]
    assert titles["surveys.responses"] == ["Enkäten om bussar", "Enkäten jag svarat på"]
    assert titles["opinionmaps.voted"] == ["Kartan om trafiken"]
    assert titles["councils.memberships"] == ["Pensionärsrådet"]
    # Not the one already answered, nor the one past its deadline.
    assert titles["councils.referrals"] == ["Remissen att svara på"]
    everything = " ".join(t for items in titles.values() for t in items)
    for theirs in ("den andra", "Den andras", "Hens fråga"):
        assert theirs not in everything


def test_items_link_to_where_the_person_acts(world: dict[str, Any]) -> None:
    lists = {entry.section.key: entry.items for entry in mine_lists(viewer=world["me"])}
    draft = next(i for i in lists["proposals.mine"] if i.title == "Mitt utkast")
    assert draft.url == reverse("proposals:edit", kwargs={"pk": world["draft"].pk})
    assert "Utkast" in str(draft.detail)
    assert lists["participation.following"][0].url == world["process"].get_absolute_url()
    assert lists["meetings.registrations"][0].url == world["meeting"].get_absolute_url()
    survey_draft, survey_sent = lists["surveys.responses"]
    assert survey_draft.url == world["survey"].get_absolute_url()
    assert "Inte inskickad" in str(survey_draft.detail)
    assert "Inskickad" in str(survey_sent.detail)
    voted = lists["opinionmaps.voted"][0]
    assert voted.url == reverse("opinionmaps:vote", kwargs={"module_pk": world["map"].module_id})
    assert "2 påståenden" in str(voted.detail)
    assert lists["councils.referrals"][0].url == world["referral"].get_absolute_url()
    assert lists["councils.memberships"][0].url == world["council"].get_absolute_url()


def test_page_shows_sections_with_counts_nav_and_account(world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world["me"])
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "<h1>Mina sidor</h1>" in page
    heading = re.search(r'<h2 id="mina-proposals-mine-title">(.*?)</h2>', page, re.S)
    assert heading and "Dina förslag" in heading.group(1) and "(2)" in heading.group(1)
    # The in-page navigation links to every section, and to the account parts.
    for anchor in ("mina-participation-following", "mina-aviseringar", "mitt-konto"):
        assert f'href="#{anchor}"' in page and f'id="{anchor}"' in page
    assert reverse("proposals:edit", kwargs={"pk": world["draft"].pk}) in page
    assert reverse("accounts:notifications") in page
    for account_link in ("accounts:export", "accounts:delete", "accounts:demographics"):
        assert reverse(account_link) in page
    assert "Den andras förslag" not in page


def test_empty_sections_say_where_to_start_and_member_only_sections_stay_hidden() -> None:
    person = UserFactory()
    client = Client()
    client.force_login(person)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Du följer inga processer ännu." in page
    assert f'<a href="{reverse("participation:list")}">Hitta en process att följa</a>' in page
    assert f'<a href="{reverse("proposals:create")}">Skriv ett förslag</a>' in page
    assert "(0)" in page
    # Council work shows only for council members.
    keys = {entry.section.key for entry in mine_lists(viewer=person)}
    assert "councils.referrals" not in keys and "councils.memberships" not in keys
    assert "Remisser att svara på" not in page


def test_every_section_with_an_empty_text_has_a_place_to_start() -> None:
    for section in contributions.mine_sections():
        if section.empty:
            assert section.start and section.start_url, section.key


def test_mina_sidor_needs_a_login_and_the_header_says_mina_sidor(world: dict[str, Any]) -> None:
    client = Client()
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and "/konto/login/" in response["Location"]
    client.force_login(world["me"])
    home = client.get("/").content.decode()
    assert f'<a href="{reverse("accounts:profile")}">Mina sidor</a>' in home
    assert "Mitt konto" not in home


def test_display_name_is_still_saved_from_mina_sidor(world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world["me"])
    response = client.post(reverse("accounts:profile"), {"display_name": "Kim"})
    assert response.status_code == 302
    world["me"].refresh_from_db()
    assert world["me"].display_name == "Kim"
