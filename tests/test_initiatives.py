from datetime import date

import pytest

from delaktig.identity.personnummer import luhn_check_digit
from delaktig.initiatives.counting import (
    SignatureRow,
    count_signatures,
    required_signatures,
    six_months_before,
)
from delaktig.initiatives.models import Initiative, SignatureList
from delaktig.initiatives.selectors import initiative_count
from delaktig.initiatives.services import signatures_register
from tests.factories import OrganisationFactory, UserFactory, role


def pnr(n: int) -> str:
    nine = f"8001{n % 28 + 1:02d}{n % 1000:03d}"
    return f"{nine[:6]}-{nine[6:]}{luhn_check_digit(nine)}"


@pytest.mark.parametrize(
    ("day", "start"),
    [
        (date(2026, 8, 31), date(2026, 2, 28)),
        (date(2026, 3, 15), date(2025, 9, 15)),
        (date(2024, 8, 29), date(2024, 2, 29)),
        (date(2026, 12, 31), date(2026, 6, 30)),
    ],
)
def test_six_months_before(day: date, start: date) -> None:
    assert six_months_before(day) == start


def test_only_the_six_months_before_submission_count_once_per_person() -> None:
    submitted = date(2026, 9, 1)
    rows = [
        SignatureRow(date(2026, 3, 1), "a", True),  # first day of the window
        SignatureRow(date(2026, 2, 28), "b", True),  # one day too old
        SignatureRow(date(2026, 9, 1), "c", True),  # the day of submission
        SignatureRow(date(2026, 9, 2), "d", True),  # after submission
        SignatureRow(date(2026, 5, 1), "a", True),  # same person again
        SignatureRow(date(2026, 5, 1), "e", False),  # illegible
    ]
    count = count_signatures(rows, submitted_on=submitted, entitled_voters=21)
    assert (
        count.valid,
        count.too_old,
        count.after_submission,
        count.duplicates,
        count.invalid,
    ) == (2, 1, 1, 1, 1)
    assert count.required == 3 and not count.reached
    assert required_signatures(20) == 2 and required_signatures(21) == 3


@pytest.mark.django_db
def test_registering_signatures_is_all_or_nothing() -> None:
    region = OrganisationFactory()
    secretary = role(UserFactory(), "official", region)
    initiative = Initiative.objects.create(
        organisation=region,
        title="Folkomröstning",
        question="Ja eller nej?",
        initiators="Föreningen",
        submitted_on=date(2026, 9, 1),
        entitled_voters=30,
    )
    paper = SignatureList.objects.create(
        initiative=initiative, kind="paper", label="Lista 1", received_on=date(2026, 9, 1)
    )
    saved, errors = signatures_register(
        actor=secretary,
        signature_list=paper,
        lines=(f"{pnr(1)}; 2026-05-01\n{pnr(2)}; 01/05/2026\n811218-9875; 2026-05-01\n"),
    )
    assert saved == 0 and [e.line for e in errors] == [2, 3]
    saved, errors = signatures_register(
        actor=secretary,
        signature_list=paper,
        lines=(
            f"{pnr(1)}; 2026-05-01\n{pnr(2)}; 2026-06-01\n{pnr(3)}; 2026-06-02; ogiltig: saknar "
            f"namnteckning\n{pnr(1)}; 2026-07-01\n"
        ),
    )
    assert saved == 4 and errors == []
    count = initiative_count(initiative=initiative)
    assert (count.valid, count.invalid, count.duplicates, count.required) == (2, 1, 1, 3)


