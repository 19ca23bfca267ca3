from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from delaktig.core.errors import (
    NotAllowedInPhase,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
)
from delaktig.core.models import AuditEntry
from delaktig.discussions import services
from delaktig.discussions.models import CommentReport
from tests.factories import CommentFactory, UserFactory, open_discussion, role

pytestmark = pytest.mark.django_db


def test_comment_and_reply_in_running_phase() -> None:
    module = open_discussion()
    author = UserFactory()
    comment = services.comment_create(actor=author, module=module, body="  Bra idé  ")
    assert comment.body == "Bra idé"
    reply = services.comment_create(
        actor=UserFactory(), module=module, body="Håller med", parent=comment
    )
    assert reply.parent == comment
    with pytest.raises(ValidationFailed):
        services.comment_create(actor=author, module=module, body="Svar på svar", parent=reply)


def test_comment_refused_outside_phase_and_when_closed() -> None:
    module = open_discussion()
    phase = module.phases.get()
    phase.starts_at = timezone.now() + timedelta(days=1)
    phase.ends_at = timezone.now() + timedelta(days=2)
    phase.save()
    with pytest.raises(NotAllowedInPhase):
        services.comment_create(actor=UserFactory(), module=module, body="x")
    closed = open_discussion(status="closed")
    with pytest.raises(NotAllowedInPhase):
        services.comment_create(actor=UserFactory(), module=closed, body="x")


def test_phase_edges_start_inclusive_end_exclusive(time_machine: Any) -> None:
    module = open_discussion()
    phase = module.phases.get()
    time_machine.move_to(phase.ends_at - timedelta(seconds=1))
    assert module.allows("comment")
    time_machine.move_to(phase.ends_at)
    assert not module.allows("comment")
    time_machine.move_to(phase.starts_at)
    assert module.allows("comment")


def test_empty_comment_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        services.comment_create(actor=UserFactory(), module=open_discussion(), body="   ")


@override_settings(DELAKTIG_COMMENT_RATE=(3, 60))
def test_rate_limit_per_person() -> None:
    module = open_discussion()
    author = UserFactory()
    for n in range(3):
        services.comment_create(actor=author, module=module, body=f"Inlägg {n}")
    with pytest.raises(RateLimited):
        services.comment_create(actor=author, module=module, body="Ett till")
    services.comment_create(actor=UserFactory(), module=module, body="Någon annan får skriva")


def test_report_once_per_person() -> None:
    comment = CommentFactory(module=open_discussion())
    reporter = UserFactory()
    first = services.comment_report(actor=reporter, comment=comment, reason="spam")
    again = services.comment_report(actor=reporter, comment=comment, reason="annat")
    assert first.pk == again.pk
    assert CommentReport.objects.count() == 1
    with pytest.raises(ValidationFailed):
        services.comment_report(actor=UserFactory(), comment=comment, reason="påhittat")


def test_hide_needs_reason_and_permission_and_resolves_reports() -> None:
    module = open_discussion()
    comment = CommentFactory(module=module)
    services.comment_report(actor=UserFactory(), comment=comment, reason="hot_och_hat")
    moderator = role(UserFactory(), "moderator", module.process.organisation)
    with pytest.raises(PermissionDenied):
        services.comment_hide(actor=UserFactory(), comment=comment, rule="other", reason="Nej")
    other = role(UserFactory(), "moderator", open_discussion().process.organisation)
    with pytest.raises(PermissionDenied):
        services.comment_hide(actor=other, comment=comment, rule="other", reason="Nej")
    with pytest.raises(ValidationFailed):
        services.comment_hide(actor=moderator, comment=comment, rule="other", reason=" ")
    decision = services.comment_hide(
        actor=moderator, comment=comment, rule="harassment", reason="Personangrepp"
    )
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_reason == "Personangrepp"
    assert decision.rule == "harassment" and decision.decided_by == moderator
    assert not comment.reports.filter(resolved_at__isnull=True).exists()
    assert AuditEntry.objects.filter(action="moderation.hidden", actor=moderator).exists()
    services.comment_restore(actor=moderator, comment=comment)
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_threads_are_paginated_newest_first_and_replies_land_on_their_page(
    client: Any,
) -> None:
    from django.urls import reverse

    from delaktig.discussions.selectors import THREADS_PER_PAGE, page_of, thread_page

    module = open_discussion()
    comments = [
        CommentFactory(module=module, body=f"Kommentar {n}") for n in range(THREADS_PER_PAGE + 3)
    ]
    page, items = thread_page(module_id=module.pk, page_number=1)
    assert page.paginator.num_pages == 2
    assert items[0].comment == comments[-1]
    oldest = comments[0]
    assert page_of(comment=oldest) == 2 and page_of(comment=comments[-1]) == 1
    client.force_login(UserFactory())
    response = client.post(
        reverse("discussions:comment_create", args=[module.pk]),
        {f"m{module.pk}-body": "Svar", f"m{module.pk}-parent": oldest.pk},
    )
    assert f"?kommentarer-{module.pk}=2#comment-" in response["Location"]
    html = client.get(response["Location"]).content.decode()
    assert "Kommentar 0" in html and "Svar" in html
    assert f"{THREADS_PER_PAGE + 4} kommentarer" in html


def test_the_review_page_shows_what_the_reports_say_not_who_sent_them(client: Any) -> None:
    from django.urls import reverse

    module = open_discussion()
    comment = CommentFactory(module=module)
    reporter = UserFactory(first_name="Anmälare", last_name="Anmälarsson")
    services.comment_report(
        actor=reporter, comment=comment, reason="spam", explanation="Länkar till en butik"
    )
    services.comment_report(actor=UserFactory(), comment=comment, reason="utanfor_amnet")
    client.force_login(role(UserFactory(), "moderator", module.process.organisation))
    response = client.get(reverse("discussions:comment_moderate", args=[comment.pk]))
    html = response.content.decode()
    assert "2 anmälningar" in html
    assert "Reklam eller spam: Länkar till en butik" in html
    assert "Hör inte till ämnet" in html
    assert "Anmälarsson" not in html


def test_a_discussion_says_whether_it_opens_later_or_has_closed(client: Any) -> None:
    later = open_discussion()
    phase = later.phases.get()
    phase.starts_at = timezone.now() + timedelta(days=1)
    phase.ends_at = timezone.now() + timedelta(days=2)
    phase.save()
    page = client.get(later.process.get_absolute_url()).content.decode()
    assert "Det går inte att kommentera just nu" in page and "Diskussionen är stängd" not in page
    ended = open_discussion()
    phase = ended.phases.get()
    phase.starts_at = timezone.now() - timedelta(days=2)
    phase.ends_at = timezone.now() - timedelta(days=1)
    phase.save()
    closed = open_discussion(status="closed")
    for module in (ended, closed):
        page = client.get(module.process.get_absolute_url()).content.decode()
        assert "Diskussionen är stängd. Det går inte längre att kommentera." in page
        assert "just nu" not in page
