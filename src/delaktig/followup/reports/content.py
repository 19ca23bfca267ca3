"""The annual follow-up report as plain data. No Django here.

``followup.reports.build.build_report`` fills these from the database, with every label already
translated; the web page, the PDF and the DOCX are three renderings of the same object, so they
cannot say different things.
"""

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class StatusCount:
    status: str  # an ActivityStatus code, e.g. "ongoing"
    label: str  # translated, e.g. "Pågår"
    count: int


@dataclass(frozen=True)
class NoteLine:
    date: date
    text: str
    status_label: str = ""  # set when the note changed the status


@dataclass(frozen=True)
class ActivityLine:
    code: str  # "2.3"
    title: str
    responsible_unit: str
    period: str  # "2023–2024"
    status: str
    status_label: str
    status_reason: str
    progress: int | None  # percent, when stated
    notes: tuple[NoteLine, ...]  # progress notes written during the report year, newest first
    goals: tuple[str, ...] = ()  # "1. Ökat förtroende …"
    dialogues: tuple[str, ...] = ()  # titles of the participation processes behind it


@dataclass(frozen=True)
class AreaSection:
    number: int
    title: str
    status_counts: tuple[StatusCount, ...]
    activities: tuple[ActivityLine, ...]


@dataclass(frozen=True)
class PlanSection:
    title: str
    period: str
    status_counts: tuple[StatusCount, ...]
    areas: tuple[AreaSection, ...]
    published: bool = True  # staff may report on a plan not yet published; it says so


@dataclass(frozen=True)
class IndicatorCell:
    year: int
    total: str  # formatted, "" when missing
    women: str
    men: str


@dataclass(frozen=True)
class IndicatorLine:
    name: str
    unit: str
    goal: str  # the goal it measures, "" when none
    baseline: str  # "41,0 (2022)" or ""
    target: str  # "60,0 (2025)" or ""
    cells: tuple[IndicatorCell, ...]  # the report year and the years before it, oldest first
    assessment: str  # translated: "Närmar sig målet", "Inget värde för året", …
    by_sex: bool
    sex_note: str  # why a figure about people is not by sex, "" otherwise
    source: str = ""


@dataclass(frozen=True)
class LadderLine:
    step: int
    label: str  # "Konsultation"
    count: int


@dataclass(frozen=True)
class ActorLine:
    name: str
    kind: str
    joined_on: date | None
    activities: tuple[str, ...]  # titles of activities the actor reported for the year


@dataclass(frozen=True)
class AnnualReport:
    title: str  # "Uppföljning 2024: Demokratistrategi …"
    strategy: str
    organisation: str
    year: int
    generated_on: date
    plans: tuple[PlanSection, ...]
    indicators: tuple[IndicatorLine, ...]
    dialogues: tuple[LadderLine, ...]  # processes held during the year, per ladder step
    feedback_due: int  # processes closed by the end of the year that owe feedback
    feedback_given: int  # of those, with feedback published
    actors: tuple[ActorLine, ...] = field(default=())

    @property
    def dialogues_total(self) -> int:
        return sum(line.count for line in self.dialogues)

    @property
    def feedback_rate(self) -> float | None:
        return self.feedback_given / self.feedback_due if self.feedback_due else None

    @property
    def activity_total(self) -> int:
        return sum(count.count for plan in self.plans for count in plan.status_counts)
