"""Reads for the public pages of a participatory budget: where it stands, the ideas, a receipt,
the results with who voted against the population, and the open-data files.

Every public list shows only :data:`PUBLIC_PROJECT_STATUSES` (a held idea is seen by its
author and staff on its own page only). Writes are in ``services.py``.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Count, F, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from delaktig.accounts.types import Visitor
from delaktig.core import exports, ratelimit, sites
from delaktig.core.errors import DelaktigError, NotFound, PermissionDenied, RateLimited
from delaktig.insights.suppression import AGE_GROUPS
from delaktig.organisations.models import Organisation
from delaktig.participation.models import ProcessModule
from delaktig.surveys import charts
from delaktig.surveys.results import (
    RepresentativenessView,
    population_margins,
    representativeness,
)
from delaktig.translations.access import prefetch

from . import services
from .models import Ballot, Budget, Channel, Method, Project, Voter
from .workflow import PUBLIC_PROJECT_STATUSES, BudgetStatus, ProjectStatus

# The last moment of a phase that ends at midnight is the day before.
LAST_MOMENT = timedelta(microseconds=1)
T = TypeVar("T")
PUBLIC = [s.value for s in PUBLIC_PROJECT_STATUSES]


def budget_of(module: ProcessModule) -> Budget | None:
    budget = Budget.objects.filter(module=module).first()
    if budget is not None:
        budget.module = module
    return budget


def attach(rows: Iterable[T], budget: Budget) -> list[T]:
    """The rows (projects, categories) with ``budget`` set, so that their translations find
    the process's language without a query each."""
    listed = list(rows)
    for row in listed:
        row.budget = budget  # type: ignore[attr-defined]
    return listed


def can_manage(user: Visitor, budget_or_module: Any) -> bool:
    return bool(user.has_perm("budgeting.manage_budget", budget_or_module))


# --- Where the budget stands ----------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    key: str  # preparing, upcoming, ideas, review, ballot_fixed, voting, closed, counted, published
    label: str
    until: datetime | None = None  # the last moment of the running phase


def _phase_end(module: ProcessModule, phase_type: str, now: datetime) -> datetime | None:
    for phase in module.process.phases.all():
        if phase.module_id == module.pk and phase.phase_type == phase_type:
            if phase.starts_at <= now < phase.ends_at:
                return phase.ends_at - LAST_MOMENT
    return None


def vote_ends(budget: Budget) -> datetime | None:
    """The last moment of the (last) voting phase."""
    ends = [
        p.ends_at
        for p in budget.module.process.phases.all()
        if p.module_id == budget.module_id and p.phase_type == "voting"
    ]
    return max(ends) - LAST_MOMENT if ends else None


def stage(budget: Budget, now: datetime | None = None) -> Stage:
    now = now or timezone.now()
    module = budget.module
    if budget.status == BudgetStatus.PUBLISHED:
        return Stage("published", _("Resultatet är publicerat"))
    if budget.status == BudgetStatus.COUNTED:
        return Stage("counted", _("Rösterna är räknade. Resultatet publiceras snart."))
    if services.vote_is_open(budget, now):
        return Stage("voting", _("Omröstningen pågår"), _phase_end(module, "voting", now))
    if module.allows("propose", now):
        return Stage("ideas", _("Du kan lämna förslag"), _phase_end(module, "ideas", now))
    if budget.status == BudgetStatus.BALLOT_FIXED:
        ended = vote_ends(budget)
        if ended is not None and ended < now:
            return Stage("closed", _("Omröstningen är stängd. Rösterna räknas."))
        return Stage("ballot_fixed", _("Röstsedeln är klar. Omröstningen har inte börjat."))
    if budget.projects.exists():
        return Stage("review", _("Förslagen granskas"))
    return Stage("upcoming", _("Förslagen tas emot snart"))


