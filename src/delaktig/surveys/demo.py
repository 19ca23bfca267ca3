"""The demo survey: travel in the county, with a synthetic population table.

The answers are generated so that they look like a real open survey: older people, women and
Östersund answer more, and what people think depends on age and where they live, so weighting
to the population visibly moves the results. Everything is made up and labelled so.
"""

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from delaktig.accounts.types import User
from delaktig.insights.suppression import AGE_GROUPS
from delaktig.organisations.models import Organisation
from delaktig.participation import services as participation_services
from delaktig.participation.models import Perspective, Process, SdgGoal, TargetGroup
from delaktig.participation.workflow import Action
from delaktig.population.models import PopulationCount, PopulationTable

from . import services
from .models import Answer, Choice, Question, Response, Section, Survey

# Roughly the municipalities' sizes; the split by age and sex below is invented.
SIZES = {
    "2303": 5_300,
    "2305": 6_200,
    "2309": 15_500,
    "2313": 11_300,
    "2321": 11_900,
    "2326": 6_900,
    "2361": 9_800,
    "2380": 64_500,
}
AGE_SHARES = [0.19, 0.14, 0.18, 0.25, 0.17, 0.07]

FREE_TEXT = [
    "Fler bussturer på kvällarna så att man kan ta sig hem efter jobbet",
    "Bussen går för sällan på helgerna, det behövs fler turer",
    "Tätare turer och bussar som passar tågen i Östersund",
    "Billigare biljetter för unga och studenter",
    "Priset på periodkortet är för högt, sänk biljettpriset",
    "Gratis kollektivtrafik för pensionärer skulle hjälpa många",
    "Trygga och upplysta hållplatser, det är mörkt på vintern",
    "Väderskydd vid hållplatsen och bättre belysning",
    "Plogade gång- och cykelvägar på vintern",
    "Fler cykelvägar mellan byarna och centralorten",
    "Bussar som går att ta sig in i med rullator och rullstol",
    "Tillgängliga bussar med ramp och utrop av hållplatser",
    "Anropsstyrd trafik på landsbygden där bussen inte går",
    "Närtrafik som man kan beställa när man bor långt från hållplatsen",
    "Laddstolpar för elbil i de mindre orterna",
]


def _population(region: Organisation, official: User) -> PopulationTable:
    table = PopulationTable.objects.create(
        organisation=region,
        name="Syntetisk befolkning 2025 – påhittade siffror för demon",
        year=2025,
        source="Påhittade siffror i storleksordningen för länets kommuner. Inte SCB-statistik.",
        is_synthetic=True,
        filename="demo",
        source_format="demo",
        imported_by=official,
    )
    rng = random.Random(23)
    names = dict(region.municipalities.values_list("code", "name"))
    rows = []
    for code, size in SIZES.items():
        for age, share in zip(AGE_GROUPS, AGE_SHARES, strict=True):
            women = 0.47 + 0.06 * (age in ("65–79", "80+")) + rng.uniform(-0.01, 0.01)
            for sex, part in (("kvinna", women), ("man", 1 - women)):
                rows.append(
                    PopulationCount(
                        table=table,
                        region_code=code,
                        region_name=names.get(code, ""),
                        age_group=age,
                        sex=sex,
                        count=round(size * share * part),
                    )
                )
    PopulationCount.objects.bulk_create(rows)
    return table


