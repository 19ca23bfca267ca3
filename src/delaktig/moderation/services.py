"""The one moderation service for every kind of text residents write.

An app that takes in text (a comment, a statement, a question) calls
:func:`submission_check` before it saves (conversation rules accepted, personal data pointed
out to the writer) and :func:`screening_apply` after, in the same transaction (harm found: the
text waits for a moderator instead of being published). Moderators decide through
:func:`decision_withhold` and :func:`decision_release`; each decision keeps its statement of
reasons (:class:`~delaktig.moderation.models.Decision`), and the author may ask once for a
review by another moderator (:func:`decision_review_request`, :func:`decision_review`).
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from delaktig.accounts.types import User
from delaktig.core.audit import audit_log
from delaktig.core.contributions import ModeratedKind, moderated_kind
from delaktig.core.errors import Conflict, PermissionDenied, ValidationFailed, require_perm
from delaktig.notifications.outbox import email_queue
from delaktig.organisations.models import Organisation

from . import checks
from .models import ConversationRules, Decision, Rule, RulesAcceptance, ScreeningTerm

# The e-mails an author gets about decisions on their text (required: a reply to their own).
DECISION_NOTICE = "moderation.decisions"


# --- Before and after a text is saved --------------------------------------------------------


def rules_accepted(*, user: User, organisation_id: int) -> bool:
    """True when the organisation has no conversation rules, or the person accepted these."""
    rules = ConversationRules.objects.filter(organisation_id=organisation_id).first()
    if rules is None:
        return True
    return RulesAcceptance.objects.filter(
        user=user, organisation_id=organisation_id, version__gte=rules.version
    ).exists()


def rules_accept(*, actor: User, organisation_id: int) -> None:
    rules = ConversationRules.objects.filter(organisation_id=organisation_id).first()
    if rules is None:
        return
    try:
        with transaction.atomic():
            RulesAcceptance.objects.update_or_create(
                user=actor, organisation_id=organisation_id, defaults={"version": rules.version}
            )
    except IntegrityError:
        # Two first posts at once: the other request recorded the same acceptance.
        RulesAcceptance.objects.filter(user=actor, organisation_id=organisation_id).update(
            version=rules.version
        )


def submission_check(
    *,
    actor: User,
    organisation_id: int,
    text: str,
    field: str,
    personal_data_ok: bool = False,
    accept_rules: bool = False,
) -> checks.Result:
    """Check a text before it is saved. Refuses (nothing saved, the form keeps the text):
    a first post without accepting the conversation rules, and personal data the writer has
    not been shown yet. ``personal_data_ok`` is the writer's "send it as it is"."""
    needs_rules = not rules_accepted(user=actor, organisation_id=organisation_id)
    result = checks.text_screen(organisation_id=organisation_id, text=text)
    found = result.screening.personal_data
    if found and not personal_data_ok:
        # Both at once when both are missing, so nobody is sent back twice.
        code = "moderation.personal_data_and_rules" if needs_rules and not accept_rules else None
        raise ValidationFailed(
            code or "moderation.personal_data",
            field=field,
            found=checks.describe_personal_data(found),
        )
    if needs_rules:
        if not accept_rules:
            raise ValidationFailed("moderation.rules_not_accepted", field="accept_rules")
        rules_accept(actor=actor, organisation_id=organisation_id)
    return result


def _held_rule(result: checks.Result) -> str:
    labels = {f.label for f in result.screening.harmful}
    for rule in (Rule.THREAT, Rule.HATE, Rule.HARASSMENT):
        if rule.value in labels:
            return rule.value
    return Rule.PERSONAL_DATA if result.sensitive else Rule.OTHER


def screening_apply(*, kind: str, item: Any, result: checks.Result) -> Decision | None:
    """Hold a just-saved text for a moderator when screening found harm, when identity numbers
    or health data about someone were kept, or when the external classifier could not answer.
    Call inside the transaction that saved the item. Returns the decision, or None when the
    text is published."""
    if not (result.needs_person or result.sensitive):
        return None
    moderated = moderated_kind(kind)
    decision = Decision.objects.create(
        organisation_id=moderated.organisation_id(item),
        kind=kind,
        object_id=item.pk,
        action=Decision.Action.HELD,
        rule=_held_rule(result),
        reason=_(
            "Texten granskas av en moderator innan den publiceras. Den automatiska granskningen "
            "hittade något som kan bryta mot samtalsreglerna."
        ),
        automated=True,
        findings=checks.findings_record(result),
        author=moderated.author(item),
    )
    moderated.withhold(item, decision)
    audit_log(
        actor=None,
        action="moderation.held",
        target=decision,
        organisation=decision.organisation,
        data={"kind": kind, "object_id": item.pk, "rule": decision.rule},
    )
    return decision


# --- Moderators' decisions -------------------------------------------------------------------


