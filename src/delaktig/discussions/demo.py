"""Demo comments for a discussion module; the content is in ``demo_data.toml`` next to it."""

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from delaktig.core.contributions import demo_content
from delaktig.moderation.models import Decision, Rule
from delaktig.participation.models import ProcessModule

from .models import Comment, CommentReport


def _content() -> dict[str, Any]:
    return demo_content(__file__)


def fill_discussion(module: ProcessModule, people: Any, *, count: int = 8, seed: int = 7) -> None:
    content = _content()
    comments, replies, reported = content["comments"], content["replies"], content["reported"]
    rng = random.Random(seed + module.pk)  # noqa: S311 - seeded demo data, not security
    residents = list(people)
    base = module.process.published_at or timezone.now()
    created = []
    for index, text in enumerate(rng.sample(comments, k=min(count, len(comments)))):
        comment = Comment.objects.create(module=module, author=rng.choice(residents), body=text)
        created.append(comment)
        Comment.objects.filter(pk=comment.pk).update(created=base + timedelta(hours=5 + 9 * index))
    for index, text in enumerate(rng.sample(replies, k=2)):
        parent = created[index]
        reply = Comment.objects.create(
            module=module, author=rng.choice(residents), body=text, parent=parent
        )
        Comment.objects.filter(pk=reply.pk).update(created=base + timedelta(hours=30 + index))
    rude = Comment.objects.create(
        module=module, author=rng.choice(residents), body=reported["body"]
    )
    CommentReport.objects.create(
        comment=rude,
        reporter=residents[0],
        reason=CommentReport.Reason(reported["reason"]),
        explanation=reported["explanation"],
    )
    review = content["review"]
    if Comment.objects.filter(body=review["body"]).exists():
        return  # one waiting review in the demo is enough
    now = timezone.now()
    hidden = Comment.objects.create(
        module=module,
        author=rng.choice(residents),
        body=review["body"],
        hidden_at=now - timedelta(days=2),
        hidden_reason=review["reason"],
    )
    # The moderator's decision with its statement of reasons, and the author's request.
    Decision.objects.create(
        organisation_id=module.process.organisation_id,
        kind="discussions.comment",
        object_id=hidden.pk,
        action=Decision.Action.HIDDEN,
        rule=Rule.HARASSMENT,
        reason=review["reason"],
        author=hidden.author,
        review_requested_at=now - timedelta(days=1),
        review_request=review["request"],
    )
