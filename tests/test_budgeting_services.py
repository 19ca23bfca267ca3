"""The budgeting services: who may vote, one ballot per person, secrecy, paper ballots, the
count and publication, personal data, and the demo's budgets. The concurrency tests run each
voter in its own thread and database connection (``tests.concurrency.run_together``)."""

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from delaktig.accounts.models import User
from delaktig.accounts.services import account_delete, personal_data_export
from delaktig.budgeting import services
from delaktig.budgeting.models import Ballot, Budget, PaperBatch, PaperCode, PaperEntry, Voter
from delaktig.budgeting.workflow import BUDGET_MACHINE, BudgetAction, BudgetStatus
from delaktig.core.errors import (
    Conflict,
    DelaktigError,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from delaktig.identity.models import Verification
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
from tests.concurrency import run_together
from tests.factories import MunicipalityFactory, UserFactory


@pytest.fixture
def frozen(time_machine: Any) -> datetime:
    time_machine.move_to(NOW, tick=False)
    return NOW


def adult(budget: Budget, **kwargs: Any) -> User:
    return resident(home(budget), born=date(1980, 6, 1), **kwargs)


# --- Who may vote --------------------------------------------------------------------------


@pytest.mark.django_db
def test_unverified_no_birth_date_and_another_municipality_are_refused(frozen: datetime) -> None:
    budget = budget_module(now=frozen, min_age=13)
    ballot(budget, COSTS)
    plain = UserFactory()
    refused(
        "budgeting.not_verified",
        PermissionDenied,
        services.voter_verification,
        user=plain,
        budget=budget,
    )
    no_birth = adult(budget)
    Verification.objects.filter(user=no_birth).update(birth_date=None)
    refused(
        "budgeting.age_unknown",
        PermissionDenied,
        services.voter_verification,
        user=no_birth,
        budget=budget,
    )
    elsewhere = resident(MunicipalityFactory(), born=date(1980, 6, 1))
    refused(
        "budgeting.not_resident",
        PermissionDenied,
        services.voter_verification,
        user=elsewhere,
        budget=budget,
    )
    # Without an age rule the unknown age does not matter.
    Budget.objects.filter(pk=budget.pk).update(min_age=None)
    budget.refresh_from_db()
    assert services.voter_verification(user=no_birth, budget=budget).user == no_birth
    # A budget limited to some municipalities refuses the organisation's others. (The home
    # municipality is taken before another is added: ``home`` is the first by name.)
    limited_to = home(budget)
    other = MunicipalityFactory()
    budget.module.process.organisation.municipalities.add(other)
    budget.municipalities.set([limited_to])
    outside = resident(other, born=date(1980, 6, 1))
    refused(
        "budgeting.not_resident",
        PermissionDenied,
        services.ballot_cast,
        actor=outside,
        budget=budget,
        choices=[1],
    )
    assert not Voter.objects.exists() and not Ballot.objects.exists()


@pytest.mark.django_db
def test_age_is_counted_on_the_last_day_of_the_vote(frozen: datetime) -> None:
    budget = budget_module(now=frozen, min_age=13, max_age=19)
    ballot(budget, COSTS)
    day = services.voting_day(budget)
    assert day == date(2031, 5, 19)  # the voting phase ends five days after NOW
    place = home(budget)
    # Turns 13 on the last day: may vote from the start, although 12 today.
    thirteen = resident(place, born=years_before(day, 13))
    services.ballot_cast(actor=thirteen, budget=budget, choices=[1])
    # Turns 13 the day after: too young.
    twelve = resident(place, born=years_before(day, 13) + timedelta(days=1))
    refused(
        "budgeting.too_young",
        PermissionDenied,
        services.ballot_cast,
        actor=twelve,
        budget=budget,
        choices=[1],
    )
    # Still 19 on the last day (20 the day after): may vote.
    nineteen = resident(place, born=years_before(day, 20) + timedelta(days=1))
    services.ballot_cast(actor=nineteen, budget=budget, choices=[2])
    # Turns 20 on the last day: too old, although 19 when the vote opened.
    twenty = resident(place, born=years_before(day, 20))
    refused(
        "budgeting.too_old",
        PermissionDenied,
        services.ballot_cast,
        actor=twenty,
        budget=budget,
        choices=[1],
    )
    assert Voter.objects.filter(budget=budget).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "min_age", "eligible"),
    [
        # The vote ends on 28 February 2025: someone born 29 February 2012 is still 12.
        (datetime(2025, 2, 23, 12), 13, False),
        # Ending on 1 March 2025 they have turned 13.
        (datetime(2025, 2, 24, 12), 13, True),
        # In a leap year the birthday is the 29th itself: 16 on 29 February 2028, not before.
        (datetime(2028, 2, 23, 12), 16, False),
        (datetime(2028, 2, 24, 12), 16, True),
    ],
)
def test_a_29_february_birthday_falls_on_1_march_in_a_common_year(
    moment: datetime, min_age: int, eligible: bool, time_machine: Any
) -> None:
    now = timezone.make_aware(moment)
    time_machine.move_to(now, tick=False)
    budget = budget_module(now=now, min_age=min_age)
    ballot(budget, COSTS)
    leapling = resident(home(budget), born=date(2012, 2, 29))
    if eligible:
        services.voter_verification(user=leapling, budget=budget)
    else:
        refused(
            "budgeting.too_young",
            PermissionDenied,
            services.voter_verification,
            user=leapling,
            budget=budget,
        )


