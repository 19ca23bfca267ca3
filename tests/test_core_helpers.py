"""Small shared helpers in core that several apps use in place of their own copies."""

import pytest

from delaktig.core.catalogue import shown_params
from delaktig.core.ordering import next_position
from delaktig.surveys.models import Section, Survey
from tests.factories import ModuleFactory


def test_shown_params_joins_lists_and_leaves_missing_names_empty() -> None:
    shown = shown_params({"years": [2023, 2024], "pair": ("a", "b"), "value": 7})
    assert shown == {"years": "2023, 2024", "pair": "a, b", "value": 7}
    assert shown["absent"] == ""
    template = "År %(years)s, %(absent)s%(value)s"  # as a catalogue message fills in
    assert template % shown == "År 2023, 2024, 7"
    # A renderer adds its own labels on top.
    shown["value"] = "sju"
    assert shown["value"] == "sju"


@pytest.mark.django_db
def test_next_position_is_one_past_the_highest() -> None:
    survey = Survey.objects.create(module=ModuleFactory(kind="survey"))
    assert next_position(survey.sections.all()) == 1
    assert next_position(survey.sections) == 1  # a related manager serves as well
    Section.objects.create(survey=survey, position=4, title="Fyra")
    last = Section.objects.create(survey=survey, position=2, title="Två")
    assert next_position(survey.sections.all()) == 5
    assert next_position(Section.objects.filter(survey=survey), field="pk") == last.pk + 1
