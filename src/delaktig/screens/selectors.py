"""What a waiting-room screen shows: the organisation's public items open *now*, in the
content language, each with the absolute address a QR code points at.

Nothing personal: titles, summaries, dates and places only; no names of residents, no
comments. A medborgarförslag shows its published (redacted) title and nothing of its author.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Prefetch, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from delaktig.core.languages import content_language
from delaktig.core.sites import absolute_url
from delaktig.meetings.models import Meeting
from delaktig.organisations.models import Municipality, Organisation
from delaktig.participation.models import Phase, Process
from delaktig.participation.workflow import Status
from delaktig.proposals.models import Proposal
from delaktig.proposals.workflow import Status as ProposalStatus
from delaktig.translations.access import Shown, prefetch

from .models import SECONDS_DEFAULT, ScreenSettings

KINDS: tuple[tuple[str, str | Promise], ...] = (
    ("process", _("Öppna processer")),
    ("meeting", _("Möten med frågestund och öppna möten")),
    ("proposal", _("Medborgarförslag som samlar stöd")),
)
# Meetings this far ahead are shown.
MEETINGS_AHEAD = timedelta(days=45)
# At most this many items of each kind: a rotation through everything takes minutes, not hours.
PER_KIND = 12
# An end is exclusive: a phase "until 1 March 00:00" is open through the last of February.
LAST_MOMENT = timedelta(microseconds=1)

# How a resident takes part in a phase of each participation module. A module not listed
# here (a referral to councils) is not for residents and does not put a process on the screen.
HOW_TO_TAKE_PART: dict[str, str | Promise] = {
    "discussion": _("Skriv vad du tycker i diskussionen."),
    "survey": _("Svara på enkäten."),
    "opinionmap": _("Rösta på påståenden och skriv egna i opinionskartan."),
    "meeting": _("Kom på ett möte."),
}


@dataclass
class ScreenItem:
    kind: str
    title: Shown
    url: str
    summary: Shown | None = None
    # Until when one can take part (a process, a proposal's support), or when it starts.
    until: datetime | None = None
    starts_at: datetime | None = None
    place: str = ""
    how: list[str | Promise] = field(default_factory=list)

    @property
    def last_day(self) -> datetime | None:
        """The last moment one can take part: a phase ending at midnight ends the day before."""
        return self.until - LAST_MOMENT if self.until else None


def absolute(path: str, organisation: Organisation | None = None) -> str:
    """The address printed and put in the QR code: on the organisation's own host when it has
    one (``core.sites.absolute_url``)."""
    return absolute_url(path, organisation)


def shown(obj: Any, field_name: str, value: str | None = None) -> Shown:
    """The text of ``field_name`` in the content language where ``obj`` is translated
    (``translations.TranslatedModel``), else the text as written, in its own language."""
    if field_name in getattr(obj, "translated_fields", ()):
        return getattr(obj.t, field_name)
    text = value if value is not None else str(getattr(obj, field_name, "") or "")
    source = str(getattr(obj, "language", "") or "sv")
    return Shown(text, source, content_language())


def settings_for(organisation: Organisation) -> ScreenSettings:
    """The organisation's settings, or the defaults (not saved)."""
    found = ScreenSettings.objects.filter(organisation=organisation).first()
    return found or ScreenSettings(organisation=organisation, seconds=SECONDS_DEFAULT)


def municipality_of(organisation: Organisation, code: str) -> Municipality | None:
    """One of the organisation's municipalities by kommunkod, or None."""
    return organisation.municipalities.filter(code=code).first()


def _participation_phases(process: Process, now: datetime) -> list[Phase]:
    """The phases running now in which residents can act."""
    found = []
    for phase in process.phases.all():
        if not (phase.starts_at <= now < phase.ends_at) or phase.module is None:
            continue
        if phase.module.kind not in HOW_TO_TAKE_PART:
            continue
        phase_type = phase.module.module_type.phase_type(phase.phase_type)
        if phase_type is not None and phase_type.allows:
            found.append(phase)
    return found


def open_processes(
    *, organisation: Organisation, municipality: Municipality | None, now: datetime
) -> list[ScreenItem]:
    """Public processes open now, with a phase running in which residents take part, the one
    closing soonest first. A municipality's screen shows the processes that concern it and
    those that name no municipality (the whole organisation's)."""
    processes = (
        Process.objects.public()
        .filter(organisation=organisation, status=Status.OPEN.value)
        .filter(phases__starts_at__lte=now, phases__ends_at__gt=now)
        .prefetch_related(
            Prefetch("phases", queryset=Phase.objects.select_related("module")),
        )
        .distinct()
    )
    if municipality is not None:
        processes = processes.filter(
            Q(municipalities=municipality) | Q(municipalities__isnull=True)
        ).distinct()
    items = []
    listed = list(processes)
    prefetch(listed)
    for process in listed:
        phases = _participation_phases(process, now)
        if not phases:
            continue
        kinds = dict.fromkeys(phase.module.kind for phase in phases if phase.module)
        items.append(
            ScreenItem(
                kind="process",
                title=shown(process, "title"),
                summary=shown(process, "summary"),
                url=absolute(process.get_absolute_url(), organisation),
                until=max(phase.ends_at for phase in phases),
                how=[HOW_TO_TAKE_PART[kind] for kind in kinds],
            )
        )
    items.sort(key=lambda item: (item.until, item.url))
    return items[:PER_KIND]


