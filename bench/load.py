"""Load test: two app servers and two task workers sharing PostgreSQL and Redis, a mixed hour
compressed into minutes, one app server and one worker killed (SIGKILL) and restarted halfway.

The topology of docs/operations.md on one machine, loopback only:

- PostgreSQL (a throw-away database ``delaktig_bench_load``) and Redis (``BENCH_LOAD_REDIS``,
  database 9 by default, flushed first) shared by everything;
- two gunicorn app servers (``bench.wsgi`` with ``bench.load_settings``: the project's
  settings, the floors and the real task queue) on ports 9501 and 9502;
- two task workers (``manage.py worker``, as ``make run`` and the systemd unit start them);
- a real SMTP server (aiosmtpd, in this process) that records each e-mail's Message-ID;
- client threads (``bench/loadkit.py``) that spread their requests over both app servers in
  turn, as a load balancer without sticky sessions would.

The data is the demo region, made by the real services (``load_demo``), plus bulk rows:
processes, meetings, proposals collecting supports (a few with a low threshold, so that some
reach it during the run and e-mail their supporters), comments, and ``BENCH_LOAD_RESIDENTS``
verified residents with ready sessions.

Each client is a stream of visits, weighted: browsing lists and pages, searching, commenting in
a discussion, supporting a proposal, voting in the opinion map, answering the survey. Every
write is a real form, read from the page as a browser without JavaScript would (CSRF token,
hidden fields) and posted. Comments and survey answers carry a unique token; supports and votes
are one per person and item. Afterwards every accepted write (2xx or 3xx) must be stored
exactly once, every write whose connection broke after sending at most once, every refused one
never, and the counts kept beside the rows (``support_count``, the opinion map's version) must
equal the rows; otherwise the script exits non-zero.

Reported, and written to bench/results/load.json: p50/p95 latency per page kind, throughput
against the bare floor (``/bench-floor/``) measured by the same clients in the same run, errors
by kind inside and outside the kill window, the tasks the workers ran (and ran again after the
kill) and every e-mail's deliveries. Run with ``make bench`` or ``.venv/bin/python
bench/load.py``; ``BENCH_LOAD_SECONDS`` (default 180) sets the length of the mixed hour.
"""

import json
import os
import random
import re
import signal
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.loadkit import (  # noqa: E402
    ACCEPTED,
    REJECTED,
    Balancer,
    Browser,
    Ledger,
    Reply,
    find_form,
    local_path,
    outcome_of,
    parse_forms,
    percentile,
    send_once,
    verify,
)

BASE_URL = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "delaktig_bench_load"
TEMPLATE = os.environ.get("BENCH_LOAD_TEMPLATE", "")
REDIS_URL = os.environ.get("BENCH_LOAD_REDIS", "redis://127.0.0.1:6379/9")
FIRST_PORT = int(os.environ.get("BENCH_LOAD_PORT", "9501"))
PORTS = [FIRST_PORT, FIRST_PORT + 1]
SMTP_PORT = FIRST_PORT + 9
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "180"))
FLOOR_SECONDS = int(os.environ.get("BENCH_LOAD_FLOOR_SECONDS", "20"))
# The same mix before anything is measured: every server process has built what it builds
# once (templates, the screening lists) before the floors and the mixed hour.
WARMUP_SECONDS = int(os.environ.get("BENCH_LOAD_WARMUP_SECONDS", "30"))
CLIENTS = int(os.environ.get("BENCH_LOAD_CLIENTS", "16"))
RESIDENTS = int(os.environ.get("BENCH_LOAD_RESIDENTS", "400"))
PROPOSALS = int(os.environ.get("BENCH_LOAD_PROPOSALS", "5000"))
PROCESSES = int(os.environ.get("BENCH_LOAD_PROCESSES", "300"))
MEETINGS = int(os.environ.get("BENCH_LOAD_MEETINGS", "300"))
COMMENTS = int(os.environ.get("BENCH_LOAD_COMMENTS", "400"))
GUNICORN_WORKERS = int(os.environ.get("BENCH_LOAD_GUNICORN_WORKERS", "3"))
# gunicorn as docs/operations.md starts it; BENCH_LOAD_PRELOAD=1 adds --preload, which loads
# the app before the port is opened (a restarting server refuses connections until it can
# answer them, instead of queueing them while its workers start).
PRELOAD = os.environ.get("BENCH_LOAD_PRELOAD", "") == "1"
KILL_AT = 0.4  # share of the mixed hour after which one server and one worker are killed
DOWN_SECONDS = float(os.environ.get("BENCH_LOAD_DOWN_SECONDS", "8"))
# A task RUNNING this long lost its worker and is queued again (shortened so that it happens
# within the run; production waits 30 minutes). E-mail retries after 1 s, doubling to 4 s.
STALE_AFTER = 20
SMTP_DELAY = 0.2  # a mail relay's time to accept a message
DRAIN_TIMEOUT = 300
HOST = "127.0.0.1"
TOKEN = re.compile(r"\blt[a-z]{12}\b")

WORK = Path(tempfile.mkdtemp(prefix="delaktig-load-"))
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "bench.load_settings",
    "DATABASE_URL": f"{BASE_URL}/{DB_NAME}",
    "DATABASE_CONN_MAX_AGE": "60",
    "REDIS_URL": REDIS_URL,
    "DELAKTIG_VAR_DIR": str(WORK),
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": str(SMTP_PORT),
    "EMAIL_USE_TLS": "0",
    "EMAIL_TIMEOUT": "10",
    "DELAKTIG_TASK_STALE_AFTER": str(STALE_AFTER),
    "DELAKTIG_EMAIL_RETRY_FIRST_DELAY": "1",
    "DELAKTIG_EMAIL_RETRY_MAX_DELAY": "4",
    "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
}
ENV.pop("DJANGO_DEBUG", None)
os.environ.update(ENV)