def _tell_author(decision: Decision, moderated: ModeratedKind, item: Any, template: str) -> None:
    author = decision.author
    if author is None or not author.is_active or not author.email:
        return
    email_queue(
        recipient=author.email,
        template=template,
        context={
            "name": str(moderated.name),
            "body": moderated.text(item),
            "rule": decision.get_rule_display(),
            "reason": decision.reason,
            "reply": decision.review_reply,
            "automated": decision.automated,
            "path": moderated.url(item),
            "decision_path": reverse("moderation:decision", args=[decision.pk]),
        },
        key=f"{template}:{decision.pk}:{decision.reviewed_at or decision.created}",
        kind=DECISION_NOTICE,
        organisation=decision.organisation,
    )


def latest_decision(*, kind: str, object_id: int) -> Decision | None:
    return Decision.objects.filter(kind=kind, object_id=object_id).order_by("-pk").first()


def _answer_open_review(actor: User, kind: str, object_id: int, outcome: str, reply: str) -> None:
    """A new decision about a text answers a review still waiting on the one before it; a
    moderator may not uphold their own decision that way (a review is another moderator's)."""
    waiting = Decision.objects.filter(
        kind=kind, object_id=object_id, review_requested_at__isnull=False, reviewed_at=None
    )
    if outcome == Decision.Outcome.UPHELD and waiting.filter(decided_by=actor).exists():
        raise Conflict("moderation.own_decision_under_review")
    waiting.update(
        reviewed_at=timezone.now(), reviewed_by=actor, outcome=outcome, review_reply=reply
    )


def _locked(moderated: ModeratedKind, pk: int, seen: int | None) -> tuple[Any, Decision | None]:
    """The text, locked (always before its decisions, so that two services never wait on each
    other), and its latest decision; refused when someone decided after ``seen``, the decision
    the moderator was looking at."""
    item = moderated.model.objects.select_for_update().get(pk=pk)
    latest = latest_decision(kind=moderated.key, object_id=pk)
    if seen is not None and (latest is None or latest.pk != seen):
        raise Conflict("moderation.decided_meanwhile")
    return item, latest


def decision_withhold(
    *,
    actor: User,
    kind: str,
    item: Any,
    action: str,
    rule: str,
    reason: str,
    seen: int | None = None,
) -> Decision:
    """A moderator hides (``hidden``) or rejects (``rejected``) a text, with the rule it breaks
    and a reason shown to the author and, for hidden comments, in the text's place."""
    moderated = moderated_kind(kind)
    require_perm(actor, moderated.permission, item)
    reason = " ".join(reason.split())
    hiding = action == Decision.Action.HIDDEN and moderated.hides_in_place
    if not (hiding or action == Decision.Action.REJECTED):
        raise ValidationFailed("moderation.bad_action", field="withhold_as")
    if rule not in Rule.values:
        raise ValidationFailed("moderation.no_rule", field="rule")
    if not reason:
        raise ValidationFailed("moderation.no_reason", field="reason")
    with transaction.atomic():
        item, _latest = _locked(moderated, item.pk, seen)
        _answer_open_review(actor, kind, item.pk, Decision.Outcome.UPHELD, reason[:1000])
        decision = Decision.objects.create(
            organisation_id=moderated.organisation_id(item),
            kind=kind,
            object_id=item.pk,
            action=action,
            rule=rule,
            reason=reason[:500],
            decided_by=actor,
            author=moderated.author(item),
        )
        moderated.withhold(item, decision)
        audit_log(
            actor=actor,
            action=f"moderation.{action}",
            target=decision,
            organisation=decision.organisation,
            data={"kind": kind, "object_id": item.pk, "rule": rule, "reason": reason},
        )
        _tell_author(decision, moderated, item, "moderation_withheld")
    return decision


def _released(
    actor: User, moderated: ModeratedKind, item: Any, after: Decision, reason: str
) -> Decision:
    """The ``released`` decision that puts ``item`` back, inside the caller's transaction."""
    decision = Decision.objects.create(
        organisation_id=after.organisation_id,
        kind=moderated.key,
        object_id=item.pk,
        action=Decision.Action.RELEASED,
        reason=reason[:500],
        decided_by=actor,
        author=after.author,
    )
    moderated.release(item)
    audit_log(
        actor=actor,
        action="moderation.released",
        target=decision,
        organisation=decision.organisation,
        data={"kind": moderated.key, "object_id": item.pk, "after": after.action},
    )
    return decision


def decision_release(
    *, actor: User, kind: str, item: Any, reason: str = "", seen: int | None = None
) -> Decision:
    """Publish a held text, or show a hidden one again; the author is told."""
    moderated = moderated_kind(kind)
    require_perm(actor, moderated.permission, item)
    reason = " ".join(reason.split())
    with transaction.atomic():
        item, previous = _locked(moderated, item.pk, seen)
        if previous is None or not previous.withholds:
            raise Conflict("moderation.not_withheld")
        reply = reason[:1000] or _("Texten visas nu.")
        _answer_open_review(actor, kind, item.pk, Decision.Outcome.REVERSED, reply)
        decision = _released(actor, moderated, item, previous, reason)
        if moderated.public_on_release:
            _tell_author(decision, moderated, item, "moderation_released")
    return decision


# --- Review at the author's request ----------------------------------------------------------


