"""Proposal benchmarks through the real HTTP stack: gunicorn, PostgreSQL, many clients.

1. Query counts of the proposal pages, counted in-process at two sizes (``BENCH_SMALL``
   proposals, then ``BENCH_PROPOSALS``): they must be equal, or the script fails.
2. Latency of the public proposal list (newest first, sorted by supports, filtered, a later
   page) and of proposal pages, at 100,000 proposals and about 1,000,000 supports, against two
   floors served by the same gunicorn in the same run: the *bare floor* (``/bench-floor/``, a
   view that renders nothing) and the *layout floor* (``/bench-layout-floor/``, an empty page
   through ``base.html``). ``BENCH_ROUNDS`` rounds of sequential requests, every page and floor
   once a round; a page's ratio is the median of its rounds' ratios to the floor measured a
   moment before (with the quartiles, and the ratio of the fastest of each). Target: every
   page within 3× the layout floor.
3. Support writes and withdrawals per second with 32 concurrent clients, each a verified
   resident with a session, each a real POST through CSRF, sessions, the view and the write,
   many clients on the same proposals at once, against the bare floor's requests per second
   with the same clients, in ``BURSTS`` bursts each right after a burst of the floor (the
   figure is the median of the bursts' ratios). Target: supports at least 0.25× the floor.
   Beside them, for reference, a logged-in post that changes nothing (``/bench-post-floor/``:
   CSRF, session, user, message, redirect), what any resident's write costs on this stack
   before its own work. Afterwards every accepted support is stored exactly once, every
   withdrawal removed exactly one, and every proposal's ``support_count`` equals its rows, or
   the script fails.

Every request carries a query string of its own (``r=<n>``), so that no cache in front of the
views answers for them: what is measured is the page being made. Run with ``make bench``.
"""

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
BASE_URL = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB", "delaktig_bench_proposals")
os.environ["DATABASE_URL"] = f"{BASE_URL}/{DB_NAME}"
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
# As production is configured: the cache, and so the sessions (cached_db), in Redis; a database
# of its own, emptied first.
REDIS_URL = os.environ["REDIS_URL"] = os.environ.get(
    "BENCH_PROPOSALS_REDIS", "redis://127.0.0.1:6379/12"
)
PORT = int(os.environ.get("BENCH_PORT", "8765"))
# As production is configured in docs/operations.md: connections kept between requests.
CONN_MAX_AGE = os.environ.get("BENCH_CONN_MAX_AGE", "60")
CLIENTS = 32
PROPOSALS = int(os.environ.get("BENCH_PROPOSALS", "100000"))
SMALL = int(os.environ.get("BENCH_SMALL", "2000"))  # page 50 of the list exists
WRITES_PER_CLIENT = int(os.environ.get("BENCH_WRITES", "40"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "40"))
BURSTS = 8
VOTERS = 10000
# Eight municipalities share the proposals evenly; a ninth, small one has one in 997.
MUNICIPALITIES = 9
NATIONAL_MUNICIPALITIES = 290
# Supports of proposal n (1-based): ``(n * 37) % 21``, 0 to 20, 10 on average (written out in
# the SQL of add_proposals), so 100,000 proposals hold about 1,000,000 supports and the sort by
# supports has many ties, as real lists do.
LAYOUT_TARGET = 3.0
WRITE_TARGET = 0.25


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{BASE_URL}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def setup_site() -> tuple[dict[str, int], list[str]]:
    """The region, its rules, voters and the clients' sessions; returns ids and session keys."""
    import django

    django.setup()
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from delaktig.accounts.models import User
    from delaktig.identity.models import Verification
    from delaktig.organisations.models import Municipality, Organisation
    from delaktig.proposals.models import Category, ProposalSettings

    call_command("migrate", verbosity=0)
    municipalities = [
        Municipality.objects.create(code=f"23{n:02d}", name=f"Kommun {n}")
        for n in range(MUNICIPALITIES)
    ]
    region = Organisation.objects.create(
        name="Region Bench", slug="bench", kind="region", scb_code="23"
    )
    region.municipalities.add(*municipalities)
    # The rest of a national installation's 290 municipalities, offered in the list's filter.
    Municipality.objects.bulk_create(
        Municipality(code=f"9{n:03d}", name=f"Annan kommun {n}")
        for n in range(NATIONAL_MUNICIPALITIES - MUNICIPALITIES)
    )
    ProposalSettings.objects.create(
        organisation=region, enabled=True, threshold_value=999999, support_period_days=90
    )
    category = Category.objects.create(organisation=region, name="Vård")
    author = User.objects.create_user(username="author", email="author@bench.se")
    now = timezone.now()
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO accounts_user (password, is_superuser, username, first_name, "
            "last_name, email, is_staff, is_active, date_joined, display_name) "
            "SELECT '!', false, 'voter' || n, '', '', 'voter' || n || '@bench.se', "
            "false, true, %s::timestamptz, '' FROM generate_series(1, %s::int) AS n",
            [now, VOTERS],
        )
        cur.execute("SELECT min(id) FROM accounts_user WHERE username LIKE 'voter%%'")
        first_voter = cur.fetchone()[0]
    sessions = []
    for n in range(CLIENTS + 1):
        user = User.objects.create_user(username=f"client{n}", email=f"client{n}@bench.se")
        Verification.objects.create(
            user=user,
            method="official",
            identity_hash=f"{n:064d}",
            municipality=municipalities[n % MUNICIPALITIES],
            verified_at=now,
        )
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    ids = {
        "region": region.pk,
        "author": author.pk,
        "first_voter": first_voter,
        "first_municipality": municipalities[0].pk,
        "category": category.pk,
    }
    return ids, sessions


