"""Time-driven jobs from the platform registry, as `manage.py tick` runs them."""

import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from io import StringIO
from typing import Any, Literal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from delaktig.core import contributions
from delaktig.core.jobs import run_jobs
from delaktig.core.models import JobRun
from delaktig.core.tasks import stale_after
from tests.concurrency import run_together

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


def test_a_second_tick_within_the_hour_runs_nothing_again(jobs: Any) -> None:
    now = timezone.now()
    run_jobs(now=now)
    again = {o.key: o for o in run_jobs(now=now + timedelta(minutes=20))}
    assert len(jobs["hourly"]) == 1 and len(jobs["daily"]) == 1
    assert not again["hourly"].ran and not again["hourly"].busy
    # The failed job is tried again at the next hourly tick, not by the second tick.
    assert len(jobs["broken"]) == 1
    run_jobs(now=now + timedelta(minutes=55))
    assert len(jobs["hourly"]) == 2 and len(jobs["broken"]) == 2 and len(jobs["daily"]) == 1


def test_a_job_left_running_by_a_killed_tick_is_run_again_after_the_stale_limit(
    jobs: Any,
) -> None:
    clock = timezone.now()
    JobRun.objects.create(key="hourly", running_since=clock, running_by="web1:4711:dead")
    outcomes = {o.key: o for o in run_jobs(now=clock)}
    assert outcomes["hourly"].busy and jobs["hourly"] == []
    out = StringIO()
    call_command("tick", "--job", "hourly", stdout=out)  # even asked for by name
    assert out.getvalue().strip() == "hourly=busy" and jobs["hourly"] == []

    JobRun.objects.filter(key="hourly").update(
        running_since=clock - stale_after() - timedelta(seconds=1)
    )
    outcomes = {o.key: o for o in run_jobs(now=clock)}
    assert outcomes["hourly"].ran and len(jobs["hourly"]) == 1
    run = JobRun.objects.get(key="hourly")
    assert run.running_since is None and run.running_by == "" and run.result == 2


def test_a_tick_stopped_mid_job_leaves_it_to_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []

    def stopped(now: Any) -> int:
        calls.append(now)
        if len(calls) == 1:
            raise KeyboardInterrupt
        return 1

    monkeypatch.setattr(contributions, "jobs", lambda: [contributions.Job("j", "j", stopped)])
    with pytest.raises(KeyboardInterrupt):
        run_jobs()
    assert JobRun.objects.get(key="j").running_since is None
    assert [o.ran for o in run_jobs()] == [True] and len(calls) == 2


def _counting(
    declared: list[tuple[str, Literal["hour", "day"]]],
    runs: Counter[str],
    wait: Callable[[], object] | None = None,
) -> Callable[[], list[contributions.Job]]:
    """Jobs that count their runs in ``runs``; the one called "slow" calls ``wait`` first."""
    lock = threading.Lock()

    def job(key: str) -> Callable[[Any], int]:
        def run(now: Any) -> int:
            with lock:
                runs[key] += 1
            if key == "slow" and wait is not None:
                wait()
            return 1

        return run

    return lambda: [contributions.Job(key, key, job(key), every) for key, every in declared]


@pytest.mark.django_db(transaction=True)
def test_two_ticks_at_once_run_each_due_job_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The slow job holds its tick until the other tick has finished: that one must find it
    running and leave it alone, run the rest, and leave nothing for the first to do."""
    runs: Counter[str] = Counter()
    one_tick_done = threading.Event()
    declared: list[tuple[str, Literal["hour", "day"]]] = [
        ("slow", "hour"),
        ("quick", "hour"),
        ("nightly", "day"),
    ]
    monkeypatch.setattr(
        contributions, "jobs", _counting(declared, runs, lambda: one_tick_done.wait(10))
    )
    now = timezone.now()

    def tick(offset: int) -> dict[str, Any]:
        try:
            return {o.key: o for o in run_jobs(now=now + timedelta(seconds=offset))}
        finally:
            one_tick_done.set()

    results, errors = run_together([lambda: tick(0), lambda: tick(2)])
    assert errors == []
    assert runs == {"slow": 1, "quick": 1, "nightly": 1}
    for key in ("slow", "quick", "nightly"):
        assert sum(r[key].ran for r in results) == 1
    assert any(r["slow"].busy for r in results)
    assert not JobRun.objects.filter(running_since__isnull=False).exists()
    assert set(JobRun.objects.values_list("result", flat=True)) == {1}


@pytest.mark.django_db(transaction=True)
def test_four_ticks_started_together_run_each_job_once(monkeypatch: pytest.MonkeyPatch) -> None:
    runs: Counter[str] = Counter()
    declared: list[tuple[str, Literal["hour", "day"]]] = [
        (f"job{n}", "day" if n % 2 else "hour") for n in range(6)
    ]
    monkeypatch.setattr(contributions, "jobs", _counting(declared, runs))
    now = timezone.now()
    results, errors = run_together(
        [partial(run_jobs, now=now + timedelta(seconds=n)) for n in range(4)]
    )
    assert errors == [] and len(results) == 4
    assert runs == {key: 1 for key, _every in declared}
