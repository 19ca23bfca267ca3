"""Open-data API: the results of opinion maps, as their public results pages show them.

A map is listed when its process is public and the results page shows its result to everyone
(``views.results_visible`` for a visitor: the map shows it while open, or the process is no
longer open), and a result has been computed. Only published statements are shown; no
participant is shown, by number or otherwise, and neither are the map's positions or the
demographic tables (which the page shows only aggregated, and suppressed).
"""

from datetime import datetime
from typing import Any, Literal

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import P, PathEx, Query, Router, Schema
from pydantic import Field

from delaktig.core.api import ErrorOut, Page, PageParams, absolute_url, paginate
from delaktig.core.errors import NotFound
from delaktig.organisations.api import organisation_by_slug
from delaktig.participation.models import Process
from delaktig.participation.workflow import Status

from .mapdraw import group_letter
from .models import MapResult, OpinionMap, Statement

router = Router()

Direction = Literal["agree", "disagree"]
MAX_ID = 2**63 - 1


# --- Output ---------------------------------------------------------------------------------


class VotesOut(Schema):
    """Votes on one statement (among everyone grouped or not, or in one group)."""

    agree: int
    disagree: int
    passed: int = Field(description="Pass / don't know.")
    total: int = Field(description="Everyone who voted on the statement, passes included.")


class StatementOut(Schema):
    id: int
    number: int = Field(description="The statement's number in the map.")
    text: str
    votes: VotesOut = Field(description="Everyone's votes.")
    groups: list[VotesOut] = Field(description="The votes in each group, in group order.")
    consensus: Direction | None = Field(
        description="Whether most agree or disagree across all groups, or null."
    )


class RepresentativeOut(Schema):
    statement_id: int
    direction: Direction = Field(description="The group agrees, or disagrees, more than others.")
    group: VotesOut = Field(description="The votes in the group.")
    others: VotesOut = Field(description="The votes of everyone grouped outside the group.")


class OpinionGroupOut(Schema):
    letter: str = Field(description="A, B, C …")
    size: int = Field(description="Participants in the group.")
    percent: int = Field(description="Share of the participants placed in a group.")
    representative: list[RepresentativeOut] = Field(
        description="The statements that set the group apart."
    )


class ConsensusOut(Schema):
    statement_id: int
    direction: Direction
    votes: VotesOut


class OpinionMapOut(Schema):
    id: int
    url: str = Field(description="The public results page.")
    process: str = Field(description="The process's slug.")
    organisation: str = Field(description="The organisation's slug.")
    module_id: int
    title: str
    topic: str = Field(description="The question or subject of the statements.")
    source: str = Field(description="Where imported statements and votes came from, if any.")
    source_attribution: str
    computed_at: datetime = Field(description="When the result was computed.")
    outdated: bool = Field(description="Votes or statements have changed since.")
    participants: int = Field(description="Participants the result was computed from.")
    grouped: int = Field(description="Participants placed in a group.")
    statements_count: int = Field(description="Statements the result was computed from.")
    votes_count: int = Field(description="Votes the result was computed from.")
    groups: list[OpinionGroupOut]
    consensus: list[ConsensusOut] = Field(description="What most agree or disagree on.")
    statements: list[StatementOut] = Field(description="The published statements, by number.")


def _votes(counts: list[int]) -> dict[str, int]:
    agree, disagree, seen = (int(value) for value in counts)
    return {
        "agree": agree,
        "disagree": disagree,
        "passed": max(0, seen - agree - disagree),
        "total": seen,
    }


def _minus(total: list[int], part: list[int]) -> list[int]:
    return [t - p for t, p in zip(total, part, strict=True)]


def _groups(data: dict[str, Any], k: int, public: dict[int, Statement]) -> list[dict[str, Any]]:
    """Each group's size and the published statements that set it apart, with the votes in
    the group against those of everyone grouped outside it (the page's group cards)."""
    stats: dict[str, Any] = data["statements"]
    labels: list[int] = data["labels"]
    grouped_total = sum(1 for label in labels if label >= 0) or 1
    groups = []
    for g, reps in enumerate(data["repness"][:k]):
        lines = []
        for rep in reps:
            sid = int(rep["statement"])
            if sid not in public:
                continue
            counts = stats[str(sid)]["groups"]
            everyone = [sum(c[i] for c in counts) for i in range(3)]
            lines.append(
                {
                    "statement_id": sid,
                    "direction": rep["direction"],
                    "group": _votes(counts[g]),
                    "others": _votes(_minus(everyone, counts[g])),
                }
            )
        size = sum(1 for label in labels if label == g)
        groups.append(
            {
                "letter": group_letter(g),
                "size": size,
                "percent": round(100 * size / grouped_total),
                "representative": lines,
            }
        )
    return groups


