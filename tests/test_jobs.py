"""Time-driven jobs from the platform registry, as `manage.py tick` runs them."""

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from delaktig.core import contributions
from delaktig.core.jobs import run_jobs
from delaktig.core.models import JobRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    calls: dict[str, list[Any]] = {"hourly": [], "daily": [], "broken": []}

    def broken(now: Any) -> int:
        calls["broken"].append(now)
        raise RuntimeError("the mail server is down")

    def hourly(now: Any) -> int:
        calls["hourly"].append(now)
        return 2

    def daily(now: Any) -> int:
        calls["daily"].append(now)
        return 1

    declared = [
        contributions.Job("hourly", "h", hourly),
        contributions.Job("broken", "b", broken),
        contributions.Job("daily", "d", daily, every="day"),
    ]
    monkeypatch.setattr(contributions, "jobs", lambda: declared)
    return calls


def test_a_daily_job_runs_once_a_day_and_hourly_jobs_every_time(jobs: Any) -> None:
    now = timezone.now()
    run_jobs(now=now)
    run_jobs(now=now + timedelta(hours=1))
    run_jobs(now=now + timedelta(hours=22, minutes=59))
    assert len(jobs["hourly"]) == 3 and len(jobs["daily"]) == 1
    run_jobs(now=now + timedelta(hours=23))
    assert len(jobs["daily"]) == 2
    assert JobRun.objects.get(key="daily").result == 1


def test_a_failing_job_is_recorded_and_the_others_still_run(jobs: Any) -> None:
    outcomes = {o.key: o for o in run_jobs()}
    assert outcomes["broken"].error == "RuntimeError: the mail server is down"
    assert outcomes["hourly"].result == 2 and outcomes["daily"].result == 1
    assert "mail server" in JobRun.objects.get(key="broken").error
    assert JobRun.objects.get(key="hourly").error == ""


def test_a_failed_daily_job_is_tried_again_at_the_next_tick(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    attempts: list[Any] = []

    def flaky(now: Any) -> int:
        attempts.append(now)
        if len(attempts) == 1:
            raise RuntimeError("busy")
        return 0

    monkeypatch.setattr(contributions, "jobs", lambda: [contributions.Job("d", "d", flaky, "day")])
    now = timezone.now()
    run_jobs(now=now)
    run_jobs(now=now + timedelta(hours=1))
    run_jobs(now=now + timedelta(hours=2))
    assert len(attempts) == 2


def test_tick_reports_failures_with_a_non_zero_exit(jobs: Any) -> None:
    out = StringIO()
    with pytest.raises(CommandError, match="broken: RuntimeError"):
        call_command("tick", stdout=out)
    assert "hourly=2" in out.getvalue() and "daily=1" in out.getvalue()


def test_tick_lists_and_runs_one_job(jobs: Any) -> None:
    out = StringIO()
    call_command("tick", "--list", stdout=out)
    assert out.getvalue().splitlines()[0].startswith("hourly (hour)")
    call_command("tick", "--job", "daily", stdout=StringIO())
    call_command("tick", "--job", "daily", stdout=StringIO())
    assert len(jobs["daily"]) == 2 and jobs["hourly"] == []
    with pytest.raises(CommandError):
        call_command("tick", "--job", "nope")


def test_every_declared_job_runs_on_an_empty_database() -> None:
    outcomes = run_jobs()
    assert outcomes and all(not o.error for o in outcomes), outcomes
