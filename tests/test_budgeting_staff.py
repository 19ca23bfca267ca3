"""The staff side of participatory budgets: permissions, settings, review, the ballot, paper
voting with two-person entry, counting, publishing, the winners and the inbox queue."""

import io
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from delaktig.budgeting import services
from delaktig.budgeting.contributions import INBOX
from delaktig.budgeting.models import Ballot, Budget, PaperBatch, PaperEntry, Project, Voter
from delaktig.followup.models import ActionPlan, Activity, FocusArea, Strategy
from delaktig.identity.models import Verification
from delaktig.identity.services import identity_of
from tests.budgeting_factories import (
    ballot,
    budget_module,
    personnummer,
    project,
    years_before,
)
from tests.factories import (
    ModuleFactory,
    MunicipalityFactory,
    OrganisationFactory,
    ProcessFactory,
    UserFactory,
    role,
)

pytestmark = pytest.mark.django_db

# A fixed moment; budgets' phases are placed around it and the clock is moved to it where
# the service reads the time.
NOW = datetime(2027, 5, 10, 10, 0, tzinfo=UTC)


def url(name: str, budget: Budget, **kwargs: Any) -> str:
    return reverse(f"budgeting:{name}", kwargs={"module_pk": budget.module_id, **kwargs})


def official_client(budget: Budget) -> tuple[Client, Any]:
    official = role(UserFactory(), "official", budget.module.process.organisation)
    client = Client()
    client.force_login(official)
    return client, official


def text(response: Any) -> str:
    """The page with runs of white space made one (a no-break space is kept)."""
    return re.sub(r"[ \t\r\n]+", " ", response.content.decode())


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


# --- Who gets in ------------------------------------------------------------------------


def _every_url(budget: Budget, idea: Project, batch: PaperBatch) -> list[str]:
    return [
        url("manage", budget),
        url("settings", budget),
        url("staff_idea", budget),
        url("review", budget, project_pk=idea.pk),
        url("paper", budget),
        url("batch", budget, batch_pk=batch.pk),
        url("winner", budget, project_pk=idea.pk),
    ]


def test_residents_and_other_organisations_officials_are_refused(clock: Any) -> None:
    budget = budget_module(now=NOW, stage="voting")
    idea = project(budget)
    batch = PaperBatch.objects.create(budget=budget, place="Biblioteket", voters=1)
    resident, elsewhere = Client(), Client()
    resident.force_login(UserFactory())
    elsewhere.force_login(role(UserFactory(), "official", OrganisationFactory()))
    for address in _every_url(budget, idea, batch):
        assert resident.get(address).status_code == 403, address
        assert elsewhere.get(address).status_code == 403, address
        assert Client().get(address).status_code == 302, address
    for name in ("ballot_action", "count", "publish", "paper_voter", "paper_print"):
        assert elsewhere.post(url(name, budget), {"action": "fix"}).status_code == 403, name
    assert Budget.objects.get(pk=budget.pk).status == "draft"


def test_a_draft_process_is_404_to_another_organisations_official(clock: Any) -> None:
    budget = budget_module(now=NOW, stage="ideas")
    budget.module.process.status = "draft"
    budget.module.process.save()
    elsewhere = Client()
    elsewhere.force_login(role(UserFactory(), "official", OrganisationFactory()))
    assert elsewhere.get(url("manage", budget)).status_code == 404
    assert elsewhere.get("/m/budget/personal/999999/").status_code == 404


def test_the_phase_rules_for_ideas_and_ballots(clock: Any) -> None:
    ideas = budget_module(now=NOW, stage="ideas")
    voting = budget_module(now=NOW, stage="voting")
    resident = UserFactory()
    assert resident.has_perm("budgeting.add_project", ideas)
    assert not resident.has_perm("budgeting.add_project", voting)
    assert resident.has_perm("budgeting.add_ballot", voting)
    assert not resident.has_perm("budgeting.add_ballot", ideas)
    assert not AnonymousUser().has_perm("budgeting.add_ballot", voting)


# --- The budget's page and its settings -------------------------------------------------


def test_a_module_without_a_budget_leads_to_the_settings() -> None:
    module = ModuleFactory(process=ProcessFactory(), kind="budget", title="Ungdomsbudget")
    client = Client()
    client.force_login(role(UserFactory(), "official", module.process.organisation))
    page = client.get(reverse("budgeting:manage", kwargs={"module_pk": module.pk}))
    assert page.status_code == 200
    assert reverse("budgeting:settings", kwargs={"module_pk": module.pk}) in page.content.decode()
    assert "Budgeten är inte inställd än" in text(page)


