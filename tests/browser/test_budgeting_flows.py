"""The issue's "Done when" for participatory budgets, tried in a browser as a new user would,
under the production CSP with axe-core on every page visited (screenshots in test-artifacts/):

1. a 14-year-old verified resident votes in a youth budget on a phone with the keyboard only,
   changes the vote, is stopped at four ticks, and checks the receipt after the count;
2. an official registers a paper voter, prints ballots and enters a batch; a colleague enters
   it too, first with a mismatch; the result is counted and published through the staff
   pages, and the public results count the paper ballots;
3. a process at step 5 shows the budget, its results and what happened to the winner;
4. the budget page, an idea's page and the idea form with a bad submission.

Phases are placed around a ``now`` taken once per test (the live server runs on the real
clock), never on calendar dates."""

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page
from pypdf import PdfReader

from delaktig.accounts.models import User
from delaktig.budgeting import services
from delaktig.budgeting.models import Ballot, Budget, PaperBatch, PaperCode, Project, Voter
from delaktig.followup import services as followup
from delaktig.participation.models import Phase
from tests.browser.conftest import FACTORY_PASSWORD as PASSWORD
from tests.browser.conftest import (
    assert_accessible,
    focused,
    keyboard_login,
    login,
    new_context,
    press_enter_and_wait,
    tab_to,
    tab_to_link,
)
from tests.budgeting_factories import (
    ballot,
    budget_module,
    personnummer,
    project,
    resident,
    years_before,
)
from tests.factories import UserFactory, role
from tests.followup_factories import ActivityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
TITLES = [
    "Skatepark vid Folkets hus",
    "Fler bänkar i Stadsparken",
    "Graffitivägg under bron",
    "Utegym vid skolan",
    "Wifi i badhuset",
]
CODE = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")


# --- Helpers ----------------------------------------------------------------------------------


def titled_ballot(budget: Budget, costs: list[int]) -> list[Project]:
    """Projects on a fixed ballot, with titles a reader recognises."""
    projects = ballot(budget, costs)
    for item, title in zip(projects, TITLES, strict=False):
        Project.objects.filter(pk=item.pk).update(title=title)
        item.title = title
    return projects


def official_of(budget: Budget, name: str) -> User:
    return role(UserFactory(display_name=name), "official", budget.module.process.organisation)


def end_vote(budget: Budget) -> None:
    """The vote has just closed: the voting phase ended a minute ago (on the real clock, which
    the live server uses too)."""
    ended = timezone.now() - timedelta(minutes=1)
    Phase.objects.filter(module=budget.module, phase_type="voting").update(ends_at=ended)


def tick(page: Page, number: int) -> None:
    """Tab forwards to project ``number``'s box and toggle it with Space."""
    tab_to(page, f"#choice-{number}")
    before = focused(page)["checked"]
    page.keyboard.press("Space")
    assert focused(page)["checked"] is not before


def ticked(page: Page) -> list[int]:
    values: list[str] = page.eval_on_selector_all(
        "input[name=choices]:checked", "els => els.map(el => el.value)"
    )
    return sorted(int(v) for v in values)


def submit_ballot(page: Page) -> None:
    tab_to(page, "form.ballot button[type=submit]")
    press_enter_and_wait(page)


# --- 1. A youth budget on a phone, keyboard only ------------------------------------------------


