"""Joining a strategy and networks of actors: the writes. The reads are in ``selectors``.

External actors (municipalities, agencies, associations, companies) ask to join a strategy; an
official of the strategy's organisation approves or declines the request and may end a
commitment later (``status.COMMITMENT_MACHINE``). The commitment's contact reports the actor's
own activities against the strategy's goals. Networks group actors for exchange: members,
meetings and shared documents.

Every write checks its permission, runs in a transaction, locks the row whose state it changes
and logs staff actions in the audit log. E-mails go to the outbox with the transaction.
"""

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from functools import partial

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delaktig.accounts.types import User
from delaktig.core import ratelimit, uploads
from delaktig.core.audit import audit_log
from delaktig.core.errors import (
    Conflict,
    DelaktigError,
    InvalidTransition,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
    require_perm,
)
from delaktig.moderation import checks as screening_checks
from delaktig.moderation import services as moderation
from delaktig.notifications.outbox import email_queue
from delaktig.organisations.models import Municipality, Organisation

from ..models import (
    Actor,
    ActorActivity,
    Commitment,
    Goal,
    Network,
    NetworkDocument,
    NetworkMeeting,
    NetworkMember,
    Strategy,
)
from ..selectors import decision_recipient
from ..status import COMMITMENT_MACHINE, ActivityStatus, CommitmentAction, CommitmentStatus

CHANGE = "followup.change_strategy"
REQUEST = "followup.request_commitment"
REPORT = "followup.report_actor_activity"
VIEW_DOCUMENTS = "followup.view_network_documents"
ADD_DOCUMENT = "followup.add_network_document"
DELETE_DOCUMENT = "followup.delete_network_document"

Status = CommitmentStatus


# --- Helpers ---


def _clean(text: str) -> str:
    return (text or "").strip()


def _goals_of(strategy: Strategy, goals: Sequence[Goal]) -> list[Goal]:
    chosen = list(goals or [])
    if any(goal.strategy_id != strategy.pk for goal in chosen):
        raise ValidationFailed("followup.goals_not_in_strategy", field="goals")
    return chosen


