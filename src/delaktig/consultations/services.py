"""Consultation on a draft: set up, versions of the document, comments and agreement, the
invited organisations, themes and answers, and the published compilation.

Every write that counts or must not be lost locks its row first: agreeing with a comment
keeps ``Comment.agreements_count`` equal to its rows, two officials answering at once leave
one answer per comment, and the compilation is published once.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from delaktig.accounts.predicates import require_perm_in_phase
from delaktig.accounts.types import User
from delaktig.core.audit import audit_log
from delaktig.core.errors import (
    Conflict,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
    require_perm,
)
from delaktig.core.markdown import render_markdown
from delaktig.councils.rules import speaks_for_council
from delaktig.moderation import services as moderation
from delaktig.moderation.models import Decision
from delaktig.notifications.outbox import email_queue
from delaktig.participation.models import ProcessModule
from delaktig.surveys import themes as survey_themes

from . import drafts
from .models import (
    COMMENT_KIND,
    Agreement,
    Answer,
    Comment,
    Consultation,
    DocumentVersion,
    Invitation,
    Paragraph,
    Stance,
    Theme,
)
from .workflow import CONSULTATION_MACHINE, ConsultationAction, ConsultationStatus

MANAGE = "consultations.manage_consultation"
ANSWER = "consultations.answer_comment"
COMMENT_MAX = 5000
# Reminders go to invited organisations that have not answered this many days before their
# deadline (once), and never sooner than REMIND_AFTER_DAYS after the invitation: one invited
# with a short deadline is not reminded the day after it was asked.
REMIND_DAYS_BEFORE = 7
REMIND_AFTER_DAYS = 3


def _organisation(consultation: Consultation) -> Any:
    return consultation.module.process.organisation


def _log(
    actor: User | None, action: str, target: Any, consultation: Consultation, **data: Any
) -> None:
    audit_log(
        actor=actor,
        action=action,
        target=target,
        organisation=_organisation(consultation),
        **({"data": data} if data else {}),
    )


def _locked(consultation: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().get(pk=consultation.pk)


# --- Setting up -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsultationSettings:
    title: str
    introduction: str = ""
    anonymise_residents: bool = False


def consultation_configure(
    *, actor: User, module: ProcessModule, values: ConsultationSettings
) -> Consultation:
    """Create or change the consultation of a module of kind ``consultation``."""
    existing = Consultation.objects.filter(module=module).first()
    require_perm(actor, MANAGE, existing or module)
    title = values.title.strip()
    if not title:
        raise ValidationFailed("consultations.title_required", field="title")
    with transaction.atomic():
        if existing is None:
            consultation = Consultation.objects.create(
                module=module,
                title=title,
                introduction=values.introduction.strip(),
                anonymise_residents=values.anonymise_residents,
            )
            _log(actor, "consultations.create", consultation, consultation)
            return consultation
        locked = _locked(existing)
        if locked.status == ConsultationStatus.PUBLISHED:
            # The published compilation says how residents were shown; it cannot change now.
            if values.anonymise_residents != locked.anonymise_residents:
                raise Conflict("consultations.already_published", field="anonymise_residents")
        locked.title = title
        locked.introduction = values.introduction.strip()
        locked.anonymise_residents = values.anonymise_residents
        locked.save(update_fields=["title", "introduction", "anonymise_residents"])
        _log(actor, "consultations.configure", locked, locked)
    return locked


# --- Versions of the document --------------------------------------------------------------


def published_versions(consultation: Consultation) -> Any:
    return consultation.versions.filter(published_at__isnull=False).order_by("number")


def current_version(consultation: Consultation) -> DocumentVersion | None:
    return published_versions(consultation).last()


def working_copy(consultation: Consultation) -> DocumentVersion | None:
    return consultation.versions.filter(published_at__isnull=True).first()


def _store_paragraphs(version: DocumentVersion, parsed: drafts.Parsed) -> None:
    """Replace the working copy's paragraphs, keyed to the passages of the last published
    version they continue (``drafts.align``) and new keys for new passages."""
    consultation = version.consultation
    previous = current_version(consultation)
    keys: list[int | None] = [None] * len(parsed.blocks)
    if previous is not None:
        old = list(previous.paragraphs.order_by("position").values_list("key", "kind", "text"))
        mapping = drafts.align(
            [drafts.comparable(kind, text) for _key, kind, text in old],
            [drafts.comparable(b.kind, b.text) for b in parsed.blocks],
        )
        keys = [old[i][0] if i is not None else None for i in mapping]
    highest = (
        Paragraph.objects.filter(version__consultation=consultation)
        .exclude(version=version)
        .aggregate(m=Max("key"))["m"]
        or 0
    )
    rows = []
    for position, (block, key) in enumerate(zip(parsed.blocks, keys, strict=True), start=1):
        if key is None:
            highest += 1
            key = highest
        rows.append(
            Paragraph(
                version=version,
                key=key,
                position=position,
                number=block.number,
                kind=block.kind,
                level=block.level,
                section=block.section,
                text=block.text,
                html=render_markdown(block.text),
            )
        )
    version.paragraphs.all().delete()
    Paragraph.objects.bulk_create(rows)


def version_save(
    *, actor: User, consultation: Consultation, title: str, source: str, changes: str = ""
) -> DocumentVersion:
    """Write the working copy (the next version) from Markdown. The paragraphs are numbered
    and matched to the published version's now, so the official sees the numbers residents
    will see."""
    require_perm(actor, MANAGE, consultation)
    parsed = drafts.parse(source)
    title = title.strip() or parsed.title
    if not title:
        raise ValidationFailed("consultations.title_required", field="title")
    with transaction.atomic():
        locked = _locked(consultation)
        version = working_copy(locked)
        if version is None:
            number = (locked.versions.aggregate(m=Max("number"))["m"] or 0) + 1
            version = DocumentVersion.objects.create(
                consultation=locked,
                number=number,
                title=title[:200],
                source=source,
                changes=changes.strip(),
                created_by=actor,
            )
        else:
            version.title = title[:200]
            version.source = source
            version.changes = changes.strip()
            version.save(update_fields=["title", "source", "changes"])
        _store_paragraphs(version, parsed)
        _log(actor, "consultations.version_save", version, locked, number=version.number)
    return version


def version_import_docx(
    *, actor: User, consultation: Consultation, data: bytes, title: str = "", changes: str = ""
) -> DocumentVersion:
    """The working copy from a Word file, its headings and numbered paragraphs kept."""
    require_perm(actor, MANAGE, consultation)
    if len(data) > drafts.MAX_DOCX_BYTES:
        raise ValidationFailed(
            "consultations.document_too_large", field="docx", max=drafts.MAX_DOCX_LABEL
        )
    source = drafts.docx_to_markdown(data)
    return version_save(
        actor=actor, consultation=consultation, title=title, source=source, changes=changes
    )


def version_publish(*, actor: User, consultation: Consultation) -> DocumentVersion:
    """Publish the working copy. The first version opens the consultation and invites the
    organisations on the list; later ones tell those who commented that there is a new
    version."""
    require_perm(actor, MANAGE, consultation)
    with transaction.atomic():
        locked = _locked(consultation)
        version = working_copy(locked)
        if version is None:
            raise Conflict("consultations.no_working_copy")
        if not version.paragraphs.exists():
            raise ValidationFailed("consultations.document_empty", field="source")
        version.published_at = timezone.now()
        version.save(update_fields=["published_at"])
        if locked.status == ConsultationStatus.DRAFT:
            locked.status = CONSULTATION_MACHINE.require(locked.status, ConsultationAction.OPEN)
            locked.save(update_fields=["status"])
            _invite_all(locked)
        else:
            _notify_commenters(
                locked,
                template="consultation_version",
                number=version.number,
                # What changed: the comparison with the version before.
                path=reverse("consultations:compare", kwargs={"module_pk": locked.module_id}),
            )
        _log(actor, "consultations.version_publish", version, locked, number=version.number)
    return version


# --- Comments and agreement ------------------------------------------------------------------


def commenting_open(consultation: Consultation) -> bool:
    return consultation.status == ConsultationStatus.OPEN and consultation.module.allows("comment")


def speaks_for(user: User, invitation: Invitation) -> bool:
    """May ``user`` answer on behalf of the invited organisation: its named contact (by the
    e-mail address the account has verified), or for a council its chair or secretary."""
    if not (user.is_authenticated and user.is_active):
        return False
    if invitation.council_id is not None:
        return bool(speaks_for_council.test(user, invitation.council))
    if not invitation.contact_email:
        return False
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(
        user=user, email__iexact=invitation.contact_email, verified=True
    ).exists()


def speaking_for(user: User) -> "QuerySet[Invitation]":
    """The invitations ``user`` may answer for, as ``speaks_for`` decides one, in one query:
    those whose contact address the account has verified, and those to a council the person
    chairs or is the secretary of."""
    if not (user.is_authenticated and user.is_active):
        return Invitation.objects.none()
    from allauth.account.models import EmailAddress

    from delaktig.councils.models import Membership

    emails = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    by_email = Q()
    for email in emails:
        by_email |= Q(council__isnull=True, contact_email__iexact=email)
    chaired = Membership.objects.filter(user=user, role=Membership.Role.CHAIR).values("council_id")
    by_council = Q(council__secretary=user) | Q(council__in=chaired)
    return Invitation.objects.filter(by_email | by_council)


def invitations_for(*, user: User, consultation: Consultation) -> list[Invitation]:
    """The invited organisations ``user`` may answer for (two queries, however many are
    invited)."""
    return list(speaking_for(user).filter(consultation=consultation).order_by("name", "pk"))


def comment_submit(
    *,
    actor: User,
    consultation: Consultation,
    paragraph: Paragraph | None,
    text: str,
    invitation: Invitation | None = None,
    personal_data_ok: bool = False,
    accept_rules: bool = False,
) -> Comment:
    """A comment on a paragraph or section of the current version (or the whole document),
    while the comment period runs. Screened like every text residents write."""
    if not (actor.is_authenticated and actor.is_active):
        raise PermissionDenied("consultations.login_required")
    if consultation.status != ConsultationStatus.OPEN:
        raise Conflict("consultations.closed")
    require_perm_in_phase(actor, "consultations.add_comment", consultation, action="comment")
    text = text.strip()
    if not text:
        raise ValidationFailed("consultations.comment_empty", field="text")
    if len(text) > COMMENT_MAX:
        raise ValidationFailed("consultations.comment_too_long", field="text", max=COMMENT_MAX)
    current = current_version(consultation)
    if paragraph is not None and (current is None or paragraph.version_id != current.pk):
        raise ValidationFailed("consultations.paragraph_unknown", field="paragraph")
    if invitation is not None and (
        invitation.consultation_id != consultation.pk or not speaks_for(actor, invitation)
    ):
        raise PermissionDenied(
            "consultations.not_contact", field="invitation", name=invitation.name
        )
    screened = moderation.submission_check(
        actor=actor,
        organisation_id=_organisation(consultation).pk,
        text=text,
        field="text",
        personal_data_ok=personal_data_ok,
        accept_rules=accept_rules,
    )
    limit, window = settings.DELAKTIG_COMMENT_RATE
    since = timezone.now() - timedelta(seconds=window)
    with transaction.atomic():
        # The platform's limit on comments (as in discussions), counted under a lock on the
        # person, so that parallel posts cannot slip past it.
        User.objects.select_for_update().only("pk").get(pk=actor.pk)
        if Comment.objects.filter(author=actor, created__gte=since).count() >= limit:
            raise RateLimited(field="text")
        comment = Comment.objects.create(
            consultation=consultation,
            paragraph=paragraph,
            invitation=invitation,
            author=actor,
            author_name=actor.display_name,
            text=text,
        )
        moderation.screening_apply(kind=COMMENT_KIND, item=comment, result=screened)
    return comment


def comment_withhold(item: Comment, decision: Decision) -> None:
    """The moderation service's way to take a comment out of view (screening's hold is
    ``held``, a moderator's rejection ``removed``). Called inside its transaction."""
    status = (
        Comment.Status.HELD if decision.action == Decision.Action.HELD else Comment.Status.REMOVED
    )
    with transaction.atomic():
        Comment.objects.filter(pk=item.pk).update(status=status)
        _record_decision(item.pk)


