"""Reads for the staff pages of a consultation on a draft: where it stands and what to do next,
the working copy's numbering against the published version, the referral list, and the
comments to answer with their filters. Each read is a fixed number of queries, however many
paragraphs, invitations or comments there are."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from delaktig.participation.models import ProcessModule

from . import services
from .models import (
    Answer,
    Comment,
    Consultation,
    DocumentVersion,
    Invitation,
    Theme,
    passage_label,
)
from .selectors import comment_phases
from .workflow import ConsultationStatus

PREVIEW_WORDS = 12


def consultation_of(module: ProcessModule) -> Consultation | None:
    return Consultation.objects.filter(module=module).first()


# --- Where the consultation stands ------------------------------------------------------------


@dataclass(frozen=True)
class CommentFigures:
    total: int
    unanswered: int
    held: int
    organisations: int
    whole_document: int

    @property
    def residents(self) -> int:
        return self.total - self.organisations

    @property
    def answered(self) -> int:
        return self.total - self.unanswered


def comment_figures(consultation: Consultation) -> CommentFigures:
    """The comments the compilation answers, counted in one query."""
    figures = services.answerable_comments(consultation).aggregate(
        total=Count("pk"),
        unanswered=Count("pk", filter=Q(answer__isnull=True)),
        held=Count("pk", filter=Q(status=Comment.Status.HELD)),
        organisations=Count("pk", filter=Q(invitation__isnull=False)),
        whole_document=Count("pk", filter=Q(paragraph__isnull=True)),
    )
    return CommentFigures(**figures)


@dataclass(frozen=True)
class InvitationRow:
    invitation: Invitation
    comments: int
    # "answered" (comments on its behalf), "no_comments" (inget att invända), "waiting", or
    # "overdue" (no answer and the deadline has passed).
    state: str


def invitation_rows(consultation: Consultation, today: date) -> list[InvitationRow]:
    """The referral list with who answered and who did not, in one query."""
    invitations = (
        consultation.invitations.select_related("council")
        .annotate(n_comments=Count("comments", filter=~Q(comments__status=Comment.Status.REMOVED)))
        .order_by("name", "pk")
    )
    rows = []
    for invitation in invitations:
        count = int(invitation.n_comments)
        if count:
            state = "answered"
        elif invitation.no_comments_at is not None:
            state = "no_comments"
        elif invitation.deadline < today:
            state = "overdue"
        else:
            state = "waiting"
        rows.append(InvitationRow(invitation=invitation, comments=count, state=state))
    return rows


@dataclass(frozen=True)
class InvitationSummary:
    invited: int
    answered: int
    no_comments: int
    waiting: int
    overdue: int


def invitation_summary(rows: list[InvitationRow]) -> InvitationSummary:
    states = [row.state for row in rows]
    return InvitationSummary(
        invited=len(rows),
        answered=states.count("answered"),
        no_comments=states.count("no_comments"),
        waiting=states.count("waiting"),
        overdue=states.count("overdue"),
    )


@dataclass(frozen=True)
class Overview:
    published: Sequence[DocumentVersion]
    working_copy: DocumentVersion | None
    figures: CommentFigures
    invitations: InvitationSummary
    commenting_open: bool
    comment_period_over: bool
    # What to do next: write_first, publish_first, answer, wait_start (the comment period has
    # not begun), no_period (the module has no comment phase), wait, publish_version (the
    # next version before the compilation), publish_compilation, done.
    next_step: str
    # When the next comment phase begins (for wait_start).
    period_starts: datetime | None = None


@dataclass(frozen=True)
class _Period:
    running: bool
    over: bool
    next_start: datetime | None


def _comment_period(module: ProcessModule, now: datetime) -> _Period:
    """Whether the module's comment phases run or are all over, and when the next begins."""
    phases = comment_phases(module)
    upcoming = sorted(p.starts_at for p in phases if p.starts_at > now)
    return _Period(
        running=any(p.starts_at <= now < p.ends_at for p in phases),
        over=bool(phases) and all(p.ends_at <= now for p in phases),
        next_start=upcoming[0] if upcoming else None,
    )


