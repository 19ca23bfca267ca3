"""Riskguiden's staff pages pass axe-core's WCAG 2.1 A and AA rules, under the production CSP,
with the demo region's signed-off analysis and draft, and with errors on the stepped form."""

from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from delaktig.demo.region import DEMO_PASSWORD
from delaktig.riskguide.models import RiskAnalysis
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server: Any) -> str:
    with open("/dev/null", "w") as sink:
        call_command("load_demo", stdout=sink)
    return str(live_server.url)


def test_riskguide_pages(page: Page, demo: str) -> None:
    login(page, demo, "tjansteperson@demo.delaktig.se", DEMO_PASSWORD)
    signed = RiskAnalysis.objects.get(status="signed_off")
    draft = RiskAnalysis.objects.get(status="draft")
    base = "/personal/riskguiden"
    for name, path in {
        "riskguide-list": f"{base}/",
        "riskguide-list-filtered": f"{base}/?status=draft&subject=process",
        "riskguide-create": f"{base}/ny/?process={draft.process_id}",
        "riskguide-marks": f"{base}/kansliga/",
        "riskguide-signed-off": f"{base}/{signed.pk}/",
        "riskguide-draft": f"{base}/{draft.pk}/",
        "riskguide-step1": f"{base}/{draft.pk}/steg-1/",
        "riskguide-step2": f"{base}/{draft.pk}/steg-2/",
        "riskguide-step3": f"{base}/{draft.pk}/steg-3/",
        "riskguide-inbox": "/personal/inkorg/",
    }.items():
        page.goto(demo + path)
        assert_accessible(page, name)


def test_riskguide_step_one_without_javascript_and_with_errors(page: Page, demo: str) -> None:
    login(page, demo, "tjansteperson@demo.delaktig.se", DEMO_PASSWORD)
    draft = RiskAnalysis.objects.get(status="draft")
    page.goto(f"{demo}/personal/riskguiden/{draft.pk}/steg-1/")
    rows = page.locator("fieldset.risk-row").count()
    page.click("button[value=add]")
    assert page.locator("fieldset.risk-row").count() == rows + 1
    page.fill(f"#id_risk-{rows}-description", "Klotter med hot på informationsskylten")
    page.click("button[value=save]")
    page.wait_for_selector("#error-summary")
    assert page.input_value(f"#id_risk-{rows}-description") == (
        "Klotter med hot på informationsskylten"
    )
    assert_accessible(page, "riskguide-step1-errors")


def test_riskguide_security_function_reads(page: Page, demo: str) -> None:
    from allauth.account.models import EmailAddress

    from delaktig.accounts.models import Role, User
    from delaktig.organisations.models import Organisation

    user = User.objects.create_user(
        username="sakerhet@example.se", email="sakerhet@example.se", password=DEMO_PASSWORD
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    region = Organisation.objects.get(slug="region-jamtland-harjedalen")
    Role.objects.create(user=user, kind="security", organisation=region)
    login(page, demo, "sakerhet@example.se", DEMO_PASSWORD)
    signed = RiskAnalysis.objects.get(status="signed_off")
    page.goto(f"{demo}/personal/riskguiden/{signed.pk}/")
    assert page.locator("h1").inner_text() == signed.title
    assert_accessible(page, "riskguide-security-reads")