def comment_release(item: Comment) -> None:
    with transaction.atomic():
        Comment.objects.filter(pk=item.pk).exclude(status=Comment.Status.PUBLISHED).update(
            status=Comment.Status.PUBLISHED
        )
        _record_decision(item.pk)


def _record_decision(comment_pk: int) -> None:
    """A moderator's decision on a comment after the compilation was published reaches the
    published record too (``compilation.moderated``): a removed comment's text and writer are
    no longer shown in the page, the PDF or the Word file."""
    from .compilation import moderated

    comment = Comment.objects.get(pk=comment_pk)
    locked = (
        Consultation.objects.select_for_update()
        .filter(pk=comment.consultation_id, status=ConsultationStatus.PUBLISHED)
        .first()
    )
    if locked is None or not locked.compilation:
        return
    record = moderated(locked.compilation, comment)
    if record is not None:
        locked.compilation = record
        locked.save(update_fields=["compilation"])


def comment_agree(*, actor: User, comment: Comment, agree: bool) -> int:
    """Agree with a comment (or take it back) while the comment period runs. Returns the new
    count; a second "agree" by the same person changes nothing."""
    consultation = comment.consultation
    if not (actor.is_authenticated and actor.is_active):
        raise PermissionDenied("consultations.login_required")
    if consultation.status != ConsultationStatus.OPEN:
        raise Conflict("consultations.closed")
    require_perm_in_phase(actor, "consultations.add_agreement", consultation, action="comment")
    if comment.author_id == actor.pk:
        raise ValidationFailed("consultations.own_comment")
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.status != Comment.Status.PUBLISHED:
            raise Conflict("consultations.closed")
        if agree:
            try:
                with transaction.atomic():
                    Agreement.objects.create(comment=locked, user=actor)
            except IntegrityError:
                return locked.agreements_count
            Comment.objects.filter(pk=locked.pk).update(agreements_count=F("agreements_count") + 1)
        else:
            deleted, _rows = Agreement.objects.filter(comment=locked, user=actor).delete()
            if deleted:
                Comment.objects.filter(pk=locked.pk).update(
                    agreements_count=F("agreements_count") - 1
                )
        locked.refresh_from_db(fields=["agreements_count"])
    return locked.agreements_count


