"""Writes for proposals: one service per transition, each locked, logged and notified."""

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from delaktig.accounts.types import User
from delaktig.core import ratelimit
from delaktig.core.audit import audit_log
from delaktig.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
    require_perm,
)
from delaktig.core.uploads import sniff_signature
from delaktig.identity.models import Verification
from delaktig.moderation import checks as screening_checks
from delaktig.moderation import services as moderation
from delaktig.moderation.models import Decision
from delaktig.organisations.models import Body, Municipality, Organisation

from . import deadlines, selectors
from .models import (
    CORRECT,
    REDACT,
    Attachment,
    CaseCounter,
    Category,
    IntakeRule,
    Proposal,
    ProposalEvent,
    ProposalSettings,
    Support,
)
from .selectors import PROPOSAL
from .tasks import notify_proposal_event
from .workflow import MACHINE, OPEN_CASE_STATUSES, Action, Outcome, Status

HANDLE = "proposals.handle_proposal"
CORRECT_PERM = "proposals.correct_proposal"
REDACT_PERM = "proposals.redact_proposal"


def _settings_for(organisation: Organisation) -> ProposalSettings:
    try:
        found = organisation.proposal_settings  # cached when the caller used select_related
    except ProposalSettings.DoesNotExist:
        found = None
    if found is None or not found.enabled:
        raise PermissionDenied("proposals.not_enabled")
    return found


def _person_sql(organisation: Organisation | str, user: User) -> tuple[str, list[Any]]:
    """A query of the person's identity hash and whether they are folkbokförd in one of the
    organisation's municipalities (``hash``, ``resident``); no row when not verified. The
    organisation, or an SQL expression for its id (in a larger statement)."""
    quote = connection.ops.quote_name
    through = Organisation.municipalities.through._meta
    verification = Verification._meta

    def column(meta: Any, name: str) -> str:
        return str(quote(meta.get_field(name).column))

    params: list[Any] = [user.pk]
    if isinstance(organisation, str):
        which = organisation
    else:
        which = "%s"
        params.insert(0, organisation.pk)
    sql = (
        f"SELECT v.{column(verification, 'identity_hash')} AS hash, EXISTS (SELECT 1 FROM "  # noqa: S608 - names from the models
        f"{quote(through.db_table)} m WHERE m.{column(through, 'organisation')} = {which} AND "
        f"m.{column(through, 'municipality')} = v.{column(verification, 'municipality')})"
        f" AS resident FROM {quote(verification.db_table)} v"
        f" WHERE v.{column(verification, 'user')} = %s"
    )
    return sql, params


def _require_resident(user: User, organisation: Organisation, rules: ProposalSettings) -> str:
    """The person's identity hash, after checking verification and folkbokföring.

    One statement: the ORM writes the same ``EXISTS`` at more than the cost of the rest of
    the support's queries together (see ``bench/proposals.py``).
    """
    sql, params = _person_sql(organisation, user)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchone()
    if found is None:
        raise PermissionDenied("proposals.not_verified")
    identity_hash, resident = found
    if rules.residents_only and not resident:
        raise PermissionDenied("proposals.not_resident")
    return str(identity_hash)


def _transition(
    proposal: Proposal,
    action: Action,
    *,
    actor: User | None,
    note: str = "",
    notify: bool = True,
) -> Proposal:
    """Apply one transition to a row the caller has locked (and changed), log and announce it."""
    target = MACHINE.require(proposal.status, action)
    source = proposal.status
    proposal.status = target.value
    proposal.save()
    event = ProposalEvent.objects.create(
        proposal=proposal,
        action=action.value,
        from_status=source,
        to_status=target.value,
        actor=actor,
        note=note,
    )
    if actor is not None and actor.pk != proposal.author_id:
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


# --- Residents ---


def _check_attachments(
    files: list[UploadedFile], existing: int
) -> list[tuple[UploadedFile, str, str]]:
    checked = []
    if existing + len(files) > Attachment.MAX_COUNT:
        raise ValidationFailed("proposals.too_many_attachments", field="attachments")
    for upload in files:
        if (upload.size or 0) > Attachment.MAX_SIZE:
            raise ValidationFailed(
                "proposals.attachment_too_large", field="attachments", name=upload.name
            )
        head = upload.read(16)
        upload.seek(0)
        kind = sniff_signature(head)
        if kind is None:
            raise ValidationFailed(
                "proposals.attachment_not_allowed", field="attachments", name=upload.name
            )
        checked.append((upload, *kind))
    return checked


