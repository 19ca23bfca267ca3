"""Open-data API: consultations on draft documents as their public pages show them. The
consultation, its published versions with their numbered headings and paragraphs, the invited
organisations and whether they answered, the published comments (never one held for or removed
by a moderator) with their writer as the page names them and how many agree, the officials'
answers once the compilation is published, and the compilation (samrådsredogörelse) itself
from its frozen record.

When a consultation anonymises residents, a resident's comment is by "Invånare N" here as in
the compilation. The dataset ``consultations.consultations`` (nightly dump) is made from the
same output schemas.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from delaktig.core.api import ErrorOut, Page, PageParams, absolute_url, paginate
from delaktig.core.errors import NotFound
from delaktig.organisations.api import organisation_by_slug
from delaktig.organisations.models import Organisation
from delaktig.participation.models import Phase
from delaktig.participation.workflow import PUBLIC_STATUSES

from . import selectors
from .compilation import RESIDENT_KINDS, Compilation, build, forget_deleted
from .models import Answer, Comment, Consultation, DocumentVersion, Paragraph
from .workflow import ConsultationStatus

router = Router()


def public_consultations() -> QuerySet[Consultation]:
    """The consultations whose document page anyone may see: the process is public, the
    consultation is no longer the staff's draft, and a version of the document is out."""
    published_version = DocumentVersion.objects.filter(
        consultation=OuterRef("pk"), published_at__isnull=False
    )
    return (
        Consultation.objects.filter(module__process__status__in=[s.value for s in PUBLIC_STATUSES])
        .exclude(status=ConsultationStatus.DRAFT)
        .filter(Exists(published_version))
        .annotate(
            published_comments=Count("comments", filter=Q(comments__status="published")),
        )
        .select_related("module__process__organisation")
        .prefetch_related("module__process__phases")
    )


def _consultation_or_404(consultation_id: int) -> Consultation:
    found = (
        public_consultations().filter(pk=consultation_id).first()
        if 0 < consultation_id < 2**63
        else None
    )
    if found is None:
        raise NotFound()
    return found


def compilation_of(consultation: Consultation) -> Compilation | None:
    """The published compilation as its page shows it (deleted accounts unnamed)."""
    if consultation.status != ConsultationStatus.PUBLISHED or not consultation.compilation:
        return None
    return forget_deleted(Compilation.from_json(consultation.compilation))


def anonymised_labels(consultation: Consultation) -> dict[int, str] | None:
    """Comment id → "Invånare N" for the residents of a consultation that anonymises them,
    numbered as the compilation numbers them (its record once published); None when the
    consultation names residents."""
    if not consultation.anonymise_residents:
        return None
    record = compilation_of(consultation) or build(consultation)
    return {
        entry.comment_id: entry.author.label
        for entry in record.entries
        if entry.comment_id is not None and entry.author.kind in RESIDENT_KINDS
    }


# --- Output ------------------------------------------------------------------------------------


class ConsultationProcessRef(Schema):
    slug: str
    title: str


class ConsultationOut(Schema):
    id: int
    module_id: int = Field(description="The consultation's participation module.")
    title: str = Field(description="The document's name.")
    introduction: str = Field(description="What the comments should be about (Markdown).")
    status: str = Field(description="`open` or `published` (the compilation is out).")
    organisation: str = Field(description="The organisation's slug.")
    process: ConsultationProcessRef
    anonymise_residents: bool = Field(
        description="Residents are named Invånare 1, 2 … instead of by name."
    )
    period_starts: datetime | None = Field(description="When comments could first be given.")
    period_ends: datetime | None = Field(description="The last moment comments could be given.")
    comments: int = Field(description="Published comments.")
    published_at: datetime | None = Field(description="When the compilation was published.")
    url: str
    compilation_url: str | None = Field(description="The compilation's public page.")

    @staticmethod
    def resolve_organisation(obj: Consultation) -> str:
        return str(obj.module.process.organisation.slug)

    @staticmethod
    def resolve_process(obj: Consultation) -> dict[str, str]:
        process = obj.module.process
        return {"slug": process.slug, "title": process.title}

    @staticmethod
    def resolve_period_starts(obj: Consultation) -> datetime | None:
        phases = selectors.comment_phases(obj.module)
        return phases[0].starts_at if phases else None

    @staticmethod
    def resolve_period_ends(obj: Consultation) -> datetime | None:
        phases = selectors.comment_phases(obj.module)
        return phases[-1].ends_at - selectors.LAST_MOMENT if phases else None

    @staticmethod
    def resolve_comments(obj: Consultation) -> int:
        return int(getattr(obj, "published_comments", 0))

    @staticmethod
    def resolve_published_at(obj: Consultation) -> datetime | None:
        return obj.published_at if obj.status == ConsultationStatus.PUBLISHED else None

    @staticmethod
    def resolve_url(obj: Consultation) -> str:
        return absolute_url(obj.get_absolute_url())

    @staticmethod
    def resolve_compilation_url(obj: Consultation) -> str | None:
        if obj.status != ConsultationStatus.PUBLISHED:
            return None
        path = reverse("consultations:compilation", kwargs={"module_pk": obj.module_id})
        return absolute_url(path)


