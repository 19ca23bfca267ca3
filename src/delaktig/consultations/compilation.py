"""The compilation (samrådsredogörelse): every comment on the draft with the authority's answer
and the change it led to, the figures, the versions and who of the invited organisations
answered.

``build(consultation)`` reads it from the database (the staff preview); publishing stores
``build(...).as_json()`` in ``Consultation.compilation``, and the public page, the PDF and the
Word file are made from that record with ``Compilation.from_json`` ever after. The record holds
no translated words: a stance, a kind of respondent or an invitation's answer is a code whose
label is given when it is shown, dates are ISO 8601 and texts are the source language's.

Who wrote a comment: an organisation by its name; a resident by the name shown when they
commented, or, when the consultation anonymises residents, as "Invånare 1", "Invånare 2" … in
the order they first appear in the document (the same person keeps their number). An account
deleted before or after publication shows as "Borttagen användare" (``forget_deleted``); the
account's id is kept in the record for that, and never shown; deleting the account also
takes the name out of the stored record (``forget_person``). A comment still held for
moderation is listed with its answer but without its text or its writer's name; one a
moderator removed is left out. The record is frozen but for a moderator's later decision: a
comment removed after publication stays listed, like a held one, without its text or name
(``withdrawn``), and one released shows them again (``moderated``).
"""

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Comment, Consultation, DocumentVersion, Paragraph, Stance, passage_label

SCHEMA = 1

# Who wrote a comment (``Author.kind``).
ORGANISATION = "organisation"
RESIDENT = "resident"
ANONYMISED = "anonymised"
DELETED = "deleted"
RESIDENT_KINDS = (RESIDENT, ANONYMISED, DELETED)

# What an invited organisation did (``Invited.status``).
ANSWERED = "answered"
NO_COMMENTS = "no_comments"
NO_ANSWER = "no_answer"

# Where a comment belongs (``Section.kind``).
WHOLE = "whole"
PREAMBLE = "preamble"
SECTION = "section"
# The paragraphs before the first heading are in section "0" (``drafts.parse``).
PREAMBLE_SECTIONS = ("", "0")


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _stance_label(code: str) -> str:
    try:
        return str(Stance(code).label)
    except ValueError:
        return code


@dataclass(frozen=True)
class Version:
    """A published version of the document."""

    number: int
    title: str
    published_on: str
    changes: str  # Markdown

    @property
    def published(self) -> date | None:
        return _date(self.published_on)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Version":
        return cls(
            number=int(data["number"]),
            title=str(data["title"]),
            published_on=str(data["published_on"]),
            changes=str(data["changes"]),
        )


@dataclass(frozen=True)
class Period:
    """The comment period: the first and the last day comments could be given."""

    starts_on: str | None
    ends_on: str | None

    @property
    def starts(self) -> date | None:
        return _date(self.starts_on)

    @property
    def ends(self) -> date | None:
        return _date(self.ends_on)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Period":
        return cls(starts_on=data.get("starts_on"), ends_on=data.get("ends_on"))


@dataclass(frozen=True)
class Author:
    """Who wrote a comment, as the compilation names them."""

    kind: str
    name: str = ""  # an organisation's name, a resident's shown name; "" otherwise
    number: int = 0  # "Invånare <number>" when residents are anonymised
    user_id: int | None = None  # never shown: for ``forget_deleted``

    @property
    def label(self) -> str:
        if self.kind == ORGANISATION:
            return self.name
        if self.kind == ANONYMISED:
            return _("Invånare %(number)d") % {"number": self.number}
        if self.kind == DELETED:
            return _("Borttagen användare")
        return self.name or _("Deltagare")

    @property
    def is_organisation(self) -> bool:
        return self.kind == ORGANISATION

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Author":
        user_id = data.get("user_id")
        return cls(
            kind=str(data["kind"]),
            name=str(data.get("name", "")),
            number=int(data.get("number", 0)),
            user_id=int(user_id) if user_id is not None else None,
        )


