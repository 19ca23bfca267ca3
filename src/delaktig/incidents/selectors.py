"""Reading the incident log: what a page needs, in a fixed number of queries.

``log_incidents`` is the one place that decides which incidents the security function lists:
those of the organisations where the person is the security function, and those shared with
them while the share lasts. The reporter and the person concerned find their own through
``mine``.
"""

from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from delaktig.accounts.models import Role
from delaktig.accounts.roles import staff_organisation_ids
from delaktig.accounts.types import Visitor
from delaktig.core.contributions import WorkItem
from delaktig.core.models import AuditEntry
from delaktig.insights.suppression import Cell, suppress, suppress_table, total_is_safe
from delaktig.organisations.models import Organisation
from delaktig.surveys import charts

from .models import Category, ConcernedRole, Incident, IncidentShare, Sex
from .rules import REPORTING_ROLES


def security_organisation_ids(viewer: Visitor) -> set[int]:
    """The organisations where ``viewer`` is the security function (never all, for an
    administrator: the log is confined on purpose)."""
    return staff_organisation_ids(viewer, ("security",))


def security_organisations(*, viewer: Visitor) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=security_organisation_ids(viewer)).order_by("name")


def reporting_organisations(*, viewer: Visitor) -> QuerySet[Organisation]:
    """The organisations ``viewer`` may report an incident to: where they hold a role."""
    ids = staff_organisation_ids(viewer, REPORTING_ROLES)
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def log_incidents(
    *,
    viewer: Visitor,
    organisation: Organisation | None = None,
    status: str = "",
    category: str = "",
    year: int | None = None,
) -> QuerySet[Incident]:
    """The incidents of the security function's organisations and those shared with it."""
    mine = security_organisation_ids(viewer)
    shared = IncidentShare.objects.active().filter(organisation_id__in=mine).values("incident")
    incidents = Incident.objects.filter(Q(organisation_id__in=mine) | Q(pk__in=shared))
    if organisation is not None:
        incidents = incidents.filter(organisation=organisation)
    if status:
        incidents = incidents.filter(status=status)
    if category:
        incidents = incidents.filter(category=category)
    if year is not None:
        incidents = incidents.filter(occurred_on__year=year)
    return incidents.select_related("organisation").order_by("-occurred_on", "-id")


def shares(*, incident: Incident) -> QuerySet[IncidentShare]:
    """Every share of ``incident``, revoked ones too, oldest first."""
    return incident.shares.select_related("organisation", "shared_by", "revoked_by").order_by(
        "shared_at", "pk"
    )


def share_candidates(*, incident: Incident) -> QuerySet[Organisation]:
    """Whom the incident may be shared with: the other organisations in the same county (a
    region and its municipalities) that have a security function on the platform."""
    county = (incident.organisation.scb_code or "")[:2]
    with_security = Role.objects.filter(kind=Role.Kind.SECURITY).values("organisation")
    return (
        Organisation.objects.filter(scb_code__startswith=county, pk__in=with_security)
        .exclude(pk=incident.organisation_id)
        .order_by("name")
    )


def history(*, incident: Incident) -> QuerySet[AuditEntry]:
    """The audit entries about ``incident``, oldest first."""
    return (
        AuditEntry.objects.filter(
            target_type=Incident._meta.label_lower, target_id=str(incident.pk)
        )
        .select_related("actor")
        .order_by("created", "id")
    )


# --- The staff inbox and Mina sidor ------------------------------------------------------------


def open_incidents(*, viewer: Visitor) -> QuerySet[Incident]:
    """Reported or being handled, in the organisations where ``viewer`` is the security
    function, oldest first."""
    return (
        Incident.objects.open()
        .filter(organisation_id__in=security_organisation_ids(viewer))
        .select_related("organisation")
        .order_by("created", "pk")
    )


def mine(*, viewer: Visitor) -> list[WorkItem]:
    """What ``viewer`` reported or is the person concerned in, newest first; for a person who
    may report, the way to a new report first."""
    items = []
    if reporting_organisations(viewer=viewer).exists():
        from django.urls import reverse

        items.append(
            WorkItem(
                title=_("Rapportera hot eller trakasserier"),
                url=reverse("incidents:report"),
                detail=_("Ny rapport till säkerhetsfunktionen"),
            )
        )
    for incident in Incident.objects.about(viewer).select_related("organisation")[:50]:
        items.append(
            WorkItem(
                title=f"{incident.get_category_display()} · {incident.organisation.name}",
                url=incident.get_absolute_url(),
                detail=incident.get_status_display(),
                when=incident.occurred_on,
            )
        )
    return items


# --- Yearly statistics -------------------------------------------------------------------------


@dataclass(frozen=True)
class CrossRow:
    label: str
    total: int | None
    cells: list[Cell]


@dataclass(frozen=True)
class Statistics:
    organisation: Organisation
    year: int
    count: int | None  # None: not shown, it would give a suppressed group away
    by_category: list[Cell]
    by_role: list[Cell]
    by_sex: list[Cell]
    roles: list[str]
    cross: list[CrossRow]
    chart: Any

    @property
    def min_size(self) -> int:
        return int(settings.DELAKTIG_MIN_GROUP_SIZE)


