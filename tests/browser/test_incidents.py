"""The incident log in the browser: axe-core on the report form (with its errors) and the list,
under the production CSP, and a report sent with the keyboard."""

from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from delaktig.demo.region import DEMO_PASSWORD
from delaktig.incidents.models import Incident
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server: Any) -> str:
    with open("/dev/null", "w") as sink:
        call_command("load_demo", stdout=sink)
    return str(live_server.url)


def test_an_official_reports_and_the_security_function_reads_the_log(page: Page, demo: str) -> None:
    login(page, demo, "tjansteperson@demo.delaktig.se", DEMO_PASSWORD)
    page.goto(demo + "/personal/incidenter/rapportera/")
    assert_accessible(page, "incident-report")
    # Sent with a case number that is no K-number: the errors, and nothing typed lost.
    page.check("#id_about_1")
    page.fill("#id_concerned_name", "Ledamot i regionstyrelsen")
    page.check("#id_concerned_role_1")
    page.check("#id_concerned_sex_1")
    page.check("#id_category_1")
    page.fill("#id_description", "Ringde och skrek efter sammanträdet.")
    page.fill("#id_occurred_on", "2020-01-02")
    page.select_option("#id_channel", "phone")
    page.check("#id_police_reported")
    page.fill("#id_police_case_number", "inget nummer")
    page.press("#id_police_case_number", "Enter")
    page.wait_for_selector("#error-summary")
    assert page.input_value("#id_description") == "Ringde och skrek efter sammanträdet."
    assert_accessible(page, "incident-report-errors")
    page.fill("#id_police_case_number", "K123-20")
    page.press("#id_police_case_number", "Enter")
    page.wait_for_url("**/personal/incidenter/*/")
    incident = Incident.objects.get(concerned_name="Ledamot i regionstyrelsen")
    assert incident.police_case_number == "K123-20"
    assert_accessible(page, "incident-detail-reporter")
    # The official may not read the log.
    assert page.goto(demo + "/personal/incidenter/").status == 403

    page.context.clear_cookies()
    login(page, demo, "sakerhet@demo.delaktig.se", DEMO_PASSWORD)
    for name, path in {
        "incident-list": "/personal/incidenter/",
        "incident-detail-security": incident.get_absolute_url(),
        "incident-edit": f"/personal/incidenter/{incident.pk}/handlagg/",
        "incident-statistics": "/personal/incidenter/statistik/",
        "incident-staff-dashboard": "/personal/",
        "incident-inbox": "/personal/inkorg/",
    }.items():
        response = page.goto(demo + path)
        assert response is not None and response.status == 200, name
        assert_accessible(page, name)
