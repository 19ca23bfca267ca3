"""Statements' moderation moves to the moderation app: each statement a moderator rejected
gets a decision with its statement of reasons (and the author's review request, with its
answer if a moderator rejected it again), then the review fields on the statement go.

A statement whose author asked for a review waited as ``pending``; it goes back to
``rejected`` with the request open on its decision, where another moderator answers it (the
moderation app's review queue). Statements moderated out in an imported Polis conversation
are not decisions made here and get none; a statement published again after a review keeps
no decision either (the rejection's reason was not kept; the audit log has the history)."""

from django.db import migrations
from django.db.models import Q

KIND = "opinionmaps.statement"
# services.REJECTED_IN_POLIS when this migration was written.
REJECTED_IN_POLIS = "Modererades bort i Polis."


def rejected_statements_to_decisions(apps, schema_editor):
    Statement = apps.get_model("opinionmaps", "Statement")
    Decision = apps.get_model("moderation", "Decision")
    decided = (
        Statement.objects.filter(
            Q(status="rejected") | Q(status="pending", review_requested_at__isnull=False)
        )
        .exclude(moderated_by__isnull=True, rejection_reason=REJECTED_IN_POLIS)
        .select_related("map__module__process", "author")
    )
    for statement in decided.iterator():
        asked = statement.review_requested_at
        # Rejected again after the author asked: the new reason answered the request.
        answered = asked is not None and statement.status == "rejected"
        decision = Decision.objects.create(
            organisation_id=statement.map.module.process.organisation_id,
            kind=KIND,
            object_id=statement.pk,
            action="rejected",
            rule="other",
            reason=(statement.rejection_reason or "–")[:500],
            # Who rejected the first time was not kept once a moderator decided again.
            decided_by_id=None if answered else statement.moderated_by_id,
            author_id=statement.author.user_id if statement.author_id else None,
            review_requested_at=asked,
            review_request=statement.review_request,
            reviewed_at=statement.moderated_at if answered else None,
            reviewed_by_id=statement.moderated_by_id if answered else None,
            outcome="upheld" if answered else "",
            review_reply=statement.rejection_reason if answered else "",
        )
        created = (asked if answered else statement.moderated_at) or statement.created
        Decision.objects.filter(pk=decision.pk).update(created=created)
        if statement.status == "pending":
            Statement.objects.filter(pk=statement.pk).update(status="rejected")


def decisions_to_review_fields(apps, schema_editor):
    """Back again: the latest decision's review request returns to its statement (a request
    still open puts the statement back to pending, as before), and the decisions go."""
    Statement = apps.get_model("opinionmaps", "Statement")
    Decision = apps.get_model("moderation", "Decision")
    decisions = Decision.objects.filter(kind=KIND)
    for decision in decisions.filter(review_requested_at__isnull=False).order_by("pk"):
        fields = {
            "review_requested_at": decision.review_requested_at,
            "review_request": decision.review_request,
        }
        if decision.reviewed_at is None:
            fields["status"] = "pending"
        Statement.objects.filter(pk=decision.object_id).update(**fields)
    decisions.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("opinionmaps", "0003_statement_review"),
        ("moderation", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(rejected_statements_to_decisions, decisions_to_review_fields),
        migrations.RemoveField(model_name="statement", name="review_request"),
        migrations.RemoveField(model_name="statement", name="review_requested_at"),
    ]
