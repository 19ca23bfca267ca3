"""Writing the incident log. Pages, the demo loader and anything else call these.

Every service checks permission first, validates, writes inside one transaction with the
incident row locked, and records an audit entry. Audit entries name the incident by number only
and carry no organisation, so that the organisation's audit-log page (read by its officials)
does not show that an incident exists or who reported it; they hold field names, never what was
written.
"""

import re
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from delaktig.accounts.models import Role
from delaktig.accounts.types import User
from delaktig.core.audit import audit_log
from delaktig.core.errors import Conflict, ValidationFailed, require_perm
from delaktig.notifications.outbox import email_queue
from delaktig.organisations.models import Organisation

from .models import Category, Channel, ConcernedRole, Incident, IncidentShare, Sex, Support
from .workflow import MACHINE, Action, Status

if TYPE_CHECKING:
    from delaktig.meetings.models import Meeting
    from delaktig.participation.models import Process

# A police case number (diarienummer): "K123456-25", with the police region's number in front
# ("5000-K123456-25") or without the year. Spaces are ignored, letters read as capitals.
CASE_NUMBER = re.compile(r"(?:[0-9]{3,4}-)?K[0-9]{1,9}(?:-[0-9]{2})?")

# The details the reporter gives; the security function may correct them later.
DETAIL_FIELDS = (
    "concerned_name",
    "concerned_role",
    "concerned_sex",
    "concerned_age_band",
    "category",
    "description",
    "occurred_on",
    "place",
    "channel",
    "process",
    "meeting",
)
HANDLING_FIELDS = ("police_reported", "police_case_number", "support", "support_text", "follow_up")


# --- Checks ----------------------------------------------------------------------------------


def case_number_clean(value: str) -> str:
    """The case number as it is stored: no spaces, capital K. Raises for one that is no
    K-number."""
    cleaned = re.sub(r"\s+", "", value or "").upper()
    if cleaned and not CASE_NUMBER.fullmatch(cleaned):
        raise ValidationFailed("incidents.case_number_invalid", field="police_case_number")
    return cleaned


def _check_details(
    organisation: Organisation,
    *,
    concerned_name: str,
    description: str,
    occurred_on: date,
    process: "Process | None",
    meeting: "Meeting | None",
) -> None:
    if not (concerned_name or "").strip():
        raise ValidationFailed("incidents.concerned_name_missing", field="concerned_name")
    if not (description or "").strip():
        raise ValidationFailed("incidents.description_missing", field="description")
    if occurred_on > timezone.localdate():
        raise ValidationFailed("incidents.occurred_in_future", field="occurred_on")
    for name, linked in (("process", process), ("meeting", meeting)):
        if linked is not None and linked.organisation_id != organisation.pk:
            raise ValidationFailed("incidents.link_of_other_organisation", field=name)


def _check_police(police_reported: bool, police_case_number: str) -> str:
    number = case_number_clean(police_case_number)
    if number and not police_reported:
        raise ValidationFailed("incidents.case_number_without_report", field="police_case_number")
    return number


def _check_support(support: Iterable[str]) -> list[str]:
    known = {choice.value for choice in Support}
    chosen = list(dict.fromkeys(support))
    if any(key not in known for key in chosen):
        raise ValidationFailed("incidents.unknown_support", field="support")
    return [choice.value for choice in Support if choice.value in chosen]


def _mark_for_reassessment(incident: Incident) -> None:
    """A risk analysis of the process or meeting where it happened needs another look."""
    if incident.process_id is None and incident.meeting_id is None:
        return
    from delaktig.riskguide.services import analyses_mark_for_reassessment

    analyses_mark_for_reassessment(
        process_id=incident.process_id,
        meeting_id=incident.meeting_id,
        cause=gettext("En incident har rapporterats i incidentloggen (nr %(number)s).")
        % {"number": incident.pk},
    )


def _security_addresses(organisation: Organisation, *, besides: User | None = None) -> list[str]:
    roles = Role.objects.filter(
        organisation=organisation, kind=Role.Kind.SECURITY, user__is_active=True
    ).exclude(user__email="")
    if besides is not None:
        roles = roles.exclude(user=besides)
    return sorted(set(roles.values_list("user__email", flat=True)))


def _notify_security(
    incident: Incident,
    organisation: Organisation,
    template: str,
    kind: str,
    *,
    besides: User | None,
) -> None:
    """E-mail the security function: that there is something to read, never what it says."""
    path = reverse("incidents:detail", args=[incident.pk])
    for address in _security_addresses(organisation, besides=besides):
        email_queue(
            recipient=address,
            template=template,
            context={
                "organisation": incident.organisation.name,
                "number": incident.pk,
                "path": path,
            },
            key=f"{template}:{incident.pk}:{organisation.pk}:{address}",
            kind=kind,
            organisation=organisation,
        )


# --- Reporting -------------------------------------------------------------------------------