def module_summary(*, request: HttpRequest, module: ProcessModule) -> dict[str, Any]:
    """The context of ``budgeting/module.html`` on the process page."""
    budget = budget_of(module)
    context: dict[str, Any] = {
        "module": module,
        "budget": budget,
        "can_manage": can_manage(request.user, module),
    }
    if budget is None:
        return context
    context["stage"] = stage(budget)
    context["ideas"] = budget.projects.filter(status__in=PUBLIC).count()
    context["on_ballot"] = budget.projects.filter(number__isnull=False).count()
    return context


def why_not_eligible(*, user: Visitor, budget: Budget) -> DelaktigError | None:
    """Why the budget's local rule does not let this person vote (not verified, not
    folkbokförd in the area, too young or too old), or None when it does."""
    if not user.is_authenticated:
        return PermissionDenied("budgeting.login_required")
    try:
        services.voter_verification(user=user, budget=budget)
    except PermissionDenied as refusal:
        return refusal
    return None


def absolute_url(path: str, organisation: Organisation | None = None) -> str:
    """For print and receipts: on the organisation's own host where it has one."""
    return sites.absolute_url(path, organisation)


# --- The ideas --------------------------------------------------------------------------


def public_projects(budget: Budget) -> "QuerySet[Project]":
    return (
        Project.objects.filter(budget=budget, status__in=PUBLIC)
        .select_related("area", "category", "activity")
        .order_by(F("number").asc(nulls_last=True), "-created", "pk")
    )


def filtered_projects(
    budget: Budget, *, category: int | None, area: int | None, status: str
) -> "QuerySet[Project]":
    projects = public_projects(budget)
    if category:
        projects = projects.filter(category_id=category)
    if area:
        projects = projects.filter(area_id=area)
    if status in PUBLIC:
        projects = projects.filter(status=status)
    return projects


def project_for_page(*, viewer: Visitor, budget: Budget, pk: int) -> Project | None:
    """An idea for its page: a held one only for its author and staff."""
    project = (
        Project.objects.filter(budget=budget, pk=pk)
        .select_related("area", "category", "activity__area__plan__strategy")
        .first()
    )
    if project is None:
        return None
    project.budget = budget
    if project.status == ProjectStatus.HELD:
        own = viewer.is_authenticated and project.author_id == viewer.pk
        if not (own or can_manage(viewer, budget)):
            return None
    return project


def ballot_list(budget: Budget) -> list[Project]:
    """The projects on the fixed ballot, by number, translations loaded, each with the
    plan's activity that carries it out (the results link it: the activity's address needs
    its strategy, which was three more queries for each project)."""
    projects = list(
        Project.objects.filter(budget=budget, number__isnull=False)
        .select_related("area", "category", "activity__area__plan__strategy")
        .order_by("number")
    )
    attach(projects, budget)
    attach([p.category for p in projects if p.category is not None], budget)
    prefetch(projects)
    return projects


# --- A receipt ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiptCheck:
    code: str
    found: bool
    counted: bool = False
    channel: str = ""
    valid: bool = True
    choices: list[Project] = field(default_factory=list)


def receipt_lookup(*, budget: Budget, code: str, client: str) -> ReceiptCheck:
    """:func:`receipt_check` for the public form: at most ``budget_receipt`` lookups per
    client (``DELAKTIG_RATE_LIMITS``), so that nobody finds receipts by trying codes. Raises
    NotFound (``budgeting.receipt_not_found``) for a code no ballot has."""
    limit = ratelimit.limit_for("budget_receipt", f"client:{client}")
    with ratelimit.enforce(limit, error=RateLimited("budgeting.too_many_receipt_checks")):
        found = receipt_check(budget=budget, code=code)
    if not found.found:
        raise NotFound("budgeting.receipt_not_found", field="kod")
    return found