# --- Data ------------------------------------------------------------------------------------


@dataclass
class Targets:
    """What the clients visit, found in the database after it is filled."""

    processes: list[str]
    proposals: list[int]
    hot_proposals: list[int]  # low thresholds: reached during the run
    meetings: list[str]
    pages: list[str]
    discussions: list[tuple[int, str]]  # (module pk, process page)
    opinion_map: tuple[int, str, str]  # (module pk, vote page, results page)
    survey: tuple[int, str]  # (module pk, survey page)
    residents: list[tuple[int, str]]  # (user pk, session key)
    author_email: str = "forslagsstallare@bench.se"


def recreate_database() -> None:
    import psycopg
    import redis

    with psycopg.connect(f"{BASE_URL}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        # A copy of a database that has the demo region already saves minutes while trying
        # the script out; the default builds everything afresh.
        template = f" TEMPLATE {TEMPLATE}" if TEMPLATE else ""
        conn.execute(f"CREATE DATABASE {DB_NAME}{template}")
    redis.Redis.from_url(REDIS_URL).flushdb()


TOPICS = [
    "vårdcentralen",
    "kollektivtrafiken",
    "ungas inflytande",
    "äldreomsorgen",
    "cykelvägar",
    "tandvården",
    "kulturhuset",
    "fjällräddningen",
    "psykisk hälsa",
    "landsbygdens service",
]
# The demo's open process with a discussion; the bulk processes are copies of it.
OPEN_PROCESS = "digital-dialog-om-jamlik-vard"
PLACES = ["Östersund", "Krokom", "Strömsund", "Åre", "Berg", "Härjedalen", "Ragunda", "Bräcke"]


def _clones(model: Any, original: Any, count: int, change: Callable[[Any, int], None]) -> None:
    """``count`` copies of ``original`` (a demo row made by the services), each changed by
    ``change``, written in batches."""
    rows = []
    for n in range(count):
        row = model.objects.get(pk=original.pk)
        row.pk = None
        row.id = None
        row._state.adding = True
        change(row, n)
        rows.append(row)
    model.objects.bulk_create(rows, batch_size=500)


def populate() -> Targets:
    """The demo region (the real services), the bulk rows beside it, and the residents."""
    import django

    django.setup()
    from django.core.management import call_command, get_commands
    from django.db import connection

    from delaktig.demo.region import load_demo_region
    from delaktig.organisations.models import Organisation

    call_command("migrate", verbosity=0)
    if not Organisation.objects.exists():
        load_demo_region()
    region = Organisation.objects.get(kind="region")
    users = _residents(region)
    _bulk_content(region, users)
    if "search_reindex" in get_commands():  # the site search's index, for the bulk rows
        from delaktig.core.contributions import search_sources

        call_command("search_reindex", *[s.key for s in search_sources()], verbosity=0)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return _targets(_sessions(users))


def _residents(region: Any) -> list[Any]:
    """Verified residents of the region's municipalities (identity checked by an official)."""
    from django.utils import timezone

    from delaktig.accounts.models import User
    from delaktig.identity.models import Verification

    municipalities = list(region.municipalities.all())
    users = User.objects.bulk_create(
        [
            User(
                username=f"load{n}",
                email=f"load{n}@bench.se",
                display_name=f"Invånare {n}",
                password="!",  # noqa: S106 - no password: the session is made directly
            )
            for n in range(RESIDENTS)
        ],
        batch_size=500,
    )
    Verification.objects.bulk_create(
        [
            Verification(
                user=user,
                method="official",
                identity_hash=f"load{n:060d}",
                municipality=municipalities[n % len(municipalities)],
                verified_at=timezone.now(),
            )
            for n, user in enumerate(users)
        ],
        batch_size=500,
    )
    return users


def _sessions(users: list[Any]) -> list[tuple[int, str]]:
    """A logged-in session for each resident, in the session store the servers share."""
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = []
    for user in users:
        session = store()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        sessions.append((user.pk, str(session.session_key)))
    return sessions


# Proposals that reach their threshold during the run: each then tells its supporters who
# asked for updates and its author, one e-mail each, through the workers.
HOT_THRESHOLDS = [2, 2, 3, 3, 4, 5, 6, 8]


def _bulk_content(region: Any, users: list[Any]) -> None:
    """Copies of demo rows: processes, meetings, proposals collecting supports, and earlier
    comments in the open discussions."""
    from django.utils import timezone

    from delaktig.accounts.models import User
    from delaktig.discussions.models import Comment
    from delaktig.meetings.models import Meeting
    from delaktig.participation.models import Process
    from delaktig.proposals.models import Proposal

    now = timezone.now()
    author = User.objects.create_user(
        username="forslagsstallare", email=Targets.author_email, display_name="Bench"
    )

    def process(row: Any, n: int) -> None:
        topic, place = TOPICS[n % len(TOPICS)], PLACES[n % len(PLACES)]
        row.slug = f"dialog-{n}"
        row.title = f"Dialog om {topic} i {place} ({n})"
        row.summary = f"Vi vill höra vad du tycker om {topic} i {place}."

    def meeting(row: Any, n: int) -> None:
        row.title = f"Möte om {TOPICS[n % len(TOPICS)]} i {PLACES[n % len(PLACES)]}"
        row.starts_at = now + timedelta(days=n % 200, hours=n % 7)
        row.ends_at = row.starts_at + timedelta(hours=2)

    def proposal(row: Any, n: int) -> None:
        topic, place = TOPICS[n % len(TOPICS)], PLACES[n % len(PLACES)]
        row.author, row.author_name = author, "Bench"
        row.title = f"Förslag om {topic} i {place} nummer {n}"
        row.body = f"Jag föreslår att regionen förbättrar {topic} i {place}."
        row.case_number = None
        row.support_count = 0
        row.support_ends_at = now + timedelta(days=60)
        row.published_at = now - timedelta(minutes=n)
        row.support_threshold = HOT_THRESHOLDS[n] if n < len(HOT_THRESHOLDS) else 1_000_000

    _clones(Process, Process.objects.get(status="open", slug=OPEN_PROCESS), PROCESSES, process)
    _clones(Meeting, Meeting.objects.order_by("pk")[0], MEETINGS, meeting)
    collecting = Proposal.objects.filter(status="collecting", organisation=region)[0]
    _clones(Proposal, collecting, PROPOSALS, proposal)
    discussions = _open_discussions()
    Comment.objects.bulk_create(
        [
            Comment(
                module=discussions[n % len(discussions)],
                author=users[n % len(users)],
                body=f"Tidigare synpunkt {n} om {TOPICS[n % len(TOPICS)]}.",
            )
            for n in range(COMMENTS)
        ],
        batch_size=500,
    )
    # Written two days ago: they do not count against anyone's comment rate.
    Comment.objects.filter(body__startswith="Tidigare synpunkt").update(
        created=now - timedelta(days=2)
    )


def _open_discussions() -> list[Any]:
    from delaktig.participation.models import ProcessModule

    found = [
        m
        for m in ProcessModule.objects.select_related("process").filter(kind="discussion")
        if m.allows("comment")
    ]
    assert found, "the demo region has a discussion open for comments"
    return found


def _targets(residents: list[tuple[int, str]]) -> Targets:
    from django.urls import reverse

    from delaktig.meetings.models import Meeting
    from delaktig.pages.models import Page
    from delaktig.participation.models import Process, ProcessModule
    from delaktig.proposals.models import Proposal
    from delaktig.surveys.models import Survey

    opinion_map = next(
        m for m in ProcessModule.objects.filter(kind="opinionmap") if m.allows("vote")
    )
    survey = next(
        m
        for m in ProcessModule.objects.filter(kind="survey")
        if m.allows("answer")
        and Survey.objects.filter(module=m, access=Survey.Access.ANONYMOUS).exists()
    )
    collecting = Proposal.objects.filter(status="collecting").order_by("pk")
    return Targets(
        processes=[p.get_absolute_url() for p in Process.objects.filter(status="open")],
        proposals=list(collecting.values_list("pk", flat=True)),
        hot_proposals=list(
            collecting.filter(support_threshold__lte=max(HOT_THRESHOLDS)).values_list(
                "pk", flat=True
            )
        ),
        meetings=[m.get_absolute_url() for m in Meeting.objects.all()[:1000]],
        pages=[p.get_absolute_url() for p in Page.objects.all() if p.is_published],
        discussions=[(m.pk, m.process.get_absolute_url()) for m in _open_discussions()],
        opinion_map=(
            opinion_map.pk,
            reverse("opinionmaps:vote", kwargs={"module_pk": opinion_map.pk}),
            reverse("opinionmaps:results", kwargs={"module_pk": opinion_map.pk}),
        ),
        survey=(survey.pk, reverse("surveys:answer", kwargs={"module_pk": survey.pk})),
        residents=residents,
    )


# --- Processes -------------------------------------------------------------------------------


def start_server(index: int) -> subprocess.Popen[bytes]:
    log = open(WORK / f"server{index}.log", "ab")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.wsgi",
            "--bind",
            f"127.0.0.1:{PORTS[index]}",
            "--workers",
            str(GUNICORN_WORKERS),
            "--timeout",
            "60",
            "--log-level",
            "warning",
            *(["--preload"] if PRELOAD else []),
        ],
        cwd=ROOT,
        env=ENV,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: killed as a machine dies, all at once
    )


