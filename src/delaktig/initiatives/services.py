from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from delaktig.core.audit import audit_log
from delaktig.core.errors import PermissionDenied, ValidationFailed
from delaktig.identity.services import hash_identity_number

from .counting import Count, SignatureRow, count_signatures
from .models import Initiative, Signature, SignatureList


def _require(actor: Any, organisation: Any) -> None:
    if not actor.has_perm("proposals.handle_proposal", organisation):
        raise PermissionDenied()


def initiative_count(initiative: Initiative) -> Count:
    rows = [
        SignatureRow(signed_on, person, valid)
        for signed_on, person, valid in Signature.objects.filter(
            signature_list__initiative=initiative
        ).values_list("signed_on", "identity_hash", "valid")
    ]
    return count_signatures(
        rows, submitted_on=initiative.submitted_on, entitled_voters=initiative.entitled_voters
    )


@dataclass
class LineError:
    line: int
    text: str
    message: str


def signatures_register(
    *, actor: Any, signature_list: SignatureList, lines: str
) -> tuple[int, list[LineError]]:
    """Register lines of ``personnummer; date[; ogiltig: reason]``. All or nothing.

    Returns how many were saved, or the errors line by line (and saves none of them), so
    that a secretary can correct the paste and send it again.
    """
    initiative = signature_list.initiative
    _require(actor, initiative.organisation)
    rows: list[Signature] = []
    errors: list[LineError] = []
    for number, raw in enumerate(lines.splitlines(), start=1):
        text = raw.strip()
        if not text:
            continue
        parts = [p.strip() for p in text.split(";")]
        if len(parts) < 2:
            errors.append(
                LineError(number, text, _("Skriv personnummer och datum, åtskilda med semikolon."))
            )
            continue
        signed_on: date | None = parse_date(parts[1])
        if signed_on is None:
            errors.append(LineError(number, text, _("Datumet ska skrivas ÅÅÅÅ-MM-DD.")))
            continue
        try:
            digest = hash_identity_number(parts[0])
        except ValidationFailed as error:
            errors.append(LineError(number, text, error.message))
            continue
        reason = ""
        if len(parts) > 2 and parts[2]:
            reason = parts[2].split(":", 1)[-1].strip() or _("Ogiltig")
        rows.append(
            Signature(
                signature_list=signature_list,
                signed_on=signed_on,
                identity_hash=digest,
                valid=not reason,
                invalid_reason=reason,
            )
        )
    if errors:
        return 0, errors
    with transaction.atomic():
        Signature.objects.bulk_create(rows)
        audit_log(
            actor=actor,
            action="initiative.signatures",
            target=initiative,
            organisation=initiative.organisation,
            data={"list": signature_list.label, "count": len(rows)},
        )
    return len(rows), []