def test_manage_shows_where_the_budget_stands(clock: Any) -> None:
    budget = budget_module(now=NOW, stage="review")
    project(budget, title="Utegym i parken", cost_estimate=150_000)
    project(budget, title="Fler bänkar", status="not_on_ballot", reason="Redan beslutat.")
    client, _official = official_client(budget)
    page = text(client.get(url("manage", budget)))
    assert "Förslag och granskning" in page
    assert "Utegym i parken" in page and "150\xa0000 kr" in page
    assert "Inlämnat, granskas: 1" in page and "Går inte till omröstning: 1" in page
    assert "Fastställ röstsedeln" in page
    assert "Publicera resultatet" in page  # the heading; no button before the count
    assert url("publish", budget) not in page


def test_settings_save_an_amount_written_with_spaces(clock: Any) -> None:
    budget = budget_module(now=NOW, stage="ideas")
    organisation = budget.module.process.organisation
    home = organisation.municipalities.first()
    client, _official = official_client(budget)
    response = client.post(
        url("settings", budget),
        {
            "amount": "2 000 000 kr",
            "method": "approval",
            "max_choices": "3",
            "min_age": "13",
            "max_age": "25",
            "municipalities": [home.pk],
            "rules_text": "Alla mellan 13 och 25 år får rösta.",
            "categories": "Idrott\n\nKultur\nIdrott",
        },
    )
    assert response.status_code == 302
    budget.refresh_from_db()
    assert (budget.amount, budget.method, budget.max_choices) == (2_000_000, "approval", 3)
    assert (budget.min_age, budget.max_age) == (13, 25)
    assert list(budget.municipalities.all()) == [home]
    assert [c.name for c in budget.categories.all()] == ["Idrott", "Kultur"]