def server_ready(index: int, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reply = send_once(PORTS[index], "GET", "/bench-floor/", {"Host": HOST}, timeout=5)
        if reply.status == 200:
            return True
        time.sleep(0.1)
    return False


def start_worker(name: str) -> subprocess.Popen[bytes]:
    log = open(WORK / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "worker",
            "--queue-name",
            "default",
            "--interval",
            "0.2",
            "--no-reload",
            "--no-startup-delay",
            "--worker-id",
            name,
        ],
        cwd=ROOT,
        env=ENV,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def worker_ready(name: str, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if b"Starting worker" in (WORK / f"{name}.log").read_bytes():
            return True
        time.sleep(0.1)
    return False


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL to the whole process group: the machine is gone, nothing cleans up."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def stop(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        kill(process)


class Sink:
    """The SMTP server's handler: every e-mail's Message-ID, as often as it arrives."""

    def __init__(self) -> None:
        self.ids: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        import asyncio
        import email

        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.ids[str(message["Message-ID"])] += 1
        await asyncio.sleep(SMTP_DELAY)
        return "250 OK"


# --- The clients -----------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    at: float  # seconds since the phase began
    seconds: float
    status: int
    error: str
    first_error: str
    server: int  # the server that answered (or failed last)


@dataclass
class Recorder:
    began: float = field(default_factory=time.monotonic)
    samples: list[Sample] = field(default_factory=list)
    flow_errors: Counter[str] = field(default_factory=Counter)

    def add(self, kind: str, reply: Reply, started: float) -> Reply:
        self.samples.append(
            Sample(
                kind,
                started - self.began,
                reply.seconds,
                reply.status,
                reply.error,
                reply.first_error,
                reply.server,
            )
        )
        return reply


def token() -> str:
    return "lt" + "".join(random.choices(string.ascii_lowercase, k=12))


class TimeUp(Exception):
    """The phase is over: the visit ends before its next request."""


SEARCHES = ["vårdcentral", "buss", "kollektivtrafik", "ungdom", "demokrati", "cykel", "tandvård"]


class Visitor:
    """One client thread: visit after visit, as residents (with their own sessions) and as
    anonymous visitors, until the deadline."""

    WEIGHTS = {
        "browse": 38,
        "search": 14,
        "comment": 10,
        "support": 15,
        "vote": 15,
        "survey": 8,
    }

    def __init__(
        self,
        index: int,
        targets: Targets,
        balancer: Balancer,
        ledger: Ledger,
        recorder: Recorder,
        seed: int = 0,
    ) -> None:
        self.rng = random.Random(seed * CLIENTS + index)
        self.deadline = 0.0
        self.targets = targets
        self.balancer = balancer
        self.ledger = ledger
        self.recorder = recorder
        mine = targets.residents[index::CLIENTS]
        self.residents = [
            (pk, Browser(balancer, HOST, {"sessionid": key, "django_language": "sv"}))
            for pk, key in mine
        ]

    # Requests, recorded by page kind.
    def get(self, browser: Browser, kind: str, path: str) -> Reply:
        started = self.on_time()
        return self.recorder.add(kind, browser.get(path), started)

    def post(self, browser: Browser, kind: str, path: str, data: list[tuple[str, str]]) -> Reply:
        started = self.on_time()
        return self.recorder.add(kind, browser.post(path, data), started)

    def on_time(self) -> float:
        """Now, or the end of the visit when the phase is over (no request starts after)."""
        now = time.monotonic()
        if now >= self.deadline:
            raise TimeUp
        return now

    def after(self, browser: Browser, reply: Reply) -> None:
        """Follow an accepted write's redirect, as a browser does."""
        if reply.ok and reply.location:
            self.get(browser, "after_write", local_path(reply.location))

    def resident(self) -> tuple[int, Browser]:
        return self.rng.choice(self.residents)

    def anyone(self) -> Browser:
        if self.rng.random() < 0.5:
            return self.resident()[1]
        return Browser(self.balancer, HOST)

    def write_outcome(self, reply: Reply) -> str:
        outcome = outcome_of(reply)
        if outcome == ACCEPTED and "/konto/" in reply.location:
            self.recorder.flow_errors["write sent to the login page"] += 1
            return REJECTED
        return outcome

    def run(self, deadline: float) -> None:
        actions = list(self.WEIGHTS)
        weights = list(self.WEIGHTS.values())
        self.deadline = deadline
        while time.monotonic() < deadline:
            action = self.rng.choices(actions, weights)[0]
            try:
                getattr(self, action)()
            except TimeUp:
                return
            except Exception as error:  # a fault of the harness is counted, not fatal
                self.recorder.flow_errors[f"harness: {type(error).__name__} in {action}"] += 1

    # The visits.
    def browse(self) -> None:
        t = self.targets
        browser = self.anyone()
        kind, path = self.rng.choices(
            [
                ("home", "/"),
                ("process_list", "/processer/"),
                ("process_page", self.rng.choice(t.processes)),
                ("proposal_list", "/forslag/"),
                ("proposal_page", f"/forslag/{self.rng.choice(t.proposals)}/"),
                ("meeting_list", "/moten/"),
                ("meeting_page", self.rng.choice(t.meetings) if t.meetings else "/moten/"),
                ("info_page", self.rng.choice(t.pages) if t.pages else "/"),
                ("opinionmap_results", t.opinion_map[2]),
            ],
            [10, 12, 20, 10, 20, 6, 8, 8, 6],
        )[0]
        self.get(browser, kind, path)

    def search(self) -> None:
        words = self.rng.choice(SEARCHES)
        page = "&sida=2" if self.rng.random() < 0.1 else ""
        self.get(self.anyone(), "search", f"/sok/?q={quote_plus(words)}{page}")

    def comment(self) -> None:
        module_pk, path = self.rng.choice(self.targets.discussions)
        _pk, browser = self.resident()
        page = self.get(browser, "process_page", path)
        form = find_form(page.text, f"/{module_pk}/kommentera/") if page.ok else None
        if form is None:
            if page.ok:
                self.recorder.flow_errors["no comment form for a resident"] += 1
            return
        mark = token()
        body = next(c.name for c in form.controls if c.name.endswith("body"))
        text = f"Lasttest {mark}: fler kvällsturer och kortare väntan på vårdcentralen."
        data = form.fill(
            values={body: text},
            check=[c.name for c in form.controls if c.name.endswith("accept_rules")],
        )
        reply = self.post(browser, "comment_post", form.action, data)
        self.ledger.record("comment", mark, self.write_outcome(reply))
        self.after(browser, reply)

    def support(self) -> None:
        t = self.targets
        pool = t.hot_proposals if self.rng.random() < 0.5 and t.hot_proposals else t.proposals
        pk = self.rng.choice(pool)
        user, browser = self.resident()
        page = self.get(browser, "proposal_page", f"/forslag/{pk}/")
        if not page.ok:
            return
        form = next(
            (
                f
                for f in parse_forms(page.text)
                if f.method == "post"
                and f"/forslag/{pk}/stod/" in f.action
                and not f.has("withdraw")
            ),
            None,
        )
        if form is None:
            return  # supported already, or the support period is over
        reply = self.post(browser, "support_post", form.action, form.fill())
        self.ledger.record("support", (user, pk), self.write_outcome(reply))
        self.after(browser, reply)

    def vote(self) -> None:
        _module, vote_path, _results = self.targets.opinion_map
        user, browser = self.resident()
        page = self.get(browser, "opinionmap_page", vote_path)
        if not page.ok:
            return
        form = next(
            (f for f in parse_forms(page.text) if f.method == "post" and f.has("statement")),
            None,
        )
        if form is None:
            return  # this person has taken a stand on every statement
        statement = next(c.value for c in form.controls if c.name == "statement")
        value = self.rng.choice(["agree", "agree", "disagree", "pass"])
        reply = self.post(browser, "vote_post", form.action, form.fill(button=("vote", value)))
        self.ledger.record("vote", (user, int(statement)), self.write_outcome(reply))
        self.after(browser, reply)

    def survey(self) -> None:
        """An anonymous visitor answers the survey: start, each step, the review, send."""
        _module, path = self.targets.survey
        browser = Browser(self.balancer, HOST)
        page = self.get(browser, "survey_page", path)
        form = find_form(page.text, path) if page.ok else None
        if form is None:
            if page.ok:
                self.recorder.flow_errors["no form to start the survey"] += 1
            return
        reply = self.post(browser, "survey_post", form.action, form.fill())
        mark = token()
        for _step in range(10):
            if not reply.ok or not reply.location:
                return
            target = local_path(reply.location)
            if "/tack/" in target:
                return
            page = self.get(browser, "survey_page", target)
            form = find_form(page.text, path) if page.ok else None
            if form is None:
                if page.ok:
                    self.recorder.flow_errors["no form on a survey step"] += 1
                return
            if any(c.name == "action" and c.value == "submit" for c in form.controls):
                data = form.fill(button=("action", "submit"))
                reply = self.post(browser, "survey_submit", form.action, data)
                self.ledger.record("survey", mark, self.write_outcome(reply))
                self.after(browser, reply)
                return
            text = f"Lasttest {mark}: fler turer på kvällen."
            data = form.fill(text=text, check_first=True, button=("action", "next"))
            reply = self.post(browser, "survey_post", form.action, data)
        self.recorder.flow_errors["survey without an end"] += 1


def run_phase(seconds: float, job: Callable[[int, float], None]) -> float:
    """Run ``job(index, deadline)`` in CLIENTS threads started together; returns seconds."""
    barrier = threading.Barrier(CLIENTS + 1)
    deadline = [0.0]

    def body(index: int) -> None:
        barrier.wait()
        job(index, deadline[0])

    threads = [threading.Thread(target=body, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    start = time.monotonic()
    deadline[0] = start + seconds
    barrier.wait()
    for thread in threads:
        thread.join()
    return time.monotonic() - start


def floor_phase(balancer: Balancer, path: str, recorder: Recorder) -> float:
    def job(index: int, deadline: float) -> None:
        browser = Browser(balancer, HOST)
        while time.monotonic() < deadline:
            started = time.monotonic()
            recorder.add("floor", browser.get(path), started)

    run_phase(FLOOR_SECONDS, job)
    ok = sum(1 for s in recorder.samples if s.status == 200 and s.at + s.seconds <= FLOOR_SECONDS)
    return ok / FLOOR_SECONDS


# --- Chaos -----------------------------------------------------------------------------------


@dataclass
class Chaos:
    """Kills app server 2 and worker 2 with SIGKILL, and starts them again after a while."""

    servers: list[subprocess.Popen[bytes]]
    workers: list[subprocess.Popen[bytes]]
    worker_names: list[str]
    began: float
    events: dict[str, Any] = field(default_factory=dict)

    def run(self) -> None:
        from django.db import close_old_connections
        from django_tasks_db.models import DBTaskResult

        from delaktig.notifications.models import OutgoingEmail

        time.sleep(max(0.0, self.began + KILL_AT * SECONDS - time.monotonic()))
        victim = self.worker_names[1]
        # Wait (at most 30 s) for the worker to be inside a task, so that it dies mid-task.
        close_old_connections()
        running: list[str] = []
        for _ in range(600):
            running = [
                t.task_path
                for t in DBTaskResult.objects.filter(status="RUNNING")
                if t.worker_ids and t.worker_ids[-1] == victim
            ]
            if running:
                break
            time.sleep(0.05)
        sending = OutgoingEmail.objects.filter(status="sending").count()
        killed = time.monotonic()
        kill(self.servers[1])
        kill(self.workers[1])
        self.events.update(
            {
                "killed_at_s": round(killed - self.began, 1),
                "worker_was_running": running,
                "emails_sending_at_kill": sending,
            }
        )
        time.sleep(DOWN_SECONDS)
        self.servers[1] = start_server(1)
        name = f"{victim}-restarted"
        self.worker_names.append(name)
        self.workers[1] = start_worker(name)
        restarted = time.monotonic()
        server_ok = server_ready(1, timeout=400)
        serving = time.monotonic()
        worker_ok = worker_ready(name)
        self.events.update(
            {
                "restarted_at_s": round(restarted - self.began, 1),
                "server_serving_again_at_s": round(serving - self.began, 1),
                "server_restarted": server_ok,
                "worker_restarted": worker_ok,
                # The window: from the kill until the restarted server has served 2 s.
                "window_s": [round(killed - self.began, 1), round(serving + 2 - self.began, 1)],
            }
        )
        close_old_connections()


# --- Checks ----------------------------------------------------------------------------------


def drained(map_module: int, first_email: int) -> bool:
    from django_tasks_db.models import DBTaskResult

    from delaktig.notifications.models import OutgoingEmail
    from delaktig.opinionmaps.models import OpinionMap

    # Tasks due now or running (a recompute waits 10 s on purpose; its map is checked below).
    if DBTaskResult.objects.ready().exists() or DBTaskResult.objects.running().exists():
        return False
    if OutgoingEmail.objects.filter(pk__gt=first_email, status__in=["queued", "sending"]).exists():
        return False
    opinion_map = OpinionMap.objects.select_related("result").get(module_id=map_module)
    result = getattr(opinion_map, "result", None)
    return not opinion_map.recompute_pending and (
        opinion_map.version == 0 or (result is not None and result.version == opinion_map.version)
    )


def wait_drained(map_module: int, first_email: int) -> float | None:
    from django.db import close_old_connections

    start = time.monotonic()
    while time.monotonic() - start < DRAIN_TIMEOUT:
        close_old_connections()
        if drained(map_module, first_email):
            return time.monotonic() - start
        time.sleep(0.5)
    return None


@dataclass
class Before:
    map_version: int
    first_email: int
    first_event: int
    began: datetime


def snapshot(targets: Targets) -> Before:
    from django.db.models import Max
    from django.utils import timezone

    from delaktig.notifications.models import OutgoingEmail
    from delaktig.opinionmaps.models import OpinionMap
    from delaktig.proposals.models import ProposalEvent

    return Before(
        map_version=OpinionMap.objects.get(module_id=targets.opinion_map[0]).version,
        first_email=OutgoingEmail.objects.aggregate(m=Max("pk"))["m"] or 0,
        first_event=ProposalEvent.objects.aggregate(m=Max("pk"))["m"] or 0,
        began=timezone.now(),
    )


def check_writes(targets: Targets, ledger: Ledger, before: Before) -> dict[str, Any]:
    from django.db.models import Count

    from delaktig.discussions.models import Comment
    from delaktig.opinionmaps.models import OpinionMap, Vote
    from delaktig.proposals.models import Proposal, Support
    from delaktig.surveys.models import Answer

    residents = [pk for pk, _key in targets.residents]
    comments: Counter[object] = Counter()
    for body in Comment.objects.filter(body__contains="Lasttest lt").values_list("body", flat=True):
        comments.update(TOKEN.findall(body))
    supports: Counter[object] = Counter(
        Support.objects.filter(user_id__in=residents).values_list("user_id", "proposal_id")
    )
    votes: Counter[object] = Counter(
        Vote.objects.filter(participant__user_id__in=residents).values_list(
            "participant__user_id", "statement_id"
        )
    )
    # A response's token may be in more than one of its answers: counted once per response.
    in_response: dict[int, set[str]] = defaultdict(set)
    for response, text in Answer.objects.filter(
        text__contains="Lasttest lt", response__submitted_at__isnull=False
    ).values_list("response_id", "text"):
        in_response[response].update(TOKEN.findall(text))
    answers: Counter[object] = Counter(t for tokens in in_response.values() for t in tokens)
    report: dict[str, Any] = {
        "comment": verify(ledger.book("comment"), comments),
        "support": verify(ledger.book("support"), supports),
        "vote": verify(ledger.book("vote"), votes),
        "survey": verify(ledger.book("survey"), answers),
    }
    rows = dict(
        Support.objects.values("proposal_id")
        .annotate(n=Count("id"))
        .values_list("proposal_id", "n")
    )
    wrong = [
        pk
        for pk, kept in Proposal.objects.values_list("pk", "support_count")
        if kept != rows.get(pk, 0)
    ]
    opinion_map = OpinionMap.objects.select_related("result").get(module_id=targets.opinion_map[0])
    result = getattr(opinion_map, "result", None)
    report["counts"] = {
        "proposals_whose_support_count_differs_from_rows": len(wrong),
        "opinion_map_version_bumps": opinion_map.version - before.map_version,
        "opinion_map_votes_stored": sum(votes.values()),
        "opinion_map_result_version": result.version if result else None,
        "opinion_map_version": opinion_map.version,
        "exact": not wrong
        and opinion_map.version - before.map_version == sum(votes.values())
        and result is not None
        and result.version == opinion_map.version,
    }
    return report


def check_tasks(before: Before, worker_names: list[str]) -> dict[str, Any]:
    from django_tasks_db.models import DBTaskResult

    tasks = list(DBTaskResult.objects.filter(enqueued_at__gte=before.began))
    by_task: dict[str, Counter[str]] = defaultdict(Counter)
    by_worker: Counter[str] = Counter()
    for task in tasks:
        name = task.task_path.rsplit(".", 1)[-1]
        by_task[name][task.status.lower()] += 1
        if len(task.worker_ids) > 1:
            by_task[name]["run_again"] += 1
        for worker in set(task.worker_ids):
            by_worker[worker] += 1
    return {
        "tasks": len(tasks),
        "by_task": {k: dict(v) for k, v in sorted(by_task.items())},
        "by_worker": {w: by_worker.get(w, 0) for w in worker_names},
    }


def check_emails(targets: Targets, before: Before, sink: Sink) -> dict[str, Any]:
    from delaktig.notifications.models import OutgoingEmail
    from delaktig.notifications.outbox import message_id
    from delaktig.proposals.models import ProposalEvent, Support

    rows = list(OutgoingEmail.objects.filter(pk__gt=before.first_email))
    with sink.lock:
        received = Counter(sink.ids)
    twice = [
        {"id": r.pk, "template": r.template, "received": received[message_id(r)]}
        for r in rows
        if received[message_id(r)] > 1
    ]
    lost = [r.pk for r in rows if received[message_id(r)] == 0]
    # Who should have heard that a proposal reached its threshold: its supporters who asked
    # for updates, and its author; each once.
    expected: Counter[str] = Counter()
    events = ProposalEvent.objects.filter(pk__gt=before.first_event, to_status="lodged")
    for event in events:
        expected.update(
            set(
                Support.objects.filter(proposal_id=event.proposal_id, wants_updates=True)
                .values_list("user__email", flat=True)
                .exclude(user__email="")
            )
            | {targets.author_email}
        )
    queued = Counter(r.recipient for r in rows if r.template == "proposal_event")
    return {
        "queued": len(rows),
        "status": dict(Counter(r.status for r in rows)),
        "received_once": sum(1 for r in rows if received[message_id(r)] == 1),
        "received_twice_or_more": twice,
        "not_received": len(lost),
        "thresholds_reached": events.count(),
        "threshold_emails_expected": sum(expected.values()),
        "threshold_emails_queued": sum(queued.values()),
        "threshold_emails_missing": sum((expected - queued).values()),
        "threshold_emails_extra": sum((queued - expected).values()),
    }


# --- Figures ---------------------------------------------------------------------------------


def latency_table(samples: list[Sample], floor_p50: float) -> dict[str, dict[str, Any]]:
    kinds: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        kinds[s.kind].append(s)
    table = {}
    for kind, rows in sorted(kinds.items()):
        answered = [s.seconds for s in rows if s.status]
        p50 = percentile(answered, 0.5)
        table[kind] = {
            "requests": len(rows),
            "p50_ms": round(p50 * 1000, 1),
            "p95_ms": round(percentile(answered, 0.95) * 1000, 1),
            "p50_x_floor": round(p50 / floor_p50, 1) if floor_p50 else None,
            "http_4xx": sum(1 for s in rows if 400 <= s.status < 500),
            "http_5xx": sum(1 for s in rows if s.status >= 500),
            "failed": sum(1 for s in rows if s.error),
        }
    return table


def error_kind(s: Sample) -> str | None:
    write = s.kind.endswith(("_post", "_submit"))
    if s.error == "refused":
        return "refused by both servers"
    if s.error:
        return f"{'write, outcome unknown' if write else 'read failed'} ({s.error})"
    if s.first_error:
        return f"{'write' if write else 'read'} sent again after '{s.first_error}'"
    if s.status >= 500:
        return f"HTTP {s.status} on {s.kind}"
    if s.status >= 400:
        return f"HTTP {s.status} on {s.kind} (refused by the app)"
    return None


def error_table(samples: list[Sample], window: tuple[float, float]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = defaultdict(lambda: {"outside": 0, "kill_window": 0})
    for s in samples:
        kind = error_kind(s)
        if kind:
            inside = s.at <= window[1] and s.at + s.seconds >= window[0]  # overlaps it
            table[kind]["kill_window" if inside else "outside"] += 1
    return dict(sorted(table.items()))


def throughput(samples: list[Sample], window: tuple[float, float]) -> dict[str, float]:
    """Answered requests per second, by when they ended: over the whole mixed hour, before
    the kill, in the kill window and after it."""
    ends = [s.at + s.seconds for s in samples if s.status]
    spans = {
        "all": (0.0, SECONDS),
        "before_kill": (0.0, window[0]),
        "kill_window": window,
        "after_window": (window[1], SECONDS),
    }
    return {
        name: sum(1 for e in ends if start <= e < end) / (end - start)
        for name, (start, end) in spans.items()
        if end - start > 1
    }


def timeline(samples: list[Sample], step: int = 10) -> list[dict[str, Any]]:
    """Requests answered by each server, failures, and the median time of the answered ones,
    in steps of ``step`` seconds by when they ended: what the kill did, and for how long."""
    rows = []
    for start in range(0, SECONDS, step):
        ended = [s for s in samples if start <= s.at + s.seconds < start + step]
        answered = [s for s in ended if s.status]
        rows.append(
            {
                "s": start,
                "server1": sum(1 for s in answered if s.server == 0),
                "server2": sum(1 for s in answered if s.server == 1),
                "failed": sum(1 for s in ended if not s.status),
                "p50_ms": round(percentile([s.seconds for s in answered], 0.5) * 1000),
            }
        )
    return rows


def print_report(report: dict[str, Any]) -> None:
    floor = report["floor"]
    print(
        f"\nfloor (bare view, same clients over both servers): {floor['requests_per_s']:.0f}/s, "
        f"p50 {floor['p50_ms']} ms; layout floor {report['layout_floor']['requests_per_s']:.0f}/s"
    )
    rate = report["throughput"]
    print(
        f"mixed hour: {SECONDS} s, {CLIENTS} clients (the last requests ended after "
        f"{report['seconds']} s); answered requests per second and × the floor:"
    )
    for name, value in rate["requests_per_s"].items():
        print(f"  {name:14} {value:>7.1f}/s {rate['ratio_to_floor'][name]:>8}×")
    print(
        f"\n{'page':22} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p50×floor':>9} "
        f"{'4xx':>5} {'5xx':>5} {'failed':>6}"
    )
    for kind, row in report["pages"].items():
        print(
            f"{kind:22} {row['requests']:>8} {row['p50_ms']:>8} {row['p95_ms']:>8} "
            f"{row['p50_x_floor']!s:>9} {row['http_4xx']:>5} {row['http_5xx']:>5} "
            f"{row['failed']:>6}"
        )
    print(f"\nchaos: {json.dumps(report['chaos'], ensure_ascii=False)}")
    print("timeline (10 s steps: answered by server 1 / server 2, failed, p50 ms):")
    print(
        "  "
        + "  ".join(
            f"{r['s']}:{r['server1']}/{r['server2']}/{r['failed']}/{r['p50_ms']}"
            for r in report["timeline"]
        )
    )
    print(f"\n{'error':58} {'outside':>8} {'window':>8}")
    for kind, row in report["errors"].items():
        print(f"{kind:58} {row['outside']:>8} {row['kill_window']:>8}")
    for kind, count in report["flow_errors"].items():
        print(f"{'flow: ' + kind:58} {count:>8}")
    print(
        f"\n{'write':8} {'accepted':>8} {'rejected':>8} {'unknown':>8} {'unk.kept':>8} "
        f"{'stored':>7} {'missing':>7} {'dupl.':>6} {'exact':>6}"
    )
    for kind in ("comment", "support", "vote", "survey"):
        row = report["writes"][kind]
        print(
            f"{kind:8} {row['accepted']:>8} {row['rejected']:>8} {row['unknown']:>8} "
            f"{row['unknown_stored']:>8} {row['stored']:>7} {row['missing']:>7} "
            f"{row['duplicated']:>6} {row['exact']!s:>6}"
        )
    print(f"counts beside the rows: {json.dumps(report['writes']['counts'])}")
    print(f"\ntasks: {json.dumps(report['tasks'], ensure_ascii=False)}")
    print(f"e-mail: {json.dumps(report['emails'], ensure_ascii=False)}")
    print(f"drained in {report['drain_s']} s after the clients stopped")
    print("\nALL WRITES EXACT" if report["exact"] else "\nWRITES LOST OR DUPLICATED: see above")


# --- Main ------------------------------------------------------------------------------------


@dataclass
class Stack:
    """The SMTP server, the task workers and the app servers, started and stopped together."""

    sink: Sink
    smtp: Any
    servers: list[subprocess.Popen[bytes]]
    workers: list[subprocess.Popen[bytes]]
    worker_names: list[str]

    @classmethod
    def start(cls) -> "Stack":
        import logging

        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's chatter
        sink = Sink()
        smtp = Controller(sink, hostname="127.0.0.1", port=SMTP_PORT)
        smtp.start()
        names = ["load-w1", "load-w2"]
        stack = cls(sink, smtp, [start_server(0), start_server(1)], [], names)
        stack.workers = [start_worker(name) for name in names]
        return stack

    def stop(self) -> None:
        for process in self.servers + self.workers:
            stop(process)
        self.smtp.stop()


def measure(targets: Targets, stack: Stack) -> dict[str, Any]:
    """Warm-up, the two floors, the mixed hour with its kill, the drain, and the checks."""
    from django.db import close_old_connections

    assert all(server_ready(i) for i in range(2)), f"the app servers did not start: {WORK}"
    assert all(worker_ready(n) for n in stack.worker_names), f"no workers: {WORK}"
    balancer = Balancer(PORTS)
    preflight(targets)
    close_old_connections()
    wait_drained(targets.opinion_map[0], snapshot(targets).first_email)  # the setup's tasks
    before = snapshot(targets)
    ledger = Ledger()  # the warm-up's writes are checked too
    warmers = [Visitor(i, targets, balancer, ledger, Recorder(), seed=1) for i in range(CLIENTS)]
    run_phase(WARMUP_SECONDS, lambda i, deadline: warmers[i].run(deadline))

    floors = Recorder()
    floor_rate = floor_phase(balancer, "/bench-floor/", floors)
    floor_p50 = percentile([s.seconds for s in floors.samples if s.status == 200], 0.5)
    layout_rate = floor_phase(balancer, "/bench-layout-floor/", Recorder())

    recorder = Recorder()
    visitors = [Visitor(i, targets, balancer, ledger, recorder) for i in range(CLIENTS)]
    chaos = Chaos(stack.servers, stack.workers, stack.worker_names, began=time.monotonic())
    recorder.began = chaos.began
    chaos_thread = threading.Thread(target=chaos.run, daemon=True)
    chaos_thread.start()
    seconds = run_phase(SECONDS, lambda i, deadline: visitors[i].run(deadline))
    chaos_thread.join(timeout=600)
    close_old_connections()
    drain_s = wait_drained(targets.opinion_map[0], before.first_email)
    kill_window = chaos.events.get("window_s", [SECONDS, SECONDS])
    window = (min(kill_window[0], SECONDS), min(kill_window[1], SECONDS))
    rates = throughput(recorder.samples, window)
    return {
        "seconds": round(seconds, 1),
        "floor": {"requests_per_s": round(floor_rate, 1), "p50_ms": round(floor_p50 * 1000, 2)},
        "layout_floor": {"requests_per_s": round(layout_rate, 1)},
        "throughput": {
            "requests_per_s": {k: round(v, 1) for k, v in rates.items()},
            "ratio_to_floor": {k: round(v / floor_rate, 3) for k, v in rates.items()},
        },
        "pages": latency_table(recorder.samples, floor_p50),
        "chaos": chaos.events,
        "errors": error_table(recorder.samples, window),
        "timeline": timeline(recorder.samples),
        "flow_errors": dict(recorder.flow_errors),
        "writes": check_writes(targets, ledger, before),
        "tasks": check_tasks(before, stack.worker_names),
        "emails": check_emails(targets, before, stack.sink),
        "drain_s": round(drain_s, 1) if drain_s is not None else None,
    }


def main() -> int:
    recreate_database()
    started = time.monotonic()
    targets = populate()
    setup_s = time.monotonic() - started
    stack = Stack.start()
    try:
        measured = measure(targets, stack)
    finally:
        stack.stop()
    writes = measured["writes"]
    exact = all(writes[k]["exact"] for k in ("comment", "support", "vote", "survey", "counts"))
    report = {
        "stack": (
            f"2 gunicorn app servers × {GUNICORN_WORKERS} workers"
            f"{' (--preload)' if PRELOAD else ''}, 2 task workers, PostgreSQL, Redis; "
            f"{CLIENTS} clients, a new connection per request, round robin"
        ),
        "data": {
            "processes": len(targets.processes),
            "proposals_collecting": len(targets.proposals),
            "meetings": len(targets.meetings),
            "residents": len(targets.residents),
            "setup_s": round(setup_s, 1),
        },
        **measured,
        "exact": exact,
        "logs": str(WORK),
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "load.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print_report(report)
    return 0 if exact else 1


def preflight(targets: Targets) -> None:
    """Each server knows a resident's session (made in the database or cache they share)."""
    _pk, key = targets.residents[0]
    for port in PORTS:
        reply = send_once(port, "GET", "/mitt-konto/", {"Host": HOST, "Cookie": f"sessionid={key}"})
        assert reply.status == 200, f"a resident's session is not known on port {port}: {reply}"


if __name__ == "__main__":
    sys.exit(main())
