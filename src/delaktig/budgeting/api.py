"""Open-data API: participatory budgets as their public pages show them. The budget and its
rules; its ideas (never one held for a moderator), with the officials' assessment and the
public reason an idea was left off the ballot; and, once the result is published (never
before: a counted result is the staff's preview), the votes per project and per area, the
turnout, the ranked rounds and ties, who voted against the population with small groups
suppressed, the winners' plan activities, and a link to the anonymous ballots file. The voting
register is never shown.

The dataset ``budgeting.budgets`` (nightly dump) is made from the same output schemas.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Max, Min, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from delaktig.core.api import ErrorOut, Page, PageParams, absolute_url, paginate
from delaktig.core.errors import DelaktigError, NotFound
from delaktig.organisations.api import organisation_by_slug
from delaktig.organisations.models import Organisation
from delaktig.participation.models import Phase
from delaktig.participation.workflow import PUBLIC_STATUSES
from delaktig.surveys.api import RepresentativenessOut, representativeness_out

from . import selectors, services
from .models import Budget, Project
from .workflow import PUBLIC_PROJECT_STATUSES, BudgetStatus

router = Router()

PUBLIC = [s.value for s in PUBLIC_PROJECT_STATUSES]


def public_budgets() -> QuerySet[Budget]:
    """The budgets whose page anyone may see: their process is public."""
    return Budget.objects.filter(
        module__process__status__in=[s.value for s in PUBLIC_STATUSES]
    ).select_related("module__process__organisation")


def public_projects(budget_ids: Any) -> QuerySet[Project]:
    """The ideas the budget pages list (``selectors.public_projects``), of some budgets."""
    return Project.objects.filter(budget__in=budget_ids, status__in=PUBLIC).select_related(
        "area", "category", "activity__area__plan__strategy"
    )


def _budget_or_404(budget_id: int) -> Budget:
    budget = public_budgets().filter(pk=budget_id).first() if 0 < budget_id < 2**63 else None
    if budget is None:
        raise NotFound()
    return budget


# --- Output ------------------------------------------------------------------------------------


class BudgetProcessRef(Schema):
    slug: str
    title: str


class BudgetOut(Schema):
    id: int
    module_id: int = Field(description="The budget's participation module (its page address).")
    title: str
    organisation: str = Field(description="The organisation's slug.")
    process: BudgetProcessRef
    amount: int = Field(description="The money to share out, in kronor.")
    method: str = Field(description="`knapsack`, `approval` or `ranked`.")
    max_choices: int | None = Field(description="Most projects a ballot may take up.")
    min_age: int | None
    max_age: int | None
    status: str = Field(description="`draft`, `ballot_fixed`, `counted` or `published`.")
    published_at: datetime | None = Field(description="When the result was published.")
    url: str = Field(description="The budget's public page.")
    projects: str = Field(description="The ideas in this API.")

    @staticmethod
    def resolve_title(obj: Budget) -> str:
        return str(obj.module.title)

    @staticmethod
    def resolve_organisation(obj: Budget) -> str:
        return str(obj.module.process.organisation.slug)

    @staticmethod
    def resolve_process(obj: Budget) -> dict[str, str]:
        process = obj.module.process
        return {"slug": process.slug, "title": process.title}

    @staticmethod
    def resolve_published_at(obj: Budget) -> datetime | None:
        return obj.published_at if obj.status == BudgetStatus.PUBLISHED else None

    @staticmethod
    def resolve_url(obj: Budget) -> str:
        return absolute_url(reverse("budgeting:page", kwargs={"module_pk": obj.module_id}))

    @staticmethod
    def resolve_projects(obj: Budget) -> str:
        return absolute_url(f"/api/v1/budgets/{obj.pk}/projects")


class AreaRef(Schema):
    code: str = Field(description="SCB kommunkod.")
    name: str


class BudgetActivityOut(Schema):
    id: int
    title: str | None = Field(
        description="The activity's title once its action plan is published (null before), "
        "as the follow-up pages show it."
    )
    status: str
    progress: int | None = Field(description="Per cent done, when known.")
    url: str


class ProjectOut(Schema):
    id: int
    budget_id: int
    number: int | None = Field(description="Its number on the ballot.")
    lot: int | None = Field(description="The published tie-break order: a lower lot wins.")
    title: str
    description: str
    location: str
    area: AreaRef | None
    category: str | None
    status: str = Field(description="`submitted`, `on_ballot` or `not_on_ballot`.")
    reason: str | None = Field(description="Why the idea is not on the ballot.")
    cost_estimate: int | None = Field(description="The proposer's estimate, kronor.")
    cost: int | None = Field(description="The officials' assessed cost, kronor.")
    feasibility: str = Field(description="The officials' assessment.")
    author_name: str | None = Field(
        description="The name the proposer published; null when sent in another way."
    )
    url: str

    @staticmethod
    def resolve_area(obj: Project) -> dict[str, str] | None:
        return {"code": obj.area.code, "name": obj.area.name} if obj.area else None

    @staticmethod
    def resolve_category(obj: Project) -> str | None:
        return obj.category.name if obj.category else None

    @staticmethod
    def resolve_lot(obj: Project) -> int | None:
        return obj.lot if obj.number is not None else None

    @staticmethod
    def resolve_reason(obj: Project) -> str | None:
        return obj.reason if obj.status == "not_on_ballot" else None

    @staticmethod
    def resolve_author_name(obj: Project) -> str | None:
        return obj.author_name or None

    @staticmethod
    def resolve_url(obj: Project) -> str:
        path = reverse(
            "budgeting:project", kwargs={"module_pk": obj.budget.module_id, "project_pk": obj.pk}
        )
        return absolute_url(path)


class ProjectResultOut(Schema):
    project_id: int
    number: int
    title: str
    votes: int = Field(description="Ballots taking it up (ranked: first preferences).")
    place: int
    funded: bool
    activity: BudgetActivityOut | None = Field(
        description="The plan activity carrying out a winner."
    )


class AreaResultOut(Schema):
    name: str
    projects: int
    votes: int
    funded: int
    money: int


class RoundOut(Schema):
    counts: dict[str, int | None] = Field(description="Ballots per project number (null: out).")
    exhausted: int
    eliminated: int | None = Field(description="The project number taken out in the round.")


class RankedPlaceOut(Schema):
    place: int
    winner: int | None = Field(description="The winning project's number.")
    rounds: list[RoundOut]


class TieOut(Schema):
    numbers: list[int] = Field(description="The tied projects' numbers, in the order decided.")
    decided_by: str = Field(description="`cost`, `lot`, `cost_then_lot` or `preferences`.")


class WhoVotedOut(Schema):
    consented: int = Field(description="Voters who let their age, sex and place be counted.")
    population_table: str
    population_synthetic: bool
    age_groups: list[str]
    ages_align: bool
    population: int | None
    turnout: float | None
    missing: list[str]
    comparisons: list[RepresentativenessOut]


class BudgetResultsOut(Schema):
    method: str
    amount: int
    spent: int
    valid: int
    invalid: int
    ballots: dict[str, int] = Field(description="Ballots per channel (`digital`, `paper`).")
    voters: dict[str, int] = Field(description="Voters per channel.")
    voters_total: int
    rows: list[ProjectResultOut] = Field(description="The projects in the order of the result.")
    areas: list[AreaResultOut]
    ranked: list[RankedPlaceOut]
    ties: list[TieOut]
    who_voted: WhoVotedOut | None
    min_group_size: int
    results_csv: str
    ballots_csv: str = Field(
        description="The anonymous ballots, one a row (receipt, channel, choices, valid)."
    )


class CategoryOut(Schema):
    id: int
    name: str


class BudgetDetailOut(BudgetOut):
    rules_text: str = Field(description="The rules in plain language (Markdown).")
    municipalities: list[AreaRef] = Field(description="Where voters must be folkbokförda.")
    categories: list[CategoryOut]
    results: BudgetResultsOut | None = Field(description="Null until the result is published.")

    @staticmethod
    def resolve_municipalities(obj: Budget) -> list[dict[str, str]]:
        places = services.eligible_municipalities(obj).order_by("code")
        return [{"code": m.code, "name": m.name} for m in places]

    @staticmethod
    def resolve_categories(obj: Budget) -> list[dict[str, Any]]:
        return [{"id": c.pk, "name": c.name} for c in obj.categories.all()]

    @staticmethod
    def resolve_results(obj: Budget) -> dict[str, Any] | None:
        return results_out(obj) if obj.status == BudgetStatus.PUBLISHED else None


def _activity(project: Project | None) -> dict[str, Any] | None:
    activity = project.activity if project is not None else None
    if activity is None:
        return None
    plan = activity.area.plan
    return {
        "id": activity.pk,
        "title": activity.title if plan.published and plan.strategy.published else None,
        "status": activity.status,
        "progress": activity.progress,
        "url": absolute_url(activity.get_absolute_url()),
    }


def _number(project: Project | None) -> int | None:
    return project.number if project is not None else None


def results_out(budget: Budget) -> dict[str, Any]:
    shown = selectors.results(budget)
    linked = {p.pk: p for p in public_projects([budget.pk]).filter(activity__isnull=False)}
    module_pk = budget.module_id
    who = shown.who
    return {
        "method": shown.method,
        "amount": shown.amount,
        "spent": shown.spent,
        "valid": shown.valid,
        "invalid": shown.invalid,
        "ballots": dict(shown.ballots),
        "voters": dict(shown.voters),
        "voters_total": shown.voters_total,
        "rows": [
            {
                "project_id": r.project.pk,
                "number": r.project.number,
                "title": r.project.title,
                "votes": r.votes,
                "place": r.place,
                "funded": r.funded,
                "activity": _activity(linked.get(r.project.pk)) if r.funded else None,
            }
            for r in shown.rows
        ],
        "areas": [
            {
                "name": str(a.name),
                "projects": a.projects,
                "votes": a.votes,
                "funded": a.funded,
                "money": a.money,
            }
            for a in shown.areas
        ],
        "ranked": [
            {
                "place": t.place,
                "winner": t.winner.number if t.winner else None,
                "rounds": [
                    {
                        "counts": {str(p.number): counts[i] for p, counts in t.rows},
                        "exhausted": exhausted,
                        "eliminated": _number(t.eliminated[i]),
                    }
                    for i, exhausted in enumerate(t.exhausted)
                ],
            }
            for t in shown.rounds
        ],
        "ties": [
            {"numbers": [p.number for p in tie.projects], "decided_by": tie.decided_by}
            for tie in shown.ties
        ],
        "who_voted": None
        if who is None
        else {
            "consented": who.consented,
            "population_table": who.table_name,
            "population_synthetic": who.synthetic,
            "age_groups": who.age_groups,
            "ages_align": who.ages_align,
            "population": who.population,
            "turnout": who.turnout,
            "missing": [str(m) for m in who.missing],
            "comparisons": [representativeness_out(v, with_ratio=False) for v in who.comparisons],
        },
        "min_group_size": settings.DELAKTIG_MIN_GROUP_SIZE,
        "results_csv": absolute_url(
            reverse("budgeting:results_csv", kwargs={"module_pk": module_pk})
        ),
        "ballots_csv": absolute_url(
            reverse("budgeting:ballots_csv", kwargs={"module_pk": module_pk})
        ),
    }


# --- Endpoints ---------------------------------------------------------------------------------


class BudgetFilters(Schema):
    organisation: str | None = Field(None, max_length=100, description="An organisation's slug.")
    process: str | None = Field(None, max_length=200, description="A process's slug.")
    published: bool | None = Field(None, description="Only budgets whose result is published.")


@router.get(
    "/",
    response={200: Page[BudgetOut], 400: ErrorOut, 429: ErrorOut},
    summary="Participatory budgets",
    operation_id="budgets_list",
)
def budgets_list(
    request: HttpRequest, page: Query[PageParams], filters: Query[BudgetFilters]
) -> dict[str, Any]:
    budgets = public_budgets()
    if filters.organisation:
        budgets = budgets.filter(
            module__process__organisation=organisation_by_slug(filters.organisation)
        )
    if filters.process:
        budgets = budgets.filter(module__process__slug=filters.process)
    if filters.published is True:
        budgets = budgets.filter(status=BudgetStatus.PUBLISHED)
    elif filters.published is False:
        budgets = budgets.exclude(status=BudgetStatus.PUBLISHED)
    return paginate(request, budgets, page)


@router.get(
    "/{budget_id}",
    response={200: BudgetDetailOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="One participatory budget and, once published, its result",
    operation_id="budgets_get",
)
def budgets_get(request: HttpRequest, budget_id: int) -> Budget:
    return _budget_or_404(budget_id)


class ProjectFilters(Schema):
    status: str | None = Field(
        None, max_length=20, description="`submitted`, `on_ballot` or `not_on_ballot`."
    )
    category: int | None = Field(None, ge=1, le=2**62, description="A category's id.")
    area: str | None = Field(None, max_length=10, description="A kommunkod.")


@router.get(
    "/{budget_id}/projects",
    response={200: Page[ProjectOut], 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="The ideas of a participatory budget",
    description="Every idea the budget page lists (never one held for a moderator), with the "
    "filters of that page.",
    operation_id="budgets_projects",
)
def budgets_projects(
    request: HttpRequest,
    budget_id: int,
    page: Query[PageParams],
    filters: Query[ProjectFilters],
) -> dict[str, Any]:
    budget = _budget_or_404(budget_id)
    projects = public_projects([budget.pk])
    if filters.status:
        if filters.status not in PUBLIC:
            raise DelaktigError("api.invalid_parameter", field="status", name="status")
        projects = projects.filter(status=filters.status)
    if filters.category:
        projects = projects.filter(category_id=filters.category)
    if filters.area:
        projects = projects.filter(area__code=filters.area)
    shown = paginate(request, projects, page)
    for project in shown["items"]:
        project.budget = budget
    return shown


# --- The dataset -------------------------------------------------------------------------------


def _organisation_budgets(organisation: Organisation) -> QuerySet[Budget]:
    return public_budgets().filter(module__process__organisation=organisation).order_by("pk")


def project_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    """Every public idea of the organisation's budgets, as ``ProjectOut`` shows it."""
    budgets = {b.pk: b for b in _organisation_budgets(organisation)}
    projects = public_projects(list(budgets)).order_by("pk")
    for project in projects.iterator(chunk_size=2000):
        project.budget = budgets[project.budget_id]
        row = ProjectOut.from_orm(project).model_dump(mode="json")
        area = row.pop("area")
        row["area_code"] = area["code"] if area else None
        row["area"] = area["name"] if area else None
        yield row


