"""Findings of the review of the budgeting app (issue 19), each a test that failed before its
fix: the day age is counted on when the vote ends at midnight, a paper batch accepted after the
count, staff releasing an idea a moderator holds, and the ballot page kept out of caches."""

import csv
import io
from collections import Counter
from datetime import date, datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from delaktig.budgeting import services
from delaktig.budgeting.models import Ballot, Budget, PaperBatch, Voter
from delaktig.budgeting.selectors import ballots_csv
from delaktig.budgeting.workflow import BudgetStatus, ProjectStatus
from delaktig.core.errors import Conflict, DelaktigError, PermissionDenied
from tests.budgeting_factories import (
    COSTS,
    NOW,
    after_vote,
    ballot,
    budget_module,
    home,
    official_of,
    personnummer,
    project,
    refused,
    resident,
    years_before,
)


@pytest.fixture
def frozen(time_machine: Any) -> datetime:
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.mark.django_db
def test_a_vote_ending_at_midnight_counts_age_on_the_day_before(frozen: datetime) -> None:
    """A phase that ends at 00:00 on 20 May runs until the end of 19 May: a person who turns 13
    on 20 May never was 13 while the vote ran, and may not vote."""
    budget = budget_module(now=frozen, min_age=13)
    ballot(budget, COSTS)
    midnight = timezone.make_aware(datetime(2031, 5, 20, 0, 0))
    budget.module.phases.filter(phase_type="voting").update(ends_at=midnight)
    budget.module.phases.filter(phase_type="results").update(starts_at=midnight)
    assert services.voting_day(budget) == date(2031, 5, 19)
    place = home(budget)
    too_young = resident(place, born=years_before(date(2031, 5, 20), 13))
    refused(
        "budgeting.too_young",
        PermissionDenied,
        services.ballot_cast,
        actor=too_young,
        budget=budget,
        choices=[1],
    )
    thirteen = resident(place, born=years_before(date(2031, 5, 19), 13))
    services.ballot_cast(actor=thirteen, budget=budget, choices=[1])
    # The paper path follows the same rule.
    official = official_of(budget)

    refused(
        "budgeting.too_young",
        PermissionDenied,
        services.paper_voter_register,
        actor=official,
        budget=budget,
        identity_number=personnummer(years_before(date(2031, 5, 20), 13)),
        municipality=place,
    )


@pytest.mark.django_db
def test_a_batch_accepted_after_the_count_must_be_counted_before_publishing(
    frozen: datetime,
) -> None:
    """The published result must be the count of every ballot published with it: a paper
    batch accepted after the count, and not recounted, would be in the open ballots file but
    not in the result."""
    budget = budget_module(now=frozen)
    ballot(budget, COSTS)
    first, second = official_of(budget), official_of(budget)
    codes = services.paper_codes_print(actor=first, budget=budget, count=2)
    batch = services.paper_batch_create(actor=first, budget=budget, place="Biblioteket", voters=2)
    budget = services.budget_count(actor=first, budget=budget, now=after_vote(budget))
    assert budget.result is not None and budget.result["valid"] == 0
    text = f"{codes[0]}: 1\n{codes[1]}: 2"
    services.paper_entry_submit(actor=first, batch=batch, text=text)
    done = services.paper_entry_submit(actor=second, batch=batch, text=text)
    assert done.status == PaperBatch.Status.ACCEPTED
    assert Ballot.objects.filter(budget=budget).count() == 2
    refused(
        "budgeting.recount_needed", Conflict, services.budget_publish, actor=first, budget=budget
    )
    budget = services.budget_count(actor=first, budget=budget, now=after_vote(budget))
    published = services.budget_publish(actor=first, budget=budget)
    assert published.status == BudgetStatus.PUBLISHED
    assert published.result is not None and published.result["valid"] == 2
    assert published.result["ballots"] == {"digital": 0, "paper": 2}


@pytest.mark.django_db
def test_staff_cannot_release_or_withhold_an_idea_through_the_review(frozen: datetime) -> None:
    """Holding and releasing an idea is the moderators' (screening's) decision; the budget's
    review buttons only put ideas on or off the ballot or back to review."""
    budget = budget_module(now=frozen, stage="review")
    official = official_of(budget)
    held = project(budget, status=ProjectStatus.HELD.value, cost=10_000)
    shown = project(budget, cost=10_000)
    for item, action in ((held, "release"), (shown, "withhold")):
        with pytest.raises(DelaktigError):
            services.project_decide(actor=official, project=item, action=action)
    held.refresh_from_db()
    shown.refresh_from_db()
    assert held.status == ProjectStatus.HELD and shown.status == ProjectStatus.SUBMITTED
    client = Client()
    client.force_login(official)
    address = reverse(
        "budgeting:review", kwargs={"module_pk": budget.module_id, "project_pk": held.pk}
    )
    response = client.post(address, {"action": "release"})
    assert response.status_code in (400, 409)
    held.refresh_from_db()
    assert held.status == ProjectStatus.HELD


