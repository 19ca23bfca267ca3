"""The demo's participatory budgets: the step-5 process's vote, closed and published, and an
open youth budget.

The step-5 process ("Medborgarbudget i områdena som drabbades hårdast av pandemin", created by
``delaktig.demo``) gets a budget module whose ideas, review and vote lie in the past: ideas from
invented residents and from dialogue meetings, reviewed with costs and, for those left off the
ballot, public reasons; 1 140 voters, 60 of them on paper at a library, entered twice by two
officials through the paper-entry service; a real count and publication; and the winners linked to
the demo action plan's activity for the process, with progress reported.

The process was closed before this loader runs, so no digital ballot can go through the voting
service. The digital voters are therefore **synthetic rows**, written at once: a register row
(``Voter``) with a random identity hash (erased anyway when the result is published) and a
ballot (``Ballot``) with a receipt code from ``services.new_code`` and no key. Their choices are
drawn with a fixed seed from each project's popularity in ``demo_data.toml``; the count itself
is the real one (``services.budget_count``), never a stored result.

The youth budget ("Ungdomsbudget 2027") is a new step-5 process whose vote is open now: the
demo's 14-year-old (``ung@demo.delaktig.se``) may vote; ``invanare@demo.delaktig.se``, an
adult, is refused by the age rule. A few invented young voters have voted (synthetic rows, as
above, without the key that would let anyone change them).
"""

import random
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from delaktig.accounts.models import User
from delaktig.core.contributions import DemoContext, demo_content
from delaktig.followup import services as followup
from delaktig.followup.models import Activity
from delaktig.insights.suppression import AGE_GROUPS
from delaktig.organisations.models import Municipality
from delaktig.participation import services as participation
from delaktig.participation.demo import process_from_spec
from delaktig.participation.models import Process, ProcessModule
from delaktig.participation.workflow import Action
from delaktig.population.models import PopulationTable

from . import services
from .models import Ballot, Budget, Channel, PaperBatch, Project, Voter
from .workflow import ProjectAction

SECOND_OFFICIAL = "handlaggare@demo.delaktig.se"
Spec = dict[str, Any]


def _content() -> Spec:
    return demo_content(__file__)


def load(context: DemoContext) -> None:
    """Load both demo budgets for the demo region; part of loading the demo region once."""
    content = _content()
    now = timezone.now()
    pandemic_budget(context, content["pandemic"], now)
    youth_budget(context, content["youth"], now)


# --- Shared steps ----------------------------------------------------------------------------


def _phases(official: User, module: ProcessModule, specs: Spec, now: datetime) -> None:
    for phase_type, spec in specs.items():
        start, end = spec["days"]
        participation.phase_create(
            actor=official,
            process=module.process,
            module=module,
            phase_type=phase_type,
            name=spec["name"],
            description=spec["description"],
            starts_at=now + timedelta(days=start),
            ends_at=now + timedelta(days=end),
        )


def _configure(
    official: User,
    module: ProcessModule,
    spec: Spec,
    places: dict[str, Municipality],
    population: PopulationTable | None = None,
) -> Budget:
    return services.budget_configure(
        actor=official,
        module=module,
        values=services.BudgetSettings(
            amount=spec["amount"],
            method=spec["method"],
            max_choices=spec.get("max_choices"),
            min_age=spec.get("min_age"),
            max_age=spec.get("max_age"),
            municipalities=[places[code] for code in spec.get("municipalities", [])],
            rules_text=spec["rules_text"],
            population_table_id=population.pk if population is not None else None,
            categories=spec["categories"],
        ),
    )


def _ideas(
    official: User,
    budget: Budget,
    specs: list[Spec],
    places: dict[str, Municipality],
    residents: list[User],
    submitted: datetime,
) -> dict[str, Project]:
    """Each idea entered, assessed and put on the ballot or left off with its reason; then the
    ballot fixed. The ideas phase is over, so residents' ideas are entered by the official
    and then given their author (as if sent in through the form)."""
    categories = {c.name: c for c in budget.categories.all()}
    projects = {}
    for index, spec in enumerate(specs):
        idea = services.IdeaText(
            title=spec["title"],
            description=spec["description"],
            location=spec["location"],
            area=places[spec["area"]],
            category=categories[spec["category"]],
            cost_estimate=spec.get("cost_estimate"),
        )
        project = services.project_create_by_staff(actor=official, budget=budget, idea=idea)
        author = residents[spec["author"]] if "author" in spec else None
        Project.objects.filter(pk=project.pk).update(
            author=author,
            author_name=author.display_name if author is not None else "",
            created=submitted + timedelta(hours=7 * index),
        )
        services.project_assess(
            actor=official,
            project=project,
            idea=idea,
            cost=spec.get("cost"),
            feasibility=spec.get("feasibility", ""),
        )
        action = ProjectAction.PUT_ON_BALLOT if spec["ballot"] else ProjectAction.LEAVE_OFF_BALLOT
        projects[spec["title"]] = services.project_decide(
            actor=official, project=project, action=action, reason=spec.get("reason", "")
        )
    services.ballot_fix(actor=official, budget=budget)
    for project in projects.values():
        project.refresh_from_db()
    return projects


