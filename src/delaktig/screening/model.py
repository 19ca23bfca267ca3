"""The value types of the screening interface: findings, the result, terms and classifiers."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

PERSONAL_DATA_LABELS = frozenset(
    {"personnummer", "samordningsnummer", "phone", "email", "address", "health_named"}
)
HARMFUL_LABELS = frozenset({"threat", "hate", "harassment"})
TERM_LABELS = HARMFUL_LABELS | {"allow"}
SEVERITIES = ("low", "medium", "high")
MATCH_KINDS = ("word", "prefix", "phrase")


class ClassifierUnavailable(Exception):
    """An external classifier could not answer (timeout, HTTP error, unreadable answer).

    `screen` lets it propagate: the caller decides what to do (Delaktig's moderation sends the
    text to a person instead of publishing it unscreened).
    """


@dataclass(frozen=True)
class Finding:
    """One thing found in a text: what (label), where (start, end, text) and by what (detector).

    `text` is always `screened_text[start:end]`. For harmful labels the span covers the words
    that matched (the whole text for a classifier that gives no span) and `severity` is set;
    for personal data `severity` is None. `term` names the list entry or pattern that matched.
    """

    label: str
    start: int
    end: int
    text: str
    detector: str
    severity: str | None = None
    term: str = ""

    @property
    def kind(self) -> str:
        """ "personal_data" or "harmful"."""
        return "personal_data" if self.label in PERSONAL_DATA_LABELS else "harmful"


@dataclass(frozen=True)
class Screening:
    """The findings for one text, in text order."""

    findings: tuple[Finding, ...]

    @property
    def personal_data(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind == "personal_data")

    @property
    def harmful(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind == "harmful")

    @property
    def labels(self) -> frozenset[str]:
        return frozenset(f.label for f in self.findings)

    @property
    def severity(self) -> str | None:
        """The highest severity among the harmful findings, or None when there are none."""
        ranks = [SEVERITIES.index(f.severity) for f in self.harmful if f.severity in SEVERITIES]
        return SEVERITIES[max(ranks)] if ranks else None

    @property
    def clean(self) -> bool:
        return not self.findings


@dataclass(frozen=True)
class Term:
    """A word or phrase an organisation adds to the built-in lists (or exempts with "allow").

    `match` says how `text` is matched (see the module docstring of `delaktig.screening`):
    "word" (the word with Swedish inflections, and as the last part of a compound when it has
    five letters or more), "prefix" (any word starting with it) or "phrase" (the words in
    order, each with inflections, with up to two other words between them). A word may list
    alternatives separated by "|" ("slå|slog ihjäl"). `needs_target` makes a term count only
    when the sentence names a person or addresses someone (du, ni, a name, a role).
    """

    text: str
    label: str
    severity: str = "medium"
    match: str = "word"
    needs_target: bool = False

    def __post_init__(self) -> None:
        if self.label not in TERM_LABELS:
            raise ValueError(f"unknown term label {self.label!r}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")
        if self.match not in MATCH_KINDS:
            raise ValueError(f"unknown match kind {self.match!r}")
        if not self.text.strip():
            raise ValueError("a term needs some text")


class Classifier(Protocol):
    """Anything that returns harmful findings for a text; `name` goes into the detector key."""

    name: str

    def classify(self, text: str) -> Sequence[Finding]: ...
