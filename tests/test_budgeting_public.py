"""The public side of a participatory budget, through the test client: the budget page, sending
an idea, an idea's page, the ballot without JavaScript, the receipt, the results and their
files. Phases are placed around a ``now`` taken once per test, never on calendar dates."""

import csv
import io
from datetime import datetime, timedelta
from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from delaktig.accounts.models import User
from delaktig.budgeting import services
from delaktig.budgeting.models import Ballot, Budget, Project, Voter
from delaktig.budgeting.workflow import ProjectStatus
from tests.budgeting_factories import ballot, budget_module, project, resident, years_before
from tests.factories import MunicipalityFactory, UserFactory, role

pytestmark = pytest.mark.django_db


@pytest.fixture
def now() -> datetime:
    return timezone.now()


def url(name: str, budget: Budget, **kwargs: Any) -> str:
    return reverse(f"budgeting:{name}", kwargs={"module_pk": budget.module_id, **kwargs})


def voter(budget: Budget, now: datetime, age: int = 30) -> User:
    place = budget.module.process.organisation.municipalities.first()
    assert place is not None
    return resident(place, born=years_before(now.date(), age))


def staff(budget: Budget) -> User:
    return role(UserFactory(), "official", budget.module.process.organisation)


def count_and_publish(budget: Budget, now: datetime, *, publish: bool = True) -> Budget:
    official = staff(budget)
    budget = services.budget_count(actor=official, budget=budget, now=now + timedelta(days=30))
    if publish:
        budget = services.budget_publish(actor=official, budget=budget)
    return budget


# --- The ballot without JavaScript ------------------------------------------------------------


