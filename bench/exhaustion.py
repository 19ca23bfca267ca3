"""Exhaustion: a burst of annual-report PDFs, and import files built to exhaust a worker.

1. Report burst. The demo region in a throw-away SQLite database; N clients (threads against
   the in-process WSGI app, django.test.Client) ask for the democracy strategy's annual-report
   PDF at once while one more client keeps loading the home page. Printed: how many times the
   PDF was rendered, and the home page's median and 95th percentile during the burst as a ratio
   to the same page measured with no burst in the same run. With the report cache off
   (DELAKTIG_REPORT_FILE_CACHE=False, as before issue 14), on and cold, on and warm; and, for
   reference, the same burst on the report's web page, which renders no PDF. Threads
   share one interpreter, so a render slows the home page as it would slow the other requests
   on a busy machine.
2. Import bombs. Each file is parsed in a subprocess of its own (the input is built before
   measuring): wall time, tracemalloc peak and growth of the peak RSS during the parse, as ratios
   to an ordinary file of about the same packed size. The XLSX bomb is the review's: about
   2 MB that unpacks to 2 GB of shared strings. For scale, openpyxl alone on a smaller bomb
   (64 MB unpacked) shows what the check saves.

Run with `.venv/bin/python bench/exhaustion.py`. Benches report, tests assert: the exit code is
0 whatever the figures. Environment: BENCH_REPORT_CLIENTS (16), BENCH_REPORT_REQUESTS (2 per
client).
"""

import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

CLIENTS = int(os.environ.get("BENCH_REPORT_CLIENTS", "16"))
REQUESTS = int(os.environ.get("BENCH_REPORT_REQUESTS", "2"))
QUIET_ROUNDS = 40
# (label, what is asked for, cache on, cache cleared first)
BURSTS = (
    ("PDF, cache off (before)", "pdf", False, True),
    ("PDF, cache on, cold", "pdf", True, True),
    ("PDF, cache on, warm", "pdf", True, False),
    ("report web page (ref.)", "page", True, False),
)
MB = 1024 * 1024


# --- 1. Report burst ---------------------------------------------------------------------------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "delaktig.config.test")
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/exhaustion.sqlite3"
    import logging

    import django

    django.setup()
    # The demo's tasks and WeasyPrint's font warnings are not what is measured.
    logging.disable(logging.WARNING)


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _home_latencies(stop: threading.Event | None, rounds: int = QUIET_ROUNDS) -> list[float]:
    from django.test import Client

    client = Client()
    samples: list[float] = []
    while (stop is None and len(samples) < rounds) or (stop is not None and not stop.is_set()):
        start = time.perf_counter()
        response = client.get("/")
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return samples


def _burst(url: str, *, cold: bool) -> dict[str, Any]:
    """CLIENTS clients asking for ``url`` REQUESTS times each, the home page meanwhile."""
    from django.core.cache import cache
    from django.db import connections
    from django.test import Client

    from delaktig.followup.reports import views as report_views

    if cold:
        cache.clear()
    renders = 0
    real = report_views.render_pdf
    guard = threading.Lock()

    def counted(report: Any) -> bytes:
        nonlocal renders
        with guard:
            renders += 1
        return real(report)

    report_views.render_pdf = counted
    statuses: list[int] = []
    ready = threading.Barrier(CLIENTS + 1)

    def ask() -> None:
        client = Client()
        ready.wait()
        for _ in range(REQUESTS):
            statuses.append(client.get(url).status_code)
        connections.close_all()

    stop = threading.Event()
    home: list[float] = []

    def probe() -> None:
        home.extend(_home_latencies(stop))
        connections.close_all()

    try:
        askers = [threading.Thread(target=ask) for _ in range(CLIENTS)]
        for thread in askers:
            thread.start()
        prober = threading.Thread(target=probe)
        start = time.perf_counter()
        ready.wait()
        prober.start()
        for thread in askers:
            thread.join()
        seconds = time.perf_counter() - start
        stop.set()
        prober.join()
    finally:
        report_views.render_pdf = real
    return {
        "renders": renders,
        "requests": len(statuses),
        "statuses": sorted(set(statuses)),
        "burst_seconds": round(seconds, 2),
        "home_median_ms": round(statistics.median(home) * 1000, 1),
        "home_p95_ms": round(_percentile(home, 0.95) * 1000, 1),
        "home_samples": len(home),
    }


