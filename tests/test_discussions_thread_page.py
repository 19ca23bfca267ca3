"""A discussion's comments as the process page shows them (``discussions.thread_comment``)."""

import re
from datetime import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import CommentFactory, UserFactory, open_discussion

pytestmark = pytest.mark.django_db


def _article(html: str, pk: int) -> str:
    match = re.search(rf'<article class="[^"]*" id="comment-{pk}".*?</article>', html, re.S)
    assert match is not None, f"comment {pk} not on the page"
    return match.group(0)


def test_a_comment_shows_its_author_time_text_and_a_report_link(client: Client) -> None:
    module = open_discussion()
    author = UserFactory(display_name="Åsa <Admin>")
    created = timezone.make_aware(datetime(2025, 3, 4, 23, 30), timezone.get_fixed_timezone(0))
    comment = CommentFactory(module=module, author=author, body="Rad ett\n<script>x</script>")
    type(comment).objects.filter(pk=comment.pk).update(created=created)
    reply = CommentFactory(module=module, parent=comment, body="Ett svar")

    html = client.get(module.process.get_absolute_url()).content.decode()
    article = _article(html, comment.pk)
    assert 'class="comment"' in article
    assert f'aria-labelledby="comment-{comment.pk}-meta"' in article
    assert "<strong>Åsa &lt;Admin&gt;</strong>" in article
    # In Stockholm's time: 23:30 UTC is half past midnight the next day.
    assert '<time datetime="2025-03-05T00:30:00+01:00">5 mars 2025 00:30</time>' in article
    assert "<p>Rad ett<br>&lt;script&gt;x&lt;/script&gt;</p>" in article
    report = reverse("discussions:comment_report", args=[comment.pk])
    assert f'<a href="{report}">Anmäl<span class="visually-hidden"> kommentaren från ' in article
    assert "Ett svar" in _article(html, reply.pk)
    assert html.index(f'id="comment-{comment.pk}"') < html.index(f'id="comment-{reply.pk}"')


def test_a_hidden_comment_shows_the_reason_and_its_author_the_decision(client: Client) -> None:
    module = open_discussion()
    author = UserFactory()
    comment = CommentFactory(
        module=module,
        author=author,
        body="Något otrevligt",
        hidden_at=timezone.now(),
        hidden_reason="Personangrepp",
    )
    decision = reverse("discussions:comment_decision", args=[comment.pk])

    html = client.get(module.process.get_absolute_url()).content.decode()
    article = _article(html, comment.pk)
    assert 'class="comment comment--hidden"' in article
    assert "Kommentaren är dold av en moderator." in article and "Personangrepp" in article
    assert "Något otrevligt" not in html
    assert "Anmäl" not in article and decision not in article

    client.force_login(UserFactory())
    assert decision not in _article(
        client.get(module.process.get_absolute_url()).content.decode(), comment.pk
    )

    client.force_login(author)
    article = _article(client.get(module.process.get_absolute_url()).content.decode(), comment.pk)
    assert f'Det här är din kommentar. <a href="{decision}">' in article


def test_the_thread_in_english(client: Client) -> None:
    module = open_discussion()
    comment = CommentFactory(module=module, author=UserFactory(display_name="Kim"))
    hidden = CommentFactory(module=module, hidden_at=timezone.now(), hidden_reason="Spam")
    client.cookies["django_language"] = "en"
    html = client.get(module.process.get_absolute_url()).content.decode()
    assert 'Report<span class="visually-hidden"> the comment from Kim</span>' in _article(
        html, comment.pk
    )
    assert "The comment has been hidden by a moderator." in _article(html, hidden.pk)
    assert "2 comments" in html
