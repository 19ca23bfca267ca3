"""Yearly statistics: counts per category, role and sex, small groups suppressed with the
survey results' rule (``insights.suppression``), shown as "färre än 5", and as CSV."""

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.factories import OrganisationFactory, UserFactory

from delaktig.incidents import selectors
from delaktig.incidents.models import Incident

from .helpers import security_for

pytestmark = pytest.mark.django_db


def _add(organisation: Any, year: int, count: int, **fields: Any) -> None:
    reporter = UserFactory()
    Incident.objects.bulk_create(
        Incident(
            organisation=organisation,
            reported_by=reporter,
            concerned_name="N N",
            concerned_role=fields.get("role", "elected"),
            concerned_sex=fields.get("sex", "kvinna"),
            category=fields.get("category", "hot"),
            description="Text.",
            occurred_on=date(year, 6, 1),
            channel="email",
        )
        for _ in range(count)
    )


def test_small_groups_are_suppressed_and_the_rest_shown() -> None:
    organisation = OrganisationFactory()
    year = timezone.localdate().year - 1
    _add(organisation, year, 7, category="hot", role="elected", sex="kvinna")
    _add(organisation, year, 6, category="trakasserier", role="official", sex="man")
    _add(organisation, year, 2, category="vald", role="elected", sex="kvinna")
    _add(organisation, year + 1, 9, category="vald")  # another year: not counted
    stats = selectors.statistics(organisation=organisation, year=year)
    by_category = {cell.label: cell.count for cell in stats.by_category}
    # Two violent incidents are hidden, and with them the smallest other group (secondary
    # suppression), so that the total cannot give them away.
    assert by_category["Våld"] is None
    assert by_category["Trakasserier"] is None
    assert by_category["Hot"] == 7
    assert by_category["Skadegörelse"] == 0
    assert stats.count == 15
    by_role = {cell.label: cell.count for cell in stats.by_role}
    assert by_role == {"Tjänsteperson": 6, "Förtroendevald": 9, "Annan": 0}
    cross = {row.label: row for row in stats.cross}
    assert cross["Våld"].total is None
    assert [cell.count for cell in cross["Hot"].cells] == [0, 7, 0]
    assert all(cell.count is None for cell in cross["Våld"].cells if cell.label == "Förtroendevald")


def test_the_page_and_the_csv_say_farre_an_5() -> None:
    organisation = OrganisationFactory()
    security = security_for(organisation)
    year = timezone.localdate().year
    _add(organisation, year, 3, category="hot")
    client = Client()
    client.force_login(security)
    page = client.get(
        reverse("incidents:statistics"), {"organisation": organisation.pk, "ar": year}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "färre än 5" in text and "<svg" in text and "<caption>Per kategori</caption>" in text
    response = client.get(
        reverse("incidents:statistics_export"), {"organisation": organisation.pk, "ar": year}
    )
    csv_text = response.content.decode("utf-8-sig")
    assert "Hot,färre än 5" in csv_text
    assert ",3" not in csv_text


def test_another_organisations_statistics_are_refused() -> None:
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    client = Client()
    client.force_login(security_for(mine))
    year = timezone.localdate().year
    page = client.get(reverse("incidents:statistics"), {"organisation": theirs.pk, "ar": year})
    assert page.status_code == 400  # not among the choices: a form error
    bad_year = client.get(reverse("incidents:statistics"), {"organisation": mine.pk, "ar": "x"})
    assert bad_year.status_code == 400
