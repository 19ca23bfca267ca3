"""Services for strategies, plans, activities, progress and indicators."""

import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.db import IntegrityError

from delaktig.core.errors import DelaktigError, PermissionDenied, ValidationFailed
from delaktig.core.models import AuditEntry
from delaktig.followup import services
from delaktig.followup.models import (
    Activity,
    FocusArea,
    GenderEqualityGoal,
    IndicatorValue,
    PlanImport,
    ProgressNote,
)

from .factories import MunicipalityFactory, OrganisationFactory, UserFactory, role
from .followup_factories import (
    ActivityFactory,
    AreaFactory,
    GoalFactory,
    IndicatorFactory,
    PlanFactory,
    StrategyFactory,
    plan_with_areas,
)

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def official():
    organisation = OrganisationFactory(scb_code="23")
    return role(UserFactory(), "official", organisation)


def test_gender_equality_goals_are_the_six_sub_goals():
    names = [goal.name for goal in GenderEqualityGoal.objects.all()]
    assert len(names) == 6
    assert names[0] == "En jämn fördelning av makt och inflytande"
    assert names[5] == "Mäns våld mot kvinnor ska upphöra"


def _strategy_fields(**changes):
    """Every field a strategy's form has, as ``strategy_update`` takes them."""
    fields = {
        "title": "Demokratistrategi",
        "slug": "demokrati",
        "summary": "Fler ska vara med.",
        "start_year": 2023,
        "end_year": 2030,
        "body": "",
        "adopted_by": None,
        "decision_date": None,
        "decision_reference": "",
        "revision_cycle": "term",
        "next_review": None,
        "perspectives": [],
        "joinable": False,
        "published": False,
    }
    return {**fields, **changes}


def test_strategy_save_needs_an_official_of_the_organisation(official):
    organisation = official.roles.first().organisation
    data = {
        "title": "Demokratistrategi",
        "slug": "demokrati",
        "summary": "Fler ska vara med.",
        "start_year": 2023,
        "end_year": 2030,
    }
    strategy = services.strategy_create(actor=official, organisation=organisation, **data)
    assert strategy.organisation == organisation
    assert AuditEntry.objects.filter(action="followup.strategy_save").count() == 1
    outsider = role(UserFactory(), "official", OrganisationFactory())
    with pytest.raises(PermissionDenied):
        services.strategy_update(actor=outsider, strategy=strategy, **_strategy_fields(title="X"))
    with pytest.raises(PermissionDenied):
        services.strategy_create(actor=UserFactory(), organisation=organisation, **data)
    moderator = role(UserFactory(), "moderator", organisation)
    with pytest.raises(PermissionDenied):
        services.strategy_update(actor=moderator, strategy=strategy, **_strategy_fields(title="X"))
    services.strategy_update(actor=official, strategy=strategy, **_strategy_fields(title="Ny"))
    strategy.refresh_from_db()
    assert strategy.title == "Ny"
    assert AuditEntry.objects.filter(action="followup.strategy_save").count() == 2


def test_strategy_years_must_be_in_order(official):
    organisation = official.roles.first().organisation
    with pytest.raises(ValidationFailed) as refused:
        services.strategy_create(
            actor=official,
            organisation=organisation,
            title="T",
            slug="t",
            summary="S",
            start_year=2025,
            end_year=2023,
        )
    assert (refused.value.code, refused.value.field) == ("followup.years_out_of_order", "end_year")


def test_new_goals_areas_and_activities_go_last(official):
    organisation = official.roles.first().organisation
    strategy = StrategyFactory(organisation=organisation)
    first = services.goal_create(actor=official, strategy=strategy, number="1", title="Ett")
    second = services.goal_create(actor=official, strategy=strategy, number="2", title="Två")
    assert (first.position, second.position) == (1, 2)
    plan = PlanFactory(strategy=strategy)
    area = services.area_create(actor=official, plan=plan, title="Dialog")
    one = services.activity_create(actor=official, area=area, title="A", goals=[first])
    two = services.activity_create(actor=official, area=area, title="B")
    assert (one.code, two.code) == ("1.1", "1.2")
    assert list(one.goals.all()) == [first]


def test_activity_save_refuses_goals_of_another_strategy(official):
    organisation = official.roles.first().organisation
    area = AreaFactory(plan__strategy__organisation=organisation)
    foreign = GoalFactory.create(strategy__organisation=organisation)
    with pytest.raises(ValidationFailed, match="followup.goals_elsewhere"):
        services.activity_create(actor=official, area=area, title="A", goals=[foreign])