def _choices(
    rng: random.Random,
    ballot: list[tuple[int, int, float]],
    budget: Budget,
) -> list[int]:
    """A ballot drawn from each project's popularity ``(number, cost, popularity)``: the
    projects the voter likes, without the least popular ones until they fit the method's
    limit; never empty."""
    chosen = [item for item in ballot if rng.random() < item[2]]
    if not chosen:
        chosen = [rng.choices(ballot, weights=[item[2] for item in ballot])[0]]
    chosen.sort(key=lambda item: -item[2])
    if budget.method == "knapsack":
        while sum(item[1] for item in chosen) > budget.amount:
            chosen.pop()
    elif budget.max_choices is not None:
        chosen = chosen[: budget.max_choices]
    numbers = [item[0] for item in chosen]
    rng.shuffle(numbers)
    return sorted(numbers)


def _ballot_items(projects: dict[str, Project], specs: list[Spec]) -> list[tuple[int, int, float]]:
    items = []
    for spec in specs:
        project = projects[spec["title"]]
        if project.number is not None:
            items.append((project.number, project.cost or 0, spec["popularity"]))
    return items


# --- The pandemic areas' budget ------------------------------------------------------------


def pandemic_budget(context: DemoContext, spec: Spec, now: datetime) -> Budget:
    region, official = context.region, context.official
    places = {m.code: m for m in region.municipalities.all()}
    process = Process.objects.get(organisation=region, slug=spec["process"])
    module = participation.module_add(
        actor=official,
        process=process,
        kind="budget",
        title=spec["title"],
        description=spec["description"],
    )
    _phases(official, module, spec["phases"], now)
    population = PopulationTable.objects.filter(organisation=region).order_by("-year").first()
    budget = _configure(official, module, spec, places, population)
    ideas_start = now + timedelta(days=spec["phases"]["ideas"]["days"][0])
    # The invented residents only: the tester's own account (the first) sent in nothing.
    projects = _ideas(official, budget, spec["ideas"], places, context.residents[1:], ideas_start)
    voting_start, voting_end = (now + timedelta(days=d) for d in spec["phases"]["voting"]["days"])
    Budget.objects.filter(pk=budget.pk).update(ballot_fixed_at=voting_start - timedelta(days=2))
    budget.refresh_from_db()
    rng = random.Random(1140)  # noqa: S311 - seeded demo data, not security
    items = _ballot_items(projects, spec["ideas"])
    _digital_votes(budget, spec, items, places, rng, voting_start, voting_end)
    _paper_votes(budget, spec, official, items, rng, voting_end)
    # The count and publication, as staff do them, a day and a week after the vote closed.
    counted = services.budget_count(actor=official, budget=budget, now=voting_end + timedelta(1))
    budget = services.budget_publish(actor=official, budget=counted)
    Budget.objects.filter(pk=budget.pk).update(published_at=voting_end + timedelta(days=7))
    expected = {projects[s["title"]].number for s in spec["ideas"] if s.get("winner")}
    if set(services.winners(budget)) != expected or budget.voters.count() != spec["voters"]:
        raise ValueError("the demo vote did not come out as the process's feedback says")
    _follow_up(official, budget, spec, projects)
    return budget


def _statistics(
    spec: Spec, rng: random.Random, places: dict[str, Municipality], year: int
) -> dict[str, Any]:
    """A consenting voter's age group, sex and municipality, drawn from the demo's shares."""
    age = rng.choices(AGE_GROUPS, weights=spec["age_shares"])[0]
    codes = list(spec["municipality_shares"])
    code = rng.choices(codes, weights=[spec["municipality_shares"][c] for c in codes])[0]
    return {
        "age_group": age,
        "sex": "kvinna" if rng.random() < spec["women"] else "man",
        "municipality": places[code],
    }


def _digital_votes(
    budget: Budget,
    spec: Spec,
    items: list[tuple[int, int, float]],
    places: dict[str, Municipality],
    rng: random.Random,
    start: datetime,
    end: datetime,
) -> None:
    """The synthetic digital voters and their ballots (see the module's docstring)."""
    digital = spec["voters"] - spec["paper_ballots"]
    consenting = round(spec["consent"] * spec["voters"])
    days = max((end - start).days, 1)
    voters, ballots = [], []
    for index in range(digital):
        stats = _statistics(spec, rng, places, start.year) if index < consenting else {}
        voted_on: date = timezone.localdate(start) + timedelta(days=rng.randrange(days))
        voters.append(
            Voter(
                budget=budget,
                identity_hash=secrets.token_hex(32),
                channel=Channel.DIGITAL,
                voted_on=voted_on,
                **stats,
            )
        )
        ballots.append(
            Ballot(
                budget=budget,
                receipt=services.new_code(),
                choices=_choices(rng, items, budget),
                channel=Channel.DIGITAL,
            )
        )
    Voter.objects.bulk_create(voters, batch_size=500)
    # Shuffled, so that nothing in the order of the rows lines a ballot up with a voter.
    rng.shuffle(ballots)
    Ballot.objects.bulk_create(ballots, batch_size=500)


