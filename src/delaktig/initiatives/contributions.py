"""What the initiatives app contributes to the platform (see `delaktig.core.contributions`).

Personal data: the signatures on a folkinitiativ's name lists, which officials register as a
keyed hash of the personnummer, and officials' records. The paper lists themselves are kept
by the authority outside the platform, under its dokumenthanteringsplan.
"""

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delaktig.core.contributions import (
    ApiRouter,
    Contribution,
    DumpTable,
    OpenDataset,
    PersonalData,
    Retention,
    contribute,
    keep,
    staff_records,
)

from .models import Initiative, Signature

# What a signature's identity hash is replaced with once the count no longer needs it.
CLEARED_IDENTITY = "gallrad-"


def _export_signatures(user: Any) -> list[dict[str, Any]]:
    """The lines registered with the person's verified identity; never the hash itself."""
    verification = getattr(user, "verification", None)
    if verification is None or not verification.identity_hash:
        return []
    signatures = Signature.objects.filter(identity_hash=verification.identity_hash).select_related(
        "signature_list__initiative"
    )
    return [
        {
            "initiative": s.signature_list.initiative.title,
            "list": s.signature_list.label,
            "signed_on": s.signed_on.isoformat(),
            "valid": s.valid,
            "invalid_reason": s.invalid_reason,
        }
        for s in signatures.order_by("pk")
    ]


def _clear_identities(initiative: Initiative) -> int:
    """Replace every hash of one initiative with a random token, the same for the same person
    within the initiative, so the count (duplicates included) stays exactly as it was."""
    signatures = Signature.objects.filter(signature_list__initiative=initiative).exclude(
        identity_hash__startswith=CLEARED_IDENTITY
    )
    tokens: dict[str, str] = {}
    changed = 0
    for digest in signatures.values_list("identity_hash", flat=True).distinct():
        tokens[digest] = f"{CLEARED_IDENTITY}{uuid.uuid4().hex}"
    for digest, token in tokens.items():
        changed += signatures.filter(identity_hash=digest).update(identity_hash=token)
    return changed


def _apply_signatures_retention(organisation: Any, days: int, now: datetime) -> int:
    cutoff = timezone.localdate(now - timedelta(days=days))
    uncleared = Signature.objects.exclude(identity_hash__startswith=CLEARED_IDENTITY)
    initiatives = Initiative.objects.filter(
        organisation=organisation,
        submitted_on__lte=cutoff,
        pk__in=uncleared.values("signature_list__initiative"),
    )
    changed = 0
    with transaction.atomic():
        for initiative in initiatives.order_by("pk"):
            changed += _clear_identities(initiative)
    return changed


SIGNATURES_RETENTION = Retention(
    key="initiative_signature_identities",
    name=_("Identitetsnycklar för underskrifter på folkinitiativ"),
    starts=_("Räknas från att initiativet lämnades in."),
    default_days=365,
    apply=_apply_signatures_retention,
    min_days=90,
)


# --- Open data: the API's endpoints and the dataset (initiatives/api.py, imported when used) ---


def _router() -> object:
    from .api import router

    return router


def _rows(organisation: Any) -> Any:
    from .api import rows

    return rows(organisation)


def _coverage(organisation: Any) -> Any:
    from .api import coverage

    return coverage(organisation)


def _modified(organisation: Any) -> Any:
    from .api import modified

    return modified(organisation)


# The columns of the dump, the API's fields (initiatives/api.py, checked by the tests).
COLUMNS = (
    "id",
    "title",
    "question",
    "initiators",
    "organisation",
    "organisation_name",
    "submitted_on",
    "case_number",
    "entitled_voters",
    "required_signatures",
    "valid_signatures",
    "status",
    "too_old",
    "after_submission",
    "duplicates",
    "invalid",
    "url",
)

API = ApiRouter(
    key="initiatives.api",
    prefix="initiatives",
    router=_router,
    published_names=("initiatives.Initiative.initiators",),
    order=31,
)

DATASET = OpenDataset(
    key="initiatives.initiatives",
    title=_("Folkinitiativ"),
    description=_(
        "Folkinitiativ till fullmäktige om en folkomröstning: frågan, initiativtagarna, när "
        "initiativet lämnades in och sammanräkningen av underskrifterna (giltiga, hur många som "
        "krävs och varför andra inte räknas). Inga uppgifter om dem som skrivit under."
    ),
    api_path="/api/v1/initiatives/",
    tables=(DumpTable(name="initiatives.csv", columns=COLUMNS, rows=_rows),),
    coverage=_coverage,
    modified=_modified,
    themes=("GOVE",),
    keywords=(_("folkinitiativ"), _("folkomröstning"), _("delaktighet")),
    order=31,
)


contribute(
    Contribution(
        app_label="initiatives",
        personal_data=(
            PersonalData(
                key="initiative_signatures",
                name=_("Dina underskrifter på folkinitiativ"),
                purpose=_(
                    "Att räkna giltiga underskrifter, en gång per person, när ett folkinitiativ "
                    "lämnas in."
                ),
                legal_basis=_("Allmänt intresse, artikel 6.1 e i GDPR (kommunallagen 8 kap. 2 §)"),
                covers=("initiatives.Signature",),
                export=_export_signatures,
                # A signature counts towards an initiative submitted to fullmäktige and the
                # name lists are allmänna handlingar; only a keyed hash is held, replaced by
                # the retention rule.
                erase=keep,
                on_erasure="kept",
                retention=SIGNATURES_RETENTION,
            ),
            staff_records(key="initiatives_staff", fields=("initiatives.Initiative.created_by",)),
        ),
        api=(API,),
        datasets=(DATASET,),
    )
)