class ParagraphOut(Schema):
    key: int = Field(description="The same passage across versions.")
    number: str = Field(description="Its number in this version, e.g. `3.2`.")
    kind: str = Field(description="`heading` (a section) or `paragraph`.")
    level: int
    section: str = Field(description="The top-level section it is in (`0` before the first).")
    text: str


class VersionOut(Schema):
    number: int
    title: str
    published_at: datetime | None
    changes: str = Field(description="What changed from the version before (Markdown).")
    paragraphs: list[ParagraphOut]

    @staticmethod
    def resolve_paragraphs(obj: DocumentVersion) -> list[Paragraph]:
        return list(obj.paragraphs.all())


class InvitationOut(Schema):
    name: str = Field(description="The invited organisation (remissinstans).")
    deadline: date
    answered: bool
    no_comments: bool = Field(description="It answered that it has nothing to add.")


class CompilationAnswerOut(Schema):
    stance: str = Field(description="`accepted`, `partly`, `not_accepted` or `noted`.")
    reason: str
    change: str
    theme: str


class EntryOut(Schema):
    number: int = Field(description="The comment's number in the compilation.")
    section: str
    version: int = Field(description="The version the comment was made on.")
    passage_kind: str = Field(description="`heading`, `paragraph` or `` (the whole document).")
    passage: str = Field(description="The passage's number in that version.")
    passage_now: str = Field(description="Its number in the latest version (`` if removed).")
    removed_in: int | None
    author: str = Field(description="As the compilation names the writer.")
    author_kind: str = Field(description="`resident`, `anonymised`, `deleted`, `organisation`.")
    text: str | None = Field(description="Null while held by a moderator or withdrawn.")
    held: bool
    withdrawn: bool
    created: datetime
    agreements: int
    answer: CompilationAnswerOut | None


class FigureOut(Schema):
    key: str
    label: str
    comments: int
    respondents: int


class CompilationOut(Schema):
    title: str
    organisation: str
    process: str
    anonymised: bool
    made_on: date | None = Field(description="The day it was published.")
    period_starts: date | None
    period_ends: date | None
    summary: str = Field(description="Markdown.")
    versions: list[dict[str, Any]]
    invitations: list[dict[str, Any]]
    by_respondent: list[FigureOut]
    by_stance: list[FigureOut]
    entries: list[EntryOut]


class ConsultationDetailOut(ConsultationOut):
    versions: list[VersionOut] = Field(description="The published versions, oldest first.")
    invitations: list[InvitationOut]
    compilation: CompilationOut | None = Field(description="Null until it is published.")

    @staticmethod
    def resolve_versions(obj: Consultation) -> list[DocumentVersion]:
        return _versions(obj)

    @staticmethod
    def resolve_invitations(obj: Consultation) -> list[dict[str, Any]]:
        return [
            {
                "name": row.invitation.name,
                "deadline": row.invitation.deadline,
                "answered": row.answered,
                "no_comments": row.no_comments,
            }
            for row in selectors.invitation_rows(obj)
        ]

    @staticmethod
    def resolve_compilation(obj: Consultation) -> dict[str, Any] | None:
        compilation = compilation_of(obj)
        return compilation_out(compilation) if compilation is not None else None


class PassageOut(Schema):
    key: int
    version: int
    number: str
    kind: str


class CommentAnswerOut(Schema):
    stance: str
    reason: str
    change: str


class CommentOut(Schema):
    id: int
    consultation_id: int
    passage: PassageOut | None = Field(description="Null: on the whole document.")
    author: str | None = Field(
        description="The name the writer published, or `Invånare N` when residents are "
        "anonymised; null for a deleted account."
    )
    organisation: str | None = Field(description="The invited organisation it speaks for.")
    text: str
    created: datetime
    agreements: int = Field(description="How many agree with it.")
    answer: CommentAnswerOut | None = Field(
        description="The officials' answer, once the compilation is published."
    )


