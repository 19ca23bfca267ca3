"""Reads for opinion maps: the next statement to vote on, the result as pages show it, the
votes the maths reads and the map as Polis open data."""

import io
import random
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from delaktig.accounts.models import DemographicProfile
from delaktig.accounts.roles import is_administrator, staff_organisation_ids
from delaktig.accounts.types import Visitor
from delaktig.core.contributions import WorkItem
from delaktig.insights.suppression import AGE_GROUPS, age_group, suppress_table
from delaktig.moderation.models import Decision
from delaktig.moderation.selectors import current as current_decisions

from . import mapdraw, maths, polisdata
from .models import STATEMENT_KIND, MapResult, OpinionMap, Participant, Statement, Vote

# --- Which statement next ---------------------------------------------------------------


def priority(agree: int, passes: int, seen: int, extremity: float) -> float:
    """Polis' comment priority: statements that split opinion, and new ones, come first.

    ``importance = (1 - P) * (E + 1) * A`` with pseudo-counted shares of passes ``P`` and
    agrees ``A``, scaled by ``1 + 8 * 2^(-seen/5)`` so a new statement is seen early, squared.
    """
    p = (passes + 1) / (seen + 2)
    a = (agree + 1) / (seen + 2)
    importance = (1 - p) * (extremity + 1) * a
    return float((importance * (1 + 8 * 2 ** (-seen / 5))) ** 2)


def next_statement(*, opinion_map: OpinionMap, participant: Participant | None) -> Statement | None:
    """A published statement the participant has not voted on, drawn by Polis' priority.

    The draw is seeded by the participant and how many votes they have cast, so reloading the
    page shows the same statement until they vote.
    """
    voted = (
        Vote.objects.filter(participant=participant).values("statement_id")
        if participant is not None
        else Vote.objects.none().values("statement_id")
    )
    candidates = list(
        Statement.objects.filter(map=opinion_map, status=Statement.Status.PUBLISHED)
        .exclude(pk__in=voted)
        .annotate(
            n_agree=Count("votes", filter=Q(votes__value=1)),
            n_pass=Count("votes", filter=Q(votes__value=0)),
            n_seen=Count("votes"),
        )
        .order_by("pk")
    )
    if not candidates:
        return None
    stored = MapResult.objects.filter(map=opinion_map).values_list("data", flat=True).first()
    extremity = {
        int(sid): float(entry.get("extremity", 0.0))
        for sid, entry in ((stored or {}).get("statements") or {}).items()
    }
    weights = [
        priority(s.n_agree, s.n_pass, s.n_seen, extremity.get(s.pk, 0.0)) for s in candidates
    ]
    n_voted = Vote.objects.filter(participant=participant).count() if participant else 0
    seed = f"{opinion_map.pk}:{participant.pk if participant else 0}:{n_voted}"
    rng = random.Random(seed)  # noqa: S311 - the order of a ballot, not a secret
    return rng.choices(candidates, weights=weights, k=1)[0]


def progress(*, opinion_map: OpinionMap, participant: Participant | None) -> tuple[int, int]:
    """(votes cast by the participant on published statements, published statements)."""
    published = Statement.objects.filter(map=opinion_map, status=Statement.Status.PUBLISHED)
    if participant is None:
        return 0, published.count()
    done = Vote.objects.filter(participant=participant, statement__in=published).count()
    return done, published.count()


# --- The result as pages show it --------------------------------------------------------


@dataclass(frozen=True)
class Share:
    agree: int  # percent of those in the group who voted on it
    disagree: int
    passed: int
    voted: int


@dataclass(frozen=True)
class RepLine:
    statement: Statement
    direction: str  # "agree" | "disagree"
    share: Share  # in the group
    others: Share  # among everyone grouped outside the group


@dataclass(frozen=True)
class GroupCard:
    index: int
    letter: str
    size: int
    percent: int
    representative: list[RepLine]
    is_yours: bool


@dataclass(frozen=True)
class StatementRow:
    statement: Statement
    overall: Share
    groups: list[Share]
    consensus: str  # "agree", "disagree" or ""


@dataclass(frozen=True)
class DemographicTable:
    title: str
    columns: list[str]
    rows: list[tuple[str, list[int | None], int | None]]  # group letter, cells, group total


@dataclass
class MapView:
    result: MapResult | None
    groups: list[GroupCard] = field(default_factory=list)
    consensus: list[tuple[Statement, str, Share]] = field(default_factory=list)
    statements: list[StatementRow] = field(default_factory=list)
    picture: mapdraw.Picture | None = None
    your_group: str = ""
    you_counted: bool = False
    you_voted: int = 0
    min_votes: int = 0
    demographics: list[DemographicTable] = field(default_factory=list)
    n_with_profile: int = 0
    outdated: bool = False


