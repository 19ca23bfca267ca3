"""The statutory year and the reporting calendar. Plain Python, no Django."""

from dataclasses import dataclass
from datetime import date


def add_one_year(day: date) -> date:
    """The same date a year later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


@dataclass(frozen=True)
class Deadline:
    due: date
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)

    def due_within(self, days: int) -> bool:
        return 0 <= self.days_left <= days


def deadline(registered_on: date, today: date) -> Deadline:
    due = add_one_year(registered_on)
    return Deadline(due=due, days_left=(due - today).days)


def reminder_due(registered_on: date, today: date, reminder_days: list[int]) -> int | None:
    """The reminder (days before the due date) that falls due today, if any."""
    left = deadline(registered_on, today).days_left
    return left if left in set(reminder_days) else None


def is_report_month(today: date, report_months: list[int]) -> bool:
    return today.month in set(report_months)


def next_report_month(today: date, report_months: list[int]) -> date | None:
    """The first day of the next month (this one included) when fullmäktige gets the report."""
    if not report_months:
        return None
    months = sorted(set(report_months))
    for month in months:
        if month >= today.month:
            return date(today.year, month, 1)
    return date(today.year + 1, months[0], 1)


def format_case_number(template: str, *, seq: int, year: int, organisation_code: str = "") -> str:
    """Fill the organisation's case-number format, e.g. ``RS/{seq}/{year}``."""
    return template.format(seq=seq, year=year, org=organisation_code)
