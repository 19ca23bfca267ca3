"""``ShortModelChoiceField`` and ``LabelledModelChoiceField``: the same choices and cleaning as
Django's ``ModelChoiceField``, read in one query without a server-side cursor."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from delaktig.core.forms import LabelledModelChoiceField, ShortModelChoiceField
from delaktig.organisations.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


class Filter(forms.Form):
    plain = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"), required=False, empty_label="Alla"
    )
    short = ShortModelChoiceField(
        queryset=Organisation.objects.order_by("name"), required=False, empty_label="Alla"
    )
    labelled = LabelledModelChoiceField(
        queryset=Organisation.objects.order_by("name"), required=False, empty_label="Alla"
    )


def _choices(field: forms.BoundField) -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in field.field.choices]


def test_the_choices_are_djangos_read_in_one_query_each() -> None:
    OrganisationFactory(name="Östersunds kommun")
    OrganisationFactory(name="Bergs kommun")
    form = Filter()
    expected = _choices(form["plain"])
    assert expected[0] == ("", "Alla") and len(expected) == 3
    for name in ("short", "labelled"):
        with CaptureQueriesContext(connection) as queries:
            assert _choices(form[name]) == expected
        assert len(queries) == 1
        assert not any("DECLARE" in q["sql"] for q in queries.captured_queries)


def test_a_choice_is_cleaned_to_the_instance_and_a_made_up_one_refused() -> None:
    chosen = OrganisationFactory(name="Bergs kommun")
    form = Filter({"short": str(chosen.pk), "labelled": str(chosen.pk)})
    assert form.is_valid()
    assert form.cleaned_data["short"] == chosen == form.cleaned_data["labelled"]
    refused = Filter({"short": "999999", "labelled": "999999"})
    assert not refused.is_valid()
    assert set(refused.errors) == {"short", "labelled"}
