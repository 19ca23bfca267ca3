"""Follow-up in the browser, as a new user would try it.

An official imports a plan from XLSX, reports an activity's status, adds an indicator value,
fills in a child impact assessment (signed off by a second official) and downloads the annual
report as PDF and DOCX; a resident browses the plan with the keyboard only and JavaScript off.
axe-core checks every page on the way.
"""

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page

from delaktig.assessments.models import ImpactAssessment
from delaktig.demo.region import DEMO_PASSWORD
from delaktig.followup.models import ActionPlan, Activity, IndicatorValue, Strategy
from tests.browser.conftest import assert_accessible, login, new_context, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFICIAL = "tjansteperson@demo.delaktig.se"
ADMIN = "admin@demo.delaktig.se"


@pytest.fixture
def demo(live_server: Any) -> str:
    with open("/dev/null", "w") as sink:
        call_command("load_demo", stdout=sink)
    return str(live_server.url)


@pytest.fixture
def no_js_page(browser: Browser) -> Iterator[Page]:
    context = new_context(
        browser,
        java_script_enabled=False,
        locale="sv-SE",
        viewport={"width": 390, "height": 844},
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def axe_with_javascript(page: Page, name: str) -> None:
    """axe-core needs JavaScript: check the same address in a twin tab that has it."""
    browser = page.context.browser
    assert browser is not None
    context = new_context(browser, locale="sv-SE", viewport={"width": 390, "height": 844})
    context.add_cookies(page.context.cookies())
    twin = context.new_page()
    twin.goto(page.url)
    assert_accessible(twin, name)
    context.close()


def press(page: Page, selector: str) -> None:
    tab_to(page, selector, limit=200)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def submit(page: Page, name: str) -> None:
    """Press a form's button and wait for the page it leads to."""
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def plan_file(tmp_path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Område", "Aktivitet", "Ansvarig", "Period", "Status", "Skäl", "Agenda 2030"])
    sheet.append(
        ["Unga", "Ungdomsråd i varje kommun", "Demokratienheten", "2026–2027", "pågår", "", "16.7"]
    )
    sheet.append(["Unga", "Skolval till regionen", "Demokratienheten", "2027", "", "", ""])
    sheet.append(["Äldre", "Digital vana för äldre", "Folkbiblioteken", "2026", "avbruten", "", ""])
    sheet.append(
        [
            "Äldre",
            "Pensionärsrådet på turné",
            "Regionkansliet",
            "2026",
            "inte påbörjad",
            "",
            "16.77",
        ]
    )
    path = tmp_path / "plan.xlsx"
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_official_follows_up_a_plan_end_to_end(demo: str, page: Page, tmp_path: Path) -> None:
    from pypdf import PdfReader

    strategy = Strategy.objects.get(slug="demokratistrategi")
    login(page, demo, OFFICIAL, DEMO_PASSWORD)

    # The staff list and the strategy's editor.
    page.goto(f"{demo}/personal/uppfoljning/")
    assert_accessible(page, "followup-staff-list")
    page.get_by_role("link", name=strategy.title).click()
    assert_accessible(page, "followup-staff-strategy")

    # A new plan, imported from an Excel file.
    page.get_by_role("link", name="Ny handlingsplan").click()
    page.fill("#id_title", "Handlingsplan för unga och äldre 2026–2027")
    page.fill("#id_slug", "unga-och-aldre")
    page.fill("#id_start_year", "2026")
    page.fill("#id_end_year", "2027")
    page.check("#id_published")
    submit(page, "Spara")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Handlingsplan för unga")
    assert_accessible(page, "followup-staff-plan-empty")
    page.set_input_files("#id_file", str(plan_file(tmp_path)))
    submit(page, "Läs filen")
    assert page.get_by_role("heading", name="Rader som inte kunde läsas").is_visible()
    errors = page.locator("table:has(caption:text-is('Rader som inte kunde läsas')) tbody tr")
    assert errors.count() == 2  # the cancelled row without a reason, the unknown target
    assert_accessible(page, "followup-staff-import-preview")
    submit(page, "Importera 2 aktiviteter")
    plan = ActionPlan.objects.get(slug="unga-och-aldre")
    titles = list(Activity.objects.filter(area__plan=plan).values_list("title", flat=True))
    assert titles == ["Ungdomsråd i varje kommun", "Skolval till regionen"]
    assert page.get_by_text("2 aktiviteter är importerade").is_visible()
    assert_accessible(page, "followup-staff-plan")

    # Report progress: postponing without a reason is refused, with nothing lost.
    page.get_by_role("link", name="Lägesrapport för 1.1").click()
    page.check("input[name=status][value=postponed]")
    page.fill("#id_progress", "20")
    page.fill("#id_text", "Kommunerna vill vänta till hösten.")
    submit(page, "Spara lägesrapporten")
    assert page.locator("#error-summary").is_visible()
    assert page.input_value("#id_text") == "Kommunerna vill vänta till hösten."
    assert_accessible(page, "followup-staff-progress-error")
    page.fill("#id_status_reason", "Kommunernas budgetar beslutas först i november.")
    submit(page, "Spara lägesrapporten")
    activity = Activity.objects.get(title="Ungdomsråd i varje kommun")
    assert (activity.status, activity.progress) == ("postponed", 20)

    # An indicator value for this year.
    indicator = strategy.indicators.get(by_sex=True)
    page.goto(f"{demo}/personal/uppfoljning/indikator/{indicator.pk}/")
    assert_accessible(page, "followup-staff-indicator")
    page.fill("#id_value-year", "2026")
    page.select_option("#id_value-sex", "kvinna")
    page.fill("#id_value-value", "31,5")
    submit(page, "Spara värdet")
    saved = IndicatorValue.objects.get(indicator=indicator, year=2026, sex="kvinna")
    assert str(saved.value.normalize()) == "31.5"

    # A child impact assessment for the postponed activity.
    page.goto(f"{demo}/personal/uppfoljning/plan/{plan.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Konsekvensanalys för 1.1").click()
    assert_accessible(page, "assessments-staff-create")
    page.check("input[name=kind][value=child]")
    page.fill("#id_title", "Barnkonsekvensanalys: ungdomsråd i varje kommun")
    submit(page, "Skapa utkast")
    assert "/redigera/" in page.url, page.locator("#error-summary").all_inner_texts()
    assessment = ImpactAssessment.objects.get(activity=activity)
    page.fill("#id_decision_summary", "Ungdomsråd inrättas i länets kommuner med regionens stöd.")
    page.fill("#id_affected", "Unga 13–19 år i länets åtta kommuner.")
    for article in ("2", "3", "6", "12"):
        page.check(f"input[name=articles][value=art{article}]")
    page.fill("#id_knowledge", "Ungdomsenkäten 2025 och erfarenheterna från Östersund.")
    page.check("input[name=children_asked][value=directly]")
    page.fill("#id_children_views", "Unga vill ha möten efter skoltid och egen budget.")
    page.fill("#id_options", "Ett regionalt råd, eller råd i varje kommun.")
    page.fill("#id_consequences", "Råd i varje kommun når fler unga på landsbygden.")
    page.fill("#id_best_interests", "Råd i varje kommun är bäst för barnen.")
    page.fill("#id_conclusion", "Vi föreslår råd i varje kommun.")
    submit(page, "Spara och markera som klar för godkännande")
    assessment.refresh_from_db()
    assert assessment.status == "ready", page.locator("#error-summary").all_inner_texts()
    assert_accessible(page, "assessments-staff-detail")

    # Four eyes: a second official signs it off, and it becomes public on the activity page.
    second = new_context(page.context.browser, locale="sv-SE")
    other = second.new_page()
    login(other, demo, ADMIN, DEMO_PASSWORD)
    other.goto(f"{demo}/personal/konsekvensanalyser/{assessment.pk}/")
    submit(other, "Godkänn")
    assert_accessible(other, "confirm-sign-off")
    submit(other, "Bekräfta")  # core.confirm: signing off is asked about first
    assessment.refresh_from_db()
    assert assessment.status == "signed_off"
    second.close()
    page.goto(f"{demo}{activity.get_absolute_url()}")
    assert page.get_by_text("Kommunernas budgetar beslutas först i november.").first.is_visible()
    page.get_by_role("link", name=assessment.title).click()
    assert_accessible(page, "assessments-public")

    # The annual report, as a page, a tagged PDF and a Word document.
    page.goto(f"{demo}/uppfoljning/demokratistrategi/rapport/2025/")
    assert_accessible(page, "followup-report")
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Ladda ner som PDF").click()
    pdf_path = tmp_path / "report.pdf"
    pdf_download.value.save_as(pdf_path)
    reader = PdfReader(str(pdf_path))
    root: Any = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert "Handlingsplan för stärkt demokrati" in reader.pages[0].extract_text() + "".join(
        p.extract_text() for p in reader.pages[1:3]
    )
    with page.expect_download() as docx_download:
        page.get_by_role("link", name="Ladda ner som Word (DOCX)").click()
    docx_path = tmp_path / "report.docx"
    docx_download.value.save_as(docx_path)
    import docx

    document = docx.Document(str(docx_path))
    assert document.paragraphs[0].style is not None
    assert document.paragraphs[0].style.name == "Title"
    assert any("God och nära vård" in p.text for p in document.paragraphs)


def test_resident_browses_the_plan_with_the_keyboard(demo: str, no_js_page: Page) -> None:
    page = no_js_page
    page.goto(f"{demo}/")
    # On a phone the header links are behind the menu button, a <details> that works without
    # JavaScript.
    tab_to(page, "summary.site-menu__button")
    page.keyboard.press("Enter")
    press(page, "a[href='/uppfoljning/']")
    axe_with_javascript(page, "followup-index")
    press(page, "a[href='/uppfoljning/demokratistrategi/']")
    axe_with_javascript(page, "followup-strategy")
    press(page, "a[href='/uppfoljning/demokratistrategi/handlingsplan-2023-2025/']")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Handlingsplan")
    axe_with_javascript(page, "followup-plan")

    # Filter by status with the keyboard: open the filters (closed on a phone), type to choose
    # in the list, then the button.
    tab_to(page, "details.filter-disclosure > summary", limit=200)
    page.keyboard.press("Enter")
    tab_to(page, "#id_status", limit=200)
    page.keyboard.type("Uppskjuten")
    assert page.input_value("#id_status") == "postponed"
    tab_to(page, "form.filters button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "1 av 23 aktiviteter" in page.locator(".result-count").inner_text()
    axe_with_javascript(page, "followup-plan-filtered")

    postponed = Activity.objects.get(area__plan__slug="handlingsplan-2023-2025", status="postponed")
    press(page, f"a[href='{postponed.get_absolute_url()}']")
    assert page.get_by_role("heading", level=1).inner_text() == postponed.title
    assert postponed.status_reason in page.content()
    axe_with_javascript(page, "followup-activity")

    # An activity that built on a dialogue shows what residents said and what was done.
    informed = Activity.objects.filter(
        area__plan__slug="handlingsplan-2023-2025",
        processes__feedback__published_at__isnull=False,
    ).first()
    assert informed is not None
    page.goto(f"{demo}{informed.get_absolute_url()}")
    assert page.get_by_role("heading", name="Vad invånarna sa och vad som hände").is_visible()
    assert page.get_by_role("heading", name="Det här beslutades").first.is_visible()

    indicator = Strategy.objects.get(slug="demokratistrategi").indicators.get(by_sex=True)
    page.goto(f"{demo}{indicator.get_absolute_url()}")
    axe_with_javascript(page, "followup-indicator")
    page.goto(f"{demo}/uppfoljning/jamstalldhetsstrategi-2024-2027/anslutna/")
    axe_with_javascript(page, "followup-joined")
    page.goto(f"{demo}/uppfoljning/natverk/demokratinatverket/")
    axe_with_javascript(page, "followup-network")
