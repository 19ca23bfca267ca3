"""Reads for the follow-up pages: what a person may see, fetched in a fixed number of queries."""

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from delaktig.accounts.types import Visitor
from delaktig.participation.workflow import Status as ProcessStatus

from .models import (
    ActionPlan,
    Activity,
    ActorActivity,
    Commitment,
    FocusArea,
    Indicator,
    IndicatorValue,
    Network,
    NetworkDocument,
    Sex,
    Strategy,
)
from .status import ActivityStatus, CommitmentStatus

VIEW_DOCUMENTS = "followup.view_network_documents"


def visible_strategies(viewer: Visitor) -> QuerySet[Strategy]:
    """Published strategies, and the unpublished ones of organisations the viewer works for."""
    from delaktig.accounts.roles import is_administrator, staff_organisation_ids

    queryset = Strategy.objects.select_related("organisation", "adopted_by")
    if is_administrator(viewer):
        return queryset
    return queryset.filter(
        Q(published=True) | Q(organisation_id__in=staff_organisation_ids(viewer))
    )


def visible_plans(viewer: Visitor, strategy: Strategy) -> QuerySet[ActionPlan]:
    plans = strategy.plans.all()
    if not viewer.has_perm("followup.view_unpublished", strategy):
        plans = plans.filter(published=True)
    return plans


def status_counts(statuses: Iterable[str] | Mapping[str, int]) -> list[tuple[str, str, int]]:
    """(code, label, count) for every status in the fixed order, zeros included; from the
    statuses one by one, or counted already ({status: count})."""
    counter = Counter(statuses)
    return [(code, str(label), counter.get(code, 0)) for code, label in ActivityStatus.choices]


def plan_activities(plan: ActionPlan, areas: list[FocusArea] | None = None) -> QuerySet[Activity]:
    """A plan's activities in its order, as the plan page lists them (number, title, unit,
    period, status, how many dialogues led to each); not their goals and perspectives, which
    the activity's own page shows, nor their areas, which the caller has (``areas``).

    Selected by the ids of the plan's areas (``areas`` when the caller has them), not through
    a join on the plan: PostgreSQL then knows from its statistics how few activities each area
    holds, where for a join it guessed the plan's share of all activities and read them all
    (44 ms at 100,000 activities in other plans, ``bench/pages.py``). The dialogues are counted
    by a subquery per activity, not a ``GROUP BY`` over the whole rows."""
    area_ids = (
        [area.pk for area in areas]
        if areas is not None
        else list(FocusArea.objects.filter(plan=plan).values_list("pk", flat=True))
    )
    through: Any = Activity.processes.through
    dialogues = (
        through.objects.filter(activity_id=OuterRef("pk"))
        .exclude(process__status=ProcessStatus.DRAFT)
        .order_by()
        .values("activity_id")
        .annotate(n=Count("process_id"))
        .values("n")
    )
    # Not what the list does not show: the contact, and the times (a timestamp is parsed in
    # Python, some microseconds each).
    return (
        Activity.objects.filter(area_id__in=area_ids)
        .defer("contact_name", "contact_email", "status_changed_at", "created", "updated")
        .annotate(dialogue_count=Coalesce(Subquery(dialogues, output_field=IntegerField()), 0))
        .order_by("area__position", "area__id", "position", "id")
    )


def filter_activities(queryset: QuerySet[Activity], filters: dict[str, Any]) -> QuerySet[Activity]:
    if filters.get("goal"):
        queryset = queryset.filter(goals=filters["goal"])
    if filters.get("perspective"):
        queryset = queryset.filter(perspectives=filters["perspective"])
    if filters.get("gender_goal"):
        queryset = queryset.filter(gender_equality_goals=filters["gender_goal"])
    if filters.get("unit"):
        queryset = queryset.filter(responsible_unit=filters["unit"])
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    return queryset.distinct()


def indicator_series(indicator: Indicator) -> dict[str, dict[int, Any]]:
    """The indicator's values for the whole area: {sex: {year: value}}."""
    series: dict[str, dict[int, Any]] = {sex: {} for sex in Sex.values}
    for value in indicator.values.filter(municipality__isnull=True):
        series[value.sex][value.year] = value.value
    return series


def latest_values(indicators: list[Indicator]) -> dict[int, IndicatorValue]:
    """Each indicator's latest total for the whole area, in one query."""
    latest: dict[int, IndicatorValue] = {}
    values = IndicatorValue.objects.filter(
        indicator__in=indicators, municipality__isnull=True, sex=Sex.TOTAL
    ).order_by("indicator_id", "year")
    for value in values:
        latest[value.indicator_id] = value
    return latest