def compilation_out(data: Compilation) -> dict[str, Any]:
    return {
        "title": data.title,
        "organisation": data.organisation,
        "process": data.process,
        "anonymised": data.anonymised,
        "made_on": data.made,
        "period_starts": data.period.starts,
        "period_ends": data.period.ends,
        "summary": data.summary,
        "versions": [
            {"number": v.number, "title": v.title, "published_on": v.published_on}
            for v in data.versions
        ],
        "invitations": [
            {"name": i.name, "deadline": i.deadline, "status": i.status, "comments": i.comments}
            for i in data.invitations
        ],
        "by_respondent": [_figure(f) for f in data.by_respondent],
        "by_stance": [_figure(f) for f in data.by_stance],
        "entries": [
            {
                "number": e.number,
                "section": str(section.label),
                "version": e.version,
                "passage_kind": e.passage_kind,
                "passage": e.passage,
                "passage_now": e.passage_now,
                "removed_in": e.removed_in,
                "author": str(e.author.label),
                "author_kind": e.author.kind,
                "text": None if e.held or e.withdrawn else e.text,
                "held": e.held,
                "withdrawn": e.withdrawn,
                "created": e.created_at,
                "agreements": e.agreements,
                "answer": None
                if e.answer is None
                else {
                    "stance": e.answer.stance,
                    "reason": e.answer.reason,
                    "change": e.answer.change,
                    "theme": e.answer.theme,
                },
            }
            for section in data.sections
            for e in section.entries
        ],
    }


def _figure(figure: Any) -> dict[str, Any]:
    return {
        "key": figure.key,
        "label": str(figure.label),
        "comments": figure.comments,
        "respondents": figure.respondents,
    }


def _versions(consultation: Consultation) -> list[DocumentVersion]:
    return list(
        DocumentVersion.objects.filter(consultation=consultation, published_at__isnull=False)
        .order_by("number")
        .prefetch_related(Prefetch("paragraphs", queryset=Paragraph.objects.order_by("position")))
    )


def published_comments(consultation_ids: Any) -> QuerySet[Comment]:
    return Comment.objects.filter(
        consultation__in=consultation_ids, status=Comment.Status.PUBLISHED
    ).select_related("paragraph__version", "invitation", "answer")


def comment_out(
    comment: Comment, *, published: bool, labels: dict[int, str] | None
) -> dict[str, Any]:
    """A comment as the API shows it; ``labels`` the anonymised residents' names (None when
    the consultation names residents)."""
    paragraph = comment.paragraph
    answer = comment.answer if published else None
    if comment.invitation is not None or labels is None:
        author = comment.author_name or None
    else:
        author = labels.get(comment.pk)
    return {
        "id": comment.pk,
        "consultation_id": comment.consultation_id,
        "passage": None
        if paragraph is None
        else {
            "key": paragraph.key,
            "version": paragraph.version.number,
            "number": paragraph.number,
            "kind": paragraph.kind,
        },
        "author": author,
        "organisation": comment.invitation.name if comment.invitation is not None else None,
        "text": comment.text,
        "created": comment.created,
        "agreements": comment.agreements_count,
        "answer": None
        if answer is None
        else {"stance": answer.stance, "reason": answer.reason, "change": answer.change},
    }


# --- Endpoints ---------------------------------------------------------------------------------


class ConsultationFilters(Schema):
    organisation: str | None = Field(None, max_length=100, description="An organisation's slug.")
    process: str | None = Field(None, max_length=200, description="A process's slug.")
    status: ConsultationStatus | None = Field(None, description="`open` or `published`.")


@router.get(
    "/",
    response={200: Page[ConsultationOut], 400: ErrorOut, 429: ErrorOut},
    summary="Consultations on draft documents",
    operation_id="consultations_list",
)
def consultations_list(
    request: HttpRequest, page: Query[PageParams], filters: Query[ConsultationFilters]
) -> dict[str, Any]:
    consultations = public_consultations()
    if filters.organisation:
        organisation = organisation_by_slug(filters.organisation)
        consultations = consultations.filter(module__process__organisation=organisation)
    if filters.process:
        consultations = consultations.filter(module__process__slug=filters.process)
    if filters.status:
        consultations = consultations.filter(status=filters.status.value)
    return paginate(request, consultations, page)


