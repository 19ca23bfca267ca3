"""Writing the knowledge bank. Staff pages, reader pages and the demo loader call these.

Every service checks permission first. Staff changes are audited; a reader's completion is not
(it is personal data with its own retention, and the audit log would outlive it).
"""

from django.core.files.base import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from delaktig.accounts.types import User
from delaktig.core.audit import audit_log
from delaktig.core.errors import Conflict, ValidationFailed, require_perm
from delaktig.core.ordering import move_in_order, next_position
from delaktig.core.uploads import sniff_signature
from delaktig.organisations.models import Organisation

from .models import Completion, Kind, Part, Section
from .workflow import MACHINE, Action, Status

MAX_DOCUMENT_SIZE = 20 * 1024 * 1024


def _title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("knowledge.title_missing", field="title")
    return title[:200]


def _section_title_free(organisation: Organisation, title: str, section: Section | None) -> None:
    taken = Section.objects.filter(organisation=organisation, title__iexact=title)
    if section is not None:
        taken = taken.exclude(pk=section.pk)
    if taken.exists():
        raise Conflict("knowledge.section_title_taken", field="title")


# --- Sections -----------------------------------------------------------------------------


def section_create(
    *, actor: User, organisation: Organisation, title: str, introduction: str = ""
) -> Section:
    require_perm(actor, "knowledge.change_knowledgebank", organisation)
    title = _title(title)
    with transaction.atomic():
        position = next_position(
            Section.objects.filter(organisation=organisation), parent=organisation
        )
        _section_title_free(organisation, title, None)
        section = Section.objects.create(
            organisation=organisation,
            title=title,
            introduction=(introduction or "").strip(),
            position=position,
        )
        audit_log(
            actor=actor,
            action="knowledge.section_create",
            target=section,
            organisation=organisation,
            data={"title": title},
        )
    return section


def section_update(*, actor: User, section: Section, title: str, introduction: str = "") -> Section:
    require_perm(actor, "knowledge.change_knowledgebank", section.organisation)
    title = _title(title)
    with transaction.atomic():
        section = Section.objects.select_for_update().get(pk=section.pk)
        _section_title_free(section.organisation, title, section)
        section.title = title
        section.introduction = (introduction or "").strip()
        section.save(update_fields=["title", "introduction", "updated"])
        audit_log(
            actor=actor,
            action="knowledge.section_update",
            target=section,
            organisation=section.organisation,
            data={"title": title},
        )
    return section


def section_move(*, actor: User, section: Section, direction: int) -> None:
    require_perm(actor, "knowledge.change_knowledgebank", section.organisation)
    with transaction.atomic():
        move_in_order(Section.objects.filter(organisation=section.organisation), section, direction)


def section_delete(*, actor: User, section: Section) -> None:
    """Delete an empty section; one that still has parts is refused."""
    require_perm(actor, "knowledge.change_knowledgebank", section.organisation)
    with transaction.atomic():
        section = Section.objects.select_for_update().get(pk=section.pk)
        if Part.objects.filter(section=section).exists():
            raise Conflict("knowledge.section_not_empty")
        audit_log(
            actor=actor,
            action="knowledge.section_delete",
            target=section,
            organisation=section.organisation,
            data={"title": section.title},
        )
        section.delete()


# --- Parts --------------------------------------------------------------------------------


def _check_document(document: UploadedFile) -> None:
    name = (document.name or "")[-100:]
    if (document.size or 0) > MAX_DOCUMENT_SIZE:
        raise ValidationFailed(
            "knowledge.document_too_large",
            field="document",
            name=name,
            limit=MAX_DOCUMENT_SIZE // (1024 * 1024),
        )
    head = document.read(16)
    document.seek(0)
    if sniff_signature(head) != ("application/pdf", ".pdf"):
        raise ValidationFailed("knowledge.document_not_pdf", field="document", name=name)


def _check_content(
    *,
    kind: str,
    body: str,
    url: str,
    document: UploadedFile | None,
    has_document: bool,
    minutes: int,
) -> None:
    if kind == Kind.PAGE and not body.strip():
        raise ValidationFailed("knowledge.body_missing", field="body")
    if kind == Kind.LINK and not url.strip():
        raise ValidationFailed("knowledge.url_missing", field="url")
    if kind == Kind.DOCUMENT and document is None and not has_document:
        raise ValidationFailed("knowledge.document_missing", field="document")
    if document is not None:
        _check_document(document)
    if not 1 <= minutes <= 600:
        raise ValidationFailed("knowledge.minutes_out_of_range", field="minutes")


def _store_document(part: Part, document: UploadedFile | None, kind: str) -> list[str]:
    """Put the new document on ``part`` (unsaved); the names of files no longer used."""
    old = [part.document.name] if part.document else []
    if document is not None and kind == Kind.DOCUMENT:
        name = document.name or ""
        stem = slugify(name.rsplit(".", 1)[0])[:60] or "dokument"
        part.document = File(document, name=f"{stem}.pdf")
        part.document_name = name[:200]
        part.document_size = document.size or 0
        return old
    if kind != Kind.DOCUMENT:
        part.document = ""
        part.document_name = ""
        part.document_size = 0
        return old
    return []


def _remove_files(names: list[str], part: Part) -> None:
    storage = part.document.storage
    for name in names:
        transaction.on_commit(lambda name=name: storage.delete(name))  # type: ignore[misc]


