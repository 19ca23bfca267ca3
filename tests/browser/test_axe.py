"""Every public and staff page passes axe-core's WCAG 2.1 A and AA rules."""

from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from delaktig.councils.models import Referral
from delaktig.demo.region import DEMO_PASSWORD
from delaktig.meetings.models import Meeting
from delaktig.participation.models import Process, ProcessTemplate
from delaktig.proposals.models import Proposal
from tests.browser.conftest import assert_accessible, axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server: Any) -> str:
    with open("/dev/null", "w") as sink:
        call_command("load_demo", stdout=sink)
    return str(live_server.url)


def test_public_pages(page: Page, demo: str) -> None:
    open_process = Process.objects.get(slug="digital-dialog-om-jamlik-vard")
    archived = Process.objects.get(status="archived")
    collecting = Proposal.objects.filter(status="collecting").first()
    decided = Proposal.objects.get(status="decided")
    assert collecting is not None
    pages = {
        "home": "/",
        "process-list": "/processer/",
        "process-list-filtered": "/processer/?step=3&q=v%C3%A5rd",
        "process-open": open_process.get_absolute_url(),
        "process-archived": archived.get_absolute_url(),
        "login": "/konto/login/",
        "signup": "/konto/signup/",
        "password-reset": "/konto/password/reset/",
        "accessibility-statement": "/tillganglighet/",
        "proposal-list": "/forslag/",
        "proposal-collecting": collecting.get_absolute_url(),
        "proposal-decided": decided.get_absolute_url(),
        "proposal-statistics": "/forslag/statistik/",
        "initiatives": "/folkinitiativ/",
        "meetings": "/moten/",
        "councils": "/rad/",
        "council": "/rad/pensionarsradet/",
        "referral": f"/rad/remisser/{Referral.objects.get().pk}/",
        "meeting-assembly": Meeting.objects.get(kind="assembly").get_absolute_url(),
        "meeting-minutes": Meeting.objects.exclude(minutes="").get().get_absolute_url(),
        "open-data": "/oppna-data/",
        "open-data-organisation": "/oppna-data/organisationer/region-jamtland-harjedalen/",
    }
    for name, path in pages.items():
        page.goto(demo + path)
        assert_accessible(page, name)
    # The API reference is too long for a full-page screenshot in time: axe alone.
    page.goto(demo + "/oppna-data/api/")
    violations = axe_violations(page)
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"][:4]]) for v in violations]


def test_signup_with_errors(page: Page, demo: str) -> None:
    page.goto(demo + "/konto/signup/")
    page.fill("#id_email", "inte-en-adress")
    page.fill("#id_password1", "kort")
    page.fill("#id_password2", "annat")
    page.press("#id_password2", "Enter")
    page.wait_for_selector("#error-summary")
    assert page.input_value("#id_email") == "inte-en-adress"
    assert_accessible(page, "signup-errors")


def test_resident_pages(page: Page, demo: str) -> None:
    login(page, demo, "invanare@demo.delaktig.se", DEMO_PASSWORD)
    open_process = Process.objects.get(slug="digital-dialog-om-jamlik-vard")
    for name, path in {
        "process-open-logged-in": open_process.get_absolute_url(),
        "account": "/mitt-konto/",
        "account-demographics": "/mitt-konto/statistikuppgifter/",
        "account-notifications": "/mitt-konto/aviseringar/",
        "account-delete": "/mitt-konto/ta-bort/",
        "proposal-new": "/forslag/nytt/",
        "proposal-mine": "/forslag/mina/",
        "meeting-webinar-full": Meeting.objects.get(kind="webinar").get_absolute_url(),
        "meeting-question-form": Meeting.objects.get(kind="assembly").get_absolute_url(),
    }.items():
        page.goto(demo + path)
        assert_accessible(page, name)
    # The comment form with an error shown in place.
    page.goto(demo + open_process.get_absolute_url())
    page.click("form.comment-form button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert_accessible(page, "comment-error")


def test_staff_pages(page: Page, demo: str) -> None:
    login(page, demo, "tjansteperson@demo.delaktig.se", DEMO_PASSWORD)
    process = Process.objects.get(slug="digital-dialog-om-jamlik-vard")
    closed = Process.objects.get(status="closed")
    case = Proposal.objects.filter(status="referred").first()
    assert case is not None
    for name, path in {
        "staff-dashboard": "/personal/",
        "staff-process-new": "/personal/processer/ny/",
        "staff-process-new-blank": "/personal/processer/ny/?tom=1",
        "staff-process-from-template": (
            f"/personal/processer/ny/mall/{ProcessTemplate.objects.get(key='ungdomsdialog').pk}/"
        ),
        "staff-process-save-as-template": f"/personal/processer/{process.pk}/spara-som-mall/",
        "staff-process-edit": f"/personal/processer/{process.pk}/redigera/",
        "staff-process-manage": f"/personal/processer/{process.pk}/",
        "staff-feedback": f"/personal/processer/{closed.pk}/aterkoppling/",
        "staff-figures": f"/personal/processer/{process.pk}/siffror/",
        "staff-moderation": "/m/discussion/personal/moderering/",
        "staff-audit-log": "/personal/logg/",
        "staff-organisation-settings": "/personal/organisationer/region-jamtland-harjedalen/",
        "staff-retention": "/personal/organisationer/region-jamtland-harjedalen/gallring/",
        "staff-branding": "/personal/organisationer/region-jamtland-harjedalen/profil/",
        "staff-process-cover": f"/personal/processer/{process.pk}/omslagsbild/",
        "staff-accessibility-edit": "/tillganglighet/region-jamtland-harjedalen/redigera/",
        "staff-proposals": "/forslag/personal/",
        "staff-proposal-case": f"/forslag/personal/{case.pk}/",
        "staff-proposal-report": "/forslag/personal/rapport/",
        "staff-proposal-rules": "/forslag/personal/regler/region-jamtland-harjedalen/",
        "staff-verify": "/identitet/personal/verifiera/",
        "staff-initiative-new": "/folkinitiativ/nytt/",
        "staff-meeting-new": "/moten/personal/nytt/",
        "staff-referrals": "/rad/personal/remisser/",
        "staff-council-edit": "/rad/personal/rad/pensionarsradet/",
        "staff-compensation": "/rad/personal/ersattning/region-jamtland-harjedalen/",
        "staff-attendance": (
            f"/rad/personal/moten/{Meeting.objects.get(kind='council').pk}/narvaro/"
        ),
        "staff-meeting-questions": (
            f"/moten/personal/{Meeting.objects.get(kind='assembly').pk}/fragor/"
        ),
        "staff-meeting-edit": f"/moten/personal/{Meeting.objects.get(kind='webinar').pk}/",
    }.items():
        page.goto(demo + path)
        assert page.locator("h1").count() == 1, name
        assert_accessible(page, name)
    # The editor with validation errors summarised at the top.
    page.goto(demo + "/personal/processer/ny/?tom=1")
    page.click("form.form button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert_accessible(page, "staff-process-new-errors")
    # A colour below 4.5:1 refused at its field, the error summarised at the top.
    page.goto(demo + "/personal/organisationer/region-jamtland-harjedalen/profil/")
    page.fill("#id_primary_colour", "#ff9900")
    page.click("main form.form button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert_accessible(page, "staff-branding-errors")