def _paper_votes(
    budget: Budget,
    spec: Spec,
    official: User,
    items: list[tuple[int, int, float]],
    rng: random.Random,
    end: datetime,
) -> PaperBatch:
    """A library's paper ballots: the voters entered in the register (synthetic rows: the
    register service needs the vote open), the codes printed, and the batch entered by two
    officials whose entries agree."""
    count = spec["paper_ballots"]
    colleague = User.objects.get(email=SECOND_OFFICIAL)
    Voter.objects.bulk_create(
        Voter(
            budget=budget,
            identity_hash=secrets.token_hex(32),
            channel=Channel.PAPER,
            voted_on=timezone.localdate(end) - timedelta(days=rng.randrange(1, 8)),
            registered_by=official,
        )
        for _i in range(count)
    )
    codes = services.paper_codes_print(actor=official, budget=budget, count=count)
    batch = services.paper_batch_create(
        actor=official, budget=budget, place=spec["paper_place"], voters=count
    )
    lines = []
    for index, code in enumerate(codes):
        if index < spec["paper_spoilt"]:
            lines.append(f"{code}: {services.SPOILT}")
        else:
            lines.append(f"{code}: {', '.join(map(str, _choices(rng, items, budget)))}")
    text = "\n".join(lines)
    services.paper_entry_submit(actor=official, batch=batch, text=text)
    return services.paper_entry_submit(actor=colleague, batch=batch, text=text)


def _follow_up(official: User, budget: Budget, spec: Spec, projects: dict[str, Project]) -> None:
    """The winners linked to the demo action plan's activity that carries them out (already
    linked to the process), and progress reported on it."""
    activity = Activity.objects.get(
        area__plan__slug=spec["plan"],
        area__plan__strategy__organisation=budget.module.process.organisation,
        title=spec["activity"],
    )
    winners = set(services.winners(budget))
    for project in projects.values():
        if project.number in winners:
            services.project_link_activity(actor=official, project=project, activity=activity)
    note = spec["progress"]
    followup.activity_report_progress(
        actor=official,
        activity=activity,
        status=note["status"],
        text=note["text"],
        at=timezone.now() + timedelta(days=note["days"]),
    )


# --- The youth budget ----------------------------------------------------------------------


def youth_budget(context: DemoContext, spec: Spec, now: datetime) -> Budget:
    region, official = context.region, context.official
    places = {m.code: m for m in region.municipalities.all()}
    process = process_from_spec(actor=official, organisation=region, spec=spec["process"])
    module = participation.module_add(
        actor=official,
        process=process,
        kind="budget",
        title=spec["title"],
        description=spec["description"],
    )
    _phases(official, module, spec["phases"], now)
    budget = _configure(official, module, spec, places)
    ideas_start = now + timedelta(days=spec["phases"]["ideas"]["days"][0])
    projects = _ideas(official, budget, spec["ideas"], places, [], ideas_start)
    for action in (Action.PUBLISH, Action.OPEN):
        process = participation.process_transition(actor=official, process=process, action=action)
    budget = Budget.objects.select_related("module__process").get(pk=budget.pk)
    rng = random.Random(2027)  # noqa: S311 - seeded demo data, not security
    _young_votes(budget, spec["synthetic_voters"], _ballot_items(projects, spec["ideas"]), rng)
    return budget


def _young_votes(
    budget: Budget, count: int, items: list[tuple[int, int, float]], rng: random.Random
) -> None:
    """A few invented young voters who voted in the last days: synthetic register rows and
    ballots (see the module's docstring), without a key, so nobody can change them. They are
    no accounts: the only verified young person in the demo is the 14-year-old testers use."""
    today = timezone.localdate()
    Voter.objects.bulk_create(
        Voter(
            budget=budget,
            identity_hash=secrets.token_hex(32),
            channel=Channel.DIGITAL,
            voted_on=today - timedelta(days=rng.randrange(4)),
        )
        for _i in range(count)
    )
    Ballot.objects.bulk_create(
        Ballot(
            budget=budget,
            receipt=services.new_code(),
            choices=_choices(rng, items, budget),
            channel=Channel.DIGITAL,
        )
        for _i in range(count)
    )
