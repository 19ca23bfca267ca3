"""What the discussions app contributes to the platform (see `delaktig.core.contributions`).

Personal data: the comments a person wrote (public records, kept under "Borttagen användare"
once the account is deleted), the comments they reported, and moderators' actions.
"""

from datetime import datetime, timedelta
from typing import Any

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from delaktig.core.contributions import (
    Contribution,
    InboxQueue,
    LegalBasis,
    ModeratedKind,
    PersonalData,
    Retention,
    WorkItem,
    contribute,
    keep,
    staff_records,
)

from . import errors, selectors, services
from .models import Comment, CommentReport


def _export_comments(user: Any) -> list[dict[str, Any]]:
    comments = Comment.objects.filter(author=user).select_related("module__process")
    return [
        {
            "process": c.module.process.title,
            "created": c.created.isoformat(),
            "body": c.body,
            "hidden_reason": c.hidden_reason or None,
        }
        for c in comments.order_by("pk")
    ]


def _export_reports(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "comment_id": r.comment_id,
            "reason": r.reason,
            "explanation": r.explanation,
            "created": r.created.isoformat(),
            "resolved": r.resolved_at.isoformat() if r.resolved_at else None,
        }
        for r in CommentReport.objects.filter(reporter=user).order_by("pk")
    ]


def _erase_reports(user: Any) -> None:
    # A handled report has done its work: the moderator's decision is on the comment and in
    # the audit log. An open one stays for the moderators to judge; it never showed who sent
    # it, and the account it points at is anonymised. The retention rule removes it later.
    CommentReport.objects.filter(reporter=user, resolved_at__isnull=False).delete()


def _apply_reports_retention(organisation: Any, days: int, now: datetime) -> int:
    due = CommentReport.objects.filter(
        comment__module__process__organisation=organisation,
        resolved_at__lte=now - timedelta(days=days),
    )
    removed, _by_model = due.delete()
    return removed


REPORTS_RETENTION = Retention(
    key="comment_reports",
    name=_("Hanterade anmälningar av kommentarer"),
    starts=_("Räknas från att en moderator hanterade anmälan."),
    default_days=365,
    apply=_apply_reports_retention,
)


def _excerpt(comment: Comment) -> str:
    return Truncator(" ".join(comment.body.split())).chars(80)


def _reported_items(user: Any) -> list[WorkItem]:
    items = []
    for c in selectors.reported_comments(viewer=user):
        # Annotated by the selector.
        reports: int = getattr(c, "open_reports", 0)
        detail = ngettext(
            "%(process)s · %(n)d anmälan", "%(process)s · %(n)d anmälningar", reports
        ) % {"process": c.module.process.title, "n": reports}
        items.append(
            WorkItem(
                title=_excerpt(c),
                url=reverse("discussions:comment_moderate", args=[c.pk]),
                detail=detail,
                when=getattr(c, "first_reported", None),
            )
        )
    return items


INBOX = (
    InboxQueue(
        key="discussions.reported",
        name=_("Anmälda kommentarer"),
        explanation=_(
            "Läs kommentaren och anmälningarna. Dölj den med ett skäl som visas öppet, eller "
            "behåll den och avsluta anmälningarna."
        ),
        items=_reported_items,
        count=lambda user: selectors.reported_count(viewer=user),
        order=10,
    ),
)


def _comment_url(comment: Comment) -> str:
    return f"{comment.module.process.get_absolute_url()}#comment-{comment.pk}"


COMMENTS = ModeratedKind(
    key="discussions.comment",
    name=_("Kommentar"),
    module=_("Diskussion"),
    model=Comment,
    text=lambda c: c.body,
    author=lambda c: c.author,
    organisation_id=lambda c: c.module.process.organisation_id,
    url=_comment_url,
    withhold=services.comment_withhold,
    release=services.comment_release,
    hides_in_place=True,
)


contribute(
    Contribution(
        app_label="discussions",
        errors=errors.MESSAGES,
        inbox=INBOX,
        moderated=(COMMENTS,),
        personal_data=(
            PersonalData(
                key="comments",
                name=_("Kommentarer du skrivit"),
                purpose=_("Att visa dina synpunkter i dialogen och ta med dem i underlaget."),
                legal_basis=LegalBasis.PUBLIC_TASK,
                covers=("discussions.Comment.author",),
                export=_export_comments,
                # Comments are allmänna handlingar and stay in the thread under the author's public
                # name, "Borttagen användare" once the account is anonymised.
                erase=keep,
                on_erasure="de-personalised",
                kept_for=_(
                    "En kommentar är en allmän handling och bevaras enligt "
                    "dokumenthanteringsplanen; tar du bort kontot visas den som skriven av "
                    "”Borttagen användare”."
                ),
            ),
            PersonalData(
                key="reports",
                name=_("Kommentarer du anmält"),
                purpose=_("Att moderatorerna kan granska kommentarer som kan bryta mot reglerna."),
                legal_basis=LegalBasis.PUBLIC_TASK,
                covers=("discussions.CommentReport.reporter",),
                export=_export_reports,
                erase=_erase_reports,
                on_erasure="de-personalised",
                retention=REPORTS_RETENTION,
            ),
            staff_records(
                key="discussions_staff",
                fields=("discussions.Comment.hidden_by", "discussions.CommentReport.resolved_by"),
            ),
        ),
    )
)
