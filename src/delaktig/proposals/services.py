"""Writes for proposals: one service per transition, each locked, logged and notified."""

from datetime import date, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from delaktig.core import ratelimit
from delaktig.core.audit import audit_log
from delaktig.core.errors import (
    DelaktigError,
    InvalidTransition,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
)

from . import deadlines
from .models import (
    Attachment,
    CaseCounter,
    Category,
    IntakeRule,
    Proposal,
    ProposalEvent,
    ProposalSettings,
    Support,
)
from .tasks import notify_proposal_event
from .workflow import OPEN_CASE_STATUSES, Action, Outcome, Status, next_status


class NotVerified(DelaktigError):
    code = "not_verified"
    status = 403
    default_message = _(
        "Du behöver verifiera din identitet först: logga in med e-legitimation, eller använd en "
        "kod från en tjänsteperson under Mitt konto."
    )


class NotResident(DelaktigError):
    code = "not_resident"
    status = 403
    default_message = _(
        "Bara den som är folkbokförd i någon av organisationens kommuner kan göra det här."
    )


class AlreadySupported(DelaktigError):
    code = "already_supported"
    status = 409
    default_message = _(
        "Du har redan stött förslaget med ett annat konto. Varje person kan stödja ett förslag "
        "en gång."
    )


class SupportClosed(DelaktigError):
    code = "support_closed"
    status = 409
    default_message = _("Förslaget tar inte emot stöd just nu.")


class TooManyDrafts(RateLimited):
    code = "too_many_drafts"
    default_message = _(
        "Du har börjat på många nya förslag på kort tid. Vänta en stund och försök igen, eller "
        "arbeta vidare med ett av dina utkast."
    )


class TooManyOpenDrafts(DelaktigError):
    code = "too_many_open_drafts"
    status = 409
    default_message = _(
        "Du har redan många utkast som inte är inskickade. Skicka in eller släng något av dem "
        "under Mina förslag innan du börjar på ett nytt."
    )


def settings_for(organisation: Any) -> ProposalSettings:
    try:
        found = organisation.proposal_settings  # cached when the caller used select_related
    except ProposalSettings.DoesNotExist:
        found = None
    if found is None or not found.enabled:
        raise PermissionDenied(_("Organisationen tar inte emot medborgarförslag här."))
    return found


def _require_resident(user: Any, organisation: Any, rules: ProposalSettings) -> str:
    """The person's identity hash, after checking verification and folkbokföring."""
    verification = getattr(user, "verification", None)
    if verification is None:
        raise NotVerified()
    if rules.residents_only and not (
        verification.municipality_id
        and organisation.municipalities.filter(pk=verification.municipality_id).exists()
    ):
        raise NotResident()
    return str(verification.identity_hash)


def _transition(
    *,
    proposal: Proposal,
    action: Action,
    actor: Any,
    note: str = "",
    notify: bool = True,
    **changes: Any,
) -> Proposal:
    """Apply one transition to a row the caller has locked, and log and announce it."""
    target = next_status(proposal.status, action)
    if target is None:
        raise InvalidTransition()
    source = proposal.status
    proposal.status = target.value
    for field, value in changes.items():
        setattr(proposal, field, value)
    proposal.save()
    event = ProposalEvent.objects.create(
        proposal=proposal,
        action=action.value,
        from_status=source,
        to_status=target.value,
        actor=actor,
        note=note,
    )
    if actor is not None and getattr(actor, "pk", None) != proposal.author_id:
        audit_log(
            actor=actor,
            action=f"proposal.{action.value}",
            target=proposal,
            organisation=proposal.organisation,
            data={"from": source, "to": target.value},
        )
    if notify:
        transaction.on_commit(partial(notify_proposal_event.enqueue, event.pk))
    return proposal