@pytest.mark.django_db
def test_the_ballot_page_with_ones_own_choices_is_never_cached(frozen: datetime) -> None:
    """The ballot page and the receipt page after voting show how the person voted: on a
    shared computer (a library) no cache may keep them."""
    budget = budget_module(now=frozen)
    ballot(budget, COSTS)
    person = resident(home(budget), born=date(1980, 6, 1))
    services.ballot_cast(actor=person, budget=budget, choices=[2, 3])
    client = Client()
    client.force_login(person)
    address = reverse("budgeting:vote", kwargs={"module_pk": budget.module_id})
    for page in (client.get(address), client.get(f"{address}?kvitto=1")):
        assert page.status_code == 200
        assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    assert Voter.objects.filter(budget=budget).count() == 1


@pytest.mark.django_db
def test_no_paper_voter_is_registered_once_the_count_has_begun(frozen: datetime) -> None:
    """A library's registration that races the count (its page loaded before) is refused under
    the budget's lock, as a digital ballot is: the register the result counts stays as it was."""
    budget = budget_module(now=frozen)
    ballot(budget, COSTS)
    official = official_of(budget)
    stale = Budget.objects.get(pk=budget.pk)
    services.budget_count(actor=official, budget=budget, now=after_vote(budget))
    refused(
        "budgeting.voting_closed",
        Conflict,
        services.paper_voter_register,
        actor=official,
        budget=stale,
        identity_number=personnummer(date(1980, 6, 1)),
        municipality=home(budget),
    )
    assert not Voter.objects.filter(budget=budget).exists()


@pytest.mark.django_db
def test_after_the_count_the_stored_order_of_ballots_does_not_follow_the_register(
    frozen: datetime,
) -> None:
    """Ballots are stored in the order they were cast, which is the order of the register's
    rows (and of a database dump): after the count they are stored in receipt order instead."""
    budget = budget_module(now=frozen)
    ballot(budget, COSTS)
    for number in range(12):
        person = resident(home(budget), born=date(1980, 6, 1))
        services.ballot_cast(actor=person, budget=budget, choices=[number % 4 + 1])
    services.budget_count(actor=official_of(budget), budget=budget, now=after_vote(budget))
    table = Ballot._meta.db_table
    physical = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT receipt FROM {table} WHERE budget_id = %s ORDER BY {physical}",  # noqa: S608
            [budget.pk],
        )
        stored = [row[0] for row in cursor.fetchall()]
    assert len(stored) == 12
    assert stored == sorted(stored)
    assert not Ballot.objects.filter(budget=budget, key__isnull=False).exists()


@pytest.mark.django_db
def test_a_third_officials_entry_counts_only_the_rows_two_officials_agree_on(
    frozen: datetime,
) -> None:
    """Three officials enter a batch: the first misreads a ballot, the second and third read
    it alike. The batch is counted with the second and third's reading, never the first's."""
    budget = budget_module(now=frozen)
    ballot(budget, COSTS)
    first, second, third = official_of(budget), official_of(budget), official_of(budget)
    codes = services.paper_codes_print(actor=first, budget=budget, count=2)
    batch = services.paper_batch_create(actor=first, budget=budget, place="Skolan", voters=2)
    right = f"{codes[0]}: 1\n{codes[1]}: 2, 3"
    wrong = f"{codes[0]}: 4\n{codes[1]}: 2, 3"
    services.paper_entry_submit(actor=first, batch=batch, text=wrong)
    assert services.paper_entry_submit(actor=second, batch=batch, text=right).status == "mismatch"
    services.paper_entry_submit(actor=third, batch=batch, text=right)
    # The first corrects nothing and submits their misreading again.
    try:
        services.paper_entry_submit(actor=first, batch=batch, text=wrong)
    except Conflict:
        pass
    batch.refresh_from_db()
    assert batch.status == PaperBatch.Status.ACCEPTED
    stored = dict(Ballot.objects.filter(batch=batch).values_list("receipt", "choices"))
    assert stored == {codes[0]: [1], codes[1]: [2, 3]}


@pytest.mark.django_db
@pytest.mark.parametrize(("paper", "shown"), [(2, False), (5, True), (0, True)])
def test_the_ballots_file_hides_the_channel_of_a_small_group(
    frozen: datetime, paper: int, shown: bool
) -> None:
    """Two paper ballots beside many digital ones: whoever knows which two people voted at the
    library would read their choices in the open ballots file if it said which were paper."""
    budget = budget_module(now=frozen)
    ballot(budget, COSTS)
    for index in range(6 + paper):
        Ballot.objects.create(
            budget=budget,
            receipt=services.new_code(),
            choices=[index % 4 + 1],
            channel="paper" if index < paper else "digital",
        )
    rows = list(csv.reader(io.StringIO(ballots_csv(budget=budget).decode())))[1:]
    assert len(rows) == 6 + paper
    channels = Counter(row[1] for row in rows)
    if shown:
        assert channels == Counter({"digital": 6, **({"paper": paper} if paper else {})})
    else:
        assert channels == Counter({"": 6 + paper})