def test_a_knapsack_ballot_over_the_budget_says_the_total_and_keeps_the_ticks(
    client: Client, now: datetime
) -> None:
    budget = budget_module(now=now, amount=100_000)
    ballot(budget, [60_000, 50_000, 30_000])
    client.force_login(voter(budget, now))
    page = client.get(url("vote", budget))
    assert page.status_code == 200
    assert 'name="choices" value="1"' in page.content.decode()
    response = client.post(url("vote", budget), {"choices": ["1", "2"]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Förslagen du valt kostar 110\u00a0000 kronor" in html
    assert 'id="choice-1" checked' in html and 'id="choice-2" checked' in html
    assert 'id="choice-3" checked' not in html
    assert "error-summary" in html and 'href="#ballot-choices"' in html
    assert not Ballot.objects.filter(budget=budget).exists()
    assert not Voter.objects.filter(budget=budget).exists()


def test_the_running_total_is_a_fragment_for_htmx(client: Client, now: datetime) -> None:
    budget = budget_module(now=now, amount=100_000)
    ballot(budget, [60_000, 50_000, 30_000])
    client.force_login(voter(budget, now))
    response = client.get(
        url("vote", budget) + "?summa=1&choices=1&choices=3", headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "90\u00a0000 kronor" in html and "Kvar att fördela: 10\u00a0000 kronor" in html
    assert "<html" not in html
    over = client.get(
        url("vote", budget) + "?summa=1&choices=1&choices=2", headers={"HX-Request": "true"}
    ).content.decode()
    assert "ballot-total--over" in over and "10\u00a0000 kronor för mycket" in over


def test_an_approval_ballot_refuses_too_many(client: Client, now: datetime) -> None:
    budget = budget_module(now=now, method="approval", max_choices=2)
    ballot(budget, [10_000, 20_000, 30_000])
    client.force_login(voter(budget, now))
    response = client.post(url("vote", budget), {"choices": ["1", "2", "3"]})
    assert response.status_code == 400
    assert "Du kan välja högst 2 förslag." in response.content.decode()
    response = client.post(url("vote", budget), {})
    assert "Välj minst ett förslag." in response.content.decode()


@pytest.mark.parametrize(
    "ranks", [{"rank_1": "1", "rank_2": "3"}, {"rank_1": "1", "rank_2": "1"}, {"rank_2": "2"}]
)
def test_a_ranked_ballot_refuses_gaps_and_duplicates(
    client: Client, now: datetime, ranks: dict[str, str]
) -> None:
    budget = budget_module(now=now, method="ranked", max_choices=3)
    ballot(budget, [10_000, 20_000, 30_000])
    client.force_login(voter(budget, now))
    response = client.post(url("vote", budget), ranks)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Numrera förslagen 1, 2, 3 och så vidare" in html
    for name, value in ranks.items():  # what was typed is kept
        assert f'name="{name}" id="id_{name}" min="1" max="3" value="{value}"' in html
    assert not Ballot.objects.exists()


def test_a_ranked_ballot_is_stored_in_order_of_preference(client: Client, now: datetime) -> None:
    budget = budget_module(now=now, method="ranked", max_choices=3)
    ballot(budget, [10_000, 20_000, 30_000])
    client.force_login(voter(budget, now))
    response = client.post(url("vote", budget), {"rank_3": "1", "rank_1": "2", "rank_2": ""})
    assert response.status_code == 302
    assert Ballot.objects.get().choices == [3, 1]
    page = client.get(url("vote", budget)).content.decode()
    assert 'name="rank_3" id="id_rank_3" min="1" max="3" value="1"' in page


# --- Who may vote -------------------------------------------------------------------------


def test_an_unverified_person_is_told_how_to_verify(client: Client, now: datetime) -> None:
    budget = budget_module(now=now)
    ballot(budget, [10_000])
    client.force_login(UserFactory())
    response = client.get(url("vote", budget))
    assert response.status_code == 403
    html = response.content.decode()
    assert "visa att du är folkbokförd här" in html
    assert reverse("identity:redeem_code") in html
    assert "Logga in med e-legitimation" in html
    assert '<form method="post" class="form ballot"' not in html
    assert client.post(url("vote", budget), {"choices": ["1"]}).status_code == 403
    assert not Ballot.objects.exists()


def test_too_young_and_elsewhere_are_told_why(client: Client, now: datetime) -> None:
    budget = budget_module(now=now, min_age=13, max_age=19)
    ballot(budget, [10_000])
    client.force_login(voter(budget, now, age=11))
    response = client.get(url("vote", budget))
    assert response.status_code == 403
    assert "Du behöver ha fyllt 13 år för att rösta." in response.content.decode()
    elsewhere = MunicipalityFactory(name="Bortastad")
    client.force_login(resident(elsewhere, born=years_before(now.date(), 15)))
    html = client.get(url("vote", budget)).content.decode()
    place = budget.module.process.organisation.municipalities.get()
    assert f"Du kan rösta om du är folkbokförd i {place.name}." in html
    client.force_login(voter(budget, now, age=14))
    assert client.get(url("vote", budget)).status_code == 200


def test_anonymous_people_are_sent_to_log_in(client: Client, now: datetime) -> None:
    budget = budget_module(now=now)
    ballot(budget, [10_000])
    response = client.get(url("vote", budget))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_the_vote_page_says_when_voting_is_not_open(client: Client, now: datetime) -> None:
    budget = budget_module(now=now, stage="review")
    client.force_login(voter(budget, now))
    response = client.get(url("vote", budget))
    assert response.status_code == 200
    assert "Omröstningen är inte öppen." in response.content.decode()


# --- Casting, changing, the receipt -------------------------------------------------------


def test_changing_the_vote_keeps_the_receipt(client: Client, now: datetime) -> None:
    budget = budget_module(now=now, amount=100_000)
    ballot(budget, [60_000, 50_000, 30_000])
    client.force_login(voter(budget, now))
    response = client.post(url("vote", budget), {"choices": ["1"], "statistics_consent": "on"})
    assert response.status_code == 302 and response["Location"].endswith("?kvitto=1")
    code = Ballot.objects.get().receipt
    receipt_page = client.get(response["Location"]).content.decode()
    assert code in receipt_page and "receipt-code" in receipt_page
    assert url("receipt", budget) in receipt_page
    again = client.get(url("vote", budget)).content.decode()
    assert "Du har röstat. Du kan ändra din röst till och med" in again
    assert 'id="choice-1" checked' in again
    response = client.post(url("vote", budget), {"choices": ["2", "3"]}, follow=True)
    assert "Din röst är ändrad. Kvittokoden är densamma." in response.content.decode()
    assert code in response.content.decode()
    stored = Ballot.objects.get()
    assert (stored.receipt, stored.choices) == (code, [2, 3])
    assert Voter.objects.filter(budget=budget).count() == 1


def test_who_voted_on_paper_cannot_vote_online(client: Client, now: datetime) -> None:
    budget = budget_module(now=now)
    ballot(budget, [10_000])
    person = voter(budget, now)
    Voter.objects.create(
        budget=budget,
        identity_hash=person.verification.identity_hash,
        channel="paper",
        voted_on=now.date(),
    )
    client.force_login(person)
    response = client.get(url("vote", budget))
    assert response.status_code == 409
    assert "Du har redan röstat på papper." in response.content.decode()


def test_checking_a_receipt_before_and_after_the_count(client: Client, now: datetime) -> None:
    budget = budget_module(now=now, amount=100_000)
    ballot(budget, [60_000, 30_000])
    client.force_login(voter(budget, now))
    client.post(url("vote", budget), {"choices": ["1", "2"]})
    code = Ballot.objects.get().receipt
    client.logout()
    typed = code.replace("-", " ").lower()
    before = client.get(url("receipt", budget), {"kod": typed}).content.decode()
    assert "Röstsedeln finns och räknas när omröstningen stänger." in before
    assert "Projekt 1" not in before
    budget = count_and_publish(budget, now, publish=False)
    counted = client.get(url("receipt", budget), {"kod": code}).content.decode()
    assert "Din röstsedel är räknad." in counted and "Projekt 1" not in counted
    budget = count_and_publish_only(budget)
    published = client.get(url("receipt", budget), {"kod": code}).content.decode()
    assert "Din röstsedel är räknad." in published
    assert "Projekt 1" in published and "Projekt 2" in published and "Digitalt" in published
    unknown = client.get(url("receipt", budget), {"kod": "abcd-efgh-jkmn"})
    assert unknown.status_code == 404
    html = unknown.content.decode()
    assert "Vi hittar ingen röstsedel med den koden." in html
    assert 'value="abcd-efgh-jkmn"' in html


def count_and_publish_only(budget: Budget) -> Budget:
    return services.budget_publish(actor=staff(budget), budget=budget)


def test_receipt_lookups_are_limited_per_client(
    client: Client, now: datetime, settings: Any
) -> None:
    settings.DELAKTIG_RATE_LIMITS = {**settings.DELAKTIG_RATE_LIMITS, "budget_receipt": (3, 3600)}
    budget = budget_module(now=now)
    ballot(budget, [10_000])
    statuses = [
        client.get(url("receipt", budget), {"kod": f"AAAA-BBBB-CCC{n}"}).status_code
        for n in range(5)
    ]
    assert statuses == [404, 404, 404, 429, 429]
    assert "Vänta en stund" in client.get(url("receipt", budget), {"kod": "x"}).content.decode()


# --- Results and their files --------------------------------------------------------------


def voted_budget(client: Client, now: datetime, **values: Any) -> Budget:
    budget = budget_module(now=now, amount=100_000, **values)
    ballot(budget, [60_000, 50_000, 30_000])
    for choices in (["1", "3"], ["1"], ["2", "3"]):
        client.force_login(voter(budget, now))
        assert client.post(url("vote", budget), {"choices": choices}).status_code == 302
    client.logout()
    return budget


def test_results_are_public_only_once_published(client: Client, now: datetime) -> None:
    budget = voted_budget(client, now)
    for name in ("results", "results_csv", "ballots_csv", "results_pdf"):
        assert client.get(url(name, budget)).status_code == 404
    budget = count_and_publish(budget, now, publish=False)
    assert client.get(url("results", budget)).status_code == 404
    client.force_login(voter(budget, now))
    assert client.get(url("results", budget)).status_code == 404
    client.force_login(staff(budget))
    preview = client.get(url("results", budget))
    assert preview.status_code == 200
    assert "Förhandsvisning, inte publicerat" in preview.content.decode()
    assert "no-store" in client.get(url("ballots_csv", budget))["Cache-Control"]
    budget = count_and_publish_only(budget)
    client.logout()
    response = client.get(url("results", budget))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Förhandsvisning" not in html
    # Project 1 (2 votes, 60 000) and project 3 (2 votes, 30 000) are funded: 90 000 kr.
    assert "Förslagen som får pengar" in html and "90\u00a0000 kronor till 2 förslag" in html
    winners = html.split('id="winners-title"')[1].split("</section>")[0]
    assert "Projekt 3" in winners and "Projekt 1" in winners and "Projekt 2" not in winners
    assert "3 (3 digitalt, 0 på papper)" in html


def test_the_results_csv_and_the_ballots_csv(client: Client, now: datetime) -> None:
    budget = count_and_publish(voted_budget(client, now), now)
    response = client.get(url("results_csv", budget))
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "number",
        "title",
        "area",
        "category",
        "cost",
        "lot",
        "votes",
        "place",
        "funded",
    ]
    by_number = {row[0]: row for row in rows[1:]}
    assert by_number["1"][6:] == ["2", "2", "ja"] and by_number["2"][6:] == ["1", "3", "nej"]
    ballots = list(csv.reader(io.StringIO(client.get(url("ballots_csv", budget)).content.decode())))
    assert ballots[0] == ["receipt", "channel", "choices", "valid"]
    assert sorted(row[2] for row in ballots[1:]) == ["1", "1 3", "2 3"]
    assert {row[1] for row in ballots[1:]} == {"digital"} and {r[3] for r in ballots[1:]} == {"ja"}
    assert [row[0] for row in ballots[1:]] == sorted(row[0] for row in ballots[1:])


def test_the_ballots_csv_neutralises_formulas(now: datetime) -> None:
    from delaktig.budgeting.selectors import ballots_csv

    budget = budget_module(now=now)
    ballot(budget, [10_000])
    Ballot.objects.create(budget=budget, receipt="=HYPERLINK(1)", choices=[1], channel="paper")
    assert b"'=HYPERLINK(1)" in ballots_csv(budget=budget)


def test_the_results_pdf_is_tagged_and_has_the_language(client: Client, now: datetime) -> None:
    budget = count_and_publish(voted_budget(client, now), now)
    response = client.get(url("results_pdf", budget))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    catalog = reader.root_object
    assert "/StructTreeRoot" in catalog
    assert cast(DictionaryObject, catalog["/MarkInfo"].get_object())["/Marked"]
    assert catalog["/Lang"] == "sv"
    assert reader.metadata is not None and "Medborgarbudget 2027" in (reader.metadata.title or "")
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Projekt 1" in text and "Så räknades rösterna" in text


def test_the_project_page_tells_what_happened_to_a_winner(client: Client, now: datetime) -> None:
    budget = count_and_publish(voted_budget(client, now), now)
    winner = Project.objects.get(budget=budget, number=1)
    loser = Project.objects.get(budget=budget, number=2)
    html = client.get(url("project", budget, project_pk=winner.pk)).content.decode()
    assert "Förslaget vann och får pengar." in html and "Det fick 2 röster" in html
    assert "Genomförandet planeras." in html
    html = client.get(url("project", budget, project_pk=loser.pk)).content.decode()
    assert "Förslaget fick inte pengar." in html


# --- Ideas ------------------------------------------------------------------------------------


def test_sending_an_idea_with_a_cost_typed_with_spaces(client: Client, now: datetime) -> None:
    budget = budget_module(now=now, stage="ideas")
    person = UserFactory()
    client.force_login(person)
    assert client.get(url("idea_create", budget)).status_code == 200
    area = budget.module.process.organisation.municipalities.get()
    response = client.post(
        url("idea_create", budget),
        {
            "title": "Fler bänkar i parken",
            "description": "Så att äldre kan vila på promenaden.",
            "location": "Stadsparken",
            "area": area.pk,
            "category": budget.categories.first().pk,
            "cost_estimate": "25 000 kr",
        },
        follow=True,
    )
    idea = Project.objects.get(budget=budget)
    assert (idea.cost_estimate, idea.author, idea.status) == (25_000, person, "submitted")
    assert response.redirect_chain[-1][0] == url("project", budget, project_pk=idea.pk)
    assert "Tack! Ditt förslag är inlämnat." in response.content.decode()


def test_an_idea_with_personal_data_asks_before_sending(client: Client, now: datetime) -> None:
    budget = budget_module(now=now, stage="ideas")
    client.force_login(UserFactory())
    data = {"title": "Ring mig", "description": "Mitt nummer är 070-1740605.", "cost_estimate": "x"}
    response = client.post(url("idea_create", budget), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Skriv kostnaden i hela kronor" in html and 'value="Ring mig"' in html
    data["cost_estimate"] = "1 500"
    response = client.post(url("idea_create", budget), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'name="personal_data_ok"' in html and "Mitt nummer är 070-1740605." in html
    assert not Project.objects.exists()
    response = client.post(url("idea_create", budget), {**data, "personal_data_ok": "on"})
    assert response.status_code == 302
    assert Project.objects.get().cost_estimate == 1500


def test_ideas_can_be_sent_only_in_the_ideas_phase(client: Client, now: datetime) -> None:
    budget = budget_module(now=now, stage="review")
    client.force_login(UserFactory())
    response = client.get(url("idea_create", budget))
    assert "Det går inte att lämna förslag just nu." in response.content.decode()
    response = client.post(url("idea_create", budget), {"title": "x", "description": "y"})
    assert response.status_code == 200 and not Project.objects.exists()


def test_a_held_idea_shows_nowhere_but_to_its_author_and_staff(
    client: Client, now: datetime
) -> None:
    budget = budget_module(now=now, stage="ideas")
    author = UserFactory()
    client.force_login(author)
    response = client.post(
        url("idea_create", budget),
        {"title": "Hot", "description": "Gör det annars ska jag döda dig, Karin."},
        follow=True,
    )
    held = Project.objects.get(budget=budget)
    assert held.status == ProjectStatus.HELD
    assert "granskas av en moderator" in response.content.decode()
    shown = project(budget, title="Synligt förslag")
    client.logout()
    page = client.get(url("page", budget)).content.decode()
    assert "Synligt förslag" in page and "Hot" not in page
    assert "Synligt förslag" in client.get(url("page", budget), {"status": "held"}).content.decode()
    assert client.get(url("project", budget, project_pk=held.pk)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url("project", budget, project_pk=held.pk)).status_code == 404
    client.force_login(author)
    assert client.get(url("project", budget, project_pk=held.pk)).status_code == 200
    client.force_login(staff(budget))
    assert client.get(url("project", budget, project_pk=held.pk)).status_code == 200
    process_page = client.get(budget.module.process.get_absolute_url()).content.decode()
    assert "Hot" not in process_page
    assert shown.pk


# --- The budget page ---------------------------------------------------------------------


def test_the_budget_page_explains_the_rules_and_filters_the_ideas(
    client: Client, now: datetime
) -> None:
    budget = budget_module(
        now=now, stage="voting", min_age=13, max_age=19, rules_text="Läs **noga**."
    )
    nature, culture = list(budget.categories.all())
    ballot(budget, [10_000, 20_000])
    left = project(
        budget, title="För dyrt", status=ProjectStatus.NOT_ON_BALLOT, reason="Kostar för mycket."
    )
    Project.objects.filter(pk=left.pk).update(category=culture)
    html = client.get(url("page", budget)).content.decode()
    assert "<strong>noga</strong>" in html
    assert "Du som är mellan 13 och 19 år" in html
    assert "Lottnummer per förslag" in html
    assert "Kostar för mycket." in html and "Projekt 1" in html
    filtered = client.get(url("page", budget), {"kategori": culture.pk}).content.decode()
    filtered = filtered.split('id="ideas-title"')[1]
    assert "För dyrt" in filtered and "Projekt 1" not in filtered
    by_status = client.get(url("page", budget), {"status": "on_ballot"}).content.decode()
    by_status = by_status.split('id="ideas-title"')[1]
    assert "Projekt 1" in by_status and "För dyrt" not in by_status
    assert client.get(url("page", budget), {"kategori": "x"}).status_code == 400
    assert nature.pk


@pytest.mark.parametrize("stage", ["ideas", "voting"])
def test_the_module_on_the_process_page_has_one_call_to_action(
    client: Client, now: datetime, stage: str
) -> None:
    budget = budget_module(now=now, stage=stage)
    if stage == "voting":
        ballot(budget, [10_000])
    html = client.get(budget.module.process.get_absolute_url()).content.decode()
    assert url("page", budget) in html
    expected = url("idea_create", budget) if stage == "ideas" else url("vote", budget)
    assert expected in html
    assert url("manage", budget) not in html


def test_the_budget_page_queries_do_not_grow_with_the_ideas(
    client: Client, now: datetime, django_assert_max_num_queries: Any
) -> None:
    budget = budget_module(now=now, stage="ideas")
    area = budget.module.process.organisation.municipalities.get()
    category = budget.categories.first()
    for _n in range(5):
        project(budget, area=area, category=category, cost_estimate=1000)
    client.get(url("page", budget))  # warm the caches (content types, sessions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url("page", budget)).status_code == 200
    for _n in range(35):
        project(budget, area=area, category=category, cost_estimate=1000)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("page", budget))
    assert response.content.decode().count('class="card budget-idea"') == 20


def test_ranked_results_show_the_rounds(client: Client, now: datetime) -> None:
    budget = budget_module(now=now, method="ranked", max_choices=3, amount=100_000)
    ballot(budget, [40_000, 40_000, 40_000])
    for ranks in ({"rank_1": "1", "rank_2": "2"}, {"rank_2": "1"}, {"rank_3": "1", "rank_2": "2"}):
        client.force_login(voter(budget, now))
        assert client.post(url("vote", budget), ranks).status_code == 302
    budget = count_and_publish(budget, now)
    client.logout()
    html = client.get(url("results", budget)).content.decode()
    assert "Omgångarna i rangordningen" in html and "Omgång 1" in html
    assert "Uttömda röstsedlar" in html


def test_who_voted_is_compared_with_the_population_with_small_groups_hidden(
    client: Client, now: datetime
) -> None:
    from delaktig.population.models import PopulationCount, PopulationTable

    budget = budget_module(now=now, min_age=13, max_age=35)
    place = budget.module.process.organisation.municipalities.get()
    table = PopulationTable.objects.create(
        organisation=budget.module.process.organisation, name="Folkmängd test", year=2025
    )
    for age in ("0–17", "18–29", "30–44"):
        for sex in ("kvinna", "man"):
            PopulationCount.objects.create(
                table=table, region_code=place.code, age_group=age, sex=sex, count=1000
            )
    Budget.objects.filter(pk=budget.pk).update(population_table=table)
    ballot(budget, [10_000])
    for years in [14] * 6 + [20] * 7 + [32]:
        client.force_login(voter(budget, now, age=years))
        data = {"choices": ["1"], "statistics_consent": "on"}
        assert client.post(url("vote", budget), data).status_code == 302
    budget = count_and_publish(budget, now)
    client.logout()
    html = client.get(url("results", budget)).content.decode()
    who = html.split('id="who-title"')[1].split("</section>")[0]
    assert "14 av dem ville räknas med" in who
    assert "i åldersgrupperna 0–17, 18–29, 30–44" in who
    assert "Åldersgrupperna stämmer inte exakt" in who
    # 14 voters of 6 000 inhabitants in the bands, and a word on why it is an underestimate.
    assert "Valdeltagande: 0,2 % av de 6000 invånarna i omröstningens kommuner" in who
    assert "det verkliga valdeltagandet är något högre" in who
    age_table = who.split('id="who-age"')[1]
    # 30–44 (one voter) is hidden, and 0–17 (six) with it, or the total would tell it.
    assert "<td>7</td>" in age_table and "<td>6</td>" not in age_table
    assert age_table.count("färre än fem, visas inte") == 2