def receipt_check(*, budget: Budget, code: str) -> ReceiptCheck:
    """Whether a ballot with the receipt ``code`` is in the count; its choices once the result
    is published (they are public then in the anonymous ballots file)."""
    code = services.normalise_code(code)
    ballot = Ballot.objects.filter(budget=budget, receipt=code).first()
    if ballot is None:
        return ReceiptCheck(code=code, found=False)
    counted = budget.status in (BudgetStatus.COUNTED, BudgetStatus.PUBLISHED)
    if not counted:
        return ReceiptCheck(code=code, found=True, channel=ballot.get_channel_display())
    choices: list[Project] = []
    if budget.status == BudgetStatus.PUBLISHED and ballot.choices:
        by_number = {p.number: p for p in ballot_list(budget)}
        choices = [by_number[n] for n in ballot.choices if n in by_number]
    return ReceiptCheck(
        code=code,
        found=True,
        counted=True,
        channel=ballot.get_channel_display(),
        valid=ballot.choices is not None and _is_valid(budget, ballot.choices),
        choices=choices,
    )


def _is_valid(budget: Budget, choices: list[int]) -> bool:
    from . import counting

    code = counting.check_ballot(
        budget.method,  # type: ignore[arg-type]
        choices,
        services.ballot_projects(budget),
        amount=budget.amount,
        max_choices=budget.max_choices,
    )
    return code is None


# --- The results ------------------------------------------------------------------------


def results_visible(viewer: Visitor, budget: Budget) -> bool:
    if budget.status == BudgetStatus.PUBLISHED:
        return True
    return budget.status == BudgetStatus.COUNTED and can_manage(viewer, budget)


@dataclass
class ProjectResult:
    project: Project
    votes: int
    place: int
    funded: bool


@dataclass
class AreaResult:
    name: str
    projects: int
    votes: int
    funded: int
    money: int


@dataclass
class RoundTable:
    place: int
    winner: Project | None
    rounds: int
    rows: list[tuple[Project, list[int | None]]]  # a project's ballots each round (None: out)
    exhausted: list[int]
    eliminated: list[Project | None]


@dataclass
class Tie:
    """Projects whose order the tie rule decided, in the order it put them."""

    projects: list[Project]
    ranked: bool = False

    @property
    def decided_by(self) -> str:
        """What put them in order: "cost", "lot", "cost_then_lot", or "preferences" (ranked:
        first preferences, then the lot)."""
        if self.ranked:
            return "preferences"
        costs = [p.cost for p in self.projects]
        distinct = len(set(costs))
        if distinct == len(costs):
            return "cost"
        return "lot" if distinct == 1 else "cost_then_lot"


@dataclass
class WhoVoted:
    consented: int
    table_name: str
    synthetic: bool
    age_groups: list[str]
    ages_align: bool
    comparisons: list[RepresentativenessView]
    missing: list[str]
    # Everyone who voted against the population in the eligible municipalities and age bands;
    # None where the table cannot give that (no municipality rows, or some missing).
    population: int | None = None
    turnout: float | None = None


@dataclass
class Results:
    budget: Budget
    method: str
    amount: int
    spent: int
    valid: int
    invalid: int
    ballots: dict[str, int]
    voters: dict[str, int]
    winners: list[ProjectResult]
    rows: list[ProjectResult]
    areas: list[AreaResult]
    rounds: list[RoundTable]
    ties: list[Tie]
    who: WhoVoted | None
    votes_chart: charts.Chart | None

    @property
    def voters_total(self) -> int:
        return sum(self.voters.values())

    @property
    def ballots_total(self) -> int:
        return sum(self.ballots.values())