# --- Invited organisations (remissinstanser) ----------------------------------------------


@dataclass(frozen=True)
class InvitationValues:
    name: str
    deadline: date
    contact_name: str = ""
    contact_email: str = ""
    council: Any = None


def invitation_add(
    *, actor: User, consultation: Consultation, values: InvitationValues
) -> Invitation:
    """Put an organisation (or one of the organisation's councils) on the referral list. Once
    the draft is out, it is invited at once."""
    require_perm(actor, MANAGE, consultation)
    name = (values.name.strip() or (values.council.name if values.council else ""))[:200]
    if not name:
        raise ValidationFailed("consultations.name_required", field="name")
    if values.council is None and not values.contact_email.strip():
        raise ValidationFailed("consultations.invitation_contact_required", field="contact_email")
    if (
        values.council is not None
        and values.council.organisation_id != _organisation(consultation).pk
    ):
        raise ValidationFailed("consultations.invalid_choice", field="council")
    if values.deadline < timezone.localdate():
        raise ValidationFailed("consultations.deadline_passed", field="deadline")
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                consultation=consultation,
                name=name,
                council=values.council,
                contact_name=values.contact_name.strip()[:120],
                contact_email=values.contact_email.strip(),
                deadline=values.deadline,
                created_by=actor,
            )
            if consultation.status == ConsultationStatus.OPEN:
                _invite(invitation)
            _log(actor, "consultations.invitation_add", invitation, consultation, name=name)
    except IntegrityError:
        raise ValidationFailed(
            "consultations.invitation_name_taken", field="name", name=name
        ) from None
    return invitation