@pytest.mark.django_db
def test_paper_and_digital_exclude_each_other(frozen: datetime) -> None:
    budget = budget_module(now=frozen)
    ballot(budget, COSTS)
    official = official_of(budget)
    born = date(1975, 3, 4)
    number = personnummer(born)
    digital = resident(home(budget), born=born, number=number)
    services.ballot_cast(actor=digital, budget=budget, choices=[1])
    refused(
        "budgeting.already_voted",
        Conflict,
        services.paper_voter_register,
        actor=official,
        budget=budget,
        identity_number=number,
        municipality=home(budget),
    )

    number2 = personnummer(born)
    services.paper_voter_register(
        actor=official, budget=budget, identity_number=number2, municipality=home(budget)
    )
    on_paper = resident(home(budget), born=born, number=number2)
    refused(
        "budgeting.voted_on_paper",
        Conflict,
        services.ballot_cast,
        actor=on_paper,
        budget=budget,
        choices=[2],
    )
    # Registering the same paper voter twice is refused too.
    refused(
        "budgeting.already_voted",
        Conflict,
        services.paper_voter_register,
        actor=official,
        budget=budget,
        identity_number=number2,
        municipality=home(budget),
    )
    assert list(Voter.objects.order_by("channel").values_list("channel", flat=True)) == [
        "digital",
        "paper",
    ]
    assert Ballot.objects.count() == 1
    assert services.has_voted(user=on_paper, budget=budget) == "paper"


# --- One ballot per person, and secrecy ---------------------------------------------------


@pytest.mark.django_db
def test_casting_again_changes_the_same_ballot_and_keeps_the_receipt(frozen: datetime) -> None:
    budget = budget_module(now=frozen)
    ballot(budget, COSTS)
    voter = adult(budget)
    first = services.ballot_cast(actor=voter, budget=budget, choices=[1, 2])
    second = services.ballot_cast(actor=voter, budget=budget, choices=[3], statistics_consent=True)
    assert not first.changed and second.changed and first.code == second.code
    stored = Ballot.objects.get()
    assert stored.receipt == first.code and stored.choices == [3] and stored.key
    assert Voter.objects.get().channel == "digital"
    mine = services.my_ballot(user=voter, budget=budget)
    assert mine is not None and mine.pk == stored.pk
    # A ballot has nothing that points at a person or a time.
    for field in Ballot._meta.get_fields():
        assert not isinstance(field, models.DateField | models.DateTimeField), field.name
        related = getattr(field, "related_model", None)
        assert related not in (User, Voter, Verification), field.name


@pytest.mark.django_db
def test_counting_erases_every_key_and_publishing_every_identity(frozen: datetime) -> None:
    budget = budget_module(now=frozen)
    ballot(budget, COSTS)
    official = official_of(budget)
    voters = [adult(budget) for _i in range(3)]
    for index, voter in enumerate(voters):
        services.ballot_cast(actor=voter, budget=budget, choices=[index + 1])
    assert Ballot.objects.filter(key__isnull=False).count() == 3
    counted = services.budget_count(actor=official, budget=budget, now=after_vote(budget))
    assert counted.status == BudgetStatus.COUNTED
    assert not Ballot.objects.filter(key__isnull=False).exists()
    assert all(services.my_ballot(user=v, budget=budget) is None for v in voters)
    assert all(services.has_voted(user=v, budget=budget) == "digital" for v in voters)
    services.budget_publish(actor=official, budget=counted)
    assert set(Voter.objects.values_list("identity_hash", flat=True)) == {""}
    assert all(services.has_voted(user=v, budget=budget) is None for v in voters)
    assert Voter.objects.count() == 3 and Ballot.objects.count() == 3


