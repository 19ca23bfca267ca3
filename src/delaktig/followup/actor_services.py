"""Joining a strategy and networks of actors: writes, and the reads the pages share.

External actors (municipalities, agencies, associations, companies) ask to join a strategy; an
official of the strategy's organisation approves or declines the request and may end a
commitment later. The commitment's contact reports the actor's own activities against the
strategy's goals. Networks group actors for exchange: members, meetings and shared documents.

Every write checks its permission, runs in a transaction, locks the row whose state it changes
and logs staff actions in the audit log. E-mails go out after the transaction commits.
"""

import uuid
from datetime import date, datetime
from functools import partial
from typing import Any

from django.core import signing
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delaktig.core import ratelimit, uploads
from delaktig.core.audit import audit_log
from delaktig.core.errors import (
    DelaktigError,
    InvalidTransition,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
    require_perm,
)
from delaktig.notifications.outbox import email_queue

from .models import (
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
from .status import ActivityStatus

CHANGE = "followup.change_strategy"
REPORT = "followup.report_actor_activity"
VIEW_DOCUMENTS = "followup.view_network_documents"
ADD_DOCUMENT = "followup.add_network_document"

Status = Commitment.Status


class AlreadyJoined(DelaktigError):
    code = "already_joined"
    status = 409
    default_message = _(
        "Den här aktören har redan anslutit sig till strategin eller ansökt om det. Kontakta "
        "den som samordnar strategin om något behöver ändras."
    )


class RequestPending(DelaktigError):
    code = "request_pending"
    status = 409
    default_message = _(
        "Du har redan en ansökan om anslutning till strategin som väntar på besked. Vänta tills "
        "den är behandlad innan du skickar en ny."
    )


class TooManyRequests(RateLimited):
    code = "too_many_requests"
    default_message = _(
        "Det har kommit många ansökningar om anslutning på kort tid. Vänta en stund och försök "
        "igen; det du skrev finns kvar."
    )


class InvalidConfirmation(DelaktigError):
    code = "invalid_confirmation"
    status = 400
    default_message = _(
        "Länken stämmer inte eller har gått ut. Be den som skickade ansökan att kontakta den som "
        "samordnar strategin."
    )


class NotJoinable(DelaktigError):
    code = "not_joinable"
    status = 409
    default_message = _("Det går inte att ansluta sig till den här strategin.")


class AlreadyMember(DelaktigError):
    code = "already_member"
    status = 409
    default_message = _("Aktören är redan medlem i nätverket.")


# --- Reads ---


def joined_commitments(strategy: Strategy) -> QuerySet[Commitment]:
    """The active commitments of a strategy, for its public pages: actor, goals, activities."""
    return (
        Commitment.objects.filter(strategy=strategy, status=Status.ACTIVE)
        .select_related("actor", "actor__municipality")
        .prefetch_related(
            "goals",
            Prefetch(
                "activities",
                queryset=ActorActivity.objects.order_by("-year", "title", "pk").prefetch_related(
                    "goals"
                ),
            ),
        )
        .order_by("joined_on", "actor__name")
    )


def commitments_for_review(strategy: Strategy) -> QuerySet[Commitment]:
    """All commitments of a strategy for its officials: pending first, then active, ended."""
    return (
        Commitment.objects.filter(strategy=strategy)
        .select_related("actor", "actor__municipality", "contact_user")
        .annotate(
            rank=Case(
                When(status=Status.PENDING, then=Value(0)),
                When(status=Status.ACTIVE, then=Value(1)),
                When(status=Status.ENDED, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "created", "pk")
    )


def is_network_member(user: Any, network: Network) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return network.members.filter(user=user).exists()


def visible_documents(user: Any, network: Network) -> QuerySet[NetworkDocument]:
    """The documents this person may see: public ones, and all for members and staff."""
    documents = network.documents.select_related("uploaded_by")
    if user.has_perm(VIEW_DOCUMENTS, network):
        return documents
    return documents.filter(public=True)


# --- Helpers ---


def _clean(text: str) -> str:
    return (text or "").strip()


def _goals_of(strategy: Strategy, goals: Any) -> list[Goal]:
    chosen = list(goals or [])
    if any(goal.strategy_id != strategy.pk for goal in chosen):
        raise ValidationFailed(_("Välj bara mål som hör till strategin."))
    return chosen


def account_for_email(email: str) -> Any:
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
    organisation: Any,
    name: str,
    kind: str,
    organisation_number: str = "",
    municipality: Any = None,
) -> tuple[Actor, bool]:
    """The organisation's actor by this name (any letter case), or a new one."""
    name = _clean(name)
    if not name:
        raise ValidationFailed(_("Skriv aktörens namn."))
    existing = Actor.objects.filter(organisation=organisation, name__iexact=name).first()
    if existing is not None:
        return existing, False
    if kind not in Actor.Kind.values:
        raise ValidationFailed(_("Välj vilken typ av aktör det är."))
    try:
        with transaction.atomic():
            actor = Actor.objects.create(
                organisation=organisation,
                name=name,
                kind=kind,
                organisation_number=_clean(organisation_number),
                municipality=municipality,
            )
    except IntegrityError:
        # Someone registered the same name at the same moment.
        return Actor.objects.get(organisation=organisation, name=name), False
    return actor, True


def _notify(recipient: str, template: str, context: dict[str, object]) -> None:
    email_queue(recipient=recipient, template=template, context=context)


def _official_emails(organisation: Any) -> list[str]:
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


def _locked_commitment(actor: Any, commitment: Commitment) -> Commitment:
    locked = (
        Commitment.objects.select_for_update()
        .select_related("strategy", "strategy__organisation", "actor")
        .get(pk=commitment.pk)
    )
    require_perm(actor, CHANGE, locked.strategy)
    return locked


def verified_address(user_id: int | None) -> str:
    """The person's verified account address (the primary one first), or ''."""
    from allauth.account.models import EmailAddress

    if user_id is None:
        return ""
    found = (
        EmailAddress.objects.filter(user_id=user_id, verified=True)
        .order_by("-primary", "pk")
        .values_list("email", flat=True)
        .first()
    )
    return found or ""


def _is_verified_address_of(user: Any, email: str) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, verified=True, email__iexact=email).exists()


def decision_recipient(commitment: Commitment) -> str:
    """Where the decision on a request goes: the contact address once it is confirmed,
    otherwise the requester's own verified address ('' when there is neither)."""
    if commitment.contact_confirmed_at is not None and commitment.contact_email:
        return commitment.contact_email
    return verified_address(commitment.requested_by_id)


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


def commitment_request(
    *,
    user: Any,
    strategy: Strategy,
    actor_name: str,
    actor_kind: str,
    commitment: str,
    contact_name: str,
    contact_email: str,
    goals: Any = (),
    organisation_number: str = "",
    municipality: Any = None,
) -> Commitment:
    """A logged-in person asks for an actor to join a strategy; an official reviews it.

    Reuses the actor of the strategy's organisation with the same name, refuses a second
    commitment of the same actor and a second pending request by the same person, and
    limits how many requests a person, and a strategy, get an hour (each e-mails every
    official). A contact address that is not one of the person's verified account addresses
    is sent a link to confirm it; until it is confirmed, the decision goes to the person.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied(_("Logga in för att ansluta er organisation."))
    if not (strategy.published and strategy.joinable):
        raise NotJoinable()
    text, contact_name, contact_email = (
        _clean(commitment),
        _clean(contact_name),
        _clean(contact_email),
    )
    if not text:
        raise ValidationFailed(_("Beskriv vad ni åtar er att göra."))
    if not contact_name or not contact_email:
        raise ValidationFailed(_("Ange kontaktpersonens namn och e-postadress."))
    chosen = _goals_of(strategy, goals)
    limits = (
        ratelimit.limit_for("commitment_request", f"user:{user.pk}"),
        ratelimit.limit_for("commitment_request_strategy", f"strategy:{strategy.pk}"),
    )
    # The uses are given back when the request is refused below or not saved.
    with ratelimit.enforce(*limits, error=TooManyRequests()), transaction.atomic():
        pending = Commitment.objects.filter(
            strategy=strategy, requested_by=user, status=Status.PENDING
        )
        if pending.exists():
            raise RequestPending()
        actor, _created = _actor_for(
            organisation=strategy.organisation,
            name=actor_name,
            kind=actor_kind,
            organisation_number=organisation_number,
            municipality=municipality,
        )
        if Commitment.objects.filter(strategy=strategy, actor=actor).exists():
            raise AlreadyJoined()
        confirmed = _is_verified_address_of(user, contact_email)
        try:
            with transaction.atomic():
                saved = Commitment.objects.create(
                    strategy=strategy,
                    actor=actor,
                    commitment=text,
                    contact_name=contact_name,
                    contact_email=contact_email,
                    # Only the contact's own verified account may report for the actor: the
                    # requester, if the contact address is theirs, or whoever owns it.
                    contact_user=account_for_email(contact_email),
                    requested_by=user,
                    contact_confirmed_at=timezone.now() if confirmed else None,
                    status=Status.PENDING,
                )
        except IntegrityError as error:
            # Two requests at the same moment: the database keeps one of each kind.
            if pending.exists():
                raise RequestPending() from error
            raise AlreadyJoined() from error
        saved.goals.set(chosen)
        context: dict[str, object] = {
            "strategy": strategy.title,
            "actor": actor.name,
            "path": reverse("followup_staff:commitment_review", kwargs={"pk": saved.pk}),
        }
        for email in _official_emails(strategy.organisation):
            _notify(email, "commitment_pending", context)
        if not confirmed:
            token = contact_confirmation_token(saved)
            path = reverse(
                "followup:contact_confirm",
                kwargs={"slug": strategy.slug, "pk": saved.pk, "token": token},
            )
            _notify(
                contact_email,
                "commitment_contact_confirm",
                {
                    "strategy": strategy.title,
                    "actor": actor.name,
                    "contact_name": contact_name,
                    "path": path,
                    "days": CONTACT_CONFIRMATION_DAYS,
                },
            )
    return saved


def commitment_confirm_contact(*, commitment: Commitment, token: str) -> Commitment:
    """The contact follows the link mailed to them: decisions go to their address from now.

    Needs no login (the contact may have no account); the signed link is the proof.
    """
    with transaction.atomic():
        locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if not contact_confirmation_valid(locked, token):
            raise InvalidConfirmation()
        if locked.contact_confirmed_at is None:
            locked.contact_confirmed_at = timezone.now()
            locked.save(update_fields=["contact_confirmed_at"])
    return locked


def commitment_approve(
    *, actor: Any, commitment: Commitment, joined_on: date | None = None
) -> Commitment:
    """Pending → active. The actor is listed publicly from now on."""
    with transaction.atomic():
        locked = _locked_commitment(actor, commitment)
        if locked.status != Status.PENDING:
            raise InvalidTransition(_("Anslutningen är redan behandlad."))
        locked.status = Status.ACTIVE
        locked.joined_on = joined_on or timezone.localdate()
        locked.status_reason = ""
        if locked.contact_user_id is None:
            # The contact may have made an account since the request was sent.
            locked.contact_user = account_for_email(locked.contact_email)
        locked.save(update_fields=["status", "joined_on", "status_reason", "contact_user"])
        audit_log(
            actor=actor,
            action="followup.commitment_approve",
            target=locked,
            organisation=locked.strategy.organisation,
            data={"joined_on": locked.joined_on.isoformat()},
        )
        _notify(decision_recipient(locked), "commitment_approved", _commitment_context(locked))
    return locked


def commitment_decline(*, actor: Any, commitment: Commitment, reason: str) -> Commitment:
    """Pending → declined, with a reason the contact is told."""
    reason = _clean(reason)
    if not reason:
        raise ValidationFailed(_("Skriv varför anslutningen inte godkänns."))
    with transaction.atomic():
        locked = _locked_commitment(actor, commitment)
        if locked.status != Status.PENDING:
            raise InvalidTransition(_("Anslutningen är redan behandlad."))
        locked.status = Status.DECLINED
        locked.status_reason = reason
        locked.save(update_fields=["status", "status_reason"])
        audit_log(
            actor=actor,
            action="followup.commitment_decline",
            target=locked,
            organisation=locked.strategy.organisation,
        )
        _notify(decision_recipient(locked), "commitment_declined", _commitment_context(locked))
    return locked


def commitment_end(*, actor: Any, commitment: Commitment, reason: str = "") -> Commitment:
    """Active → ended. The actor leaves the public list; its reports stay in the database."""
    with transaction.atomic():
        locked = _locked_commitment(actor, commitment)
        if locked.status != Status.ACTIVE:
            raise InvalidTransition(_("Bara en aktiv anslutning kan avslutas."))
        locked.status = Status.ENDED
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
    actor: Any,
    strategy: Strategy,
    commitment: str,
    contact_name: str,
    contact_email: str,
    goals: Any = (),
    existing_actor: Actor | None = None,
    actor_name: str = "",
    actor_kind: str = "",
    organisation_number: str = "",
    municipality: Any = None,
    joined_on: date | None = None,
) -> Commitment:
    """An official registers an actor's commitment directly, as active.

    The contact's account is linked when one has the contact e-mail as a verified address.
    """
    require_perm(actor, CHANGE, strategy)
    text, contact_name, contact_email = (
        _clean(commitment),
        _clean(contact_name),
        _clean(contact_email),
    )
    if not text:
        raise ValidationFailed(_("Beskriv vad aktören åtar sig att göra."))
    if not contact_name or not contact_email:
        raise ValidationFailed(_("Ange kontaktpersonens namn och e-postadress."))
    if existing_actor is not None and existing_actor.organisation_id != strategy.organisation_id:
        raise ValidationFailed(_("Aktören är registrerad hos en annan organisation."))
    chosen = _goals_of(strategy, goals)
    with transaction.atomic():
        if existing_actor is not None:
            joining = existing_actor
        else:
            joining, _created = _actor_for(
                organisation=strategy.organisation,
                name=actor_name,
                kind=actor_kind,
                organisation_number=organisation_number,
                municipality=municipality,
            )
        if Commitment.objects.filter(strategy=strategy, actor=joining).exists():
            raise AlreadyJoined()
        try:
            with transaction.atomic():
                saved = Commitment.objects.create(
                    strategy=strategy,
                    actor=joining,
                    commitment=text,
                    contact_name=contact_name,
                    contact_email=contact_email,
                    contact_user=account_for_email(contact_email),
                    status=Status.ACTIVE,
                    joined_on=joined_on or timezone.localdate(),
                )
        except IntegrityError as error:
            raise AlreadyJoined() from error
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
    user: Any,
    commitment: Commitment,
    title: str,
    year: int,
    status: str = ActivityStatus.ONGOING,
    description: str = "",
    goals: Any = (),
    activity: ActorActivity | None = None,
) -> ActorActivity:
    """The contact (or an official) reports one of the actor's activities, or edits one."""
    require_perm(user, REPORT, commitment)
    strategy = commitment.strategy
    title = _clean(title)
    if not title:
        raise ValidationFailed(_("Skriv vad aktiviteten heter."))
    if not strategy.start_year <= year <= strategy.end_year:
        raise ValidationFailed(
            _("Året ska ligga inom strategins period, %(period)s.") % {"period": strategy.period}
        )
    if status not in ActivityStatus.values:
        raise ValidationFailed(_("Välj en status."))
    chosen = _goals_of(strategy, goals)
    if activity is not None and activity.commitment_id != commitment.pk:
        raise PermissionDenied()
    with transaction.atomic():
        current = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if current.status != Status.ACTIVE:
            raise InvalidTransition(_("Bara en ansluten aktör kan redovisa aktiviteter."))
        saved = activity or ActorActivity(commitment=current, reported_by=user)
        saved.title = title
        saved.description = _clean(description)
        saved.year = year
        saved.status = status
        if activity is not None:
            saved.reported_at = timezone.now()
        saved.save()
        saved.goals.set(chosen)
        if user.pk != current.contact_user_id:
            audit_log(
                actor=user,
                action="followup.actor_activity_report",
                target=saved,
                organisation=strategy.organisation,
                data={"commitment": current.pk},
            )
    return saved


# --- Networks ---


def network_save(
    *,
    actor: Any,
    organisation: Any,
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
            raise ValidationFailed(_("Ett nätverk kan inte flyttas till en annan organisation."))
    if strategy is not None and strategy.organisation_id != organisation.pk:
        raise ValidationFailed(_("Strategin hör till en annan organisation."))
    if not _clean(name) or not _clean(slug):
        raise ValidationFailed(_("Ange nätverkets namn och adress."))
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
            raise ValidationFailed(_("Adressen används redan av ett annat nätverk.")) from error
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
    actor: Any,
    network: Network,
    existing_actor: Actor | None = None,
    actor_name: str = "",
    actor_kind: str = "",
    organisation_number: str = "",
    municipality: Any = None,
    contact_name: str = "",
    contact_email: str = "",
) -> NetworkMember:
    """Add an existing actor or a new one. An account with the contact e-mail is linked."""
    require_perm(actor, CHANGE, network)
    if existing_actor is not None and existing_actor.organisation_id != network.organisation_id:
        raise ValidationFailed(_("Aktören är registrerad hos en annan organisation."))
    with transaction.atomic():
        if existing_actor is not None:
            member_actor = existing_actor
        else:
            member_actor, _created = _actor_for(
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
                    user=account_for_email(contact_email),
                )
        except IntegrityError as error:
            raise AlreadyMember() from error
        audit_log(
            actor=actor,
            action="followup.network_member_add",
            target=network,
            organisation=network.organisation,
            data={"actor": member_actor.pk, "account_linked": member.user_id is not None},
        )
    return member


def network_member_remove(*, actor: Any, member: NetworkMember) -> None:
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
    actor: Any,
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
        raise ValidationFailed(_("Skriv träffens rubrik."))
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


def network_document_add(
    *, user: Any, network: Network, title: str, upload: Any, public: bool = False
) -> NetworkDocument:
    """Share a document in a network. Only officials may make a document public.

    The file is stored under a random name with the extension its content shows; the name the
    person's computer gave it is not kept.
    """
    require_perm(user, ADD_DOCUMENT, network)
    if public:
        require_perm(user, CHANGE, network)
    title = _clean(title)
    if not title:
        raise ValidationFailed(_("Skriv dokumentets rubrik."))
    if upload is None:
        raise ValidationFailed(_("Välj en fil."))
    if upload.size > MAX_DOCUMENT_SIZE:
        raise ValidationFailed(_("Filen är större än 10 MB."))
    upload.seek(0)
    data = upload.read()
    try:
        kind = sniff_document(data)
    except uploads.ArchiveRefused as error:
        raise ValidationFailed(uploads.archive_error_message(error)) from error
    if kind is None:
        raise ValidationFailed(
            _("Filen är inte en tillåten typ. Tillåtna är %(types)s.")
            % {"types": DOCUMENT_TYPES_TEXT}
        )
    content_type, extension = kind
    with transaction.atomic():
        document = NetworkDocument(
            network=network,
            title=title,
            content_type=content_type,
            size=len(data),
            public=public,
            uploaded_by=user,
        )
        document.file.save(f"{uuid.uuid4().hex}{extension}", ContentFile(data), save=False)
        document.save()
        if user.has_perm(CHANGE, network):
            audit_log(
                actor=user,
                action="followup.network_document_add",
                target=document,
                organisation=network.organisation,
                data={"network": network.pk, "public": public},
            )
    return document


def network_document_delete(*, user: Any, document: NetworkDocument) -> None:
    """Officials delete any document; a member deletes one they shared themselves."""
    network = document.network
    is_official = user.has_perm(CHANGE, network)
    own = (
        getattr(user, "pk", None) is not None
        and document.uploaded_by_id == user.pk
        and user.has_perm(ADD_DOCUMENT, network)
    )
    if not (is_official or own):
        raise PermissionDenied()
    name = document.file.name
    with transaction.atomic():
        if is_official:
            audit_log(
                actor=user,
                action="followup.network_document_delete",
                target=document,
                organisation=network.organisation,
                data={"network": network.pk, "title": document.title},
            )
        NetworkDocument.objects.filter(pk=document.pk).delete()
        storage = document.file.storage
        transaction.on_commit(partial(storage.delete, name))