def invitation_remove(*, actor: User, invitation: Invitation) -> None:
    consultation = invitation.consultation
    require_perm(actor, MANAGE, consultation)
    with transaction.atomic():
        # Locked and read again: "nothing to add" may have come in since the page was loaded.
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.comments.exists() or locked.no_comments_at is not None:
            raise Conflict("consultations.invitation_answered")
        _log(actor, "consultations.invitation_remove", locked, consultation, name=locked.name)
        locked.delete()


def invitation_no_comments(*, actor: User, invitation: Invitation) -> Invitation:
    """The organisation's answer that it has nothing to add (inget att invända)."""
    consultation = invitation.consultation
    if not speaks_for(actor, invitation):
        raise PermissionDenied("consultations.not_contact", name=invitation.name)
    if consultation.status != ConsultationStatus.OPEN:
        raise Conflict("consultations.closed")
    require_phase_comment(consultation)
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.no_comments_at is None:
            locked.no_comments_at = timezone.now()
            locked.no_comments_by = actor
            locked.save(update_fields=["no_comments_at", "no_comments_by"])
            _log(actor, "consultations.no_comments", locked, consultation, name=locked.name)
    return locked


def require_phase_comment(consultation: Consultation) -> None:
    from delaktig.accounts.predicates import require_phase

    require_phase(consultation, "comment")