@pytest.mark.django_db
def test_choices_are_checked(frozen: datetime) -> None:
    budget = budget_module(now=frozen, amount=1_000_000)
    ballot(budget, COSTS)
    voter = adult(budget)
    cast = services.ballot_cast
    refused(
        "budgeting.ballot_over_budget",
        ValidationFailed,
        cast,
        actor=voter,
        budget=budget,
        choices=[1, 2, 3, 4],
    )
    refused(
        "budgeting.ballot_unknown_project",
        ValidationFailed,
        cast,
        actor=voter,
        budget=budget,
        choices=[9],
    )
    refused(
        "budgeting.ballot_empty", ValidationFailed, cast, actor=voter, budget=budget, choices=[]
    )
    refused(
        "budgeting.ballot_duplicate",
        ValidationFailed,
        cast,
        actor=voter,
        budget=budget,
        choices=[1, 1],
    )
    assert not Voter.objects.exists() and not Ballot.objects.exists()
    approval = budget_module(now=frozen, method="approval", max_choices=2)
    ballot(approval, COSTS)
    refused(
        "budgeting.ballot_too_many",
        ValidationFailed,
        cast,
        actor=adult(approval),
        budget=approval,
        choices=[1, 2, 3],
    )
    assert cast(actor=voter, budget=budget, choices=[1, 2, 3]).code


@pytest.mark.django_db
def test_no_vote_outside_the_voting_phase(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)
    budget = budget_module(now=NOW, stage="review")
    ballot(budget, COSTS)
    with pytest.raises(DelaktigError):
        services.ballot_cast(actor=adult(budget), budget=budget, choices=[1])
    assert not Voter.objects.exists()


# --- 64 voters at once ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_64_voters_casting_and_changing_at_once_lose_nothing_and_count_nothing_twice() -> None:
    budget = budget_module(now=timezone.now(), amount=1_000_000)
    ballot(budget, COSTS)
    official = official_of(budget)
    voters = [adult(budget) for _i in range(64)]
    first = {v.pk: [1 + i % 4] for i, v in enumerate(voters)}
    second = {v.pk: sorted({1 + (i + 1) % 4, 1 + (i + 2) % 4}) for i, v in enumerate(voters)}
    changers = {v.pk for v in voters[::2]}
    twice = {v.pk for v in voters[1:9:2]}  # four people who press the button twice at once
    receipts: dict[int, list[str]] = {v.pk: [] for v in voters}

    def cast(voter: User, choices: list[int]) -> None:
        budget_now = Budget.objects.select_related("module__process").get(pk=budget.pk)
        receipt = services.ballot_cast(actor=voter, budget=budget_now, choices=choices)
        receipts[voter.pk].append(receipt.code)

    def vote(voter: User) -> None:
        cast(voter, first[voter.pk])
        if voter.pk in changers:
            cast(voter, second[voter.pk])

    jobs = [lambda v=v: vote(v) for v in voters]
    jobs += [lambda v=v: cast(v, first[v.pk]) for v in voters if v.pk in twice]
    results, errors = run_together(jobs)
    assert errors == [] and len(results) == len(jobs)

    assert Voter.objects.filter(budget=budget).count() == 64
    assert Ballot.objects.filter(budget=budget).count() == 64
    expected = Counter(tuple(second[v.pk] if v.pk in changers else first[v.pk]) for v in voters)
    stored = Counter(tuple(b) for b in Ballot.objects.values_list("choices", flat=True))
    assert stored == expected
    # Each voter has one receipt, however often they cast; no two voters share one.
    per_voter = {pk: set(codes) for pk, codes in receipts.items()}
    assert all(len(codes) == 1 for codes in per_voter.values())
    assert len({next(iter(codes)) for codes in per_voter.values()}) == 64
    assert set(Ballot.objects.values_list("receipt", flat=True)) == {
        next(iter(codes)) for codes in per_voter.values()
    }
    # Each voter's own ballot holds their last choice.
    for voter in voters:
        mine = services.my_ballot(user=voter, budget=budget)
        wanted = second[voter.pk] if voter.pk in changers else first[voter.pk]
        assert mine is not None and mine.choices == wanted
    budget.refresh_from_db()
    counted = services.budget_count(actor=official, budget=budget, now=after_vote(budget))
    direct = Counter(n for choices in expected.elements() for n in choices)
    assert counted.result is not None
    assert {int(k): v for k, v in counted.result["votes"].items() if v} == dict(direct)
    assert counted.result["valid"] == 64 and counted.result["voters"]["digital"] == 64


