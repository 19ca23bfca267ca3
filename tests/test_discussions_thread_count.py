"""The thread's counts kept by the database (``discussions.ThreadCount``): whatever writes a
comment, the kept counts equal the comments counted afresh."""

import random
from functools import partial

import pytest
from django.utils import timezone

from delaktig.discussions import services
from delaktig.discussions.models import Comment, ThreadCount
from delaktig.discussions.selectors import Counts, thread_counts
from tests.concurrency import run_together
from tests.factories import CommentFactory, ModuleFactory, UserFactory, open_discussion


def counted(module_id: int) -> Counts:
    shown = Comment.objects.filter(module_id=module_id).shown()
    return Counts(shown=shown.count(), top_level=shown.filter(parent__isnull=True).count())


@pytest.mark.django_db
def test_a_discussion_without_comments_counts_none() -> None:
    module = ModuleFactory()
    assert thread_counts(module_id=module.pk) == Counts(shown=0, top_level=0)
    assert not ThreadCount.objects.filter(module=module).exists()


@pytest.mark.django_db
def test_every_way_a_comment_is_written_is_counted() -> None:
    module, other = ModuleFactory(), ModuleFactory()
    first = CommentFactory(module=module)
    reply = CommentFactory(module=module, parent=first)
    CommentFactory(module=module, held_at=timezone.now())  # held: never in the thread
    assert thread_counts(module_id=module.pk) == Counts(shown=2, top_level=1)

    # Bulk inserts and queryset updates, which no Python signal sees.
    author = UserFactory()
    Comment.objects.bulk_create(
        [Comment(module=module, author=author, body=f"Rad {n}") for n in range(5)]
    )
    assert thread_counts(module_id=module.pk) == Counts(shown=7, top_level=6)
    Comment.objects.filter(body__startswith="Rad").update(held_at=timezone.now())
    assert thread_counts(module_id=module.pk) == Counts(shown=2, top_level=1)
    Comment.objects.filter(body__startswith="Rad").update(held_at=None)
    assert thread_counts(module_id=module.pk) == Counts(shown=7, top_level=6)

    # A moderator's hiding keeps the comment in the thread, with its reason.
    Comment.objects.filter(pk=first.pk).update(hidden_at=timezone.now(), hidden_reason="Hot")
    assert thread_counts(module_id=module.pk) == Counts(shown=7, top_level=6)

    # A reply moved to the top level, and a comment moved to another discussion.
    Comment.objects.filter(pk=reply.pk).update(parent=None)
    assert thread_counts(module_id=module.pk) == Counts(shown=7, top_level=7)
    Comment.objects.filter(pk=reply.pk).update(module=other)
    assert thread_counts(module_id=module.pk) == Counts(shown=6, top_level=6)
    assert thread_counts(module_id=other.pk) == Counts(shown=1, top_level=1)

    # A comment deleted with its replies (a cascade), then the discussion itself.
    CommentFactory(module=module, parent=first)
    assert thread_counts(module_id=module.pk) == Counts(shown=7, top_level=6)
    first.delete()
    assert thread_counts(module_id=module.pk) == Counts(shown=5, top_level=5)
    assert thread_counts(module_id=module.pk) == counted(module.pk)
    module.delete()
    assert not ThreadCount.objects.filter(module_id=module.pk).exists()


@pytest.mark.django_db
def test_the_moderation_services_hold_and_release() -> None:
    module = open_discussion()
    comment = services.comment_create(actor=UserFactory(), module=module, body="En tanke")
    assert thread_counts(module_id=module.pk) == Counts(shown=1, top_level=1)
    comment.held_at = timezone.now()
    comment.save(update_fields=["held_at"])
    assert thread_counts(module_id=module.pk) == Counts(shown=0, top_level=0)
    services.comment_release(comment)
    assert thread_counts(module_id=module.pk) == Counts(shown=1, top_level=1)
    # Saving again with nothing changed counts nothing twice.
    services.comment_release(comment)
    assert thread_counts(module_id=module.pk) == Counts(shown=1, top_level=1)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kept_counts_equal_a_fresh_count_after_random_writes(seed: int) -> None:
    rng = random.Random(seed)
    modules = [ModuleFactory(), ModuleFactory()]
    author = UserFactory()
    for _ in range(120):
        comments = list(Comment.objects.all())
        action = rng.choice(["add", "reply", "hold", "release", "delete", "move"])
        if action == "add" or not comments:
            Comment.objects.create(module=rng.choice(modules), author=author, body="x")
        elif action == "reply":
            parent = rng.choice([c for c in comments if c.parent_id is None] or comments)
            Comment.objects.create(module=parent.module, author=author, body="y", parent=parent)
        elif action == "hold":
            Comment.objects.filter(pk=rng.choice(comments).pk).update(held_at=timezone.now())
        elif action == "release":
            Comment.objects.filter(pk=rng.choice(comments).pk).update(held_at=None)
        elif action == "delete":
            rng.choice(comments).delete()
        else:
            Comment.objects.filter(pk=rng.choice(comments).pk).update(module=rng.choice(modules))
    for module in modules:
        assert thread_counts(module_id=module.pk) == counted(module.pk)


@pytest.mark.django_db(transaction=True)
def test_comments_written_at_once_are_each_counted_once() -> None:
    module = open_discussion()
    people = [UserFactory() for _ in range(8)]
    jobs = [
        partial(services.comment_create, actor=person, module=module, body=f"Samtidigt {n}")
        for n, person in enumerate(people)
    ]
    results, errors = run_together(jobs)
    assert errors == []
    assert len(results) == 8
    assert thread_counts(module_id=module.pk) == Counts(shown=8, top_level=8)