def _check_open_drafts(author: User) -> None:
    """Refuse a new draft when the person has ``DELAKTIG_MAX_OPEN_DRAFTS`` open ones.

    The person's row is locked first, so two drafts started at the same moment are counted
    one after the other.
    """
    get_user_model().objects.select_for_update().filter(pk=author.pk).values_list("pk").get()
    open_drafts = Proposal.objects.filter(author=author, status=Status.DRAFT.value).count()
    if open_drafts >= settings.DELAKTIG_MAX_OPEN_DRAFTS:
        raise Conflict("proposals.too_many_open_drafts")


def _save_attachments(proposal: Proposal, checked: list[tuple[UploadedFile, str, str]]) -> None:
    for upload, content_type, extension in checked:
        name = upload.name or ""
        stem = slugify(name.rsplit(".", 1)[0])[:60] or "bilaga"
        Attachment.objects.create(
            proposal=proposal,
            file=File(upload, name=f"{stem}{extension}"),
            original_name=name[:200],
            content_type=content_type,
            size=upload.size or 0,
        )


def proposal_save_draft(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    body: str,
    background: str = "",
    municipality: Municipality | None = None,
    category: Category | None = None,
    author_name: str,
    proposal: Proposal | None = None,
    files: list[UploadedFile] | None = None,
    personal_data_ok: bool = False,
    accept_rules: bool = False,
) -> Proposal:
    """Start a draft, or change the actor's own (``proposal``). Nothing is public until
    submitted and accepted.

    Screened first (:mod:`delaktig.moderation.services`): personal data in the title, the
    proposal or its background is pointed out to the writer (``personal_data_ok`` keeps it)."""
    if proposal is None:
        require_perm(actor, "proposals.add_proposal", organisation)
    else:
        require_perm(actor, "proposals.change_proposal", proposal)
    rules = _settings_for(organisation)
    _require_resident(actor, organisation, rules)
    if category is not None and category.organisation_id != organisation.pk:
        raise ValidationFailed("proposals.category_elsewhere", field="category")
    if not author_name.strip():
        raise ValidationFailed("proposals.author_name_missing", field="author_name")
    moderation.submission_check(
        actor=actor,
        organisation_id=organisation.pk,
        text=_screened_text(title, body, background),
        field="body",
        personal_data_ok=personal_data_ok,
        accept_rules=accept_rules,
    )
    checked = _check_attachments(files or [], proposal.attachments.count() if proposal else 0)
    # A new draft may carry 50 MB of attachments: each person starts a limited number an
    # hour and keeps a limited number open. Given back if the draft is not saved after all.
    limits = (
        [] if proposal is not None else [ratelimit.limit_for("proposal_draft", f"user:{actor.pk}")]
    )
    refused = RateLimited("proposals.too_many_drafts")
    with ratelimit.enforce(*limits, error=refused), transaction.atomic():
        if proposal is None:
            _check_open_drafts(actor)
        proposal = proposal or Proposal(organisation=organisation, author=actor)
        proposal.author_name = author_name.strip()
        proposal.title = title.strip()
        proposal.body = body.strip()
        proposal.background = background.strip()
        proposal.municipality = municipality
        proposal.category = category
        proposal.save()
        _save_attachments(proposal, checked)
    return proposal


def _screened_text(title: str, body: str, background: str) -> str:
    return "\n\n".join(part.strip() for part in (title, body, background) if part.strip())


def proposal_submit(*, actor: User, proposal: Proposal) -> Proposal:
    """Send a draft to intake. Screened again as sent: a threat, hate or harassment (or an
    identity number the writer kept) is held for a person (a held moderation decision the
    officials see at intake), and the proposal cannot be published before it is released."""
    require_perm(actor, "proposals.submit_proposal", proposal)
    with transaction.atomic():
        locked = _locked(proposal)
        locked.submitted_at = timezone.now()
        _transition(locked, Action.SUBMIT, actor=actor)
        screened = screening_checks.text_screen(
            organisation_id=locked.organisation_id,
            text=_screened_text(locked.title, locked.body, locked.background),
        )
        moderation.screening_apply(kind=PROPOSAL, item=locked, result=screened)
        return locked


def proposal_withhold(item: Proposal, decision: Decision) -> None:
    """The moderation service's way to keep a proposal from the public. A hold leaves it
    submitted (not public; intake cannot publish it until it is released); a rejection is an
    intake rejection with the decision's reason. A published proposal is a public record and
    is not hidden here (intake redacts personal data before publishing)."""
    if decision.action == Decision.Action.HELD:
        if item.status != Status.SUBMITTED:
            raise InvalidTransition()
        return
    if decision.action != Decision.Action.REJECTED:
        raise Conflict("proposals.not_hidden")
    item.rejection_reason = decision.reason
    _transition(item, Action.REJECT, actor=decision.decided_by, note=decision.get_rule_display())


def proposal_release(item: Proposal) -> None:
    """A hold lifted leaves the proposal at intake; a rejection reversed on review puts it back
    there."""
    if item.status == Status.REJECTED:
        item.rejection_rule = None
        item.rejection_reason = ""
        _transition(item, Action.REOPEN, actor=None, note=_("Avvisningen ändrades vid omprövning."))


