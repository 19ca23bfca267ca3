"""Open-data API and dataset: the public participation processes.

``/api/v1/processes/`` lists what the public process list and process pages show, for the
processes the public may see (``Process.objects.public()``: every status but draft). Texts are
the process's own (its ``language``); translations stay on the pages. Feedback is shown once
it is published, as on the page. Who created a process or made a change is never shown.
"""

from datetime import UTC, date, datetime
from typing import Any, Literal

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from delaktig.core.api import (
    ErrorOut,
    Page,
    PageParams,
    absolute_url,
    paginate,
)
from delaktig.core.errors import DelaktigError, NotFound
from delaktig.organisations.api import MunicipalityOut, organisation_by_slug
from delaktig.organisations.models import Municipality

from . import registry
from .models import (
    Feedback,
    LadderStep,
    Perspective,
    Phase,
    Process,
    ProcessModule,
    ProcessTransition,
    SdgGoal,
    SdgTarget,
    TargetGroup,
)
from .workflow import Status

router = Router()

PublicStatus = Literal["published", "open", "closed", "feedback_published", "archived"]
LadderKey = Literal["information", "consultation", "dialogue", "influence", "co_decision"]


# --- Output ---------------------------------------------------------------------------------


class LadderStepOut(Schema):
    number: int = Field(description="1 (information) to 5 (co-decision), SKR's ladder.")
    key: LadderKey
    name: str = Field(description="The step's name in the request's language.")


# The codes as literals, not the models' enums: OpenAPI names an enum by its class name, and
# both are called ``Code`` (tests/test_api_processes.py checks they match the models).
PerspectiveCode = Literal["barn_och_unga", "jamstalldhet", "tillganglighet", "minoriteter", "miljo"]
TargetGroupCode = Literal[
    "alla",
    "barn",
    "unga",
    "aldre",
    "funktionsnedsattning",
    "nyanlanda",
    "minoriteter",
    "patienter",
    "landsbygd",
    "lagt_deltagande",
]


class CodeOut(Schema):
    code: str
    name: str = Field(description="The name in the request's language.")


class SdgGoalOut(Schema):
    number: int = Field(description="Agenda 2030 goal, 1-17.")
    name: str


class ProcessSdgTargetOut(Schema):
    code: str = Field(description="Agenda 2030 target, e.g. `11.3` or `1.a`.")
    goal: int


class ModuleOut(Schema):
    id: int
    kind: str = Field(description="The participation method (`discussion`, `survey` ...).")
    title: str
    description: str
    url: str = Field(description="Where the module is shown: its part of the process page.")


class PhaseOut(Schema):
    id: int
    name: str
    description: str
    starts_at: datetime
    ends_at: datetime
    module_id: int | None = Field(description="The module the phase belongs to, if any.")
    phase_type: str = Field(description="The module's kind of phase (`voting`, `results` ...).")
    allows: list[str] = Field(
        description="What residents may do while the phase runs and the process is open "
        "(`comment`, `vote` ...)."
    )


class FeedbackOut(Schema):
    """Återkoppling: what was heard, what was decided and why (Markdown)."""

    heard: str
    decided: str
    reasons: str
    decision_reference: str = Field(description="Where the decision is recorded, if given.")
    published_at: datetime
    updated: datetime


class TransitionOut(Schema):
    status: PublicStatus = Field(description="The status the process moved to.")
    at: datetime