@dataclass(frozen=True)
class Reply:
    """The authority's answer to a comment (one answer may be given to several)."""

    stance: str
    reason: str
    change: str
    theme: str = ""

    @property
    def stance_label(self) -> str:
        return _stance_label(self.stance)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Reply":
        return cls(
            stance=str(data["stance"]),
            reason=str(data["reason"]),
            change=str(data.get("change", "")),
            theme=str(data.get("theme", "")),
        )


@dataclass(frozen=True)
class Entry:
    """One comment, where it was made and what became of it."""

    number: int  # its place in the compilation, from 1: the anchor ``synpunkt-<number>``
    version: int  # the version of the document it was made on
    passage_kind: str  # "heading", "paragraph", or "" for the whole document
    passage: str  # the passage's number in that version
    passage_now: str  # its number in the latest version; "" when removed (or whole)
    removed_in: int | None  # the version that removed the passage
    author: Author
    text: str  # "" while held for moderation
    held: bool
    created: str  # ISO 8601
    agreements: int
    answer: Reply | None
    # The comment's id, never shown: a moderator's later decision on it reaches the record.
    comment_id: int | None = None
    # A moderator took the comment out of view after the compilation was published: listed,
    # like a held one, without its text or its writer's name.
    withdrawn: bool = False

    @property
    def created_at(self) -> datetime:
        return datetime.fromisoformat(self.created)

    @property
    def anchor(self) -> str:
        return f"synpunkt-{self.number}"

    @property
    def passage_label(self) -> str:
        """ "Stycke 3.2", "Avsnitt 3" or "Hela dokumentet"."""
        return passage_label(self.passage_kind, self.passage)

    @property
    def moved(self) -> bool:
        """The passage has another number in the latest version."""
        return bool(self.passage_now) and self.passage_now != self.passage

    @property
    def where_now(self) -> str:
        """Where the passage is in the latest version, when that says something: "" when it
        is where it was."""
        if self.removed_in is not None:
            return _("borttaget i version %(number)d") % {"number": self.removed_in}
        if self.moved:
            return _("nu %(number)s") % {"number": self.passage_now}
        return ""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Entry":
        removed_in = data.get("removed_in")
        answer = data.get("answer")
        return cls(
            number=int(data["number"]),
            version=int(data["version"]),
            passage_kind=str(data["passage_kind"]),
            passage=str(data["passage"]),
            passage_now=str(data["passage_now"]),
            removed_in=int(removed_in) if removed_in is not None else None,
            author=Author.from_json(data["author"]),
            text=str(data["text"]),
            held=bool(data["held"]),
            created=str(data["created"]),
            agreements=int(data["agreements"]),
            answer=Reply.from_json(answer) if answer is not None else None,
            comment_id=int(data["comment_id"]) if data.get("comment_id") is not None else None,
            withdrawn=bool(data.get("withdrawn", False)),
        )


@dataclass(frozen=True)
class Section:
    """The comments on one top-level section of the document (or on the whole of it)."""

    kind: str
    number: str
    heading: str
    entries: tuple[Entry, ...]

    @property
    def label(self) -> str:
        if self.kind == WHOLE:
            return _("Hela dokumentet")
        if self.kind == PREAMBLE:
            return _("Före första avsnittet")
        return f"{self.number} {self.heading}".strip()

    @property
    def anchor(self) -> str:
        if self.kind == SECTION:
            return "avsnitt-" + re.sub(r"[^0-9A-Za-z]+", "-", self.number).strip("-")
        return "avsnitt-" + self.kind

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Section":
        return cls(
            kind=str(data["kind"]),
            number=str(data["number"]),
            heading=str(data["heading"]),
            entries=tuple(Entry.from_json(e) for e in data["entries"]),
        )