def add_proposals(ids: dict[str, int], first: int, last: int) -> None:
    """Proposals ``first``..``last`` (1-based), their supports and their timeline, in SQL.

    A quarter each collecting, lodged, decided and withdrawn (not public); the newest first by
    ``published_at``; spread over the municipalities, some in a category.
    """
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO proposals_proposal (organisation_id, author_id, author_name, title, body,
              background, status, created, submitted_at, published_at, support_ends_at,
              support_threshold, support_count, rejection_reason, decision_proposal, outcome,
              minutes_reference, answer, unfinished_reason, decided_on, municipality_id,
              category_id, redacted_title, redacted_body, redacted_background)
            SELECT %s::bigint, %s::bigint, 'Bench', 'Förslag nummer ' || n,
              'Text för förslag ' || n || '. ' || repeat('Mer om vården i länet. ', 12), '',
              CASE n %% 4 WHEN 0 THEN 'decided' WHEN 1 THEN 'lodged' WHEN 2 THEN 'collecting'
                   ELSE 'withdrawn' END,
              %s::timestamptz, %s::timestamptz + (n || ' minutes')::interval,
              %s::timestamptz + (n || ' minutes')::interval,
              %s::timestamptz + ((n %% 90 + 1) || ' days')::interval, 1000000, (n * 37) %% 21,
              '', '',
              CASE WHEN n %% 4 = 0 THEN 'bifall' ELSE '' END, '', '', '',
              CASE WHEN n %% 4 = 0 THEN %s::date END,
              %s::bigint + CASE WHEN n %% 997 = 5 THEN %s::int ELSE (n / 4) %% %s::int END,
              CASE WHEN n %% 5 = 0 THEN %s::bigint END, '', '', ''
            FROM generate_series(%s::int, %s::int) AS n
            """,
            [
                ids["region"],
                ids["author"],
                now,
                now,
                now,
                now,
                now.date(),
                ids["first_municipality"],
                MUNICIPALITIES - 1,
                MUNICIPALITIES - 1,
                ids["category"],
                first,
                last,
            ],
        )
        cur.execute(
            "SELECT id FROM proposals_proposal WHERE title = %s", [f"Förslag nummer {first}"]
        )
        base = cur.fetchone()[0] - first  # proposal n has id base + n
        cur.execute(
            """
            INSERT INTO proposals_support (proposal_id, user_id, identity_hash, wants_updates,
              created)
            SELECT %s::bigint + n, %s::bigint + ((n * 7 + k) %% %s::int), md5(n || '-' || k),
              true, %s::timestamptz
            FROM generate_series(%s::int, %s::int) AS n, generate_series(0, 20) AS k
            WHERE k < (n * 37) %% 21
            """,
            [base, ids["first_voter"], VOTERS, now, first, last],
        )
        cur.execute(
            """
            INSERT INTO proposals_proposalevent (proposal_id, action, from_status, to_status,
              note, changes, created)
            SELECT %s::bigint + n, 'publish', 'submitted', 'collecting', '', '[]',
              %s::timestamptz
            FROM generate_series(%s::int, %s::int) AS n
            """,
            [base, now, first, last],
        )
    # As autovacuum leaves a table after a bulk load: statistics and visibility map made.
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")


def hot_proposals() -> list[int]:
    """The collecting proposals the clients support: few, so that many support one at once."""
    from delaktig.proposals.models import Proposal

    return list(
        Proposal.objects.filter(status="collecting")
        .order_by("pk")
        .values_list("pk", flat=True)[:WRITES_PER_CLIENT]
    )


def pages(ids: dict[str, int]) -> dict[str, tuple[str, bool]]:
    """The pages measured: name → (path, as a logged-in resident)."""
    from delaktig.proposals.models import Proposal

    collecting = Proposal.objects.filter(status="collecting").order_by("-pk").first()
    decided = Proposal.objects.filter(status="decided").order_by("-pk").first()
    assert collecting is not None and decided is not None
    small, large = ids["first_municipality"] + MUNICIPALITIES - 1, ids["first_municipality"]
    return {
        "list": ("/forslag/", False),
        "list sorted by supports": ("/forslag/?sort=supported", False),
        "list closing first": ("/forslag/?sort=closing", False),
        "list collecting, by supports": ("/forslag/?status=collecting&sort=supported", False),
        "list of a municipality": (f"/forslag/?municipality={large}", False),
        "list of a small municipality": (f"/forslag/?municipality={small}", False),
        "list of a category": (f"/forslag/?category={ids['category']}", False),
        "list, page 50": ("/forslag/?sida=50", False),
        "list, htmx results": ("/forslag/?sort=supported&hx=1", False),
        "proposal page": (f"/forslag/{collecting.pk}/", False),
        "decided proposal page": (f"/forslag/{decided.pk}/", False),
        "proposal page, resident": (f"/forslag/{collecting.pk}/", True),
    }


FLOORS = {
    "bare floor": ("/bench-floor/", False),
    "layout floor": ("/bench-layout-floor/", False),
    "layout floor, resident": ("/bench-layout-floor/", True),
}


def count_queries(
    targets: dict[str, tuple[str, bool]], session: str, support_pk: int
) -> dict[str, int]:
    """Queries per page, and per support and withdrawal, counted in-process."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    counts: dict[str, int] = {}
    with override_settings(ROOT_URLCONF="bench.urls"):
        anonymous = Client(HTTP_HOST="127.0.0.1")
        resident = Client(HTTP_HOST="127.0.0.1")
        resident.cookies[settings.SESSION_COOKIE_NAME] = session
        for name, (path, logged_in) in {**FLOORS, **targets}.items():
            client = resident if logged_in else anonymous
            headers = {"HX-Request": "true", "HX-Target": "results"} if "hx=1" in path else {}
            client.get(path, headers=headers)  # caches warm, as in the measured rounds
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.status_code)
            counts[name] = len(queries)
        for name, data in [("support write", {}), ("withdrawal", {"withdraw": "1"})]:
            with CaptureQueriesContext(connection) as queries:
                response = resident.post(
                    f"/forslag/{support_pk}/stod/", {"wants_updates": "on", **data}
                )
            assert response.status_code == 302, (name, response.status_code)
            counts[name] = len(queries)
    return counts