def _next_step(
    consultation: Consultation,
    published: Sequence[DocumentVersion],
    working: DocumentVersion | None,
    figures: CommentFigures,
    period: _Period,
) -> str:
    if consultation.status == ConsultationStatus.PUBLISHED:
        return "done"
    if not published:
        return "publish_first" if working is not None else "write_first"
    if figures.unanswered:
        return "answer"
    if period.running:
        return "wait"
    if period.over:
        # A new version written after the comments is published first, so that the
        # compilation lists it and its changes.
        return "publish_version" if working is not None else "publish_compilation"
    return "wait_start" if period.next_start is not None else "no_period"


def overview(consultation: Consultation, *, now: datetime | None = None) -> Overview:
    now = now or timezone.now()
    versions = list(
        consultation.versions.annotate(n_paragraphs=Count("paragraphs")).order_by("number")
    )
    published = [v for v in versions if v.published_at is not None]
    working = next((v for v in versions if v.published_at is None), None)
    figures = comment_figures(consultation)
    period = _comment_period(consultation.module, now)
    return Overview(
        published=published,
        working_copy=working,
        figures=figures,
        invitations=invitation_summary(invitation_rows(consultation, timezone.localdate(now))),
        commenting_open=services.commenting_open(consultation),
        comment_period_over=period.over,
        next_step=_next_step(consultation, published, working, figures, period),
        period_starts=period.next_start,
    )


# --- The working copy ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewRow:
    number: str
    kind: str
    level: int
    words: str
    # The number of the published passage it continues ("" for a new passage).
    earlier: str

    @property
    def is_new(self) -> bool:
        return not self.earlier


def first_words(text: str, words: int = PREVIEW_WORDS) -> str:
    return Truncator(" ".join(text.split())).words(words, truncate="…")


def working_copy_preview(
    version: DocumentVersion, previous: DocumentVersion | None
) -> list[PreviewRow]:
    """The working copy's numbered passages, each with the number of the published passage it
    continues (the same key), in two queries."""
    earlier: dict[int, str] = {}
    if previous is not None:
        earlier = dict(previous.paragraphs.values_list("key", "number"))
    return [
        PreviewRow(
            number=number,
            kind=kind,
            level=level,
            words=first_words(text),
            earlier=earlier.get(key, ""),
        )
        for key, number, kind, level, text in version.paragraphs.order_by("position").values_list(
            "key", "number", "kind", "level", "text"
        )
    ]


# --- Answering ----------------------------------------------------------------------------------

WHOLE = "hela"
NO_THEME = "inget"
RESIDENTS = "invanare"
ORGANISATIONS = "organisation"


@dataclass(frozen=True)
class Passage:
    """A passage of the current version: its number, place and section."""

    number: str
    position: int
    section: str
    kind: str
    text: str


def current_passages(current: DocumentVersion | None) -> dict[int, Passage]:
    """The current version's passages by key (one query; empty before version 1)."""
    if current is None:
        return {}
    return {
        key: Passage(number, position, section, kind, text)
        for key, number, position, section, kind, text in current.paragraphs.values_list(
            "key", "number", "position", "section", "kind", "text"
        )
    }


def sections(passages: dict[int, Passage]) -> list[tuple[str, str]]:
    """The current version's top-level sections as (number, heading) in document order."""
    headings = sorted(
        (p for p in passages.values() if p.kind == "heading" and p.number == p.section),
        key=lambda p: p.position,
    )
    found = [(p.section, first_words(p.text, 8)) for p in headings]
    numbers = {number for number, _text in found}
    before = sorted(
        {p.section for p in passages.values() if p.section and p.section not in numbers}
    )
    return [(number, str(_("Före första rubriken"))) for number in before] + found


