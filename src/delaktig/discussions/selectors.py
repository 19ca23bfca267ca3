from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Q

from .models import Comment

THREADS_PER_PAGE = 25


@dataclass
class ThreadItem:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)


def thread_page(module_id: int, page_number: str | int | None = 1) -> tuple[Page, list[ThreadItem]]:
    """One page of top-level comments, newest first, each with all its replies.

    Three queries whatever the volume: the count, the page of top-level comments, and the
    replies to them.
    """
    top_level = (
        Comment.objects.filter(module_id=module_id, parent__isnull=True)
        .select_related("author", "hidden_by")
        .order_by("-created", "-id")
    )
    page = Paginator(top_level, THREADS_PER_PAGE).get_page(page_number)
    parents = list(page.object_list)
    replies: dict[int, list[Comment]] = defaultdict(list)
    for reply in Comment.objects.filter(parent__in=parents).for_thread():
        replies[reply.parent_id].append(reply)  # type: ignore[index]
    return page, [ThreadItem(c, replies.get(c.pk, [])) for c in parents]


def page_of(comment: Comment) -> int:
    """The page a top-level comment is on, newest first."""
    newer = Comment.objects.filter(module_id=comment.module_id, parent__isnull=True).filter(
        Q(created__gt=comment.created) | Q(created=comment.created, id__gt=comment.pk)
    )
    return newer.count() // THREADS_PER_PAGE + 1
