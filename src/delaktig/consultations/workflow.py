"""The life of a consultation on a draft document: a table of allowed transitions. No models.

::

    draft ── open ──▶ open ── publish_compilation ──▶ published

A consultation is a draft while staff prepare its first version; publishing that version opens
it. Comments come in while it is open and a comment phase of its module runs; officials answer
them as they come. Publishing the compilation (samrådsredogörelse) needs every comment answered
and the comment period over, freezes the compilation as a record and cannot be undone. New
versions of the document may be published at any time before and after.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from delaktig.core.workflow import StateMachine


class ConsultationStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    PUBLISHED = "published"


class ConsultationAction(StrEnum):
    OPEN = "open"
    PUBLISH_COMPILATION = "publish_compilation"


STATUS_LABELS = {
    ConsultationStatus.DRAFT: _("Utkastet förbereds"),
    ConsultationStatus.OPEN: _("Utkastet är ute på samråd"),
    ConsultationStatus.PUBLISHED: _("Samrådsredogörelsen är publicerad"),
}

CONSULTATION_MACHINE: StateMachine[ConsultationStatus, ConsultationAction] = StateMachine(
    {
        (ConsultationStatus.DRAFT, ConsultationAction.OPEN): ConsultationStatus.OPEN,
        (
            ConsultationStatus.OPEN,
            ConsultationAction.PUBLISH_COMPILATION,
        ): ConsultationStatus.PUBLISHED,
    }
)
