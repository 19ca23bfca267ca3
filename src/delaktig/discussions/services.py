from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delaktig.core.audit import audit_log
from delaktig.core.errors import (
    NotAllowedInPhase,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
)
from delaktig.participation.models import ProcessModule

from .models import Comment, CommentReport


def comment_create(
    *, author: Any, module: ProcessModule, body: str, parent: Comment | None = None
) -> Comment:
    if not author.is_authenticated:
        raise PermissionDenied()
    if not module.allows("comment"):
        raise NotAllowedInPhase()
    body = body.strip()
    if not body:
        raise ValidationFailed(_("Skriv något innan du skickar."))
    if parent is not None and (parent.module_id != module.pk or parent.parent_id is not None):
        # One level of replies keeps threads readable with a screen reader.
        raise ValidationFailed(_("Det går bara att svara på en kommentar, inte på ett svar."))
    limit, window = settings.DELAKTIG_COMMENT_RATE
    since = timezone.now() - timedelta(seconds=window)
    with transaction.atomic():
        if Comment.objects.filter(author=author, created__gte=since).count() >= limit:
            raise RateLimited()
        return Comment.objects.create(module=module, author=author, body=body, parent=parent)


def comment_report(
    *, reporter: Any, comment: Comment, reason: str, explanation: str = ""
) -> CommentReport:
    if not reporter.has_perm("discussions.report_comment", comment):
        raise PermissionDenied()
    if reason not in CommentReport.Reason.values:
        raise ValidationFailed(_("Välj ett skäl."))
    try:
        with transaction.atomic():
            return CommentReport.objects.create(
                comment=comment, reporter=reporter, reason=reason, explanation=explanation.strip()
            )
    except IntegrityError:
        # Reporting twice is not an error for the resident: the first report stands.
        return CommentReport.objects.get(comment=comment, reporter=reporter)


def comment_hide(*, actor: Any, comment: Comment, reason: str) -> Comment:
    if not actor.has_perm("discussions.moderate_comment", comment.module.process):
        raise PermissionDenied()
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Ange ett skäl. Det visas i kommentarens ställe."))
    now = timezone.now()
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        comment.hidden_at = now
        comment.hidden_by = actor
        comment.hidden_reason = reason[:300]
        comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        comment.reports.filter(resolved_at__isnull=True).update(resolved_at=now, resolved_by=actor)
        audit_log(
            actor=actor,
            action="comment.hide",
            target=comment,
            organisation=comment.module.process.organisation,
            data={"reason": reason},
        )
    return comment


def comment_restore(*, actor: Any, comment: Comment) -> Comment:
    if not actor.has_perm("discussions.moderate_comment", comment.module.process):
        raise PermissionDenied()
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        comment.hidden_at = None
        comment.hidden_by = None
        comment.hidden_reason = ""
        comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        audit_log(
            actor=actor,
            action="comment.restore",
            target=comment,
            organisation=comment.module.process.organisation,
        )
    return comment


def reports_dismiss(*, actor: Any, comment: Comment) -> int:
    """Keep the comment visible and mark its open reports as handled."""
    if not actor.has_perm("discussions.moderate_comment", comment.module.process):
        raise PermissionDenied()
    with transaction.atomic():
        count = comment.reports.filter(resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=actor
        )
        audit_log(
            actor=actor,
            action="comment.reports_dismissed",
            target=comment,
            organisation=comment.module.process.organisation,
            data={"count": count},
        )
    return count