@dataclass(frozen=True)
class Invited:
    """An invited organisation (remissinstans) and whether it answered."""

    name: str
    deadline: str
    status: str
    comments: int

    @property
    def deadline_date(self) -> date | None:
        return _date(self.deadline)

    @property
    def status_label(self) -> str:
        if self.status == ANSWERED:
            if self.comments == 1:
                return _("Svarade med en synpunkt")
            return _("Svarade med %(count)d synpunkter") % {"count": self.comments}
        if self.status == NO_COMMENTS:
            return _("Svarade: inget att invända")
        return _("Svarade inte")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Invited":
        return cls(
            name=str(data["name"]),
            deadline=str(data["deadline"]),
            status=str(data["status"]),
            comments=int(data["comments"]),
        )


@dataclass(frozen=True)
class Figure:
    """One row of a figures table."""

    label: str
    comments: int
    respondents: int = 0
    key: str = ""


@dataclass(frozen=True)
class Compilation:
    title: str
    organisation: str
    process: str
    anonymised: bool
    made_on: str  # the day it was published (or, for a preview, made)
    period: Period
    versions: tuple[Version, ...]
    summary: str  # Markdown
    sections: tuple[Section, ...]
    invitations: tuple[Invited, ...]
    schema: int = SCHEMA

    # --- Reading it -------------------------------------------------------------------------

    @property
    def made(self) -> date | None:
        return _date(self.made_on)

    @property
    def entries(self) -> list[Entry]:
        return [entry for section in self.sections for entry in section.entries]

    @property
    def total(self) -> int:
        return sum(len(section.entries) for section in self.sections)

    @property
    def unanswered(self) -> int:
        return sum(1 for entry in self.entries if entry.answer is None)

    @property
    def latest_version(self) -> int:
        return self.versions[-1].number if self.versions else 0

    @property
    def by_section(self) -> list[Figure]:
        return [Figure(s.label, len(s.entries), key=s.anchor) for s in self.sections]

    @property
    def by_respondent(self) -> list[Figure]:
        """Comments and respondents: residents, then organisations."""
        residents = [e for e in self.entries if e.author.kind in RESIDENT_KINDS]
        organisations = [e for e in self.entries if e.author.kind == ORGANISATION]
        return [
            Figure(_("Invånare"), len(residents), _count_people(residents), key="residents"),
            Figure(
                _("Organisationer"),
                len(organisations),
                len({e.author.name for e in organisations}),
                key="organisations",
            ),
        ]

    @property
    def by_stance(self) -> list[Figure]:
        counts = Counter(e.answer.stance for e in self.entries if e.answer is not None)
        rows = [Figure(str(s.label), counts[s.value], key=s.value) for s in Stance]
        if self.unanswered:
            rows.append(Figure(_("Inte besvarade än"), self.unanswered, key="unanswered"))
        return rows

    # --- Storing it -------------------------------------------------------------------------

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (lists, strings, numbers, None); ``from_json`` reads it back to
        an equal ``Compilation``."""
        return {name: _plain(getattr(self, name)) for name in self.__dataclass_fields__}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Compilation":
        return cls(
            schema=int(data.get("schema", SCHEMA)),
            title=str(data["title"]),
            organisation=str(data["organisation"]),
            process=str(data["process"]),
            anonymised=bool(data["anonymised"]),
            made_on=str(data["made_on"]),
            period=Period.from_json(data["period"]),
            versions=tuple(Version.from_json(v) for v in data["versions"]),
            summary=str(data["summary"]),
            sections=tuple(Section.from_json(s) for s in data["sections"]),
            invitations=tuple(Invited.from_json(i) for i in data["invitations"]),
        )


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    return value


def _count_people(entries: Iterable[Entry]) -> int:
    people = set()
    for entry in entries:
        author = entry.author
        if author.user_id is not None:
            people.add(("user", author.user_id))
        elif author.kind == ANONYMISED:
            people.add(("number", author.number))
        else:
            people.add(("comment", entry.number))
    return len(people)


def _unnamed(author: Author) -> Author:
    """A resident's name taken off a comment that is not shown (held or withdrawn): the page
    does not tie a person to a text a moderator has yet to read, or took away."""
    return replace(author, name="") if author.kind == RESIDENT else author


def _forget(compilation: Compilation, gone: set[int]) -> Compilation:
    """The residents with an account id in ``gone`` shown as "Borttagen användare"."""

    def shown(entry: Entry) -> Entry:
        if entry.author.kind == RESIDENT and entry.author.user_id in gone:
            return replace(entry, author=replace(entry.author, kind=DELETED, name=""))
        return entry

    sections = tuple(
        replace(s, entries=tuple(shown(e) for e in s.entries)) for s in compilation.sections
    )
    return replace(compilation, sections=sections)


def forget_person(record: Mapping[str, Any], user_id: int) -> dict[str, Any] | None:
    """A stored compilation without the name of the person whose account is being deleted
    (``Compilation.as_json``), or None when it does not name them. The account id stays, as
    the comment's own link to the blanked account does."""
    if not record:
        return None
    compilation = Compilation.from_json(record)
    if not any(
        e.author.kind == RESIDENT and e.author.user_id == user_id for e in compilation.entries
    ):
        return None
    return _forget(compilation, {user_id}).as_json()


