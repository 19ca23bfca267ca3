"""Reads for opinion maps: the next statement to vote on, and the result as pages show it."""

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from delaktig.accounts.models import DemographicProfile
from delaktig.insights.suppression import AGE_GROUPS, age_group, suppress_table

from . import mapdraw
from .models import MapResult, OpinionMap, Participant, Statement, Vote

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


def next_statement(opinion_map: OpinionMap, participant: Participant | None) -> Statement | None:
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


def progress(opinion_map: OpinionMap, participant: Participant | None) -> tuple[int, int]:
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


def map_view(opinion_map: OpinionMap, user: Any, *, with_demographics: bool = True) -> MapView:
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
    mine: Participant | None = None
    you_row = None
    if user.is_authenticated:
        mine = Participant.objects.filter(map=opinion_map, user=user).first()
    if mine is not None and mine.pk in participants:
        you_row = participants.index(mine.pk)
        view.you_counted = bool(data["in_conv"][you_row])
        if labels[you_row] >= 0:
            view.your_group = mapdraw.group_letter(labels[you_row])
    if mine is not None:
        view.you_voted = Vote.objects.filter(participant=mine).count()
    view.min_votes = min(7, result.n_statements)

    stats = data["statements"]
    grouped_total = sum(1 for g in labels if g >= 0) or 1
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
        view.groups.append(
            GroupCard(
                g,
                mapdraw.group_letter(g),
                size,
                round(100 * size / grouped_total),
                lines,
                view.your_group == mapdraw.group_letter(g),
            )
        )
    for c in data["consensus"]:
        statement = statements.get(int(c["statement"]))
        if statement is not None:
            view.consensus.append(
                (statement, c["direction"], _share(stats[str(c["statement"])]["all"]))
            )
    consensus_dir = {int(c["statement"]): c["direction"] for c in data["consensus"]}
    for sid in data["statement_ids"]:
        statement = statements.get(int(sid))
        if statement is None:
            continue
        entry = stats[str(sid)]
        view.statements.append(
            StatementRow(
                statement,
                _share(entry["all"]),
                [_share(c) for c in entry.get("groups", [])],
                consensus_dir.get(int(sid), ""),
            )
        )
    view.statements.sort(key=lambda row: row.statement.number)
    coords = list(zip(data["x"], data["y"], strict=True))
    view.picture = mapdraw.draw(coords, labels, k, you=you_row)
    if with_demographics and k:
        view.demographics, view.n_with_profile = _demographics(participants, labels, k)
    return view


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
