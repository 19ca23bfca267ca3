"""Benchmarks: page cost as a ratio against a floor measured in the same run.

Run with `make bench`. Uses a throw-away SQLite database (or PostgreSQL when DATABASE_URL is
set), fills it with realistic volumes, and renders pages through Django's full middleware
stack in-process. The floor is a trivial view behind the same middleware, so the ratio says
what our pages cost on top of Django itself, independent of the machine's speed.
"""

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "delaktig.config.test")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "40"))


def timed(client: Client, url: str) -> tuple[float, int]:
    samples = []
    settings.DEBUG = True  # so that queries are counted
    for _ in range(ROUNDS):
        reset_queries()
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    queries = len(connection.queries)
    settings.DEBUG = False
    return statistics.median(samples), queries


def populate(processes: int, comments: int) -> str:
    from tests.factories import (
        CommentFactory,
        MunicipalityFactory,
        OrganisationFactory,
        ProcessFactory,
        UserFactory,
        open_discussion,
    )

    organisation = OrganisationFactory()
    municipality = MunicipalityFactory()
    for n in range(processes):
        ProcessFactory(title=f"Process {n}", organisation=organisation).municipalities.add(
            municipality
        )
    module = open_discussion(organisation=organisation)
    authors = [UserFactory() for _ in range(20)]
    for n in range(comments // 2):
        parent = CommentFactory(module=module, author=authors[n % 20])
        CommentFactory(module=module, author=authors[(n + 7) % 20], parent=parent)
    return module.process.get_absolute_url()


def main() -> None:
    call_command("migrate", verbosity=0)
    process_url = populate(
        processes=int(os.environ.get("BENCH_PROCESSES", "300")),
        comments=int(os.environ.get("BENCH_COMMENTS", "600")),
    )
    client = Client()
    with override_settings(ROOT_URLCONF="bench.urls"):
        client.get("/bench-floor/")  # warm up imports and caches
        floor, _ = timed(client, "/bench-floor/")
        results = {}
        for name, url in [
            ("home", "/"),
            ("process_list", "/processer/"),
            ("process_page_600_comments", process_url),
        ]:
            seconds, queries = timed(client, url)
            results[name] = {
                "median_ms": round(seconds * 1000, 2),
                "ratio_to_floor": round(seconds / floor, 1),
                "queries": queries,
            }
    report = {
        "database": connection.vendor,
        "rounds": ROUNDS,
        "floor_median_ms": round(floor * 1000, 3),
        "pages": results,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "pages.json").write_text(json.dumps(report, indent=2))
    print(
        f"database: {connection.vendor}, floor (bare view, same stack): "
        f"{report['floor_median_ms']} ms"
    )
    print(f"{'page':32} {'median ms':>10} {'× floor':>8} {'queries':>8}")
    for name, row in results.items():
        print(f"{name:32} {row['median_ms']:>10} {row['ratio_to_floor']:>8} {row['queries']:>8}")


if __name__ == "__main__":
    main()
