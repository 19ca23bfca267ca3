"""The staff pages of a consultation on a draft in a browser, under the production CSP with
axe-core at 390 px and at desktop width (screenshots in test-artifacts/consultations-staff-*):
the consultation's page, its settings, the working copy with its numbering preview, the
referral list, answering, changing an answer, the themes, and the compilation before and after
it is published. The data is the one the public pages' axe test uses."""

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser

from tests.browser.conftest import assert_accessible, login
from tests.browser.test_consultations_flows import (
    PASSWORD,
    WIDTHS,
    consultations,
    open_page,
    staff_url,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_staff_pages_pass_axe_on_a_phone_and_a_desktop(
    browser: Browser, live_server: Any
) -> None:
    data = consultations(timezone.now())
    current, done = data.open, data.published
    base = live_server.url

    context, page = open_page(browser, WIDTHS[0][1])
    login(page, base, data.official.email, PASSWORD)
    for width, viewport in WIDTHS:
        page.set_viewport_size(viewport)
        page.goto(base + staff_url(current))
        assert page.get_by_role("heading", name="Läget").is_visible()
        assert_accessible(page, f"consultations-staff-manage-{width}")

        page.goto(base + staff_url(current, "installningar/"))
        assert page.locator("#id_title").input_value() == current.title
        assert_accessible(page, f"consultations-staff-settings-{width}")

        page.goto(base + staff_url(current, "utkast/"))
        assert page.get_by_role("heading", name="Så numreras utkastet").is_visible()
        assert page.get_by_role("cell", name="nytt", exact=True).is_visible()
        assert_accessible(page, f"consultations-staff-working-copy-{width}")

        page.goto(base + staff_url(current, "remissinstanser/"))
        assert page.get_by_role("cell", name="Inget att invända").is_visible()
        assert_accessible(page, f"consultations-staff-invitations-{width}")

        page.goto(base + staff_url(current, "svar/"))
        assert page.get_by_text("1 av 5 synpunkter har svar.").is_visible()
        assert page.get_by_role("heading", name="Svara per tema").is_visible()
        assert_accessible(page, f"consultations-staff-answering-{width}")

        page.goto(base + staff_url(current, f"svar/{data.answer.pk}/"))
        assert page.get_by_role("heading", name="Ändra svaret", level=1).is_visible()
        assert_accessible(page, f"consultations-staff-answer-edit-{width}")

        page.goto(base + staff_url(current, "teman/"))
        assert page.get_by_role("heading", name="Digitala verktyg").is_visible()
        assert_accessible(page, f"consultations-staff-themes-{width}")

        page.goto(base + staff_url(current, "samradsredogorelse/"))
        assert page.get_by_role("heading", name="Förhandsvisning").is_visible()
        assert_accessible(page, f"consultations-staff-compilation-preview-{width}")

        page.goto(base + staff_url(done, "samradsredogorelse/"))
        assert page.get_by_text("Samrådsredogörelsen är publicerad.").first.is_visible()
        assert_accessible(page, f"consultations-staff-compilation-published-{width}")
    context.close()