def report_burst() -> dict[str, Any]:
    _django()
    from django.core.management import call_command
    from django.test.utils import override_settings
    from django.urls import reverse

    from delaktig.followup.demo import DEMOCRACY_SLUG
    from delaktig.followup.models import Strategy
    from delaktig.followup.views import report_years

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    strategy = Strategy.objects.get(slug=DEMOCRACY_SLUG)
    years = report_years(strategy)  # newest first: last year is the latest whole one
    year = years[1] if len(years) > 1 else years[0]
    url = reverse("followup:report_pdf", args=[strategy.slug, year])
    page = reverse("followup:report", args=[strategy.slug, year])

    from django.test import Client

    warm = Client()
    warm.get("/")
    assert warm.get(url).status_code == 200  # imports, fonts
    quiet = _home_latencies(None)
    quiet_median, quiet_p95 = statistics.median(quiet), _percentile(quiet, 0.95)
    results = {"quiet": {"home_median_ms": round(quiet_median * 1000, 1)}}
    results["quiet"]["home_p95_ms"] = round(quiet_p95 * 1000, 1)
    for name, kind, enabled, cold in BURSTS:
        with override_settings(DELAKTIG_REPORT_FILE_CACHE=enabled):
            row = _burst(url if kind == "pdf" else page, cold=cold)
        row["median_ratio"] = round(row["home_median_ms"] / (quiet_median * 1000), 1)
        row["p95_ratio"] = round(row["home_p95_ms"] / (quiet_p95 * 1000), 1)
        results[name] = row
    return {"url": url, "clients": CLIENTS, "requests_each": REQUESTS, **results}


# --- 2. Import bombs ---------------------------------------------------------------------------


def _stream_bomb(unpacked: int) -> bytes:
    """A workbook whose sharedStrings.xml unpacks to ``unpacked`` bytes, built without ever
    holding them: deflate a megabyte of "a" over and over, then write the stream as the
    member's packed bytes (stored first, then the headers patched to say deflate)."""
    from tests import zip_bombs

    head, tail = zip_bombs.SHARED_STRINGS_HEAD, zip_bombs.SHARED_STRINGS_TAIL
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b"a" * MB
    parts = [packer.compress(head)]
    crc = zlib.crc32(head)
    written = len(head)
    while written + len(chunk) + len(tail) <= unpacked:
        parts.append(packer.compress(chunk))
        crc = zlib.crc32(chunk, crc)
        written += len(chunk)
    parts.append(packer.compress(tail) + packer.flush())
    crc = zlib.crc32(tail, crc)
    written += len(tail)
    stream = b"".join(parts)
    entries = zip_bombs.workbook_entries()
    entries["xl/sharedStrings.xml"] = stream
    data = zip_bombs.zip_of(entries, method=zipfile.ZIP_STORED)
    return zip_bombs.patch_member(
        data,
        "xl/sharedStrings.xml",
        method=zipfile.ZIP_DEFLATED,
        crc=crc,
        sizes=(len(stream), written),
    )


def _indicator_workbook(target: int) -> bytes:
    """An ordinary indicator file (year, value, municipality, note) of about ``target`` bytes."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet: Any = book.active
    sheet.append(["År", "Värde", "Kommun", "Kön", "Kommentar"])
    rows = 0
    batch = 5_000
    while True:
        for n in range(rows, rows + batch):
            year, municipality = 1990 + n // 9000, 1000 + n % 9000
            sheet.append([year, n * 1.5, str(municipality), "T", f"Anteckning {n}"])
        rows += batch
        buffer = io.BytesIO()
        book.save(buffer)
        if buffer.tell() >= target or rows >= 90_000:
            return buffer.getvalue()


def _plan_csv(target: int) -> bytes:
    """An ordinary plan CSV (2,000 activities, long descriptions) of about ``target`` bytes."""
    rows = 2_000
    description = "x" * max(10, target // rows - 40)
    lines = ["Område;Aktivitet;Beskrivning;Status"]
    lines += [f"Område {n % 6};Aktivitet {n};{description};pågår" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


CASES = (
    "xlsx_normal",
    "xlsx_bomb_2GB",
    "xlsx_bomb_64MB_checked",
    "xlsx_bomb_64MB_unchecked",
    "csv_normal",
    "csv_200k_columns",
)


def _input(case: str) -> bytes:
    """The file of ``case``, built in the parent so the child's memory starts small."""
    from tests import zip_bombs

    if case == "xlsx_normal":
        return _indicator_workbook(2 * MB)
    if case == "xlsx_bomb_2GB":
        return _stream_bomb(2048 * MB)
    if case.startswith("xlsx_bomb_64MB"):
        return _stream_bomb(64 * MB)
    if case == "csv_200k_columns":
        return zip_bombs.wide_csv(200_000)
    if case == "csv_normal":
        return _plan_csv(len(zip_bombs.wide_csv(200_000)))
    raise SystemExit(f"unknown case {case}")


