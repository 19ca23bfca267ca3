"""The annual report's PDF and Word files are built once for each content of the report."""

import io
import threading
from datetime import date, datetime
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from delaktig.followup import services
from delaktig.followup.models import Activity
from delaktig.followup.reports import files as report_files
from delaktig.followup.reports import views as report_views
from delaktig.followup.reports import word
from delaktig.followup.reports.content import AnnualReport
from tests.factories import OrganisationFactory, UserFactory, role
from tests.followup_factories import PlanFactory
from tests.test_followup_views import ZONE, _report_fixture

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 2, 1, 12, tzinfo=ZONE)


@pytest.fixture
def organisation() -> Any:
    return OrganisationFactory(scb_code="23")


@pytest.fixture
def renders() -> Any:
    """The real PDF renderer, counted."""
    with mock.patch.object(report_views, "render_pdf", wraps=report_views.render_pdf) as render:
        yield render


def pdf_url(strategy: Any, year: int = 2024) -> str:
    return reverse("followup:report_pdf", args=[strategy.slug, year])


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@time_machine.travel(NOW)
def test_the_second_request_is_served_without_rendering(
    client: Client, organisation: Any, renders: Any
) -> None:
    strategy, _plan = _report_fixture(organisation)
    first = client.get(pdf_url(strategy))
    second = client.get(pdf_url(strategy))
    assert first.status_code == second.status_code == 200
    assert renders.call_count == 1
    assert second.content == first.content
    assert second["Content-Type"] == "application/pdf"


@time_machine.travel(NOW)
def test_a_change_to_the_report_gives_a_new_pdf(
    client: Client, organisation: Any, renders: Any
) -> None:
    strategy, _plan = _report_fixture(organisation)
    before = client.get(pdf_url(strategy)).content
    services.activity_report_progress(
        actor=role(UserFactory(), "official", organisation),
        activity=Activity.objects.get(title="Aktivitet 1.2"),
        status="ongoing",
        text="Startade i december.",
        at=datetime(2024, 12, 1, tzinfo=ZONE),
    )
    after = client.get(pdf_url(strategy)).content
    assert renders.call_count == 2
    assert "Startade i december." in pdf_text(after)
    assert "Startade i december." not in pdf_text(before)
    # Each year is a report of its own.
    client.get(pdf_url(strategy, 2023))
    assert renders.call_count == 3


@time_machine.travel(NOW)
def test_the_file_is_not_rebuilt_the_next_day(
    client: Client, organisation: Any, renders: Any
) -> None:
    strategy, _plan = _report_fixture(organisation)
    first = client.get(pdf_url(strategy)).content
    with time_machine.travel(datetime(2025, 2, 3, 9, tzinfo=ZONE)):
        again = client.get(pdf_url(strategy)).content
    assert renders.call_count == 1 and again == first


@time_machine.travel(NOW)
def test_the_word_file_is_cached_too(client: Client, organisation: Any) -> None:
    strategy, _plan = _report_fixture(organisation)
    url = reverse("followup:report_docx", args=[strategy.slug, 2024])
    with mock.patch.object(word, "render_docx", wraps=word.render_docx) as render:
        first = client.get(url)
        second = client.get(url)
    assert render.call_count == 1 and first.content == second.content


@time_machine.travel(NOW)
def test_a_staff_preview_with_an_unpublished_plan_is_rendered_each_time(
    client: Client, organisation: Any, renders: Any
) -> None:
    strategy, _plan = _report_fixture(organisation)
    PlanFactory(strategy=strategy, published=False, title="Utkast till plan", start_year=2024)
    client.force_login(role(UserFactory(), "official", organisation))
    client.get(pdf_url(strategy))
    preview = client.get(pdf_url(strategy)).content
    assert renders.call_count == 2
    assert "Utkast till plan" in pdf_text(preview)
    client.logout()
    public = client.get(pdf_url(strategy)).content
    client.get(pdf_url(strategy))
    assert renders.call_count == 3
    assert "Utkast till plan" not in pdf_text(public)


@time_machine.travel(NOW)
def test_the_cache_can_be_switched_off(client: Client, organisation: Any, renders: Any) -> None:
    strategy, _plan = _report_fixture(organisation)
    with override_settings(DELAKTIG_REPORT_FILE_CACHE=False):
        client.get(pdf_url(strategy))
        client.get(pdf_url(strategy))
    assert renders.call_count == 2


@time_machine.travel(NOW)
def test_a_request_that_waits_in_vain_gets_503_with_retry_after(
    client: Client, organisation: Any, renders: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    strategy, _plan = _report_fixture(organisation)
    from delaktig.followup.reports.build import build_report

    # Another worker is building this very file, and does not finish while we wait.
    key = report_files.report_key(build_report(strategy, 2024), "pdf")
    cache.add(f"{key}:building", "another worker", timeout=60)
    monkeypatch.setattr(report_files, "WAIT_SECONDS", 0.0)
    response = client.get(pdf_url(strategy))
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "Rapporten håller på att skapas" in response.content.decode()
    assert renders.call_count == 0


def _report(title: str = "Uppföljning 2024") -> AnnualReport:
    return AnnualReport(
        title=title,
        strategy="Strategi",
        organisation="Region",
        year=2024,
        generated_on=date(2025, 2, 1),
        plans=(),
        indicators=(),
        dialogues=(),
        feedback_due=0,
        feedback_given=0,
    )


def test_the_key_follows_content_language_and_kind_but_not_the_date() -> None:
    report = _report()
    key = report_files.report_key(report, "pdf")
    later = AnnualReport(**{**report.__dict__, "generated_on": date(2025, 3, 1)})
    assert report_files.report_key(later, "pdf") == key
    assert report_files.report_key(_report("Uppföljning 2024 (rättad)"), "pdf") != key
    assert report_files.report_key(report, "docx") != key
    with translation.override("en"):
        assert report_files.report_key(report, "pdf") != key


def test_concurrent_first_requests_build_the_file_once(monkeypatch: pytest.MonkeyPatch) -> None:
    report = _report()
    threads = 8
    waiting: set[int] = set()
    everyone_waits = threading.Event()
    guard = threading.Lock()
    real_pause = report_files._pause

    def pause(seconds: float) -> None:
        with guard:
            waiting.add(threading.get_ident())
            if len(waiting) == threads - 1:
                everyone_waits.set()
        real_pause(0.01)

    monkeypatch.setattr(report_files, "_pause", pause)
    builds: list[int] = []

    def build() -> bytes:
        builds.append(threading.get_ident())
        # Hold on until every other request is waiting for this build.
        assert everyone_waits.wait(timeout=30)
        return b"%PDF- built once"

    results: list[bytes] = []

    def request() -> None:
        results.append(report_files.report_file(report, "pdf", build))

    workers = [threading.Thread(target=request) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert len(builds) == 1
    assert results == [b"%PDF- built once"] * threads


def test_a_lock_left_by_a_dead_builder_runs_out(monkeypatch: pytest.MonkeyPatch) -> None:
    report = _report()
    key = report_files.report_key(report, "pdf")
    cache.add(f"{key}:building", "a worker that was killed", timeout=60)
    pauses = []

    def pause(seconds: float) -> None:
        pauses.append(seconds)
        cache.delete(f"{key}:building")  # as when its timeout ends

    monkeypatch.setattr(report_files, "_pause", pause)
    assert report_files.report_file(report, "pdf", lambda: b"%PDF- rebuilt") == b"%PDF- rebuilt"
    assert len(pauses) == 1
    assert cache.get(key) == b"%PDF- rebuilt" and cache.get(f"{key}:building") is None