def _contact_emails(invitation: Invitation) -> list[str]:
    if invitation.council_id is None:
        return [invitation.contact_email] if invitation.contact_email else []
    from delaktig.councils.models import Membership

    today = timezone.localdate()
    speakers = Membership.objects.filter(
        council_id=invitation.council_id,
        term_start__lte=today,
        term_end__gte=today,
        role=Membership.Role.CHAIR,
        user__is_active=True,
    ).values_list("user__email", flat=True)
    emails = {e for e in speakers if e}
    secretary = invitation.council.secretary if invitation.council else None
    if secretary is not None and secretary.is_active and secretary.email:
        emails.add(secretary.email)
    return sorted(emails)


def _invitation_context(invitation: Invitation) -> dict[str, object]:
    consultation = invitation.consultation
    return {
        "name": invitation.name,
        "title": consultation.title,
        "organisation": str(_organisation(consultation)),
        "deadline": invitation.deadline,
        # The organisation's own page: what is asked, its deadline, and "nothing to add".
        "path": reverse(
            "consultations:invitation",
            kwargs={"module_pk": consultation.module_id, "invitation_pk": invitation.pk},
        ),
    }


def _invite(invitation: Invitation) -> None:
    for email in _contact_emails(invitation):
        email_queue(
            recipient=email,
            template="consultation_invitation",
            context=_invitation_context(invitation),
            key=f"consultation-invite:{invitation.pk}:{email}",
            kind="consultations.invitation",
            organisation=_organisation(invitation.consultation),
        )
    Invitation.objects.filter(pk=invitation.pk).update(invited_at=timezone.now())


def _invite_all(consultation: Consultation) -> None:
    for invitation in consultation.invitations.select_related("council").filter(
        invited_at__isnull=True
    ):
        _invite(invitation)