@pytest.mark.django_db
def test_the_running_total_never_puts_the_ticks_in_a_url(frozen: datetime) -> None:
    """The htmx running total sends the ticked projects by POST: in a GET's query string they
    would be in every access log, beside the person's address and the time. Asking for the
    total casts nothing."""
    budget = budget_module(now=frozen, amount=100_000)
    ballot(budget, [60_000, 50_000, 30_000])
    client = Client()
    client.force_login(resident(home(budget), born=date(1980, 6, 1)))
    address = reverse("budgeting:vote", kwargs={"module_pk": budget.module_id})
    page = client.get(address).content.decode()
    assert 'hx-post="' + address + '?summa=1"' in page and "hx-get=" not in page
    response = client.post(
        f"{address}?summa=1", {"choices": ["1", "3"]}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "90\u00a0000 kronor" in html
    assert not Ballot.objects.filter(budget=budget).exists()
    assert not Voter.objects.filter(budget=budget).exists()


@pytest.mark.django_db
def test_the_receipt_form_posts_the_code(frozen: datetime) -> None:
    """After publication a receipt says how its holder voted: the lookup form sends it by POST,
    never in a URL that access logs keep beside the holder's address."""
    budget = budget_module(now=frozen)
    ballot(budget, COSTS)
    person = resident(home(budget), born=date(1980, 6, 1))
    code = services.ballot_cast(actor=person, budget=budget, choices=[2]).code
    client = Client(enforce_csrf_checks=True)
    address = reverse("budgeting:receipt", kwargs={"module_pk": budget.module_id})
    page = client.get(address)
    html = page.content.decode()
    assert '<form method="post"' in html and 'name="csrfmiddlewaretoken"' in html
    token = page.cookies["csrftoken"].value
    found = client.post(address, {"kod": code.lower(), "csrfmiddlewaretoken": token})
    assert found.status_code == 200
    assert "Röstsedeln finns och räknas när omröstningen stänger." in found.content.decode()
    missing = client.post(address, {"kod": "ABCD-EFGH-JKMN", "csrfmiddlewaretoken": token})
    assert missing.status_code == 404


@pytest.mark.django_db
def test_asking_the_register_about_someone_who_voted_is_on_the_record(frozen: datetime) -> None:
    """The paper-voter form answers whether a personnummer has voted: a refused registration
    is audited (without the number), so looking people up leaves a trace."""
    from delaktig.core.models import AuditEntry

    budget = budget_module(now=frozen)
    ballot(budget, COSTS)
    official = official_of(budget)
    number = personnummer(date(1980, 6, 1))
    args = {"actor": official, "budget": budget, "identity_number": number}
    services.paper_voter_register(**args, municipality=home(budget))
    refused(
        "budgeting.already_voted",
        Conflict,
        services.paper_voter_register,
        **args,
        municipality=home(budget),
    )
    entry = AuditEntry.objects.get(action="budgeting.paper_voter_refused")
    assert entry.actor == official
    assert number not in str(entry.data) and number[-4:] not in str(entry.data)


@pytest.mark.django_db
def test_the_settings_service_refuses_another_organisations_places(frozen: datetime) -> None:
    budget = budget_module(now=frozen)
    other = budget_module(now=frozen)
    foreign = home(other)
    values = services.BudgetSettings(amount=1000, municipalities=[foreign])
    refused(
        "budgeting.not_in_area",
        DelaktigError,
        services.budget_configure,
        actor=official_of(budget),
        module=budget.module,
        values=values,
    )


@pytest.mark.django_db
def test_two_readings_of_ticks_in_another_order_agree(frozen: datetime) -> None:
    """On a budget or approval ballot the ticks have no order, so officials who type them in a
    different order read the same ballot; on a ranked ballot the order is the vote."""
    budget = budget_module(now=frozen)
    ballot(budget, [100, 200, 300])
    first, second = official_of(budget), official_of(budget)
    (code,) = services.paper_codes_print(actor=first, budget=budget, count=1)
    batch = services.paper_batch_create(actor=first, budget=budget, place="Biblioteket", voters=1)
    services.paper_entry_submit(actor=first, batch=batch, text=f"{code}: 3, 1")
    done = services.paper_entry_submit(actor=second, batch=batch, text=f"{code}: 1, 3")
    assert done.status == PaperBatch.Status.ACCEPTED
    assert Ballot.objects.get(budget=budget).choices == [1, 3]
