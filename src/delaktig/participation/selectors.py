"""Reads for the public pages, each in a fixed number of queries."""

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Prefetch, Q

from delaktig.accounts.types import Visitor
from delaktig.core.contributions import WorkItem
from delaktig.core.languages import SOURCE, content_language
from delaktig.organisations.models import Municipality
from delaktig.translations.models import Translation

from .forms import ProcessFilterForm
from .models import (
    Follow,
    Perspective,
    Phase,
    Process,
    ProcessQuerySet,
    SdgGoal,
    SdgTarget,
    TargetGroup,
)


def process_list(*, viewer: Visitor, form: ProcessFilterForm) -> ProcessQuerySet:
    qs = Process.objects.visible_to(viewer).public().for_list()
    if not form.is_valid():
        return qs
    data = form.cleaned_data
    if data.get("q"):
        term = data["q"]
        qs = qs.filter(
            Q(title__icontains=term)
            | Q(summary__icontains=term)
            | Q(question__icontains=term)
            | Q(body__icontains=term)
            | _translated_match(term)
        )
    if data.get("step"):
        qs = qs.filter(ladder_step=data["step"])
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("organisation"):
        qs = qs.filter(organisation=data["organisation"])
    if data.get("municipality"):
        qs = qs.filter(municipalities=data["municipality"])
    if data.get("perspective"):
        qs = qs.filter(perspectives=data["perspective"])
    if data.get("goal"):
        qs = qs.filter(sdg_goals=data["goal"])
    if data.get("target_group"):
        qs = qs.filter(target_groups=data["target_group"])
    return qs.distinct()


def _translated_match(term: str) -> Q:
    """Processes whose reviewed translation into the reader's language holds ``term`` (a
    Sami reader searches in Sami). A stale translation may match: the page then shows the
    Swedish, which the reader reaches all the same."""
    code = content_language()
    if code == SOURCE:
        return Q()
    rows = Translation.objects.filter(
        content_type=ContentType.objects.get_for_model(Process),
        language=code,
        state=Translation.State.REVIEWED,
        field__in=("title", "summary", "question", "body"),
        text__icontains=term,
    )
    return Q(pk__in=rows.values("object_id"))


def process_for_page(*, viewer: Visitor, slug: str) -> Process | None:
    """The process with its modules, phases and history; its five lists of labels are read
    by ``process_facts``."""
    return (
        Process.objects.visible_to(viewer)
        .select_related("organisation", "responsible_body", "feedback", "cover")
        .prefetch_related(
            "modules",
            Prefetch("phases", queryset=Phase.objects.select_related("module")),
            "transitions",
        )
        .filter(slug=slug)
        .first()
    )


@dataclass(frozen=True)
class ProcessFacts:
    """What a process's page says of whom it is for and what it serves, each list in its
    model's order; the items are unsaved instances holding what their ``str`` shows."""

    target_groups: list[TargetGroup]
    municipalities: list[Municipality]
    perspectives: list[Perspective]
    sdg_goals: list[SdgGoal]
    sdg_targets: list[SdgTarget]


@cache
def _facts_sql() -> str:
    """The five lists in one ``UNION ALL``: (list, text, text, order, order). Put together
    from the models' own table and column names (``S608`` below); the process's id is a
    parameter."""

    def through(field: str, target: str) -> tuple[str, str, str]:
        model: Any = getattr(Process, field).through
        meta = model._meta
        return (
            meta.db_table,
            meta.get_field("process").column,
            meta.get_field(target).column,
        )

    def table(model: Any) -> str:
        return str(model._meta.db_table)

    branches = []
    for kind, (field, target, model, columns) in enumerate(
        (
            ("target_groups", "targetgroup", TargetGroup, "t.code, NULL, t.id, 0"),
            ("municipalities", "municipality", Municipality, "t.name, NULL, 0, 0"),
            ("perspectives", "perspective", Perspective, "t.code, NULL, t.id, 0"),
            ("sdg_goals", "sdggoal", SdgGoal, "t.name_sv, t.short_en, t.number, 0"),
        )
    ):
        link, process_column, target_column = through(field, target)
        branches.append(
            f"SELECT {kind}, {columns} FROM {table(model)} t "  # noqa: S608
            f"JOIN {link} x ON x.{target_column} = t.id WHERE x.{process_column} = %s"
        )
    link, process_column, target_column = through("sdg_targets", "sdgtarget")
    branches.append(
        f"SELECT 4, t.code, t.title_en, g.number, t.position FROM {table(SdgTarget)} t "  # noqa: S608
        f"JOIN {table(SdgGoal)} g ON g.id = t.goal_id "
        f"JOIN {link} x ON x.{target_column} = t.id WHERE x.{process_column} = %s"
    )
    return " UNION ALL ".join(branches) + " ORDER BY 1, 4, 5, 2"


def process_facts(process: Process) -> ProcessFacts:
    """The process's target groups, municipalities, perspectives and Agenda 2030 goals and
    targets in one query. Prefetched, they were five queries, each about 0.6 ms of the ORM
    building and reading it (``bench/pages.py``, the process page)."""
    lists: list[list[Any]] = [[], [], [], [], []]
    with connection.cursor() as cursor:
        cursor.execute(_facts_sql(), [process.pk] * len(lists))
        for kind, text, other, order, _position in cursor.fetchall():
            if kind == 0:
                lists[0].append(TargetGroup(code=text))
            elif kind == 1:
                lists[1].append(Municipality(name=text))
            elif kind == 2:
                lists[2].append(Perspective(code=text))
            elif kind == 3:
                lists[3].append(SdgGoal(name_sv=text, short_en=other, number=order))
            else:
                lists[4].append(SdgTarget(code=text, title_en=other))
    return ProcessFacts(*lists)


def mine_following(*, viewer: Visitor) -> list[WorkItem]:
    """The processes the person follows, newest first: each links to the process, where the
    person can stop following it."""
    if not viewer.is_authenticated:
        return []
    follows = (
        Follow.objects.filter(user=viewer, process__in=Process.objects.visible_to(viewer))
        .select_related("process__organisation")
        .order_by("-created", "-pk")
    )
    return [
        WorkItem(
            title=follow.process.title,
            url=follow.process.get_absolute_url(),
            detail=f"{follow.process.organisation.name} · {follow.process.get_status_display()}",
            when=follow.created,
        )
        for follow in follows
    ]


def feedback_owed(*, viewer: Visitor) -> ProcessQuerySet:
    """Closed processes the viewer may edit whose feedback is not yet published (the staff
    inbox), the longest waiting first."""
    return (
        Process.objects.editable_by(viewer)
        .owing_feedback()
        .select_related("organisation")
        .order_by("updated", "pk")
    )
