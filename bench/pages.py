"""The public pages at 100,000 items per kind, and the anonymous page cache, through gunicorn.

The demo region is loaded (``migrate`` and ``load_demo``), then each kind is multiplied with
SQL (``INSERT … SELECT`` over ``generate_series``, copying a demo row) to 1,000 and then to
100,000 items:

- lists hold every item of their kind: processes, meetings, councils, folkinitiativ, impact
  assessments, strategies (a national installation's 311 organisations are there too);
- the items a resident adds are put on the one page that shows them: comments on one
  process's discussion, comments on one consultation, ideas in one participatory budget,
  answers to one survey, signatures of one folkinitiativ;
- what an organisation writes itself is spread the way it grows: information pages over the
  organisations, action-plan activities over plans (the measured plan has 200).

At each size every page's queries are counted in-process (Django's test client, the page
cache off); the counts must be equal at both sizes (asserted). Then gunicorn serves the large
database and each page's median latency is compared with the *layout floor* (an empty page
through base.html and the same middleware, target 3×) and the bare floor, their requests taken
in turn so that the three share the machine's moments (``latencies``). The requests carry a
cookie the page cache does not know, so that they measure the page, not the cache (a cookie
it does not know makes the cache step aside, as a session does). Last, 32 keep-alive clients
without cookies read cached pages and the bare floor: requests per second, target 0.25.

Run with ``make bench``; ``BENCH_PAGES_REUSE=1`` reuses the demo database of an earlier run.
"""

import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
BASE_URL = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "delaktig_bench_pages"
DEMO_DB = "delaktig_bench_pages_demo"
REDIS_URL = os.environ.get("BENCH_PAGES_REDIS", "redis://127.0.0.1:6379/13")
os.environ["DATABASE_URL"] = f"{BASE_URL}/{DB_NAME}"
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
# In this process the page cache is off: it counts what each page itself asks the database.
os.environ["DELAKTIG_PAGE_CACHE_SECONDS"] = "0"
PORT = int(os.environ.get("BENCH_PAGES_PORT", "9400"))
SMALL = int(os.environ.get("BENCH_PAGES_SMALL", "1000"))
LARGE = int(os.environ.get("BENCH_PAGES_ITEMS", "100000"))
ORGANISATIONS = 311  # 21 regions and 290 municipalities
PLAN_ACTIVITIES = 200
ROUNDS = int(os.environ.get("BENCH_PAGES_ROUNDS", "21"))
CLIENTS = 32
REQUESTS_PER_CLIENT = int(os.environ.get("BENCH_PAGES_REQUESTS", "60"))
LAYOUT_TARGET = 3.0
SLOW = 5.0
THROUGHPUT_TARGET = 0.25
# A cookie the page cache does not know: it serves and stores nothing for such a request.
UNCACHED = "bench=uncached"


