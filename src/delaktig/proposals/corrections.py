"""How a correction (rättelse) of case data reads in the timeline.

A correction event keeps what changed as plain values (``{"field", "old", "new"}``); the
words are chosen when the timeline is shown, so they follow the reader's language.
"""

from datetime import date
from typing import Any

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Fields whose old and new values are shown; the answer is long, so only its change is named.
CHANGED_FROM_TO: dict[str, Promise] = {
    "registered_on": _("diarieföringsdatum ändrat från %(old)s till %(new)s"),
    "case_number": _("diarienummer ändrat från %(old)s till %(new)s"),
    "decided_on": _("beslutsdatum ändrat från %(old)s till %(new)s"),
    "outcome": _("beslutet ändrat från %(old)s till %(new)s"),
    "decided_by": _("beslutande organ ändrat från %(old)s till %(new)s"),
    "minutes_reference": _("protokollhänvisning ändrad från %(old)s till %(new)s"),
}
ANSWER_CHANGED = _("svaret till förslagsställaren ändrat")
DATE_FIELDS = {"registered_on", "decided_on"}


def _shown(field: str, value: Any) -> str:
    if value in (None, ""):
        return "–"
    if field in DATE_FIELDS:
        return date_format(date.fromisoformat(str(value)), "j F Y")
    if field == "outcome":
        from .models import Proposal

        return str(Proposal.OutcomeChoices(str(value)).label)
    return str(value)


def describe_change(change: dict[str, Any]) -> str:
    field = str(change.get("field", ""))
    if field not in CHANGED_FROM_TO:
        return str(ANSWER_CHANGED)
    return str(CHANGED_FROM_TO[field]) % {
        "old": _shown(field, change.get("old")),
        "new": _shown(field, change.get("new")),
    }
