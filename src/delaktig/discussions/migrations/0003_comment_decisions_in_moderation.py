"""Comments' moderation moves to the moderation app: each hidden comment gets a decision with
its statement of reasons (and the author's review request, if any), then the review fields on
the comment go. Comments held by screening are marked with ``held_at``."""

from django.db import migrations, models


def hidden_comments_to_decisions(apps, schema_editor):
    Comment = apps.get_model("discussions", "Comment")
    Decision = apps.get_model("moderation", "Decision")
    hidden = Comment.objects.filter(hidden_at__isnull=False).select_related("module__process")
    for comment in hidden.iterator():
        Decision.objects.create(
            organisation_id=comment.module.process.organisation_id,
            kind="discussions.comment",
            object_id=comment.pk,
            action="hidden",
            rule="other",
            reason=comment.hidden_reason or "–",
            decided_by_id=comment.hidden_by_id,
            author_id=comment.author_id,
            review_requested_at=comment.review_requested_at,
            review_request=comment.review_request,
            reviewed_at=comment.reviewed_at,
            # The old review did not record who answered it.
            reviewed_by_id=None,
            outcome="upheld" if comment.reviewed_at else "",
            review_reply=comment.review_reply,
        )
        Decision.objects.filter(kind="discussions.comment", object_id=comment.pk).update(
            created=comment.hidden_at
        )


def decisions_to_review_fields(apps, schema_editor):
    """Back again: a hidden comment's review request returns to it from its latest decision,
    a held comment (which the old code could not express) is hidden with a reason, and the
    decisions go."""
    Comment = apps.get_model("discussions", "Comment")
    Decision = apps.get_model("moderation", "Decision")
    Comment.objects.filter(held_at__isnull=False).update(
        hidden_at=models.F("held_at"), hidden_reason="Granskas av en moderator."
    )
    decisions = Decision.objects.filter(kind="discussions.comment")
    for decision in decisions.filter(review_requested_at__isnull=False).order_by("pk"):
        Comment.objects.filter(pk=decision.object_id).update(
            review_requested_at=decision.review_requested_at,
            review_request=decision.review_request,
            reviewed_at=decision.reviewed_at,
            review_reply=decision.review_reply,
        )
    decisions.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("discussions", "0002_comment_review"),
        ("moderation", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="held_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(hidden_comments_to_decisions, decisions_to_review_fields),
        migrations.RemoveField(model_name="comment", name="review_reply"),
        migrations.RemoveField(model_name="comment", name="review_request"),
        migrations.RemoveField(model_name="comment", name="review_requested_at"),
        migrations.RemoveField(model_name="comment", name="reviewed_at"),
    ]