class ProcessOut(Schema):
    id: int
    slug: str = Field(description="The process's address, used by `/processes/{slug}`.")
    url: str = Field(description="The public process page.")
    organisation: str = Field(description="The organisation's slug.")
    language: str = Field(description="The language the texts are written in.")
    title: str
    summary: str
    easy_read_summary: str = Field(description="The summary in easy-read Swedish, if any.")
    body: str = Field(description="The description (Markdown).")
    question: str = Field(description="The question the process asks.")
    purpose: str
    target_group_analysis: str = Field(description="Who is rarely heard, and how to reach them.")
    input_use: str = Field(description="How the input is used.")
    decision_maker: str
    responsible_body: str | None = Field(description="The name of the body responsible.")
    decision_expected: date | None = Field(description="When a decision is expected.")
    ladder_step: LadderStepOut = Field(description="The step on the participation ladder.")
    status: PublicStatus
    perspectives: list[CodeOut]
    target_groups: list[CodeOut]
    sdg_goals: list[SdgGoalOut] = Field(description="Agenda 2030 goals.")
    sdg_targets: list[ProcessSdgTargetOut] = Field(description="Agenda 2030 targets.")
    municipalities: list[MunicipalityOut] = Field(description="The municipalities concerned.")
    phases: list[PhaseOut] = Field(description="The timetable, earliest first.")
    modules: list[ModuleOut] = Field(description="The participation methods, in page order.")
    feedback: FeedbackOut | None = Field(description="The published feedback, or null.")
    history: list[TransitionOut] = Field(description="The process's changes of status.")
    published_at: datetime | None
    updated: datetime = Field(description="When the process's own fields last changed.")

    @staticmethod
    def resolve_url(obj: Process) -> str:
        return absolute_url(obj.get_absolute_url())

    @staticmethod
    def resolve_organisation(obj: Process) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_responsible_body(obj: Process) -> str | None:
        return obj.responsible_body.name if obj.responsible_body else None

    @staticmethod
    def resolve_ladder_step(obj: Process) -> dict[str, Any]:
        step = LadderStep(obj.ladder_step)
        return {"number": step.value, "key": step.name.lower(), "name": str(step.label)}

    @staticmethod
    def resolve_perspectives(obj: Process) -> list[dict[str, str]]:
        return [{"code": p.code, "name": str(p)} for p in _loaded(obj, "perspectives")]

    @staticmethod
    def resolve_target_groups(obj: Process) -> list[dict[str, str]]:
        return [{"code": t.code, "name": str(t)} for t in _loaded(obj, "target_groups")]

    @staticmethod
    def resolve_sdg_goals(obj: Process) -> list[dict[str, Any]]:
        return [{"number": g.number, "name": g.name} for g in _loaded(obj, "sdg_goals")]

    @staticmethod
    def resolve_sdg_targets(obj: Process) -> list[dict[str, Any]]:
        return [{"code": t.code, "goal": t.goal.number} for t in _loaded(obj, "sdg_targets")]

    @staticmethod
    def resolve_municipalities(obj: Process) -> list[Municipality]:
        return list(_loaded(obj, "municipalities"))

    @staticmethod
    def resolve_phases(obj: Process) -> list[dict[str, Any]]:
        return [_phase(phase) for phase in _loaded(obj, "phases")]

    @staticmethod
    def resolve_modules(obj: Process) -> list[dict[str, Any]]:
        return [_module(obj, module) for module in _loaded(obj, "modules")]

    @staticmethod
    def resolve_feedback(obj: Process) -> Feedback | None:
        return published_feedback(obj)

    @staticmethod
    def resolve_history(obj: Process) -> list[dict[str, Any]]:
        return [{"status": t.to_status, "at": t.created} for t in _loaded(obj, "transitions")]


def module_url(process: Process, module: ProcessModule) -> str:
    """Where a module is shown: its section of the process page (every module type renders
    itself there, ``registry.ModuleType.render_public``, as ``#module-<pk>``)."""
    return absolute_url(f"{process.get_absolute_url()}#module-{module.pk}")


def _module(process: Process, module: ProcessModule) -> dict[str, Any]:
    return {
        "id": module.pk,
        "kind": module.kind,
        "title": module.title,
        "description": module.description,
        "url": module_url(process, module),
    }


def _phase(phase: Phase) -> dict[str, Any]:
    allows: list[str] = []
    if phase.module is not None:
        try:
            phase_type = registry.get(phase.module.kind).phase_type(phase.phase_type)
        except KeyError:  # a module type no longer installed
            phase_type = None
        allows = sorted(phase_type.allows) if phase_type else []
    return {
        "id": phase.pk,
        "name": phase.name,
        "description": phase.description,
        "starts_at": phase.starts_at,
        "ends_at": phase.ends_at,
        "module_id": phase.module_id,
        "phase_type": phase.phase_type,
        "allows": allows,
    }


def published_feedback(process: Process) -> Feedback | None:
    """The feedback as the page shows it: only once it is published."""
    feedback: Feedback | None = getattr(process, "feedback", None)
    return feedback if feedback is not None and feedback.published_at else None


# --- Reads ----------------------------------------------------------------------------------