def test_progress_report_records_the_change_and_the_note(official):
    activity = ActivityFactory(
        area__plan__strategy__organisation=official.roles.first().organisation
    )
    at = datetime(2024, 3, 1, 10, tzinfo=ZONE)
    note = services.activity_report_progress(
        actor=official, activity=activity, status="ongoing", progress=30, text="Igång.", at=at
    )
    activity.refresh_from_db()
    assert (activity.status, activity.progress, activity.status_changed_at) == ("ongoing", 30, at)
    assert (note.previous_status, note.status, note.text) == ("not_started", "ongoing", "Igång.")
    assert note.status_changed
    services.activity_report_progress(actor=official, activity=activity, status="done")
    activity.refresh_from_db()
    assert (activity.status, activity.progress) == ("done", 100)
    assert ProgressNote.objects.filter(activity=activity).count() == 2
    assert AuditEntry.objects.filter(action="followup.activity_progress").count() == 2


def test_postponing_or_cancelling_needs_a_reason(official):
    activity = ActivityFactory(
        area__plan__strategy__organisation=official.roles.first().organisation
    )
    for status in ("postponed", "cancelled"):
        with pytest.raises(ValidationFailed):
            services.activity_report_progress(
                actor=official, activity=activity, status=status, status_reason="  "
            )
    services.activity_report_progress(
        actor=official, activity=activity, status="postponed", status_reason="Ingen budget 2024."
    )
    activity.refresh_from_db()
    assert activity.status_reason == "Ingen budget 2024."
    # A new status without a reason clears the old one.
    services.activity_report_progress(actor=official, activity=activity, status="ongoing")
    activity.refresh_from_db()
    assert activity.status_reason == ""


def test_the_database_refuses_a_cancelled_activity_without_reason():
    activity = ActivityFactory()
    Activity.objects.filter(pk=activity.pk).update(status="ongoing")
    with pytest.raises(IntegrityError):
        Activity.objects.filter(pk=activity.pk).update(status="cancelled", status_reason="")


def test_an_empty_progress_report_is_refused(official):
    activity = ActivityFactory(
        area__plan__strategy__organisation=official.roles.first().organisation
    )
    with pytest.raises(ValidationFailed):
        services.activity_report_progress(actor=official, activity=activity, status="not_started")
    with pytest.raises(ValidationFailed):
        services.activity_report_progress(
            actor=official, activity=activity, status="ongoing", progress=120
        )
    with pytest.raises(PermissionDenied):
        services.activity_report_progress(
            actor=UserFactory(), activity=activity, status="ongoing", text="x"
        )


def test_move_swaps_neighbours_and_renumbers(official):
    organisation = official.roles.first().organisation
    plan = plan_with_areas(areas=1, per_area=3, strategy__organisation=organisation)
    first, second, third = Activity.objects.filter(area__plan=plan).order_by("position")
    Activity.objects.filter(pk=third.pk).update(position=9)
    services.item_move(actor=official, item=third, direction=-1)
    ordered = list(
        Activity.objects.filter(area__plan=plan).order_by("position").values_list("pk", "position")
    )
    assert ordered == [(first.pk, 1), (third.pk, 2), (second.pk, 3)]
    services.item_move(actor=official, item=first, direction=-1)  # already first: nothing moves
    assert Activity.objects.get(pk=first.pk).position == 1


def test_delete_refuses_an_area_with_activities(official):
    organisation = official.roles.first().organisation
    plan = plan_with_areas(areas=1, per_area=1, strategy__organisation=organisation)
    area = plan.areas.get()
    with pytest.raises(DelaktigError):
        services.item_delete(actor=official, item=area)
    with pytest.raises(DelaktigError):
        services.item_delete(actor=official, item=plan)
    services.item_delete(actor=official, item=area.activities.get())
    services.item_delete(actor=official, item=area)
    assert not FocusArea.objects.filter(plan=plan).exists()


def test_indicator_value_set_replaces_the_same_year(official):
    organisation = official.roles.first().organisation
    indicator = IndicatorFactory(strategy__organisation=organisation)
    services.indicator_value_set(
        actor=official, indicator=indicator, year=2024, value=Decimal("41")
    )
    services.indicator_value_set(
        actor=official, indicator=indicator, year=2024, value=Decimal("42.5"), note="Rättad"
    )
    services.indicator_value_set(
        actor=official, indicator=indicator, year=2024, sex="kvinna", value=Decimal("45")
    )
    values = IndicatorValue.objects.filter(indicator=indicator).order_by("sex")
    assert [(v.sex, v.value, v.note) for v in values] == [
        ("alla", Decimal("42.5"), "Rättad"),
        ("kvinna", Decimal("45"), ""),
    ]