def test_a_fourteen_year_old_votes_on_a_phone_with_the_keyboard(
    browser: Browser, live_server: Any
) -> None:
    now = timezone.now()
    budget = budget_module(
        now=now,
        method="approval",
        max_choices=3,
        min_age=13,
        max_age=19,
        amount=200_000,
        rules_text="Alla mellan 13 och 19 år som är folkbokförda i kommunen får rösta.",
    )
    titled_ballot(budget, [60_000, 25_000, 40_000, 50_000, 15_000])
    place = budget.module.process.organisation.municipalities.get()
    teen = resident(place, born=years_before(now.date(), 14), display_name="Alva")
    base = live_server.url

    context = new_context(browser, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    keyboard_login(page, base, teen.email)

    # From the process page to the ballot by the module's "Rösta" link.
    page.goto(base + budget.module.process.get_absolute_url())
    vote_url = f"/m/budget/{budget.module_id}/rosta/"
    tab_to_link(page, "Rösta", vote_url)
    press_enter_and_wait(page)
    assert page.url.endswith(vote_url)
    assert page.get_by_role("group", name="Förslagen på röstsedeln").is_visible()
    assert_accessible(page, "budgeting-flow-phone-ballot")

    tick(page, 1)
    tick(page, 2)
    assert ticked(page) == [1, 2]
    submit_ballot(page)
    assert page.url.endswith("?kvitto=1")
    code = page.locator(".receipt-code").inner_text().strip()
    assert CODE.fullmatch(code), code
    assert_accessible(page, "budgeting-flow-phone-receipt")
    stored = Ballot.objects.get(budget=budget)
    assert (stored.receipt, stored.choices, stored.channel) == (code, [1, 2], "digital")

    # Back to the ballot from the receipt page: the ticks are there; untick 1, tick 3.
    tab_to_link(page, "Ändra din röst", vote_url)
    press_enter_and_wait(page)
    assert ticked(page) == [1, 2]
    tick(page, 1)
    tick(page, 3)
    submit_ballot(page)
    assert page.locator(".receipt-code").inner_text().strip() == code
    assert page.get_by_text("Din röst är ändrad. Kvittokoden är densamma.").is_visible()
    stored = Ballot.objects.get(budget=budget)
    assert (stored.receipt, stored.choices) == (code, [2, 3])
    assert Voter.objects.filter(budget=budget).count() == 1

    # Four ticks where three are allowed: the error summary takes focus, the ticks stay,
    # and its link leads back to the ballot.
    tab_to_link(page, "Ändra din röst", vote_url)
    press_enter_and_wait(page)
    tick(page, 1)
    tick(page, 4)
    assert ticked(page) == [1, 2, 3, 4]
    submit_ballot(page)
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert summary.evaluate("el => el === document.activeElement")
    assert "högst 3 förslag" in summary.inner_text()
    assert ticked(page) == [1, 2, 3, 4]
    assert_accessible(page, "budgeting-flow-phone-too-many")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "ballot-choices"
    assert Ballot.objects.get(budget=budget).choices == [2, 3]

    # The vote closes; staff count and publish.
    end_vote(budget)
    official = official_of(budget, "Tjänsteperson")
    budget = services.budget_count(actor=official, budget=budget)
    budget = services.budget_publish(actor=official, budget=budget)

    # The resident checks the receipt, typing the code as written down.
    page.goto(f"{base}/m/budget/{budget.module_id}/kvitto/")
    tab_to(page, "#id_kod")
    page.keyboard.type(code.lower().replace("-", " "))
    press_enter_and_wait(page)
    result = page.locator(".receipt-result")
    assert "räknad" in result.inner_text()
    chosen = result.locator(".receipt-choices li").all_inner_texts()
    assert [" ".join(c.split()) for c in chosen] == [f"2 {TITLES[1]}", f"3 {TITLES[2]}"]
    assert_accessible(page, "budgeting-flow-phone-receipt-check")
    context.close()


# --- 2. Paper ballots entered by two officials, then published ----------------------------------


def logout(page: Page) -> None:
    with page.expect_navigation():
        page.locator("form[action='/konto/logout/'] button").click()
    assert page.locator("form[action='/konto/logout/']").count() == 0


def enter_batch(page: Page, text: str) -> None:
    page.fill("#id_rows", text)
    with page.expect_navigation():
        page.locator("#entry button[type=submit]").click()


def click_and_confirm(page: Page, section: str, label: str) -> None:
    """Press a staff page's button, then confirm on the confirmation page."""
    with page.expect_navigation():
        page.locator(f"#{section} button[type=submit]").click()
    assert page.get_by_role("button", name=label).is_visible()
    assert_accessible(page, f"budgeting-flow-confirm-{section}")
    with page.expect_navigation():
        page.get_by_role("button", name=label).click()


def test_officials_enter_paper_ballots_together_and_publish(
    browser: Browser, live_server: Any
) -> None:
    now = timezone.now()
    budget = budget_module(now=now, amount=500_000)
    titled_ballot(budget, [200_000, 150_000, 250_000])
    place = budget.module.process.organisation.municipalities.get()
    online = resident(place, born=years_before(now.date(), 33))
    services.ballot_cast(actor=online, budget=budget, choices=[1, 2], statistics_consent=False)
    first = official_of(budget, "Anna Andersson")
    second = official_of(budget, "Bo Berg")
    base = live_server.url
    paper_url = f"{base}/m/budget/personal/{budget.module_id}/papper/"

    context = new_context(browser, viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, base, first.email, PASSWORD)
    page.goto(paper_url)

    # Two people without e-ID come to the library: each is entered in the register.
    for age in (71, 45):
        page.fill("#id_identity_number", personnummer(years_before(now.date(), age)))
        page.select_option("#id_municipality", str(place.pk))
        with page.expect_navigation():
            page.get_by_role("button", name="För in i röstlängden").click()
        assert page.locator(".paper-registered").is_visible()
    assert Voter.objects.filter(budget=budget, channel="paper").count() == 2
    assert_accessible(page, "budgeting-flow-paper")

    # Two ballots printed: a PDF download, its codes the ones stored.
    page.fill("#id_count", "2")
    with page.expect_response(lambda r: r.url.endswith("/papper/utskrift/")) as answer:
        with page.expect_download() as download:
            page.get_by_role("button", name="Skriv ut (PDF)").click()
    assert answer.value.status == 200
    assert answer.value.headers["content-type"] == "application/pdf"
    pdf = PdfReader(download.value.path())
    printed = set(CODE.findall("".join(p.extract_text() for p in pdf.pages)))
    codes = sorted(PaperCode.objects.filter(budget=budget).values_list("code", flat=True))
    assert printed == set(codes) and len(codes) == 2
    a, b = codes

    page.fill("#id_place", "Stadsbiblioteket")
    page.fill("#id_voters", "2")
    with page.expect_navigation():
        page.get_by_role("button", name="Skapa omgången").click()
    batch = PaperBatch.objects.get(budget=budget)
    assert page.url.endswith(f"/papper/omgang/{batch.pk}/")
    assert_accessible(page, "budgeting-flow-batch-new")
    enter_batch(page, f"{a}: 1, 3\n{b}: 2")
    saved = "Din inmatning är sparad. Nu behövs en kollegas inmatning."
    assert page.get_by_text(saved).is_visible()
    logout(page)

    # The colleague reads the same ballots and misreads one.
    login(page, base, second.email, PASSWORD)
    page.goto(paper_url)
    with page.expect_navigation():
        page.get_by_role("link", name="Stadsbiblioteket").click()
    enter_batch(page, f"{a}: 1, 3\n{b}: 3")
    differences = page.locator("#differences")
    assert page.get_by_role("heading", name="Inmatningarna skiljer sig").is_visible()
    rows = differences.locator("tbody tr").all_inner_texts()
    assert len(rows) == 1 and b in rows[0]
    assert_accessible(page, "budgeting-flow-batch-mismatch")
    assert PaperBatch.objects.get(pk=batch.pk).status == "mismatch"
    assert page.locator("#id_rows").input_value().splitlines() == [f"{a}: 1, 3", f"{b}: 3"]
    enter_batch(page, f"{a}: 1, 3\n{b}: 2")
    assert page.get_by_text("Inmatningarna stämmer överens. Röstsedlarna är räknade.").is_visible()
    assert PaperBatch.objects.get(pk=batch.pk).status == "accepted"
    assert Ballot.objects.filter(budget=budget, channel="paper").count() == 2
    assert_accessible(page, "budgeting-flow-batch-accepted")

    # The vote closes; the colleague counts and publishes on the budget's staff page.
    end_vote(budget)
    page.goto(f"{base}/m/budget/personal/{budget.module_id}/")
    click_and_confirm(page, "count", "Räkna rösterna")
    assert page.get_by_text("Rösterna är räknade.").first.is_visible()
    assert_accessible(page, "budgeting-flow-counted")
    click_and_confirm(page, "publish", "Publicera resultatet")
    assert page.get_by_text("Resultatet är publicerat.").first.is_visible()
    budget.refresh_from_db()
    assert budget.status == "published"

    # Anyone sees the paper ballots counted with the digital one.
    page.goto(f"{base}/m/budget/{budget.module_id}/resultat/")
    summary = " ".join(page.locator(".budget-summary").inner_text().split())
    assert "3 (1 digitalt, 2 på papper)" in summary
    assert "digitala: 1, på papper: 2" in summary
    votes = {
        row.locator("th").inner_text().split(".")[0]: row.locator("td.num").last.inner_text()
        for row in page.locator("#all-title ~ div table tbody tr").all()
    }
    assert votes == {"1": "2", "2": "2", "3": "1"}
    assert_accessible(page, "budgeting-flow-paper-results")
    context.close()


# --- 3. The process at step 5: the vote, the results, what happened ------------------------------


def test_a_step_five_process_shows_the_results_and_what_happened(
    browser: Browser, live_server: Any
) -> None:
    now = timezone.now()
    budget = budget_module(now=now, amount=300_000)
    titled_ballot(budget, [200_000, 150_000, 100_000])
    place = budget.module.process.organisation.municipalities.get()
    for choices in ([1], [1, 3], [2, 3], [1]):
        person = resident(place, born=years_before(now.date(), 40))
        services.ballot_cast(actor=person, budget=budget, choices=choices, statistics_consent=True)
    shift_phases(budget, now)
    official = official_of(budget, "Tjänsteperson")
    budget = services.budget_count(actor=official, budget=budget)
    budget = services.budget_publish(actor=official, budget=budget)
    assert services.winners(budget) == [1, 3]
    organisation = budget.module.process.organisation
    activity = ActivityFactory(
        area__plan__strategy__organisation=organisation, title="Skateparken byggs"
    )
    winner = Project.objects.get(budget=budget, number=1)
    services.project_link_activity(actor=official, project=winner, activity=activity)
    followup.activity_report_progress(
        actor=official,
        activity=activity,
        status="ongoing",
        progress=40,
        text="Marken är förberedd och rampen beställd.",
        at=now,
    )
    base = live_server.url

    context = new_context(browser, viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + budget.module.process.get_absolute_url())
    assert page.get_by_role("heading", name=re.compile("Steg 5 av 5")).is_visible()
    # The process's own follow-up list names the activity the winner became.
    assert page.get_by_role("link", name="Skateparken byggs").is_visible()
    block = page.locator(f"#module-{budget.module_id}")
    assert "Resultatet är publicerat" in block.inner_text()
    assert_accessible(page, "budgeting-flow-process")
    with page.expect_navigation():
        block.get_by_role("link", name="Se resultatet").click()
    assert page.url.endswith(f"/m/budget/{budget.module_id}/resultat/")
    card = page.locator(".budget-winners > li").filter(has_text=TITLES[0])
    text = " ".join(card.inner_text().split())
    assert "Genomförandet: Pågår, 40 % klart." in text
    assert page.locator(".budget-winners > li").filter(has_text=TITLES[2]).is_visible()
    assert_accessible(page, "budgeting-flow-results")
    with page.expect_navigation():
        card.get_by_role("link", name=f"Följ arbetet med {TITLES[0]}").click()
    assert page.url.endswith(activity.get_absolute_url())
    assert page.get_by_role("heading", name="Skateparken byggs").first.is_visible()
    assert page.get_by_text("Marken är förberedd och rampen beställd.").is_visible()
    assert_accessible(page, "budgeting-flow-activity")
    context.close()


def shift_phases(budget: Budget, now: datetime) -> None:
    """Move every phase back one phase length: the vote is over and the results phase runs."""
    for phase in Phase.objects.filter(module=budget.module):
        Phase.objects.filter(pk=phase.pk).update(
            starts_at=phase.starts_at - timedelta(days=10),
            ends_at=phase.ends_at - timedelta(days=10),
        )
    voting = Phase.objects.get(module=budget.module, phase_type="voting")
    assert voting.ends_at < now


# --- 4. The budget page, an idea, and the idea form -----------------------------------------------


def test_the_budget_page_an_idea_and_the_idea_form_pass_axe(
    browser: Browser, live_server: Any
) -> None:
    now = timezone.now()
    budget = budget_module(now=now, stage="ideas", rules_text="Alla från 13 år får lämna förslag.")
    place = budget.module.process.organisation.municipalities.get()
    natur = budget.categories.get(name="Natur")
    idea = project(
        budget,
        title="Fler träd längs Storgatan",
        location="Storgatan",
        area=place,
        category=natur,
        cost_estimate=80_000,
    )
    project(budget, title="Lånecyklar vid stationen", cost_estimate=120_000)
    person = UserFactory(display_name="Sam")
    base = live_server.url

    context = new_context(browser, viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, base, person.email, PASSWORD)
    page.goto(f"{base}/m/budget/{budget.module_id}/")
    assert page.get_by_role("link", name="Fler träd längs Storgatan").is_visible()
    assert_accessible(page, "budgeting-flow-budget-page")

    with page.expect_navigation():
        page.get_by_role("link", name="Fler träd längs Storgatan").click()
    assert page.url.endswith(f"/forslag/{idea.pk}/")
    assert_accessible(page, "budgeting-flow-idea")

    page.goto(f"{base}/m/budget/{budget.module_id}/forslag/nytt/")
    page.fill("#id_title", "Belysning i Stadsparken")
    page.fill("#id_cost_estimate", "ungefär mycket")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    summary = page.locator("#error-summary")
    assert summary.evaluate("el => el === document.activeElement")
    assert "Skriv kostnaden i hela kronor" in summary.inner_text()
    assert page.locator("#id_title").input_value() == "Belysning i Stadsparken"
    assert page.locator("#id_description").get_attribute("aria-invalid") == "true"
    assert_accessible(page, "budgeting-flow-idea-form-errors")
    assert not Project.objects.filter(title="Belysning i Stadsparken").exists()
    context.close()
