"""Faults: the mail server down and back, a worker killed mid-send, a recompute killed mid-way.

Runs a real task worker (`manage.py worker`, in its own process) against a real SMTP server
(aiosmtpd) and PostgreSQL when it answers on 127.0.0.1:5432 (a throw-away database), else a
SQLite file. Delays are shortened by settings so the run takes about a minute: e-mail retries
after 1 s doubling to 4 s, and a task RUNNING for 4 s counts as lost. It prints what was lost,
sent twice, or delayed, against the floor of the same run (the shortened retry delay).

Run with `make bench` or `.venv/bin/python bench/faults.py`. Benches report, tests assert: the
exit code is 0 whatever the figures.
"""

import asyncio
import email
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

WORK = Path(tempfile.mkdtemp(prefix="delaktig-faults-"))
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgres://postgres@127.0.0.1:5432/delaktig_bench_faults"
RETRY_FIRST, RETRY_MAX, STALE = 1, 4, 4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_url() -> str:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute("DROP DATABASE IF EXISTS delaktig_bench_faults WITH (FORCE)")
            conn.execute("CREATE DATABASE delaktig_bench_faults")
        return PG_BENCH
    except Exception:
        return f"sqlite:///{WORK / 'faults.sqlite3'}"


SMTP_PORT = free_port()
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "delaktig.config.settings",
    "DATABASE_URL": database_url(),
    "DELAKTIG_VAR_DIR": str(WORK),
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": str(SMTP_PORT),
    "EMAIL_USE_TLS": "0",
    "EMAIL_TIMEOUT": "5",
    "DELAKTIG_EMAIL_RETRY_FIRST_DELAY": str(RETRY_FIRST),
    "DELAKTIG_EMAIL_RETRY_MAX_DELAY": str(RETRY_MAX),
    "DELAKTIG_TASK_STALE_AFTER": str(STALE),
}
ENV.pop("DJANGO_DEBUG", None)
os.environ.update(ENV)

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's chatter

from aiosmtpd.controller import Controller  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from delaktig.notifications.models import OutgoingEmail  # noqa: E402
from delaktig.notifications.outbox import email_queue_message  # noqa: E402