# --- Paper ballots -------------------------------------------------------------------------


def paper_setup(budget: Budget, count: int = 3) -> tuple[User, User, PaperBatch, list[str]]:
    first, second = official_of(budget), official_of(budget)
    codes = services.paper_codes_print(actor=first, budget=budget, count=count)
    batch = services.paper_batch_create(
        actor=first, budget=budget, place="Biblioteket", voters=count
    )
    return first, second, batch, codes


def entry(codes: list[str], choices: list[str]) -> str:
    return "\n".join(f"{c}: {ch}" for c, ch in zip(codes, choices, strict=True))


@pytest.mark.django_db
def test_two_agreeing_entries_count_the_paper_ballots_once(frozen: datetime) -> None:
    budget = budget_module(now=frozen, amount=1_000_000)
    ballot(budget, COSTS)
    first, second, batch, codes = paper_setup(budget)
    text = entry(codes, ["1, 2", "3", "ogiltig"])
    assert services.paper_entry_submit(actor=first, batch=batch, text=text).status == "entering"
    assert not Ballot.objects.exists()
    # The same official again replaces their own entry: still one entry, nothing counted.
    services.paper_entry_submit(actor=first, batch=batch, text=text)
    assert PaperEntry.objects.filter(batch=batch).count() == 1 and not Ballot.objects.exists()
    done = services.paper_entry_submit(actor=second, batch=batch, text=text.lower())
    assert done.status == PaperBatch.Status.ACCEPTED and done.accepted_at is not None
    ballots = {b.receipt: b.choices for b in Ballot.objects.filter(batch=batch)}
    assert ballots == {codes[0]: [1, 2], codes[1]: [3], codes[2]: None}
    assert set(PaperCode.objects.values_list("used", flat=True)) == {True}
    refused(
        "budgeting.batch_done",
        Conflict,
        services.paper_entry_submit,
        actor=second,
        batch=batch,
        text=text,
    )
    # A used code cannot go into another batch.
    other = services.paper_batch_create(actor=first, budget=budget, place="Skolan", voters=1)
    refused(
        "budgeting.code_used",
        ValidationFailed,
        services.paper_entry_submit,
        actor=first,
        batch=other,
        text=f"{codes[0]}: 1",
    )
    assert Ballot.objects.count() == 3


@pytest.mark.django_db
def test_entries_that_differ_are_flagged_until_corrected(frozen: datetime) -> None:
    budget = budget_module(now=frozen, amount=1_000_000)
    ballot(budget, COSTS)
    first, second, batch, codes = paper_setup(budget, count=2)
    services.paper_entry_submit(actor=first, batch=batch, text=entry(codes, ["1", "2, 3"]))
    flagged = services.paper_entry_submit(
        actor=second, batch=batch, text=entry(codes, ["1", "2, 4"])
    )
    assert flagged.status == PaperBatch.Status.MISMATCH and not Ballot.objects.exists()
    rows = [e.rows for e in PaperEntry.objects.filter(batch=batch).order_by("submitted_at", "pk")]
    assert services.entry_differences(*rows) == [services.Difference(codes[1], [2, 3], [2, 4])]
    # A code missing from one entry is a difference too.
    assert services.entry_differences(rows[0], rows[0][:1])[0].second == "missing"
    # The second official corrects their entry: the two agree and the ballots count.
    fixed = services.paper_entry_submit(actor=second, batch=batch, text=entry(codes, ["1", "2, 3"]))
    assert fixed.status == PaperBatch.Status.ACCEPTED
    assert sorted(list(b.choices or []) for b in Ballot.objects.all()) == [[1], [2, 3]]
    refused(
        "budgeting.unknown_code",
        ValidationFailed,
        services.paper_entry_submit,
        actor=first,
        batch=services.paper_batch_create(actor=first, budget=budget, place="X", voters=1),
        text="AAAA-BBBB-CCCC: 1",
    )