def _locked_decision(decision: Decision) -> Decision:
    # Only the decision's row: its author may be gone (an outer join cannot be locked).
    return (
        Decision.objects.select_for_update(of=("self",))
        .select_related("author")
        .get(pk=decision.pk)
    )


def decision_review_request(*, actor: User, decision: Decision, explanation: str = "") -> Decision:
    """The author asks, once per decision, for a withholding decision to be looked at again by
    another moderator."""
    require_perm(actor, "moderation.request_review", decision)
    with transaction.atomic():
        decision = _locked_decision(decision)
        latest = latest_decision(kind=decision.kind, object_id=decision.object_id)
        if not decision.withholds or (latest is not None and latest.pk != decision.pk):
            raise Conflict("moderation.decision_superseded")
        if decision.review_requested_at is not None:
            raise Conflict("moderation.review_already_requested")
        decision.review_requested_at = timezone.now()
        decision.review_request = explanation.strip()[:1000]
        decision.save(update_fields=["review_requested_at", "review_request"])
        audit_log(
            actor=actor,
            action="moderation.review_request",
            target=decision,
            organisation=decision.organisation,
        )
    return decision


def decision_review(*, actor: User, decision: Decision, outcome: str, reply: str) -> Decision:
    """Another moderator than the one who decided answers a review: the decision stands
    (``upheld``) or is reversed (``reversed``, the text is published again). The author gets
    the reply either way."""
    if decision.decided_by_id is not None and decision.decided_by_id == actor.pk:
        raise PermissionDenied("moderation.same_moderator")
    require_perm(actor, "moderation.review_decision", decision)
    reply = reply.strip()
    if outcome not in Decision.Outcome.values:
        raise ValidationFailed("moderation.no_outcome", field="outcome")
    if not reply:
        raise ValidationFailed("moderation.no_reply", field="reply")
    moderated = moderated_kind(decision.kind)
    require_perm(actor, moderated.permission, decision)
    with transaction.atomic():
        item, latest = _locked(moderated, decision.object_id, None)
        decision = _locked_decision(decision)
        if not decision.review_pending:
            raise Conflict("moderation.no_review_pending")
        decision.reviewed_at = timezone.now()
        decision.reviewed_by = actor
        decision.outcome = outcome
        decision.review_reply = reply[:1000]
        decision.save(update_fields=["reviewed_at", "reviewed_by", "outcome", "review_reply"])
        if outcome == Decision.Outcome.REVERSED and latest is not None and latest.withholds:
            # The reversal is itself a decision: the text is released, and counted as such.
            _released(actor, moderated, item, latest, reply)
        audit_log(
            actor=actor,
            action=f"moderation.review_{outcome}",
            target=decision,
            organisation=decision.organisation,
            data={"reply": reply},
        )
        _tell_author(decision, moderated, item, "moderation_reviewed")
    return decision


# --- The organisation's rules and terms ------------------------------------------------------


def conversation_rules_save(
    *, actor: User, organisation: Organisation, text: str, ask_again: bool = False
) -> ConversationRules:
    """Write the organisation's samtalsregler; ``ask_again`` makes everyone accept them anew
    before their next post."""
    require_perm(actor, "moderation.change_conversationrules", organisation)
    text = text.strip()
    if not text:
        raise ValidationFailed("moderation.no_rules_text", field="text")
    with transaction.atomic():
        rules, created = ConversationRules.objects.select_for_update().get_or_create(
            organisation=organisation, defaults={"text": text, "updated_by": actor}
        )
        if not created:
            rules.text = text
            rules.updated_by = actor
            if ask_again:
                rules.version += 1
            rules.save()
        audit_log(
            actor=actor,
            action="moderation.rules_saved",
            target=rules,
            organisation=organisation,
            data={"version": rules.version},
        )
    return rules


def screening_term_add(
    *,
    actor: User,
    organisation: Organisation,
    text: str,
    label: str,
    severity: str,
    match: str,
    note: str = "",
) -> ScreeningTerm:
    require_perm(actor, "moderation.change_screeningterm", organisation)
    text = " ".join(text.split()).lower()
    if not text:
        raise ValidationFailed("moderation.no_term", field="text")
    if checks.term_problem(text=text, label=label, severity=severity, match=match):
        raise ValidationFailed("moderation.bad_term", field="text")
    try:
        with transaction.atomic():
            term = ScreeningTerm.objects.create(
                organisation=organisation,
                text=text,
                label=label,
                severity=severity,
                match=match,
                note=note.strip(),
                added_by=actor,
            )
            audit_log(
                actor=actor,
                action="moderation.term_added",
                target=term,
                organisation=organisation,
                data={"text": text, "label": label},
            )
    except IntegrityError:
        raise Conflict("moderation.term_exists", field="text") from None
    return term


def screening_term_delete(*, actor: User, term: ScreeningTerm) -> None:
    require_perm(actor, "moderation.change_screeningterm", term)
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="moderation.term_deleted",
            target=term,
            organisation=term.organisation,
            data={"text": term.text, "label": term.label},
        )
        term.delete()