def test_settings_keep_what_was_typed_on_an_error(clock: Any) -> None:
    budget = budget_module(now=NOW, stage="ideas")
    other = MunicipalityFactory()  # not the organisation's
    client, _official = official_client(budget)
    data = {"amount": "5 000", "method": "ranked", "rules_text": "Mina regler", "min_age": "30"}
    response = client.post(url("settings", budget), {**data, "max_age": "20"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Den lägsta åldern kan inte vara högre än den högsta." in page
    assert 'value="5 000"' in page and "Mina regler" in page
    response = client.post(url("settings", budget), data)
    assert "Ange hur många förslag en röstsedel får ta upp" in response.content.decode()
    response = client.post(url("settings", budget), {**data, "amount": "två miljoner"})
    assert "Skriv beloppet i hela kronor" in response.content.decode()
    response = client.post(
        url("settings", budget), {**data, "max_choices": "2", "municipalities": [other.pk]}
    )
    assert response.status_code == 400
    budget.refresh_from_db()
    assert budget.amount == 1_000_000


def test_settings_are_refused_once_the_ballot_is_fixed(clock: Any) -> None:
    budget = budget_module(now=NOW, stage="voting")
    ballot(budget, [100_000])
    client, _official = official_client(budget)
    page = client.get(url("settings", budget))
    assert "Reglerna kan inte ändras nu." in text(page)
    assert "ångra fastställandet" in text(page)
    response = client.post(url("settings", budget), {"amount": "9", "method": "knapsack"})
    assert response.status_code == 409
    assert "Röstsedeln är fastställd." in text(response)
    budget.refresh_from_db()
    assert budget.amount == 1_000_000


# --- Ideas and their review ---------------------------------------------------------------


def test_an_official_enters_an_idea_from_a_workshop(clock: Any) -> None:
    budget = budget_module(now=NOW, stage="review")
    client, _official = official_client(budget)
    response = client.post(
        url("staff_idea", budget),
        {"title": "Skateramp", "description": "Från workshopen i mars.", "cost_estimate": "80 000"},
    )
    idea = Project.objects.get(budget=budget, title="Skateramp")
    assert response.status_code == 302
    assert response["Location"] == url("review", budget, project_pk=idea.pk)
    assert idea.cost_estimate == 80_000 and idea.author is None


def test_review_puts_an_idea_on_the_ballot_once_it_has_a_cost(clock: Any) -> None:
    budget = budget_module(now=NOW, stage="review")
    idea = project(budget, title="Utegym")
    client, official = official_client(budget)
    address = url("review", budget, project_pk=idea.pk)
    response = client.post(address, {"action": "put_on_ballot"})
    assert response.status_code == 400
    assert "Ange en bedömd kostnad" in text(response)
    response = client.post(
        address,
        {
            "title": "Utegym i Stadsparken",
            "description": "Ett utegym.",
            "cost": "120 000",
            "feasibility": "Går att bygga på en sommar.",
        },
    )
    assert response.status_code == 302
    response = client.post(address, {"action": "put_on_ballot"})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert (idea.status, idea.cost, idea.title) == ("on_ballot", 120_000, "Utegym i Stadsparken")
    assert idea.reviewed_by == official


def test_leaving_an_idea_off_the_ballot_needs_a_public_reason(clock: Any) -> None:
    budget = budget_module(now=NOW, stage="review")
    idea = project(budget)
    client, _official = official_client(budget)
    address = url("review", budget, project_pk=idea.pk)
    response = client.post(address, {"action": "leave_off_ballot", "reason": "  "})
    assert response.status_code == 400
    assert "Skriv ett skäl. Skälet visas för alla." in text(response)
    assert 'aria-describedby="id_reason_help id_reason_error"' in response.content.decode()
    response = client.post(
        address, {"action": "leave_off_ballot", "reason": "Marken ägs inte av kommunen."}
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert (idea.status, idea.reason) == ("not_on_ballot", "Marken ägs inte av kommunen.")
    client.post(address, {"action": "return_to_review"})
    idea.refresh_from_db()
    assert (idea.status, idea.reason) == ("submitted", "")


# --- The ballot ---------------------------------------------------------------------------


def test_fix_and_reopen_the_ballot(clock: Any) -> None:
    budget = budget_module(now=NOW, stage="review")
    for cost in (100_000, 200_000):
        project(budget, status="on_ballot", cost=cost)
    client, _official = official_client(budget)
    response = client.post(url("ballot_action", budget), {"action": "fix"})
    assert response.status_code == 302
    budget.refresh_from_db()
    assert budget.status == "ballot_fixed"
    numbers = budget.projects.order_by("number").values_list("number", flat=True)
    assert list(numbers) == [1, 2]
    page = text(client.get(url("manage", budget)))
    assert "Lottnummer" in page and "Ångra fastställandet" in page
    asked = client.post(url("ballot_action", budget), {"action": "reopen"})
    assert asked.status_code == 200 and "Det här går inte att ångra" in text(asked)
    budget.refresh_from_db()
    assert budget.status == "ballot_fixed"
    client.post(url("ballot_action", budget), {"action": "reopen", "confirmed": "1"})
    budget.refresh_from_db()
    assert budget.status == "draft"
    assert list(budget.projects.values_list("number", flat=True)) == [None, None]


# --- Paper voters ---------------------------------------------------------------------------


def _verified(user: Any, number: str, municipality: Any) -> None:
    digest, birth = identity_of(number)
    Verification.objects.create(
        user=user,
        method="official",
        identity_hash=digest,
        birth_date=birth,
        municipality=municipality,
        verified_at=NOW,
    )


def test_a_paper_voter_is_registered_and_nothing_of_the_number_comes_back(clock: Any) -> None:
    budget = budget_module(now=NOW, stage="voting")
    ballot(budget, [100_000])
    home = budget.module.process.organisation.municipalities.first()
    number = personnummer(date(1980, 3, 4))
    client, official = official_client(budget)
    response = client.post(
        url("paper_voter", budget),
        {"identity_number": number, "municipality": home.pk},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Lämna ut en röstsedel." in page
    assert number not in page and number[2:8] not in page
    voter = Voter.objects.get(budget=budget)
    assert (voter.channel, voter.registered_by) == ("paper", official)
    again = client.post(
        url("paper_voter", budget), {"identity_number": number, "municipality": home.pk}
    )
    assert again.status_code == 409
    assert "Personen har redan röstat (På papper)." in text(again)


def test_a_digital_voter_cannot_also_vote_on_paper(clock: Any) -> None:
    budget = budget_module(now=NOW, stage="voting")
    ballot(budget, [100_000, 200_000])
    home = budget.module.process.organisation.municipalities.first()
    number = personnummer(date(1990, 6, 1))
    resident = UserFactory()
    _verified(resident, number, home)
    services.ballot_cast(actor=resident, budget=budget, choices=[2])
    client, _official = official_client(budget)
    response = client.post(
        url("paper_voter", budget), {"identity_number": number, "municipality": home.pk}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Personen har redan röstat (Digitalt)." in page
    assert 'id="id_identity_number_error"' in page
    assert f'<option value="{home.pk}" selected>' in page
    assert Voter.objects.filter(budget=budget).count() == 1


def test_a_paper_voter_too_young_or_not_resident_is_refused(clock: Any) -> None:
    budget = budget_module(now=NOW, stage="voting", min_age=13)
    ballot(budget, [100_000])
    organisation = budget.module.process.organisation
    home = organisation.municipalities.get()
    elsewhere = MunicipalityFactory()
    organisation.municipalities.add(elsewhere)
    budget.municipalities.set([home])
    # Age counts on the vote's last day, five days after NOW: one day short of 13 then.
    last_day = (NOW + timedelta(days=5)).date()
    young = personnummer(years_before(last_day, 13) + timedelta(days=1))
    client, _official = official_client(budget)
    response = client.post(
        url("paper_voter", budget), {"identity_number": young, "municipality": home.pk}
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "Du behöver ha fyllt 13 år för att rösta." in page
    assert f'<option value="{home.pk}" selected>' in page
    just = personnummer(years_before(last_day, 13))
    response = client.post(
        url("paper_voter", budget), {"identity_number": just, "municipality": home.pk}
    )
    assert response.status_code == 302
    response = client.post(
        url("paper_voter", budget),
        {"identity_number": personnummer(date(1970, 1, 1)), "municipality": elsewhere.pk},
    )
    assert response.status_code == 400  # not among the choices: only the budget's places
    assert Voter.objects.filter(budget=budget).count() == 1


# --- Printed ballots and two-person entry ---------------------------------------------------


def test_printed_ballots_are_a_tagged_pdf_one_a_page_with_the_code_twice(clock: Any) -> None:
    budget = budget_module(now=NOW, stage="voting", rules_text="Du som bor i regionen röstar.")
    ballot(budget, [100_000, 250_000])
    client, _official = official_client(budget)
    response = client.post(url("paper_print", budget), {"count": "3"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    codes = list(budget.paper_codes.values_list("code", flat=True))
    assert len(codes) == 3
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 3
    assert "/StructTreeRoot" in reader.root_object
    page = reader.pages[0].extract_text()
    flat = "".join(page.split())
    assert "Projekt1" in flat and "250000kr" in "".join(flat.split("\xa0"))
    assert "Dittkvitto" in flat and url("receipt", budget) in flat
    shown = [c for c in codes if c in flat]
    assert len(shown) == 1 and flat.count(shown[0]) == 2
    assert client.post(url("paper_print", budget), {"count": "0"}).status_code == 400


def _batch(budget: Budget, codes: list[str], voters: int = 2) -> PaperBatch:
    return PaperBatch.objects.create(budget=budget, place="Stadsbiblioteket", voters=voters)


def _codes(budget: Budget, n: int, official: Any) -> list[str]:
    return services.paper_codes_print(actor=official, budget=budget, count=n)


def test_two_officials_entries_that_agree_are_counted(clock: Any) -> None:
    budget = budget_module(now=NOW, stage="voting")
    ballot(budget, [100_000, 200_000, 300_000])
    first, official = official_client(budget)
    second, _colleague = official_client(budget)
    a, b = _codes(budget, 2, official)
    batch = _batch(budget, [a, b])
    address = url("batch", budget, batch_pk=batch.pk)
    entry = f"{a}: 1, 3\n{b.lower().replace('-', '')}: ogiltig\n"
    assert first.post(address, {"rows": entry}).status_code == 302
    page = text(first.get(address))
    assert "Skickar du igen ersätts din egen inmatning" in page
    other = text(second.get(address))
    assert a not in other and "Gjord av" in other  # it exists; its content is not shown
    assert second.post(address, {"rows": f"{b}: ogiltig\n{a}: 1,3"}).status_code == 302
    batch.refresh_from_db()
    assert batch.status == "accepted"
    ballots = dict(Ballot.objects.filter(batch=batch).values_list("receipt", "choices"))
    assert ballots == {a: [1, 3], b: None}
    assert "Godkänd och räknad" in text(first.get(address))


def test_entries_that_differ_are_shown_ballot_by_ballot(clock: Any) -> None:
    budget = budget_module(now=NOW, stage="voting")
    ballot(budget, [100_000, 200_000, 300_000])
    first, official = official_client(budget)
    second, _colleague = official_client(budget)
    a, b, c = _codes(budget, 3, official)
    batch = _batch(budget, [a, b, c], voters=3)
    address = url("batch", budget, batch_pk=batch.pk)
    first.post(address, {"rows": f"{a}: 1\n{b}: 2\n{c}: 3"})
    second.post(address, {"rows": f"{a}: 1\n{b}: 3"})
    batch.refresh_from_db()
    assert batch.status == "mismatch"
    assert not Ballot.objects.filter(batch=batch).exists()
    page = text(first.get(address))
    assert "Inmatningarna skiljer sig" in page
    rows = re.findall(r"<tr><td><code>([A-Z0-9-]+)</code></td>", page)
    assert rows == sorted([b, c])
    assert "Saknas" in page and a not in rows
    assert "Inmatningen har 2 röstsedlar" in text(second.get(address))
    # The second official re-reads the paper and corrects their own entry.
    second.post(address, {"rows": f"{a}: 1\n{b}: 2\n{c}: 3"})
    batch.refresh_from_db()
    assert batch.status == "accepted"


def test_the_same_official_twice_replaces_their_own_entry(clock: Any) -> None:
    budget = budget_module(now=NOW, stage="voting")
    ballot(budget, [100_000, 200_000])
    client, official = official_client(budget)
    (a,) = _codes(budget, 1, official)
    batch = _batch(budget, [a], voters=1)
    address = url("batch", budget, batch_pk=batch.pk)
    client.post(address, {"rows": f"{a}: 1"})
    client.post(address, {"rows": f"{a}: 2"})
    assert PaperEntry.objects.filter(batch=batch).count() == 1
    assert PaperEntry.objects.get(batch=batch).rows == [[a, [2]]]
    batch.refresh_from_db()
    assert batch.status == "entering"
    page = client.get(address).content.decode()
    assert f"{a}: 2" in page  # one's own entry, to correct


def test_unknown_and_used_codes_are_refused_keeping_what_was_typed(clock: Any) -> None:
    budget = budget_module(now=NOW, stage="voting")
    ballot(budget, [100_000, 200_000])
    first, official = official_client(budget)
    second, _colleague = official_client(budget)
    (a,) = _codes(budget, 1, official)
    batch = _batch(budget, [a], voters=1)
    address = url("batch", budget, batch_pk=batch.pk)
    typed = f"{a}: 1\nZZZZ-ZZZZ-ZZZZ: 2"
    response = first.post(address, {"rows": typed})
    assert response.status_code == 400
    assert "Rad 2: koden ZZZZ-ZZZZ-ZZZZ finns inte på någon utskriven röstsedel." in text(response)
    assert "ZZZZ-ZZZZ-ZZZZ: 2" in response.content.decode()
    response = first.post(address, {"rows": f"{a}: 9"})
    assert "det finns inget förslag med nummer 9" in text(response)
    first.post(address, {"rows": f"{a}: 1"})
    second.post(address, {"rows": f"{a}: 1"})
    later = _batch(budget, [a], voters=1)
    response = first.post(url("batch", budget, batch_pk=later.pk), {"rows": f"{a}: 2"})
    assert response.status_code == 400
    assert f"koden {a} är redan räknad" in text(response)


# --- Counting and publishing -----------------------------------------------------------------


def test_counting_is_refused_while_the_vote_is_open(clock: Any) -> None:
    budget = budget_module(now=NOW, stage="voting")
    ballot(budget, [100_000])
    client, _official = official_client(budget)
    asked = client.post(url("count", budget))
    assert asked.status_code == 200 and "Nycklarna som låter de röstande" in text(asked)
    response = client.post(url("count", budget), {"confirmed": "1"})
    assert response.status_code == 409
    assert "Omröstningen pågår." in text(response)
    budget.refresh_from_db()
    assert budget.status == "ballot_fixed"


def test_publishing_is_refused_while_paper_batches_are_open(clock: Any) -> None:
    budget = budget_module(now=NOW, stage="results")
    ballot(budget, [100_000, 200_000])
    client, official = official_client(budget)
    PaperBatch.objects.create(budget=budget, place="Biblioteket", voters=4)
    response = client.post(url("count", budget), {"confirmed": "1"})
    assert response.status_code == 302
    budget.refresh_from_db()
    assert budget.status == "counted"
    page = text(client.get(url("manage", budget)))
    assert "1 omgång med röstsedlar på papper är inte klar." in page
    assert url("results", budget) in page
    response = client.post(url("publish", budget), {"confirmed": "1"})
    assert response.status_code == 409
    assert "1 omgångar med röstsedlar på papper är inte klara." in text(response)
    budget.paper_batches.update(status="accepted")
    assert client.post(url("publish", budget), {"confirmed": "1"}).status_code == 302
    budget.refresh_from_db()
    assert budget.status == "published" and budget.published_by == official


# --- The winners ------------------------------------------------------------------------------


def _published(budget: Budget, official: Any) -> list[Project]:
    projects = ballot(budget, [100_000, 200_000])
    Ballot.objects.create(budget=budget, receipt="AAAA-BBBB-CCCC", choices=[1], channel="digital")
    services.budget_count(actor=official, budget=budget, now=NOW)
    services.budget_publish(actor=official, budget=budget)
    budget.refresh_from_db()
    return projects


def _focus_area(organisation: Any) -> FocusArea:
    slug = f"strategi-{organisation.pk}"
    strategy = Strategy.objects.create(
        organisation=organisation, title="Strategi", slug=slug, start_year=2026, end_year=2030
    )
    plan = ActionPlan.objects.create(
        strategy=strategy, title="Plan", slug="plan", start_year=2026, end_year=2027
    )
    return FocusArea.objects.create(plan=plan, title="Trygghet")


def test_a_winner_is_linked_to_a_plan_activity(clock: Any) -> None:
    budget = budget_module(now=NOW, stage="results")
    client, official = official_client(budget)
    won, lost = _published(budget, official)
    organisation = budget.module.process.organisation
    area = _focus_area(organisation)
    activity = Activity.objects.create(area=area, title="Utegym", start_year=2027, end_year=2027)
    foreign = Activity.objects.create(
        area=_focus_area(OrganisationFactory()), title="Annan", start_year=2027, end_year=2027
    )
    assert client.get(url("winner", budget, project_pk=lost.pk)).status_code == 404
    address = url("winner", budget, project_pk=won.pk)
    assert client.post(address, {"activity": foreign.pk}).status_code == 400
    assert client.post(address, {"activity": activity.pk}).status_code == 302
    won.refresh_from_db()
    assert won.activity == activity
    assert budget.module.process in activity.processes.all()
    response = client.post(address, {"area": area.pk})
    assert response.status_code == 302
    won.refresh_from_db()
    assert won.activity is not None and won.activity != activity
    assert won.activity.title == won.title
    assert won.activity.get_absolute_url() in text(client.get(url("manage", budget)))


def test_the_results_link_each_winners_activity_in_the_same_queries(clock: Any) -> None:
    budget = budget_module(now=NOW, stage="results")
    _client, official = official_client(budget)
    won, lost = _published(budget, official)
    area = _focus_area(budget.module.process.organisation)
    results = url("results", budget)
    public = Client()
    public.get(results)
    with CaptureQueriesContext(connection) as unlinked:
        assert public.get(results).status_code == 200
    for number, item in enumerate((won, lost)):
        item.activity = Activity.objects.create(
            area=area, title=f"Genomförande {number}", status="ongoing", progress=40
        )
        item.save(update_fields=["activity"])
    with CaptureQueriesContext(connection) as linked:
        page = text(public.get(results))
    assert won.activity.get_absolute_url() in page
    assert "Genomförandet: Pågår, 40 % klart." in page
    assert len(linked) == len(unlinked)


# --- The staff inbox --------------------------------------------------------------------------


def test_the_inbox_lists_new_ideas_for_the_budgets_officials_only(clock: Any) -> None:
    budget = budget_module(now=NOW, stage="ideas")
    waiting = project(budget, title="Badplats")
    project(budget, title="Bedömt", reviewed_at=NOW)
    project(budget, title="Moderering", status="held")
    _client, official = official_client(budget)
    elsewhere = role(UserFactory(), "official", OrganisationFactory())
    (queue,) = INBOX
    items = queue.items(official)
    assert [i.title for i in items] == ["Badplats"]
    assert items[0].url == url("review", budget, project_pk=waiting.pk)
    assert queue.size(official) == 1
    assert queue.size(elsewhere) == 0


def test_the_process_page_offers_the_ballots_file_only_once_there_are_counted_ballots() -> None:
    budget = budget_module(now=NOW)
    client, _official = official_client(budget)
    process_page = reverse("staff:process", kwargs={"pk": budget.module.process_id})
    export = reverse(
        "staff:export",
        kwargs={
            "pk": budget.module.process_id,
            "module_pk": budget.module_id,
            "key": "budget_ballots",
        },
    )
    assert export not in client.get(process_page).content.decode()
    assert client.get(export).status_code == 404
    Budget.objects.filter(pk=budget.pk).update(result={"valid": 0})
    assert export in client.get(process_page).content.decode()