CSRF = "b" * 32


class Link:
    """A client's keep-alive connection, opened again when the server has closed it."""

    def __init__(self, timeout: float = 60) -> None:
        self.timeout = timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)

    def reopen(self) -> None:
        self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=self.timeout)


def request(
    link: Link,
    method: str,
    path: str,
    session: str | None = None,
    body: str = "wants_updates=on",
    headers: dict[str, str] | None = None,
) -> int:
    sent = {"Host": f"127.0.0.1:{PORT}", **(headers or {})}
    cookies = [f"csrftoken={CSRF}"]
    if session:
        cookies.append(f"sessionid={session}")
    sent["Cookie"] = "; ".join(cookies)
    data = None
    if method == "POST":
        sent["X-CSRFToken"] = CSRF
        sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent["Referer"] = f"http://127.0.0.1:{PORT}/"
        data = body
    try:
        link.conn.request(method, path, body=data, headers=sent)
        response = link.conn.getresponse()
        response.read()
    except (OSError, http.client.HTTPException):
        link.reopen()
        return 0  # no answer: a write's outcome is unknown, and it is not sent again
    return response.status


def run_clients(job: Callable[[int, Link], int]) -> tuple[float, int]:
    """Run CLIENTS threads; returns (seconds, successful requests)."""
    counts = [0] * CLIENTS
    barrier = threading.Barrier(CLIENTS + 1)

    def worker(index: int) -> None:
        link = Link()
        barrier.wait()
        counts[index] = job(index, link)
        link.conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, sum(counts)


