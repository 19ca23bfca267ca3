"""Writing in a discussion: comments, reports, and moderation shown in the open."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from delaktig.accounts.predicates import require_perm_in_phase
from delaktig.accounts.types import User
from delaktig.core.audit import audit_log
from delaktig.core.errors import RateLimited, ValidationFailed, require_perm
from delaktig.participation.models import ProcessModule

from .models import Comment, CommentReport


def comment_create(
    *, actor: User, module: ProcessModule, body: str, parent: Comment | None = None
) -> Comment:
    """A comment, or a reply to one, while a running phase of the module allows commenting."""
    require_perm_in_phase(actor, "discussions.add_comment", module, action="comment")
    body = body.strip()
    if not body:
        raise ValidationFailed("discussions.empty_comment", field="body")
    if parent is not None and (parent.module_id != module.pk or parent.parent_id is not None):
        # One level of replies keeps threads readable with a screen reader.
        raise ValidationFailed("discussions.reply_to_reply")
    limit, window = settings.DELAKTIG_COMMENT_RATE
    since = timezone.now() - timedelta(seconds=window)
    with transaction.atomic():
        # Counted under a lock on the person, so that parallel posts cannot slip past the limit.
        User.objects.select_for_update().only("pk").get(pk=actor.pk)
        if Comment.objects.filter(author=actor, created__gte=since).count() >= limit:
            raise RateLimited()
        return Comment.objects.create(module=module, author=actor, body=body, parent=parent)


def comment_report(
    *, actor: User, comment: Comment, reason: str, explanation: str = ""
) -> CommentReport:
    """Report a comment to the moderators; reporting it again keeps the first report."""
    require_perm(actor, "discussions.report_comment", comment)
    if reason not in CommentReport.Reason.values:
        raise ValidationFailed("discussions.no_report_reason", field="reason")
    try:
        with transaction.atomic():
            return CommentReport.objects.create(
                comment=comment, reporter=actor, reason=reason, explanation=explanation.strip()
            )
    except IntegrityError:
        # Reporting twice is not an error for the resident: the first report stands.
        return CommentReport.objects.get(comment=comment, reporter=actor)


def comment_hide(*, actor: User, comment: Comment, reason: str) -> Comment:
    """Hide a comment, showing ``reason`` in its place, and close its open reports."""
    require_perm(actor, "discussions.moderate_comment", comment)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("discussions.no_hide_reason", field="reason")
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


def comment_restore(*, actor: User, comment: Comment) -> Comment:
    """Show a hidden comment again."""
    require_perm(actor, "discussions.moderate_comment", comment)
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


def reports_dismiss(*, actor: User, comment: Comment) -> int:
    """Keep the comment visible and mark its open reports as handled."""
    require_perm(actor, "discussions.moderate_comment", comment)
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
