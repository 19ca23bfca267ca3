"""The public reads of a consultation on a draft: where it stands, the document of a version,
one passage and its comments over every version, the invited organisations and who answered,
and the comparison of two versions. Services (``services.py``) are the only writes.

Every read of the document page is a fixed number of queries whatever the document's length:
one for the paragraphs (their stored, sanitised ``html``) and one for the comment counts per
passage (``services.comment_counts``).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from delaktig.accounts.types import Visitor
from delaktig.participation.models import Phase, ProcessModule

from . import drafts, services
from .models import Agreement, Comment, Consultation, DocumentVersion, Invitation, Paragraph
from .workflow import ConsultationStatus

# A phase's ``ends_at`` is its first moment after; people are told the last one.
LAST_MOMENT = timedelta(microseconds=1)


def consultation_of(module: ProcessModule) -> Consultation | None:
    return Consultation.objects.filter(module=module).first()


# --- Where the consultation stands -----------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    # preparing, upcoming, open, ended, closed (the process is not open), published
    key: str
    label: str
    starts: datetime | None = None  # the comment period's first moment
    until: datetime | None = None  # the comment period's last moment

    @property
    def is_open(self) -> bool:
        return self.key == "open"


def comment_phases(module: ProcessModule) -> list[Phase]:
    """The module's phases that allow commenting, in time order (from ``process.phases``,
    which the views prefetch)."""
    phases = []
    for phase in module.process.phases.all():
        if phase.module_id != module.pk:
            continue
        kind = module.module_type.phase_type(phase.phase_type)
        if kind is not None and "comment" in kind.allows:
            phases.append(phase)
    return sorted(phases, key=lambda p: p.starts_at)


def stage(consultation: Consultation, now: datetime | None = None) -> Stage:
    now = now or timezone.now()
    module = consultation.module
    phases = comment_phases(module)
    starts = phases[0].starts_at if phases else None
    until = phases[-1].ends_at - LAST_MOMENT if phases else None
    if consultation.status == ConsultationStatus.PUBLISHED:
        return Stage("published", _("Samrådsredogörelsen är publicerad"), starts, until)
    if consultation.status == ConsultationStatus.DRAFT:
        return Stage("preparing", _("Utkastet förbereds"), starts, until)
    running = next((p for p in phases if p.starts_at <= now < p.ends_at), None)
    if running is not None and module.allows("comment", now):
        return Stage(
            "open", _("Du kan lämna synpunkter"), running.starts_at, running.ends_at - LAST_MOMENT
        )
    upcoming = next((p for p in phases if p.starts_at > now), None)
    if upcoming is not None and module.process.is_open:
        return Stage(
            "upcoming",
            _("Samrådstiden har inte börjat"),
            upcoming.starts_at,
            upcoming.ends_at - LAST_MOMENT,
        )
    if phases and until is not None and until < now:
        return Stage("ended", _("Samrådstiden är slut. Synpunkterna besvaras."), starts, until)
    return Stage("closed", _("Det går inte att lämna synpunkter just nu"), starts, until)


# --- The process page ------------------------------------------------------------------------


def module_summary(*, module: ProcessModule) -> dict[str, Any]:
    """The context of ``consultations/module.html`` on the process page."""
    consultation = consultation_of(module)
    context: dict[str, Any] = {"module": module, "consultation": consultation}
    if consultation is None or consultation.status == ConsultationStatus.DRAFT:
        context["consultation"] = None
        return context
    consultation.module = module
    invited = list(consultation.invitations.values_list("pk", flat=True))
    answered = services.answered_invitations(consultation) if invited else set()
    context |= {
        "stage": stage(consultation),
        "comments": services.visible(consultation.comments.all()).count(),
        "invited": len(invited),
        "answered": len(answered),
        "current": services.current_version(consultation),
    }
    return context


# --- Versions and the document ---------------------------------------------------------------


def published_versions(consultation: Consultation) -> list[DocumentVersion]:
    return list(services.published_versions(consultation))


def paragraphs(version: DocumentVersion) -> list[Paragraph]:
    """The version's headings and paragraphs in order (one query)."""
    return list(
        Paragraph.objects.filter(version=version)
        .only("pk", "key", "position", "number", "kind", "level", "section", "text", "html")
        .order_by("position")
    )