def results(budget: Budget) -> Results:
    data = services_result(budget)
    projects = {p.number: p for p in ballot_list(budget) if p.number is not None}
    votes = {int(k): v for k, v in data["votes"].items()}
    selected = [int(n) for n in data["selected"]]
    order = [int(n) for n in data["order"]] or sorted(projects)
    place = {n: i for i, n in enumerate(order, start=1)}
    rows = [
        ProjectResult(projects[n], votes.get(n, 0), place.get(n, len(order)), n in selected)
        for n in order
        if n in projects
    ]
    valid = data["valid"] or 1
    top = max((r.votes / valid for r in rows), default=0.0)
    return Results(
        budget=budget,
        method=data["method"],
        amount=data["amount"],
        spent=data["spent"],
        valid=data["valid"],
        invalid=data["invalid"],
        ballots=data["ballots"],
        voters=data["voters"],
        winners=[r for r in rows if r.funded],
        rows=rows,
        areas=_areas(rows),
        rounds=_rounds(data, projects),
        ties=[
            Tie(
                [projects[int(n)] for n in group if int(n) in projects],
                ranked=data["method"] == "ranked",
            )
            for group in data["ties"]
        ],
        who=who_voted(budget),
        votes_chart=charts.bar_chart(
            [charts.shorten(f"{r.project.number}. {r.project.t.title}") for r in rows],
            [[r.votes / valid] for r in rows],
            [_("Andel av de giltiga röstsedlarna")],
            scale_max=min(1.0, max(top, 0.05)),
        )
        if rows
        else None,
    )


def services_result(budget: Budget) -> dict[str, Any]:
    from .results import result_data

    return budget.result or result_data(budget)


def _areas(rows: list[ProjectResult]) -> list[AreaResult]:
    areas: dict[str, AreaResult] = {}
    for row in rows:
        name = row.project.area.name if row.project.area else _("Hela området")
        area = areas.setdefault(name, AreaResult(name, 0, 0, 0, 0))
        area.projects += 1
        area.votes += row.votes
        if row.funded:
            area.funded += 1
            area.money += row.project.cost or 0
    return sorted(areas.values(), key=lambda a: a.name)


def _rounds(data: dict[str, Any], projects: dict[int, Project]) -> list[RoundTable]:
    if data["method"] != Method.RANKED:
        return []
    tables = []
    for place, count_rounds in enumerate(data["rounds"], start=1):
        numbers = sorted({int(n) for r in count_rounds for n in r["counts"]})
        rows = [
            (projects[n], [r["counts"].get(str(n)) for r in count_rounds])
            for n in numbers
            if n in projects
        ]
        order = [int(n) for n in data["order"]]
        winner = projects.get(order[place - 1]) if place <= len(order) else None
        tables.append(
            RoundTable(
                place=place,
                winner=winner,
                rounds=len(count_rounds),
                rows=rows,
                exhausted=[r["exhausted"] for r in count_rounds],
                eliminated=[
                    projects.get(int(r["eliminated"])) if r["eliminated"] is not None else None
                    for r in count_rounds
                ],
            )
        )
    return tables


# --- Who voted, against the population --------------------------------------------------------


def eligible_age_groups(budget: Budget) -> tuple[list[str], bool]:
    """The platform's age bands that hold anyone of the eligible ages, and whether the bands
    match the ages exactly (else the comparison takes in people too young or too old)."""
    low = budget.min_age if budget.min_age is not None else 0
    high = budget.max_age if budget.max_age is not None else 200
    bands = []
    align = True
    for label in AGE_GROUPS:
        first, _sep, last = label.replace("+", "–200").partition("–")
        band_low, band_high = int(first), int(last)
        if band_high < low or band_low > high:
            continue
        bands.append(label)
        if band_low < low or band_high > high:
            align = False
    if budget.min_age is None:
        # No lower limit set: the vote is for adults in practice (e-ID), as in the surveys.
        bands = [b for b in bands if b != "0–17"] or bands
        align = True
    return bands, align