@pytest.mark.django_db(transaction=True)
def test_two_officials_submitting_at_once_count_the_batch_once() -> None:
    budget = budget_module(now=timezone.now(), amount=1_000_000)
    ballot(budget, COSTS)
    first, second, batch, codes = paper_setup(budget, count=20)
    text = entry(codes, [str(1 + i % 4) for i in range(20)])
    results, errors = run_together(
        [
            lambda: services.paper_entry_submit(actor=first, batch=batch, text=text),
            lambda: services.paper_entry_submit(actor=second, batch=batch, text=text),
        ]
    )
    assert errors == [] and len(results) == 2
    batch.refresh_from_db()
    assert batch.status == PaperBatch.Status.ACCEPTED
    assert Ballot.objects.filter(batch=batch).count() == 20
    assert PaperEntry.objects.filter(batch=batch).count() == 2
    assert PaperCode.objects.filter(used=True).count() == 20


# --- Counting and publishing ---------------------------------------------------------------


@pytest.mark.django_db
def test_count_waits_for_the_vote_and_recounts_after_a_late_batch(frozen: datetime) -> None:
    budget = budget_module(now=frozen, amount=700_000)
    ballot(budget, COSTS)
    official = official_of(budget)
    for choices in ([1], [1, 3], [2]):
        services.ballot_cast(actor=adult(budget), budget=budget, choices=choices)
    refused(
        "budgeting.vote_still_open", Conflict, services.budget_count, actor=official, budget=budget
    )
    first, second, batch, codes = paper_setup(budget, count=4)
    counted = services.budget_count(actor=official, budget=budget, now=after_vote(budget))
    assert counted.result is not None
    assert counted.result["votes"] == {"1": 2, "2": 1, "3": 1, "4": 0}
    assert services.winners(counted) == [1, 3]
    refused(
        "budgeting.batches_open", Conflict, services.budget_publish, actor=official, budget=counted
    )
    # The library's ballots arrive late and are entered after the first count.
    text = entry(codes, ["2", "2, 4", "2", "ogiltig"])
    services.paper_entry_submit(actor=first, batch=batch, text=text)
    services.paper_entry_submit(actor=second, batch=batch, text=text)
    recounted = services.budget_count(actor=official, budget=counted, now=after_vote(budget))
    assert recounted.result is not None
    assert recounted.result["votes"] == {"1": 2, "2": 4, "3": 1, "4": 1}
    assert recounted.result["invalid"] == 1
    assert recounted.result["ballots"] == {"digital": 3, "paper": 4}
    assert services.winners(recounted) == [2, 1]
    published = services.budget_publish(actor=official, budget=recounted)
    assert published.status == BudgetStatus.PUBLISHED and published.published_by == official
    refused(
        "budgeting.results_published",
        Conflict,
        services.paper_entry_submit,
        actor=first,
        batch=batch,
        text=text,
    )


def _to(budget: Budget, status: BudgetStatus) -> Budget:
    Budget.objects.filter(pk=budget.pk).update(status=status.value)
    budget.refresh_from_db()
    return budget


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(BudgetStatus))
@pytest.mark.parametrize("action", list(BudgetAction))
def test_every_transition_of_the_budget(
    status: BudgetStatus, action: BudgetAction, time_machine: Any
) -> None:
    """Each service goes where the machine says from every status, and is refused elsewhere."""
    time_machine.move_to(NOW, tick=False)
    budget = budget_module(now=NOW, stage="results", amount=1_000_000)
    projects = ballot(budget, COSTS)
    if status == BudgetStatus.DRAFT:
        for p in projects:
            type(p).objects.filter(pk=p.pk).update(number=None, lot=None)
    budget = _to(budget, status)
    official = official_of(budget)
    calls = {
        BudgetAction.FIX_BALLOT: lambda: services.ballot_fix(actor=official, budget=budget),
        BudgetAction.REOPEN_BALLOT: lambda: services.ballot_reopen(actor=official, budget=budget),
        BudgetAction.COUNT: lambda: services.budget_count(actor=official, budget=budget, now=NOW),
        BudgetAction.PUBLISH: lambda: services.budget_publish(actor=official, budget=budget),
    }
    if BUDGET_MACHINE.allows(status, action):
        done = calls[action]()
        assert done.status == BUDGET_MACHINE.require(status, action).value
    else:
        with pytest.raises(InvalidTransition):
            calls[action]()
        budget.refresh_from_db()
        assert budget.status == status.value
    # Nobody but the organisation's officials runs any of them.
    outsider = UserFactory()
    with pytest.raises(PermissionDenied):
        {
            BudgetAction.FIX_BALLOT: services.ballot_fix,
            BudgetAction.REOPEN_BALLOT: services.ballot_reopen,
            BudgetAction.COUNT: services.budget_count,
            BudgetAction.PUBLISH: services.budget_publish,
        }[action](actor=outsider, budget=budget)