def statistic_years(*, organisation: Organisation) -> list[int]:
    """The years with incidents, and this year, newest first."""
    years = {
        day.year
        for day in Incident.objects.filter(organisation=organisation).dates("occurred_on", "year")
    }
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def _count_chart(cells: list[Cell], title: str) -> Any:
    """An SVG bar chart of counts (the surveys' geometry), a suppressed count without a bar."""
    most = max((cell.count or 0 for cell in cells), default=0) or 1
    chart = charts.bar_chart(
        [charts.shorten(cell.label) for cell in cells],
        [[None if cell.count is None else cell.count / most] for cell in cells],
        [title],
    )
    hidden = _("färre än %(min)s") % {"min": settings.DELAKTIG_MIN_GROUP_SIZE}
    groups = tuple(
        replace(
            group,
            bars=tuple(
                replace(bar, text=hidden if cell.count is None else str(cell.count))
                for bar in group.bars
            ),
        )
        for group, cell in zip(chart.groups, cells, strict=True)
    )
    # Counts on the axis: only the grid lines that fall on a whole number.
    ticks = tuple(
        (x, str(int(most * f)))
        for (x, _label), f in zip(chart.ticks, (0, 0.25, 0.5, 0.75, 1), strict=True)
        if float(most * f).is_integer()
    )
    return replace(chart, groups=groups, ticks=ticks)


def statistics(*, organisation: Organisation, year: int) -> Statistics:
    """Counts per category, role and sex, and category × role, of the incidents that happened
    in ``year``, small groups suppressed as in the survey results (``insights.suppression``)."""
    min_size = int(settings.DELAKTIG_MIN_GROUP_SIZE)
    rows = list(
        Incident.objects.filter(organisation=organisation, occurred_on__year=year).values_list(
            "category", "concerned_role", "concerned_sex"
        )
    )
    categories = {c.value: str(c.label) for c in Category}
    roles = {r.value: str(r.label) for r in ConcernedRole}
    sexes = {s.value: str(s.label) for s in Sex}

    def counted(position: int, labels: dict[str, str]) -> dict[str, int]:
        counter = Counter(row[position] for row in rows)
        return {labels[key]: counter.get(key, 0) for key in labels}

    by_category = suppress(counted(0, categories), min_size=min_size)
    by_role = suppress(counted(1, roles), min_size=min_size)
    by_sex = suppress(counted(2, sexes), min_size=min_size)
    pairs = Counter((row[0], row[1]) for row in rows)
    table = [[pairs.get((c, r), 0) for r in roles] for c in categories]
    hidden, hidden_totals = suppress_table(table, [sum(row) for row in table], min_size=min_size)
    cross = [
        CrossRow(
            label=label,
            total=None if hidden_totals[i] else sum(table[i]),
            cells=[
                Cell(role_label, None if hidden[i][j] else table[i][j])
                for j, role_label in enumerate(roles.values())
            ],
        )
        for i, label in enumerate(categories.values())
    ]
    safe = all(total_is_safe(cells) for cells in (by_category, by_role, by_sex))
    return Statistics(
        organisation=organisation,
        year=year,
        count=len(rows) if safe else None,
        by_category=by_category,
        by_role=by_role,
        by_sex=by_sex,
        roles=list(roles.values()),
        cross=cross,
        chart=_count_chart(by_category, _("Incidenter per kategori")),
    )


def statistics_rows(stats: Statistics) -> list[list[Any]]:
    """The statistics as spreadsheet rows, a suppressed count written as "färre än 5"."""
    hidden = _("färre än %(min)s") % {"min": stats.min_size}

    def shown(count: int | None) -> Any:
        return hidden if count is None else count

    out: list[list[Any]] = [[_("Incidenter %(year)s") % {"year": stats.year}, shown(stats.count)]]
    for title, cells in (
        (_("Kategori"), stats.by_category),
        (_("Roll"), stats.by_role),
        (_("Kön"), stats.by_sex),
    ):
        out += [[], [title, _("Antal")], *([cell.label, shown(cell.count)] for cell in cells)]
    out += [[], [_("Kategori"), _("Totalt"), *stats.roles]]
    out += [
        [row.label, shown(row.total), *(shown(c.count) for c in row.cells)] for row in stats.cross
    ]
    return out


# --- The CSV export --------------------------------------------------------------------------


EXPORT_HEADER = (
    "id",
    "organisation",
    "status",
    "occurred_on",
    "category",
    "channel",
    "place",
    "concerned_name",
    "concerned_role",
    "concerned_sex",
    "concerned_age_band",
    "description",
    "process",
    "meeting",
    "police_reported",
    "police_case_number",
    "support",
    "support_text",
    "follow_up",
    "reported_at",
    "closed_at",
)


def export_rows(incidents: QuerySet[Incident]) -> list[list[Any]]:
    rows = []
    for i in incidents.select_related("organisation", "process", "meeting"):
        rows.append(
            [
                i.pk,
                i.organisation.name,
                i.get_status_display(),
                i.occurred_on.isoformat(),
                i.get_category_display(),
                i.get_channel_display(),
                i.place,
                i.concerned_name,
                i.get_concerned_role_display(),
                i.get_concerned_sex_display(),
                i.concerned_age_band,
                i.description,
                i.process.title if i.process else "",
                i.meeting.title if i.meeting else "",
                _("ja") if i.police_reported else _("nej"),
                i.police_case_number,
                "; ".join(i.support_labels()),
                i.support_text,
                i.follow_up,
                timezone.localtime(i.created).isoformat(timespec="minutes"),
                timezone.localtime(i.closed_at).isoformat(timespec="minutes")
                if i.closed_at
                else "",
            ]
        )
    return rows
