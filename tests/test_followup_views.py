"""Public follow-up pages, staff editors and the annual report."""

import io
import re
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from delaktig.followup import services
from delaktig.followup.models import Activity, IndicatorValue, PlanImport
from delaktig.participation.models import Feedback, Perspective, ProcessTransition

from .factories import OrganisationFactory, ProcessFactory, UserFactory, role
from .followup_factories import (
    ActivityFactory,
    GoalFactory,
    IndicatorFactory,
    PlanFactory,
    StrategyFactory,
    plan_with_areas,
)

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def organisation():
    return OrganisationFactory(scb_code="23")


@pytest.fixture
def official(organisation):
    return role(UserFactory(), "official", organisation)


def test_public_pages_show_published_strategies_only(client, organisation):
    shown = StrategyFactory(organisation=organisation, title="Synlig strategi")
    hidden = StrategyFactory(organisation=organisation, title="Dold strategi", published=False)
    page = client.get(reverse("followup:index")).content.decode()
    assert "Synlig strategi" in page and "Dold strategi" not in page
    assert client.get(shown.get_absolute_url()).status_code == 200
    assert client.get(hidden.get_absolute_url()).status_code == 404
    hidden_plan = PlanFactory(strategy=shown, published=False)
    assert client.get(hidden_plan.get_absolute_url()).status_code == 404


def test_staff_see_unpublished_strategies_of_their_organisation(client, organisation, official):
    hidden = StrategyFactory(organisation=organisation, published=False)
    plan = PlanFactory(strategy=hidden, published=False)
    client.force_login(official)
    assert client.get(hidden.get_absolute_url()).status_code == 200
    assert "Bara personalen" in client.get(plan.get_absolute_url()).content.decode()
    client.force_login(role(UserFactory(), "official", OrganisationFactory()))
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_plan_page_shows_progress_in_text_and_filters(client, organisation):
    plan = plan_with_areas(areas=2, per_area=2, strategy__organisation=organisation)
    goal = GoalFactory(strategy=plan.strategy, number="3", title="Fler röster hörs")
    first = Activity.objects.get(title="Aktivitet 1.1")
    first.goals.add(goal)
    first.perspectives.add(Perspective.objects.get(code="barn_och_unga"))
    Activity.objects.filter(title="Aktivitet 2.2").update(
        status="cancelled", status_reason="Ersatt av en annan insats.", responsible_unit="HR"
    )
    Activity.objects.filter(title="Aktivitet 1.2").update(status="ongoing", progress=40)
    Activity.objects.filter(title="Aktivitet 2.1").update(status="done", progress=100)
    page = client.get(plan.get_absolute_url()).content.decode()
    # The picture is described in words and every status is in the table.
    assert "Avbruten" in page and "Inte påbörjad" in page
    # How far the work has come, unless it is done.
    assert '<span class="status-text status-text--ongoing">Pågår</span> ' in page
    assert '<span class="meta">(40 % klart)</span>' in page and "100 % klart" not in page
    client.cookies["django_language"] = "en"
    assert "(40% done)" in client.get(plan.get_absolute_url()).content.decode()
    del client.cookies["django_language"]
    assert re.search(r"<svg[^>]*role=\"img\"", page)
    assert "4 aktiviteter" in page
    filtered = client.get(plan.get_absolute_url(), {"goal": goal.pk}).content.decode()
    assert "Aktivitet 1.1" in filtered and "Aktivitet 1.2" not in filtered
    assert "1 av 4 aktiviteter" in filtered
    by_status = client.get(plan.get_absolute_url(), {"status": "cancelled"}).content.decode()
    assert "Aktivitet 2.2" in by_status and "Aktivitet 1.1" not in by_status
    by_unit = client.get(plan.get_absolute_url(), {"unit": "HR"}).content.decode()
    assert "Aktivitet 2.2" in by_unit and "Aktivitet 2.1" not in by_unit
    perspective = Perspective.objects.get(code="barn_och_unga")
    by_perspective = client.get(
        plan.get_absolute_url(), {"perspective": perspective.pk}
    ).content.decode()
    assert "Aktivitet 1.1" in by_perspective and "Aktivitet 2.1" not in by_perspective