@pytest.mark.django_db
def test_the_ballot_cannot_be_reopened_once_somebody_voted(frozen: datetime) -> None:
    budget = budget_module(now=frozen)
    ballot(budget, COSTS)
    services.ballot_cast(actor=adult(budget), budget=budget, choices=[1])
    refused(
        "budgeting.votes_cast",
        Conflict,
        services.ballot_reopen,
        actor=official_of(budget),
        budget=budget,
    )


# --- Personal data -------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_says_that_you_voted_never_how_and_erasure_takes_the_name_off_ideas(
    frozen: datetime,
) -> None:
    budget = budget_module(now=frozen)
    ballot(budget, COSTS)
    voter = adult(budget, display_name="Greta Garbo")
    idea = project(budget, author=voter, author_name="Greta Garbo", title="Bänkar vid sjön")
    services.ballot_cast(actor=voter, budget=budget, choices=[2, 3])
    data = personal_data_export(user=voter)
    assert [i["title"] for i in data["budget_ideas"]] == ["Bänkar vid sjön"]
    votes = data["budget_votes"]
    assert len(votes) == 1 and votes[0]["channel"] == "digital"
    flat = repr(votes)
    assert "[2, 3]" not in flat and Ballot.objects.get().receipt not in flat
    account_delete(user=voter)
    idea.refresh_from_db()
    assert idea.author is None and idea.author_name == ""
    assert personal_data_export(user=voter)["budget_ideas"] == []


# --- The demo ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_has_a_published_budget_and_an_open_youth_budget() -> None:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    step5 = Budget.objects.get(
        module__process__slug="dialog-i-omraden-hardast-drabbade-av-pandemin"
    )
    assert step5.status == BudgetStatus.PUBLISHED and step5.result is not None
    assert step5.voters.count() == 1140 and step5.ballots.count() == 1140
    assert step5.result["voters"] == {"digital": 1080, "paper": 60}
    assert step5.paper_batches.get().status == PaperBatch.Status.ACCEPTED
    winners = step5.projects.filter(number__in=services.winners(step5))
    assert {p.title for p in winners} == {
        "Mötesplats för äldre i Odensala",
        "Läxhjälp och studiero för barn och unga i Lugnvik",
        "Kvällsöppen idrottshall i Lugnvik",
    }
    assert step5.result["spent"] <= step5.amount
    # What happened: the winners are carried out by the plan's activity for the process.
    activities = {p.activity for p in winners}
    assert len(activities) == 1 and None not in activities
    activity = activities.pop()
    assert activity is not None and activity.status == "done"
    assert activity.processes.filter(pk=step5.module.process_id).exists()
    assert step5.projects.filter(status="not_on_ballot").exclude(reason="").count() == 5
    assert not step5.voters.exclude(identity_hash="").exists()
    assert step5.population_table is not None

    youth = Budget.objects.get(module__process__slug="ungdomsbudget-2027")
    assert services.vote_is_open(youth) and youth.ballots.exists()
    young = User.objects.get(email="ung@demo.delaktig.se")
    services.voter_verification(user=young, budget=youth)
    grown = User.objects.get(email="invanare@demo.delaktig.se")
    refused(
        "budgeting.too_old", PermissionDenied, services.voter_verification, user=grown, budget=youth
    )
    receipt = services.ballot_cast(actor=young, budget=youth, choices=[1, 2])
    mine = services.my_ballot(user=young, budget=youth)
    assert mine is not None and mine.receipt == receipt.code