# The demo questions: (key, section, kind, Swedish, English, choices, further fields).
QUESTIONS: list[tuple[str, int, str, str, str, list[tuple[str, str]], dict[str, Any]]] = [
    (
        "mode",
        0,
        "single",
        "Hur reser du oftast?",
        "How do you usually travel?",
        [
            ("Buss eller tåg", "Bus or train"),
            ("Bil", "Car"),
            ("Cykel eller till fots", "Bike or on foot"),
        ],
        {"required": True},
    ),
    (
        "often",
        0,
        "single",
        "Hur ofta åker du buss eller tåg?",
        "How often do you take the bus or train?",
        [("Varje dag", "Every day"), ("Varje vecka", "Every week"), ("Mer sällan", "Less often")],
        {"show_if": ("mode", 0)},
    ),
    (
        "trips",
        0,
        "number",
        "Hur många resor gör du en vanlig vecka?",
        "How many trips do you make in a usual week?",
        [],
        {"min_value": 0, "max_value": 100},
    ),
    (
        "satisfied",
        1,
        "scale",
        "Hur nöjd är du med kollektivtrafiken där du bor?",
        "How satisfied are you with public transport where you live?",
        [
            ("Mycket missnöjd", "Very dissatisfied"),
            ("Ganska missnöjd", "Fairly dissatisfied"),
            ("Ganska nöjd", "Fairly satisfied"),
            ("Mycket nöjd", "Very satisfied"),
        ],
        {"required": True},
    ),
    (
        "wanted",
        1,
        "multiple",
        "Vad ska regionen satsa mer på? Välj gärna flera.",
        "What should the region invest more in? Choose several if you like.",
        [
            ("Fler turer", "More departures"),
            ("Lägre priser", "Lower fares"),
            ("Tillgängliga fordon", "Accessible vehicles"),
            ("Cykelvägar", "Cycle paths"),
        ],
        {},
    ),
    (
        "free",
        1,
        "text",
        "Vad skulle göra det lättare för dig att resa utan bil?",
        "What would make it easier for you to travel without a car?",
        [],
        {"help_text": "Skriv med egna ord. Skriv inte namn eller annat som pekar ut någon."},
    ),
]


def _sections(survey: Survey) -> list[Section]:
    travel = Section.objects.create(
        survey=survey,
        position=0,
        title="Hur du reser",
        description="Tänk på dina resor en vanlig vecka.",
        translations={
            "en": {"title": "How you travel", "description": "Think of your trips in a usual week."}
        },
    )
    opinion = Section.objects.create(
        survey=survey,
        position=1,
        title="Vad du tycker",
        translations={"en": {"title": "What you think"}},
    )
    return [travel, opinion]


def _questions(survey: Survey) -> dict[str, Question]:
    """The questions of ``QUESTIONS`` with their choices, numbered within their sections."""
    sections = _sections(survey)
    questions: dict[str, Question] = {}
    choices: dict[str, list[Choice]] = {}
    positions = [0] * len(sections)
    for key, section, kind, text, en, labels, fields in QUESTIONS:
        extra = dict(fields)
        if "show_if" in extra:
            on, index = extra["show_if"]
            extra["show_if"] = choices[on][index]
        questions[key] = Question.objects.create(
            section=sections[section],
            position=positions[section],
            kind=kind,
            text=text,
            translations={"en": {"text": en}},
            **extra,
        )
        positions[section] += 1
        choices[key] = [
            Choice.objects.create(
                question=questions[key], position=i, label=sv, translations={"en": {"label": en}}
            )
            for i, (sv, en) in enumerate(labels)
        ]
    return questions


def _responses(survey: Survey, questions: dict[str, Question], region: Organisation) -> None:
    rng = random.Random(2025)
    places = list(region.municipalities.order_by("code"))
    # Who answers an open survey: more older people, women and Östersund; few young men.
    age_weights = [0.0, 0.08, 0.16, 0.32, 0.32, 0.12]
    place_weights = [0.04, 0.04, 0.09, 0.07, 0.06, 0.03, 0.05, 0.62]
    options = {key: list(q.choices.all()) for key, q in questions.items()}
    now = timezone.now()
    for n in range(420):
        age = rng.choices(AGE_GROUPS, age_weights)[0]
        sex = rng.choices(["kvinna", "man", "annat", "vill_inte_uppge", ""], [58, 37, 1, 2, 2])[0]
        place = rng.choices(places, place_weights)[0]
        young = age in ("18–29", "30–44")
        rural = place.code != "2380"
        response = Response.objects.create(
            survey=survey,
            language="en" if n % 17 == 0 else "sv",
            age_group="" if n % 23 == 0 else age,
            sex=sex,
            municipality=None if n % 29 == 0 else place,
            lives_elsewhere=n % 29 == 0 and n % 2 == 0,
        )
        mode = rng.choices(options["mode"], [0.45 if young else 0.3, 0.6 if rural else 0.45, 0.2])[
            0
        ]
        rows = [Answer(response=response, question=questions["mode"], choice=mode)]
        if mode == options["mode"][0]:
            rows.append(
                Answer(
                    response=response,
                    question=questions["often"],
                    choice=rng.choices(options["often"], [0.4, 0.35, 0.25])[0],
                )
            )
        satisfaction = [0.3, 0.35, 0.25, 0.1] if rural else [0.1, 0.25, 0.45, 0.2]
        if young:
            satisfaction = [0.35, 0.35, 0.2, 0.1]
        rows.append(
            Answer(
                response=response,
                question=questions["satisfied"],
                choice=rng.choices(options["satisfied"], satisfaction)[0],
            )
        )
        for choice, chance in zip(
            options["wanted"],
            [0.6 if rural else 0.4, 0.55 if young else 0.3, 0.3, 0.25],
            strict=True,
        ):
            if rng.random() < chance:
                rows.append(Answer(response=response, question=questions["wanted"], choice=choice))
        if rng.random() < 0.8:
            rows.append(
                Answer(
                    response=response,
                    question=questions["trips"],
                    number=rng.randint(0, 14),
                )
            )
        if rng.random() < 0.45:
            text = rng.choice(FREE_TEXT)
            if rng.random() < 0.3:
                text = text + ". " + rng.choice(FREE_TEXT).lower()
            rows.append(Answer(response=response, question=questions["free"], text=text))
        Answer.objects.bulk_create(rows)
        Response.objects.filter(pk=response.pk).update(
            submitted_at=now - timedelta(hours=rng.randint(1, 24 * 20))
        )
    # A few started but not sent in.
    for _i in range(12):
        Response.objects.create(survey=survey, age_group=rng.choice(AGE_GROUPS[1:]))