def test_plan_page_rows_escape_what_officials_wrote_and_fill_what_is_missing(client, organisation):
    plan = plan_with_areas(areas=1, per_area=2, strategy__organisation=organisation)
    Activity.objects.filter(title="Aktivitet 1.1").update(
        title="Mät <b>allt</b> & lite till",
        responsible_unit="Kansli & stab",
        start_year=2024,
        end_year=2026,
    )
    Activity.objects.filter(title="Aktivitet 1.2").update(
        responsible_unit="", start_year=None, end_year=None
    )
    first = Activity.objects.get(position=1, area__plan=plan)
    second = Activity.objects.get(position=2, area__plan=plan)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert (
        f'<td>1.1</td>\n<th scope="row"><a href="{first.get_absolute_url()}">'
        "Mät &lt;b&gt;allt&lt;/b&gt; &amp; lite till</a></th>\n"
        "<td>Kansli &amp; stab</td>\n<td>2024–2026</td>\n"
        '<td><span class="status-text status-text--not_started">Inte påbörjad</span></td>'
    ) in page
    assert (
        f'<a href="{second.get_absolute_url()}">Aktivitet 1.2</a></th>\n<td>–</td>\n<td>–</td>'
        in page
    )
    assert "<b>allt</b>" not in page


def test_the_strategy_page_counts_each_plans_activities_by_status(client, organisation):
    first = plan_with_areas(areas=2, per_area=2, strategy__organisation=organisation)
    second = plan_with_areas(areas=1, per_area=3, strategy=first.strategy, slug="andra")
    plan_with_areas(areas=1, per_area=5, strategy__organisation=organisation)  # elsewhere
    Activity.objects.filter(area__plan=first, title__in=["Aktivitet 1.1", "Aktivitet 2.2"]).update(
        status="done", progress=100
    )
    Activity.objects.filter(area__plan=second, title="Aktivitet 1.1").update(status="ongoing")
    page = client.get(first.strategy.get_absolute_url()).content.decode()
    first_desc = page[page.index(f'id="plan-chart-{first.slug}-desc"') :].split("</desc>")[0]
    second_desc = page[page.index(f'id="plan-chart-{second.slug}-desc"') :].split("</desc>")[0]
    assert "4 aktiviteter." in first_desc and "Genomförd: 2 av 4" in first_desc
    assert "3 aktiviteter." in second_desc and "Pågår: 1 av 3" in second_desc
    assert "Genomförd: 0 av 3" in second_desc


def test_plan_page_counts_the_dialogues_behind_each_activity_but_not_drafts(client, organisation):
    plan = plan_with_areas(areas=2, per_area=1, strategy__organisation=organisation)
    other = plan_with_areas(areas=1, per_area=1, strategy__organisation=organisation)
    first = Activity.objects.get(area__plan=plan, title="Aktivitet 1.1")
    first.processes.add(
        ProcessFactory(organisation=organisation, status="open"),
        ProcessFactory(organisation=organisation, status="closed"),
        ProcessFactory(organisation=organisation, status="draft"),
    )
    Activity.objects.get(area__plan=other).processes.add(
        ProcessFactory(organisation=organisation, status="open")
    )
    page = client.get(plan.get_absolute_url()).content.decode()
    assert page.count("2 medborgardialoger låg till grund") == 1
    assert "medborgardialog låg till grund" not in page  # the other activities have none
    assert "Aktivitet 2.1" in page and page.count('class="area"') == 2
    filtered = client.get(plan.get_absolute_url(), {"status": first.status}).content.decode()
    assert "2 medborgardialoger låg till grund" in filtered


