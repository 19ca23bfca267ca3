"""The Django side of screening: the organisation's own terms, the configured external
classifier, and explanations of findings in words staff and writers read.

The detectors themselves are the pure module :mod:`delaktig.screening`; this module only
feeds them and translates what they found.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from delaktig.screening import (
    ClassifierUnavailable,
    Finding,
    HttpClassifier,
    PatternError,
    Screening,
    Term,
    screen,
)

from .models import ScreeningTerm

logger = logging.getLogger(__name__)

# What each label is called, for the writer and for staff.
LABELS = {
    "personnummer": gettext_lazy("personnummer"),
    "samordningsnummer": gettext_lazy("samordningsnummer"),
    "phone": gettext_lazy("telefonnummer"),
    "email": gettext_lazy("e-postadress"),
    "address": gettext_lazy("gatuadress"),
    "health_named": gettext_lazy("uppgift om någons hälsa"),
    "threat": gettext_lazy("hot"),
    "hate": gettext_lazy("hat mot en grupp"),
    "harassment": gettext_lazy("trakasserier"),
}
# Personal data the writer may keep after being asked (a public contact detail of an
# association, say). Identity numbers and health data about a named person are not published
# unseen: kept anyway, the text waits for a moderator.
CONTACT_DETAILS = frozenset({"phone", "email", "address"})
SEVERITIES = {
    "low": gettext_lazy("låg"),
    "medium": gettext_lazy("medel"),
    "high": gettext_lazy("hög"),
}


@dataclass(frozen=True)
class Result:
    """A screening and whether the configured external classifier could be asked."""

    screening: Screening
    classifier_unavailable: bool = False

    @property
    def needs_person(self) -> bool:
        """Harm found, or the external classifier could not answer: a person decides."""
        return bool(self.screening.harmful) or self.classifier_unavailable

    @property
    def sensitive(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.screening.personal_data if f.label not in CONTACT_DETAILS)


def organisation_terms(organisation_id: int) -> list[Term]:
    return [
        Term(text=t.text, label=t.label, severity=t.severity, match=t.match)
        for t in ScreeningTerm.objects.filter(organisation_id=organisation_id)
    ]


def classifiers() -> list[HttpClassifier]:
    """The external classifier an installation configured (``DELAKTIG_SCREENING_CLASSIFIER_URL``),
    if any. Nothing is downloaded; without a URL only the built-in detectors run."""
    url = getattr(settings, "DELAKTIG_SCREENING_CLASSIFIER_URL", "")
    if not url:
        return []
    return [
        HttpClassifier(
            url,
            timeout=float(getattr(settings, "DELAKTIG_SCREENING_CLASSIFIER_TIMEOUT", 2.0)),
            token=getattr(settings, "DELAKTIG_SCREENING_CLASSIFIER_TOKEN", ""),
        )
    ]


def text_screen(*, organisation_id: int, text: str) -> Result:
    """Screen ``text`` with the built-in lists, the organisation's terms and the classifier."""
    terms = organisation_terms(organisation_id)
    try:
        return Result(screen(text, terms=terms, classifiers=classifiers()))
    except ClassifierUnavailable:
        logger.warning("screening classifier unavailable; the text goes to a moderator")
        return Result(screen(text, terms=terms), classifier_unavailable=True)


def term_problem(*, text: str, label: str, severity: str, match: str) -> str | None:
    """Why an organisation's term cannot be used (a pattern the detectors cannot read), or
    None."""
    try:
        screen("", terms=[Term(text=text, label=label, severity=severity, match=match)])
    except (PatternError, ValueError) as error:
        return str(error)
    return None


def describe_personal_data(findings: tuple[Finding, ...]) -> str:
    """``personnummer ”850709-9805”, e-postadress ”…”`` for the writer."""
    return ", ".join(f"{LABELS.get(f.label, f.label)} ”{f.text}”" for f in findings)


def explain(finding: Finding) -> str:
    """One line for staff: what was found, by which detector, and the words."""
    label = LABELS.get(finding.label, finding.label)
    severity = SEVERITIES.get(finding.severity or "", "")
    words = finding.text or finding.term
    if severity:
        return _("%(label)s (allvar %(severity)s): ”%(words)s”, hittat av %(detector)s") % {
            "label": label,
            "severity": severity,
            "words": words,
            "detector": finding.detector,
        }
    return _("%(label)s: ”%(words)s”, hittat av %(detector)s") % {
        "label": label,
        "words": words,
        "detector": finding.detector,
    }


def findings_record(result: Result) -> list[dict[str, str]]:
    """What a decision keeps of a screening: enough to explain it later, in any language."""
    return [
        {
            "label": f.label,
            "detector": f.detector,
            "words": f.text or f.term,
            "severity": f.severity or "",
        }
        for f in result.screening.findings
    ]


def explain_record(record: dict[str, str]) -> str:
    """:func:`explain` for a finding a decision kept (see :func:`findings_record`)."""
    return explain(
        Finding(
            label=record.get("label", ""),
            start=0,
            end=0,
            text=record.get("words", ""),
            detector=record.get("detector", ""),
            severity=record.get("severity") or None,
        )
    )
