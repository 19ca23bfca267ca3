"""A survey with every question type, a condition and a population table, for the tests."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from delaktig.insights.suppression import AGE_GROUPS
from delaktig.organisations.models import Municipality, Organisation, OrganisationSettings
from delaktig.population.models import PopulationCount, PopulationTable
from delaktig.surveys.models import Choice, Question, Response, Section, Survey
from delaktig.surveys.services import response_save_answers
from delaktig.translations.access import forget
from delaktig.translations.models import TranslatedModel, Translation, source_hash
from tests.factories import ModuleFactory, OrganisationFactory, PhaseFactory, ProcessFactory


@dataclass
class Built:
    organisation: Organisation
    survey: Survey
    places: list[Municipality]
    transport: Question  # single: Buss / Bil / Cykel
    bus_often: Question  # single, shown only if Buss
    wishes: Question  # multiple
    rating: Question  # scale
    free: Question  # text
    trips: Question  # number
    bus: Choice


def build_survey(access: str = Survey.Access.ACCOUNT, **phase: Any) -> Built:
    organisation = OrganisationFactory()
    # Its content languages: Swedish and English (translations are made into these).
    OrganisationSettings.objects.create(organisation=organisation, content_languages=["sv", "en"])
    places = [
        Municipality.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in [("2303", "Ragunda"), ("2380", "Östersund")]
    ]
    organisation.municipalities.set(places)
    process = ProcessFactory(organisation=organisation)
    module = ModuleFactory(process=process, kind="survey", title="Resvaneenkät")
    PhaseFactory(
        module=module,
        process=process,
        phase_type="answering",
        **phase,
    )
    survey = Survey.objects.create(
        module=module, intro="Hur reser du?", access=access, thanks="Resultatet kommer i maj."
    )
    first = Section.objects.create(survey=survey, position=0, title="Resor")
    second = Section.objects.create(survey=survey, position=1, title="Mer om dig och resor")
    transport = Question.objects.create(
        section=first, position=0, kind="single", text="Hur reser du oftast?", required=True
    )
    bus, _car, _bike = (
        Choice.objects.create(question=transport, position=i, label=label)
        for i, label in enumerate(["Buss", "Bil", "Cykel"])
    )
    wishes = Question.objects.create(
        section=first, position=1, kind="multiple", text="Vad vill du ha mer av?"
    )
    for i, label in enumerate(["Turer", "Cykelbanor", "Laddplatser"]):
        Choice.objects.create(question=wishes, position=i, label=label)
    bus_often = Question.objects.create(
        section=second,
        position=0,
        kind="single",
        text="Hur ofta tar du bussen?",
        required=True,
        show_if=bus,
    )
    for i, label in enumerate(["Varje dag", "Varje vecka", "Mer sällan"]):
        Choice.objects.create(question=bus_often, position=i, label=label)
    rating = Question.objects.create(
        section=second, position=1, kind="scale", text="Hur nöjd är du med trafiken?"
    )
    for i, label in enumerate(["Mycket missnöjd", "Missnöjd", "Nöjd", "Mycket nöjd"]):
        Choice.objects.create(question=rating, position=i, label=label)
    free = Question.objects.create(
        section=second, position=2, kind="text", text="Vad skulle göra resan bättre?"
    )
    trips = Question.objects.create(
        section=second,
        position=3,
        kind="number",
        text="Hur många resor gör du i veckan?",
        min_value=0,
        max_value=100,
    )
    return Built(
        organisation, survey, places, transport, bus_often, wishes, rating, free, trips, bus
    )


def translate(
    obj: TranslatedModel, language: str, *, state: str = Translation.State.REVIEWED, **texts: str
) -> None:
    """Store translations of ``obj`` straight in the table, made from its current Swedish."""
    for field, text in texts.items():
        source = str(getattr(obj, field))
        Translation.objects.update_or_create(
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_id=obj.pk,
            language=language,
            field=field,
            defaults={
                "text": text,
                "source_hash": source_hash(source),
                "source_text": source,
                "state": state,
            },
        )
    forget(obj)


def translated(obj: TranslatedModel, language: str) -> dict[str, str]:
    """``{field: text}`` of the stored translations of ``obj`` into ``language``."""
    rows = Translation.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        language=language,
    )
    return dict(rows.values_list("field", "text"))


def answer_directly(
    built: Built,
    *,
    transport: int,
    age: str = "",
    sex: str = "",
    place: Municipality | None = None,
    rating: int | None = None,
    text: str = "",
    trips: float | None = None,
) -> Response:
    """A submitted response written straight through the services' storage."""
    response = Response.objects.create(
        survey=built.survey, age_group=age, sex=sex, municipality=place
    )
    choices = list(built.transport.choices.all())
    values: dict[int, Any] = {built.transport.pk: choices[transport].pk}
    if rating is not None:
        values[built.rating.pk] = list(built.rating.choices.all())[rating].pk
    if text:
        values[built.free.pk] = text
    if trips is not None:
        values[built.trips.pk] = trips
    questions = [built.transport, built.rating, built.free, built.trips]
    response_save_answers(response=response, questions=questions, values=values)
    Response.objects.filter(pk=response.pk).update(submitted_at=timezone.now())
    response.refresh_from_db()
    return response


def population(organisation: Organisation, *, synthetic: bool = True) -> PopulationTable:
    """Ragunda 2,000 and Östersund 8,000 people aged 18+, half women, spread over ages."""
    table = PopulationTable.objects.create(
        organisation=organisation, name="Folkmängd 2024", year=2024, is_synthetic=synthetic
    )
    adult = [a for a in AGE_GROUPS if a != "0–17"]
    rows = []
    for code, total in [("2303", 2000), ("2380", 8000)]:
        for age in AGE_GROUPS:
            share = 0 if age == "0–17" else total / len(adult)
            for sex in ("kvinna", "man"):
                rows.append(
                    PopulationCount(
                        table=table,
                        region_code=code,
                        age_group=age,
                        sex=sex,
                        count=round(share / 2) if age != "0–17" else 300,
                    )
                )
    PopulationCount.objects.bulk_create(rows)
    return table


def later(days: int) -> Any:
    return timezone.now() + timedelta(days=days)