def test_plan_page_queries_do_not_grow_with_activities(client, organisation):
    small = plan_with_areas(areas=2, per_area=2, strategy__organisation=organisation)
    large = plan_with_areas(areas=6, per_area=8, strategy__organisation=organisation)
    for activity in Activity.objects.all():
        activity.goals.add(GoalFactory(strategy=activity.area.plan.strategy))
        activity.processes.add(ProcessFactory(organisation=organisation, status="open"))
    client.get(small.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(small.get_absolute_url())
    with CaptureQueriesContext(connection) as many:
        client.get(large.get_absolute_url())
    assert len(many) == len(few)


def test_activity_page_shows_what_citizens_said_and_what_was_done(client, organisation):
    activity = ActivityFactory(area__plan__strategy__organisation=organisation)
    process = ProcessFactory(organisation=organisation, status="feedback_published")
    Feedback.objects.create(
        process=process,
        heard="Unga vill ha kvällstider.",
        decided="Öppettiderna förlängs.",
        reasons="Flest svar gällde det.",
        published_at=datetime(2024, 5, 1, tzinfo=ZONE),
    )
    draft = ProcessFactory(organisation=organisation, status="draft", title="Hemlig dialog")
    activity.processes.add(process, draft)
    page = client.get(activity.get_absolute_url()).content.decode()
    assert "Unga vill ha kvällstider." in page and "Öppettiderna förlängs." in page
    assert "Hemlig dialog" not in page


def test_indicator_page_has_a_chart_and_a_table_by_sex(client, organisation):
    indicator = IndicatorFactory(
        strategy__organisation=organisation,
        baseline_year=2022,
        baseline_value=Decimal("40"),
        target_year=2025,
        target_value=Decimal("60"),
    )
    for year, total, women, men in ((2022, "40", "42", "38"), (2023, "45.5", "47", "44")):
        for sex, value in (("alla", total), ("kvinna", women), ("man", men)):
            IndicatorValue.objects.create(
                indicator=indicator, year=year, sex=sex, value=Decimal(value)
            )
    page = client.get(indicator.get_absolute_url()).content.decode()
    assert "<svg" in page and "Kvinnor" in page and "Män" in page
    assert "45,5" in page


def test_indicator_without_sex_breakdown_says_why(client, organisation):
    indicator = IndicatorFactory(
        strategy__organisation=organisation, by_sex=False, sex_note="Källan redovisar inte kön."
    )
    page = client.get(indicator.get_absolute_url()).content.decode()
    assert "finns inte uppdelad på kön" in page and "Källan redovisar inte kön." in page


def test_staff_pages_need_an_official_of_the_organisation(client, organisation, official):
    strategy = StrategyFactory(organisation=organisation)
    plan = plan_with_areas(areas=1, per_area=1, strategy=strategy)
    activity = Activity.objects.get(area__plan=plan)
    indicator = IndicatorFactory(strategy=strategy)
    urls = [
        reverse("followup_staff:list"),
        reverse("followup_staff:strategy", args=[strategy.pk]),
        reverse("followup_staff:plan", args=[plan.pk]),
        reverse("followup_staff:activity", args=[activity.pk]),
        reverse("followup_staff:activity_progress", args=[activity.pk]),
        reverse("followup_staff:indicator", args=[indicator.pk]),
        reverse("followup_staff:goal_create", args=[strategy.pk]),
        reverse("followup_staff:plan_create", args=[strategy.pk]),
        reverse("followup_staff:indicator_create", args=[strategy.pk]),
    ]
    client.force_login(official)
    for url in urls:
        assert client.get(url).status_code == 200, url
    client.force_login(role(UserFactory(), "official", OrganisationFactory()))
    for url in urls[1:]:
        assert client.get(url).status_code == 403, url
    client.force_login(UserFactory())
    assert client.get(urls[1]).status_code == 403


def test_progress_form_keeps_input_and_explains_a_missing_reason(client, organisation, official):
    activity = ActivityFactory(area__plan__strategy__organisation=organisation)
    client.force_login(official)
    url = reverse("followup_staff:activity_progress", args=[activity.pk])
    response = client.post(url, {"status": "postponed", "progress": "40", "text": "Väntar."})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Skriv skälet" in page and "Väntar." in page and 'value="40"' in page
    response = client.post(
        url, {"status": "postponed", "status_reason": "Budget", "progress": "40", "text": "Väntar."}
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.status, activity.status_reason, activity.progress) == (
        "postponed",
        "Budget",
        40,
    )
    public = client.get(activity.get_absolute_url()).content.decode()
    assert "Väntar." in public and "Budget" in public


def test_official_imports_a_plan_through_the_pages(client, organisation, official):
    plan = PlanFactory(strategy__organisation=organisation)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Område", "Aktivitet", "Status"])
    sheet.append(["Dialog", "Webbinarier", "pågår"])
    sheet.append(["Dialog", "", "pågår"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.name = "plan.xlsx"
    buffer.seek(0)
    client.force_login(official)
    response = client.post(
        reverse("followup_staff:plan_import_upload", args=[plan.pk]), {"file": buffer}
    )
    assert response.status_code == 302
    preview = client.get(response["Location"]).content.decode()
    assert "Webbinarier" in preview and "Rader som inte kunde läsas" in preview
    assert not Activity.objects.filter(area__plan=plan).exists()
    client.post(response["Location"])
    assert list(Activity.objects.filter(area__plan=plan).values_list("title", flat=True)) == [
        "Webbinarier"
    ]
    client.post(response["Location"])  # a second click adds nothing
    assert Activity.objects.filter(area__plan=plan).count() == 1
    assert PlanImport.objects.get().applied_at is not None


def test_indicator_value_form_and_bad_input(client, organisation, official):
    indicator = IndicatorFactory(strategy__organisation=organisation)
    client.force_login(official)
    url = reverse("followup_staff:indicator", args=[indicator.pk])
    response = client.post(
        url,
        {"action": "value", "value-year": "2024", "value-sex": "alla", "value-value": "41,5"},
    )
    assert response.status_code == 302
    assert IndicatorValue.objects.get().value == Decimal("41.5")
    response = client.post(
        url,
        {"action": "value", "value-year": "24", "value-sex": "alla", "value-value": "abc"},
    )
    assert response.status_code == 400
    assert 'value="abc"' in response.content.decode()
    value = IndicatorValue.objects.get()
    asked = client.post(url, {"action": "delete", "value": value.pk})
    assert asked.status_code == 200 and "2024" in asked.content.decode()
    assert IndicatorValue.objects.filter(pk=value.pk).exists()
    deleted = client.post(url, {"action": "delete", "value": value.pk, "confirmed": "1"})
    assert deleted.status_code == 302 and not IndicatorValue.objects.exists()


def _report_fixture(organisation):
    strategy = StrategyFactory(organisation=organisation, start_year=2023, end_year=2026)
    plan = plan_with_areas(areas=2, per_area=2, strategy=strategy)
    official = role(UserFactory(), "official", organisation)
    activity = Activity.objects.get(title="Aktivitet 1.1")
    services.activity_report_progress(
        actor=official,
        activity=activity,
        status="ongoing",
        progress=50,
        text="Halvvägs 2024.",
        at=datetime(2024, 6, 1, tzinfo=ZONE),
    )
    services.activity_report_progress(
        actor=official,
        activity=Activity.objects.get(title="Aktivitet 2.1"),
        status="cancelled",
        status_reason="Ersatt.",
        at=datetime(2023, 6, 1, tzinfo=ZONE),
    )
    indicator = IndicatorFactory(
        strategy=strategy,
        name="Förtroende",
        baseline_year=2022,
        baseline_value=Decimal("40"),
        target_year=2026,
        target_value=Decimal("60"),
    )
    for sex, value in (("alla", "45"), ("kvinna", "47"), ("man", "43")):
        IndicatorValue.objects.create(indicator=indicator, year=2024, sex=sex, value=Decimal(value))
    # Dialogues: one held and closed in 2024 with feedback, one closed in 2024 without, one
    # closed in 2023 (not held in 2024).
    for title, step, closed, feedback in (
        ("Dialog A", 2, datetime(2024, 3, 1, tzinfo=ZONE), True),
        ("Dialog B", 3, datetime(2024, 9, 1, tzinfo=ZONE), False),
        ("Dialog C", 2, datetime(2023, 9, 1, tzinfo=ZONE), True),
    ):
        process = ProcessFactory(
            organisation=organisation,
            title=title,
            ladder_step=step,
            status="closed",
            published_at=datetime(closed.year, 1, 15, tzinfo=ZONE),
        )
        ProcessTransition.objects.create(
            process=process, action="close", from_status="open", to_status="closed", created=closed
        )
        if feedback:
            Feedback.objects.create(
                process=process, heard="h", decided="d", reasons="r", published_at=closed
            )
    return strategy, plan


@time_machine.travel(datetime(2025, 2, 1, 12, tzinfo=ZONE))
def test_annual_report_page_counts_the_year(client, organisation):
    from delaktig.followup.reports.build import build_report

    strategy, plan = _report_fixture(organisation)
    report = build_report(strategy, 2024)
    assert [(line.label, line.count) for line in report.dialogues][:3] == [
        ("Information", 0),
        ("Konsultation", 1),
        ("Dialog", 1),
    ]
    assert (report.feedback_due, report.feedback_given) == (2, 1)
    activity = report.plans[0].areas[0].activities[0]
    assert activity.notes[0].text == "Halvvägs 2024." and activity.status_label == "Pågår"
    # The 2023 cancellation is not a note of 2024, but the status stands.
    cancelled = report.plans[0].areas[1].activities[0]
    assert cancelled.notes == () and cancelled.status_reason == "Ersatt."
    line = report.indicators[0]
    assert (line.cells[-1].total, line.cells[-1].women, line.cells[-1].men) == ("45", "47", "43")
    assert line.assessment == "Närmar sig målet"
    page = client.get(reverse("followup:report", args=[strategy.slug, 2024])).content.decode()
    assert "1 av 2 avslutade processer har fått återkoppling" in page
    assert "Halvvägs 2024." in page
    assert client.get(reverse("followup:report", args=[strategy.slug, 2026])).status_code == 404


@time_machine.travel(datetime(2025, 2, 1, 12, tzinfo=ZONE))
def test_annual_report_pdf_is_tagged(client, organisation):
    from pypdf import PdfReader

    strategy, _plan = _report_fixture(organisation)
    response = client.get(reverse("followup:report_pdf", args=[strategy.slug, 2024]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    root: Any = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "sv"
    tree = root["/StructTreeRoot"]

    def kinds(node, found):
        node = node.get_object()
        if isinstance(node, list) or hasattr(node, "__iter__") and not hasattr(node, "keys"):
            for child in node:
                kinds(child, found)
            return found
        if hasattr(node, "keys"):
            if "/S" in node:
                found.add(str(node["/S"]))
            if "/K" in node:
                kinds(node["/K"], found)
        return found

    tags = kinds(tree, set())
    assert {"/H1", "/H2", "/Table", "/TH", "/TD"} <= tags
    assert "Halvvägs 2024." in "".join(page.extract_text() for page in reader.pages)
    assert reader.metadata.title.startswith("Uppföljning 2024")


@time_machine.travel(datetime(2025, 2, 1, 12, tzinfo=ZONE))
def test_annual_report_docx(client, organisation):
    import docx

    strategy, _plan = _report_fixture(organisation)
    response = client.get(reverse("followup:report_docx", args=[strategy.slug, 2024]))
    assert response["Content-Type"].endswith("wordprocessingml.document")
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "Halvvägs 2024." in text and "Aktivitet 2.1" in text
    assert document.paragraphs[0].style.name == "Title"


@time_machine.travel(datetime(2026, 2, 1, 12, tzinfo=ZONE))
def test_a_report_on_a_past_year_shows_the_status_then(organisation):
    from delaktig.followup.reports.build import build_report

    strategy, _plan = _report_fixture(organisation)
    activity = Activity.objects.get(title="Aktivitet 1.1")
    official = role(UserFactory(), "official", organisation)
    services.activity_report_progress(
        actor=official, activity=activity, status="done", at=datetime(2025, 5, 1, tzinfo=ZONE)
    )
    line = build_report(strategy, 2024).plans[0].areas[0].activities[0]
    assert (line.status, line.progress) == ("ongoing", 50)
    line = build_report(strategy, 2023).plans[0].areas[0].activities[0]
    assert line.status == "not_started"
    line = build_report(strategy, 2025).plans[0].areas[0].activities[0]
    assert (line.status, line.progress) == ("done", 100)