def plan_status_counts(plans: list[ActionPlan]) -> dict[int, Counter[str]]:
    """Each plan's activities counted by status in the database: one row per area and
    status, not every activity of every plan (a plan of 220 activities on a strategy's page,
    ``bench/pages.py``). By the areas' ids, as ``plan_activities``: through a join on the
    plan PostgreSQL read every activity of every plan."""
    plan_of = dict(
        FocusArea.objects.filter(plan__in=[plan.pk for plan in plans]).values_list("pk", "plan")
    )
    counts: dict[int, Counter[str]] = {plan.pk: Counter() for plan in plans}
    rows = (
        Activity.objects.filter(area_id__in=list(plan_of))
        .order_by()
        .values_list("area_id", "status")
        .annotate(n=Count("id"))
    )
    for area_id, status, n in rows:
        counts[plan_of[area_id]][status] += n
    return counts


# --- Joined actors ---


def active_commitments(strategy: Strategy) -> QuerySet[Commitment]:
    """The actors that have joined a strategy, for the list on its page."""
    return (
        Commitment.objects.filter(strategy=strategy, status=CommitmentStatus.ACTIVE)
        .select_related("actor", "actor__municipality")
        .order_by("joined_on", "actor__name")
    )


def joined_commitments(strategy: Strategy) -> QuerySet[Commitment]:
    """The active commitments of a strategy, for its public pages: actor, goals, activities."""
    return active_commitments(strategy).prefetch_related(
        "goals",
        Prefetch(
            "activities",
            queryset=ActorActivity.objects.order_by("-year", "title", "pk").prefetch_related(
                "goals"
            ),
        ),
    )


def own_commitments(viewer: Visitor, strategy: Strategy) -> QuerySet[Commitment]:
    """The requests the viewer sent for a strategy, and the commitments they are contact for."""
    if not viewer.is_authenticated:
        return Commitment.objects.none()
    return (
        Commitment.objects.filter(
            Q(contact_user=viewer) | Q(requested_by=viewer), strategy=strategy
        )
        .select_related("actor")
        .order_by("created")
    )


def commitments_for_review(strategy: Strategy) -> QuerySet[Commitment]:
    """All commitments of a strategy for its officials: pending first, then active, ended."""
    return (
        Commitment.objects.filter(strategy=strategy)
        .select_related("actor", "actor__municipality", "contact_user")
        .annotate(
            rank=Case(
                When(status=CommitmentStatus.PENDING, then=Value(0)),
                When(status=CommitmentStatus.ACTIVE, then=Value(1)),
                When(status=CommitmentStatus.ENDED, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "created", "pk")
    )


def verified_address(user_id: int | None) -> str:
    """The person's verified account address (the primary one first), or ''."""
    from allauth.account.models import EmailAddress

    if user_id is None:
        return ""
    found = (
        EmailAddress.objects.filter(user_id=user_id, verified=True)
        .order_by("-primary", "pk")
        .values_list("email", flat=True)
        .first()
    )
    return found or ""


def decision_recipient(commitment: Commitment) -> str:
    """Where the decision on a request goes: the contact address once it is confirmed,
    otherwise the requester's own verified address ('' when there is neither)."""
    if commitment.contact_confirmed_at is not None and commitment.contact_email:
        return commitment.contact_email
    return verified_address(commitment.requested_by_id)


# --- Networks ---


def is_network_member(viewer: Visitor, network: Network) -> bool:
    if not viewer.is_authenticated:
        return False
    return network.members.filter(user=viewer).exists()


def visible_documents(viewer: Visitor, network: Network) -> QuerySet[NetworkDocument]:
    """The documents the viewer may see: public ones, and all for members and staff."""
    documents = network.documents.select_related("uploaded_by")
    if viewer.has_perm(VIEW_DOCUMENTS, network):
        return documents
    return documents.filter(public=True)


# --- The staff inbox (see followup/contributions.py) ---


def join_requests_waiting(*, viewer: Visitor) -> QuerySet[Commitment]:
    """Requests to join a strategy waiting for an official's decision, oldest first."""
    from delaktig.accounts.roles import official_organisations

    return (
        Commitment.objects.filter(
            status=CommitmentStatus.PENDING,
            strategy__organisation__in=official_organisations(viewer),
        )
        .select_related("strategy", "actor")
        .order_by("created", "pk")
    )
