"""Long public lists: a page without a count (core.paging), a capped count, and the quick
``<select>`` (core.widgets.QuickSelect) that writes Django's own markup."""

from typing import Any

import pytest
from django import forms
from django.http import QueryDict

from delaktig.core.paging import MAX_PAGE, capped_count, page_number, window
from delaktig.core.params import BadParameter
from delaktig.core.widgets import QuickSelect
from delaktig.organisations.models import Organisation
from tests.factories import OrganisationFactory


@pytest.mark.django_db
def test_a_window_reads_one_row_more_and_never_counts(
    django_assert_num_queries: Any,
) -> None:
    OrganisationFactory.create_batch(7)
    ordered = Organisation.objects.order_by("pk")
    with django_assert_num_queries(1):
        first = window(ordered, 1, 3)
    assert len(first.items) == 3 and first.has_next and not first.has_previous
    last = window(ordered, 3, 3)
    assert len(last.items) == 1 and not last.has_next and last.has_previous
    assert last.previous_page_number == 2 and first.next_page_number == 2
    assert window(ordered, 9, 3).items == [] and not window(ordered, 1, 7).has_other_pages
    with django_assert_num_queries(1):
        assert capped_count(ordered, cap=5) == (5, True)
    assert capped_count(ordered, cap=7) == (7, False)


def test_the_page_number_is_from_1_to_the_last_allowed() -> None:
    assert page_number(QueryDict("")) == 1
    assert page_number(QueryDict("sida=4")) == 4
    assert page_number(QueryDict(f"sida={10**18}")) == MAX_PAGE
    for bad in ("0", "-1", "x", "²"):
        with pytest.raises(BadParameter):
            page_number(QueryDict(f"sida={bad}"))


@pytest.mark.parametrize("value", [None, 1, "3", [2]])
def test_the_quick_select_writes_what_djangos_select_writes(value: Any) -> None:
    choices = [("", "Alla <steg>"), (1, "Ett & två"), ("Grupp", [(2, "Två"), (3, '"Tre"')])]
    attrs = {"class": "x", "aria-describedby": "a b", "required": True, "disabled": False}
    for django_widget, quick in (
        (forms.Select, QuickSelect),
        (forms.SelectMultiple, type("QuickMultiple", (QuickSelect, forms.SelectMultiple), {})),
    ):
        expected = django_widget(choices=choices, attrs=attrs).render("step", value, {"id": "s"})
        assert quick(choices=choices, attrs=attrs).render("step", value, {"id": "s"}) == expected


def test_the_quick_select_offers_listed_choices_without_reading_the_field() -> None:
    """A list page hands the select its cached choices (``listed``): those are offered, flat
    and escaped, with the chosen one selected, and the field's queryset is never read."""
    field = forms.ModelChoiceField(
        queryset=Organisation.objects.all(), widget=QuickSelect(attrs={"class": "x"})
    )
    widget = field.widget
    assert isinstance(widget, QuickSelect)  # and no database in this test: never read
    widget.listed = [("", "Alla"), (7, "Öst & väst"), (9, "<Norr>")]
    html = widget.render("kommun", "7", {"id": "k"})
    assert html == (
        '<select name="kommun" class="x" id="k">\n  <option value="">Alla</option>'
        '\n  <option value="7" selected>Öst &amp; väst</option>'
        '\n  <option value="9">&lt;Norr&gt;</option>\n</select>'
    )