def moderated(record: Mapping[str, Any], comment: Comment) -> dict[str, Any] | None:
    """A stored compilation with a moderator's later decision on ``comment`` in it, or None
    when nothing changes: a comment taken out of view (removed, or held again) keeps its place
    and its answer without its text or its writer's name; one put back shows them again."""
    compilation = Compilation.from_json(record)
    entry = next((e for e in compilation.entries if e.comment_id == comment.pk), None)
    if entry is None:
        return None
    if comment.status == Comment.Status.PUBLISHED:
        author = entry.author
        if author.kind == RESIDENT and comment.author_id is not None:
            author = replace(author, name=comment.author_name or author.name)
        changed = replace(entry, author=author, text=comment.text, held=False, withdrawn=False)
    else:
        held = comment.status == Comment.Status.HELD
        changed = replace(
            entry, author=_unnamed(entry.author), text="", held=held, withdrawn=not held
        )
    if changed == entry:
        return None
    sections = tuple(
        replace(s, entries=tuple(changed if e is entry else e for e in s.entries))
        for s in compilation.sections
    )
    return replace(compilation, sections=sections).as_json()


def forget_deleted(compilation: Compilation) -> Compilation:
    """The compilation with the residents whose accounts have since been deleted shown as
    "Borttagen användare" (one query). Anonymised labels stay as they are."""
    ids = {
        e.author.user_id
        for e in compilation.entries
        if e.author.kind == RESIDENT and e.author.user_id is not None
    }
    if not ids:
        return compilation
    gone = set(
        get_user_model()
        .objects.filter(pk__in=ids, deleted_at__isnull=False)
        .values_list("pk", flat=True)
    )
    if not gone:
        return compilation
    return _forget(compilation, gone)


# --- Building it -----------------------------------------------------------------------------


def _natural(number: str) -> tuple[tuple[int, str], ...]:
    """ "10" after "9", "3.2" after "3": numbers compared part by part."""
    return tuple(
        (int(part), "") if part.isdigit() else (1 << 30, part)
        for part in re.split(r"[.\s]+", number)
        if part
    )


def _period(consultation: Consultation) -> Period:
    from .selectors import comment_phases

    phases = comment_phases(consultation.module)
    if not phases:
        return Period(None, None)
    first = timezone.localdate(phases[0].starts_at)
    # A phase runs until just before ``ends_at``: its last day is that moment's day.
    last = timezone.localdate(max(p.ends_at for p in phases) - timedelta(microseconds=1))
    return Period(first.isoformat(), last.isoformat())