class Sink:
    """A real SMTP server's handler that records each e-mail's Message-ID and arrival."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.received: list[tuple[str, float]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.received.append((str(message["Message-ID"]), time.monotonic()))
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 OK"

    def ids(self) -> Counter[str]:
        with self.lock:
            return Counter(i for i, _t in self.received)


def start_smtp(sink: Sink) -> Controller:
    controller = Controller(sink, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    return controller


def start_worker(name: str) -> subprocess.Popen[bytes]:
    """Start a worker process and wait until it polls the queue."""
    path = WORK / f"{name}.log"
    log = open(path, "wb")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "worker",
            "--queue-name",
            "default",
            "--interval",
            "0.1",
            "--no-reload",
            "--no-startup-delay",
        ],
        cwd=ROOT,
        env=ENV,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    wait_for(lambda: b"Starting worker" in path.read_bytes(), 60)
    return process


def stop(worker: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    worker.send_signal(sig)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def wait_for(condition: Callable[[], bool], timeout: float) -> float | None:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return time.monotonic() - start
        time.sleep(0.05)
    return None


def queue(n: int, label: str) -> list[int]:
    ids = []
    for i in range(n):
        row = email_queue_message(
            recipient=f"person{i}@example.se",
            template=label,
            subject=f"{label} {i}",
            body="Hej!",
        )
        assert row is not None
        ids.append(row.pk)
    return ids


def outcome(ids: list[int], sink: Sink) -> dict[str, Any]:
    rows = list(OutgoingEmail.objects.filter(pk__in=ids))
    expected = {f"{r.key[:40]}.{r.pk}@" for r in rows}
    seen = sink.ids()
    delivered = {i for i in seen if any(i.startswith(f"<{e}") for e in expected)}
    return {
        "queued": len(ids),
        "sent": sum(r.status == "sent" for r in rows),
        "lost": len(ids) - len(delivered),
        "sent_twice": sum(n - 1 for i, n in seen.items() if i in delivered and n > 1),
        "attempts_median": statistics.median(r.attempts for r in rows),
    }


def mail_server_down_and_back(n: int = 40, down_for: float = 6.0) -> dict[str, Any]:
    sink = Sink()
    worker = start_worker("worker-mail-down")
    try:
        ids = queue(n, "down")
        time.sleep(down_for)  # nothing listens on the mail port meanwhile
        attempts_while_down = sum(
            OutgoingEmail.objects.filter(pk__in=ids).values_list("attempts", flat=True)
        )
        up_at = time.monotonic()
        controller = start_smtp(sink)
        try:
            done = wait_for(
                lambda: OutgoingEmail.objects.filter(pk__in=ids, status="sent").count() == n, 60
            )
            arrivals = sorted(t - up_at for _i, t in sink.received)
            single = statistics.median(b - a for a, b in zip(arrivals, arrivals[1:], strict=False))
            result = outcome(ids, sink)
        finally:
            controller.stop()
    finally:
        stop(worker)
    return {
        **result,
        "attempts_while_down": attempts_while_down,
        "all_sent_after_up_s": done,
        "first_arrival_after_up_s": arrivals[0] if arrivals else None,
        "median_gap_between_sends_s": single,
        "floor_retry_max_s": RETRY_MAX,
    }


def worker_killed_mid_send(n: int = 30, kill_after: int = 8) -> dict[str, Any]:
    sink = Sink(delay=0.05)
    controller = start_smtp(sink)
    try:
        ids = queue(n, "killed")
        worker = start_worker("worker-killed")
        wait_for(lambda: len(sink.received) >= kill_after, 60)
        worker.kill()  # SIGKILL: no clean-up of any kind
        worker.wait()
        killed_at = time.monotonic()
        stuck = OutgoingEmail.objects.filter(pk__in=ids, status="sending").count()
        replacement = start_worker("worker-replacement")
        try:
            done = wait_for(
                lambda: OutgoingEmail.objects.filter(pk__in=ids, status="sent").count() == n, 60
            )
            recovered = time.monotonic() - killed_at if done is not None else None
            result = outcome(ids, sink)
        finally:
            stop(replacement)
    finally:
        controller.stop()
    return {
        **result,
        "claimed_when_killed": stuck,
        "all_sent_after_kill_s": recovered,
        "floor_stale_after_s": STALE,
    }


def recompute_killed_mid_way(participants: int = 4000, statements: int = 300) -> dict[str, Any]:
    import numpy as np
    from django.utils import timezone
    from tests.factories import ModuleFactory, PhaseFactory, ProcessFactory, UserFactory, role

    from delaktig.opinionmaps import services
    from delaktig.opinionmaps.models import MapResult, OpinionMap, Participant, Statement, Vote

    process = ProcessFactory()
    module = ModuleFactory(process=process, kind="opinionmap", title="Opinionskarta")
    PhaseFactory(module=module, process=process, phase_type="voting", name="Röstning")
    official = role(UserFactory(), "official", process.organisation)
    opinion_map = services.map_configure(actor=official, module=module, topic="Bench")
    rng = np.random.default_rng(0)
    now = timezone.now()
    made = Statement.objects.bulk_create(
        Statement(
            map=opinion_map,
            number=i + 1,
            text=f"Påstående {i}",
            status=Statement.Status.PUBLISHED,
            created=now,
        )
        for i in range(statements)
    )
    people = Participant.objects.bulk_create(
        Participant(map=opinion_map, number=i + 1) for i in range(participants)
    )
    group = rng.integers(0, 3, size=participants)
    lean = rng.choice([-1, 1], size=(3, statements))
    votes = []
    for p, person in enumerate(people):
        for s in rng.choice(statements, size=statements // 3, replace=False):
            value = int(lean[group[p], s]) if rng.random() < 0.8 else int(rng.choice([-1, 0, 1]))
            votes.append(
                Vote(participant=person, statement=made[s], value=value, created=now, updated=now)
            )
    Vote.objects.bulk_create(votes, batch_size=5000)
    OpinionMap.objects.filter(pk=opinion_map.pk).update(version=1)
    opinion_map.refresh_from_db()

    from django_tasks_db.models import DBTaskResult

    services.recompute_request(opinion_map=opinion_map)
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    worker = start_worker("worker-recompute")
    started = wait_for(lambda: DBTaskResult.objects.filter(status="RUNNING").exists(), 60)
    time.sleep(0.5)
    killed_mid_way = DBTaskResult.objects.filter(status="RUNNING").exists()
    worker.kill()
    worker.wait()
    killed_at = time.monotonic()
    replacement = start_worker("worker-recompute-2")
    try:
        done = wait_for(
            lambda: MapResult.objects.filter(map=opinion_map, version__gte=1).exists(), 120
        )
    finally:
        stop(replacement)
    computed = MapResult.objects.filter(map=opinion_map).values_list("seconds", flat=True).first()
    return {
        "votes": len(votes),
        "one_recompute_s": computed,
        "worker_killed_while_computing": bool(started is not None and killed_mid_way),
        "result_after_kill_s": (time.monotonic() - killed_at) if done is not None else None,
        "lost": done is None,
        "floor_stale_after_s": STALE,
    }


def main() -> None:
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; work folder {WORK}")
    print(f"retry {RETRY_FIRST} s doubling to {RETRY_MAX} s; a task is stale after {STALE} s")
    for name, scenario in (
        ("mail server down 6 s, then back", mail_server_down_and_back),
        ("worker killed (SIGKILL) mid-send", worker_killed_mid_send),
        ("opinion-map recompute killed mid-way", recompute_killed_mid_way),
    ):
        result = scenario()
        print(f"\n{name}")
        for key, value in result.items():
            shown = f"{value:.2f}" if isinstance(value, float) else value
            print(f"  {key:28} {shown}")
        floor = result.get("floor_retry_max_s") or result.get("floor_stale_after_s")
        delay = (
            result.get("all_sent_after_up_s")
            or result.get("all_sent_after_kill_s")
            or result.get("result_after_kill_s")
        )
        if floor and delay:
            print(f"  {'delay / floor':28} {delay / floor:.2f}")
    if ENV["DATABASE_URL"] == PG_BENCH:
        connection.close()
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS delaktig_bench_faults WITH (FORCE)")


if __name__ == "__main__":
    main()