def _statements(data: dict[str, Any], k: int, public: dict[int, Statement]) -> list[dict[str, Any]]:
    """The published statements of the result, by number, with everyone's and each group's
    votes (the page's table of all statements)."""
    stats: dict[str, Any] = data["statements"]
    consensus_of = {int(c["statement"]): c["direction"] for c in data["consensus"]}
    in_result = [public[int(sid)] for sid in data["statement_ids"] if int(sid) in public]
    return [
        {
            "id": statement.pk,
            "number": statement.number,
            "text": statement.text,
            "votes": _votes(stats[str(statement.pk)]["all"]),
            "groups": [_votes(c) for c in stats[str(statement.pk)].get("groups", [])[:k]],
            "consensus": consensus_of.get(statement.pk),
        }
        for statement in sorted(in_result, key=lambda statement: statement.number)
    ]


def result_of(opinion_map: OpinionMap) -> dict[str, Any]:
    """What the results page shows of ``opinion_map``'s stored result, JSON-ready and without
    the viewer's own place, the picture or the demographic tables. Needs the map's ``result``,
    ``module__process__organisation`` and ``public_statements`` (published ones) loaded."""
    result: MapResult = opinion_map.result
    module = opinion_map.module
    process = module.process
    data = result.data
    k = int(result.k)
    statements: list[Statement] = opinion_map.public_statements  # type: ignore[attr-defined]
    public = {statement.pk: statement for statement in statements}
    consensus = [
        {
            "statement_id": int(c["statement"]),
            "direction": c["direction"],
            "votes": _votes(data["statements"][str(c["statement"])]["all"]),
        }
        for c in data["consensus"]
        if int(c["statement"]) in public
    ]
    return {
        "id": opinion_map.pk,
        "url": absolute_url(reverse("opinionmaps:results", kwargs={"module_pk": module.pk})),
        "process": process.slug,
        "organisation": process.organisation.slug,
        "module_id": module.pk,
        "title": module.title,
        "topic": opinion_map.topic,
        "source": opinion_map.source,
        "source_attribution": opinion_map.source_attribution,
        "computed_at": result.computed_at,
        "outdated": opinion_map.version > result.version,
        "participants": result.n_participants,
        "grouped": result.n_grouped,
        "statements_count": result.n_statements,
        "votes_count": result.n_votes,
        "groups": _groups(data, k, public),
        "consensus": consensus,
        "statements": _statements(data, k, public),
    }


# --- Reads ----------------------------------------------------------------------------------


def public_maps() -> QuerySet[OpinionMap]:
    """The maps whose result the results page shows to everyone, with what it shows loaded
    in a fixed number of queries."""
    return (
        OpinionMap.objects.filter(
            module__process__in=Process.objects.public(), result__isnull=False
        )
        .filter(Q(results_public=True) | ~Q(module__process__status=Status.OPEN.value))
        .select_related("result", "module__process__organisation")
        .prefetch_related(
            Prefetch(
                "statements",
                queryset=Statement.objects.filter(status=Statement.Status.PUBLISHED).order_by(
                    "number"
                ),
                to_attr="public_statements",
            )
        )
    )


class MapFilters(Schema):
    organisation: str | None = Field(None, max_length=100, description="Organisation slug.")
    process: str | None = Field(None, max_length=100, description="The process's slug.")


@router.get(
    "/",
    response={200: Page[OpinionMapOut], 400: ErrorOut, 429: ErrorOut},
    summary="Opinion-map results",
    description="The computed results of the opinion maps whose results pages are public.",
    operation_id="opinion_maps_list",
)
def opinion_maps_list(
    request: HttpRequest, page: Query[PageParams], filters: Query[MapFilters]
) -> dict[str, Any]:
    maps = public_maps()
    if filters.organisation:
        organisation = organisation_by_slug(filters.organisation)
        maps = maps.filter(module__process__organisation=organisation)
    if filters.process:
        maps = maps.filter(module__process__slug=filters.process)
    found = paginate(request, maps, page)
    items: list[OpinionMap] = found["items"]
    return {**found, "items": [result_of(m) for m in items]}


@router.get(
    "/{map_id}",
    response={200: OpinionMapOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="One opinion map's result",
    operation_id="opinion_maps_get",
)
def opinion_maps_get(request: HttpRequest, map_id: PathEx[int, P(ge=1, le=MAX_ID)]) -> Any:
    opinion_map = public_maps().filter(pk=map_id).first()
    if opinion_map is None:
        raise NotFound()
    return result_of(opinion_map)
