"""Writes for folkinitiativ: officials register the initiative, its name lists and signatures."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from delaktig.accounts.types import User
from delaktig.core.audit import audit_log
from delaktig.core.errors import ValidationFailed, require_perm
from delaktig.identity.services import hash_identity_number
from delaktig.organisations.models import Organisation

from .counting import Count
from .models import Initiative, Signature, SignatureList
from .selectors import count_rows


def initiative_create(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    question: str,
    initiators: str,
    submitted_on: date,
    entitled_voters: int,
    case_number: str = "",
) -> Initiative:
    """Register a folkinitiativ handed in to the organisation's fullmäktige."""
    require_perm(actor, "initiatives.add_initiative", organisation)
    with transaction.atomic():
        initiative = Initiative.objects.create(
            organisation=organisation,
            title=title,
            question=question,
            initiators=initiators,
            submitted_on=submitted_on,
            entitled_voters=entitled_voters,
            case_number=case_number,
            created_by=actor,
            counted=Count(0, 0, 0, 0, 0, 0).stored(),
        )
        audit_log(
            actor=actor,
            action="initiative.create",
            target=initiative,
            organisation=organisation,
        )
    return initiative


def signature_list_add(
    *,
    actor: User,
    initiative: Initiative,
    kind: SignatureList.Kind,
    label: str,
    received_on: date,
) -> SignatureList:
    """Register one name list (on paper or digital) received for the initiative."""
    require_perm(actor, "initiatives.change_initiative", initiative)
    with transaction.atomic():
        signature_list = SignatureList.objects.create(
            initiative=initiative, kind=kind, label=label, received_on=received_on
        )
        audit_log(
            actor=actor,
            action="initiative.list",
            target=initiative,
            organisation=initiative.organisation,
            data={"label": signature_list.label},
        )
    return signature_list


@dataclass
class LineError:
    line: int
    text: str
    message: str


def _parse_line(signature_list: SignatureList, number: int, text: str) -> Signature | LineError:
    """One line ``personnummer; date[; ogiltig: reason]``, as an unsaved signature."""
    parts = [p.strip() for p in text.split(";")]
    if len(parts) < 2:
        return LineError(number, text, _("Skriv personnummer och datum, åtskilda med semikolon."))
    signed_on: date | None = parse_date(parts[1])
    if signed_on is None:
        return LineError(number, text, _("Datumet ska skrivas ÅÅÅÅ-MM-DD."))
    try:
        digest = hash_identity_number(parts[0])
    except ValidationFailed as error:
        return LineError(number, text, error.message)
    reason = ""
    if len(parts) > 2 and parts[2]:
        reason = parts[2].split(":", 1)[-1].strip() or _("Ogiltig")
    return Signature(
        signature_list=signature_list,
        signed_on=signed_on,
        identity_hash=digest,
        valid=not reason,
        invalid_reason=reason,
    )


def signatures_register(
    *, actor: User, signature_list: SignatureList, lines: str
) -> tuple[int, list[LineError]]:
    """Register lines of ``personnummer; date[; ogiltig: reason]``. All or nothing.

    Returns how many were saved, or the errors line by line (and saves none of them), so
    that a secretary can correct the paste and send it again.
    """
    initiative = signature_list.initiative
    require_perm(actor, "initiatives.change_initiative", initiative)
    rows: list[Signature] = []
    errors: list[LineError] = []
    for number, raw in enumerate(lines.splitlines(), start=1):
        if not raw.strip():
            continue
        parsed = _parse_line(signature_list, number, raw.strip())
        if isinstance(parsed, LineError):
            errors.append(parsed)
        else:
            rows.append(parsed)
    if errors:
        return 0, errors
    with transaction.atomic():
        # One registration at a time per initiative, so that each count sees every row.
        locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
        Signature.objects.bulk_create(rows)
        locked.counted = count_rows(initiative=locked).stored()
        locked.save(update_fields=["counted"])
        initiative.counted = locked.counted
        audit_log(
            actor=actor,
            action="initiative.signatures",
            target=initiative,
            organisation=initiative.organisation,
            data={"list": signature_list.label, "count": len(rows)},
        )
    return len(rows), []