def _parser(case: str) -> Callable[[bytes], str]:
    from delaktig.followup.imports import indicatorfile, planfile

    def plan(data: bytes) -> str:
        try:
            return f"read {len(planfile.read_plan(data, 'plan').rows)} rows"
        except planfile.PlanFileError as error:
            return f"refused: {error.code} {error.params}"

    def indicators(data: bytes) -> str:
        try:
            parsed = indicatorfile.read_indicator_values(data, "values.xlsx")
            return f"read {len(parsed.rows)} rows"
        except indicatorfile.IndicatorFileError as error:
            return f"refused: {error.code} {error.params}"

    def unchecked(data: bytes) -> str:
        """openpyxl as the parsers called it before the check (read-only mode)."""
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = sum(1 for _ in book.worksheets[0].iter_rows())
        book.close()
        return f"openpyxl read {rows} rows"

    if case == "xlsx_normal":
        return indicators
    if case.endswith("_unchecked"):
        return unchecked
    return plan


def _peak_rss_kb() -> int:
    """The process's peak resident set in kB: VmHWM on Linux, which starts afresh at exec
    (ru_maxrss keeps the parent's peak across fork and exec, the bench's own 500 MB)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure(case: str, path: str) -> None:
    """In a subprocess: parse the file twice, timed and then under tracemalloc (which slows
    Python down several times, so it does not time). The peak RSS growth is over the first."""
    parse = _parser(case)
    # Imports (openpyxl, the Agenda 2030 targets) are not what is measured.
    import openpyxl  # noqa: F401
    from tests import zip_bombs

    from delaktig.followup.imports import planfile

    planfile.read_plan(zip_bombs.plan_workbook(), "plan.xlsx")
    planfile.read_plan("Område;Aktivitet\nA;B\n".encode(), "plan.csv")
    data = Path(path).read_bytes()
    before = _peak_rss_kb()
    start = time.perf_counter()
    outcome = parse(data)
    seconds = time.perf_counter() - start
    after = _peak_rss_kb()
    tracemalloc.start()
    parse(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "packed_bytes": len(data),
                "seconds": seconds,
                "peak_mb": peak / MB,
                "rss_growth_mb": (after - before) / 1024,
                "outcome": outcome,
            }
        )
    )


def _run(case: str, folder: Path) -> dict[str, Any]:
    path = folder / case
    path.write_bytes(_input(case))
    result = subprocess.run(
        [sys.executable, __file__, "--measure", case, str(path)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"},
    )
    path.unlink()
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1:]}
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def import_bombs() -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="delaktig-exhaustion-"))
    results = {case: _run(case, folder) for case in CASES}
    folder.rmdir()
    return results


def _ratio(value: float, floor: float) -> str:
    return f"{value / floor:.2f}" if floor > 0 else "–"


def main() -> None:
    burst = report_burst()
    print(f"Report burst: {burst['clients']} clients × {burst['requests_each']} requests")
    print(f"  {burst['url']}")
    quiet = burst["quiet"]
    print(
        f"  home page, no burst: median {quiet['home_median_ms']} ms, "
        f"p95 {quiet['home_p95_ms']} ms (the floor)"
    )
    print(
        f"  {'':24} {'renders':>7} {'burst s':>8} {'home p50 ×':>11} {'home p95 ×':>11}"
        f" {'statuses':>10}"
    )
    for name, *_how in BURSTS:
        row = burst[name]
        print(
            f"  {name:24} {row['renders']:>7} {row['burst_seconds']:>8} "
            f"{row['median_ratio']:>11} {row['p95_ratio']:>11} {str(row['statuses']):>10}"
        )

    bombs = import_bombs()
    print("\nImport files (each parsed once in its own process)")
    print(
        f"  {'file':26} {'packed MB':>9} {'seconds':>8} {'peak MB':>8} {'rss+ MB':>8}"
        f" {'× time':>7} {'× peak':>7}  outcome"
    )
    floors = {"xlsx": bombs.get("xlsx_normal", {}), "csv": bombs.get("csv_normal", {})}
    for case, row in bombs.items():
        if "error" in row:
            print(f"  {case:26} failed: {row['error']}")
            continue
        floor = floors[case.split("_")[0]]
        print(
            f"  {case:26} {row['packed_bytes'] / MB:>9.2f} {row['seconds']:>8.3f} "
            f"{row['peak_mb']:>8.1f} {row['rss_growth_mb']:>8.1f} "
            f"{_ratio(row['seconds'], floor.get('seconds', 0)):>7} "
            f"{_ratio(row['peak_mb'], floor.get('peak_mb', 0)):>7}  {row['outcome']}"
        )
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "exhaustion.json").write_text(
        json.dumps({"report_burst": burst, "imports": bombs}, indent=2)
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        measure(sys.argv[2], sys.argv[3])
    else:
        main()