def _to_list(relation: str, queryset: QuerySet[Any]) -> Prefetch[Any]:
    # Into a plain list (``to_attr``): a prefetch into the related manager clones the
    # queryset once per process, which was most of a page's time (bench/api.py).
    return Prefetch(relation, queryset=queryset, to_attr=f"api_{relation}")


def _loaded(process: Process, relation: str) -> list[Any]:
    """The related rows :func:`public_processes` loaded, or a query for a process it did not."""
    loaded: list[Any] | None = getattr(process, f"api_{relation}", None)
    if loaded is not None:
        return loaded
    return list(getattr(process, relation).all())


def public_processes() -> QuerySet[Process]:
    """The processes the public sees (the process list's rule), with all a page of them shows
    loaded in a fixed number of queries."""
    return (
        Process.objects.public()
        .select_related("organisation", "responsible_body", "feedback")
        .prefetch_related(
            _to_list("municipalities", Municipality.objects.order_by("code")),
            _to_list("perspectives", Perspective.objects.order_by("id")),
            _to_list("target_groups", TargetGroup.objects.order_by("id")),
            _to_list("sdg_goals", SdgGoal.objects.order_by("number")),
            _to_list(
                "sdg_targets",
                SdgTarget.objects.select_related("goal").order_by("goal__number", "position"),
            ),
            _to_list("phases", Phase.objects.select_related("module").order_by("starts_at", "id")),
            _to_list("modules", ProcessModule.objects.order_by("weight", "id")),
            _to_list(
                "transitions",
                ProcessTransition.objects.exclude(to_status=Status.DRAFT.value).order_by(
                    "created", "id"
                ),
            ),
        )
    )


class ProcessFilters(Schema):
    organisation: str | None = Field(None, max_length=100, description="Organisation slug.")
    status: PublicStatus | None = None
    open: bool | None = Field(None, description="Only open (true) or not open (false) ones.")
    step: int | None = Field(None, ge=1, le=5, description="Participation-ladder step, 1-5.")
    perspective: PerspectiveCode | None = None
    target_group: TargetGroupCode | None = None
    goal: int | None = Field(None, ge=1, le=17, description="Agenda 2030 goal number.")
    municipality: str | None = Field(
        None, pattern=r"^[0-9]{4}$", description="SCB kommunkod of a municipality concerned."
    )
    updated_since: datetime | None = Field(
        None, description="Only processes whose own fields or feedback changed since."
    )


def _since(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise DelaktigError(
            "api.invalid_parameter", field="updated_since", name="updated_since"
        ) from None


def filtered(processes: QuerySet[Process], filters: ProcessFilters) -> QuerySet[Process]:
    """The process list page's filters. Each many-to-many filter matches at most one related
    row (the codes are unique), so no process is repeated."""
    if filters.organisation:
        processes = processes.filter(organisation=organisation_by_slug(filters.organisation))
    if filters.status:
        processes = processes.filter(status=filters.status)
    if filters.open is not None:
        is_open = Q(status=Status.OPEN.value)
        processes = processes.filter(is_open if filters.open else ~is_open)
    if filters.step:
        processes = processes.filter(ladder_step=filters.step)
    if filters.perspective:
        processes = processes.filter(perspectives__code=filters.perspective)
    if filters.target_group:
        processes = processes.filter(target_groups__code=filters.target_group)
    if filters.goal:
        processes = processes.filter(sdg_goals__number=filters.goal)
    if filters.municipality:
        processes = processes.filter(municipalities__code=filters.municipality)
    if filters.updated_since:
        since = _since(filters.updated_since)
        processes = processes.filter(Q(updated__gte=since) | Q(feedback__updated__gte=since))
    return processes


@router.get(
    "/",
    response={200: Page[ProcessOut], 400: ErrorOut, 429: ErrorOut},
    summary="Participation processes",
    description="The public participation processes, with the process list page's filters.",
    operation_id="processes_list",
)
def processes_list(
    request: HttpRequest, page: Query[PageParams], filters: Query[ProcessFilters]
) -> dict[str, Any]:
    result = paginate(request, filtered(public_processes(), filters), page)
    return result


@router.get(
    "/{slug}",
    response={200: ProcessOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="One participation process",
    operation_id="processes_get",
)
def processes_get(request: HttpRequest, slug: str) -> Process:
    process = public_processes().filter(slug=slug).first()
    if process is None:
        raise NotFound()
    return process