def load(region: Organisation, official: User, residents: list[User]) -> Process:
    now = timezone.now()
    process = participation_services.process_create(
        actor=official,
        organisation=region,
        slug="resvaneenkat-2026",
        title="Hur reser du i länet? Enkät om kollektivtrafiken",
        summary=(
            "Regionen planerar kollektivtrafiken för 2027–2030. Berätta hur du reser och vad "
            "som skulle göra det lättare att resa utan bil."
        ),
        easy_read_summary="Svara på några frågor om hur du reser. Det tar fem minuter.",
        body="## Varför vi frågar\n\nSvaren blir underlag till trafikförsörjningsprogrammet.",
        ladder_step=2,
        question="Hur reser du, och vad skulle göra det lättare att resa utan bil?",
        purpose="Underlag till det regionala trafikförsörjningsprogrammet 2027–2030.",
        input_use=(
            "Resultatet vägs mot befolkningen och redovisas per kön, åldersgrupp och kommun "
            "för regionala utvecklingsnämnden."
        ),
        decision_maker="Regionala utvecklingsnämnden",
        municipalities=region.municipalities.all(),
        target_groups=TargetGroup.objects.filter(code__in=["alla", "unga", "landsbygd"]),
        perspectives=Perspective.objects.filter(code__in=["jamstalldhet", "miljo"]),
        sdg_goals=SdgGoal.objects.filter(number__in=[11, 13]),
    )
    module = participation_services.module_add(
        actor=official,
        process=process,
        kind="survey",
        title="Resvaneenkät",
        description="Sex frågor och tre frivilliga frågor om dig. Ungefär fem minuter.",
    )
    survey = services.survey_for_module(module=module)
    survey.translations = {
        "en": {
            "intro": "We want to know how you travel in the county and what you think of "
            "public transport. Everyone who lives in the county can answer, no account needed.",
            "easy_read_intro": "Answer the questions about how you travel. You do not need to "
            "write your name.",
            "thanks": "The results will be published here when the survey has closed.",
        }
    }
    services.survey_settings_save(
        actor=official,
        survey=survey,
        intro=(
            "Vi vill veta hur du reser i länet och vad du tycker om kollektivtrafiken. Alla som "
            "bor i länet kan svara, utan konto."
        ),
        easy_read_intro="Svara på frågorna om hur du reser. Du behöver inte skriva ditt namn.",
        thanks="Resultatet publiceras här när enkäten har stängt, och nämnden får det i mars.",
        access=Survey.Access.ANONYMOUS,
        ask_background=survey.ask_background,
        results_public=True,
        opens_at=now - timedelta(days=21),
        closes_at=now + timedelta(days=14),
    )
    questions = _questions(survey)
    for action in (Action.PUBLISH, Action.OPEN):
        process = participation_services.process_transition(
            actor=official, process=process, action=action
        )
    _responses(survey, questions, region)
    table = _population(region, official)
    services.weighting_save(
        actor=official,
        survey=survey,
        population_table=table,
        margins=["sex", "age", "municipality"],
        target_age_groups=[a for a in AGE_GROUPS if a != "0–17"],
        trim_upper=None,
    )
    services.themes_find(actor=official, question=questions["free"], max_themes=6)
    return process
