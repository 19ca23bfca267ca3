"""Writing in a discussion: comments, reports, and moderation shown in the open."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from delaktig.accounts.predicates import require_perm_in_phase
from delaktig.accounts.types import User
from delaktig.core.audit import audit_log
from delaktig.core.errors import NotFound, RateLimited, ValidationFailed, require_perm
from delaktig.moderation import services as moderation
from delaktig.moderation.models import Decision
from delaktig.participation.models import ProcessModule

from .models import Comment, CommentReport


def comment_create(
    *,
    actor: User,
    module: ProcessModule,
    body: str,
    parent: Comment | None = None,
    personal_data_ok: bool = False,
    accept_rules: bool = False,
) -> Comment:
    """A comment, or a reply to one, while a running phase of the module allows commenting.

    Screened first (:mod:`delaktig.moderation.services`): personal data is pointed out to the
    writer (``personal_data_ok`` sends it anyway), and a comment in which screening finds a
    threat, hate or harassment waits for a moderator (``held_at``) instead of being published.
    """
    require_perm_in_phase(actor, "discussions.add_comment", module, action="comment")
    body = body.strip()
    if not body:
        raise ValidationFailed("discussions.empty_comment", field="body")
    screened = moderation.submission_check(
        actor=actor,
        organisation_id=module.process.organisation_id,
        text=body,
        field="body",
        personal_data_ok=personal_data_ok,
        accept_rules=accept_rules,
    )
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
        comment = Comment.objects.create(module=module, author=actor, body=body, parent=parent)
        moderation.screening_apply(kind=COMMENT, item=comment, result=screened)
        return comment


def comment_report(
    *, actor: User, comment: Comment, reason: str, explanation: str = ""
) -> CommentReport:
    """Report a comment to the moderators; reporting it again keeps the first report."""
    require_perm(actor, "discussions.report_comment", comment)
    if comment.is_held or comment.is_hidden:
        raise NotFound()
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


# The kind of text the moderation service knows comments as (see contributions.py).
COMMENT = "discussions.comment"


def comment_withhold(item: Comment, decision: Decision) -> None:
    """The moderation service's way to take a comment out of the thread: a moderator's hiding
    leaves the reason in its place; screening's hold or a rejection keeps it out entirely."""
    now = timezone.now()
    if decision.action == Decision.Action.HIDDEN:
        item.hidden_at, item.hidden_by, item.hidden_reason = (
            now,
            decision.decided_by,
            decision.reason[:300],
        )
    else:
        item.held_at = item.held_at or now
    item.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "held_at"])
    if decision.decided_by is not None:
        item.reports.filter(resolved_at__isnull=True).update(
            resolved_at=now, resolved_by=decision.decided_by
        )


def comment_release(item: Comment) -> None:
    item.hidden_at = item.held_at = item.hidden_by = None
    item.hidden_reason = ""
    item.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "held_at"])


def comment_hide(*, actor: User, comment: Comment, rule: str, reason: str) -> Decision:
    """Hide a comment, showing ``reason`` in its place, close its open reports, and tell the
    author the rule, the reason and how to ask for a review (the moderation service)."""
    require_perm(actor, "discussions.moderate_comment", comment)
    return moderation.decision_withhold(
        actor=actor, kind=COMMENT, item=comment, action="hidden", rule=rule, reason=reason
    )


def comment_restore(*, actor: User, comment: Comment) -> Decision:
    """Show a hidden (or publish a held) comment, and tell the author."""
    require_perm(actor, "discussions.moderate_comment", comment)
    return moderation.decision_release(actor=actor, kind=COMMENT, item=comment)


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