def upcoming_meetings(
    *, organisation: Organisation, municipality: Municipality | None, now: datetime
) -> list[ScreenItem]:
    """Published meetings in the coming weeks that residents can attend and speak at: those
    with allmänhetens frågestund, open meetings and webinars; soonest first."""
    meetings = (
        Meeting.objects.public()
        .filter(organisation=organisation, starts_at__gte=now, starts_at__lt=now + MEETINGS_AHEAD)
        .filter(
            Q(question_time=True)
            | Q(kind__in=[Meeting.Kind.PUBLIC_EVENT.value, Meeting.Kind.WEBINAR.value])
        )
        .order_by("starts_at", "pk")
    )
    if municipality is not None:
        meetings = meetings.filter(
            Q(module__isnull=True)
            | Q(module__process__municipalities=municipality)
            | Q(module__process__municipalities__isnull=True)
        ).distinct()
    listed = list(meetings[:PER_KIND])
    prefetch(listed)
    items = []
    for meeting in listed:
        how: list[str | Promise] = []
        if meeting.question_time:
            how.append(_("Allmänhetens frågestund: ställ din fråga i förväg på webben."))
        if meeting.mode != Meeting.Mode.PHYSICAL:
            how.append(_("Du kan också följa mötet digitalt."))
        items.append(
            ScreenItem(
                kind="meeting",
                title=shown(meeting, "title"),
                url=absolute(meeting.get_absolute_url(), organisation),
                starts_at=meeting.starts_at,
                place=meeting.location or str(meeting.get_mode_display()),
                how=how,
            )
        )
    return items


def proposals_collecting(
    *, organisation: Organisation, municipality: Municipality | None, now: datetime
) -> list[ScreenItem]:
    """Medborgarförslag collecting support now, the one closing soonest first: the published
    title only, nothing about who wrote it."""
    proposals = Proposal.objects.filter(
        organisation=organisation,
        status=ProposalStatus.COLLECTING.value,
        support_ends_at__gt=now,
    ).order_by("support_ends_at", "pk")
    if municipality is not None:
        proposals = proposals.filter(Q(municipality=municipality) | Q(municipality__isnull=True))
    return [
        ScreenItem(
            kind="proposal",
            title=shown(proposal, "title", proposal.public_title),
            url=absolute(proposal.get_absolute_url(), organisation),
            until=proposal.support_ends_at,
            how=[_("Ge förslaget ditt stöd på webben.")],
        )
        for proposal in proposals[:PER_KIND]
    ]


def screen_items(
    *,
    organisation: Organisation,
    municipality: Municipality | None = None,
    kinds: frozenset[str],
    now: datetime,
) -> list[ScreenItem]:
    """Everything the screen rotates through, kind by kind."""
    readers = {
        "process": open_processes,
        "meeting": upcoming_meetings,
        "proposal": proposals_collecting,
    }
    items: list[ScreenItem] = []
    for kind, _name in KINDS:
        if kind in kinds:
            items += readers[kind](organisation=organisation, municipality=municipality, now=now)
    return items


def rotation(count: int, asked: int | None) -> tuple[int, int]:
    """(the index to show, the next one) for ``?i=<asked>``: any number wraps round."""
    if count == 0:
        return 0, 0
    index = (asked or 0) % count
    return index, (index + 1) % count


@dataclass
class PosterStep:
    name: Shown
    how: str | Promise
    starts_at: datetime
    ends_at: datetime
    running: bool

    @property
    def last_day(self) -> datetime:
        return self.ends_at - LAST_MOMENT


def poster_steps(process: Process, now: datetime) -> list[PosterStep]:
    """The phases of ``process`` in which residents take part and that have not ended."""
    steps = []
    for phase in process.phases.all():
        if phase.ends_at <= now or phase.module is None:
            continue
        how = HOW_TO_TAKE_PART.get(phase.module.kind)
        if how is None:
            continue
        steps.append(
            PosterStep(
                name=shown(phase, "name"),
                how=how,
                starts_at=phase.starts_at,
                ends_at=phase.ends_at,
                running=process.status == Status.OPEN.value and phase.starts_at <= now,
            )
        )
    return steps