# --- The databases ------------------------------------------------------------------------


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{BASE_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{BASE_URL}/postgres", autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def recreate_database() -> float:
    """The bench database as a copy of the demo database (made first unless reused)."""
    started = time.perf_counter()
    if os.environ.get("BENCH_PAGES_REUSE") != "1" or not _exists(DEMO_DB):
        _admin(f"DROP DATABASE IF EXISTS {DEMO_DB} WITH (FORCE)")
        _admin(f"CREATE DATABASE {DEMO_DB}")
        env = {
            **os.environ,
            "DATABASE_URL": f"{BASE_URL}/{DEMO_DB}",
            "DJANGO_SETTINGS_MODULE": "delaktig.config.settings",
            "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
        }
        for command in (["migrate", "--noinput", "-v0"], ["load_demo"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
    _admin(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    _admin(f"CREATE DATABASE {DB_NAME} TEMPLATE {DEMO_DB}")
    # A reused demo database may predate a migration.
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"},
        check=True,
    )
    return time.perf_counter() - started


def clone(table: str, source: int, first: int, last: int, **columns: str) -> None:
    """Copies of row ``source`` numbered ``first``..``last``: ``columns`` replace a column's
    value by an SQL expression in which ``g.i`` is the copy's number."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND column_name <> 'id' ORDER BY ordinal_position",
            [table],
        )
        names = [row[0] for row in cur.fetchall()]
        unknown = set(columns) - set(names)
        assert not unknown, (table, unknown)
        targets = ", ".join(f'"{name}"' for name in names)
        values = ", ".join(columns.get(name, f't."{name}"') for name in names).replace("%", "%%")
        cur.execute(
            f'INSERT INTO "{table}" ({targets}) SELECT {values} '  # noqa: S608
            f'FROM "{table}" t, generate_series(%s::int, %s::int) AS g(i) WHERE t.id = %s',
            [first, last, source],
        )


@dataclass
class Demo:
    """The demo rows that are copied, and the pages measured."""

    region: int
    process: int
    process_slug: str
    comment: int
    meeting: int
    council: int
    council_slug: str
    initiative: int
    signature: int
    assessment: int
    consultation: int
    consultation_module: int
    consultation_comment: int
    paragraph_key: int
    survey_module: int
    response: int
    budget_module: int
    results_module: int
    project: int
    opinion_module: int
    strategy: int
    strategy_slug: str
    plan: int
    plan_slug: str
    area: int
    activity: int
    page: int
    page_path: str
    organisation: int


def demo_rows() -> Demo:
    """The demo's rows, and the few a bench needs that the demo has none of."""
    from django.utils import timezone

    from delaktig.accounts.models import User
    from delaktig.assessments.models import ImpactAssessment
    from delaktig.budgeting.models import Budget, Project
    from delaktig.consultations.models import Comment as ConsultationComment
    from delaktig.consultations.models import Consultation
    from delaktig.councils.models import Council
    from delaktig.discussions.models import Comment
    from delaktig.followup.models import ActionPlan, Activity
    from delaktig.initiatives.counting import Count
    from delaktig.initiatives.models import Initiative, Signature, SignatureList
    from delaktig.meetings.models import Meeting
    from delaktig.organisations.models import Organisation
    from delaktig.pages.models import Page
    from delaktig.participation.models import Phase, Process, ProcessModule
    from delaktig.surveys.models import Response, Survey

    region = Organisation.objects.get(kind="region")
    official, second = User.objects.filter(roles__kind="official").distinct()[:2]
    today = timezone.localdate()
    initiative = Initiative.objects.create(
        organisation=region,
        title="Folkomröstning om vårdcentralen i Hede",
        question="Ska vårdcentralen i Hede vara kvar?",
        initiators="Hedebor för vården",
        submitted_on=today,
        entitled_voters=250_000,
        created_by=official,
        counted=Count(0, 0, 0, 0, 0, 0).stored(),
    )
    signatures = SignatureList.objects.create(
        initiative=initiative, kind="paper", label="Lista 1", received_on=today
    )
    signature = Signature.objects.create(
        signature_list=signatures, signed_on=today, identity_hash="0" * 64, valid=True
    )
    assessment = ImpactAssessment.objects.create(
        organisation=region,
        kind="child",
        title="Barnkonsekvensanalys av nya öppettider",
        decision_summary="Nämnden beslutar om nya öppettider för fritidsgårdarna.",
        template_version=1,
        answers={},
        status="signed_off",
        published=True,
        signed_off_at=timezone.now(),
        prepared_by=official,
        signed_off_by=second,
        last_edited_by=official,
    )
    process = Process.objects.get(slug="digital-dialog-om-jamlik-vard")
    comment = Comment.objects.filter(module__process=process, parent=None).first()
    assert comment is not None
    consultation = Consultation.objects.get(status="open")
    consultation_comment = ConsultationComment.objects.filter(
        consultation=consultation, status="published", paragraph__isnull=False
    ).first()
    assert consultation_comment is not None and consultation_comment.paragraph is not None
    response = Response.objects.filter(submitted_at__isnull=False).first()
    assert response is not None
    # The survey's answering has closed and its results are public: the results page is the
    # one that reads every answer.
    Survey.objects.filter(pk=response.survey_id).update(results_public=True)
    Phase.objects.filter(module_id=response.survey.module_id, phase_type="answering").update(
        ends_at=timezone.now() - timedelta(days=1)
    )
    open_budget = Budget.objects.exclude(status="published").get()
    project = Project.objects.filter(budget=open_budget, status="not_on_ballot").first()
    assert project is not None
    plan = ActionPlan.objects.select_related("strategy").get()
    activity = Activity.objects.filter(area__plan=plan).first()
    assert activity is not None
    page = Page.objects.filter(organisation=region, parent__isnull=False).first()
    assert page is not None and page.parent is not None
    council = Council.objects.order_by("pk").first()
    assert council is not None
    meeting = Meeting.objects.filter(question_time=True).first()
    assert meeting is not None
    return Demo(
        region=region.pk,
        process=process.pk,
        process_slug=process.slug,
        comment=comment.pk,
        meeting=meeting.pk,
        council=council.pk,
        council_slug=council.slug,
        initiative=initiative.pk,
        signature=signature.pk,
        assessment=assessment.pk,
        consultation=consultation.pk,
        consultation_module=consultation.module_id,
        consultation_comment=consultation_comment.pk,
        paragraph_key=consultation_comment.paragraph.key,
        survey_module=response.survey.module_id,
        response=response.pk,
        budget_module=open_budget.module_id,
        results_module=Budget.objects.get(status="published").module_id,
        project=project.pk,
        opinion_module=ProcessModule.objects.get(kind="opinionmap").pk,
        strategy=plan.strategy_id,
        strategy_slug=plan.strategy.slug,
        plan=plan.pk,
        plan_slug=plan.slug,
        area=activity.area_id,
        activity=activity.pk,
        page=page.pk,
        page_path=f"{page.parent.slug}/{page.slug}",
        organisation=Organisation.objects.exclude(pk=region.pk)
        .order_by("pk")
        .values_list("pk", flat=True)[0],
    )


def grow(demo: Demo, done: int, size: int) -> None:
    """From ``done`` to ``size`` items of every kind (numbers ``done + 1``..``size``)."""
    from django.db import connection

    from delaktig.initiatives.models import Initiative
    from delaktig.initiatives.selectors import count_rows

    first, last = done + 1, size
    clone(
        "participation_process",
        demo.process,
        first,
        last,
        slug="'bench-' || g.i",
        title="left(t.title, 180) || ' ' || g.i",
        status="(ARRAY['published', 'open', 'closed', 'archived'])[1 + g.i % 4]",
        published_at="t.published_at - g.i * interval '1 minute'",
    )
    clone(
        "discussions_comment",
        demo.comment,
        first,
        last,
        body="'Synpunkt nummer ' || g.i",
        created="t.created - g.i * interval '1 second'",
    )
    clone(
        "meetings_meeting",
        demo.meeting,
        first,
        last,
        title="left(t.title, 180) || ' ' || g.i",
        starts_at="now() + g.i * interval '17 minutes'",
        ends_at="now() + g.i * interval '17 minutes' + interval '1 hour'",
        question_time="false",
        council_id="NULL",
        module_id="NULL",
    )
    clone("councils_council", demo.council, first, last, slug="'rad-' || g.i")
    clone(
        "initiatives_initiative",
        demo.initiative,
        first,
        last,
        title="'Folkinitiativ ' || g.i",
        submitted_on="t.submitted_on - (g.i % 3000)",
    )
    clone("initiatives_signature", demo.signature, first, last, identity_hash="md5('s' || g.i)")
    clone("assessments_impactassessment", demo.assessment, first, last)
    clone(
        "consultations_comment",
        demo.consultation_comment,
        first,
        last,
        text="'Synpunkt på stycket, nummer ' || g.i",
        agreements_count="0",
        # Spread over the passages of the same version.
        paragraph_id="(SELECT p.id FROM consultations_paragraph p, consultations_paragraph q "
        "WHERE q.id = t.paragraph_id AND p.version_id = q.version_id AND p.kind <> 'heading' "
        "ORDER BY p.id OFFSET g.i % 8 LIMIT 1)",
    )
    clone(
        "budgeting_project",
        demo.project,
        first,
        last,
        number="NULL",
        lot="NULL",
        title="'Idé nummer ' || g.i",
    )
    with connection.cursor() as cur:
        cur.execute("SELECT max(id) FROM surveys_response")
        before = cur.fetchone()[0]
        clone(
            "surveys_response",
            demo.response,
            first,
            last,
            resume_token="md5('r' || g.i)",  # noqa: S106 - an SQL expression
            sex="(ARRAY['female', 'male', ''])[1 + g.i % 3]",
        )
        cur.execute(
            "INSERT INTO surveys_answer (text, number, choice_id, question_id, response_id) "
            "SELECT a.text, a.number, a.choice_id, a.question_id, r.id FROM surveys_answer a, "
            "surveys_response r WHERE a.response_id = %s AND r.id > %s",
            [demo.response, before],
        )
    _grow_followup(demo, first, last)
    _grow_pages(demo, first, last)
    # The count a registration keeps (services.signatures_register).
    initiative = Initiative.objects.get(pk=demo.initiative)
    initiative.counted = count_rows(initiative=initiative).stored()
    initiative.save(update_fields=["counted"])
    with connection.cursor() as cur:
        # The steady state autovacuum keeps: statistics, and the visibility map that lets a
        # count be read from an index alone.
        cur.execute("VACUUM ANALYZE")


def _grow_followup(demo: Demo, first: int, last: int) -> None:
    """Strategies; activities: the measured plan up to its 200, the rest in another plan."""
    from django.db import connection

    clone("followup_strategy", demo.strategy, first, last, slug="'strategi-' || g.i")
    with connection.cursor() as cur:
        if first == 1:
            cur.execute("SELECT count(*) FROM followup_activity WHERE area_id = %s", [demo.area])
            clone("followup_activity", demo.activity, 1, PLAN_ACTIVITIES - cur.fetchone()[0])
            cur.execute("SELECT id FROM followup_strategy WHERE slug = 'strategi-1'")
            other = cur.fetchone()[0]
            clone("followup_actionplan", demo.plan, 1, 1, strategy_id=str(other))
            cur.execute("SELECT max(id) FROM followup_actionplan")
            plan = cur.fetchone()[0]
            cur.execute("SELECT id FROM followup_focusarea WHERE plan_id = %s", [demo.plan])
            area = cur.fetchone()[0]
            clone("followup_focusarea", area, 1, 1, plan_id=str(plan))
        cur.execute("SELECT max(id) FROM followup_focusarea")
        bulk_area = cur.fetchone()[0]
    clone(
        "followup_activity",
        demo.activity,
        max(first, PLAN_ACTIVITIES + 1),
        last,
        area_id=str(bulk_area),
        title="'Aktivitet ' || g.i",
    )


def _grow_pages(demo: Demo, first: int, last: int) -> None:
    """311 organisations, and information pages spread over them (a page under each root)."""
    from django.db import connection

    if first == 1:
        clone(
            "organisations_organisation",
            demo.organisation,
            1,
            ORGANISATIONS - 2,
            name="'Kommun ' || g.i",
            slug="'kommun-' || g.i",
            scb_code="(9000 + g.i)::text",
            host="''",  # the demo municipality's own host name is its own
        )
    with connection.cursor() as cur:
        cur.execute("SELECT array_agg(id ORDER BY id) FROM organisations_organisation")
        organisations = cur.fetchone()[0]
    clone(
        "pages_page",
        demo.page,
        first,
        last,
        organisation_id=f"(ARRAY{organisations}::bigint[])[1 + g.i % {len(organisations)}]",
        parent_id="NULL",
        depth="1",
        slug="'sida-' || g.i",
        title="'Sida ' || g.i",
        position="g.i",
    )


# --- Measuring ---------------------------------------------------------------------------------


def pages(demo: Demo) -> dict[str, str]:
    """Every public list and a detail page of each kind."""
    return {
        "home": "/",
        "process list": "/processer/",
        "process page (comments)": f"/processer/{demo.process_slug}/",
        "meeting calendar": "/moten/",
        "meeting page": f"/moten/{demo.meeting}/",
        "council list": "/rad/",
        "council page": f"/rad/{demo.council_slug}/",
        "initiative list": "/folkinitiativ/",
        "initiative page (signatures)": f"/folkinitiativ/{demo.initiative}/",
        "assessment list": "/konsekvensanalyser/",
        "assessment page": f"/konsekvensanalyser/{demo.assessment}/",
        "consultation document": f"/m/consultation/{demo.consultation_module}/",
        "consultation passage": f"/m/consultation/{demo.consultation_module}/stycke/"
        f"{demo.paragraph_key}/",
        "survey (closed)": f"/m/survey/{demo.survey_module}/",
        "survey results": f"/m/survey/{demo.survey_module}/resultat/",
        "budget ideas": f"/m/budget/{demo.budget_module}/",
        "budget idea page": f"/m/budget/{demo.budget_module}/forslag/{demo.project}/",
        "budget results": f"/m/budget/{demo.results_module}/resultat/",
        "opinion map": f"/m/opinionmap/{demo.opinion_module}/",
        "opinion map results": f"/m/opinionmap/{demo.opinion_module}/resultat/",
        "strategy list": "/uppfoljning/",
        "strategy page": f"/uppfoljning/{demo.strategy_slug}/",
        "action plan": f"/uppfoljning/{demo.strategy_slug}/{demo.plan_slug}/",
        "activity page": f"/uppfoljning/{demo.strategy_slug}/aktivitet/{demo.activity}/",
        "information pages": "/sidor/",
        "organisation pages": "/sidor/region-jamtland-harjedalen/",
        "information page": f"/sidor/region-jamtland-harjedalen/{demo.page_path}/",
        "accessibility statement": "/tillganglighet/",
        "open data": "/oppna-data/",
        "open data, one organisation": "/oppna-data/organisationer/region-jamtland-harjedalen/",
    }


# The pages read by the 32 clients for the cache's throughput (filled in by main()).
CACHED: list[str] = []


def count_queries(paths: dict[str, str]) -> dict[str, tuple[int, int, int]]:
    """(queries, status, KiB) of each page for an anonymous visitor, in-process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    out = {}
    for name, path in paths.items():
        client.get(path)  # warm: the first request fills per-process caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        out[name] = (len(queries), response.status_code, len(response.content) // 1024)
    return out


def request(
    conn: http.client.HTTPConnection, path: str, cookie: str | None = None
) -> tuple[int, bool]:
    """GET ``path``: (status, served from the page cache)."""
    headers = {"Host": f"127.0.0.1:{PORT}"}
    if cookie:
        headers["Cookie"] = cookie
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status, response.getheader("X-Delaktig-Cache") == "hit"


def latencies(path: str) -> tuple[float, float, float]:
    """The medians of ROUNDS requests to the bare floor, the layout floor and ``path``, taken
    in turn (floor, layout, page, floor, …) on three keep-alive connections, after a first
    request to each: every page's samples and its floors' share the same moments, so that a
    machine whose speed wanders (a shared one does, by a fifth within a minute) moves all
    three alike. A page slower than SLOW seconds is timed once only (it fails by far)."""
    paths = ("/bench-floor/", "/bench-layout-floor/", path)
    conns = [http.client.HTTPConnection("127.0.0.1", PORT, timeout=900) for _ in paths]
    samples: list[list[float]] = [[], [], []]
    try:
        for conn, each in zip(conns, paths, strict=True):
            request(conn, each, UNCACHED)  # warm: per-process and shared caches filled
        for _ in range(ROUNDS):
            for conn, each, times in zip(conns, paths, samples, strict=True):
                start = time.perf_counter()
                status, hit = request(conn, each, UNCACHED)
                times.append(time.perf_counter() - start)
                assert status == 200 and not hit, (each, status, hit)
            if samples[2][-1] > SLOW:
                break
    finally:
        for conn in conns:
            conn.close()
    bare, layout, page = (statistics.median(times) for times in samples)
    return bare, layout, page


def run_clients(paths: list[str]) -> tuple[float, int, int]:
    """32 threads, each on its own keep-alive connection: (seconds, 200s, cache hits)."""
    oks = [0] * CLIENTS
    hits = [0] * CLIENTS
    barrier = threading.Barrier(CLIENTS + 1)

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        barrier.wait()
        for n in range(REQUESTS_PER_CLIENT):
            status, hit = request(conn, paths[(index + n) % len(paths)])
            oks[index] += status == 200
            hits[index] += hit
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, sum(oks), sum(hits)


def serve() -> subprocess.Popen[bytes]:
    from bench.servers import start_gunicorn

    # A page that takes minutes is measured, not killed.
    server = start_gunicorn(
        PORT,
        "--timeout",
        "900",
        REDIS_URL=REDIS_URL,
        DELAKTIG_PAGE_CACHE_SECONDS="60",
        DATABASE_CONN_MAX_AGE="60",
    )
    for _ in range(150):
        if server.poll() is not None:  # the port is taken, or it failed: not our server
            raise RuntimeError(f"gunicorn did not start on port {PORT}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            if request(conn, "/bench-floor/")[0] == 200:
                time.sleep(2)  # every worker booted, and still ours
                if server.poll() is None:
                    return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def measure(paths: dict[str, str]) -> dict[str, Any]:
    """Each page's median beside the two floors' medians, sampled in turn with it (the machine
    may be shared: a ratio of neighbours holds when the load changes), then throughput."""
    server = serve()
    try:
        floors: dict[str, tuple[float, float]] = {}
        timings = {}
        for name, path in paths.items():
            bare, layout, timings[name] = latencies(path)
            floors[name] = (bare, layout)
        # Throughput: the bare floor, then cached pages, by the same 32 clients.
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        for path in CACHED:  # fill (each worker process reads the same shared cache)
            request(conn, path)
        conn.close()
        floor_seconds, floor_ok, _ = run_clients(["/bench-floor/"])
        cached_seconds, cached_ok, cached_hits = run_clients(CACHED)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return {
        "floors": floors,
        "floor": statistics.median(bare for bare, _layout in floors.values()),
        "layout": statistics.median(layout for _bare, layout in floors.values()),
        "timings": timings,
        "floor_rate": floor_ok / floor_seconds,
        "cached_rate": cached_ok / cached_seconds,
        "cached_requests": cached_ok,
        "cached_hits": cached_hits,
        "cached_paths": CACHED,
    }


def report(
    paths: dict[str, str],
    small: dict[str, tuple[int, int, int]],
    large: dict[str, tuple[int, int, int]],
    measured: dict[str, Any],
    setup_seconds: float,
) -> dict[str, Any]:
    floor, layout = measured["floor"], measured["layout"]
    rows = []
    print(
        f"\nPublic pages at {LARGE:,} items per kind; floors (medians, each measured beside "
        f"every page): bare {floor * 1000:.2f} ms, layout {layout * 1000:.2f} ms; target ≤ "
        f"{LAYOUT_TARGET}× the layout floor beside it, equal queries\n"
    )
    header = f"{'page':32} {'ms':>8} {'×layout':>8} {'×bare':>7} {'KiB':>5} {'queries':>11}  result"
    print(header)
    print("-" * len(header))
    for name in paths:
        seconds = measured["timings"][name]
        bare, beside = measured["floors"][name]
        ratio = seconds / beside
        queries = f"{small[name][0]} / {large[name][0]}"
        ok = ratio <= LAYOUT_TARGET and small[name][0] == large[name][0]
        print(
            f"{name:32} {seconds * 1000:8.2f} {ratio:8.2f} {seconds / bare:7.1f} "
            f"{large[name][2]:5} {queries:>11}  {'pass' if ok else 'FAIL'}"
        )
        rows.append(
            {
                "page": name,
                "path": paths[name],
                "ms": round(seconds * 1000, 2),
                "layout_floor_ms": round(beside * 1000, 2),
                "bare_floor_ms": round(bare * 1000, 2),
                "ratio_to_layout_floor": round(ratio, 2),
                "ratio_to_bare_floor": round(seconds / bare, 1),
                "kib": large[name][2],
                f"queries_at_{SMALL}": small[name][0],
                f"queries_at_{LARGE}": large[name][0],
                "pass": ok,
            }
        )
    throughput = measured["cached_rate"] / measured["floor_rate"]
    print(
        f"\nAnonymous page cache, {CLIENTS} keep-alive clients: {measured['cached_rate']:.0f} "
        f"requests/s ({measured['cached_hits']} of {measured['cached_requests']} from the "
        f"cache) against the bare floor's {measured['floor_rate']:.0f}/s: {throughput:.2f}× "
        f"(target ≥ {THROUGHPUT_TARGET}) {'pass' if throughput >= THROUGHPUT_TARGET else 'FAIL'}"
    )
    return {
        "stack": "gunicorn 4 workers × 2 threads, PostgreSQL, Redis, 32 keep-alive clients",
        "items_per_kind": LARGE,
        "organisations": ORGANISATIONS,
        "setup_s": round(setup_seconds, 1),
        "bare_floor_ms": round(floor * 1000, 2),
        "layout_floor_ms": round(layout * 1000, 2),
        "layout_target": LAYOUT_TARGET,
        "pages": rows,
        "pages_passing": sum(row["pass"] for row in rows),
        "floor_requests_per_s": round(measured["floor_rate"]),
        "cached_requests_per_s": round(measured["cached_rate"]),
        "cached_hits": measured["cached_hits"],
        "cached_requests": measured["cached_requests"],
        "cached_paths": measured["cached_paths"],
        "cached_ratio_to_floor": round(throughput, 3),
        "throughput_target": THROUGHPUT_TARGET,
    }


def main() -> None:
    """``BENCH_PAGES_MEASURE_ONLY=1`` measures the database an earlier run left (its query
    counts and paths are kept in the temporary directory)."""
    saved = Path(tempfile.gettempdir()) / f"{DB_NAME}.json"
    started = time.perf_counter()
    if os.environ.get("BENCH_PAGES_MEASURE_ONLY") == "1":
        kept = json.loads(saved.read_text())
        paths, small, large = kept["paths"], kept["small"], kept["large"]
    else:
        recreate_database()
        import django

        django.setup()
        flush_redis()
        demo = demo_rows()
        paths = pages(demo)
        grow(demo, 0, SMALL)
        small = count_queries(paths)
        grow(demo, SMALL, LARGE)
        large = count_queries(paths)
        saved.write_text(json.dumps({"paths": paths, "small": small, "large": large}))
        from django.db import connections

        connections.close_all()
    setup_seconds = time.perf_counter() - started
    flush_redis()
    CACHED[:] = [paths[name] for name in ("process list", "process page (comments)", "home")]
    CACHED.append(paths["information page"])
    measured = measure(paths)
    result = report(paths, small, large, measured, setup_seconds)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "pages.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    failed = [name for name in paths if small[name][1] != 200 or large[name][1] != 200]
    assert not failed, f"pages that did not answer 200: {failed}"
    changed = [name for name in paths if small[name][0] != large[name][0]]
    assert not changed, f"query counts that grow with the data: {changed}"


if __name__ == "__main__":
    main()