def result_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    """The published results, one row per budget and project."""
    for budget in _organisation_budgets(organisation).filter(status=BudgetStatus.PUBLISHED):
        shown = BudgetResultsOut.model_validate(results_out(budget)).model_dump(mode="json")
        for row in shown["rows"]:
            activity = row.pop("activity")
            yield row | {
                "budget_id": budget.pk,
                "method": shown["method"],
                "activity_id": activity["id"] if activity else None,
                "activity_status": activity["status"] if activity else None,
            }


def coverage(organisation: Organisation) -> tuple[date | None, date | None]:
    modules = _organisation_budgets(organisation).values("module_id")
    found = Phase.objects.filter(module_id__in=modules).aggregate(
        first=Min("starts_at"), last=Max("ends_at")
    )
    first, last = found["first"], found["last"]
    return (
        timezone.localdate(first) if first else None,
        timezone.localdate(last) if last else None,
    )


def modified(organisation: Organisation) -> datetime | None:
    budgets = _organisation_budgets(organisation)
    published = budgets.filter(status=BudgetStatus.PUBLISHED).aggregate(last=Max("published_at"))
    ideas = public_projects(budgets.values("pk")).aggregate(
        created=Max("created"), reviewed=Max("reviewed_at")
    )
    moments = [published["last"], ideas["created"], ideas["reviewed"]]
    known = [m for m in moments if m is not None]
    return max(known) if known else None