def heading_html(paragraph: Paragraph) -> str:
    """A heading's rendered text without the paragraph element Markdown wraps it in (the
    heading element is the page's)."""
    html = paragraph.html.strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


@dataclass
class Passage:
    """A heading or paragraph of the document as the page shows it."""

    paragraph: Paragraph
    comments: int
    html: str
    heading_tag: str = ""  # "h2".."h6" for a heading


def document(version: DocumentVersion, counts: dict[int, int]) -> list[Passage]:
    shown = []
    for p in paragraphs(version):
        if p.kind == Paragraph.Kind.HEADING:
            tag = f"h{min(max(p.level, 1) + 1, 6)}"
            shown.append(Passage(p, counts.get(p.key, 0), heading_html(p), tag))
        else:
            shown.append(Passage(p, counts.get(p.key, 0), p.html))
    return shown


@dataclass(frozen=True)
class Found:
    """A passage by its key: as it reads in the current version, or in the last version it
    was in when a later version removed it."""

    paragraph: Paragraph
    version: DocumentVersion
    removed: bool


def passage(
    consultation: Consultation, key: int, versions: Sequence[DocumentVersion]
) -> Found | None:
    if not versions:
        return None
    found = (
        Paragraph.objects.filter(
            version__consultation=consultation,
            version__published_at__isnull=False,
            key=key,
        )
        .select_related("version")
        .order_by("-version__number")
        .first()
    )
    if found is None:
        return None
    return Found(found, found.version, removed=found.version_id != versions[-1].pk)


# --- Comments --------------------------------------------------------------------------------


def _shown_to(viewer: Visitor) -> Q:
    shown = Q(status=Comment.Status.PUBLISHED)
    if viewer.is_authenticated:
        shown |= Q(status=Comment.Status.HELD, author_id=viewer.pk)
    return shown


COMMENTS_PER_PAGE = 25


def comments(
    consultation: Consultation, *, viewer: Visitor, key: int | None
) -> "QuerySet[Comment]":
    """The comments on one passage over every version (``key``), or on the whole document
    (``None``): the published ones, and the viewer's own held ones, oldest first.

    A passage's comments are chosen by its paragraphs' ids alone (they are this
    consultation's), read first: the index on paragraph, status, time and id then holds all
    that the order needs, and is read without the table (``bench/pages.py``, 12,500 comments
    on one passage); and a passage in one version, one id, is read in its order, without
    sorting its comments at all."""
    rows = Comment.objects.filter(_shown_to(viewer))
    if key is None:
        rows = rows.filter(consultation=consultation, paragraph=None)
    else:
        passage = Paragraph.objects.filter(version__consultation=consultation, key=key)
        rows = rows.filter(paragraph_id__in=list(passage.values_list("pk", flat=True)))
    return rows.order_by("created", "pk")


def comment_page_number(rows: "QuerySet[Comment]", comment_id: int) -> int | None:
    """The page of ``rows`` (oldest first) that holds the comment, if it is among them."""
    created = rows.filter(pk=comment_id).values_list("created", flat=True).first()
    if created is None:
        return None
    before = rows.filter(Q(created__lt=created) | Q(created=created, pk__lt=comment_id))
    return before.count() // COMMENTS_PER_PAGE + 1


@dataclass
class ShownComment:
    """A comment as a passage's page shows it to one viewer."""

    comment: Comment
    own: bool = False
    agreed: bool = False
    can_agree: bool = False  # the agree button (the period runs; not one's own comment)
    # (version, number) it was made on, when either differs from the passage now.
    made_on: tuple[int, str] | None = None


