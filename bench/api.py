"""The open-data API at 100,000 processes and 100,000 proposals, against a bare-view floor.

`GET /api/v1/processes/?limit=100` and `/api/v1/proposals/?limit=100` (the first page, and a
deep page continued with a cursor 90,000 rows in) are timed through Django's test client and
the full middleware stack, with a throw-away SQLite database (or PostgreSQL when DATABASE_URL
is set), rows made with bulk_create. The floor, measured in the same run through the same
stack: a plain view that reads the same 100 rows with ``.values()`` and returns a
JsonResponse. The ratio (median of BENCH_ROUNDS) says what the API costs on top of that. The
query counts at limit=10 and limit=100 must be equal: a page's cost does not grow with its
size. Run with `make bench`.
"""

import json
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "delaktig.config.test")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench_api.sqlite3"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.http import HttpRequest, JsonResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import path  # noqa: E402
from django.utils import timezone  # noqa: E402

from delaktig.config.urls import urlpatterns as project_urlpatterns  # noqa: E402
from delaktig.core.api import encode_cursor  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))
PROCESSES = int(os.environ.get("BENCH_API_PROCESSES", "100000"))
PROPOSALS = int(os.environ.get("BENCH_API_PROPOSALS", "100000"))
LIMIT = 100
DEEP = 0.9  # the deep page starts this far into the rows
CHUNK = 5000


def floor_processes(request: HttpRequest) -> JsonResponse:
    return _floor(request, "participation", "Process")


def floor_proposals(request: HttpRequest) -> JsonResponse:
    return _floor(request, "proposals", "Proposal")


def _floor(request: HttpRequest, app_label: str, model_name: str) -> JsonResponse:
    """The same 100 rows, read as plainly as Django can."""
    from django.apps import apps

    model = apps.get_model(app_label, model_name)
    after = int(request.GET.get("after", "0"))
    rows = list(model.objects.filter(pk__gt=after).order_by("pk").values()[:LIMIT])
    return JsonResponse({"items": rows}, json_dumps_params={"default": str})


urlpatterns = [
    path("bench-floor/processes/", floor_processes),
    path("bench-floor/proposals/", floor_proposals),
    *project_urlpatterns,
]