def _share(counts: list[int]) -> Share:
    agree, disagree, seen = counts
    if not seen:
        return Share(0, 0, 0, 0)
    a = round(100 * agree / seen)
    d = round(100 * disagree / seen)
    return Share(a, d, max(0, 100 - a - d), seen)


def _minus(total: list[int], part: list[int]) -> list[int]:
    return [t - p for t, p in zip(total, part, strict=True)]


def map_view(
    *, opinion_map: OpinionMap, viewer: Visitor, with_demographics: bool = True
) -> MapView:
    """The stored result as the results page shows it to ``viewer``."""
    result = MapResult.objects.filter(map=opinion_map).first()
    view = MapView(result=result)
    if result is None:
        return view
    data = result.data
    view.outdated = opinion_map.version > result.version
    statements = Statement.objects.in_bulk([int(s) for s in data["statement_ids"]])
    k = result.k
    participants: list[int] = data["participants"]
    labels: list[int] = data["labels"]
    you_row = _place_viewer(view, opinion_map, viewer, data)
    view.min_votes = min(7, result.n_statements)
    view.groups = _group_cards(data, statements, k, view.your_group)
    stats = data["statements"]
    for c in data["consensus"]:
        statement = statements.get(int(c["statement"]))
        if statement is not None:
            view.consensus.append(
                (statement, c["direction"], _share(stats[str(c["statement"])]["all"]))
            )
    view.statements = _statement_rows(data, statements)
    coords = list(zip(data["x"], data["y"], strict=True))
    view.picture = mapdraw.draw(coords, labels, k, you=you_row)
    if with_demographics and k:
        view.demographics, view.n_with_profile = _demographics(participants, labels, k)
    return view


def _place_viewer(
    view: MapView, opinion_map: OpinionMap, viewer: Visitor, data: dict[str, Any]
) -> int | None:
    """Fill in the viewer's group and votes; returns the viewer's row in the result, if any."""
    if not viewer.is_authenticated:
        return None
    mine = Participant.objects.filter(map=opinion_map, user=viewer).first()
    if mine is None:
        return None
    view.you_voted = Vote.objects.filter(participant=mine).count()
    participants: list[int] = data["participants"]
    if mine.pk not in participants:
        return None
    you_row = participants.index(mine.pk)
    view.you_counted = bool(data["in_conv"][you_row])
    if data["labels"][you_row] >= 0:
        view.your_group = mapdraw.group_letter(data["labels"][you_row])
    return you_row


def _group_cards(
    data: dict[str, Any], statements: dict[int, Statement], k: int, your_group: str
) -> list[GroupCard]:
    """Each group's size and representative statements, against everyone else grouped."""
    stats = data["statements"]
    labels: list[int] = data["labels"]
    grouped_total = sum(1 for g in labels if g >= 0) or 1
    cards = []
    for g, reps in enumerate(data["repness"][:k]):
        lines = []
        for rep in reps:
            statement = statements.get(int(rep["statement"]))
            if statement is None:
                continue
            counts = stats[str(rep["statement"])]["groups"]
            everyone = [sum(c[i] for c in counts) for i in range(3)]
            lines.append(
                RepLine(
                    statement,
                    rep["direction"],
                    _share(counts[g]),
                    _share(_minus(everyone, counts[g])),
                )
            )
        size = sum(1 for label in labels if label == g)
        letter = mapdraw.group_letter(g)
        cards.append(
            GroupCard(
                g, letter, size, round(100 * size / grouped_total), lines, your_group == letter
            )
        )
    return cards


def _statement_rows(data: dict[str, Any], statements: dict[int, Statement]) -> list[StatementRow]:
    """Every statement of the result with its shares, by number."""
    stats = data["statements"]
    consensus_dir = {int(c["statement"]): c["direction"] for c in data["consensus"]}
    rows = []
    for sid in data["statement_ids"]:
        statement = statements.get(int(sid))
        if statement is None:
            continue
        entry = stats[str(sid)]
        rows.append(
            StatementRow(
                statement,
                _share(entry["all"]),
                [_share(c) for c in entry.get("groups", [])],
                consensus_dir.get(int(sid), ""),
            )
        )
    rows.sort(key=lambda row: row.statement.number)
    return rows