def test_indicator_not_by_sex_refuses_values_by_sex(official):
    organisation = official.roles.first().organisation
    indicator = IndicatorFactory(strategy__organisation=organisation, by_sex=False, sex_note="x")
    with pytest.raises(ValidationFailed):
        services.indicator_value_set(
            actor=official, indicator=indicator, year=2024, sex="man", value=Decimal("1")
        )


def test_indicator_import_reads_kolada_and_maps_the_region_to_the_whole_area(official):
    organisation = official.roles.first().organisation
    municipality = MunicipalityFactory(code="2380", name="Östersund")
    organisation.municipalities.add(municipality)
    MunicipalityFactory(code="0180", name="Stockholm")  # not in the region: refused
    indicator = IndicatorFactory(strategy__organisation=organisation, kolada_kpi="N00945")
    data = (
        b"kpi;municipality;period;gender;value\n"
        b"N00945;0023;2023;T;41,5\n"
        b"N00945;0023;2023;K;44,0\n"
        b"N00945;2380;2023;M;39\n"
        b"N99999;0023;2023;T;1\n"
    )
    count = services.indicator_values_import(
        actor=official, indicator=indicator, data=data, filename="kolada.csv"
    )
    assert count == 3
    rows = {
        (v.municipality_id, v.sex): v.value
        for v in IndicatorValue.objects.filter(indicator=indicator)
    }
    assert rows == {
        (None, "alla"): Decimal("41.5"),
        (None, "kvinna"): Decimal("44"),
        (municipality.pk, "man"): Decimal("39"),
    }


def test_indicator_import_is_all_or_nothing(official):
    organisation = official.roles.first().organisation
    indicator = IndicatorFactory(strategy__organisation=organisation)
    data = "år;värde;kommun\n2023;10;\n2024;11;0180\n".encode()
    with pytest.raises(ValidationFailed) as raised:
        services.indicator_values_import(
            actor=official, indicator=indicator, data=data, filename="v.csv"
        )
    assert "0180" in raised.value.message
    assert not IndicatorValue.objects.filter(indicator=indicator).exists()
    with pytest.raises(ValidationFailed):
        services.indicator_values_import(
            actor=official, indicator=indicator, data=b"ar;x\nfoo;bar\n", filename="v.csv"
        )
    assert not IndicatorValue.objects.filter(indicator=indicator).exists()