def _version_at(versions: list[DocumentVersion], moment: datetime) -> DocumentVersion | None:
    """The version that was out when ``moment`` came (for a comment on the whole document)."""
    chosen = None
    for version in versions:
        if version.published_at is not None and version.published_at <= moment:
            chosen = version
    return chosen or (versions[0] if versions else None)


class _Names:
    """Who wrote each comment, as the compilation shows them."""

    def __init__(self, anonymise: bool) -> None:
        self.anonymise = anonymise
        self.numbers: dict[Any, int] = {}

    def author(self, comment: Comment, place: int) -> Author:
        if comment.invitation_id is not None and comment.invitation is not None:
            return Author(ORGANISATION, name=comment.invitation.name, user_id=comment.author_id)
        user = comment.author
        if self.anonymise:
            # The same person keeps their number; a comment whose account is gone altogether
            # cannot be linked to any other and gets its own.
            key = ("user", comment.author_id) if comment.author_id else ("comment", place)
            number = self.numbers.setdefault(key, len(self.numbers) + 1)
            return Author(ANONYMISED, number=number, user_id=comment.author_id)
        if user is None or user.deleted_at is not None:
            return Author(DELETED, user_id=comment.author_id)
        return Author(RESIDENT, name=comment.author_name or user.display_name, user_id=user.pk)


def build(consultation: Consultation, *, now: datetime | None = None) -> Compilation:
    """The compilation as it stands: the published versions and every comment but those a
    moderator removed, with their answers. A handful of queries, whatever the size."""
    process = consultation.module.process
    versions = list(consultation.versions.filter(published_at__isnull=False).order_by("number"))
    comments = list(
        consultation.comments.exclude(status=Comment.Status.REMOVED).select_related(
            "paragraph", "invitation", "author", "answer__theme"
        )
    )
    sections = _sections(comments, versions, anonymise=consultation.anonymise_residents)
    moment = consultation.published_at or now or timezone.now()
    return Compilation(
        title=consultation.title,
        organisation=str(process.organisation.name),
        process=process.title,
        anonymised=consultation.anonymise_residents,
        made_on=timezone.localdate(moment).isoformat(),
        period=_period(consultation),
        versions=tuple(
            Version(
                number=v.number,
                title=v.title,
                published_on=timezone.localdate(v.published_at).isoformat()
                if v.published_at
                else "",
                changes=v.changes,
            )
            for v in versions
        ),
        summary=consultation.summary,
        sections=sections,
        invitations=_invitations(consultation),
    )


