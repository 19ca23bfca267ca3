"""Every plan and indicator file error code has a message, filled in as people read it."""

import re
from typing import Any

import pytest
from django.utils import translation

from delaktig.followup.imports import indicatorfile, planfile
from delaktig.followup.imports.messages import (
    MESSAGES,
    file_error_message,
    indicator_error_message,
    indicator_error_messages,
    indicator_messages,
    indicator_row_message,
    plan_error_message,
    plan_messages,
    row_error_message,
)
from delaktig.followup.status import NEEDS_REASON, ActivityStatus
from delaktig.participation.models import Perspective

PLACEHOLDER = re.compile(r"%\((\w+)\)s")
PLAN = "followup.planfile."
INDICATOR = "followup.indicatorfile."


@pytest.fixture(autouse=True)
def _swedish() -> Any:
    with translation.override("sv"):
        yield


def sample_params(template: str) -> dict[str, Any]:
    return {name: f"<{name}>" for name in PLACEHOLDER.findall(template)}


def test_the_plan_parser_shares_the_codes_of_the_models() -> None:
    assert planfile.ACTIVITY_STATUSES == tuple(ActivityStatus.values)
    assert {"postponed", "cancelled"} == set(NEEDS_REASON)
    assert planfile.PERSPECTIVES == tuple(Perspective.Code.values)


@pytest.mark.parametrize("code", sorted(planfile.ERROR_CODES))
def test_every_plan_code_has_a_message(code: str) -> None:
    template = plan_messages()[code]
    message = plan_error_message(code, sample_params(template))
    assert message and "%(" not in message and message != code
    assert message.endswith(".")
    with translation.override("en"):
        assert str(MESSAGES[code]) != template


@pytest.mark.parametrize("code", sorted(indicatorfile.ERROR_CODES))
def test_every_indicator_code_has_a_message(code: str) -> None:
    template = str(MESSAGES[code])
    message = indicator_error_message(code, sample_params(template) or {"count": 2})
    assert message and "%(" not in message and message != code
    assert message.endswith(".")


def test_the_messages_are_the_parsers_codes_and_no_more() -> None:
    assert set(MESSAGES) == planfile.ERROR_CODES | indicatorfile.ERROR_CODES
    assert set(plan_messages()) == planfile.ERROR_CODES
    assert set(indicator_messages()) == indicatorfile.ERROR_CODES - {INDICATOR + "rows_invalid"}
    assert all(code.startswith((PLAN, INDICATOR)) for code in MESSAGES)


def test_the_catalogue_fills_a_message_in_with_params_as_people_read_them() -> None:
    """``message % params``, as delaktig.core.catalogue fills it in, shows labels."""
    params = {"column": "area", "names": ["område", "insatsområde"]}
    assert MESSAGES[PLAN + "missing_column"] % params == plan_error_message(
        PLAN + "missing_column", params
    )
    assert str(MESSAGES[PLAN + "missing_area"]) == "Insatsområde saknas."
    with translation.override("en"):
        assert str(MESSAGES[PLAN + "missing_area"]) != "Insatsområde saknas."


def test_plan_messages_show_labels_for_codes() -> None:
    assert plan_error_message(
        PLAN + "missing_column", {"column": "area", "names": ["område", "insatsområde"]}
    ) == (
        "Kolumnen för insatsområde saknas. Rubriken kan till exempel vara ”område”, ”insatsområde”."
    )
    assert plan_error_message(PLAN + "reason_required", {"status": "postponed"}) == (
        "Statusen ”Uppskjuten” behöver ett skäl."
    )
    assert plan_error_message(PLAN + "unsupported_format", {"detected": "pdf"}).startswith(
        "Filen är inte en CSV- eller Excelfil (xlsx), utan ser ut att vara en PDF-fil."
    )
    assert plan_error_message(PLAN + "sdg_goal_not_target", {"value": "16"}).endswith(
        "till exempel 16.1."
    )
    assert plan_error_message(PLAN + "no_such_code", {}) == PLAN + "no_such_code"


def test_a_row_error_stored_without_the_prefix_reads_the_same() -> None:
    assert plan_error_message("bad_status", {"value": "x"}) == plan_error_message(
        PLAN + "bad_status", {"value": "x"}
    )
    assert plan_error_message("unknown_goal", {"numbers": "9"}) == "Strategin har inget mål 9."


def test_row_error_message_names_row_and_column() -> None:
    error = planfile.RowError(7, "Status", PLAN + "bad_status", {"value": "kanske"})
    assert row_error_message(error).startswith("Rad 7, kolumn ”Status”: ”kanske” är ingen status.")
    error = planfile.RowError(8, "", PLAN + "missing_area", {})
    assert row_error_message(error) == "Rad 8: Insatsområde saknas."


def test_messages_for_a_real_plan_file() -> None:
    data = "Område;Aktivitet;Status\nA;B;uppskjuten\n".encode()
    (error,) = planfile.read_plan(data, "plan.csv").errors
    assert (
        row_error_message(error)
        == "Rad 2, kolumn ”Status”: Statusen ”Uppskjuten” behöver ett skäl."
    )
    with pytest.raises(planfile.PlanFileError) as caught:
        planfile.read_plan(b"Aktivitet\nx\n", "plan.csv")
    assert file_error_message(caught.value).startswith("Kolumnen för insatsområde saknas.")


def test_rows_invalid_counts_and_lists_the_rows() -> None:
    with pytest.raises(indicatorfile.IndicatorFileError) as caught:
        indicatorfile.read_indicator_values("år;kön;värde\n2020;x;1\n".encode(), "v.csv")
    assert indicator_error_messages(caught.value) == [
        "Inget har importerats, eftersom filen har ett fel.",
        "Rad 2: ”x” är inget kön. Skriv totalt, kvinnor eller män (T, K eller M).",
    ]
    assert indicator_error_message(INDICATOR + "rows_invalid", {"count": 3, "shown": 3}) == (
        "Inget har importerats, eftersom filen har 3 fel."
    )
    assert indicator_error_message(INDICATOR + "rows_invalid", {"count": 75, "shown": 50}) == (
        "Inget har importerats, eftersom filen har 75 fel. De första 50 visas."
    )


def test_indicator_messages_show_labels_and_dashes() -> None:
    error = indicatorfile.IndicatorRowError(
        5,
        INDICATOR + "duplicate_value",
        {"kpi": "", "municipality": "0180", "year": 2020, "sex": "kvinna", "first_line": 2},
    )
    assert indicator_row_message(error) == (
        "Rad 5: Samma år (2020), kön (kvinnor), kommun (0180) och nyckeltal (–) finns redan "
        "på rad 2."
    )
    assert indicator_error_message(
        INDICATOR + "missing_column", {"column": "year", "names": ["år"]}
    ) == ("Kolumnen för år saknas. Rubriken kan till exempel vara ”år”.")
    with pytest.raises(indicatorfile.IndicatorFileError) as caught:
        indicatorfile.read_indicator_values(b"%PDF", "v.pdf")
    assert file_error_message(caught.value) == (
        "Filen är inte en CSV-, Excel- (xlsx) eller JSON-fil, utan ser ut att vara en PDF-fil."
    )
    assert indicator_error_messages(caught.value) == [file_error_message(caught.value)]
