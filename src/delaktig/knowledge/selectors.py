"""Reading the knowledge bank: what a page needs, in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from delaktig.accounts.models import Role
from delaktig.accounts.roles import is_administrator, role_set
from delaktig.accounts.types import User, Visitor
from delaktig.core.contributions import WorkItem
from delaktig.organisations.models import Organisation

from .models import READER_ROLES, Audience, Completion, Part, Section, audiences_for
from .workflow import Status

ALL_AUDIENCES = frozenset(Audience.values)


def reader_organisation_ids(viewer: Visitor) -> set[int]:
    """The organisations whose whole knowledge bank ``viewer`` reads through a role."""
    return {org for kind, org in role_set(viewer) if kind in READER_ROLES and org is not None}


def viewer_audiences(viewer: Visitor, organisation: Organisation) -> frozenset[str]:
    """The audiences ``viewer`` belongs to in ``organisation``; an administrator without a
    role there reads as everyone."""
    kinds = {kind for kind, org in role_set(viewer) if org == organisation.pk}
    if not kinds & set(READER_ROLES) and is_administrator(viewer):
        return ALL_AUDIENCES
    return audiences_for(kinds)


def visible_parts(*, viewer: Visitor, organisation: Organisation) -> QuerySet[Part]:
    """The published parts of ``organisation`` that ``viewer`` may read, in order."""
    parts = Part.objects.filter(organisation=organisation, status=Status.PUBLISHED.value)
    if not viewer.has_perm("knowledge.view_knowledgebank", organisation):
        parts = parts.filter(is_public=True)
    return parts.select_related("section").order_by("section__position", "position", "pk")


def bank_organisations(*, viewer: Visitor) -> QuerySet[Organisation]:
    """Organisations with published parts ``viewer`` may read: public ones, or all of those
    where the viewer is a reader (every organisation, for an administrator)."""
    published = Q(knowledge_parts__status=Status.PUBLISHED.value)
    if is_administrator(viewer):
        condition = published
    else:
        condition = published & (
            Q(knowledge_parts__is_public=True) | Q(pk__in=reader_organisation_ids(viewer))
        )
    return Organisation.objects.filter(condition).distinct().order_by("name")


@dataclass
class PartRow:
    part: Part
    done_at: datetime | None
    for_viewer: bool

    @property
    def changed_since_done(self) -> bool:
        return self.done_at is not None and self.part.content_changed_at > self.done_at


@dataclass
class SectionView:
    section: Section
    parts: list[PartRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(1 for row in self.parts if row.for_viewer)

    @property
    def done(self) -> int:
        return sum(1 for row in self.parts if row.for_viewer and row.done_at)

    @property
    def minutes(self) -> int:
        return sum(row.part.minutes for row in self.parts if row.for_viewer)


@dataclass
class Bank:
    organisation: Organisation
    sections: list[SectionView]
    # Whether the viewer reads the whole package and marks parts as gone through.
    is_reader: bool

    @property
    def total(self) -> int:
        return sum(s.total for s in self.sections)

    @property
    def done(self) -> int:
        return sum(s.done for s in self.sections)


def completions_of(viewer: Visitor, parts: list[Part]) -> dict[int, datetime]:
    if not viewer.is_authenticated or not parts:
        return {}
    rows = Completion.objects.filter(user=viewer, part__in=parts)
    return dict(rows.values_list("part_id", "completed_at"))


def bank(*, viewer: Visitor, organisation: Organisation) -> Bank:
    """The sections and parts of ``organisation`` that ``viewer`` may read, with the viewer's
    own progress (parts meant for them that they have gone through). Three queries."""
    parts = list(visible_parts(viewer=viewer, organisation=organisation))
    is_reader = viewer.has_perm("knowledge.view_knowledgebank", organisation)
    done = completions_of(viewer, parts) if is_reader else {}
    audiences = viewer_audiences(viewer, organisation)
    sections: dict[int, SectionView] = {}
    for part in parts:
        view = sections.setdefault(part.section_id, SectionView(part.section))
        view.parts.append(PartRow(part, done.get(part.pk), is_reader and part.is_for(audiences)))
    return Bank(organisation, list(sections.values()), is_reader)


def part_done_at(*, viewer: Visitor, part: Part) -> datetime | None:
    return completions_of(viewer, [part]).get(part.pk)


def staff_sections(*, organisation: Organisation) -> list[tuple[Section, list[Part]]]:
    """Every section of ``organisation`` with all its parts (drafts too), each part with its
    number of completions (``completion_count``)."""
    from django.db.models import Count

    sections = list(Section.objects.filter(organisation=organisation).order_by("position", "pk"))
    parts = (
        Part.objects.filter(organisation=organisation)
        .annotate(completion_count=Count("completions"))
        .order_by("position", "pk")
    )
    by_section: dict[int, list[Part]] = defaultdict(list)
    for part in parts:
        by_section[part.section_id].append(part)
    return [(section, by_section[section.pk]) for section in sections]


def editable_organisations(*, viewer: Visitor) -> QuerySet[Organisation]:
    from delaktig.accounts.roles import official_organisations

    return official_organisations(viewer).order_by("name")


# --- Follow-up: who has gone through which part --------------------------------------------


@dataclass
class Person:
    user: User
    roles: list[str]
    audiences: frozenset[str]
    # part pk -> when; only parts meant for the person count
    done: dict[int, datetime] = field(default_factory=dict)


@dataclass
class Share:
    label: str
    people: int
    expected: int
    completed: int
    everything: int = 0

    @property
    def percent(self) -> int | None:
        return round(100 * self.completed / self.expected) if self.expected else None


@dataclass
class FollowUp:
    organisation: Organisation
    parts: list[Part]
    people: list[Person]
    by_role: list[Share]
    by_part: list[tuple[Part, Share]]


def _people(organisation: Organisation) -> list[Person]:
    roles = (
        Role.objects.filter(organisation=organisation, kind__in=READER_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("user__display_name", "user__pk")
    )
    people: dict[int, Person] = {}
    for role in roles:
        person = people.setdefault(role.user_id, Person(role.user, [], frozenset()))
        person.roles.append(role.kind)
    for person in people.values():
        person.roles.sort(key=READER_ROLES.index)
        person.audiences = audiences_for(person.roles)
    return list(people.values())


def follow_up(*, organisation: Organisation) -> FollowUp:
    """The organisation's people with a reader role × its published parts, and the share of
    what was meant for them that they went through, per role and per part. Three queries."""
    parts = list(
        Part.objects.filter(organisation=organisation, status=Status.PUBLISHED.value)
        .select_related("section")
        .order_by("section__position", "position", "pk")
    )
    people = _people(organisation)
    rows = Completion.objects.filter(part__in=parts, user__in=[p.user for p in people])
    by_user: dict[int, dict[int, datetime]] = defaultdict(dict)
    for part_id, user_id, when in rows.values_list("part_id", "user_id", "completed_at"):
        by_user[user_id][part_id] = when
    for person in people:
        meant = {part.pk for part in parts if part.is_for(person.audiences)}
        person.done = {pk: when for pk, when in by_user[person.user.pk].items() if pk in meant}
    labels = dict(Role.Kind.choices)
    by_role = []
    for kind in READER_ROLES:
        holders = [p for p in people if kind in p.roles]
        expected = [sum(1 for part in parts if part.is_for(p.audiences)) for p in holders]
        by_role.append(
            Share(
                label=str(labels[kind]),
                people=len(holders),
                expected=sum(expected),
                completed=sum(len(p.done) for p in holders),
                everything=sum(
                    1 for p, n in zip(holders, expected, strict=True) if n and len(p.done) == n
                ),
            )
        )
    by_part = []
    for part in parts:
        meant_for = [p for p in people if part.is_for(p.audiences)]
        done = sum(1 for p in meant_for if part.pk in p.done)
        by_part.append((part, Share(part.title, len(meant_for), len(meant_for), done)))
    return FollowUp(organisation, parts, people, by_role, by_part)


def follow_up_csv_rows(report: FollowUp) -> list[list[str]]:
    """The follow-up as rows for a CSV file: one per person, one column per part."""
    labels = dict(Role.Kind.choices)
    header = [gettext("Namn"), gettext("E-post"), gettext("Roller")]
    header += [f"{part.section.title}: {part.title}" for part in report.parts]
    rows = [header]
    for person in report.people:
        row = [
            person.user.display_name,
            person.user.email,
            ", ".join(str(labels[kind]) for kind in person.roles),
        ]
        for part in report.parts:
            if not part.is_for(person.audiences):
                row.append(gettext("ej aktuell"))
            elif part.pk in person.done:
                row.append(timezone.localdate(person.done[part.pk]).isoformat())
            else:
                row.append(gettext("nej"))
        rows.append(row)
    return rows


# --- Mina sidor -----------------------------------------------------------------------------


def mine_progress(*, viewer: Visitor) -> list[WorkItem]:
    """One line per organisation whose knowledge bank the person reads through a role: how
    many of the parts meant for them they have gone through."""
    if not viewer.is_authenticated:
        return []
    ids = reader_organisation_ids(viewer)
    if not ids:
        return []
    parts = list(
        Part.objects.filter(organisation_id__in=ids, status=Status.PUBLISHED.value)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )
    done = completions_of(viewer, parts)
    by_organisation: dict[int, list[Part]] = defaultdict(list)
    for part in parts:
        by_organisation[part.organisation_id].append(part)
    items = []
    for organisation_parts in by_organisation.values():
        organisation = organisation_parts[0].organisation
        audiences = viewer_audiences(viewer, organisation)
        meant = [p for p in organisation_parts if p.is_for(audiences)]
        if not meant:
            continue
        finished = [done[p.pk] for p in meant if p.pk in done]
        items.append(
            WorkItem(
                title=gettext("Kunskapsbanken: %(name)s") % {"name": organisation.name},
                url=reverse("knowledge:bank", kwargs={"slug": organisation.slug}),
                detail=gettext("%(done)s av %(total)s delar genomgångna")
                % {"done": len(finished), "total": len(meant)},
                when=max(finished) if finished else None,
            )
        )
    return items