def part_create(
    *,
    actor: User,
    section: Section,
    kind: str,
    title: str,
    minutes: int,
    audience: str,
    summary: str = "",
    body: str = "",
    url: str = "",
    document: UploadedFile | None = None,
    is_public: bool = False,
) -> Part:
    """A new draft part, last in ``section``."""
    require_perm(actor, "knowledge.change_knowledgebank", section.organisation)
    title = _title(title)
    _check_content(
        kind=kind, body=body, url=url, document=document, has_document=False, minutes=minutes
    )
    now = timezone.now()
    with transaction.atomic():
        part = Part(
            organisation=section.organisation,
            section=section,
            kind=kind,
            title=title,
            summary=summary.strip(),
            body=body.strip(),
            url=url.strip(),
            minutes=minutes,
            audience=audience,
            is_public=is_public,
            status=Status.DRAFT.value,
            position=next_position(Part.objects.filter(section=section), parent=section),
            content_changed_at=now,
            created_by=actor,
            updated_by=actor,
        )
        _store_document(part, document, kind)
        part.save()
        audit_log(
            actor=actor,
            action="knowledge.part_create",
            target=part,
            organisation=section.organisation,
            data={"title": title, "kind": kind},
        )
    return part


def part_update(
    *,
    actor: User,
    part: Part,
    section: Section,
    kind: str,
    title: str,
    minutes: int,
    audience: str,
    summary: str = "",
    body: str = "",
    url: str = "",
    document: UploadedFile | None = None,
    is_public: bool = False,
) -> Part:
    """Change a part. A new document replaces the old one, whose file is removed on commit."""
    require_perm(actor, "knowledge.change_knowledgebank", part.organisation)
    if section.organisation_id != part.organisation_id:
        raise ValidationFailed("knowledge.section_of_other_organisation", field="section")
    title = _title(title)
    with transaction.atomic():
        part = Part.objects.select_for_update().get(pk=part.pk)
        _check_content(
            kind=kind,
            body=body,
            url=url,
            document=document,
            has_document=bool(part.document),
            minutes=minutes,
        )
        before = (part.kind, part.body, part.url, part.document.name)
        if section.pk != part.section_id:
            part.position = next_position(Part.objects.filter(section=section), parent=section)
        part.section, part.kind, part.title, part.summary = section, kind, title, summary.strip()
        part.body, part.url, part.minutes = body.strip(), url.strip(), minutes
        part.audience, part.is_public, part.updated_by = audience, is_public, actor
        removed = _store_document(part, document, kind)
        if before != (part.kind, part.body, part.url, part.document.name) or document:
            part.content_changed_at = timezone.now()
        part.save()
        _remove_files(removed, part)
        audit_log(
            actor=actor,
            action="knowledge.part_update",
            target=part,
            organisation=part.organisation,
            data={"title": title},
        )
    return part


def part_move(*, actor: User, part: Part, direction: int) -> None:
    require_perm(actor, "knowledge.change_knowledgebank", part.organisation)
    with transaction.atomic():
        move_in_order(Part.objects.filter(section_id=part.section_id), part, direction)


def part_transition(*, actor: User, part: Part, action: Action) -> Part:
    """Publish a draft, or take a published part back to draft."""
    require_perm(actor, "knowledge.change_knowledgebank", part.organisation)
    with transaction.atomic():
        part = Part.objects.select_for_update().get(pk=part.pk)
        part.status = MACHINE.require(part.status, action).value
        if part.status == Status.PUBLISHED and part.published_at is None:
            part.published_at = timezone.now()
        part.updated_by = actor
        part.save(update_fields=["status", "published_at", "updated_by", "updated"])
        audit_log(
            actor=actor,
            action=f"knowledge.part_{action.value}",
            target=part,
            organisation=part.organisation,
            data={"title": part.title},
        )
    return part


def part_delete(*, actor: User, part: Part) -> None:
    """Delete a part, its document and every completion of it."""
    require_perm(actor, "knowledge.change_knowledgebank", part.organisation)
    with transaction.atomic():
        part = Part.objects.select_for_update().get(pk=part.pk)
        completions = part.completions.count()
        audit_log(
            actor=actor,
            action="knowledge.part_delete",
            target=part,
            organisation=part.organisation,
            data={"title": part.title, "completions": completions},
        )
        _remove_files([part.document.name] if part.document else [], part)
        part.delete()


# --- Completions --------------------------------------------------------------------------


def completion_mark(*, actor: User, part: Part) -> Completion:
    """``actor`` has gone through ``part``. Marking twice (two clicks at once) keeps one row."""
    require_perm(actor, "knowledge.complete_part", part)
    try:
        with transaction.atomic():
            completion, _created = Completion.objects.get_or_create(
                part=part, user=actor, defaults={"completed_at": timezone.now()}
            )
    except IntegrityError:
        # The other click inserted the row between our look-up and our insert.
        completion = Completion.objects.get(part=part, user=actor)
    return completion


def completion_undo(*, actor: User, part: Part) -> bool:
    """Take back ``actor``'s mark on ``part``; False when there was none."""
    require_perm(actor, "knowledge.complete_part", part)
    deleted, _by_model = Completion.objects.filter(part=part, user=actor).delete()
    return deleted > 0