def proposal_withdraw(*, actor: User, proposal: Proposal) -> Proposal:
    require_perm(actor, "proposals.withdraw_proposal", proposal)
    with transaction.atomic():
        return _transition(_locked(proposal), Action.WITHDRAW, actor=actor)


def _open_for_support(now: datetime) -> Q:
    return Q(status=Status.COLLECTING.value, support_ends_at__gt=now)


def _raise_support_count(proposal: Proposal, now: datetime) -> tuple[int, int | None] | None:
    """``support_count + 1`` while the support period runs: the new count and the threshold,
    or None when support is closed. One statement (``UPDATE … RETURNING``, which the ORM does
    not write), and it locks the proposal's row until the transaction ends."""
    quote = connection.ops.quote_name
    meta: Any = Proposal._meta

    def column(name: str) -> str:
        return str(quote(meta.get_field(name).column))

    count = column("support_count")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} SET {count} = {count} + 1 "  # noqa: S608 - names from the model
            f"WHERE {column('id')} = %s AND {column('status')} = %s "
            f"AND {column('support_ends_at')} > %s "
            f"RETURNING {count}, {column('support_threshold')}",
            [proposal.pk, Status.COLLECTING.value, connection.ops.adapt_datetimefield_value(now)],
        )
        row = cursor.fetchone()
    return None if row is None else (int(row[0]), row[1])


def support_add(*, actor: User, proposal: Proposal | int, wants_updates: bool = True) -> int:
    """Support once per verified person; the proposal's count after it. ``proposal`` may be
    its id: the support button sends only that, and the proposal is read only to say why a
    support was refused, or when it reached the threshold.

    Exact under concurrency: the count is raised in the database (``support_count + 1``) by
    the statement that stores the support, and the raise locks the proposal's row first, so
    supports, withdrawals and transitions of one proposal take turns; two supports of one
    person fail on the unique constraints, which undoes the raise with the rest. On
    PostgreSQL the rules, who the person is, where they live, the raise and the support are
    one statement (``_add_support``), committed on its own."""
    # The rule asks who the person is, not what the proposal is: the statement does that.
    require_perm(actor, "proposals.support_proposal", proposal)
    pk = proposal if isinstance(proposal, int) else proposal.pk
    now = timezone.now()
    try:
        raised = _add_support(pk, actor, wants_updates, now)
    except IntegrityError:
        if Support.objects.filter(proposal_id=pk, user=actor).exists():
            # A repeated click: this account's support is counted once.
            return int(Proposal.objects.filter(pk=pk).values_list("support_count", flat=True)[0])
        # The same person, through another account.
        raise Conflict("proposals.already_supported") from None
    if raised is None:
        _checked(pk, actor)  # says why: not found, not enabled, not verified, not resident
        raise Conflict("proposals.support_closed")
    count, threshold = raised
    if threshold and count >= threshold:
        found = Proposal.objects.select_related("organisation").get(pk=pk)
        _lodge_at_threshold(found, now)
    return count


