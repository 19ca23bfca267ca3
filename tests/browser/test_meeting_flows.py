"""Meetings, question time and compensation, done with the keyboard only."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser

from delaktig.accounts.models import User
from delaktig.councils.models import Attendance
from delaktig.meetings import services
from delaktig.meetings.models import Meeting, Registration
from tests.browser.conftest import assert_accessible, tab_to
from tests.browser.test_proposal_flow import keyboard_login, press

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server: Any) -> str:
    with open("/dev/null", "w") as sink:
        call_command("load_demo", stdout=sink)
    mail.outbox.clear()
    return str(live_server.url)


def test_resident_joins_the_waiting_list_and_is_promoted(browser: Browser, demo: str) -> None:
    webinar = Meeting.objects.get(kind="webinar")  # three places, all taken in the demo
    page = keyboard_login(browser, demo, "invanare20@demo.delaktig.se")
    page.goto(demo + webinar.get_absolute_url())
    tab_to(page, "#id_interpreter")
    page.keyboard.type("teckenspråk")
    press(page, "section.support form button.button")
    assert "Du står på väntelistan" in page.content()
    person = User.objects.get(email="invanare20@demo.delaktig.se")
    assert Registration.objects.get(meeting=webinar, user=person).status == "waiting"
    # The person ahead in the queue gives up; then a confirmed participant cancels.
    ahead = Registration.objects.exclude(user=person).get(meeting=webinar, status="waiting")
    services.registration_cancel(actor=ahead.user, meeting=webinar)
    first = Registration.objects.filter(meeting=webinar, status="confirmed").first()
    assert first is not None
    services.registration_cancel(actor=first.user, meeting=webinar)
    assert Registration.objects.get(meeting=webinar, user=person).status == "confirmed"
    assert any(m.to == [person.email] and "plats" in m.subject for m in mail.outbox)
    page.reload()
    assert "Du är anmäld." in page.content()


def test_resident_asks_at_question_time_and_later_reads_the_answer(
    browser: Browser, demo: str
) -> None:
    assembly = Meeting.objects.get(kind="assembly")
    page = keyboard_login(browser, demo, "invanare21@demo.delaktig.se")
    page.goto(demo + assembly.get_absolute_url())
    tab_to(page, "#id_text")
    page.keyboard.type("När öppnar den nya vårdcentralen i Krokom?")
    tab_to(page, "#id_asker_name")
    page.keyboard.press("Control+a")
    page.keyboard.type("Robin")
    # A first post in the region: its samtalsregler are accepted with the keyboard too.
    tab_to(page, "#id_accept_rules")
    page.keyboard.press("Space")
    press(page, "#fragestund form button.button")
    assert "Din fråga har kommit in" in page.content()
    question = assembly.questions.get(asker__email="invanare21@demo.delaktig.se")

    official = keyboard_login(browser, demo, "tjansteperson@demo.delaktig.se")
    official.goto(f"{demo}/moten/personal/{assembly.pk}/fragor/")
    press(official, f"#q-{question.pk} ~ form button[value=accept]")
    tab_to(official, f"#id_a{question.pk}-answered_by")
    official.keyboard.type("Regionråd Eva Ek")
    tab_to(official, f"#id_a{question.pk}-answer")
    official.keyboard.type("Vårdcentralen öppnar i mars.")
    press(official, f"#q-{question.pk} ~ form.form button.button")
    question.refresh_from_db()
    assert question.status == "answered"

    page.goto(demo + assembly.get_absolute_url())
    section = page.locator("#fragestund").inner_text()
    assert "När öppnar den nya vårdcentralen i Krokom?" in section
    assert "Vårdcentralen öppnar i mars." in section and "Regionråd Eva Ek" in section
    told = [m.subject for m in mail.outbox if m.to == ["invanare21@demo.delaktig.se"]]
    assert len(told) == 3
    assert_accessible(page, "question-answered")


def test_official_records_attendance_and_downloads_payroll(browser: Browser, demo: str) -> None:
    meeting = Meeting.objects.get(kind="council")
    # The demo's council meeting is still to come, and attendance waits until it is held:
    # this one was held yesterday.
    held = timezone.now() - timedelta(days=1)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=held, ends_at=held + (meeting.ends_at - meeting.starts_at)
    )
    official = keyboard_login(browser, demo, "tjansteperson@demo.delaktig.se")
    official.goto(f"{demo}/rad/personal/moten/{meeting.pk}/narvaro/")
    chair = meeting.council.memberships.get(role="ordforande")
    tab_to(official, f"#id_m{chair.pk}-present")
    official.keyboard.press("Space")
    tab_to(official, f"#id_m{chair.pk}-travel_km")
    official.keyboard.press("Control+a")
    official.keyboard.type("120")
    press(official, "form button.button")
    assert "Närvaron är sparad." in official.content()
    press(official, "button[value=approve]")
    record = Attendance.objects.get(meeting=meeting, membership=chair)
    assert record.present and record.approved_at is not None
    tab_to(official, "a[href*='utbetalning.csv']")
    with official.expect_download() as download_info:
        official.keyboard.press("Enter")
    content = open(download_info.value.path(), encoding="utf-8").read()
    assert "Inga L." in content and "900.00" in content  # 600 fee + 120 km × 2.50