def who_voted(budget: Budget) -> WhoVoted | None:
    """Those who consented, by sex, age group and municipality, against the population table
    (small groups suppressed as everywhere)."""
    table = budget.population_table
    rows = list(
        Voter.objects.filter(budget=budget)
        .exclude(age_group="", sex="", municipality__isnull=True)
        .values_list("sex", "age_group", "municipality__code")
    )
    if table is None:
        return None
    places = list(services.eligible_municipalities(budget).order_by("name"))
    names = {m.code: m.name for m in places}
    bands, align = eligible_age_groups(budget)
    population, missing = population_margins(table, list(names), bands)
    min_size = settings.DELAKTIG_MIN_GROUP_SIZE
    columns = {
        "sex": [r[0] or None for r in rows],
        "age": [r[1] or None for r in rows],
        "municipality": [r[2] or None for r in rows],
    }
    labels = {
        "sex": {"kvinna": _("Kvinna"), "man": _("Man")},
        "age": {a: a for a in AGE_GROUPS},
        "municipality": names,
    }
    comparisons = [
        representativeness(
            variable,
            columns[variable],
            population[variable],
            labels[variable],
            min_size,
            respondents_label=_("Röstande"),
        )
        for variable in ("sex", "age", "municipality")
        if variable in population
    ]
    population_total = None
    turnout = None
    if "municipality" in population and not missing:
        population_total = round(sum(population["municipality"].values()))
        if population_total:
            turnout = Voter.objects.filter(budget=budget).count() / population_total
    return WhoVoted(
        population=population_total,
        turnout=turnout,
        consented=len(rows),
        table_name=table.name,
        synthetic=bool(getattr(table, "is_synthetic", False)),
        age_groups=bands,
        ages_align=align,
        comparisons=comparisons,
        missing=[names[c] for c in missing],
    )


# --- Open data -------------------------------------------------------------------------------


BALLOT_COLUMNS = ("receipt", "channel", "choices", "valid")


def ballots_csv(*, budget: Budget) -> bytes:
    """The anonymous ballots, one a row: receipt, channel (digital/paper), the project numbers
    in ballot order separated by a space, and valid (ja/nej). In receipt order, so the file
    says nothing about when a ballot was cast. When both channels were used and one of them by
    fewer than ``DELAKTIG_MIN_GROUP_SIZE`` ballots, the channel is left blank on every row:
    whoever knows who voted on paper (at a small library) would otherwise read their ballots."""
    projects = services.ballot_projects(budget)
    from . import counting

    per_channel = [
        n
        for n in Ballot.objects.filter(budget=budget)
        .values_list("channel")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
        if n
    ]
    hide_channel = len(per_channel) > 1 and min(per_channel) < settings.DELAKTIG_MIN_GROUP_SIZE

    out = io.StringIO()
    writer = exports.writer(out)
    writer.writerow(BALLOT_COLUMNS)
    rows = (
        Ballot.objects.filter(budget=budget)
        .order_by("receipt")
        .values_list("receipt", "channel", "choices")
    )
    for receipt, channel, choices in rows.iterator(chunk_size=5000):
        valid = choices is not None and (
            counting.check_ballot(
                budget.method,  # type: ignore[arg-type]
                choices,
                projects,
                amount=budget.amount,
                max_choices=budget.max_choices,
            )
            is None
        )
        shown = " ".join(str(n) for n in choices or [])
        writer.writerow([receipt, "" if hide_channel else channel, shown, "ja" if valid else "nej"])
    return out.getvalue().encode("utf-8")


RESULT_COLUMNS = (
    "number",
    "title",
    "area",
    "category",
    "cost",
    "lot",
    "votes",
    "place",
    "funded",
)


def results_csv(*, budget: Budget) -> bytes:
    shown = results(budget)
    out = io.StringIO()
    writer = exports.writer(out)
    writer.writerow(RESULT_COLUMNS)
    for row in shown.rows:
        p = row.project
        writer.writerow(
            [
                p.number,
                p.title,
                p.area.name if p.area else "",
                p.category.name if p.category else "",
                p.cost,
                p.lot,
                row.votes,
                row.place,
                "ja" if row.funded else "nej",
            ]
        )
    return out.getvalue().encode("utf-8")


CHANNELS = dict(Channel.choices)
