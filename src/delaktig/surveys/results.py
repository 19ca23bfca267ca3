"""The results of a survey: counts, breakdowns, representativeness and weighted shares.

Reads everything the page needs in a fixed number of queries, then hands arrays to the pure
``analysis`` module.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from delaktig.core.errors import DelaktigError
from delaktig.core.languages import content_language
from delaktig.insights.suppression import AGE_GROUPS, Cell, suppress_table
from delaktig.population.models import PopulationCount, PopulationTable
from delaktig.translations.access import prefetch
from delaktig.weighting import WeightingError

from . import analysis, charts
from .errors import MESSAGES
from .models import Answer, Choice, Question, Response, Survey

MARGINS = ("sex", "age", "municipality")
DEFAULT_TARGET_AGES = [a for a in AGE_GROUPS if a != "0–17"]


def margin_labels() -> dict[str, str]:
    return {"sex": _("Kön"), "age": _("Åldersgrupp"), "municipality": _("Kommun")}


def weighting_error(error: WeightingError) -> DelaktigError:
    """The engine's reason as a surveys error (``surveys.weighting_<code>``), its variable and
    categories named as the interface names them."""
    names = margin_labels()
    params = error.params
    variable = names.get(str(params.get("variable", "")), str(params.get("variable", "")))
    categories = ", ".join(
        _("okänt") if c == analysis.UNKNOWN else str(c) for c in params.get("categories", [])
    )
    code = f"surveys.weighting_{error.code}"
    if code not in MESSAGES:
        code = "surveys.weighting_failed"
    return DelaktigError(code, variable=variable, categories=categories, code=error.code)


@dataclass
class BreakdownRow:
    label: str
    total: int | None  # None: suppressed
    cells: list[tuple[Cell, float | None]]  # (count cell, share of the row or None)


@dataclass
class Breakdown:
    title: str
    rows: list[BreakdownRow]


@dataclass
class QuestionResult:
    question: Question
    answered: int
    choices: list[tuple[Choice, analysis.Share]] = field(default_factory=list)
    number: analysis.NumberSummary | None = None
    texts: int = 0
    breakdowns: list[Breakdown] = field(default_factory=list)
    chart: charts.Chart | None = None


@dataclass
class RepresentativenessView:
    variable: str
    title: str
    comparison: analysis.Representativeness
    labels: dict[str, str]
    chart: charts.Chart
    hidden: set[str]  # groups whose respondents are too few to show
    unknown: int | None  # None: too few to show


@dataclass
class Weighting:
    outcome: analysis.WeightingOutcome | None
    error: str | None
    included: int
    excluded: int
    margins: list[str]
    table: PopulationTable | None


@dataclass
class SurveyResults:
    population_missing: list[str]  # the organisation's municipalities the table lacks
    survey: Survey
    respondents: int
    unfinished: int
    representativeness: list[RepresentativenessView]
    weighting: Weighting | None
    questions: list[QuestionResult]
    min_group_size: int
    # Respondents outside the target group (other ages, or living elsewhere), whom the
    # comparison with the population leaves out; None when fewer than min_group_size.
    population_outside: int | None = 0


def population_margins(
    table: PopulationTable, municipality_codes: list[str], age_groups: list[str]
) -> tuple[dict[str, dict[str, float]], list[str]]:
    """Sex, age group and municipality totals for the organisation's area and target ages,
    and the organisation's municipalities the table lacks.

    Uses the municipalities' own rows; a table with only the county's row gives sex and age
    but no municipality margin (and nothing is reported missing).
    """
    counts = PopulationCount.objects.filter(table=table, age_group__in=age_groups)
    rows = list(
        counts.filter(region_code__in=municipality_codes).values_list(
            "region_code", "age_group", "sex", "count"
        )
    )
    margins: dict[str, dict[str, float]] = {
        "sex": {"kvinna": 0.0, "man": 0.0},
        "age": {a: 0.0 for a in age_groups},
    }
    missing: list[str] = []
    if rows:
        margins["municipality"] = {code: 0.0 for code in municipality_codes}
        found = {region for region, *_rest in rows}
        missing = [code for code in municipality_codes if code not in found]
    else:
        counties = sorted({code[:2] for code in municipality_codes})
        rows = list(
            counts.filter(region_code__in=counties).values_list(
                "region_code", "age_group", "sex", "count"
            )
        )
    for region, age, sex, count in rows:
        margins["sex"][sex] += count
        margins["age"][age] += count
        if "municipality" in margins:
            margins["municipality"][region] += count
    return margins, missing


@dataclass
class _Respondents:
    """The submitted responses' background answers, one row per respondent (in pk order)."""

    row_of: dict[int, int]  # response pk → row
    ages: list[str | None]
    sexes: list[str | None]  # "kvinna", "man" or None: the sexes a population table has
    raw_sexes: list[str]
    places: list[str | None]  # municipality codes
    elsewhere: np.ndarray

    @property
    def n(self) -> int:
        return len(self.ages)


