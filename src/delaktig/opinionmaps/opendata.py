"""The open dataset of opinion-map results (the DCAT catalogue and the nightly dump).

The rows are what ``/api/v1/opinion-maps/`` shows (``api.result_of``), flattened into CSV
tables; the API module is imported only when a dump is made.
"""

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from django.db.models import Max, Min, QuerySet
from django.utils.translation import gettext_lazy as _

from delaktig.core.contributions import DumpTable, OpenDataset
from delaktig.organisations.models import Organisation

from .models import OpinionMap

MAP_COLUMNS = (
    "id",
    "url",
    "process",
    "organisation",
    "module_id",
    "title",
    "topic",
    "source",
    "source_attribution",
    "computed_at",
    "outdated",
    "participants",
    "grouped",
    "statements_count",
    "votes_count",
    "groups",
)
STATEMENT_COLUMNS = (
    "map_id",
    "id",
    "number",
    "text",
    "agree",
    "disagree",
    "passed",
    "total",
    "consensus",
)
GROUP_COLUMNS = ("map_id", "letter", "size", "percent")
GROUP_VOTE_COLUMNS = (
    "map_id",
    "group",
    "statement_id",
    "agree",
    "disagree",
    "passed",
    "total",
    "representative",
)
CONSENSUS_COLUMNS = ("map_id", "statement_id", "direction", "agree", "disagree", "passed", "total")

# A stored result holds every participant's position: read few at a time.
CHUNK = 50


def _maps(organisation: Organisation) -> QuerySet[OpinionMap]:
    from .api import public_maps

    return public_maps().filter(module__process__organisation=organisation).order_by("pk")


def _dumped(organisation: Organisation) -> Iterator[dict[str, Any]]:
    """Each public result of ``organisation``'s maps as the API shows it (JSON-ready)."""
    from .api import OpinionMapOut, result_of

    for opinion_map in _maps(organisation).iterator(chunk_size=CHUNK):
        yield OpinionMapOut.model_validate(result_of(opinion_map)).model_dump(mode="json")


def map_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    for data in _dumped(organisation):
        yield {**{c: data[c] for c in MAP_COLUMNS[:-1]}, "groups": len(data["groups"])}


def statement_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    for data in _dumped(organisation):
        for s in data["statements"]:
            yield {
                "map_id": data["id"],
                "id": s["id"],
                "number": s["number"],
                "text": s["text"],
                **s["votes"],
                "consensus": s["consensus"] or "",
            }


def group_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    for data in _dumped(organisation):
        for g in data["groups"]:
            yield {"map_id": data["id"], **{c: g[c] for c in GROUP_COLUMNS[1:]}}


def group_vote_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    """The votes in each group on each statement, and whether it sets the group apart."""
    for data in _dumped(organisation):
        for index, g in enumerate(data["groups"]):
            apart = {r["statement_id"]: r["direction"] for r in g["representative"]}
            for s in data["statements"]:
                yield {
                    "map_id": data["id"],
                    "group": g["letter"],
                    "statement_id": s["id"],
                    **s["groups"][index],
                    "representative": apart.get(s["id"], ""),
                }


def consensus_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    for data in _dumped(organisation):
        for c in data["consensus"]:
            yield {
                "map_id": data["id"],
                "statement_id": c["statement_id"],
                "direction": c["direction"],
                **c["votes"],
            }


def coverage(organisation: Organisation) -> tuple[date | None, date | None]:
    """From the first map to the latest computed result."""
    found = (
        _maps(organisation)
        .order_by()
        .aggregate(first=Min("created"), last=Max("result__computed_at"))
    )
    first, last = found["first"], found["last"]
    return (first.date() if first else None, last.date() if last else None)


def modified(organisation: Organisation) -> datetime | None:
    last: datetime | None = (
        _maps(organisation).order_by().aggregate(last=Max("result__computed_at"))["last"]
    )
    return last


DATASET = OpenDataset(
    key="opinionmaps.results",
    title=_("Opinionskartor: resultat"),
    description=_(
        "Resultaten av organisationens opinionskartor så som resultatsidorna visar dem: "
        "publicerade påståenden med antal röster för, emot och pass, åsiktsgrupperna med "
        "storlek och de påståenden som skiljer ut dem, och det som de flesta håller med om. "
        "Inga uppgifter om enskilda deltagare."
    ),
    api_path="/api/v1/opinion-maps/",
    tables=(
        DumpTable(name="maps.csv", columns=MAP_COLUMNS, rows=map_rows),
        DumpTable(name="statements.csv", columns=STATEMENT_COLUMNS, rows=statement_rows),
        DumpTable(name="groups.csv", columns=GROUP_COLUMNS, rows=group_rows),
        DumpTable(name="group_votes.csv", columns=GROUP_VOTE_COLUMNS, rows=group_vote_rows),
        DumpTable(name="consensus.csv", columns=CONSENSUS_COLUMNS, rows=consensus_rows),
    ),
    coverage=coverage,
    modified=modified,
    themes=("GOVE", "SOCI"),
    keywords=(_("opinionskarta"), _("medborgardialog"), "Polis"),
    order=60,
)
