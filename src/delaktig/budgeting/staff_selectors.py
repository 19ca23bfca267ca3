"""Reads for the staff pages of participatory budgets: where a budget stands, the ideas to
review, the paper batches, and the staff inbox's queue."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from delaktig.accounts.roles import is_administrator, staff_organisation_ids
from delaktig.accounts.types import Visitor
from delaktig.moderation.models import Decision
from delaktig.participation.models import ProcessModule

from . import services
from .models import PROJECT_KIND, Budget, Channel, PaperBatch, PaperEntry, Project
from .workflow import BUDGET_MACHINE, PROJECT_STATUS_LABELS, ProjectStatus


def ideas_to_review(*, viewer: Visitor) -> "QuerySet[Project]":
    """Ideas sent in and not yet looked at, in the budgets the viewer may manage (those of
    the organisations where they are an official; all, for an administrator), oldest first."""
    ideas = Project.objects.filter(status=ProjectStatus.SUBMITTED.value, reviewed_at__isnull=True)
    if not is_administrator(viewer):
        ideas = ideas.filter(
            budget__module__process__organisation_id__in=staff_organisation_ids(
                viewer, ("official",)
            )
        )
    return ideas.select_related("budget__module__process").order_by("created", "pk")


def project_decisions(projects: list[Project]) -> dict[int, Decision]:
    """Each idea's latest moderation decision, by primary key (ideas nobody decided about
    have none)."""
    latest: dict[int, Decision] = {}
    decisions = Decision.objects.filter(
        kind=PROJECT_KIND, object_id__in=[p.pk for p in projects]
    ).order_by("pk")
    for decision in decisions:
        latest[decision.object_id] = decision
    return latest


@dataclass(frozen=True)
class Overview:
    ideas: list[tuple[str, str, int]]  # (status, label, count)
    voters: dict[str, int]
    batches: list[tuple[str, str, int]]
    actions: frozenset[str]
    actions_in_order: list[str]


def overview(budget: Budget) -> Overview:
    ideas = dict(
        budget.projects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    voters = dict(
        budget.voters.values_list("channel").annotate(n=Count("id")).values_list("channel", "n")
    )
    batches = dict(
        budget.paper_batches.values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return Overview(
        ideas=[
            (s.value, str(label), ideas.get(s.value, 0))
            for s, label in PROJECT_STATUS_LABELS.items()
        ],
        voters={c.value: voters.get(c.value, 0) for c in Channel},
        batches=[(s.value, str(s.label), batches.get(s.value, 0)) for s in PaperBatch.Status],
        actions=frozenset(str(a) for a in BUDGET_MACHINE.allowed_actions(budget.status)),
        actions_in_order=[str(a) for a in BUDGET_MACHINE.allowed_actions(budget.status)],
    )


def review_list(budget: Budget) -> list[Project]:
    """Every idea for the review table: those waiting first, then by number and title."""
    projects = list(
        budget.projects.select_related("area", "category").order_by("status", "number", "pk")
    )
    order = {
        ProjectStatus.HELD.value: 0,
        ProjectStatus.SUBMITTED.value: 1,
        ProjectStatus.ON_BALLOT.value: 2,
        ProjectStatus.NOT_ON_BALLOT.value: 3,
    }
    projects.sort(key=lambda p: (order.get(p.status, 9), p.number or 0, p.created, p.pk))
    return projects


def ballot(budget: Budget) -> list[Project]:
    """The numbered projects of a fixed ballot."""
    return list(
        budget.projects.filter(number__isnull=False).select_related("area").order_by("number")
    )


@dataclass(frozen=True)
class EntryState:
    mine: PaperEntry | None
    others: list[PaperEntry]
    differences: list[services.Difference]
    ballots: int | None  # the ballots in the agreed or latest entry


def entry_state(batch: PaperBatch, user: Any) -> EntryState:
    """The viewer's own entry of a batch, whether someone else's exists, and, once two have
    been made and disagree, where they differ (never another's content before that)."""
    entries = list(batch.entries.select_related("entered_by").order_by("submitted_at", "pk"))
    mine = next((e for e in entries if e.entered_by_id == user.pk), None)
    others = [e for e in entries if e.entered_by_id != user.pk]
    differences: list[services.Difference] = []
    if len(entries) >= 2 and batch.status == PaperBatch.Status.MISMATCH:
        first, second = entries[0], entries[1]
        if second.entered_by_id == user.pk:  # the viewer's own reading in the first column
            first, second = second, first
        differences = services.entry_differences(first.rows, second.rows)
    ballots = batch.ballots.count() if batch.status == PaperBatch.Status.ACCEPTED else None
    return EntryState(mine=mine, others=others, differences=differences, ballots=ballots)


def entry_text(entry: PaperEntry | None) -> str:
    """An entry's rows as the official typed them (to correct one's own entry)."""
    if entry is None:
        return ""
    lines = []
    for code, choices in entry.rows:
        shown = services.SPOILT if choices is None else ", ".join(str(n) for n in choices)
        lines.append(f"{code}: {shown}")
    return "\n".join(lines)


def batches(budget: Budget) -> list[PaperBatch]:
    return list(budget.paper_batches.annotate(n_entries=Count("entries")).order_by("created", "pk"))


def budget_of(module: ProcessModule) -> Budget | None:
    return Budget.objects.filter(module=module).first()