@dataclass
class _Population:
    """What comparing with and weighting to a population table gave."""

    representativeness: list[RepresentativenessView] = field(default_factory=list)
    weighting: Weighting | None = None
    weights: np.ndarray | None = None  # one per respondent, 0 outside the weighting
    missing: list[str] = field(default_factory=list)
    outside: int = 0  # respondents outside the target group


# (question id) → (respondent's row, choice id, number) for every answer
AnswerRows = dict[int, list[tuple[int, int | None, Any]]]
Grouping = tuple[str, list[str], list[tuple[str, str]]]


def survey_results(survey: Survey, *, weighted: bool = True) -> SurveyResults:
    min_size = settings.DELAKTIG_MIN_GROUP_SIZE
    organisation = survey.module.process.organisation
    municipalities = list(organisation.municipalities.order_by("code").values_list("code", "name"))
    respondents = _respondents(survey)
    unfinished = Response.objects.filter(survey=survey, submitted_at__isnull=True).count()
    questions, by_question, text_counts = _answers(survey, respondents)
    population = _population(survey, respondents, municipalities, min_size, weighted=weighted)
    groupings = _groupings(respondents, municipalities)
    results = []
    for question in questions:
        result = _question_result(
            question,
            by_question.get(question.pk, []),
            respondents.n,
            population.weights,
            groupings,
            min_size,
            texts=int(text_counts.get(question.pk, 0)),
        )
        if result is not None:
            results.append(result)
    return SurveyResults(
        population_missing=population.missing,
        survey=survey,
        respondents=respondents.n,
        unfinished=unfinished,
        representativeness=population.representativeness,
        weighting=population.weighting,
        questions=results,
        min_group_size=min_size,
        population_outside=None if 0 < population.outside < min_size else population.outside,
    )


# How long the public results page reuses what it computed and rendered (seconds). The key
# also holds the number of responses and the last change to one, so a response added or
# removed shows at once; a population table imported or a translation reviewed shows after at
# most this.
PUBLIC_RESULTS_SECONDS = 600


def public_results(survey: Survey) -> SafeString:
    """The public results page's body: ``survey_results`` rendered by ``results_body.html``,
    computed and rendered once and kept in the shared cache per interface and content
    language. At 100,000 responses the computation takes seconds and the tables of every
    question by sex, age and municipality take 20 ms to render (``bench/pages.py``); a closed
    survey's answers do not change, and two cheap aggregates tell if they did."""
    # Both from the index on survey and time alone (``survey_response_stamp``).
    stamp = Response.objects.filter(survey=survey).aggregate(n=Count("*"), last=Max("updated"))
    last = stamp["last"].isoformat() if stamp["last"] is not None else ""
    key = ":".join(
        (
            "surveys:public-results-html",
            str(survey.pk),
            str(stamp["n"]),
            last,
            translation.get_language() or "",
            content_language(),
        )
    )
    found: str | None = cache.get(key)
    if found is None:
        found = render_to_string(
            "surveys/includes/results_body.html",
            {"results": survey_results(survey), "staff": False},
        )
        cache.set(key, found, PUBLIC_RESULTS_SECONDS)
    return mark_safe(found)  # noqa: S308 - rendered by the template, which escapes


def _respondents(survey: Survey) -> _Respondents:
    responses = list(
        Response.objects.filter(survey=survey, submitted_at__isnull=False)
        .order_by("pk")
        .values_list("pk", "age_group", "sex", "municipality__code", "lives_elsewhere")
    )
    return _Respondents(
        row_of={pk: i for i, (pk, *_rest) in enumerate(responses)},
        ages=[a or None for _pk, a, _s, _m, _e in responses],
        sexes=[s if s in ("kvinna", "man") else None for _pk, _a, s, _m, _e in responses],
        raw_sexes=[s or "" for _pk, _a, s, _m, _e in responses],
        places=[m or None for _pk, _a, _s, m, _e in responses],
        elsewhere=np.array([e for *_rest, e in responses], dtype=bool),
    )


def _answers(
    survey: Survey, respondents: _Respondents
) -> tuple[list[Question], AnswerRows, dict[int, int]]:
    """The questions in order, their answers by respondent row and their free-text counts."""
    questions = list(
        Question.objects.filter(section__survey=survey)
        .select_related("section")
        .prefetch_related("choices")
        .order_by("section__position", "section_id", "position", "id")
    )
    answers = list(
        Answer.objects.filter(response__survey=survey, response__submitted_at__isnull=False)
        .values_list("response_id", "question_id", "choice_id", "number")
        .order_by("pk")
    )
    text_counts = dict(
        Answer.objects.filter(response__survey=survey, response__submitted_at__isnull=False)
        .exclude(text="")
        .values_list("question_id")
        .annotate(c=Count("id"))
        .values_list("question_id", "c")
    )
    by_question: AnswerRows = {}
    row_of = respondents.row_of
    for response_id, question_id, choice_id, number in answers:
        if response_id in row_of:  # not a response submitted after the first read
            by_question.setdefault(question_id, []).append((row_of[response_id], choice_id, number))
    return questions, by_question, text_counts


