"""Moving an item up or down among its siblings: one helper for every ordered list.

Items carry an integer ``position``. A move locks the siblings, numbers them ``1..n`` in their
current order (so the numbers shown, "2.3", stay contiguous even after deletions), swaps the item
with its neighbour and saves only the positions that changed. Call it inside the service's
``transaction.atomic()``, after the permission check. A new item goes last, at
:func:`next_position`.
"""

from typing import Any, TypeVar

from django.db import models
from django.db.models import Max

M = TypeVar("M", bound=models.Model)


def move_in_order(siblings: "models.QuerySet[M]", item: M, direction: int) -> list[M]:
    """Swap ``item`` with the sibling before (``direction < 0``) or after it.

    Returns the siblings in their new order. At either end nothing moves, but the numbering is
    still made contiguous. ``siblings`` must include ``item``.
    """
    ordered = list(siblings.select_for_update().order_by("position", "pk"))
    index = next(i for i, sibling in enumerate(ordered) if sibling.pk == item.pk)
    other = index + (1 if direction > 0 else -1)
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    changed = []
    for position, sibling in enumerate(ordered, start=1):
        if getattr(sibling, "position") != position:  # noqa: B009 - any model with "position"
            setattr(sibling, "position", position)  # noqa: B010
            changed.append(sibling)
    if changed:
        type(item)._default_manager.bulk_update(changed, ["position"])
    return ordered


def next_position(
    siblings: "models.QuerySet[Any] | models.Manager[Any]",
    field: str = "position",
    *,
    parent: models.Model | None = None,
) -> int:
    """One more than the highest ``field`` among ``siblings``, 1 when there are none: where a new
    item goes last. Call it inside ``transaction.atomic()``; with ``parent`` (the strategy, the
    plan, the survey) its row is locked first, so that two items added at once get two numbers."""
    if parent is not None:
        type(parent)._default_manager.select_for_update().filter(pk=parent.pk).exists()
    return int(siblings.aggregate(top=Max(field))["top"] or 0) + 1