def _demographics(
    participants: list[int], labels: list[int], k: int
) -> tuple[list[DemographicTable], int]:
    """Groups by sex, age and municipality, for participants who consented to a profile."""
    group_of = {pk: g for pk, g in zip(participants, labels, strict=True) if g >= 0}
    profiles = list(
        DemographicProfile.objects.filter(
            user__opinion_participations__pk__in=list(group_of)
        ).values_list("user__opinion_participations__pk", "sex", "birth_year", "municipality__name")
    )
    year = timezone.localdate().year
    unknown = _("Okänd")
    sex_labels = {key: str(label) for key, label in DemographicProfile.Sex.choices}
    dimensions = [
        (
            _("Kön"),
            [*sex_labels.values(), unknown],
            lambda sex, _b, _m: sex_labels.get(sex, unknown),
        ),
        (
            _("Åldersgrupp"),
            [*AGE_GROUPS, unknown],
            lambda _s, birth, _m: age_group(birth, year) if birth else unknown,
        ),
        (
            _("Kommun"),
            sorted({m or unknown for _p, _s, _b, m in profiles}),
            lambda _s, _b, municipality: municipality or unknown,
        ),
    ]
    min_size = settings.DELAKTIG_MIN_GROUP_SIZE
    tables = []
    for title, columns, classify in dimensions:
        counts = [Counter() for _g in range(k)]  # type: ignore[var-annotated]
        for pk, sex, birth, municipality in profiles:
            counts[group_of[pk]][classify(sex, birth, municipality)] += 1
        grid = [[counts[g][c] for c in columns] for g in range(k)]
        totals = [sum(row) for row in grid]
        hidden, hidden_totals = suppress_table(grid, totals, min_size=min_size)
        rows: list[tuple[str, list[int | None], int | None]] = [
            (
                mapdraw.group_letter(g),
                [None if hidden[g][j] else grid[g][j] for j in range(len(columns))],
                None if hidden_totals[g] else totals[g],
            )
            for g in range(k)
        ]
        tables.append(DemographicTable(title, list(columns), rows))
    return tables, len(profiles)


# --- What the maths reads, and the Polis export -----------------------------------------