def _population(
    survey: Survey,
    respondents: _Respondents,
    municipalities: list[tuple[str, str]],
    min_size: int,
    *,
    weighted: bool,
) -> _Population:
    """Representativeness and weighting, when staff chose a population table and margins."""
    table = survey.population_table
    if table is None:
        return _Population()
    municipality_names = dict(municipalities)
    target_ages = survey.target_age_groups or DEFAULT_TARGET_AGES
    population, missing = population_margins(table, [c for c, _n in municipalities], target_ages)
    ages = respondents.ages
    in_ages = np.array([a is None or a in target_ages for a in ages], dtype=bool)
    # Those living elsewhere are outside the population when it is the municipalities'.
    in_target = in_ages & ~respondents.elsewhere if "municipality" in population else in_ages
    idx = np.flatnonzero(in_target)
    columns_all = {"sex": respondents.sexes, "age": ages, "municipality": respondents.places}
    labels_of = {
        "sex": {"kvinna": _("Kvinna"), "man": _("Man")},
        "age": {a: a for a in AGE_GROUPS},
        "municipality": municipality_names,
    }
    result = _Population(
        missing=[municipality_names[code] for code in missing],
        outside=respondents.n - len(idx),
    )
    for variable in MARGINS:
        if variable in population:
            values = [columns_all[variable][i] for i in idx]
            result.representativeness.append(
                representativeness(
                    variable, values, population[variable], labels_of[variable], min_size
                )
            )
    chosen = [m for m in survey.weighting_margins if m in population]
    if weighted and chosen:
        n = respondents.n
        try:
            outcome = analysis.weight_respondents(
                {m: [columns_all[m][i] for i in idx] for m in chosen},
                {m: population[m] for m in chosen},
                trim_upper=survey.trim_upper,
            )
        except WeightingError as error:
            result.weighting = Weighting(None, weighting_error(error).message, 0, n, chosen, table)
        else:
            result.weights = np.zeros(n)
            result.weights[idx] = outcome.weights
            result.weighting = Weighting(outcome, None, len(idx), n - len(idx), chosen, table)
    return result


def representativeness(
    variable: str,
    values: list[str | None],
    population: dict[str, float],
    labels: dict[str, str],
    min_size: int,
    *,
    respondents_label: str | None = None,
) -> RepresentativenessView:
    """Who answered (``values``, one per respondent) against the population in ``variable``,
    with small groups suppressed. Also used for who voted in a participatory budget
    (``budgeting.selectors``), where ``respondents_label`` is "Röstande"."""
    comparison = analysis.compare_to_population(variable, values, population)
    respondents = [g.respondents for g in comparison.groups]
    _cells, small = suppress_table([[r] for r in respondents], respondents, min_size=min_size)
    hidden = {g.label for g, h in zip(comparison.groups, small, strict=True) if h}
    return RepresentativenessView(
        variable=variable,
        title=margin_labels()[variable],
        comparison=comparison,
        labels=labels,
        chart=charts.bar_chart(
            [charts.shorten(labels.get(g.label, g.label)) for g in comparison.groups],
            [
                [None if g.label in hidden else g.respondent_share, g.population_share]
                for g in comparison.groups
            ],
            [respondents_label or _("Svarande"), _("Befolkning")],
            scale_max=_scale(
                [max(g.respondent_share, g.population_share) for g in comparison.groups]
            ),
        ),
        hidden=hidden,
        unknown=None if 0 < comparison.unknown < min_size else comparison.unknown,
    )


def _groupings(respondents: _Respondents, municipalities: list[tuple[str, str]]) -> list[Grouping]:
    """The breakdowns: each respondent's sex, age group and municipality, and their order."""
    places = respondents.places
    elsewhere = respondents.elsewhere.tolist()
    return [
        (
            _("Kön"),
            respondents.raw_sexes,
            [(key, str(label)) for key, label in [*Response.Sex.choices, ("", _("Inget svar"))]],
        ),
        (
            _("Åldersgrupp"),
            [a or "" for a in respondents.ages],
            [(a, a) for a in AGE_GROUPS] + [("", _("Inget svar"))],
        ),
        (
            _("Kommun"),
            [m or ("annan" if e else "") for m, e in zip(places, elsewhere, strict=True)],
            [*municipalities, ("annan", _("Annan kommun")), ("", _("Inget svar"))],
        ),
    ]