def shown_comments(
    consultation: Consultation,
    *,
    viewer: Visitor,
    key: int | None,
    here: Paragraph | None,
    can_agree: bool,
    number: int = 1,
    focus: int | None = None,
) -> tuple[Page[Comment], list[ShownComment]]:
    """A page of the comments of a passage's page (``key``; None: the whole document's), each
    with what this viewer may do with it: page ``number``, or the one with comment ``focus``
    (a link to one comment, ``?synpunkt=``)."""
    rows = comments(consultation, viewer=viewer, key=key)
    if focus is not None:
        number = comment_page_number(rows, focus) or number
    page = Paginator(rows, COMMENTS_PER_PAGE).get_page(number)
    # The page's ids are chosen first, by the index alone, and only those 25 rows are read
    # and joined: sorting every comment of a passage with its paragraph and version cost
    # 12 ms at 12,500 comments, choosing the ids 3 ms.
    listed: list[Comment] = []
    if page.paginator.count:
        chosen = rows.values("pk")[page.start_index() - 1 : page.end_index()]
        listed = list(
            Comment.objects.filter(pk__in=chosen)
            .select_related("paragraph__version", "invitation", "answer")
            .order_by("created", "pk")
        )
    mine = agreed(viewer, listed)
    shown = []
    for c in listed:
        own = viewer.is_authenticated and c.author_id == viewer.pk
        made_on = None
        if c.paragraph is not None and here is not None:
            if c.paragraph.version_id != here.version_id or c.paragraph.number != here.number:
                made_on = (c.paragraph.version.number, c.paragraph.number)
        shown.append(
            ShownComment(
                comment=c,
                own=own,
                agreed=c.pk in mine,
                can_agree=can_agree and not own and c.status == Comment.Status.PUBLISHED,
                made_on=made_on,
            )
        )
    return page, shown


def agreed(viewer: Visitor, shown: Iterable[Comment]) -> set[int]:
    """The comments among ``shown`` the viewer agrees with (one query)."""
    ids = [c.pk for c in shown]
    if not viewer.is_authenticated or not ids:
        return set()
    return set(
        Agreement.objects.filter(user_id=viewer.pk, comment_id__in=ids).values_list(
            "comment_id", flat=True
        )
    )


def comment_for_agree(consultation: Consultation, pk: int) -> Comment | None:
    return (
        Comment.objects.filter(consultation=consultation, pk=pk, status=Comment.Status.PUBLISHED)
        .select_related("paragraph__version", "invitation", "answer")
        .first()
    )


# --- Invited organisations -------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationRow:
    invitation: Invitation
    answered: bool
    no_comments: bool


def invitation_rows(consultation: Consultation) -> list[InvitationRow]:
    invitations = list(consultation.invitations.order_by("name"))
    if not invitations:
        return []
    answered = services.answered_invitations(consultation)
    return [InvitationRow(i, i.pk in answered, i.no_comments_at is not None) for i in invitations]


def invitation_comments(invitation: Invitation) -> "QuerySet[Comment]":
    return (
        invitation.comments.exclude(status=Comment.Status.REMOVED)
        .select_related("paragraph__version", "answer")
        .order_by("created", "pk")
    )


# --- Comparing two versions ------------------------------------------------------------------


def blocks(version: DocumentVersion) -> list[drafts.Block]:
    return [
        drafts.Block(kind=p.kind, level=p.level, number=p.number, section=p.section, text=p.text)
        for p in Paragraph.objects.filter(version=version).order_by("position")
    ]


@dataclass
class Group:
    """What the comparison page shows in one place: a changed, added or removed block, or a
    run of unchanged ones (collapsed)."""

    kind: str  # "same" (a run), "changed", "added", "removed"
    changes: list[drafts.Change] = field(default_factory=list)

    @property
    def change(self) -> drafts.Change:
        return self.changes[0]

    @property
    def words(self) -> list[tuple[str, str, bool]]:
        """A changed block's runs (``drafts.word_diff``), each with whether the page puts a
        space before it: added words right after removed ones touch in the text, so
        "dagtid" → "på kvällar" would read "dagtidpå kvällar", to the eye and to a screen
        reader ("Borttaget: dagtidTillagt: …")."""
        runs = self.change.words
        return [
            (
                kind,
                text,
                kind == "added"
                and index > 0
                and runs[index - 1][0] == "removed"
                and not runs[index - 1][1][-1:].isspace()
                and not text[:1].isspace(),
            )
            for index, (kind, text) in enumerate(runs)
        ]

    @property
    def span(self) -> str:
        """The new numbers a run of unchanged blocks covers: "2.1" or "2.1–2.3"."""
        numbers = [c.new.number for c in self.changes if c.new is not None]
        if not numbers:
            return ""
        return numbers[0] if len(numbers) == 1 else f"{numbers[0]}–{numbers[-1]}"


def comparison(old: DocumentVersion, new: DocumentVersion) -> list[Group]:
    groups: list[Group] = []
    for change in drafts.compare(blocks(old), blocks(new)):
        if change.kind == "same" and groups and groups[-1].kind == "same":
            groups[-1].changes.append(change)
        else:
            groups.append(Group(change.kind, [change]))
    return groups