@dataclass(frozen=True)
class Filters:
    section: str = ""  # a section number, WHOLE, or "" for all
    theme: str = ""  # a theme id, NO_THEME, or ""
    unanswered: bool = False
    respondent: str = ""  # RESIDENTS, ORGANISATIONS or ""


@dataclass(frozen=True)
class CommentRow:
    comment: Comment
    # The number now, in the current version ("" for the whole document or a removed passage).
    number_now: str
    removed: bool

    @property
    def number_made(self) -> str:
        paragraph = self.comment.paragraph
        return paragraph.number if paragraph is not None else ""

    @property
    def renumbered(self) -> bool:
        return bool(self.number_now) and self.number_now != self.number_made

    @property
    def passage(self) -> str:
        """ "Stycke 3.2", "Avsnitt 3" or "Hela dokumentet", as it was made on."""
        paragraph = self.comment.paragraph
        if paragraph is None:
            return passage_label("", "")
        return passage_label(paragraph.kind, paragraph.number)

    @property
    def who(self) -> str:
        """The invited organisation it was given for, or the person's name."""
        comment = self.comment
        if comment.invitation is not None:
            return comment.invitation.name
        return comment.author_name or _("Borttagen användare")


def _filtered(consultation: Consultation, filters: Filters, passages: dict[int, Passage]) -> Any:
    comments = services.answerable_comments(consultation)
    if filters.section == WHOLE:
        comments = comments.filter(paragraph__isnull=True)
    elif filters.section:
        keys = [key for key, p in passages.items() if p.section == filters.section]
        comments = comments.filter(paragraph__key__in=keys)
    if filters.theme == NO_THEME:
        comments = comments.filter(theme__isnull=True)
    elif filters.theme:
        comments = comments.filter(theme_id=int(filters.theme))
    if filters.unanswered:
        comments = comments.filter(answer__isnull=True)
    if filters.respondent == RESIDENTS:
        comments = comments.filter(invitation__isnull=True)
    elif filters.respondent == ORGANISATIONS:
        comments = comments.filter(invitation__isnull=False)
    return comments


def comment_rows(
    consultation: Consultation,
    filters: Filters,
    passages: dict[int, Passage],
    *,
    answer: Answer | None = None,
) -> list[CommentRow]:
    """The comments to answer (those of ``answer`` only, when given), in the order of the
    current document (the whole document first, passages no longer in it last, then by time),
    in one query."""
    comments = _filtered(consultation, filters, passages)
    if answer is not None:
        comments = comments.filter(answer=answer)
    comments = comments.select_related("paragraph__version", "invitation", "theme", "answer")
    end = len(passages) + 1

    def order(comment: Comment) -> tuple[int, int, int, Any, int]:
        paragraph = comment.paragraph
        if paragraph is None:
            return (0, 0, 0, comment.created, comment.pk)
        passage = passages.get(paragraph.key)
        if passage is not None:
            return (1, passage.position, 0, comment.created, comment.pk)
        return (1, end, paragraph.position, comment.created, comment.pk)

    rows = []
    for comment in sorted(comments, key=order):
        paragraph = comment.paragraph
        passage = passages.get(paragraph.key) if paragraph is not None else None
        rows.append(
            CommentRow(
                comment=comment,
                number_now=passage.number if passage is not None else "",
                removed=paragraph is not None and passage is None,
            )
        )
    return rows


def themes_with_counts(consultation: Consultation) -> list[Theme]:
    """The themes, each with ``n`` comments and ``n_unanswered`` of them without an answer."""
    answerable = ~Q(comments__status=Comment.Status.REMOVED)
    return list(
        consultation.themes.annotate(
            n=Count("comments", filter=answerable),
            n_unanswered=Count("comments", filter=answerable & Q(comments__answer__isnull=True)),
        ).order_by("position", "pk")
    )