@router.get(
    "/{consultation_id}",
    response={200: ConsultationDetailOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="One consultation: its versions, invited organisations and compilation",
    operation_id="consultations_get",
)
def consultations_get(request: HttpRequest, consultation_id: int) -> Consultation:
    return _consultation_or_404(consultation_id)


class CommentFilters(Schema):
    passage: int | None = Field(
        None, ge=0, le=2**31, description="A passage's key (comments over every version)."
    )
    whole: bool | None = Field(None, description="Only the comments on the whole document.")


@router.get(
    "/{consultation_id}/comments",
    response={200: Page[CommentOut], 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="The published comments of a consultation",
    description="Comments held for or removed by a moderator are never listed. The answers "
    "are given once the compilation is published.",
    operation_id="consultations_comments",
)
def consultations_comments(
    request: HttpRequest,
    consultation_id: int,
    page: Query[PageParams],
    filters: Query[CommentFilters],
) -> dict[str, Any]:
    consultation = _consultation_or_404(consultation_id)
    comments = published_comments([consultation.pk])
    if filters.passage is not None:
        comments = comments.filter(paragraph__key=filters.passage)
    if filters.whole:
        comments = comments.filter(paragraph__isnull=True)
    shown = paginate(request, comments, page)
    published = consultation.status == ConsultationStatus.PUBLISHED
    labels = anonymised_labels(consultation)
    shown["items"] = [comment_out(c, published=published, labels=labels) for c in shown["items"]]
    return shown


# --- The dataset -------------------------------------------------------------------------------


def _organisation_consultations(organisation: Organisation) -> QuerySet[Consultation]:
    return public_consultations().filter(module__process__organisation=organisation).order_by("pk")


def version_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    for consultation in _organisation_consultations(organisation):
        for version in consultation.versions.filter(published_at__isnull=False).order_by("number"):
            yield {
                "consultation_id": consultation.pk,
                "consultation": consultation.title,
                "version": version.number,
                "title": version.title,
                "published_at": version.published_at.isoformat() if version.published_at else None,
                "changes": version.changes,
            }


def paragraph_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    consultations = _organisation_consultations(organisation).values("pk")
    rows = (
        Paragraph.objects.filter(
            version__consultation__in=consultations, version__published_at__isnull=False
        )
        .order_by("version__consultation_id", "version__number", "position")
        .values_list(
            "version__consultation_id",
            "version__number",
            "key",
            "number",
            "kind",
            "level",
            "section",
            "text",
        )
    )
    for consultation_id, version, key, number, kind, level, section, text in rows.iterator(
        chunk_size=2000
    ):
        yield {
            "consultation_id": consultation_id,
            "version": version,
            "key": key,
            "number": number,
            "kind": kind,
            "level": level,
            "section": section,
            "text": text,
        }


def comment_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    for consultation in _organisation_consultations(organisation):
        published = consultation.status == ConsultationStatus.PUBLISHED
        labels = anonymised_labels(consultation)
        for comment in (
            published_comments([consultation.pk]).order_by("pk").iterator(chunk_size=2000)
        ):
            shown = CommentOut.model_validate(
                comment_out(comment, published=published, labels=labels)
            ).model_dump(mode="json")
            passage = shown["passage"] or {}
            yield {
                "id": shown["id"],
                "consultation_id": shown["consultation_id"],
                "version": passage.get("version"),
                "passage_key": passage.get("key"),
                "passage": passage.get("number"),
                "passage_kind": passage.get("kind"),
                "author": shown["author"],
                "organisation": shown["organisation"],
                "text": shown["text"],
                "created": shown["created"],
                "agreements": shown["agreements"],
                "answer_id": comment.answer_id if published else None,
            }


def answer_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    """The officials' answers, once a consultation's compilation is published."""
    consultations = _organisation_consultations(organisation).filter(
        status=ConsultationStatus.PUBLISHED
    )
    answers = (
        Answer.objects.filter(consultation__in=consultations.values("pk"))
        .select_related("theme")
        .order_by("pk")
    )
    for answer in answers.iterator(chunk_size=2000):
        yield {
            "id": answer.pk,
            "consultation_id": answer.consultation_id,
            "theme": answer.theme.name if answer.theme else None,
            "stance": answer.stance,
            "reason": answer.reason,
            "change": answer.change,
        }


def coverage(organisation: Organisation) -> tuple[date | None, date | None]:
    modules = _organisation_consultations(organisation).values("module_id")
    found = Phase.objects.filter(module_id__in=modules).aggregate(
        first=Min("starts_at"), last=Max("ends_at")
    )
    first, last = found["first"], found["last"]
    return (
        timezone.localdate(first) if first else None,
        timezone.localdate(last) if last else None,
    )


def modified(organisation: Organisation) -> datetime | None:
    consultations = _organisation_consultations(organisation).values("pk")
    moments = [
        Consultation.objects.filter(pk__in=consultations).aggregate(m=Max("published_at"))["m"],
        DocumentVersion.objects.filter(consultation__in=consultations).aggregate(
            m=Max("published_at")
        )["m"],
        published_comments(consultations).aggregate(m=Max("created"))["m"],
    ]
    known = [m for m in moments if m is not None]
    return max(known) if known else None