def _checked(pk: int, actor: User) -> tuple[Proposal, str]:
    """The public proposal and the person's identity hash, if the organisation takes
    supports and the person may give one; else the error that says why not."""
    proposal = (
        Proposal.objects.public()
        .select_related("organisation__proposal_settings")
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        raise NotFound()
    rules = _settings_for(proposal.organisation)
    return proposal, _require_resident(actor, proposal.organisation, rules)


def _add_support(
    pk: int, actor: User, wants_updates: bool, now: datetime
) -> tuple[int, int | None] | None:
    """Raise the count and store the support, or do neither: the new count and the threshold,
    or None when support is closed or the person may not support (and nothing was stored).
    An ``IntegrityError`` when the person or account has supported already.

    On PostgreSQL one statement, which commits on its own: the proposal's organisation's rules
    (supports enabled, residents only), the person (``_person_sql``) and the raise
    (``UPDATE … RETURNING``, only for a person who may support) in a ``WITH``, and the insert
    selecting from them, so that nothing is stored when the raise did not happen. Without a
    transaction around several statements and without statements of their own for the
    proposal and the person, a support is this one statement and the session's user
    (``bench/proposals.py``). PostgreSQL runs a writing ``WITH`` to completion whether or not
    the query reads it. SQLite cannot write in a ``WITH``: there the proposal and the person
    are read first, and the raise and the insert are two statements in a transaction."""
    if connection.vendor != "postgresql":
        proposal, identity = _checked(pk, actor)
        with transaction.atomic():
            raised = _raise_support_count(proposal, now)
            if raised is not None:
                Support.objects.create(
                    proposal_id=pk,
                    user=actor,
                    identity_hash=identity,
                    wants_updates=wants_updates,
                )
            return raised
    quote = connection.ops.quote_name
    proposals: Any = Proposal._meta
    supports: Any = Support._meta
    rules: Any = ProposalSettings._meta

    def column(meta: Any, name: str) -> str:
        return str(quote(meta.get_field(name).column))

    count = column(proposals, "support_count")
    names = ", ".join(
        column(supports, name)
        for name in ("proposal", "user", "identity_hash", "wants_updates", "created")
    )
    person, person_params = _person_sql("(SELECT organisation FROM target)", actor)
    sql = (
        f"WITH target AS (SELECT p.{column(proposals, 'organisation')} AS organisation, "  # noqa: S608 - names from the models
        f"s.{column(rules, 'residents_only')} AS residents_only "
        f"FROM {quote(proposals.db_table)} p JOIN {quote(rules.db_table)} s "
        f"ON s.{column(rules, 'organisation')} = p.{column(proposals, 'organisation')} "
        f"AND s.{column(rules, 'enabled')} WHERE p.{column(proposals, 'id')} = %s), "
        f"person AS ({person}), "
        f"raised AS (UPDATE {quote(proposals.db_table)} SET {count} = {count} + 1 "
        f"WHERE {column(proposals, 'id')} = %s AND {column(proposals, 'status')} = %s "
        f"AND {column(proposals, 'support_ends_at')} > %s AND EXISTS (SELECT 1 FROM "
        f"person, target WHERE person.resident OR NOT target.residents_only) "
        f"RETURNING {count}, {column(proposals, 'support_threshold')}), "
        f"added AS (INSERT INTO {quote(supports.db_table)} ({names}) "
        f"SELECT %s, %s, person.hash, %s, %s FROM raised, person) "
        f"SELECT {count}, {column(proposals, 'support_threshold')} FROM raised"
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    params: list[Any] = [pk, *person_params, pk, Status.COLLECTING.value, stamp]
    params += [pk, actor.pk, wants_updates, stamp]
    # In a transaction already (a caller's, a test's), a savepoint keeps a refused support
    # from breaking it; on its own the statement is its own transaction.
    with transaction.atomic() if connection.in_atomic_block else nullcontext():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    if row is None:
        return None
    return int(row[0]), row[1]


def _lodge_at_threshold(proposal: Proposal, now: datetime) -> Proposal | None:
    """The support that reached the threshold lodges the proposal, in a transaction of its
    own after the support's: under the row lock, once (a support made at the same moment finds
    it lodged). Should the process die between the two, the next support lodges it, or
    ``proposals_expire`` does when the period ends."""
    with transaction.atomic():
        locked = _locked(proposal)
        if not _threshold_reached(locked):
            return None
        locked.threshold_reached_at = now
        return _transition(
            locked, Action.LODGE, actor=None, note=_("Tröskeln nåddes inom stödperioden.")
        )


def _threshold_reached(proposal: Proposal) -> bool:
    return (
        proposal.status == Status.COLLECTING
        and bool(proposal.support_threshold)
        and proposal.support_count >= (proposal.support_threshold or 0)
    )


def support_withdraw(*, actor: User, proposal: Proposal) -> Proposal:
    """Take a support back while the period runs; the count is lowered in the database by the
    rows removed, under the proposal's row lock (taken before the support's, as in
    ``support_add``)."""
    require_perm(actor, "proposals.support_proposal", proposal)
    now = timezone.now()
    with transaction.atomic():
        locked = (
            Proposal.objects.select_for_update()
            .filter(_open_for_support(now), pk=proposal.pk)
            .values_list("pk", flat=True)
            .first()
        )
        if locked is None:
            raise Conflict("proposals.support_period_over")
        removed, _by_model = Support.objects.filter(proposal_id=proposal.pk, user=actor).delete()
        if removed:
            Proposal.objects.filter(pk=proposal.pk).update(
                support_count=F("support_count") - removed
            )
            proposal.support_count -= removed
        return proposal


# --- Intake ---


def proposal_publish(*, actor: User, proposal: Proposal) -> Proposal:
    """Intake accepts the proposal: it collects supports, or goes straight on. Not while
    screening holds it: a person releases it first (the moderation decision page)."""
    require_perm(actor, HANDLE, proposal)
    rules = _settings_for(proposal.organisation)
    with transaction.atomic():
        locked = _locked(proposal)
        if selectors.held_for_moderation(proposal=locked) is not None:
            raise Conflict("proposals.held_for_moderation")
        now = timezone.now()
        locked.published_at = now
        skips = locked.category is not None and locked.category.skips_support
        if rules.support_phase and not skips:
            locked.support_ends_at = now + timedelta(days=rules.support_period_days)
            locked.support_threshold = rules.threshold()
            return _transition(locked, Action.PUBLISH, actor=actor)
        return _transition(locked, Action.LODGE, actor=actor)


def proposal_reject(*, actor: User, proposal: Proposal, rule: IntakeRule, reason: str) -> Proposal:
    require_perm(actor, HANDLE, proposal)
    if rule.organisation_id != proposal.organisation_id:
        raise ValidationFailed("proposals.rule_elsewhere", field="rule")
    if not reason.strip():
        raise ValidationFailed("proposals.reason_missing", field="reason")
    with transaction.atomic():
        locked = _locked(proposal)
        locked.rejection_rule = rule
        held = selectors.held_for_moderation(proposal=locked)
        if held is None:
            locked.rejection_reason = reason.strip()
            return _transition(locked, Action.REJECT, actor=actor, note=rule.title)
        # Held by screening: the rejection is also the moderation decision on the hold, with
        # its statement of reasons (proposal_withhold moves the proposal).
        locked.save(update_fields=["rejection_rule"])
        moderation.decision_withhold(
            actor=actor,
            kind=PROPOSAL,
            item=locked,
            action=Decision.Action.REJECTED,
            rule=held.rule,
            reason=reason,
        )
        locked.refresh_from_db()
        return locked


def proposals_expire(*, now: datetime | None = None) -> int:
    """Close support periods that have ended below the threshold. Run by the scheduler."""
    now = now or timezone.now()
    expired = 0
    due = Proposal.objects.filter(status=Status.COLLECTING.value, support_ends_at__lte=now)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            locked = Proposal.objects.select_for_update().get(pk=pk)
            ends = locked.support_ends_at
            if locked.status == Status.COLLECTING and ends is not None and ends <= now:
                if _threshold_reached(locked):
                    # Reached in time by supports whose process died before it lodged the
                    # proposal (see ``_lodge_at_threshold``).
                    locked.threshold_reached_at = ends
                    _transition(
                        locked,
                        Action.LODGE,
                        actor=None,
                        note=_("Tröskeln nåddes inom stödperioden."),
                    )
                    continue
                _transition(locked, Action.EXPIRE, actor=None)
                expired += 1
    return expired


# --- The case ---


def _next_case_number(organisation: Organisation, rules: ProposalSettings, on: date) -> str:
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


# A year in a case number: 1900-2199, not part of a longer number.
_YEAR = re.compile(r"(?<!\d)(?:19|20|21)\d\d(?!\d)")


def _case_number_fits_year(number: str, year: int) -> bool:
    """True unless the number names a year, and not the year of registration."""
    years = {int(found) for found in _YEAR.findall(number)}
    return not years or year in years


def _check_registration_date(proposal: Proposal, on: date) -> None:
    """Diarieföring happens between the day the proposal came in and today (local time), and
    before any decision in the case."""
    today = timezone.localdate()
    if on > today:
        raise ValidationFailed(
            "proposals.registered_in_future", field="registered_on", today=today.isoformat()
        )
    if proposal.submitted_at is not None:
        submitted = timezone.localdate(proposal.submitted_at)
        if on < submitted:
            raise ValidationFailed(
                "proposals.registered_before_submission",
                field="registered_on",
                submitted=submitted.isoformat(),
            )
    if proposal.decided_on is not None and on > proposal.decided_on:
        raise ValidationFailed(
            "proposals.registered_after_decision",
            field="registered_on",
            decided=proposal.decided_on.isoformat(),
        )


def _check_case_number(proposal: Proposal, number: str, on: date) -> None:
    if not _case_number_fits_year(number, on.year):
        raise ValidationFailed("proposals.case_number_year", field="case_number", year=on.year)
    if Proposal.objects.filter(case_number=number).exclude(pk=proposal.pk).exists():
        raise ValidationFailed("proposals.case_number_taken", field="case_number")


@contextmanager
def _case_number_unique() -> Iterator[None]:
    """Two officials who type the same number at the same moment both pass the check above;
    the database's unique constraint stops the second, who is told so at the field."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        if "case_number" not in str(error):
            raise
        raise ValidationFailed("proposals.case_number_taken", field="case_number") from error


def _check_decision_date(proposal: Proposal, decided_on: date) -> None:
    """A decision is taken after diarieföring and not later than today."""
    if decided_on > timezone.localdate():
        raise ValidationFailed("proposals.decided_in_future", field="decided_on")
    if proposal.registered_on and decided_on < proposal.registered_on:
        raise ValidationFailed(
            "proposals.decided_before_registration",
            field="decided_on",
            registered=proposal.registered_on.isoformat(),
        )


def proposal_register(
    *, actor: User, proposal: Proposal, registered_on: date | None = None, case_number: str = ""
) -> Proposal:
    """Diarieföring: a case number and the date from which the statutory year runs.

    The date lies between the day the proposal was submitted and today; a case number typed
    by hand that names a year names the year of that date."""
    require_perm(actor, HANDLE, proposal)
    rules = _settings_for(proposal.organisation)
    on = registered_on or timezone.localdate()
    with transaction.atomic():
        locked = _locked(proposal)
        MACHINE.require(locked.status, Action.REGISTER)  # before a number is taken
        _check_registration_date(locked, on)
        number = case_number.strip() or _next_case_number(locked.organisation, rules, on)
        _check_case_number(locked, number, on)
        locked.case_number = number
        locked.registered_on = on
        with _case_number_unique():
            return _transition(locked, Action.REGISTER, actor=actor)


def proposal_refer(*, actor: User, proposal: Proposal, body: Body, official: User) -> Proposal:
    require_perm(actor, HANDLE, proposal)
    if body.organisation_id != proposal.organisation_id:
        raise ValidationFailed("proposals.body_elsewhere", field="body")
    with transaction.atomic():
        locked = _locked(proposal)
        locked.responsible_body = body
        locked.responsible_official = official
        return _transition(locked, Action.REFER, actor=actor, note=body.name)


def proposal_propose_decision(*, actor: User, proposal: Proposal, text: str) -> Proposal:
    require_perm(actor, HANDLE, proposal)
    if not text.strip():
        raise ValidationFailed("proposals.decision_proposal_missing", field="text")
    with transaction.atomic():
        locked = _locked(proposal)
        locked.decision_proposal = text.strip()
        return _transition(locked, Action.PROPOSE_DECISION, actor=actor)


def proposal_decide(
    *,
    actor: User,
    proposal: Proposal,
    outcome: Outcome,
    decided_on: date,
    decided_by: Body,
    minutes_reference: str,
    answer: str,
) -> Proposal:
    require_perm(actor, HANDLE, proposal)
    if decided_by.organisation_id != proposal.organisation_id:
        raise ValidationFailed("proposals.decided_by_elsewhere", field="decided_by")
    if not answer.strip():
        raise ValidationFailed("proposals.answer_missing", field="answer")
    with transaction.atomic():
        locked = _locked(proposal)
        _check_decision_date(locked, decided_on)
        locked.outcome = Outcome(outcome).value
        locked.decided_on = decided_on
        locked.decided_by = decided_by
        locked.minutes_reference = minutes_reference.strip()
        locked.answer = answer.strip()
        return _transition(locked, Action.DECIDE, actor=actor)


def proposals_report_unfinished(
    *, actor: User, organisation: Organisation, reported_on: date, proposals: list[Proposal]
) -> int:
    """Record that fullmäktige has been told these cases are not yet decided."""
    require_perm(actor, HANDLE, organisation)
    if reported_on > timezone.localdate():
        raise ValidationFailed("proposals.reported_in_future", field="reported_on")
    count = 0
    with transaction.atomic():
        for proposal in proposals:
            locked = _locked(proposal)
            if locked.organisation_id != organisation.pk:
                raise PermissionDenied()
            if locked.status in OPEN_CASE_STATUSES:
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
    *, actor: User, proposal: Proposal, decided_on: date, minutes_reference: str
) -> Proposal:
    """Avskrivning: only for a case reported to fullmäktige as unfinished."""
    require_perm(actor, HANDLE, proposal)
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.reported_unfinished_on is None:
            raise InvalidTransition("proposals.write_off_before_report")
        _check_decision_date(locked, decided_on)
        if decided_on < locked.reported_unfinished_on:
            raise ValidationFailed(
                "proposals.written_off_before_report_date",
                field="decided_on",
                reported=locked.reported_unfinished_on.isoformat(),
            )
        locked.decided_on = decided_on
        locked.minutes_reference = minutes_reference.strip()
        return _transition(locked, Action.WRITE_OFF, actor=actor)


def proposal_set_unfinished_reason(*, actor: User, proposal: Proposal, reason: str) -> Proposal:
    require_perm(actor, HANDLE, proposal)
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


# --- Corrections (rättelse) and redaction (maskning) ---


def _correction_reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationFailed("proposals.correction_reason_missing", field="reason")
    return reason.strip()


def _as_stored(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Body):
        return value.name
    return value


def _record_correction(
    locked: Proposal,
    *,
    actor: User,
    corrected: Action,
    changes: list[dict[str, object]],
    reason: str,
) -> Proposal:
    """Save a corrected case, add the correction to the timeline beside the entry it
    corrects (which stays), audit it and tell the author and supporters."""
    if not changes:
        raise ValidationFailed("proposals.correction_unchanged")
    locked.save()
    original = (
        ProposalEvent.objects.filter(proposal=locked, action=corrected.value)
        .order_by("-created", "-pk")
        .first()
    )
    # The timeline says that the answer changed, not how; the audit log keeps both texts.
    shown = [
        {**change, "old": "", "new": ""} if change["field"] == "answer" else change
        for change in changes
    ]
    event = ProposalEvent.objects.create(
        proposal=locked,
        action=CORRECT,
        from_status=locked.status,
        to_status=locked.status,
        actor=actor,
        note=reason,
        changes=shown,
        corrects=original,
    )
    audit_log(
        actor=actor,
        action=f"proposal.correct_{corrected.value}",
        target=locked,
        organisation=locked.organisation,
        data={"changes": changes, "reason": reason},
    )
    transaction.on_commit(partial(notify_proposal_event.enqueue, event.pk))
    return locked


def _apply_changes(locked: Proposal, new_values: dict[str, object]) -> list[dict[str, object]]:
    """Set each value that differs from the locked row; what changed, old and new."""
    changes: list[dict[str, object]] = []
    for field, value in new_values.items():
        old = getattr(locked, field)
        if value is None or value == old:
            continue
        changes.append({"field": field, "old": _as_stored(old), "new": _as_stored(value)})
        setattr(locked, field, value)
    return changes


def registration_correct(
    *,
    actor: User,
    proposal: Proposal,
    reason: str,
    registered_on: date | None = None,
    case_number: str = "",
) -> Proposal:
    """Correct a wrongly entered diarieföring: its date, or a case number typed by hand.

    ``None`` or an empty number leaves that value as it is, so two officials correcting
    different things at once both keep their change. The statutory year follows the new
    date; if the date moves to another year and the number names the old one, the case
    gets the next number of the new year's series (unless a number is given)."""
    require_perm(actor, CORRECT_PERM, proposal)
    reason = _correction_reason(reason)
    rules = _settings_for(proposal.organisation)
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.registered_on is None or not locked.case_number:
            raise InvalidTransition("proposals.not_registered")
        on = registered_on or locked.registered_on
        if on != locked.registered_on:
            _check_registration_date(locked, on)
        typed = case_number.strip()
        number = typed or locked.case_number
        if not _case_number_fits_year(number, on.year):
            if typed:
                raise ValidationFailed(
                    "proposals.case_number_year", field="case_number", year=on.year
                )
            number = _next_case_number(locked.organisation, rules, on)
        if number != locked.case_number:
            _check_case_number(locked, number, on)
        changes = _apply_changes(locked, {"registered_on": on, "case_number": number})
        if any(c["field"] == "registered_on" for c in changes):
            locked.last_reminder_days = None  # the reminders start again from the new date
        with _case_number_unique():
            return _record_correction(
                locked, actor=actor, corrected=Action.REGISTER, changes=changes, reason=reason
            )


def decision_correct(
    *,
    actor: User,
    proposal: Proposal,
    reason: str,
    outcome: Outcome | None = None,
    decided_on: date | None = None,
    decided_by: Body | None = None,
    minutes_reference: str | None = None,
    answer: str | None = None,
) -> Proposal:
    """Correct the recorded decision; ``None`` leaves a value as it is."""
    require_perm(actor, CORRECT_PERM, proposal)
    reason = _correction_reason(reason)
    if decided_by is not None and decided_by.organisation_id != proposal.organisation_id:
        raise ValidationFailed("proposals.decided_by_elsewhere", field="decided_by")
    if answer is not None and not answer.strip():
        raise ValidationFailed("proposals.answer_missing", field="answer")
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.status != Status.DECIDED:
            raise InvalidTransition("proposals.not_decided")
        if decided_on is not None and decided_on != locked.decided_on:
            _check_decision_date(locked, decided_on)
        new_values: dict[str, object] = {
            "outcome": None if outcome is None else Outcome(outcome).value,
            "decided_on": decided_on,
            "decided_by": decided_by,
            "minutes_reference": None if minutes_reference is None else minutes_reference.strip(),
            "answer": None if answer is None else answer.strip(),
        }
        changes = _apply_changes(locked, new_values)
        return _record_correction(
            locked, actor=actor, corrected=Action.DECIDE, changes=changes, reason=reason
        )


def proposal_redact(
    *,
    actor: User,
    proposal: Proposal,
    title: str,
    body: str,
    background: str,
    withheld: Iterable[Attachment] = (),
) -> Proposal:
    """Remove personal data from the text before it is published (maskning).

    The proposal as submitted stays as it was, the record; the published text is the
    redacted copy. Text equal to the original undoes the redaction. The timeline says that
    personal data was removed, never what."""
    require_perm(actor, REDACT_PERM, proposal)
    if not title.strip():
        raise ValidationFailed("proposals.redacted_title_missing", field="title")
    if not body.strip():
        raise ValidationFailed("proposals.redacted_body_missing", field="body")
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.status != Status.SUBMITTED:
            raise InvalidTransition("proposals.redact_after_intake")
        copies = {"title": title.strip(), "body": body.strip(), "background": background.strip()}
        changed = [name for name, text in copies.items() if text != getattr(locked, name)]
        attachments = locked.attachments.all()
        withheld_ids = {a.pk for a in withheld} & {a.pk for a in attachments}
        attachments.update(withheld=False)
        attachments.filter(pk__in=withheld_ids).update(withheld=True)
        if withheld_ids:
            changed.append("attachments")
        locked.redacted_at = timezone.now() if changed else None
        locked.redacted_title = copies["title"] if changed else ""
        locked.redacted_body = copies["body"] if changed else ""
        locked.redacted_background = copies["background"] if changed else ""
        locked.save()
        noted = ProposalEvent.objects.filter(proposal=locked, action=REDACT)
        if not changed:
            noted.delete()  # not yet public: the note goes with the redaction
        elif not noted.exists():
            ProposalEvent.objects.create(
                proposal=locked,
                action=REDACT,
                from_status=locked.status,
                to_status=locked.status,
                actor=actor,
                note=_("Personuppgifter har tagits bort före publicering."),
            )
        audit_log(
            actor=actor,
            action="proposal.redact" if changed else "proposal.redact_undo",
            target=locked,
            organisation=locked.organisation,
            data={"fields": changed},
        )
    return locked


def _reminder_step(proposal: Proposal, rules: ProposalSettings, today: date) -> int | None:
    """The nearest reminder step reached and not yet sent (so a missed day is caught up)."""
    if proposal.registered_on is None:
        return None
    left = deadlines.deadline(proposal.registered_on, today).days_left
    due_steps = [d for d in rules.reminder_days if left <= d]
    if not due_steps:
        return None
    step = min(due_steps)
    if proposal.last_reminder_days is not None and proposal.last_reminder_days <= step:
        return None
    return step


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
        step = None if rules is None else _reminder_step(proposal, rules, today)
        if step is None or proposal.registered_on is None:
            continue
        left = deadlines.deadline(proposal.registered_on, today).days_left
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


# --- The organisation's local rules ---


def proposal_settings_update(
    *,
    actor: User,
    organisation: Organisation,
    enabled: bool,
    support_phase: bool,
    threshold_kind: ProposalSettings.ThresholdKind,
    threshold_value: Decimal,
    population: int | None,
    support_period_days: int,
    residents_only: bool,
    intake_rules: str,
    repeat_window_months: int,
    report_months: list[int],
    case_number_format: str,
    reminder_days: list[int],
) -> ProposalSettings:
    """The organisation's rules for proposals, every one of them set by its officials."""
    require_perm(actor, HANDLE, organisation)
    with transaction.atomic():
        rules, _created = ProposalSettings.objects.select_for_update().get_or_create(
            organisation=organisation
        )
        rules.enabled = enabled
        rules.support_phase = support_phase
        rules.threshold_kind = threshold_kind
        rules.threshold_value = threshold_value
        rules.population = population
        rules.support_period_days = support_period_days
        rules.residents_only = residents_only
        rules.intake_rules = intake_rules
        rules.repeat_window_months = repeat_window_months
        rules.report_months = report_months
        rules.case_number_format = case_number_format
        rules.reminder_days = reminder_days
        rules.save()
        _audit_rules(actor, organisation, "settings")
    return rules


def intake_rule_add(
    *, actor: User, organisation: Organisation, title: str, explanation: str
) -> IntakeRule:
    """A reason the organisation may reject a proposal at intake, in its own words."""
    require_perm(actor, HANDLE, organisation)
    with transaction.atomic():
        rule = IntakeRule.objects.create(
            organisation=organisation, title=title, explanation=explanation
        )
        _audit_rules(actor, organisation, "rule")
    return rule


def category_add(
    *, actor: User, organisation: Organisation, name: str, skips_support: bool
) -> Category:
    require_perm(actor, HANDLE, organisation)
    with transaction.atomic():
        category = Category.objects.create(
            organisation=organisation, name=name, skips_support=skips_support
        )
        _audit_rules(actor, organisation, "category")
    return category


def category_delete(*, actor: User, organisation: Organisation, category_id: int) -> bool:
    """Delete one of the organisation's categories, if no proposal has it; True if deleted."""
    require_perm(actor, HANDLE, organisation)
    with transaction.atomic():
        category = Category.objects.filter(
            organisation=organisation, pk=category_id, proposals__isnull=True
        ).first()
        if category is None:
            return False
        category.delete()
        _audit_rules(actor, organisation, "delete_category")
    return True


def _audit_rules(actor: User, organisation: Organisation, change: str) -> None:
    audit_log(
        actor=actor,
        action=f"proposal_rules.{change}",
        target=organisation,
        organisation=organisation,
    )