def _account_for_email(email: str) -> User | None:
    """The active account whose verified e-mail address this is, or None."""
    from allauth.account.models import EmailAddress

    email = _clean(email)
    if not email:
        return None
    found = (
        EmailAddress.objects.filter(email__iexact=email, verified=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    return found.user if found else None


def _actor_for(
    *,
    organisation: Organisation,
    name: str,
    kind: str,
    organisation_number: str = "",
    municipality: Municipality | None = None,
) -> Actor:
    """The organisation's actor by this name (any letter case), or a new one."""
    name = _clean(name)
    if not name:
        raise ValidationFailed("followup.actor_name_missing", field="actor_name")
    existing = Actor.objects.filter(organisation=organisation, name__iexact=name).first()
    if existing is not None:
        return existing
    if kind not in Actor.Kind.values:
        raise ValidationFailed("followup.actor_kind_missing", field="actor_kind")
    try:
        with transaction.atomic():
            return Actor.objects.create(
                organisation=organisation,
                name=name,
                kind=kind,
                organisation_number=_clean(organisation_number),
                municipality=municipality,
            )
    except IntegrityError:
        # Someone registered the same name at the same moment.
        return Actor.objects.get(organisation=organisation, name=name)


def _commitment_fields(
    commitment: str, contact_name: str, contact_email: str, *, text_missing: str
) -> tuple[str, str, str]:
    """The commitment's text and its contact's name and address, trimmed; all needed."""
    text, contact_name, contact_email = (
        _clean(commitment),
        _clean(contact_name),
        _clean(contact_email),
    )
    if not text:
        raise ValidationFailed(text_missing, field="commitment")
    if not contact_name or not contact_email:
        raise ValidationFailed("followup.contact_missing", field="contact_name")
    return text, contact_name, contact_email


# The kind of notification each e-mail is (see the app's contributions).
EMAIL_KINDS = {
    "commitment_pending": "followup.commitment_request",
    "commitment_contact_confirm": "followup.commitment_contact",
    "commitment_approved": "followup.commitment_decision",
    "commitment_declined": "followup.commitment_decision",
}


def _notify(
    recipient: str, template: str, context: dict[str, object], organisation: Organisation
) -> None:
    email_queue(
        recipient=recipient,
        template=template,
        context=context,
        kind=EMAIL_KINDS[template],
        organisation=organisation,
    )


def _official_emails(organisation: Organisation) -> list[str]:
    from delaktig.accounts.models import Role

    return sorted(
        set(
            Role.objects.filter(
                kind=Role.Kind.OFFICIAL, organisation=organisation, user__is_active=True
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def _locked_commitment(actor: User, commitment: Commitment) -> Commitment:
    locked = (
        Commitment.objects.select_for_update()
        .select_related("strategy", "strategy__organisation", "actor")
        .get(pk=commitment.pk)
    )
    require_perm(actor, CHANGE, locked.strategy)
    return locked


def _next_status(
    commitment: Commitment, action: CommitmentAction, refusal: str
) -> CommitmentStatus:
    """The status ``action`` leads to, or :class:`InvalidTransition` with ``refusal``'s code."""
    try:
        return COMMITMENT_MACHINE.require(commitment.status, action)
    except InvalidTransition as error:
        raise InvalidTransition(refusal) from error


def _is_verified_address_of(user: User, email: str) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, verified=True, email__iexact=email).exists()


# A link to confirm a contact address is signed, names the commitment and the address, and
# is good for this many days; it changes nothing when the address has changed since.
CONTACT_CONFIRMATION_SALT = "delaktig.followup.commitment-contact"
CONTACT_CONFIRMATION_DAYS = 30


def contact_confirmation_token(commitment: Commitment) -> str:
    return signing.dumps(
        [commitment.pk, commitment.contact_email.lower()], salt=CONTACT_CONFIRMATION_SALT
    )


def contact_confirmation_valid(commitment: Commitment, token: str) -> bool:
    try:
        signed = signing.loads(
            token,
            salt=CONTACT_CONFIRMATION_SALT,
            max_age=CONTACT_CONFIRMATION_DAYS * 24 * 60 * 60,
        )
    except signing.BadSignature:  # also an expired link
        return False
    return bool(
        commitment.contact_email and signed == [commitment.pk, commitment.contact_email.lower()]
    )


def _commitment_context(commitment: Commitment) -> dict[str, object]:
    return {
        "strategy": commitment.strategy.title,
        "actor": commitment.actor.name,
        "contact_name": commitment.contact_name,
        "reason": commitment.status_reason,
        "path": reverse("followup:joined", kwargs={"slug": commitment.strategy.slug}),
    }


# --- Joining a strategy ---


def _create_request(
    *,
    requester: User,
    strategy: Strategy,
    joining: Actor,
    text: str,
    contact_name: str,
    contact_email: str,
    confirmed: bool,
) -> Commitment:
    """The pending commitment; two requests at the same moment: the database keeps one."""
    try:
        with transaction.atomic():
            return Commitment.objects.create(
                strategy=strategy,
                actor=joining,
                commitment=text,
                contact_name=contact_name,
                contact_email=contact_email,
                # Only the contact's own verified account may report for the actor: the
                # requester, if the contact address is theirs, or whoever owns it.
                contact_user=_account_for_email(contact_email),
                requested_by=requester,
                contact_confirmed_at=timezone.now() if confirmed else None,
                status=Status.PENDING,
            )
    except IntegrityError as error:
        if _pending_request(requester, strategy).exists():
            raise Conflict("followup.request_pending") from error
        raise Conflict("followup.already_joined") from error


def _pending_request(requester: User, strategy: Strategy) -> "QuerySet[Commitment]":
    return Commitment.objects.filter(
        strategy=strategy, requested_by=requester, status=Status.PENDING
    )


def _notify_request(commitment: Commitment, *, confirmed: bool) -> None:
    """Every official of the organisation is told; an unconfirmed contact gets a link."""
    strategy = commitment.strategy
    context: dict[str, object] = {
        "strategy": strategy.title,
        "actor": commitment.actor.name,
        "path": reverse("followup_staff:commitment_review", kwargs={"pk": commitment.pk}),
    }
    for email in _official_emails(strategy.organisation):
        _notify(email, "commitment_pending", context, strategy.organisation)
    if confirmed:
        return
    path = reverse(
        "followup:contact_confirm",
        kwargs={
            "slug": strategy.slug,
            "pk": commitment.pk,
            "token": contact_confirmation_token(commitment),
        },
    )
    _notify(
        commitment.contact_email,
        "commitment_contact_confirm",
        {
            "strategy": strategy.title,
            "actor": commitment.actor.name,
            "contact_name": commitment.contact_name,
            "path": path,
            "days": CONTACT_CONFIRMATION_DAYS,
        },
        strategy.organisation,
    )


def commitment_request(
    *,
    actor: User,
    strategy: Strategy,
    actor_name: str,
    actor_kind: str,
    commitment: str,
    contact_name: str,
    contact_email: str,
    goals: Sequence[Goal] = (),
    organisation_number: str = "",
    municipality: Municipality | None = None,
    personal_data_ok: bool = False,
    accept_rules: bool = False,
) -> Commitment:
    """A logged-in person asks for an actor to join a strategy; an official reviews it.

    The commitment's text is screened (:mod:`delaktig.moderation.services`): personal data is
    pointed out before sending (``personal_data_ok`` keeps it); a threat, hate or harassment
    is recorded on the request and shown to the official who decides, who may decline it.

    Reuses the actor of the strategy's organisation with the same name, refuses a second
    commitment of the same actor and a second pending request by the same person, and
    limits how many requests a person, and a strategy, get an hour (each e-mails every
    official). A contact address that is not one of the person's verified account addresses
    is sent a link to confirm it; until it is confirmed, the decision goes to the person.
    """
    require_perm(actor, REQUEST, strategy)
    if not (strategy.published and strategy.joinable):
        raise Conflict("followup.not_joinable")
    text, contact_name, contact_email = _commitment_fields(
        commitment, contact_name, contact_email, text_missing="followup.request_text_missing"
    )
    chosen = _goals_of(strategy, goals)
    screened = moderation.submission_check(
        actor=actor,
        organisation_id=strategy.organisation_id,
        text=text,
        field="commitment",
        personal_data_ok=personal_data_ok,
        accept_rules=accept_rules,
    )
    limits = (
        ratelimit.limit_for("commitment_request", f"user:{actor.pk}"),
        ratelimit.limit_for("commitment_request_strategy", f"strategy:{strategy.pk}"),
    )
    refused = RateLimited("followup.too_many_requests")
    # The uses are given back when the request is refused below or not saved.
    with ratelimit.enforce(*limits, error=refused), transaction.atomic():
        if _pending_request(actor, strategy).exists():
            raise Conflict("followup.request_pending")
        joining = _actor_for(
            organisation=strategy.organisation,
            name=actor_name,
            kind=actor_kind,
            organisation_number=organisation_number,
            municipality=municipality,
        )
        if Commitment.objects.filter(strategy=strategy, actor=joining).exists():
            raise Conflict("followup.already_joined")
        confirmed = _is_verified_address_of(actor, contact_email)
        saved = _create_request(
            requester=actor,
            strategy=strategy,
            joining=joining,
            text=text,
            contact_name=contact_name,
            contact_email=contact_email,
            confirmed=confirmed,
        )
        saved.goals.set(chosen)
        if screened.needs_person or screened.sensitive:
            saved.screening_findings = screening_checks.findings_record(screened)
            saved.save(update_fields=["screening_findings"])
        _notify_request(saved, confirmed=confirmed)
    return saved


def commitment_confirm_contact(*, commitment: Commitment, token: str) -> Commitment:
    """The contact follows the link mailed to them: decisions go to their address from now.

    Needs no login (the contact may have no account); the signed link is the proof.
    """
    with transaction.atomic():
        locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if not contact_confirmation_valid(locked, token):
            raise DelaktigError("followup.invalid_confirmation")
        if locked.contact_confirmed_at is None:
            locked.contact_confirmed_at = timezone.now()
            locked.save(update_fields=["contact_confirmed_at"])
    return locked


def commitment_approve(
    *, actor: User, commitment: Commitment, joined_on: date | None = None
) -> Commitment:
    """Pending → active. The actor is listed publicly from now on."""
    with transaction.atomic():
        locked = _locked_commitment(actor, commitment)
        locked.status = _next_status(locked, CommitmentAction.APPROVE, "followup.already_decided")
        locked.joined_on = joined_on or timezone.localdate()
        locked.status_reason = ""
        if locked.contact_user_id is None:
            # The contact may have made an account since the request was sent.
            locked.contact_user = _account_for_email(locked.contact_email)
        locked.save(update_fields=["status", "joined_on", "status_reason", "contact_user"])
        audit_log(
            actor=actor,
            action="followup.commitment_approve",
            target=locked,
            organisation=locked.strategy.organisation,
            data={"joined_on": locked.joined_on.isoformat()},
        )
        _notify(
            decision_recipient(locked),
            "commitment_approved",
            _commitment_context(locked),
            locked.strategy.organisation,
        )
    return locked


def commitment_decline(*, actor: User, commitment: Commitment, reason: str) -> Commitment:
    """Pending → declined, with a reason the contact is told."""
    reason = _clean(reason)
    if not reason:
        raise ValidationFailed("followup.decline_reason_missing", field="reason")
    with transaction.atomic():
        locked = _locked_commitment(actor, commitment)
        locked.status = _next_status(locked, CommitmentAction.DECLINE, "followup.already_decided")
        locked.status_reason = reason
        locked.save(update_fields=["status", "status_reason"])
        audit_log(
            actor=actor,
            action="followup.commitment_decline",
            target=locked,
            organisation=locked.strategy.organisation,
        )
        _notify(
            decision_recipient(locked),
            "commitment_declined",
            _commitment_context(locked),
            locked.strategy.organisation,
        )
    return locked


def commitment_end(*, actor: User, commitment: Commitment, reason: str = "") -> Commitment:
    """Active → ended. The actor leaves the public list; its reports stay in the database."""
    with transaction.atomic():
        locked = _locked_commitment(actor, commitment)
        locked.status = _next_status(locked, CommitmentAction.END, "followup.not_active")
        locked.status_reason = _clean(reason)
        locked.save(update_fields=["status", "status_reason"])
        audit_log(
            actor=actor,
            action="followup.commitment_end",
            target=locked,
            organisation=locked.strategy.organisation,
        )
    return locked


def commitment_register(
    *,
    actor: User,
    strategy: Strategy,
    commitment: str,
    contact_name: str,
    contact_email: str,
    goals: Sequence[Goal] = (),
    existing_actor: Actor | None = None,
    actor_name: str = "",
    actor_kind: str = "",
    organisation_number: str = "",
    municipality: Municipality | None = None,
    joined_on: date | None = None,
) -> Commitment:
    """An official registers an actor's commitment directly, as active.

    The contact's account is linked when one has the contact e-mail as a verified address.
    """
    require_perm(actor, CHANGE, strategy)
    text, contact_name, contact_email = _commitment_fields(
        commitment, contact_name, contact_email, text_missing="followup.register_text_missing"
    )
    if existing_actor is not None and existing_actor.organisation_id != strategy.organisation_id:
        raise ValidationFailed("followup.actor_elsewhere", field="existing_actor")
    chosen = _goals_of(strategy, goals)
    with transaction.atomic():
        joining = existing_actor or _actor_for(
            organisation=strategy.organisation,
            name=actor_name,
            kind=actor_kind,
            organisation_number=organisation_number,
            municipality=municipality,
        )
        if Commitment.objects.filter(strategy=strategy, actor=joining).exists():
            raise Conflict("followup.already_joined")
        try:
            with transaction.atomic():
                saved = Commitment.objects.create(
                    strategy=strategy,
                    actor=joining,
                    commitment=text,
                    contact_name=contact_name,
                    contact_email=contact_email,
                    contact_user=_account_for_email(contact_email),
                    status=Status.ACTIVE,
                    joined_on=joined_on or timezone.localdate(),
                )
        except IntegrityError as error:
            raise Conflict("followup.already_joined") from error
        saved.goals.set(chosen)
        audit_log(
            actor=actor,
            action="followup.commitment_register",
            target=saved,
            organisation=strategy.organisation,
        )
    return saved


def actor_activity_report(
    *,
    actor: User,
    commitment: Commitment,
    title: str,
    year: int,
    status: str = ActivityStatus.ONGOING,
    description: str = "",
    goals: Sequence[Goal] = (),
    activity: ActorActivity | None = None,
) -> ActorActivity:
    """The contact (or an official) reports one of the actor's activities, or edits one."""
    require_perm(actor, REPORT, commitment)
    strategy = commitment.strategy
    title = _clean(title)
    if not title:
        raise ValidationFailed("followup.activity_title_missing", field="title")
    if not strategy.start_year <= year <= strategy.end_year:
        raise ValidationFailed("followup.year_outside_period", field="year", period=strategy.period)
    if status not in ActivityStatus.values:
        raise ValidationFailed("followup.status_missing", field="status")
    chosen = _goals_of(strategy, goals)
    if activity is not None and activity.commitment_id != commitment.pk:
        raise PermissionDenied()
    with transaction.atomic():
        current = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if current.status != Status.ACTIVE:
            raise InvalidTransition("followup.not_joined")
        saved = activity or ActorActivity(commitment=current, reported_by=actor)
        saved.title = title
        saved.description = _clean(description)
        saved.year = year
        saved.status = status
        if activity is not None:
            saved.reported_at = timezone.now()
        saved.save()
        saved.goals.set(chosen)
        if actor.pk != current.contact_user_id:
            audit_log(
                actor=actor,
                action="followup.actor_activity_report",
                target=saved,
                organisation=strategy.organisation,
                data={"commitment": current.pk},
            )
    return saved


# --- Networks ---


def network_save(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    slug: str,
    description: str = "",
    strategy: Strategy | None = None,
    published: bool = True,
    network: Network | None = None,
) -> Network:
    """Create a network or change one. It stays with the organisation that coordinates it."""
    require_perm(actor, CHANGE, organisation)
    if network is not None:
        require_perm(actor, CHANGE, network)
        if network.organisation_id != organisation.pk:
            raise ValidationFailed("followup.network_moved", field="organisation")
    if strategy is not None and strategy.organisation_id != organisation.pk:
        raise ValidationFailed("followup.strategy_elsewhere", field="strategy")
    if not _clean(name) or not _clean(slug):
        raise ValidationFailed("followup.network_name_missing", field="name")
    with transaction.atomic():
        saved = (
            Network.objects.select_for_update().get(pk=network.pk)
            if network is not None
            else Network(organisation=organisation)
        )
        saved.name = _clean(name)
        saved.slug = _clean(slug)
        saved.description = _clean(description)
        saved.strategy = strategy
        saved.published = published
        try:
            with transaction.atomic():
                saved.save()
        except IntegrityError as error:
            raise ValidationFailed("followup.network_slug_taken", field="slug") from error
        audit_log(
            actor=actor,
            action="followup.network_save",
            target=saved,
            organisation=organisation,
            data={"created": network is None},
        )
    return saved


def network_member_add(
    *,
    actor: User,
    network: Network,
    existing_actor: Actor | None = None,
    actor_name: str = "",
    actor_kind: str = "",
    organisation_number: str = "",
    municipality: Municipality | None = None,
    contact_name: str = "",
    contact_email: str = "",
) -> NetworkMember:
    """Add an existing actor or a new one. An account with the contact e-mail is linked."""
    require_perm(actor, CHANGE, network)
    if existing_actor is not None and existing_actor.organisation_id != network.organisation_id:
        raise ValidationFailed("followup.actor_elsewhere", field="existing_actor")
    with transaction.atomic():
        member_actor = existing_actor or _actor_for(
            organisation=network.organisation,
            name=actor_name,
            kind=actor_kind,
            organisation_number=organisation_number,
            municipality=municipality,
        )
        try:
            with transaction.atomic():
                member = NetworkMember.objects.create(
                    network=network,
                    actor=member_actor,
                    contact_name=_clean(contact_name),
                    contact_email=_clean(contact_email),
                    user=_account_for_email(contact_email),
                )
        except IntegrityError as error:
            raise Conflict("followup.already_member") from error
        audit_log(
            actor=actor,
            action="followup.network_member_add",
            target=network,
            organisation=network.organisation,
            data={"actor": member_actor.pk, "account_linked": member.user_id is not None},
        )
    return member


def network_member_remove(*, actor: User, member: NetworkMember) -> None:
    network = member.network
    require_perm(actor, CHANGE, network)
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="followup.network_member_remove",
            target=network,
            organisation=network.organisation,
            data={"actor": member.actor_id, "name": str(member.actor)},
        )
        NetworkMember.objects.filter(pk=member.pk).delete()


def network_meeting_save(
    *,
    actor: User,
    network: Network,
    title: str,
    starts_at: datetime,
    place: str = "",
    agenda: str = "",
    notes: str = "",
    meeting: NetworkMeeting | None = None,
) -> NetworkMeeting:
    require_perm(actor, CHANGE, network)
    if meeting is not None and meeting.network_id != network.pk:
        raise PermissionDenied()
    if not _clean(title):
        raise ValidationFailed("followup.meeting_title_missing", field="title")
    with transaction.atomic():
        saved = meeting or NetworkMeeting(network=network)
        saved.title = _clean(title)
        saved.starts_at = starts_at
        saved.place = _clean(place)
        saved.agenda = _clean(agenda)
        saved.notes = _clean(notes)
        saved.save()
        audit_log(
            actor=actor,
            action="followup.network_meeting_save",
            target=saved,
            organisation=network.organisation,
            data={"network": network.pk, "created": meeting is None},
        )
    return saved


# Documents are judged by their content, never by their name or the browser's content type.
MAX_DOCUMENT_SIZE = 10 * 1024 * 1024
DOCUMENT_TYPES_TEXT = _("PDF, Word (DOCX), Excel (XLSX), OpenDocument-text (ODT), PNG eller JPEG")
DOCX = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
XLSX = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
ODT = ("application/vnd.oasis.opendocument.text", ".odt")


def _sniff_zip(data: bytes) -> tuple[str, str] | None:
    """Tell DOCX, XLSX and ODT apart by the entries of the ZIP container.

    A container that unpacks to far more than a document does (a "ZIP bomb") is refused with
    :class:`~delaktig.core.uploads.ArchiveRefused`: it is not stored for others to open."""
    try:
        with uploads.open_zip(data) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                if uploads.read_member(archive, "mimetype").strip() == ODT[0].encode():
                    return ODT
                return None
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
    except uploads.ArchiveRefused as error:
        if error.too_large:
            raise
        return None
    return None


def sniff_document(data: bytes) -> tuple[str, str] | None:
    """The content type and file extension judged from the content, or None if not allowed."""
    kind = uploads.sniff_signature(data)
    if kind is not None:
        return kind
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    return None


def _document_kind(upload: UploadedFile | None) -> tuple[bytes, str, str]:
    """The file's content, content type and extension; refused unless an allowed type."""
    if upload is None:
        raise ValidationFailed("followup.file_missing", field="file")
    if (upload.size or 0) > MAX_DOCUMENT_SIZE:
        raise ValidationFailed("followup.file_too_large", field="file")
    upload.seek(0)
    data = upload.read()
    try:
        kind = sniff_document(data)
    except uploads.ArchiveRefused as error:
        raise ValidationFailed(error.code, field="file", **error.params) from error
    if kind is None:
        raise ValidationFailed(
            "followup.file_type_not_allowed", field="file", types=str(DOCUMENT_TYPES_TEXT)
        )
    return data, kind[0], kind[1]


def network_document_add(
    *,
    actor: User,
    network: Network,
    title: str,
    upload: UploadedFile | None,
    public: bool = False,
) -> NetworkDocument:
    """Share a document in a network. Only officials may make a document public.

    The file is stored under a random name with the extension its content shows; the name the
    person's computer gave it is not kept.
    """
    require_perm(actor, ADD_DOCUMENT, network)
    if public:
        require_perm(actor, CHANGE, network)
    title = _clean(title)
    if not title:
        raise ValidationFailed("followup.document_title_missing", field="title")
    data, content_type, extension = _document_kind(upload)
    with transaction.atomic():
        document = NetworkDocument(
            network=network,
            title=title,
            content_type=content_type,
            size=len(data),
            public=public,
            uploaded_by=actor,
        )
        document.file.save(f"{uuid.uuid4().hex}{extension}", ContentFile(data), save=False)
        document.save()
        if actor.has_perm(CHANGE, network):
            audit_log(
                actor=actor,
                action="followup.network_document_add",
                target=document,
                organisation=network.organisation,
                data={"network": network.pk, "public": public},
            )
    return document


def network_document_delete(*, actor: User, document: NetworkDocument) -> None:
    """Officials delete any document; a member deletes one they shared themselves."""
    require_perm(actor, DELETE_DOCUMENT, document)
    network = document.network
    name = document.file.name
    with transaction.atomic():
        if actor.has_perm(CHANGE, network):
            audit_log(
                actor=actor,
                action="followup.network_document_delete",
                target=document,
                organisation=network.organisation,
                data={"network": network.pk, "title": document.title},
            )
        NetworkDocument.objects.filter(pk=document.pk).delete()
        storage = document.file.storage
        transaction.on_commit(partial(storage.delete, name))