def fresh(path: str, n: int) -> str:
    """The path with a query parameter of its own, which the views ignore."""
    return f"{path}{'&' if '?' in path else '?'}r={n}"


def latencies(targets: dict[str, tuple[str, bool]], session: str) -> dict[str, list[float]]:
    """Seconds per page and round; the pages take turns, so a busy moment of a shared machine
    falls on a page and its floor alike (see ``judged``)."""
    link = Link()
    samples: dict[str, list[float]] = {name: [] for name in targets}
    for n in range(ROUNDS + 2):
        for name, (path, logged_in) in targets.items():
            headers = {"HX-Request": "true", "HX-Target": "results"} if "hx=1" in path else {}
            start = time.perf_counter()
            status = request(
                link, "GET", fresh(path, n), session if logged_in else None, headers=headers
            )
            elapsed = time.perf_counter() - start
            assert status == 200, (path, status)
            if n >= 2:  # two rounds to warm every worker's caches
                samples[name].append(elapsed)
    link.conn.close()
    return samples


def judged(page: list[float], floor: list[float]) -> dict[str, float]:
    """A page against its floor: the median of the ratios of each round (the two measured a
    moment apart), their quartiles, and the ratio of the fastest of each."""
    ratios = sorted(p / f for p, f in zip(page, floor, strict=True))
    quartiles = statistics.quantiles(ratios, n=4)
    return {
        "median": statistics.median(ratios),
        "q1": quartiles[0],
        "q3": quartiles[2],
        "fastest": min(page) / min(floor),
    }


