"""The life of an information page: one table of allowed transitions, ``MACHINE``. No Django
models here.

    draft ── publish ──▶ published
      ▲                      │
      └────── unpublish ─────┘

A draft is seen by the organisation's officials only; so is a published page under a draft
(the public reaches a page only through published pages).
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from delaktig.core.workflow import StateMachine


class Status(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Action(StrEnum):
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"


STATUS_LABELS = {
    Status.DRAFT: _("Utkast"),
    Status.PUBLISHED: _("Publicerad"),
}

ACTION_LABELS = {
    Action.PUBLISH: _("Publicera"),
    Action.UNPUBLISH: _("Gör till utkast"),
}

TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.DRAFT, Action.PUBLISH): Status.PUBLISHED,
    (Status.PUBLISHED, Action.UNPUBLISH): Status.DRAFT,
}

MACHINE: StateMachine[Status, Action] = StateMachine(TRANSITIONS)