def populate() -> tuple[int, int]:
    """The rows; returns the pks the deep pages start after (processes, proposals)."""
    from delaktig.accounts.models import User
    from delaktig.organisations.models import Municipality, Organisation
    from delaktig.participation.models import Process
    from delaktig.proposals.models import Proposal, ProposalSettings

    municipality = Municipality.objects.create(code="2380", name="Östersund")
    region = Organisation.objects.create(
        name="Region Bench", slug="bench", kind="region", scb_code="23"
    )
    region.municipalities.add(municipality)
    ProposalSettings.objects.create(
        organisation=region, enabled=True, threshold_value=1000, support_period_days=90
    )
    author = User.objects.create_user(username="author", email="author@bench.invalid")
    now = timezone.now()
    statuses = ("open", "published", "closed", "feedback_published")
    for start in range(0, PROCESSES, CHUNK):
        Process.objects.bulk_create(
            Process(
                organisation=region,
                slug=f"process-{n}",
                title=f"Dialog nummer {n}",
                summary="Vi vill veta vad du tycker om kollektivtrafiken.",
                ladder_step=1 + n % 5,
                question="Vad tycker du?",
                purpose="Att få underlag.",
                input_use="Sammanställs till nämnden.",
                decision_maker="Regionstyrelsen",
                status=statuses[n % 4],
                published_at=now - timedelta(minutes=n),
            )
            for n in range(start, min(start + CHUNK, PROCESSES))
        )
    proposal_statuses = ("collecting", "lodged", "decided", "collecting")
    for start in range(0, PROPOSALS, CHUNK):
        Proposal.objects.bulk_create(
            Proposal(
                organisation=region,
                author=author,
                author_name="Bench Författare",
                title=f"Förslag nummer {n}",
                body=f"Text för förslag {n}.",
                status=proposal_statuses[n % 4],
                submitted_at=now - timedelta(minutes=n),
                published_at=now - timedelta(minutes=n),
                support_ends_at=now + timedelta(days=60),
                support_threshold=1000,
                support_count=n % 50,
                outcome="bifall" if n % 4 == 2 else "",
                decided_on=now.date() if n % 4 == 2 else None,
            )
            for n in range(start, min(start + CHUNK, PROPOSALS))
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    deep = (
        Process.objects.order_by("pk").values_list("pk", flat=True)[int(PROCESSES * DEEP)],
        Proposal.objects.order_by("pk").values_list("pk", flat=True)[int(PROPOSALS * DEEP)],
    )
    return deep


def timed(client: Client, url: str) -> tuple[float, int, int]:
    """Median seconds, queries of one request, and items on the page."""
    samples = []
    settings.DEBUG = True  # so that queries are counted
    items = 0
    for _ in range(ROUNDS):
        reset_queries()
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        items = len(response.json()["items"])
    queries = len(connection.queries)
    settings.DEBUG = False
    return statistics.median(samples), queries, items


def main() -> None:
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    deep_process, deep_proposal = populate()
    setup = time.perf_counter() - started
    client = Client()
    # The bench measures the request, not the rate limit.
    limits = {**settings.DELAKTIG_RATE_LIMITS, "api_read": (10**9, 60)}
    results: dict[str, dict[str, Any]] = {}
    with override_settings(ROOT_URLCONF=sys.modules[__name__], DELAKTIG_RATE_LIMITS=limits):
        client.get("/bench-floor/processes/")  # warm up imports and caches
        client.get(f"/api/v1/processes/?limit={LIMIT}")
        client.get(f"/api/v1/proposals/?limit={LIMIT}")
        for name, url, floor_url in [
            (
                "processes first page",
                f"/api/v1/processes/?limit={LIMIT}",
                "/bench-floor/processes/",
            ),
            (
                "processes deep page",
                f"/api/v1/processes/?limit={LIMIT}&cursor={encode_cursor(deep_process)}",
                f"/bench-floor/processes/?after={deep_process}",
            ),
            (
                "proposals first page",
                f"/api/v1/proposals/?limit={LIMIT}",
                "/bench-floor/proposals/",
            ),
            (
                "proposals deep page",
                f"/api/v1/proposals/?limit={LIMIT}&cursor={encode_cursor(deep_proposal)}",
                f"/bench-floor/proposals/?after={deep_proposal}",
            ),
        ]:
            floor, floor_queries, floor_items = timed(client, floor_url)
            seconds, queries, items = timed(client, url)
            results[name] = {
                "median_ms": round(seconds * 1000, 2),
                "floor_ms": round(floor * 1000, 2),
                "ratio_to_floor": round(seconds / floor, 1),
                "queries": queries,
                "floor_queries": floor_queries,
                "items": items,
            }
        counts = {}
        for resource in ("processes", "proposals"):
            _s, small, _i = timed(client, f"/api/v1/{resource}/?limit=10")
            _s, large, _i = timed(client, f"/api/v1/{resource}/?limit={LIMIT}")
            counts[resource] = {"limit_10": small, f"limit_{LIMIT}": large}
    report = {
        "database": connection.vendor,
        "rounds": ROUNDS,
        "processes": PROCESSES,
        "proposals": PROPOSALS,
        "setup_s": round(setup, 1),
        "pages": results,
        "queries_by_limit": counts,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "api.json").write_text(json.dumps(report, indent=2))
    print(
        f"open-data API, database: {connection.vendor}, {PROCESSES:,} processes, "
        f"{PROPOSALS:,} proposals, median of {ROUNDS}; floor: a bare view reading the same "
        f"{LIMIT} rows with .values()"
    )
    print(
        f"{'page (limit=100)':24} {'median ms':>10} {'floor ms':>9} {'× floor':>8}"
        f" {'queries':>8} {'items':>6}"
    )
    for name, row in results.items():
        print(
            f"{name:24} {row['median_ms']:>10} {row['floor_ms']:>9} {row['ratio_to_floor']:>8}"
            f" {row['queries']:>8} {row['items']:>6}"
        )
    for resource, row in counts.items():
        same = "equal" if row["limit_10"] == row[f"limit_{LIMIT}"] else "GROWS"
        print(
            f"queries {resource}: limit=10 {row['limit_10']}, limit={LIMIT} "
            f"{row[f'limit_{LIMIT}']} ({same})"
        )
    for resource, row in counts.items():
        assert row["limit_10"] == row[f"limit_{LIMIT}"], f"{resource}: queries grow with limit"


if __name__ == "__main__":
    main()