@pytest.mark.django_db
def test_secretary_registers_lists_and_sees_the_count(client: object) -> None:
    from django.test import Client
    from django.urls import reverse

    assert isinstance(client, Client)
    region = OrganisationFactory()
    client.force_login(role(UserFactory(), "official", region))
    response = client.post(
        reverse("initiatives:create"),
        {
            "organisation": region.pk,
            "title": "Folkomröstning om akutsjukhuset",
            "question": "Ska akuten finnas kvar?",
            "initiators": "Rädda akuten",
            "submitted_on": "2026-09-01",
            "entitled_voters": 20,
        },
    )
    initiative = Initiative.objects.get()
    assert response["Location"] == initiative.get_absolute_url()
    url = initiative.get_absolute_url()
    client.post(
        url,
        {
            "action": "list",
            "list-kind": "paper",
            "list-label": "Lista 1",
            "list-received_on": "2026-09-01",
        },
    )
    paper = initiative.lists.get()
    response = client.post(
        url,
        {
            "action": "signatures",
            "sig-signature_list": paper.pk,
            "sig-lines": f"{pnr(1)}; 2026-05-01\nfel rad",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Rad 2" in html and pnr(1) in html  # nothing typed is lost
    client.post(
        url,
        {
            "action": "signatures",
            "sig-signature_list": paper.pk,
            "sig-lines": f"{pnr(1)}; 2026-05-01\n{pnr(2)}; 2026-05-02",
        },
    )
    html = Client().get(url).content.decode()
    assert "tillräckligt många giltiga underskrifter" in html
    assert pnr(1) not in html


@pytest.mark.django_db
def test_registering_keeps_the_count_the_rows_give() -> None:
    from delaktig.initiatives.selectors import count_rows
    from delaktig.initiatives.services import initiative_create

    region = OrganisationFactory()
    secretary = role(UserFactory(), "official", region)
    initiative = initiative_create(
        actor=secretary,
        organisation=region,
        title="Folkomröstning",
        question="Ja eller nej?",
        initiators="Föreningen",
        submitted_on=date(2026, 9, 1),
        entitled_voters=30,
    )
    assert initiative_count(initiative=initiative) == count_rows(initiative=initiative)
    paper = SignatureList.objects.create(
        initiative=initiative, kind="paper", label="Lista 1", received_on=date(2026, 9, 1)
    )
    for lines in (
        f"{pnr(1)}; 2026-05-01\n{pnr(2)}; 2025-01-01\n",
        f"{pnr(1)}; 2026-06-01\n{pnr(3)}; 2026-06-02; ogiltig: oläslig\n{pnr(4)}; 2026-10-01\n",
    ):
        signatures_register(actor=secretary, signature_list=paper, lines=lines)
        initiative.refresh_from_db()
        assert initiative.counted is not None
        stored = initiative_count(initiative=initiative)
        assert stored == count_rows(initiative=initiative)
    assert (stored.valid, stored.too_old, stored.duplicates, stored.invalid) == (1, 1, 1, 1)
    assert stored.after_submission == 1 and stored.required == 3


@pytest.mark.django_db
def test_the_list_reads_a_page_in_the_same_queries_however_many(
    client: object, django_assert_max_num_queries: object
) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from delaktig.initiatives.counting import Count
    from delaktig.initiatives.selectors import PAGE_SIZE

    assert isinstance(client, Client)
    region = OrganisationFactory()

    def add(count: int, start: int) -> None:
        Initiative.objects.bulk_create(
            Initiative(
                organisation=region,
                title=f"Initiativ {n}",
                question="?",
                initiators="Några",
                submitted_on=date(2026, 1, 1 + n % 28),
                entitled_voters=100,
                counted=Count(n, 0, 0, 0, 0, 0).stored(),
            )
            for n in range(start, start + count)
        )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/folkinitiativ/").status_code == 200
        return len(captured)

    add(3, 0)
    few = queries()
    add(2 * PAGE_SIZE, 3)
    assert queries() == few
    html = client.get("/folkinitiativ/").content.decode()
    assert html.count("<tr>") == PAGE_SIZE + 1 and 'rel="next"' in html
    last = client.get("/folkinitiativ/?sida=3").content.decode()
    assert last.count("<tr>") == 3 + 1 and 'rel="prev"' in last and 'rel="next"' not in last