def start_server() -> subprocess.Popen[bytes]:
    from bench.servers import start_gunicorn

    server = start_gunicorn(PORT, DATABASE_CONN_MAX_AGE=CONN_MAX_AGE)
    link = Link(timeout=2)
    for _ in range(150):
        if request(link, "GET", "/bench-floor/") == 200:
            return server
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def write_rates(hot: list[int], sessions: list[str]) -> dict[str, Any]:
    """Floor, support and withdrawal throughput; what was accepted, per client and proposal.

    The writes run in ``BURSTS`` bursts, each right after a burst of floor requests, so that
    a busy moment of a shared machine falls on both alike; the ratio of each pair is kept to
    show the spread.
    """
    accepted: list[list[int]] = [[] for _ in range(CLIENTS)]
    withdrawn: list[list[int]] = [[] for _ in range(CLIENTS)]
    refused: Counter[str] = Counter()  # answers other than the redirect, by kind and status
    # Writes that got no answer (the connection closed): stored at most once, or not at all.
    unknown_supports: set[tuple[int, int]] = set()
    unknown_withdrawals: set[tuple[int, int]] = set()
    per_burst = max(1, WRITES_PER_CLIENT // BURSTS)
    floor_calls = 0

    def floor_job(index: int, link: Link) -> int:
        nonlocal floor_calls
        floor_calls += 1
        return sum(
            request(link, "GET", fresh("/bench-floor/", floor_calls * 100000 + index * 100 + n))
            == 200
            for n in range(per_burst)
        )

    def post_floor_job(index: int, link: Link) -> int:
        return sum(
            request(link, "POST", "/bench-post-floor/", sessions[index]) == 302
            for _ in range(per_burst)
        )

    def support_job(burst: int) -> Callable[[int, Link], int]:
        def job(index: int, link: Link) -> int:
            # Every client supports every hot proposal, each starting at its own: at any
            # moment the clients write to many proposals, and each proposal gets them all.
            ok = 0
            for n in range(burst * per_burst, (burst + 1) * per_burst):
                pk = hot[(index + n) % len(hot)]
                status = request(link, "POST", f"/forslag/{pk}/stod/", sessions[index])
                if status == 302:
                    accepted[index].append(pk)
                    ok += 1
                elif status == 0:
                    unknown_supports.add((pk, index))
                else:
                    refused[f"support {status}"] += 1
            return ok

        return job

    def withdraw_job(half: int) -> Callable[[int, Link], int]:
        def job(index: int, link: Link) -> int:
            ok = 0
            for pk in accepted[index][half::4]:  # every other support, in two bursts
                status = request(
                    link, "POST", f"/forslag/{pk}/stod/", sessions[index], "withdraw=1"
                )
                if status == 302:
                    withdrawn[index].append(pk)
                    ok += 1
                elif status == 0:
                    unknown_withdrawals.add((pk, index))
                else:
                    refused[f"withdrawal {status}"] += 1
            return ok

        return job

    def rate(measured: tuple[float, int]) -> float:
        seconds, ok = measured
        return ok / seconds

    run_clients(floor_job)  # every worker and connection warm
    rates: dict[str, list[float]] = {"floor": [], "post floor": [], "support": []}
    ratios: dict[str, list[float]] = {"post floor": [], "support": [], "withdrawal": []}
    for burst in range(BURSTS):
        floor = rate(run_clients(floor_job))
        rates["floor"].append(floor)
        for kind, job in (("post floor", post_floor_job), ("support", support_job(burst))):
            measured = rate(run_clients(job))
            rates[kind].append(measured)
            ratios[kind].append(measured / floor)
    withdrawals = []
    for half in (0, 2):
        floor = rate(run_clients(floor_job))
        withdrawals.append(rate(run_clients(withdraw_job(half))))
        ratios["withdrawal"].append(withdrawals[-1] / floor)
    return {
        "floor_per_s": statistics.median(rates["floor"]),
        "post_floor_per_s": statistics.median(rates["post floor"]),
        "supports_per_s": statistics.median(rates["support"]),
        "withdrawals_per_s": statistics.median(withdrawals),
        # Each burst's rate against the floor's just before it: the median is the figure.
        "ratios": {kind: statistics.median(values) for kind, values in ratios.items()},
        "burst_ratios": [round(r, 3) for r in ratios["support"]],
        "accepted": accepted,
        "withdrawn": withdrawn,
        "refused": dict(refused),
        "unknown_supports": unknown_supports,
        "unknown_withdrawals": unknown_withdrawals,
    }


def check_counts(hot: list[int], rates: dict[str, Any], base_rows: dict[int, int]) -> list[str]:
    """Every accepted write stored exactly once; every count equal to its rows."""
    from django.db import connection

    problems = []
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM proposals_proposal p LEFT JOIN (SELECT proposal_id, "
            "count(*) AS c FROM proposals_support GROUP BY proposal_id) s "
            "ON s.proposal_id = p.id WHERE p.support_count <> coalesce(s.c, 0)"
        )
        drifted = cur.fetchone()[0]
        if drifted:
            problems.append(f"{drifted} proposals whose support_count differs from their rows")
        cur.execute(
            "SELECT s.proposal_id, u.username FROM proposals_support s "
            "JOIN accounts_user u ON u.id = s.user_id WHERE u.username LIKE 'client%%'"
        )
        stored = {(pk, int(name.removeprefix("client"))) for pk, name in cur.fetchall()}
        cur.execute(
            "SELECT id, support_count FROM proposals_proposal WHERE id = ANY(%s)", [list(hot)]
        )
        counted = dict(cur.fetchall())
    unknown = rates["unknown_supports"] | rates["unknown_withdrawals"]
    certain = {
        (pk, index)
        for index in range(CLIENTS)
        for pk in set(rates["accepted"][index]) - set(rates["withdrawn"][index])
    } - unknown
    if not certain <= stored <= certain | unknown:
        problems.append(
            f"supports stored {len(stored)}: {len(certain - stored)} accepted ones missing, "
            f"{len(stored - certain - unknown)} not accepted or withdrawn ones present"
        )
    for pk in hot:
        want = base_rows[pk] + sum(1 for stored_pk, _index in stored if stored_pk == pk)
        if counted[pk] != want:
            problems.append(f"proposal {pk}: support_count {counted[pk]}, expected {want}")
    return problems


def verdict(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def main() -> None:
    import redis

    recreate_database()
    redis.Redis.from_url(REDIS_URL).flushdb()
    started = time.perf_counter()
    ids, sessions = setup_site()
    add_proposals(ids, 1, SMALL)
    targets = pages(ids)
    hot = hot_proposals()
    small_counts = count_queries(targets, sessions[CLIENTS], hot[-1])
    add_proposals(ids, SMALL + 1, PROPOSALS)
    targets = pages(ids)  # the newest proposals now, as the list shows them
    large_counts = count_queries(targets, sessions[CLIENTS], hot[-1])
    setup_seconds = time.perf_counter() - started
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM proposals_support")
        supports = cur.fetchone()[0]
        cur.execute(
            "SELECT id, support_count FROM proposals_proposal WHERE id = ANY(%s)", [list(hot)]
        )
        base_rows = dict(cur.fetchall())
    connection.close()

    server = start_server()
    try:
        rates = write_rates(hot, sessions)
        samples = latencies({**FLOORS, **targets}, sessions[CLIENTS])
    finally:
        server.terminate()
        server.wait(timeout=30)
    problems = check_counts(hot, rates, base_rows)
    if small_counts != large_counts:
        problems.append(f"query counts differ: {small_counts} at {SMALL}, {large_counts}")

    seconds = {name: statistics.median(values) for name, values in samples.items()}
    rows = []
    for name in targets:
        floor = "layout floor, resident" if targets[name][1] else "layout floor"
        layout = judged(samples[name], samples[floor])
        bare = judged(samples[name], samples["bare floor"])
        rows.append(
            {
                "page": name,
                "median_ms": round(seconds[name] * 1000, 2),
                "x_layout_floor": round(layout["median"], 2),
                "x_layout_floor_quartiles": [round(layout["q1"], 2), round(layout["q3"], 2)],
                "x_layout_floor_fastest": round(layout["fastest"], 2),
                "x_bare_floor": round(bare["median"], 2),
                "queries": [small_counts[name], large_counts[name]],
                "target": f"≤ {LAYOUT_TARGET}× layout floor",
                "result": verdict(layout["median"] <= LAYOUT_TARGET),
            }
        )
    support_ratio = rates["ratios"]["support"]
    attempted = CLIENTS * WRITES_PER_CLIENT
    accepted = sum(len(a) for a in rates["accepted"])
    withdrawn = sum(len(w) for w in rates["withdrawn"])
    report: dict[str, Any] = {
        "stack": "gunicorn 4 workers × 2 threads, PostgreSQL, Redis, 32 keep-alive clients",
        "conn_max_age": CONN_MAX_AGE,
        "data": {
            "proposals": PROPOSALS,
            "supports": supports,
            "query_counts_at": [SMALL, PROPOSALS],
            "setup_s": round(setup_seconds, 1),
        },
        "floors_ms": {name: round(seconds[name] * 1000, 2) for name in FLOORS},
        "pages": rows,
        "writes": {
            "floor_requests_per_s": round(rates["floor_per_s"]),
            "support_writes_per_s": round(rates["supports_per_s"]),
            "support_ratio_to_floor": round(support_ratio, 3),
            "support_ratio_per_burst": rates["burst_ratios"],
            # A logged-in post that changes nothing (/bench-post-floor/): what any write of a
            # resident costs on this stack before it does anything.
            "post_floor_per_s": round(rates["post_floor_per_s"]),
            "post_floor_ratio_to_floor": round(rates["ratios"]["post floor"], 3),
            "support_ratio_to_post_floor": round(
                rates["ratios"]["support"] / rates["ratios"]["post floor"], 3
            ),
            "support_target": f"≥ {WRITE_TARGET}",
            "support_result": verdict(support_ratio >= WRITE_TARGET),
            "withdrawals_per_s": round(rates["withdrawals_per_s"]),
            "withdrawal_ratio_to_floor": round(rates["ratios"]["withdrawal"], 3),
            "queries_per_support": [small_counts["support write"], large_counts["support write"]],
            "queries_per_withdrawal": [small_counts["withdrawal"], large_counts["withdrawal"]],
            "supports_attempted": attempted,
            "supports_accepted": accepted,
            "withdrawals_accepted": withdrawn,
            "refused": rates["refused"],
            "unanswered_writes": len(rates["unknown_supports"] | rates["unknown_withdrawals"]),
            "exactly_once": not problems,
        },
        "problems": problems,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "proposals.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(
        f"proposals: {PROPOSALS} proposals, {supports} supports; floors: bare "
        f"{report['floors_ms']['bare floor']} ms, layout {report['floors_ms']['layout floor']} ms"
        f" (resident {report['floors_ms']['layout floor, resident']} ms)"
    )
    print(
        f"{'page':32} {'ms':>7} {'×layout':>8} {'quartiles':>11} {'fastest':>8} {'×bare':>7} "
        f"{'queries':>9}  target (× layout: median of the rounds' ratios)"
    )
    for row in rows:
        queries = "{}/{}".format(*row["queries"])
        quartiles = "{}–{}".format(*row["x_layout_floor_quartiles"])
        print(
            f"{row['page']:32} {row['median_ms']:>7} {row['x_layout_floor']:>8} "
            f"{quartiles:>11} {row['x_layout_floor_fastest']:>8} {row['x_bare_floor']:>7} "
            f"{queries:>9}  {row['target']}: {row['result']}"
        )
    writes = report["writes"]
    print(
        f"support writes {writes['support_writes_per_s']}/s = {writes['support_ratio_to_floor']}"
        f"× the floor's {writes['floor_requests_per_s']}/s (median of bursts; bursts "
        f"{min(rates['burst_ratios'])}–{max(rates['burst_ratios'])}; target ≥ {WRITE_TARGET}: "
        f"{writes['support_result']}); withdrawals {writes['withdrawals_per_s']}/s = "
        f"{writes['withdrawal_ratio_to_floor']}×; queries per support/withdrawal "
        f"{small_counts['support write']}/{small_counts['withdrawal']}; a logged-in post "
        f"that changes nothing {writes['post_floor_per_s']}/s = "
        f"{writes['post_floor_ratio_to_floor']}× the floor (supports "
        f"{writes['support_ratio_to_post_floor']}× it)"
    )
    print(
        f"supports: {attempted} attempted, {accepted} accepted, {withdrawn} withdrawn, "
        f"refused {rates['refused'] or 'none'}, unanswered {writes['unanswered_writes']}; "
        f"query counts equal at {SMALL} and {PROPOSALS}: {small_counts == large_counts}; "
        f"exactly once: {not problems}"
    )
    assert not problems, problems


if __name__ == "__main__":
    main()