def answered_invitations(consultation: Consultation) -> set[int]:
    """The invitations that have answered: a comment on their behalf, or "nothing to add"."""
    with_comments = Comment.objects.filter(
        consultation=consultation, invitation__isnull=False
    ).exclude(status=Comment.Status.REMOVED)
    return set(with_comments.values_list("invitation_id", flat=True)) | set(
        consultation.invitations.filter(no_comments_at__isnull=False).values_list("pk", flat=True)
    )


def invitations_remind(now: datetime) -> int:
    """The daily job: remind each invited organisation that has not answered, once, when its
    deadline is at most a week away and the invitation at least three days old. Returns how
    many were reminded."""
    today = timezone.localdate(now)
    due = Invitation.objects.filter(
        consultation__status=ConsultationStatus.OPEN,
        invited_at__lte=now - timedelta(days=REMIND_AFTER_DAYS),
        reminded_at__isnull=True,
        no_comments_at__isnull=True,
        deadline__gte=today,
        deadline__lte=today + timedelta(days=REMIND_DAYS_BEFORE),
    ).select_related("consultation__module__process__organisation", "council")
    reminded = 0
    for invitation in due:
        if invitation.comments.exclude(status=Comment.Status.REMOVED).exists():
            continue
        with transaction.atomic():
            claimed = Invitation.objects.filter(pk=invitation.pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if not claimed:
                continue
            for email in _contact_emails(invitation):
                email_queue(
                    recipient=email,
                    template="consultation_reminder",
                    context=_invitation_context(invitation),
                    key=f"consultation-remind:{invitation.pk}:{email}",
                    kind="consultations.invitation",
                    organisation=_organisation(invitation.consultation),
                )
        reminded += 1
    return reminded


# --- Themes and answers --------------------------------------------------------------------


def answerable_comments(consultation: Consultation) -> Any:
    """The comments the compilation answers: all but those a moderator removed."""
    return consultation.comments.exclude(status=Comment.Status.REMOVED)


def theme_save(
    *, actor: User, consultation: Consultation, name: str, theme: Theme | None = None
) -> Theme:
    require_perm(actor, ANSWER, consultation)
    name = " ".join(name.split())[:120]
    if not name:
        raise ValidationFailed("consultations.theme_name_required", field="name")
    try:
        with transaction.atomic():
            if theme is None:
                position = (consultation.themes.aggregate(m=Max("position"))["m"] or 0) + 1
                theme = Theme.objects.create(
                    consultation=consultation, name=name, position=position
                )
            else:
                theme.name = name
                theme.save(update_fields=["name"])
            _log(actor, "consultations.theme_save", theme, consultation, name=name)
    except IntegrityError:
        raise ValidationFailed("consultations.theme_name_taken", field="name") from None
    return theme


def theme_delete(*, actor: User, theme: Theme) -> None:
    consultation = theme.consultation
    require_perm(actor, ANSWER, consultation)
    with transaction.atomic():
        _log(actor, "consultations.theme_delete", theme, consultation, name=theme.name)
        theme.delete()


def themes_propose(*, actor: User, consultation: Consultation, max_themes: int = 8) -> list[Theme]:
    """Group the comments that have no theme yet into proposed themes with the survey
    free-text method (``surveys.themes``), each named after its terms; officials rename,
    merge and move comments afterwards."""
    require_perm(actor, ANSWER, consultation)
    comments = list(answerable_comments(consultation).filter(theme__isnull=True).order_by("pk"))
    texts = [c.text for c in comments]
    if sum(1 for t in texts if survey_themes.tokens(t)) < 4:
        raise ValidationFailed("consultations.too_few_for_themes")
    result = survey_themes.find_themes(texts, max_themes=max_themes)
    created: list[Theme] = []
    with transaction.atomic():
        taken = set(consultation.themes.values_list("name", flat=True))
        position = consultation.themes.aggregate(m=Max("position"))["m"] or 0
        for found in result.themes:
            base = ", ".join(found.terms[:3]) or "Tema"
            name, n = base[:120], 2
            while name in taken:
                name, n = f"{base[:110]} ({n})", n + 1
            taken.add(name)
            position += 1
            theme = Theme.objects.create(consultation=consultation, name=name, position=position)
            Comment.objects.filter(pk__in=[comments[i].pk for i in found.members]).update(
                theme=theme
            )
            created.append(theme)
        _log(actor, "consultations.themes_propose", consultation, consultation, count=len(created))
    return created


def comments_set_theme(
    *, actor: User, consultation: Consultation, comment_ids: Sequence[int], theme: Theme | None
) -> int:
    require_perm(actor, ANSWER, consultation)
    if not comment_ids:
        raise ValidationFailed("consultations.nothing_selected", field="comments")
    if theme is not None and theme.consultation_id != consultation.pk:
        raise ValidationFailed("consultations.invalid_choice", field="theme")
    with transaction.atomic():
        count: int = (
            answerable_comments(consultation).filter(pk__in=comment_ids).update(theme=theme)
        )
        _log(
            actor,
            "consultations.comments_theme",
            theme or consultation,
            consultation,
            comments=count,
            theme=theme.name if theme is not None else None,
        )
    return count


@dataclass(frozen=True)
class AnswerText:
    stance: str
    reason: str
    change: str = ""


def _clean_answer(text: AnswerText) -> AnswerText:
    if text.stance not in Stance.values:
        raise ValidationFailed("consultations.stance_required", field="stance")
    if not text.reason.strip():
        raise ValidationFailed("consultations.reason_required", field="reason")
    return AnswerText(text.stance, text.reason.strip(), text.change.strip())


def answer_save(
    *,
    actor: User,
    consultation: Consultation,
    text: AnswerText,
    comment_ids: Sequence[int] = (),
    theme: Theme | None = None,
) -> Answer:
    """One answer to the chosen comments, or to every comment of a theme. A comment that had
    another answer gets this one; an answer left without comments is removed."""
    require_perm(actor, ANSWER, consultation)
    if consultation.status == ConsultationStatus.PUBLISHED:
        raise Conflict("consultations.already_published")
    text = _clean_answer(text)
    if theme is not None and theme.consultation_id != consultation.pk:
        raise ValidationFailed("consultations.invalid_choice", field="theme")
    with transaction.atomic():
        locked = _locked(consultation)
        if locked.status == ConsultationStatus.PUBLISHED:
            raise Conflict("consultations.already_published")
        chosen = answerable_comments(locked)
        chosen = (
            chosen.filter(theme=theme) if theme is not None else chosen.filter(pk__in=comment_ids)
        )
        ids = list(chosen.select_for_update(of=("self",)).values_list("pk", flat=True))
        if not ids:
            raise ValidationFailed("consultations.nothing_selected", field="comments")
        answer = Answer.objects.create(
            consultation=locked,
            theme=theme,
            stance=text.stance,
            reason=text.reason,
            change=text.change,
            answered_by=actor,
            answered_at=timezone.now(),
        )
        Comment.objects.filter(pk__in=ids).update(answer=answer)
        Answer.objects.filter(consultation=locked).annotate(n=Count("comments")).filter(
            n=0
        ).delete()
        _log(actor, "consultations.answer", answer, locked, comments=len(ids))
    return answer


def answer_update(*, actor: User, answer: Answer, text: AnswerText) -> Answer:
    require_perm(actor, ANSWER, answer.consultation)
    text = _clean_answer(text)
    with transaction.atomic():
        locked = _locked(answer.consultation)
        if locked.status == ConsultationStatus.PUBLISHED:
            raise Conflict("consultations.already_published")
        Answer.objects.filter(pk=answer.pk).update(
            stance=text.stance,
            reason=text.reason,
            change=text.change,
            answered_by=actor,
            answered_at=timezone.now(),
        )
        _log(actor, "consultations.answer_update", answer, locked)
    answer.refresh_from_db()
    return answer


# --- The compilation (samrådsredogörelse) ---------------------------------------------------


def unanswered(consultation: Consultation) -> int:
    return answerable_comments(consultation).filter(answer__isnull=True).count()


def compilation_summary_save(
    *, actor: User, consultation: Consultation, summary: str
) -> Consultation:
    """Keep the compilation's summary (Markdown) while it is written; publishing takes it."""
    require_perm(actor, MANAGE, consultation)
    with transaction.atomic():
        locked = _locked(consultation)
        if locked.status == ConsultationStatus.PUBLISHED:
            raise Conflict("consultations.already_published")
        locked.summary = summary.strip()
        locked.save(update_fields=["summary"])
        _log(actor, "consultations.summary_save", locked, locked)
    return locked


def compilation_publish(*, actor: User, consultation: Consultation, summary: str) -> Consultation:
    """Freeze the compilation and publish it: every comment must have an answer and the
    comment period must be over. Everyone who commented is told where to find it."""
    from .compilation import build

    require_perm(actor, MANAGE, consultation)
    with transaction.atomic():
        locked = _locked(consultation)
        if locked.status == ConsultationStatus.PUBLISHED:
            raise Conflict("consultations.already_published")
        if locked.status != ConsultationStatus.OPEN:
            raise Conflict("consultations.not_open")
        if locked.module.allows("comment"):
            raise Conflict("consultations.still_open")
        missing = unanswered(locked)
        if missing:
            raise ValidationFailed("consultations.unanswered", count=missing)
        locked.summary = summary.strip()
        locked.status = CONSULTATION_MACHINE.require(
            locked.status, ConsultationAction.PUBLISH_COMPILATION
        )
        locked.published_at = timezone.now()
        locked.published_by = actor
        locked.compilation = build(locked).as_json()
        locked.save(
            update_fields=["summary", "status", "published_at", "published_by", "compilation"]
        )
        _notify_commenters(
            locked,
            template="consultation_compilation",
            path=reverse("consultations:compilation", kwargs={"module_pk": locked.module_id}),
        )
        _log(actor, "consultations.compilation_publish", locked, locked)
    return locked


def _notify_commenters(
    consultation: Consultation, *, template: str, number: int = 0, path: str = ""
) -> None:
    emails = set(
        answerable_comments(consultation)
        .filter(author__isnull=False, author__is_active=True)
        .exclude(author__email="")
        .values_list("author__email", flat=True)
    )
    context = {
        "title": consultation.title,
        "organisation": str(_organisation(consultation)),
        "number": number,
        "path": path or consultation.get_absolute_url(),
    }
    for email in sorted(emails):
        email_queue(
            recipient=email,
            template=template,
            context=context,
            key=f"{template}:{consultation.pk}:{number}:{email}",
            kind="consultations.feedback",
            organisation=_organisation(consultation),
        )


def comment_counts(consultation: Consultation) -> dict[int, int]:
    """Visible comments per passage key, over all versions (two queries: the counts per
    paragraph, read from an index alone, and the paragraphs' keys). The paragraph is what is
    counted: it is in the index (``consultation_comment_counts``), where counting the id,
    which is not, read every comment from the table (15 → 8 ms at 100,000 comments)."""
    per_paragraph = dict(
        Comment.objects.filter(
            consultation=consultation, status=Comment.Status.PUBLISHED, paragraph__isnull=False
        )
        .order_by()
        .values("paragraph_id")
        .annotate(n=Count("paragraph"))
        .values_list("paragraph_id", "n")
    )
    keys = Paragraph.objects.filter(pk__in=list(per_paragraph)).values_list("pk", "key")
    counts: dict[int, int] = {}
    for pk, key in keys:
        counts[key] = counts.get(key, 0) + per_paragraph[pk]
    return counts


def visible(queryset: Any) -> Any:
    return queryset.filter(Q(status=Comment.Status.PUBLISHED))