def _locked(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().select_related("organisation").get(pk=proposal.pk)


def _require_staff(actor: Any, proposal: Proposal) -> None:
    if not actor.has_perm("proposals.handle_proposal", proposal.organisation):
        raise PermissionDenied()


# --- Residents ---


def sniff_attachment(head: bytes) -> tuple[str, str] | None:
    """The content type judged from the file's first bytes, never from its name."""
    from delaktig.core.uploads import sniff_signature

    return sniff_signature(head)


def _check_attachments(files: list[Any], existing: int) -> list[tuple[Any, str, str]]:
    checked = []
    if existing + len(files) > Attachment.MAX_COUNT:
        raise ValidationFailed(_("Högst fem bilagor per förslag."))
    for upload in files:
        if upload.size > Attachment.MAX_SIZE:
            raise ValidationFailed(_("%(name)s är större än 10 MB.") % {"name": upload.name})
        head = upload.read(16)
        upload.seek(0)
        kind = sniff_attachment(head)
        if kind is None:
            raise ValidationFailed(
                _("%(name)s är inte en PDF-, JPEG- eller PNG-fil.") % {"name": upload.name}
            )
        checked.append((upload, *kind))
    return checked


def _check_open_drafts(author: Any) -> None:
    """Refuse a new draft when the person has ``DELAKTIG_MAX_OPEN_DRAFTS`` open ones.

    The person's row is locked first, so two drafts started at the same moment are counted
    one after the other.
    """
    get_user_model().objects.select_for_update().filter(pk=author.pk).values_list("pk").get()
    open_drafts = Proposal.objects.filter(author=author, status=Status.DRAFT.value).count()
    if open_drafts >= settings.DELAKTIG_MAX_OPEN_DRAFTS:
        raise TooManyOpenDrafts()


def proposal_save_draft(
    *,
    author: Any,
    organisation: Any,
    title: str,
    body: str,
    background: str = "",
    municipality: Any = None,
    category: Category | None = None,
    author_name: str,
    proposal: Proposal | None = None,
    files: list[Any] | None = None,
) -> Proposal:
    """Create or update the author's draft. Nothing is public until submitted and accepted."""
    rules = settings_for(organisation)
    _require_resident(author, organisation, rules)
    if category is not None and category.organisation_id != organisation.pk:
        raise ValidationFailed(_("Kategorin hör till en annan organisation."))
    if not author_name.strip():
        raise ValidationFailed(_("Skriv namnet som ska stå vid förslaget."))
    if proposal is not None and (
        proposal.author_id != author.pk or proposal.status != Status.DRAFT.value
    ):
        raise PermissionDenied()
    checked = _check_attachments(files or [], proposal.attachments.count() if proposal else 0)
    # A new draft may carry 50 MB of attachments: each person starts a limited number an
    # hour and keeps a limited number open. Given back if the draft is not saved after all.
    limits = (
        [] if proposal is not None else [ratelimit.limit_for("proposal_draft", f"user:{author.pk}")]
    )
    with ratelimit.enforce(*limits, error=TooManyDrafts()), transaction.atomic():
        if proposal is None:
            _check_open_drafts(author)
        proposal = proposal or Proposal(organisation=organisation, author=author)
        proposal.author_name = author_name.strip()
        proposal.title = title.strip()
        proposal.body = body.strip()
        proposal.background = background.strip()
        proposal.municipality = municipality
        proposal.category = category
        proposal.save()
        for upload, content_type, extension in checked:
            stem = slugify(upload.name.rsplit(".", 1)[0])[:60] or "bilaga"
            Attachment.objects.create(
                proposal=proposal,
                file=File(upload, name=f"{stem}{extension}"),
                original_name=upload.name[:200],
                content_type=content_type,
                size=upload.size,
            )
    return proposal


def proposal_submit(*, author: Any, proposal: Proposal) -> Proposal:
    if proposal.author_id != author.pk:
        raise PermissionDenied()
    with transaction.atomic():
        return _transition(
            proposal=_locked(proposal),
            action=Action.SUBMIT,
            actor=author,
            submitted_at=timezone.now(),
        )


def proposal_withdraw(*, author: Any, proposal: Proposal) -> Proposal:
    if not author.has_perm("proposals.withdraw_proposal", proposal):
        raise PermissionDenied()
    with transaction.atomic():
        return _transition(proposal=_locked(proposal), action=Action.WITHDRAW, actor=author)


def support_add(*, user: Any, proposal: Proposal, wants_updates: bool = True) -> Proposal:
    """Support once per verified person. Exact under concurrency: the proposal row is locked."""
    rules = settings_for(proposal.organisation)
    identity = _require_resident(user, proposal.organisation, rules)
    with transaction.atomic():
        locked = _locked(proposal)
        now = timezone.now()
        if locked.status != Status.COLLECTING.value or not (
            locked.support_ends_at and now < locked.support_ends_at
        ):
            raise SupportClosed()
        try:
            with transaction.atomic():
                Support.objects.create(
                    proposal=locked, user=user, identity_hash=identity, wants_updates=wants_updates
                )
        except IntegrityError:
            if Support.objects.filter(proposal=locked, user=user).exists():
                return locked  # a repeated click: this account's support is counted once
            raise AlreadySupported() from None  # the same person, through another account
        locked.support_count = Support.objects.filter(proposal=locked).count()
        locked.save(update_fields=["support_count"])
        if locked.support_threshold and locked.support_count >= locked.support_threshold:
            _transition(
                proposal=locked,
                action=Action.LODGE,
                actor=None,
                threshold_reached_at=now,
                note=str(_("Tröskeln nåddes inom stödperioden.")),
            )
        return locked


def support_withdraw(*, user: Any, proposal: Proposal) -> Proposal:
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.status != Status.COLLECTING.value or not (
            locked.support_ends_at and timezone.now() < locked.support_ends_at
        ):
            raise SupportClosed(_("Stödet kan inte tas tillbaka nu: stödperioden är slut."))
        Support.objects.filter(proposal=locked, user=user).delete()
        locked.support_count = Support.objects.filter(proposal=locked).count()
        locked.save(update_fields=["support_count"])
        return locked


# --- Intake ---


def proposal_publish(*, actor: Any, proposal: Proposal) -> Proposal:
    """Intake accepts the proposal: it collects supports, or goes straight on."""
    _require_staff(actor, proposal)
    rules = settings_for(proposal.organisation)
    with transaction.atomic():
        locked = _locked(proposal)
        now = timezone.now()
        skips = locked.category is not None and locked.category.skips_support
        if rules.support_phase and not skips:
            return _transition(
                proposal=locked,
                action=Action.PUBLISH,
                actor=actor,
                published_at=now,
                support_ends_at=now + timedelta(days=rules.support_period_days),
                support_threshold=rules.threshold(),
            )
        return _transition(proposal=locked, action=Action.LODGE, actor=actor, published_at=now)


def proposal_reject(*, actor: Any, proposal: Proposal, rule: IntakeRule, reason: str) -> Proposal:
    _require_staff(actor, proposal)
    if rule.organisation_id != proposal.organisation_id:
        raise ValidationFailed(_("Regeln hör till en annan organisation."))
    if not reason.strip():
        raise ValidationFailed(_("Förklara beslutet för den som skrev förslaget."))
    with transaction.atomic():
        return _transition(
            proposal=_locked(proposal),
            action=Action.REJECT,
            actor=actor,
            rejection_rule=rule,
            rejection_reason=reason.strip(),
            note=rule.title,
        )


def proposals_expire(*, now: Any = None) -> int:
    """Close support periods that have ended below the threshold. Run by the scheduler."""
    now = now or timezone.now()
    expired = 0
    due = Proposal.objects.filter(status=Status.COLLECTING.value, support_ends_at__lte=now)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            locked = Proposal.objects.select_for_update().get(pk=pk)
            if locked.status == Status.COLLECTING.value and locked.support_ends_at <= now:
                _transition(proposal=locked, action=Action.EXPIRE, actor=None)
                expired += 1
    return expired


# --- The case ---


def _next_case_number(organisation: Any, rules: ProposalSettings, on: date) -> str:
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(
        organisation=organisation, year=on.year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return deadlines.format_case_number(
        rules.case_number_format,
        seq=counter.last,
        year=on.year,
        organisation_code=organisation.scb_code,
    )


def proposal_register(
    *, actor: Any, proposal: Proposal, registered_on: date | None = None, case_number: str = ""
) -> Proposal:
    """Diarieföring: a case number and the date from which the statutory year runs."""
    _require_staff(actor, proposal)
    rules = settings_for(proposal.organisation)
    on = registered_on or timezone.localdate()
    with transaction.atomic():
        locked = _locked(proposal)
        if next_status(locked.status, Action.REGISTER) is None:
            raise InvalidTransition()
        number = case_number.strip() or _next_case_number(locked.organisation, rules, on)
        if Proposal.objects.filter(case_number=number).exclude(pk=locked.pk).exists():
            raise ValidationFailed(_("Diarienumret används redan."))
        return _transition(
            proposal=locked,
            action=Action.REGISTER,
            actor=actor,
            case_number=number,
            registered_on=on,
        )


def proposal_refer(*, actor: Any, proposal: Proposal, body: Any, official: Any) -> Proposal:
    _require_staff(actor, proposal)
    if body.organisation_id != proposal.organisation_id:
        raise ValidationFailed(_("Nämnden hör till en annan organisation."))
    with transaction.atomic():
        return _transition(
            proposal=_locked(proposal),
            action=Action.REFER,
            actor=actor,
            responsible_body=body,
            responsible_official=official,
            note=body.name,
        )


def proposal_propose_decision(*, actor: Any, proposal: Proposal, text: str) -> Proposal:
    _require_staff(actor, proposal)
    if not text.strip():
        raise ValidationFailed(_("Skriv förslaget till beslut."))
    with transaction.atomic():
        return _transition(
            proposal=_locked(proposal),
            action=Action.PROPOSE_DECISION,
            actor=actor,
            decision_proposal=text.strip(),
        )


def proposal_decide(
    *,
    actor: Any,
    proposal: Proposal,
    outcome: Outcome,
    decided_on: date,
    decided_by: Any,
    minutes_reference: str,
    answer: str,
) -> Proposal:
    _require_staff(actor, proposal)
    if decided_by.organisation_id != proposal.organisation_id:
        raise ValidationFailed(_("Organet hör till en annan organisation."))
    if not answer.strip():
        raise ValidationFailed(_("Skriv svaret till den som lämnade förslaget."))
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.registered_on and decided_on < locked.registered_on:
            raise ValidationFailed(_("Beslutet kan inte vara fattat före diarieföringen."))
        return _transition(
            proposal=locked,
            action=Action.DECIDE,
            actor=actor,
            outcome=Outcome(outcome).value,
            decided_on=decided_on,
            decided_by=decided_by,
            minutes_reference=minutes_reference.strip(),
            answer=answer.strip(),
        )


def proposals_report_unfinished(
    *, actor: Any, organisation: Any, reported_on: date, proposals: list[Proposal]
) -> int:
    """Record that fullmäktige has been told these cases are not yet decided."""
    if not actor.has_perm("proposals.handle_proposal", organisation):
        raise PermissionDenied()
    count = 0
    with transaction.atomic():
        for proposal in proposals:
            locked = _locked(proposal)
            if locked.organisation_id != organisation.pk:
                raise PermissionDenied()
            if locked.status in {s.value for s in OPEN_CASE_STATUSES}:
                locked.reported_unfinished_on = reported_on
                locked.save(update_fields=["reported_unfinished_on"])
                count += 1
        audit_log(
            actor=actor,
            action="proposal.report_unfinished",
            target=organisation,
            organisation=organisation,
            data={"count": count, "reported_on": reported_on.isoformat()},
        )
    return count


def proposal_write_off(
    *, actor: Any, proposal: Proposal, decided_on: date, minutes_reference: str
) -> Proposal:
    """Avskrivning: only for a case reported to fullmäktige as unfinished."""
    _require_staff(actor, proposal)
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.reported_unfinished_on is None:
            raise InvalidTransition(
                _("Ett förslag kan bara skrivas av sedan det redovisats som oavslutat.")
            )
        return _transition(
            proposal=locked,
            action=Action.WRITE_OFF,
            actor=actor,
            decided_on=decided_on,
            minutes_reference=minutes_reference.strip(),
        )


def proposal_set_unfinished_reason(*, actor: Any, proposal: Proposal, reason: str) -> Proposal:
    _require_staff(actor, proposal)
    with transaction.atomic():
        locked = _locked(proposal)
        locked.unfinished_reason = reason.strip()
        locked.save(update_fields=["unfinished_reason"])
        audit_log(
            actor=actor,
            action="proposal.unfinished_reason",
            target=locked,
            organisation=locked.organisation,
        )
    return locked


def case_reminders_send(*, today: date | None = None) -> int:
    """Remind the responsible official as each configured reminder day arrives (once each)."""
    from .tasks import remind_official

    today = today or timezone.localdate()
    sent = 0
    open_cases = Proposal.objects.filter(
        status__in=[s.value for s in OPEN_CASE_STATUSES], registered_on__isnull=False
    ).select_related("organisation__proposal_settings")
    for proposal in open_cases:
        rules = getattr(proposal.organisation, "proposal_settings", None)
        if rules is None or proposal.registered_on is None:
            continue
        left = deadlines.deadline(proposal.registered_on, today).days_left
        # The nearest reminder step reached and not yet sent (so a missed day is caught up).
        due_steps = [d for d in rules.reminder_days if left <= d]
        if not due_steps:
            continue
        step = min(due_steps)
        if proposal.last_reminder_days is not None and proposal.last_reminder_days <= step:
            continue
        with transaction.atomic():
            updated = (
                Proposal.objects.filter(pk=proposal.pk)
                .exclude(last_reminder_days__lte=step)
                .update(last_reminder_days=step)
            )
            if updated:
                transaction.on_commit(partial(remind_official.enqueue, proposal.pk, left))
                sent += 1
    return sent