def vote_matrix(*, opinion_map: OpinionMap) -> maths.VoteMatrix:
    """The votes the maths reads: every participant, published statements only."""
    sids = list(
        Statement.objects.filter(map=opinion_map, status=Statement.Status.PUBLISHED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    pids = list(
        Participant.objects.filter(map=opinion_map).order_by("pk").values_list("pk", flat=True)
    )
    cells = np.array(
        list(
            Vote.objects.filter(
                statement__map=opinion_map, statement__status=Statement.Status.PUBLISHED
            ).values_list("participant_id", "statement_id", "value")
        ),
        dtype=np.int64,
    ).reshape(-1, 3)
    p_index = np.searchsorted(np.asarray(pids, dtype=np.int64), cells[:, 0])
    s_index = np.searchsorted(np.asarray(sids, dtype=np.int64), cells[:, 1])
    matrix = maths.VoteMatrix.from_triples(pids, sids, p_index, s_index, cells[:, 2])
    rejected = Statement.objects.filter(map=opinion_map, status=Statement.Status.REJECTED)
    # Polis counts statements moderated out in the sparsity scaling; so do we (maths.py).
    return replace(matrix, moderated_out=rejected.count())


def vote_history(*, opinion_map: OpinionMap) -> maths.VoteHistory:
    """When each participant first voted on each statement, statements moderated out since
    included: who Polis would have put in the conversation as it grew (``maths.ever_in_conv``).
    A changed vote keeps the time it was first cast (``Vote.created``)."""
    rows = list(
        Vote.objects.filter(statement__map=opinion_map)
        .order_by()
        .values_list("participant_id", "statement_id", "created")
    )
    pids = sorted({participant for participant, _statement, _created in rows})
    p_index = {pid: i for i, pid in enumerate(pids)}
    return maths.VoteHistory(
        participant_ids=list(pids),
        rows=np.fromiter((p_index[p] for p, _s, _c in rows), dtype=np.int64, count=len(rows)),
        cols=np.fromiter((s for _p, s, _c in rows), dtype=np.int64, count=len(rows)),
        times=np.fromiter(
            (created.timestamp() for _p, _s, created in rows), dtype=np.float64, count=len(rows)
        ),
    )


# How each status is written in the "moderated" column of a Polis export.
POLIS_MODERATED = {
    Statement.Status.PUBLISHED: 1,
    Statement.Status.PENDING: 0,
    Statement.Status.REJECTED: polisdata.MODERATED_OUT,
}


def polis_export(*, opinion_map: OpinionMap) -> bytes:
    """The map as a ZIP of Polis open-data files; ids are the map's own numbers."""
    participants = dict(
        Participant.objects.filter(map=opinion_map).values_list("pk", "number").iterator()
    )
    statements = list(Statement.objects.filter(map=opinion_map).order_by("number"))
    pids = sorted(participants.values())
    sids = [s.number for s in statements]
    position = {number: i for i, number in enumerate(pids)}
    p_index = {pk: position[number] for pk, number in participants.items()}
    s_index = {s.pk: j for j, s in enumerate(statements)}
    rows = list(
        Vote.objects.filter(statement__map=opinion_map)
        .order_by("updated", "pk")
        .values_list("participant_id", "statement_id", "value", "updated")
    )
    cells = np.array([(p_index[p], s_index[s], v) for p, s, v, _u in rows], dtype=np.int64).reshape(
        -1, 3
    )
    stamps = np.array([int(u.timestamp() * 1000) for *_r, u in rows], dtype=np.int64)
    comments: dict[maths.Id, polisdata.Comment] = {
        s.number: polisdata.Comment(
            id=s.number,
            author_id=participants.get(s.author_id) if s.author_id else None,
            text=s.text if s.status == Statement.Status.PUBLISHED else "",
            moderated=POLIS_MODERATED[Statement.Status(s.status)],
            timestamp=int(s.created.timestamp() * 1000),
        )
        for s in statements
    }
    groups: dict[maths.Id, int] = {}
    stored = MapResult.objects.filter(map=opinion_map).first()
    if stored is not None:
        for pk, label in zip(stored.data["participants"], stored.data["labels"], strict=True):
            if label >= 0 and pk in participants:
                groups[participants[pk]] = int(label)
    conversation = polisdata.Conversation(
        votes=maths.VoteMatrix.from_triples(pids, sids, cells[:, 0], cells[:, 1], cells[:, 2]),
        vote_timestamps=stamps,
        vote_cells=cells,
        comments=comments,
        polis_groups=groups,
        n_vote_rows=len(cells),
    )
    out = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        polisdata.write_export(conversation, tmp)
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in polisdata.FILES:
                archive.write(Path(tmp) / name, arcname=name)
    return out.getvalue()


def mine_maps(*, viewer: Visitor) -> list[WorkItem]:
    """The opinion maps the person voted in, with how many statements they voted on; each
    links to the map, where there may be new statements to vote on."""
    if not viewer.is_authenticated:
        return []
    from delaktig.participation.models import Process

    participations = (
        Participant.objects.filter(
            user=viewer, map__module__process__in=Process.objects.visible_to(viewer)
        )
        .annotate(voted=Count("votes"), last_vote=Max("votes__updated"))
        .filter(voted__gt=0)
        .select_related("map__module__process")
        .order_by("-last_vote", "-pk")
    )
    return [
        WorkItem(
            title=p.map.module.title,
            url=reverse("opinionmaps:vote", kwargs={"module_pk": p.map.module_id}),
            detail=ngettext(
                "Du har röstat om %(count)d påstående · %(process)s",
                "Du har röstat om %(count)d påståenden · %(process)s",
                p.voted,
            )
            % {"count": p.voted, "process": p.map.module.process.title},
            when=p.last_vote,
        )
        for p in participations
    ]


# --- The staff inbox (see opinionmaps/contributions.py) ---


def statements_waiting(*, viewer: Visitor) -> "QuerySet[Statement]":
    """Statements waiting for review in the organisations the viewer moderates, oldest first.

    Those screening held wait in the moderation app's queue (``moderation.held``) instead, so
    that nothing is counted twice."""
    statements = Statement.objects.filter(status=Statement.Status.PENDING)
    if not is_administrator(viewer):
        statements = statements.filter(
            map__module__process__organisation_id__in=staff_organisation_ids(
                viewer, ("official", "moderator")
            )
        )
    held = current_decisions(
        Decision.objects.filter(kind=STATEMENT_KIND, action=Decision.Action.HELD)
    ).filter(object_id=OuterRef("pk"))
    return (
        statements.exclude(Exists(held))
        .select_related("map__module__process")
        .order_by("created", "pk")
    )


def statement_decisions(*, statements: Iterable[Statement]) -> dict[int, Decision]:
    """Each statement's latest moderation decision (its statement of reasons), by primary
    key; statements no one decided about have none."""
    pks = [s.pk for s in statements]
    latest: dict[int, Decision] = {}
    decisions = Decision.objects.filter(kind=STATEMENT_KIND, object_id__in=pks).order_by("pk")
    for decision in decisions:
        latest[decision.object_id] = decision
    return latest