def incident_report(
    *,
    actor: User,
    organisation: Organisation,
    concerned_name: str,
    concerned_role: str,
    concerned_sex: str,
    category: str,
    description: str,
    occurred_on: date,
    channel: str,
    concerned_user: User | None = None,
    concerned_age_band: str = "",
    place: str = "",
    process: "Process | None" = None,
    meeting: "Meeting | None" = None,
    police_reported: bool = False,
    police_case_number: str = "",
) -> Incident:
    """Report an incident to ``organisation``'s security function, about oneself
    (``concerned_user`` is the actor) or on behalf of a named colleague."""
    require_perm(actor, "incidents.add_incident", organisation)
    _check_details(
        organisation,
        concerned_name=concerned_name,
        description=description,
        occurred_on=occurred_on,
        process=process,
        meeting=meeting,
    )
    number = _check_police(police_reported, police_case_number)
    with transaction.atomic():
        incident = Incident.objects.create(
            organisation=organisation,
            reported_by=actor,
            concerned_name=concerned_name.strip(),
            concerned_user=concerned_user,
            concerned_role=ConcernedRole(concerned_role).value,
            concerned_sex=Sex(concerned_sex).value,
            concerned_age_band=concerned_age_band,
            category=Category(category).value,
            description=description.strip(),
            occurred_on=occurred_on,
            place=place.strip(),
            channel=Channel(channel).value,
            process=process,
            meeting=meeting,
            police_reported=police_reported,
            police_case_number=number,
        )
        audit_log(
            actor=actor,
            action="incident.report",
            target=incident,
            data={"about_self": concerned_user is not None and concerned_user.pk == actor.pk},
        )
        _mark_for_reassessment(incident)
        _notify_security(
            incident, organisation, "incident_reported", "incidents.reported", besides=actor
        )
    return incident


# --- Handling --------------------------------------------------------------------------------


def _lock(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


def incident_update(
    *,
    actor: User,
    incident: Incident,
    police_reported: bool,
    police_case_number: str,
    support: Iterable[str],
    support_text: str,
    follow_up: str,
    **details: Any,
) -> Incident:
    """The security function's record: police report, support given and follow-up, and any
    correction of the reported details (``details``: names in ``DETAIL_FIELDS``)."""
    require_perm(actor, "incidents.change_incident", incident)
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"not a detail of an incident: {sorted(unknown)}")
    current = {name: getattr(incident, name) for name in DETAIL_FIELDS}
    merged = {**current, **details}
    _check_details(
        incident.organisation,
        concerned_name=merged["concerned_name"],
        description=merged["description"],
        occurred_on=merged["occurred_on"],
        process=merged["process"],
        meeting=merged["meeting"],
    )
    values: dict[str, Any] = {
        **merged,
        "concerned_name": merged["concerned_name"].strip(),
        "description": merged["description"].strip(),
        "place": (merged["place"] or "").strip(),
        "police_reported": police_reported,
        "police_case_number": _check_police(police_reported, police_case_number),
        "support": _check_support(support),
        "support_text": (support_text or "").strip(),
        "follow_up": (follow_up or "").strip(),
    }
    with transaction.atomic():
        locked = _lock(incident)
        before = (locked.process_id, locked.meeting_id)
        changed = sorted(name for name, value in values.items() if getattr(locked, name) != value)
        for name in changed:
            setattr(locked, name, values[name])
        if changed:
            locked.save(update_fields=[*changed, "updated"])
        audit_log(actor=actor, action="incident.update", target=locked, data={"changed": changed})
        if (locked.process_id, locked.meeting_id) != before:
            _mark_for_reassessment(locked)
    return locked


def incident_transition(*, actor: User, incident: Incident, action: Action | str) -> Incident:
    """Move the incident on: start handling it, close it, or open it again."""
    require_perm(actor, "incidents.change_incident", incident)
    with transaction.atomic():
        locked = _lock(incident)
        source = locked.status
        target = MACHINE.require(source, action)
        locked.status = target.value
        locked.closed_at = timezone.now() if target == Status.CLOSED else None
        locked.save(update_fields=["status", "closed_at", "updated"])
        audit_log(
            actor=actor,
            action=f"incident.{Action(action).value}",
            target=locked,
            data={"from": source, "to": target.value},
        )
    return locked


# --- Sharing ---------------------------------------------------------------------------------


def incident_share(
    *, actor: User, incident: Incident, organisation: Organisation, reason: str
) -> IncidentShare:
    """Share the incident, read-only, with ``organisation``'s security function."""
    require_perm(actor, "incidents.share_incident", incident)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("incidents.share_reason_missing", field="reason")
    county = (incident.organisation.scb_code or "")[:2]
    if organisation.pk == incident.organisation_id or organisation.scb_code[:2] != county:
        raise ValidationFailed("incidents.share_not_related", field="organisation")
    if not Role.objects.filter(organisation=organisation, kind=Role.Kind.SECURITY).exists():
        raise ValidationFailed("incidents.share_without_security", field="organisation")
    with transaction.atomic():
        locked = _lock(incident)
        if (
            IncidentShare.objects.active()
            .filter(incident=locked, organisation=organisation)
            .exists()
        ):
            raise Conflict(
                "incidents.already_shared", field="organisation", organisation=organisation.name
            )
        share = IncidentShare.objects.create(
            incident=locked, organisation=organisation, reason=reason, shared_by=actor
        )
        audit_log(
            actor=actor,
            action="incident.share",
            target=locked,
            data={"organisation": organisation.pk, "share": share.pk, "reason": reason},
        )
        _notify_security(locked, organisation, "incident_shared", "incidents.shared", besides=None)
    return share


def incident_share_revoke(*, actor: User, share: IncidentShare) -> IncidentShare:
    """End a share: the other organisation's security function can no longer read it."""
    require_perm(actor, "incidents.share_incident", share.incident)
    with transaction.atomic():
        _lock(share.incident)
        locked = IncidentShare.objects.select_for_update().get(pk=share.pk)
        if locked.revoked_at is not None:
            raise Conflict("incidents.share_already_revoked")
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_at", "revoked_by"])
        audit_log(
            actor=actor,
            action="incident.share_revoke",
            target=locked.incident,
            data={"organisation": locked.organisation_id, "share": locked.pk},
        )
    return locked
