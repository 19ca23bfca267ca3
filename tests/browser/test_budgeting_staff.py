"""The staff pages of a participatory budget in a browser: the budget's page, reviewing an
idea, and a paper batch whose two entries differ, under the production CSP with axe-core;
screenshots in test-artifacts/ (1366×900, as on a library's laptop)."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser

from delaktig.budgeting import services
from delaktig.budgeting.models import PaperBatch
from tests.browser.conftest import ARTIFACTS, assert_accessible, login, new_context
from tests.budgeting_factories import ballot, budget_module, project
from tests.factories import UserFactory, role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "lösenord-123"  # UserFactory's


def test_budget_staff_pages_pass_axe(browser: Browser, live_server: Any) -> None:
    now = timezone.now()
    review = budget_module(now=now, stage="review", rules_text="Alla från 13 år får rösta.")
    idea = project(review, title="Utegym i Stadsparken", cost_estimate=150_000)
    project(review, title="Fler bänkar längs ån", status="not_on_ballot", reason="Redan beslutat.")
    project(review, title="Konstgräsplan", status="on_ballot", cost=600_000)
    official = role(UserFactory(), "official", review.module.process.organisation)

    voting = budget_module(
        now=now - timedelta(days=1), stage="voting", organisation=review.module.process.organisation
    )
    ballot(voting, [120_000, 250_000, 400_000])
    colleague = role(UserFactory(), "official", voting.module.process.organisation)
    a, b, c = services.paper_codes_print(actor=official, budget=voting, count=3)
    batch = PaperBatch.objects.create(budget=voting, place="Stadsbiblioteket", voters=3)
    services.paper_entry_submit(actor=official, batch=batch, text=f"{a}: 1\n{b}: 2\n{c}: ogiltig")
    services.paper_entry_submit(actor=colleague, batch=batch, text=f"{a}: 1\n{b}: 3")

    context = new_context(browser, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    base = live_server.url
    login(page, base, official.email, PASSWORD)

    page.goto(f"{base}/m/budget/personal/{review.module_id}/")
    assert page.get_by_role("heading", name="Läget").is_visible()
    assert_accessible(page, "budgeting-staff-manage")

    page.goto(f"{base}/m/budget/personal/{review.module_id}/forslag/{idea.pk}/")
    page.get_by_role("button", name="Går inte till omröstning").click()
    page.wait_for_load_state()
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page, "budgeting-staff-review")

    page.goto(f"{base}/m/budget/personal/{voting.module_id}/papper/")
    assert_accessible(page, "budgeting-staff-paper")

    page.goto(f"{base}/m/budget/personal/{voting.module_id}/papper/omgang/{batch.pk}/")
    assert page.get_by_role("heading", name="Inmatningarna skiljer sig").is_visible()
    assert_accessible(page, "budgeting-staff-batch-mismatch")

    page.goto(f"{base}/m/budget/personal/{review.module_id}/installningar/")
    assert_accessible(page, "budgeting-staff-settings")
    context.close()
    assert (ARTIFACTS / "budgeting-staff-manage.png").exists()