def _xlsx(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_plan_import_reports_unreadable_rows_and_imports_the_rest_once(official):
    organisation = official.roles.first().organisation
    strategy = StrategyFactory(organisation=organisation)
    GoalFactory(strategy=strategy, number="1")
    plan = PlanFactory(strategy=strategy)
    data = _xlsx(
        [
            [
                "Område",
                "Aktivitet",
                "Ansvarig",
                "Period",
                "Status",
                "Skäl",
                "Mål",
                "Agenda 2030",
                "Jämställdhetsmål",
                "Perspektiv",
            ],
            [
                "Stärkt dialog",
                "Digitala enkäter",
                "Demokratienheten",
                "2023–2024",
                "pågår",
                "",
                "1",
                "16.7",
                "1",
                "Barn och unga",
            ],
            ["Stärkt dialog", "Ungas inflytande", "", "2024", "", "", "", "", "", ""],
            ["Hot och hat", "Utbildning", "HR", "2023", "avbruten", "", "", "", "", ""],
            ["Hot och hat", "Riskguiden", "", "2023", "klar", "", "7", "", "", ""],
            [
                "Interna processer",
                "Rutin för återkoppling",
                "",
                "2025",
                "ej påbörjad",
                "",
                "",
                "16.77",
                "",
                "",
            ],
        ]
    )
    read = services.plan_import_read(actor=official, plan=plan, data=data, filename="plan.xlsx")
    assert [row["title"] for row in read.rows] == ["Digitala enkäter", "Ungas inflytande"]
    # The parser's codes (``planfile``), with or without their app prefix.
    assert {(e["row"], e["code"].rsplit(".", 1)[-1]) for e in read.errors} == {
        (4, "reason_required"),
        (5, "unknown_goal"),
        (6, "unknown_sdg_target"),
    }
    assert not Activity.objects.filter(area__plan=plan).exists()  # nothing written yet

    assert services.plan_import_apply(actor=official, plan_import=read) == 2
    activity = Activity.objects.get(title="Digitala enkäter")
    assert (activity.code, activity.status, activity.start_year, activity.end_year) == (
        "1.1",
        "ongoing",
        2023,
        2024,
    )
    assert [t.code for t in activity.sdg_targets.all()] == ["16.7"]
    assert [g.number for g in activity.gender_equality_goals.all()] == [1]
    assert [p.code for p in activity.perspectives.all()] == ["barn_och_unga"]
    assert [g.number for g in activity.goals.all()] == ["1"]
    assert Activity.objects.get(title="Ungas inflytande").code == "1.2"

    with pytest.raises(DelaktigError):
        services.plan_import_apply(actor=official, plan_import=PlanImport.objects.get(pk=read.pk))
    assert Activity.objects.filter(area__plan=plan).count() == 2

    again = services.plan_import_read(actor=official, plan=plan, data=data, filename="plan.xlsx")
    assert not again.rows
    assert {e["code"].rsplit(".", 1)[-1] for e in again.errors} >= {"already_in_plan"}


def test_plan_import_refuses_a_file_it_cannot_read(official):
    plan = PlanFactory(strategy__organisation=official.roles.first().organisation)
    with pytest.raises(ValidationFailed):
        services.plan_import_read(actor=official, plan=plan, data=b"", filename="x.csv")
    with pytest.raises(ValidationFailed):
        services.plan_import_read(
            actor=official, plan=plan, data=b"Namn;Datum\nA;B\n", filename="x.csv"
        )
    with pytest.raises(PermissionDenied):
        services.plan_import_read(
            actor=UserFactory(),
            plan=plan,
            data="Område;Aktivitet\nA;B\n".encode(),
            filename="x.csv",
        )


def test_done_means_all_the_way(official):
    activity = ActivityFactory(
        area__plan__strategy__organisation=official.roles.first().organisation, progress=60
    )
    services.activity_report_progress(actor=official, activity=activity, status="done", progress=60)
    activity.refresh_from_db()
    assert activity.progress == 100


def test_a_strategy_with_indicators_or_joined_actors_is_not_deleted(official):
    strategy = StrategyFactory(organisation=official.roles.first().organisation)
    IndicatorFactory(strategy=strategy)
    with pytest.raises(DelaktigError):
        services.item_delete(actor=official, item=strategy)
    assert AuditEntry.objects.filter(action="followup.delete").count() == 0


def test_moving_an_activity_to_another_area_puts_it_last_there(official):
    organisation = official.roles.first().organisation
    plan = plan_with_areas(areas=2, per_area=2, strategy__organisation=organisation)
    first = Activity.objects.get(title="Aktivitet 1.1")
    second_area = plan.areas.get(title="Område 2")
    first.area = second_area  # as a ModelForm leaves it before the service runs
    services.activity_update(
        actor=official,
        activity=first,
        area=second_area,
        title="A",
        description="",
        responsible_unit="",
        contact_name="",
        contact_email="",
        start_year=None,
        end_year=None,
        goals=[],
        gender_equality_goals=[],
        perspectives=[],
        sdg_targets=[],
        processes=[],
    )
    first.refresh_from_db()
    assert (first.area_id, first.code) == (second_area.pk, "2.3")


def test_two_uploads_of_the_same_file_import_once(official):
    organisation = official.roles.first().organisation
    plan = PlanFactory(strategy__organisation=organisation)
    AreaFactory(plan=plan, title="Dialog", position=1)
    data = "Område;Aktivitet\ndialog;Webbinarier\nDIALOG ;Enkäter\n".encode()
    one = services.plan_import_read(actor=official, plan=plan, data=data, filename="a.csv")
    two = services.plan_import_read(actor=official, plan=plan, data=data, filename="a.csv")
    assert services.plan_import_apply(actor=official, plan_import=one) == 2
    assert services.plan_import_apply(actor=official, plan_import=two) == 0
    # The area is matched whatever its case and spacing: no second "Dialog".
    assert list(plan.areas.values_list("title", flat=True)) == ["Dialog"]
    assert Activity.objects.filter(area__plan=plan).count() == 2
    entry = AuditEntry.objects.filter(action="followup.plan_import").first()
    assert entry.organisation == organisation


def test_the_same_report_sent_twice_is_kept_once(official):
    activity = ActivityFactory(
        area__plan__strategy__organisation=official.roles.first().organisation
    )
    first = services.activity_report_progress(
        actor=official, activity=activity, status="ongoing", progress=30, text="Igång."
    )
    again = services.activity_report_progress(
        actor=official, activity=activity, status="ongoing", progress=30, text="Igång."
    )
    assert again.pk == first.pk
    assert ProgressNote.objects.filter(activity=activity).count() == 1


def test_deleting_an_activity_closes_the_gap_in_the_numbers(official):
    organisation = official.roles.first().organisation
    plan = plan_with_areas(areas=1, per_area=3, strategy__organisation=organisation)
    services.item_delete(actor=official, item=Activity.objects.get(title="Aktivitet 1.2"))
    codes = [a.code for a in Activity.objects.filter(area__plan=plan).order_by("position")]
    assert codes == ["1.1", "1.2"]
    assert Activity.objects.get(title="Aktivitet 1.3").code == "1.2"
