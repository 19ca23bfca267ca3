"""Writing in a discussion: comments, reports, and moderation shown in the open."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from delaktig.accounts.predicates import require_perm_in_phase
from delaktig.accounts.types import User
from delaktig.core.audit import audit_log
from delaktig.core.errors import Conflict, RateLimited, ValidationFailed, require_perm
from delaktig.notifications.outbox import email_queue
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


# The kind of e-mail an author gets when a moderator decides about their text.
MODERATION_NOTICE = "discussions.moderation"


def _tell_author(comment: Comment, template: str, key: str) -> None:
    """E-mail the author what a moderator decided, once per decision (``key``)."""
    author = comment.author
    if not author.is_active or not author.email:
        return
    process = comment.module.process
    email_queue(
        recipient=author.email,
        template=template,
        context={
            "title": process.title,
            "path": f"{process.get_absolute_url()}#comment-{comment.pk}",
            "review_path": reverse("discussions:comment_review", args=[comment.pk]),
            "body": comment.body,
            "reason": comment.hidden_reason,
            "reply": comment.review_reply,
        },
        key=f"{template}:{comment.pk}:{key}",
        kind=MODERATION_NOTICE,
    )


def comment_hide(*, actor: User, comment: Comment, reason: str) -> Comment:
    """Hide a comment, showing ``reason`` in its place, close its open reports, and tell the
    author why and how to ask for a review."""
    require_perm(actor, "discussions.moderate_comment", comment)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("discussions.no_hide_reason", field="reason")
    now = timezone.now()
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update()
            .select_related("author", "module__process")
            .get(pk=comment.pk)
        )
        comment.hidden_at = now
        comment.hidden_by = actor
        comment.hidden_reason = reason[:300]
        # A new decision: the author may ask for a review of it.
        comment.review_requested_at = comment.reviewed_at = None
        comment.review_request = comment.review_reply = ""
        comment.save(update_fields=[*HIDING_FIELDS, *REVIEW_FIELDS])
        comment.reports.filter(resolved_at__isnull=True).update(resolved_at=now, resolved_by=actor)
        audit_log(
            actor=actor,
            action="comment.hide",
            target=comment,
            organisation=comment.module.process.organisation,
            data={"reason": reason},
        )
        _tell_author(comment, "comment_hidden", now.isoformat())
    return comment


HIDING_FIELDS = ["hidden_at", "hidden_by", "hidden_reason"]
REVIEW_FIELDS = ["review_requested_at", "review_request", "reviewed_at", "review_reply"]


def comment_restore(*, actor: User, comment: Comment) -> Comment:
    """Show a hidden comment again, and tell the author."""
    require_perm(actor, "discussions.moderate_comment", comment)
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update()
            .select_related("author", "module__process")
            .get(pk=comment.pk)
        )
        hidden_at = comment.hidden_at
        comment.hidden_at = None
        comment.hidden_by = None
        comment.hidden_reason = ""
        comment.review_requested_at = comment.reviewed_at = None
        comment.review_request = comment.review_reply = ""
        comment.save(update_fields=[*HIDING_FIELDS, *REVIEW_FIELDS])
        audit_log(
            actor=actor,
            action="comment.restore",
            target=comment,
            organisation=comment.module.process.organisation,
        )
        if hidden_at is not None:
            _tell_author(comment, "comment_restored", hidden_at.isoformat())
    return comment


def comment_review_request(*, actor: User, comment: Comment, explanation: str = "") -> Comment:
    """The author asks a moderator to look again at the hiding of their comment; it waits in
    the moderators' inbox until they show it again or keep it hidden with a reply."""
    require_perm(actor, "discussions.request_comment_review", comment)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if not comment.is_hidden:
            raise Conflict("discussions.comment_not_hidden")
        if comment.review_requested_at is not None:
            raise Conflict("discussions.review_already_requested")
        comment.review_requested_at = timezone.now()
        comment.review_request = explanation.strip()[:1000]
        comment.save(update_fields=["review_requested_at", "review_request"])
        audit_log(
            actor=actor,
            action="comment.review_request",
            target=comment,
            organisation=comment.module.process.organisation,
        )
    return comment


def comment_review_keep(*, actor: User, comment: Comment, reply: str) -> Comment:
    """Keep a comment hidden after the author asked for a review, with a reply to them."""
    require_perm(actor, "discussions.moderate_comment", comment)
    reply = reply.strip()
    if not reply:
        raise ValidationFailed("discussions.no_review_reply", field="reply")
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update()
            .select_related("author", "module__process")
            .get(pk=comment.pk)
        )
        if not comment.review_pending:
            raise Conflict("discussions.no_review_pending")
        comment.reviewed_at = timezone.now()
        comment.review_reply = reply[:1000]
        comment.save(update_fields=["reviewed_at", "review_reply"])
        audit_log(
            actor=actor,
            action="comment.review_keep",
            target=comment,
            organisation=comment.module.process.organisation,
            data={"reply": reply},
        )
        _tell_author(comment, "comment_review_kept", comment.reviewed_at.isoformat())
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