def _question_result(
    question: Question,
    rows: list[tuple[int, int | None, Any]],
    n: int,
    weights: np.ndarray | None,
    groupings: list[Grouping],
    min_size: int,
    *,
    texts: int,
) -> QuestionResult | None:
    """One question's figures; None (left out) where a weighted summary of numbers fails."""
    result = QuestionResult(question=question, answered=len({r for r, _c, _v in rows}))
    if question.has_choices:
        _choice_result(result, rows, n, weights, groupings, min_size)
    elif question.kind == Question.Kind.NUMBER:
        return _number_result(result, rows, weights)
    else:
        result.texts = texts
    return result


def _choice_result(
    result: QuestionResult,
    rows: list[tuple[int, int | None, Any]],
    n: int,
    weights: np.ndarray | None,
    groupings: list[Grouping],
    min_size: int,
) -> None:
    choices = list(result.question.choices.all())
    prefetch(choices)  # their labels in the reader's language, in one query
    column = {c.pk: j for j, c in enumerate(choices)}
    ticks = np.zeros((n, len(choices)), dtype=bool)
    for r, ticked, _v in rows:
        if ticked in column:
            ticks[r, column[ticked]] = True
    shares = analysis.choice_shares(ticks)
    if weights is not None:
        included = weights > 0
        weighted_shares = analysis.choice_shares(ticks[included], weights[included])
        shares = [
            analysis.Share(s.count, s.share, s.margin, w.weighted_share, w.weighted_margin)
            for s, w in zip(shares, weighted_shares, strict=True)
        ]
    result.choices = list(zip(choices, shares, strict=True))
    result.breakdowns = [
        _breakdown(title, keys, order, ticks, [c.tr("label") for c in choices], min_size)
        for title, keys, order in groupings
    ]
    with_weights = weights is not None
    result.chart = charts.bar_chart(
        [charts.shorten(c.tr("label")) for c in choices],
        [[s.share] + ([s.weighted_share] if with_weights else []) for s in shares],
        [_("Svarande")] + ([_("Vägt")] if with_weights else []),
        [[s.margin] + ([s.weighted_margin] if with_weights else []) for s in shares],
        scale_max=1.0,
    )


def _number_result(
    result: QuestionResult, rows: list[tuple[int, int | None, Any]], weights: np.ndarray | None
) -> QuestionResult | None:
    numbers = np.array([float(v) for _r, _c, v in rows if v is not None])
    result.number = analysis.number_summary(numbers)
    if weights is None or not len(numbers):
        return result
    w = np.array([weights[r] for r, _c, v in rows if v is not None])
    keep = w > 0
    if not keep.any():
        return result
    weighted_summary = analysis.number_summary(numbers[keep], w[keep])
    if result.number is None or weighted_summary is None:
        return None
    result.number = analysis.NumberSummary(
        result.number.n,
        result.number.mean,
        result.number.median,
        result.number.margin,
        weighted_summary.weighted_mean,
        weighted_summary.weighted_margin,
    )
    return result


def _scale(values: list[float]) -> float:
    top = max(values, default=0.0)
    for step in (0.2, 0.4, 0.6, 0.8, 1.0):
        if top <= step:
            return step
    return 1.0


def _breakdown(
    title: str,
    keys: list[str],
    order: list[tuple[str, str]],
    ticks: np.ndarray,
    choice_labels: list[str],
    min_size: int,
) -> Breakdown:
    """Counts per group × choice, with small groups and counts hidden so that none can be
    worked out from the totals shown beside them (see ``suppress_table``)."""
    answered: np.ndarray = np.asarray(ticks.any(axis=1), dtype=bool)
    key_array = np.array(keys, dtype=object)
    flags = [bool(a) for a in answered.tolist()]
    group_sizes = Counter(k for k, a in zip(keys, flags, strict=True) if a)
    groups = [
        (key, label)
        for key, label in order
        if group_sizes.get(key, 0) or key not in ("", "annan", "annat", "vill_inte_uppge")
    ]
    counts = [
        [int(c) for c in ticks[(key_array == key) & answered].sum(axis=0).tolist()]
        for key, _label in groups
    ]
    sizes = [int(group_sizes.get(key, 0)) for key, _label in groups]
    hidden, hidden_totals = suppress_table(counts, sizes, min_size=min_size)
    rows = []
    for i, (_key, label) in enumerate(groups):
        size = sizes[i]
        cells = [Cell(str(j), None if hidden[i][j] else count) for j, count in enumerate(counts[i])]
        rows.append(
            BreakdownRow(
                label=str(label),
                total=None if hidden_totals[i] else size,
                cells=[
                    (cell, None if cell.count is None or size == 0 else cell.count / size)
                    for cell in cells
                ],
            )
        )
    return Breakdown(title=title, rows=rows)
