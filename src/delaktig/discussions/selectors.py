from collections import defaultdict
from dataclasses import dataclass, field

from .models import Comment


@dataclass
class ThreadItem:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)


def thread_for_module(module_id: int) -> list[ThreadItem]:
    """All comments of a module as top-level items with their replies: one query."""
    comments = list(Comment.objects.filter(module_id=module_id).for_thread())
    replies: dict[int, list[Comment]] = defaultdict(list)
    for comment in comments:
        if comment.parent_id:
            replies[comment.parent_id].append(comment)
    return [ThreadItem(c, replies.get(c.pk, [])) for c in comments if c.parent_id is None]
