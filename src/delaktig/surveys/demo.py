"""The demo survey: travel in the county, with a synthetic population table.

The answers are generated so that they look like a real open survey: older people, women and
Östersund answer more, and what people think depends on age and where they live, so weighting
to the population visibly moves the results. Everything is made up and labelled so.

The content (the process, the questions, the free-text answers, the population's sizes) is in
``demo_data.toml`` next to this module; the answers are drawn here, with a fixed seed.
"""

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from delaktig.accounts.types import User
from delaktig.core.contributions import demo_content
from delaktig.insights.suppression import AGE_GROUPS
from delaktig.organisations.models import Organisation
from delaktig.participation import services as participation_services
from delaktig.participation.demo import process_from_spec
from delaktig.participation.models import Process
from delaktig.participation.workflow import Action
from delaktig.population.models import PopulationCount, PopulationTable

from . import services
from .models import Answer, Choice, Question, Response, Section, Survey


def _content() -> dict[str, Any]:
    return demo_content(__file__)


def _population(region: Organisation, official: User, spec: dict[str, Any]) -> PopulationTable:
    table = PopulationTable.objects.create(
        organisation=region,
        name=spec["name"],
        year=spec["year"],
        source=spec["source"],
        is_synthetic=True,
        filename="demo",
        source_format="demo",
        imported_by=official,
    )
    rng = random.Random(23)  # noqa: S311 - seeded demo data, not security
    names = dict(region.municipalities.values_list("code", "name"))
    rows = []
    for code, size in spec["sizes"].items():
        for age, share in zip(AGE_GROUPS, spec["age_shares"], strict=True):
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


def _sections(survey: Survey, specs: list[dict[str, Any]]) -> list[Section]:
    return [
        Section.objects.create(
            survey=survey,
            position=position,
            title=spec["title"],
            description=spec.get("description", ""),
        )
        for position, spec in enumerate(specs)
    ]


def _questions(survey: Survey, content: dict[str, Any]) -> dict[str, Question]:
    """The questions with their choices, numbered within their sections."""
    sections = _sections(survey, content["sections"])
    questions: dict[str, Question] = {}
    choices: dict[str, list[Choice]] = {}
    positions = [0] * len(sections)
    for spec in content["questions"]:
        key, section = spec["key"], spec["section"]
        extra = dict(spec["fields"])
        if "show_if" in extra:
            on, index = extra["show_if"]
            extra["show_if"] = choices[on][index]
        questions[key] = Question.objects.create(
            section=sections[section],
            position=positions[section],
            kind=spec["kind"],
            text=spec["text"],
            **extra,
        )
        positions[section] += 1
        choices[key] = [
            Choice.objects.create(
                question=questions[key],
                position=i,
                label=choice["sv"],
            )
            for i, choice in enumerate(spec["choices"])
        ]
    return questions


def _english(
    survey: Survey, content: dict[str, Any], questions: dict[str, Question]
) -> dict[tuple[str, int, str], str]:
    """The demo's English as the translation page gives it: ``{(kind, pk, field): text}``."""
    texts = {
        ("survey", survey.pk, f): t for f, t in content["survey"]["translations"]["en"].items()
    }
    sections = survey.sections.order_by("position")
    for section, spec in zip(sections, content["sections"], strict=True):
        for field, text in spec.get("translations", {}).get("en", {}).items():
            texts[("section", section.pk, field)] = text
    for spec in content["questions"]:
        question = questions[spec["key"]]
        texts[("question", question.pk, "text")] = spec["en"]
        if "en_help" in spec:
            texts[("question", question.pk, "help_text")] = spec["en_help"]
        choices = question.choices.order_by("position")
        for choice, given in zip(choices, spec["choices"], strict=True):
            texts[("choice", choice.pk, "label")] = given["en"]
    return texts


def _responses(
    survey: Survey, questions: dict[str, Question], region: Organisation, free_text: list[str]
) -> None:
    rng = random.Random(2025)  # noqa: S311 - seeded demo data, not security
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
            text = rng.choice(free_text)
            if rng.random() < 0.3:
                text = text + ". " + rng.choice(free_text).lower()
            rows.append(Answer(response=response, question=questions["free"], text=text))
        Answer.objects.bulk_create(rows)
        Response.objects.filter(pk=response.pk).update(
            submitted_at=now - timedelta(hours=rng.randint(1, 24 * 20))
        )
    # A few started but not sent in.
    for _i in range(12):
        Response.objects.create(survey=survey, age_group=rng.choice(AGE_GROUPS[1:]))


def load(region: Organisation, official: User, residents: list[User]) -> Process:
    content = _content()
    spec, survey_spec = content["process"], content["survey"]
    now = timezone.now()
    process = process_from_spec(actor=official, organisation=region, spec=spec)
    module = participation_services.module_add(
        actor=official,
        process=process,
        kind="survey",
        title=content["module"]["title"],
        description=content["module"]["description"],
    )
    survey = services.survey_for_module(module=module)
    services.survey_settings_save(
        actor=official,
        survey=survey,
        intro=survey_spec["intro"],
        easy_read_intro=survey_spec["easy_read_intro"],
        thanks=survey_spec["thanks"],
        access=Survey.Access.ANONYMOUS,
        ask_background=survey.ask_background,
        results_public=True,
        opens_at=now - timedelta(days=survey_spec["opened_days_ago"]),
        closes_at=now + timedelta(days=survey_spec["open_days"]),
    )
    questions = _questions(survey, content)
    # The English, as the official publishes it on the survey's translation page.
    services.translations_save(
        actor=official, survey=survey, language="en", values=_english(survey, content, questions)
    )
    for action in (Action.PUBLISH, Action.OPEN):
        process = participation_services.process_transition(
            actor=official, process=process, action=action
        )
    _responses(survey, questions, region, content["answers"]["free_text"])
    table = _population(region, official, content["population"])
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
