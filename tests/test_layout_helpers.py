"""Template helpers behind the layout: the active-filter count on collapsed filters, survey
numbers in the reader's language, and the login page's text."""

import pytest
from django.http import QueryDict
from django.test import Client
from django.utils import translation

from delaktig.core.templatetags.delaktig import active_filter_count
from delaktig.participation.forms import ProcessFilterForm
from delaktig.proposals.forms import ProposalFilterForm
from delaktig.surveys.templatetags.surveys import decimal, fixed, percent, points, small_percent


@pytest.mark.django_db
def test_active_filter_count_counts_narrowing_fields_only() -> None:
    assert active_filter_count(ProcessFilterForm()) == 0
    assert active_filter_count(ProcessFilterForm(QueryDict("q=+&page=2"))) == 0
    assert active_filter_count(ProcessFilterForm(QueryDict("q=v%C3%A5rd&step=3&page=2"))) == 2
    # Sorting orders the list; it does not narrow it.
    assert active_filter_count(ProposalFilterForm(QueryDict("sort=supported&reached=on"))) == 1


def test_survey_numbers_use_the_language_and_no_needless_decimals() -> None:
    with translation.override("sv"):
        assert decimal(12.0) == "12"
        assert decimal(12.5, 1) == "12,5"
        assert decimal(0.0) == "0"
        assert decimal(-0.0001) == "0"
        assert decimal(0.874) == "0,87"
        assert fixed(1.0) == "1,00"
        assert percent(0.375) == "37,5 %"
        assert points(0.154) == "±15,4"
        assert small_percent(0.00001) == "< 0,01 %"
        assert decimal(None) == "–"
    with translation.override("en"):
        assert decimal(12.5, 1) == "12.5"
        assert decimal(12.0) == "12"
        assert percent(0.375) == "37.5 %"
        assert small_percent(0.0123) == "1.23 %"


@pytest.mark.django_db
def test_login_page_invites_to_sign_up_in_words_that_match_the_link(client: Client) -> None:
    page = client.get("/konto/login/").content.decode()
    assert "Har du redan ett konto" not in page
    assert 'Har du inget konto än? <a href="/konto/signup/">Skapa konto</a>' in page
