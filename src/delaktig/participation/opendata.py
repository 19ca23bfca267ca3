"""The open dataset of participation processes (the DCAT catalogue and the nightly dump).

The dump's rows are what ``/api/v1/processes/`` shows (``api.ProcessOut``), flattened into
CSV tables; the API module is imported only when a dump is made, so that reading the registry
stays cheap.
"""

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from django.db.models import Max, Min
from django.utils.translation import gettext_lazy as _

from delaktig.core.contributions import DumpTable, OpenDataset
from delaktig.organisations.models import Organisation

from .models import Feedback, Process

PROCESS_COLUMNS = (
    "id",
    "slug",
    "url",
    "organisation",
    "language",
    "title",
    "summary",
    "easy_read_summary",
    "body",
    "question",
    "purpose",
    "target_group_analysis",
    "input_use",
    "decision_maker",
    "responsible_body",
    "decision_expected",
    "ladder_step",
    "ladder_step_key",
    "status",
    "perspectives",
    "target_groups",
    "sdg_goals",
    "sdg_targets",
    "municipalities",
    "published_at",
    "updated",
)
PHASE_COLUMNS = (
    "process_id",
    "process_slug",
    "id",
    "name",
    "description",
    "starts_at",
    "ends_at",
    "module_id",
    "phase_type",
    "allows",
)
MODULE_COLUMNS = ("process_id", "process_slug", "id", "kind", "title", "description", "url")
FEEDBACK_COLUMNS = (
    "process_id",
    "process_slug",
    "heard",
    "decided",
    "reasons",
    "decision_reference",
    "published_at",
    "updated",
)
HISTORY_COLUMNS = ("process_id", "process_slug", "status", "at")

# Processes read per query while a dump streams (their related rows are prefetched per chunk).
CHUNK = 2000


def _dumped(organisation: Organisation) -> Iterator[dict[str, Any]]:
    """Each public process of ``organisation`` as the API shows it (JSON-ready), streamed."""
    from .api import ProcessOut, public_processes

    processes = public_processes().filter(organisation=organisation).order_by("pk")
    for process in processes.iterator(chunk_size=CHUNK):
        yield ProcessOut.from_orm(process).model_dump(mode="json")


def _joined(values: list[Any]) -> str:
    return ";".join(str(value) for value in values)


def _of(data: dict[str, Any]) -> dict[str, Any]:
    return {"process_id": data["id"], "process_slug": data["slug"]}


def process_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    """processes.csv: one row per process; lists are joined with ``;``."""
    for data in _dumped(organisation):
        row = {column: data.get(column) for column in PROCESS_COLUMNS}
        row.update(
            ladder_step=data["ladder_step"]["number"],
            ladder_step_key=data["ladder_step"]["key"],
            perspectives=_joined([p["code"] for p in data["perspectives"]]),
            target_groups=_joined([t["code"] for t in data["target_groups"]]),
            sdg_goals=_joined([g["number"] for g in data["sdg_goals"]]),
            sdg_targets=_joined([t["code"] for t in data["sdg_targets"]]),
            municipalities=_joined([m["code"] for m in data["municipalities"]]),
        )
        yield row


def phase_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    for data in _dumped(organisation):
        for phase in data["phases"]:
            yield {**_of(data), **phase, "allows": _joined(phase["allows"])}


def module_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    for data in _dumped(organisation):
        for module in data["modules"]:
            yield {**_of(data), **module}


def feedback_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    for data in _dumped(organisation):
        if data["feedback"] is not None:
            yield {**_of(data), **data["feedback"]}


def history_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    for data in _dumped(organisation):
        for change in data["history"]:
            yield {**_of(data), **change}


def coverage(organisation: Organisation) -> tuple[date | None, date | None]:
    """From the first publication to the last change of the organisation's public processes."""
    public = Process.objects.public().filter(organisation=organisation)
    found = public.aggregate(first=Min("published_at"), last=Max("updated"))
    first, last = found["first"], found["last"]
    return (first.date() if first else None, last.date() if last else None)


def modified(organisation: Organisation) -> datetime | None:
    public = Process.objects.public().filter(organisation=organisation)
    processes = public.aggregate(last=Max("updated"))["last"]
    feedback = Feedback.objects.filter(published_at__isnull=False, process__in=public).aggregate(
        last=Max("updated")
    )["last"]
    known = [moment for moment in (processes, feedback) if moment is not None]
    return max(known) if known else None


DATASET = OpenDataset(
    key="participation.processes",
    title=_("Deltagandeprocesser"),
    description=_(
        "Organisationens publicerade deltagandeprocesser: frågan, steget på "
        "delaktighetstrappan, status, perspektiv, målgrupper, Agenda 2030-mål, berörda "
        "kommuner, tidplan, deltagandeformer och återkopplingen om vad som hände med "
        "synpunkterna."
    ),
    api_path="/api/v1/processes/",
    tables=(
        DumpTable(name="processes.csv", columns=PROCESS_COLUMNS, rows=process_rows),
        DumpTable(name="phases.csv", columns=PHASE_COLUMNS, rows=phase_rows),
        DumpTable(name="modules.csv", columns=MODULE_COLUMNS, rows=module_rows),
        DumpTable(name="feedback.csv", columns=FEEDBACK_COLUMNS, rows=feedback_rows),
        DumpTable(name="history.csv", columns=HISTORY_COLUMNS, rows=history_rows),
    ),
    coverage=coverage,
    modified=modified,
    themes=("GOVE", "SOCI"),
    keywords=(_("medborgardialog"), _("delaktighet"), _("Agenda 2030")),
    order=20,
)
