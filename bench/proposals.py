"""Proposal benchmarks through the real HTTP stack: gunicorn, PostgreSQL, many clients.

1. Support writes per second with 32 concurrent clients, each a verified resident with a
   session, each support a real POST through CSRF, sessions, the view and the locked write.
2. The public proposal list with 100,000 proposals and 1,000,000 supports.

Both are reported as ratios against a bare Django view (`/bench-floor/`) served by the same
gunicorn in the same run, with the same clients. Run with `make bench`.
"""

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
BASE_URL = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "delaktig_bench"
os.environ["DATABASE_URL"] = f"{BASE_URL}/{DB_NAME}"
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
CLIENTS = 32
PROPOSALS = int(os.environ.get("BENCH_PROPOSALS", "100000"))
SUPPORTS = int(os.environ.get("BENCH_SUPPORTS", "1000000"))
WRITES_PER_CLIENT = int(os.environ.get("BENCH_WRITES", "40"))


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{BASE_URL}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def populate() -> tuple[list[int], list[str]]:
    """Bulk data with SQL; returns open proposal ids and session keys of verified people."""
    import django

    django.setup()
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from delaktig.accounts.models import User
    from delaktig.identity.models import Verification
    from delaktig.organisations.models import Municipality, Organisation
    from delaktig.proposals.models import Proposal, ProposalSettings

    call_command("migrate", verbosity=0)
    municipality = Municipality.objects.create(code="2380", name="Östersund")
    region = Organisation.objects.create(
        name="Region Bench", slug="bench", kind="region", scb_code="23"
    )
    region.municipalities.add(municipality)
    ProposalSettings.objects.create(
        organisation=region, enabled=True, threshold_value=999999, support_period_days=90
    )
    author = User.objects.create_user(username="author", email="author@bench.se")
    now = timezone.now()
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO proposals_proposal (organisation_id, author_id, author_name, title, body,
              background, status, created, submitted_at, published_at, support_ends_at,
              support_threshold, support_count, rejection_reason, decision_proposal, outcome,
              minutes_reference, answer, unfinished_reason, decided_on)
            SELECT %s, %s, 'Bench', 'Förslag nummer ' || n, 'Text för förslag ' || n, '',
              CASE WHEN n %% 4 = 0 THEN 'decided' WHEN n %% 4 = 1 THEN 'lodged'
                   ELSE 'collecting' END,
              %s, %s - (n || ' minutes')::interval, %s - (n || ' minutes')::interval,
              %s + interval '60 days', 1000000, 10, '', '',
              CASE WHEN n %% 4 = 0 THEN 'bifall' ELSE '' END, '', '', '',
              CASE WHEN n %% 4 = 0 THEN %s::date END
            FROM generate_series(1, %s) AS n
            """,
            [region.pk, author.pk, now, now, now, now, now.date(), PROPOSALS],
        )
        cur.execute(
            "INSERT INTO accounts_user (password, is_superuser, username, first_name, "
            "last_name, email, is_staff, is_active, date_joined, display_name) "
            "SELECT '!', false, 'voter' || n, '', '', 'voter' || n || '@bench.se', "
            "false, true, %s, '' FROM generate_series(1, 10000) AS n",
            [now],
        )
        cur.execute("SELECT min(id) FROM accounts_user WHERE username LIKE 'voter%%'")
        first_voter = cur.fetchone()[0]
        cur.execute("SELECT min(id) FROM proposals_proposal")
        first_proposal = cur.fetchone()[0]
        per_proposal = max(1, SUPPORTS // PROPOSALS)
        cur.execute(
            """
            INSERT INTO proposals_support (proposal_id, user_id, identity_hash, wants_updates,
              created)
            SELECT %s + p, %s + ((p * 7 + k) %% 10000), md5(p || '-' || k), true, %s
            FROM generate_series(0, %s - 1) AS p, generate_series(0, %s - 1) AS k
            """,
            [first_proposal, first_voter, now, PROPOSALS, per_proposal],
        )
        cur.execute("ANALYZE")
    people = []
    for n in range(CLIENTS):
        user = User.objects.create_user(username=f"client{n}", email=f"client{n}@bench.se")
        Verification.objects.create(
            user=user,
            method="official",
            identity_hash=f"{n:064d}",
            municipality=municipality,
            verified_at=now,
        )
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        people.append(session.session_key)
    open_ids = list(
        Proposal.objects.filter(status="collecting")
        .order_by("pk")
        .values_list("pk", flat=True)[: CLIENTS * WRITES_PER_CLIENT]
    )
    return open_ids, people


CSRF = "b" * 32


def request(
    conn: http.client.HTTPConnection, method: str, path: str, session: str | None = None
) -> int:
    headers = {"Host": f"127.0.0.1:{PORT}"}
    cookies = [f"csrftoken={CSRF}"]
    if session:
        cookies.append(f"sessionid={session}")
    headers["Cookie"] = "; ".join(cookies)
    body = None
    if method == "POST":
        headers["X-CSRFToken"] = CSRF
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://127.0.0.1:{PORT}/"
        body = "wants_updates=on"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status


def run_clients(job: Callable[[int, http.client.HTTPConnection], int]) -> tuple[float, int]:
    """Run CLIENTS threads; returns (seconds, successful requests)."""
    counts = [0] * CLIENTS
    barrier = threading.Barrier(CLIENTS + 1)

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        barrier.wait()
        counts[index] = job(index, conn)
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, sum(counts)


def latency(path: str, rounds: int = 25) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        status = request(conn, "GET", path)
        samples.append(time.perf_counter() - start)
        assert status == 200, (path, status)
    conn.close()
    return statistics.median(samples)


def main() -> None:
    recreate_database()
    started = time.perf_counter()
    open_ids, sessions = populate()
    setup_seconds = time.perf_counter() - started
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "4",
            "--threads",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"},
    )
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                if request(conn, "GET", "/bench-floor/") == 200:
                    break
            except OSError:
                time.sleep(0.2)
        total = CLIENTS * WRITES_PER_CLIENT

        def floor_job(index: int, conn: http.client.HTTPConnection) -> int:
            return sum(
                request(conn, "GET", "/bench-floor/") == 200 for _ in range(WRITES_PER_CLIENT)
            )

        def support_job(index: int, conn: http.client.HTTPConnection) -> int:
            ok = 0
            for n in range(WRITES_PER_CLIENT):
                pk = open_ids[(index * WRITES_PER_CLIENT + n) % len(open_ids)]
                ok += request(conn, "POST", f"/forslag/{pk}/stod/", sessions[index]) == 302
            return ok

        floor_seconds, floor_ok = run_clients(floor_job)
        support_seconds, support_ok = run_clients(support_job)
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute(
                "SELECT count(*) FROM proposals_support WHERE user_id IN "
                "(SELECT id FROM accounts_user WHERE username LIKE 'client%%')"
            )
            stored = cur.fetchone()[0]
        floor_latency = latency("/bench-floor/")
        list_latency = latency("/forslag/")
        sorted_latency = latency("/forslag/?sort=supported")
        search_latency = latency("/forslag/?q=nummer+99999")
    finally:
        server.terminate()
        server.wait(timeout=30)
    floor_rate = floor_ok / floor_seconds
    support_rate = support_ok / support_seconds
    report = {
        "stack": "gunicorn 4 workers × 2 threads, PostgreSQL, 32 keep-alive clients",
        "data": {
            "proposals": PROPOSALS,
            "supports": SUPPORTS + stored,
            "setup_s": round(setup_seconds, 1),
        },
        "floor_requests_per_s": round(floor_rate),
        "support_writes_per_s": round(support_rate),
        "support_ratio_to_floor": round(support_rate / floor_rate, 3),
        "supports_attempted": total,
        "supports_accepted": support_ok,
        "supports_stored": stored,
        "floor_latency_ms": round(floor_latency * 1000, 2),
        "list_latency_ms": round(list_latency * 1000, 2),
        "list_ratio_to_floor": round(list_latency / floor_latency, 1),
        "list_sorted_by_supports_ms": round(sorted_latency * 1000, 2),
        "list_search_ms": round(search_latency * 1000, 2),
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "proposals.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    assert stored == support_ok == total, "every accepted support is stored exactly once"


if __name__ == "__main__":
    main()