def _sections(
    comments: list[Comment], versions: list[DocumentVersion], *, anonymise: bool
) -> tuple[Section, ...]:
    by_id = {v.pk: v for v in versions}
    latest = versions[-1] if versions else None
    version_of: dict[int, DocumentVersion | None] = {
        c.pk: by_id.get(c.paragraph.version_id) if c.paragraph else _version_at(versions, c.created)
        for c in comments
    }
    keys = {c.paragraph.key for c in comments if c.paragraph is not None}
    now_numbers, last_seen = _passages(latest, keys)
    headings = _headings(comments)

    def place(c: Comment) -> tuple[Any, ...]:
        p = c.paragraph
        if p is None:
            return (0, (), 0, c.created, c.pk)
        group = 1 if p.section in PREAMBLE_SECTIONS else 2
        return (group, _natural(p.section), p.position, c.created, c.pk)

    ordered = sorted(comments, key=place)
    names = _Names(anonymise)
    groups: dict[tuple[str, str], list[Entry]] = {}
    heading_of: dict[tuple[str, str], tuple[int, str]] = {}
    for index, c in enumerate(ordered, start=1):
        p = c.paragraph
        version = version_of[c.pk]
        number = version.number if version else 0
        if p is None:
            group = (WHOLE, "")
        else:
            preamble = p.section in PREAMBLE_SECTIONS
            group = (PREAMBLE, "") if preamble else (SECTION, p.section)
            if not preamble:
                # The heading as the newest version with a comment in the section has it.
                text = headings.get((p.version_id, p.section), "")
                seen = heading_of.get(group)
                if text and (seen is None or number >= seen[0]):
                    heading_of[group] = (number, text)
        removed_in = None
        passage_now = ""
        if p is not None:
            passage_now = now_numbers.get(p.key, "")
            if not passage_now:
                removed_in = _next_version(versions, last_seen.get(p.key, number))
        held = c.status == Comment.Status.HELD
        author = names.author(c, index)
        groups.setdefault(group, []).append(
            Entry(
                number=index,
                version=number,
                passage_kind=p.kind if p is not None else "",
                passage=p.number if p is not None else "",
                passage_now=passage_now,
                removed_in=removed_in,
                author=_unnamed(author) if held else author,
                text="" if held else c.text,
                held=held,
                created=c.created.isoformat(),
                agreements=c.agreements_count,
                answer=_reply(c),
                comment_id=c.pk,
            )
        )
    return tuple(
        Section(
            kind=kind,
            number=number,
            heading=heading_of.get((kind, number), (0, ""))[1],
            entries=tuple(entries),
        )
        for (kind, number), entries in groups.items()
    )


def _reply(comment: Comment) -> Reply | None:
    answer = comment.answer
    if answer is None:
        return None
    return Reply(
        stance=answer.stance,
        reason=answer.reason,
        change=answer.change,
        theme=answer.theme.name if answer.theme is not None else "",
    )


def _passages(
    latest: DocumentVersion | None, keys: set[int]
) -> tuple[dict[int, str], dict[int, int]]:
    """The passages' numbers in the latest version, and for those it no longer has, the
    last version that had them."""
    if latest is None or not keys:
        return {}, {}
    now_numbers = dict(
        Paragraph.objects.filter(version=latest, key__in=keys).values_list("key", "number")
    )
    missing = keys - set(now_numbers)
    last_seen: dict[int, int] = {}
    rows = Paragraph.objects.filter(
        version__consultation_id=latest.consultation_id,
        version__published_at__isnull=False,
        key__in=missing,
    ).values_list("key", "version__number")
    for key, number in rows:
        last_seen[key] = max(number, last_seen.get(key, 0))
    return now_numbers, last_seen


def _next_version(versions: list[DocumentVersion], after: int) -> int | None:
    return next((v.number for v in versions if v.number > after), None)


def _headings(comments: list[Comment]) -> dict[tuple[int, str], str]:
    """The top-level headings of the sections commented on, per version (one query)."""
    wanted = {(c.paragraph.version_id, c.paragraph.section) for c in comments if c.paragraph}
    wanted = {w for w in wanted if w[1] not in PREAMBLE_SECTIONS}
    if not wanted:
        return {}
    rows = Paragraph.objects.filter(
        version_id__in={v for v, _section in wanted},
        number__in={s for _version, s in wanted},
        kind=Paragraph.Kind.HEADING,
    ).values_list("version_id", "number", "text")
    return {(v, n): t for v, n, t in rows if (v, n) in wanted}


def _invitations(consultation: Consultation) -> tuple[Invited, ...]:
    counts = Counter(
        consultation.comments.exclude(status=Comment.Status.REMOVED)
        .filter(invitation__isnull=False)
        .values_list("invitation_id", flat=True)
    )
    rows = []
    for invitation in consultation.invitations.order_by("name"):
        n = counts.get(invitation.pk, 0)
        status = ANSWERED if n else NO_COMMENTS if invitation.no_comments_at else NO_ANSWER
        rows.append(
            Invited(
                name=invitation.name,
                deadline=invitation.deadline.isoformat(),
                status=status,
                comments=n,
            )
        )
    return tuple(rows)
