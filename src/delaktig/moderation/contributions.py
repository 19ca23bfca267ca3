"""What the moderation app contributes to the platform (see `delaktig.core.contributions`).

Personal data: the decisions about texts a person wrote (the moderation record, kept with the
account anonymised), their requests for review, and their acceptance of conversation rules.
"""

from typing import Any

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from delaktig.core.contributions import (
    Contribution,
    DemoContext,
    DemoData,
    InboxQueue,
    LegalBasis,
    MineSection,
    NotificationKind,
    PersonalData,
    WorkItem,
    contribute,
    demo_content,
    keep,
    moderated_kind,
    staff_records,
)

from . import errors, selectors
from .models import ConversationRules, Decision, RulesAcceptance


def _export_decisions(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "kind": d.kind,
            "object_id": d.object_id,
            "action": d.action,
            "rule": d.rule,
            "reason": d.reason,
            "automated": d.automated,
            "created": d.created.isoformat(),
            "review_request": d.review_request or None,
            "review_reply": d.review_reply or None,
        }
        for d in Decision.objects.filter(author=user).order_by("pk")
    ]


def _export_acceptances(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "organisation": a.organisation.name,
            "version": a.version,
            "accepted": a.accepted.isoformat(),
        }
        for a in RulesAcceptance.objects.filter(user=user).select_related("organisation")
    ]


def _erase_acceptances(user: Any) -> None:
    RulesAcceptance.objects.filter(user=user).delete()


def _excerpts(decisions: list[Decision]) -> dict[int, str]:
    """The text each decision is about, shortened, with one query per kind of text."""
    wanted: dict[str, list[int]] = {}
    for decision in decisions:
        wanted.setdefault(decision.kind, []).append(decision.object_id)
    texts: dict[tuple[str, int], str] = {}
    for key, ids in wanted.items():
        kind = moderated_kind(key)
        for pk, item in kind.model.objects.in_bulk(ids).items():
            texts[(key, pk)] = Truncator(" ".join(kind.text(item).split())).chars(80)
    return {d.pk: texts.get((d.kind, d.object_id), "") for d in decisions}


def _items(decisions: list[Decision], when: str) -> list[WorkItem]:
    excerpts = _excerpts(decisions)
    return [
        WorkItem(
            title=excerpts[d.pk] or str(d.get_rule_display()),
            url=reverse("moderation:decision", args=[d.pk]),
            detail=f"{d.organisation.name} · {d.get_rule_display()}",
            when=getattr(d, when),
        )
        for d in decisions
    ]


def _held_items(user: Any) -> list[WorkItem]:
    return _items(list(selectors.held_waiting(viewer=user)[:50]), "created")


def _mine_items(user: Any) -> list[WorkItem]:
    """The person's own texts that are not shown: held, hidden or rejected, latest first."""
    decisions = selectors.current(
        Decision.objects.filter(author=user, action__in=selectors.WITHHOLDING)
    ).select_related("organisation")
    return _items(list(decisions.order_by("-created")[:20]), "created")


def _review_items(user: Any) -> list[WorkItem]:
    return _items(list(selectors.reviews_waiting(viewer=user)[:50]), "review_requested_at")


INBOX = (
    InboxQueue(
        key="moderation.held",
        name=_("Texter som väntar på granskning"),
        explanation=_(
            "Den automatiska granskningen höll inne texten. Läs den och skälen, och publicera "
            "den eller avvisa den med ett skäl."
        ),
        items=_held_items,
        count=lambda user: selectors.held_waiting(viewer=user).count(),
        order=5,
    ),
    InboxQueue(
        key="moderation.reviews",
        name=_("Beslut att ompröva"),
        explanation=_(
            "Den som skrev texten har begärt omprövning. Pröva beslutet igen: en annan "
            "moderator än den som beslutade."
        ),
        items=_review_items,
        count=lambda user: selectors.reviews_waiting(viewer=user).count(),
        order=6,
    ),
)


def _load_demo(context: DemoContext) -> None:
    content = demo_content(__file__)
    ConversationRules.objects.update_or_create(
        organisation=context.region, defaults={"text": content["rules"]["text"].strip()}
    )


contribute(
    Contribution(
        app_label="moderation",
        errors=errors.MESSAGES,
        inbox=INBOX,
        mine=(
            MineSection(
                key="moderation.withheld",
                name=_("Dina texter som inte visas"),
                items=_mine_items,
                order=90,
            ),
        ),
        demo=DemoData(load=_load_demo, order=20),
        notifications=(
            NotificationKind(
                key="moderation.decisions",
                name=_("Beslut om det du skrivit"),
                description=_(
                    "När en text du skrivit hålls inne, döljs, publiceras eller prövas igen: "
                    "beslutet och skälen. Går inte att stänga av."
                ),
                required=True,
            ),
        ),
        personal_data=(
            PersonalData(
                key="moderation_decisions",
                name=_("Modereringsbeslut om det du skrivit"),
                purpose=_("Att redovisa skälen för varje beslut och att du kan begära omprövning."),
                legal_basis=LegalBasis.PUBLIC_TASK,
                covers=("moderation.Decision.author",),
                export=_export_decisions,
                erase=keep,
                on_erasure="de-personalised",
                kept_for=_(
                    "Besluten är myndighetens handlingar om det som skrivits på plattformen; tar "
                    "du bort kontot pekar de inte längre ut dig."
                ),
            ),
            PersonalData(
                key="rules_acceptances",
                name=_("Samtalsregler du godkänt"),
                purpose=_("Att veta att du har läst reglerna innan du skriver."),
                legal_basis=LegalBasis.PUBLIC_TASK,
                covers=("moderation.RulesAcceptance.user",),
                export=_export_acceptances,
                erase=_erase_acceptances,
                kept_for=_(
                    "Så länge du har ett konto; en ny version av reglerna godkänns på nytt."
                ),
            ),
            staff_records(
                key="moderation_staff",
                fields=(
                    "moderation.Decision.decided_by",
                    "moderation.Decision.reviewed_by",
                    "moderation.ConversationRules.updated_by",
                    "moderation.ScreeningTerm.added_by",
                ),
            ),
        ),
    )
)
