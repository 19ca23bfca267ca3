"""What the moderation pages read: the moderators' queues, a decision's history and the public
figures per month, module and rule."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractMonth

from delaktig.accounts.roles import is_administrator, staff_organisation_ids
from delaktig.accounts.types import Visitor
from delaktig.core.contributions import moderated_kinds

from .models import Decision, Rule

WITHHOLDING = (Decision.Action.HELD, Decision.Action.HIDDEN, Decision.Action.REJECTED)


def _moderated_by(viewer: Visitor, decisions: "QuerySet[Decision]") -> "QuerySet[Decision]":
    """Decisions about the kinds of text the viewer may decide about, in the organisations
    they moderate for (a moderator does not see medborgarförslag, which officials handle)."""
    kinds = [kind.key for kind in moderated_kinds() if viewer.has_perm(kind.permission)]
    decisions = decisions.filter(kind__in=kinds)
    if is_administrator(viewer):
        return decisions
    return decisions.filter(
        organisation_id__in=staff_organisation_ids(viewer, ("official", "moderator"))
    )


def current(decisions: "QuerySet[Decision]") -> "QuerySet[Decision]":
    """Only each item's latest decision."""
    later = Decision.objects.filter(
        kind=OuterRef("kind"), object_id=OuterRef("object_id"), pk__gt=OuterRef("pk")
    )
    return decisions.filter(~Exists(later))


def held_waiting(*, viewer: Visitor) -> "QuerySet[Decision]":
    """Texts screening held for a person, oldest first, in the organisations the viewer
    moderates for."""
    held = Decision.objects.filter(action=Decision.Action.HELD)
    return current(_moderated_by(viewer, held)).select_related("organisation").order_by("created")


def reviews_waiting(*, viewer: Visitor) -> "QuerySet[Decision]":
    """Reviews the author asked for that this viewer may answer (not their own decisions)."""
    pending = Decision.objects.filter(
        review_requested_at__isnull=False, reviewed_at__isnull=True
    ).exclude(decided_by_id=viewer.pk)
    return (
        _moderated_by(viewer, pending)
        .select_related("organisation")
        .order_by("review_requested_at", "pk")
    )


def history(*, decision: Decision) -> "QuerySet[Decision]":
    """Every decision about the same text, oldest first."""
    return Decision.objects.filter(kind=decision.kind, object_id=decision.object_id).order_by("pk")


@dataclass
class Figures:
    """One organisation's moderation in one year, by month (1–12)."""

    year: int
    months: list[date]
    # (month index 0–11) -> count, per row name
    by_module: dict[str, list[int]] = field(default_factory=dict)
    by_rule: dict[str, list[int]] = field(default_factory=dict)
    by_decider: dict[str, list[int]] = field(default_factory=dict)
    released: list[int] = field(default_factory=list)
    reviews: Counter[str] = field(default_factory=Counter)

    @property
    def withheld_total(self) -> int:
        return sum(sum(row) for row in self.by_decider.values())


def _monthly(rows: "QuerySet[Decision]", key: str) -> dict[str, list[int]]:
    table: dict[str, list[int]] = {}
    for row in rows.values(key, "month"):
        table.setdefault(row[key], [0] * 12)[row["month"] - 1] += 1
    return table


def _total(table: dict[str, list[int]]) -> list[int]:
    return [sum(column) for column in zip(*table.values(), strict=True)] if table else [0] * 12


def figures(*, organisation_id: int, year: int) -> Figures:
    """Counts of decisions that withheld a text (held by screening, hidden, rejected), by month
    and module, rule and who decided; texts published again; review outcomes. Counts of
    decisions, never the texts or the people: the page is public."""
    decisions = Decision.objects.filter(
        organisation_id=organisation_id, created__year=year
    ).annotate(month=ExtractMonth("created"))
    withheld = decisions.filter(action__in=WITHHOLDING)
    names = {kind.key: str(kind.module) for kind in moderated_kinds()}
    result = Figures(year=year, months=[date(year, m, 1) for m in range(1, 13)])
    for kind, row in sorted(_monthly(withheld, "kind").items()):
        name = names.get(kind, kind)
        merged = result.by_module.setdefault(name, [0] * 12)
        result.by_module[name] = [a + b for a, b in zip(merged, row, strict=True)]
    rules = dict(Rule.choices)
    for rule, row in _monthly(withheld, "rule").items():
        result.by_rule[str(rules.get(rule, rule))] = row
    result.by_decider = {
        "screening": _total(_monthly(withheld.filter(automated=True), "action")),
        "person": _total(_monthly(withheld.filter(automated=False), "action")),
    }
    result.released = _monthly(decisions.filter(action="released"), "action").get(
        "released", [0] * 12
    )
    reviewed = Decision.objects.filter(organisation_id=organisation_id, reviewed_at__year=year)
    result.reviews = Counter(reviewed.values_list("outcome", flat=True))
    result.reviews["requested"] = Decision.objects.filter(
        Q(organisation_id=organisation_id) & Q(review_requested_at__year=year)
    ).count()
    return result
