"""Discussions in the platform registry: comments, reports and moderators' records."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from delaktig.accounts.services import account_delete, personal_data_export
from delaktig.core import contributions
from delaktig.discussions import services
from delaktig.discussions.models import Comment, CommentReport
from delaktig.discussions.modules import export_csv
from tests.factories import CommentFactory, UserFactory, open_discussion, role

pytestmark = pytest.mark.django_db

NAME = "Anna Andersson"


def test_export_holds_comments_and_reports_but_not_other_peoples_names() -> None:
    module = open_discussion()
    user = UserFactory(display_name=NAME)
    other = UserFactory(display_name="Bertil Bengtsson")
    theirs = CommentFactory(module=module, author=other, body="Någon annans text")
    mine = CommentFactory(module=module, author=user, body="Min kommentar", parent=theirs)
    services.comment_report(
        actor=user, comment=theirs, reason="spam", explanation="Reklam för en butik."
    )

    data = personal_data_export(user=user)
    assert data["comments"] == [
        {
            "process": module.process.title,
            "created": mine.created.isoformat(),
            "body": "Min kommentar",
            "hidden_reason": None,
        }
    ]
    assert data["reports"][0]["comment_id"] == theirs.pk
    assert data["reports"][0]["reason"] == "spam"
    assert data["reports"][0]["explanation"] == "Reklam för en butik."
    assert data["reports"][0]["resolved"] is None
    assert "Bertil" not in json.dumps(data["comments"] + data["reports"])


def test_moderators_actions_are_exported_as_staff_records_and_kept() -> None:
    module = open_discussion()
    moderator = role(UserFactory(), "moderator", module.process.organisation)
    comment = CommentFactory(module=module)
    services.comment_report(actor=UserFactory(), comment=comment, reason="spam")
    services.comment_hide(actor=moderator, comment=comment, rule="spam", reason="Reklam.")
    records = personal_data_export(user=moderator)["discussions_staff"]
    assert {r["kind"] for r in records} == {"kommentar", "anmälan"}
    account_delete(user=moderator)
    comment.refresh_from_db()
    assert comment.hidden_by_id == moderator.pk
    assert CommentReport.objects.get().resolved_by_id == moderator.pk


def test_comments_stay_under_deleted_user_on_the_page_and_in_the_export(client: Client) -> None:
    module = open_discussion()
    user = UserFactory(display_name=NAME)
    comment = CommentFactory(module=module, author=user, body="Allmän handling")
    reply = CommentFactory(module=module, author=UserFactory(), body="Ett svar", parent=comment)

    account_delete(user=user)
    account_delete(user=user)  # twice is harmless

    assert Comment.objects.filter(pk__in=[comment.pk, reply.pk]).count() == 2
    comment.refresh_from_db()
    assert comment.body == "Allmän handling" and comment.author_id == user.pk
    html = client.get(module.process.get_absolute_url()).content.decode()
    assert "Allmän handling" in html and NAME not in html and "Borttagen användare" in html
    _name, _type, csv_bytes = export_csv(module)
    text = csv_bytes.decode()
    assert "Allmän handling" in text and NAME not in text and "Borttagen användare" in text


def test_deletion_removes_handled_reports_and_keeps_open_ones_for_moderation() -> None:
    module = open_discussion()
    moderator = role(UserFactory(), "moderator", module.process.organisation)
    reporter = UserFactory(display_name=NAME)
    handled = CommentFactory(module=module)
    still_open = CommentFactory(module=module)
    services.comment_report(actor=reporter, comment=handled, reason="spam")
    services.reports_dismiss(actor=moderator, comment=handled)
    services.comment_report(
        actor=reporter, comment=still_open, reason="hot_och_hat", explanation="Ett hot."
    )
    someone_else = services.comment_report(actor=UserFactory(), comment=handled, reason="annat")
    services.reports_dismiss(actor=moderator, comment=handled)

    account_delete(user=reporter)

    assert list(
        CommentReport.objects.filter(reporter=reporter).values_list("comment", flat=True)
    ) == [still_open.pk]
    assert CommentReport.objects.filter(pk=someone_else.pk).exists()
    reporter.refresh_from_db()
    assert reporter.public_name == "Borttagen användare" and reporter.email == ""


def test_reports_retention_removes_only_handled_reports_due_in_the_organisation() -> None:
    rule = contributions.retention("comment_reports")
    module = open_discussion()
    other_module = open_discussion()
    now = timezone.now()
    due = CommentReport.objects.create(
        comment=CommentFactory(module=module),
        reporter=UserFactory(),
        reason="spam",
        resolved_at=now - timedelta(days=365),
    )
    not_yet = CommentReport.objects.create(
        comment=CommentFactory(module=module),
        reporter=UserFactory(),
        reason="spam",
        resolved_at=now - timedelta(days=365) + timedelta(seconds=1),
    )
    still_open = CommentReport.objects.create(
        comment=CommentFactory(module=module), reporter=UserFactory(), reason="spam"
    )
    CommentReport.objects.filter(pk=still_open.pk).update(created=now - timedelta(days=900))
    foreign = CommentReport.objects.create(
        comment=CommentFactory(module=other_module),
        reporter=UserFactory(),
        reason="spam",
        resolved_at=now - timedelta(days=900),
    )

    assert rule.apply(module.process.organisation, 365, now) == 1
    assert rule.apply(module.process.organisation, 365, now) == 0  # idempotent
    remaining = set(CommentReport.objects.values_list("pk", flat=True))
    assert remaining == {not_yet.pk, still_open.pk, foreign.pk}
    assert due.comment.pk in set(Comment.objects.values_list("pk", flat=True))
    assert rule.apply(other_module.process.organisation, 365, now) == 1
