"""Reflow (WCAG 1.4.10): no page scrolls sideways at 320 px, even with the longest unbroken
text a user can type; the header menu and list filters collapse on phones; the opinion-map vote
buttons stay apart by more than colour. Under the production CSP, like every browser test."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from delaktig.accounts.models import User
from delaktig.demo.region import DEMO_PASSWORD
from delaktig.discussions.models import Comment
from delaktig.opinionmaps.models import OpinionMap
from delaktig.participation.models import Process
from delaktig.proposals.models import Proposal
from tests.browser.conftest import assert_accessible, login, new_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# One unbroken "word" as long as a comment or proposal may hold in a single line: a pasted
# address, or a key held down.
LONG_WORD = "https://example.se/" + "a" * 300
# What a phone at 320 CSS px may show; one pixel of slack for sub-pixel rounding.
NARROW = 320
TOLERANCE = 1


@pytest.fixture
def demo(live_server: Any) -> str:
    with open("/dev/null", "w") as sink:
        call_command("load_demo", stdout=sink)
    return str(live_server.url)


@pytest.fixture
def narrow_page(browser: Browser) -> Iterator[Page]:
    context = new_context(browser, viewport={"width": NARROW, "height": 700})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def long_texts() -> tuple[Process, Proposal]:
    """A comment and a proposal (title and body) holding one very long unbroken word."""
    process = Process.objects.get(slug="digital-dialog-om-jamlik-vard")
    module = process.modules.get(kind="discussion")
    resident = User.objects.get(email="invanare@demo.delaktig.se")
    parent = Comment.objects.create(module=module, author=resident, body=LONG_WORD)
    Comment.objects.create(module=module, author=resident, parent=parent, body=LONG_WORD)
    proposal = Proposal.objects.filter(status="collecting").first()
    assert proposal is not None
    Proposal.objects.filter(pk=proposal.pk).update(
        title="Ö" * 150, body=LONG_WORD, background=LONG_WORD
    )
    return process, proposal


def overflow(page: Page) -> str:
    """'' when the page fits the viewport, else its width and the widest elements."""
    found: list[Any] = page.evaluate(
        """tolerance => {
          const width = document.documentElement.clientWidth;
          const scroll = document.documentElement.scrollWidth;
          if (scroll <= width + tolerance) return [];
          const wide = [];
          for (const el of document.querySelectorAll('body *')) {
            const box = el.getBoundingClientRect();
            if (box.width && box.right > width + tolerance && !el.closest('.table-scroll')) {
              wide.push(`${el.tagName.toLowerCase()}.${el.className} → ${Math.round(box.right)}`);
            }
          }
          return [scroll, wide.slice(0, 6)];
        }""",
        TOLERANCE,
    )
    return "" if not found else f"{found[0]} px wide: {found[1]}"


def assert_fits(page: Page, paths: list[str], base: str) -> None:
    failures = []
    for path in paths:
        page.goto(base + path)
        problem = overflow(page)
        if problem:
            failures.append(f"{path}: {problem}")
    assert not failures, f"pages scroll sideways at {NARROW} px:\n" + "\n".join(failures)


def local_links(page: Page, selector: str) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all(
        selector, "links => links.map(a => a.getAttribute('href'))"
    )
    paths = []
    for href in hrefs:
        if not href or not href.startswith("/") or "/flode/" in href or href.endswith(".atom"):
            continue
        if href not in paths:
            paths.append(href)
    return paths


def test_every_page_linked_from_home_fits_320_px(narrow_page: Page, demo: str) -> None:
    process, proposal = long_texts()
    narrow_page.goto(demo + "/")
    paths = local_links(narrow_page, "a")
    assert len(paths) >= 15, paths
    paths += [process.get_absolute_url(), proposal.get_absolute_url(), "/forslag/?q=x"]
    assert_fits(narrow_page, paths, demo)
    # The long words wrap inside their own boxes rather than being cut off.
    narrow_page.goto(demo + process.get_absolute_url())
    assert narrow_page.get_by_text(LONG_WORD).first.is_visible()


def test_a_saved_survey_fits_320_px(narrow_page: Page, demo: str) -> None:
    """The page with the link to come back to a survey: the link's field fits the screen."""
    from delaktig.surveys.models import Survey

    survey = Survey.objects.filter(access=Survey.Access.ANONYMOUS).first()
    assert survey is not None
    narrow_page.goto(demo + survey.get_absolute_url())
    narrow_page.get_by_role("button", name="Börja svara").click()
    narrow_page.get_by_role("button", name="Spara och fortsätt senare").click()
    narrow_page.wait_for_url("**/sparat/")
    assert narrow_page.locator("#resume-url").is_visible()
    assert overflow(narrow_page) == ""


def test_staff_pages_fit_320_px(narrow_page: Page, demo: str) -> None:
    process, proposal = long_texts()
    login(narrow_page, demo, "tjansteperson@demo.delaktig.se", DEMO_PASSWORD)
    narrow_page.goto(demo + "/personal/")
    paths = local_links(narrow_page, ".staff-nav a")
    assert len(paths) >= 8, paths
    case = Proposal.objects.filter(status="referred").first()
    assert case is not None
    paths += [
        f"/personal/processer/{process.pk}/",
        f"/personal/processer/{process.pk}/redigera/",
        f"/forslag/personal/{case.pk}/",
        f"/forslag/personal/{proposal.pk}/",
    ]
    assert_fits(narrow_page, paths, demo)


def test_header_menu_collapses_on_a_phone_and_stays_open_on_a_desktop(
    browser: Browser, demo: str
) -> None:
    context = new_context(browser, viewport={"width": NARROW, "height": 700})
    page = context.new_page()
    page.goto(demo + "/")
    menu = page.locator("nav.site-nav")
    button = menu.locator("summary")
    assert button.is_visible()
    assert button.inner_text().strip() == "Meny"
    assert not menu.get_by_role("link", name="Medborgarförslag").is_visible()
    # The header is one compact block: name, language and the menu button.
    assert page.locator(".site-header").bounding_box()["height"] < 200  # type: ignore[index]
    button.focus()
    page.keyboard.press("Enter")
    link = menu.get_by_role("link", name="Medborgarförslag")
    assert link.is_visible()
    assert overflow(page) == ""
    assert_accessible(page, "menu-open-320")
    link.click()
    page.wait_for_url("**/forslag/")
    context.close()

    context = new_context(browser, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(demo + "/")
    assert not page.locator("nav.site-nav summary").is_visible()
    assert page.locator("nav.site-nav").get_by_role("link", name="Medborgarförslag").is_visible()
    context.close()


@pytest.mark.parametrize("width", [NARROW, 800])
def test_every_language_in_the_menu_is_on_the_screen(
    browser: Browser, demo: str, width: int
) -> None:
    """The language list opened from the keyboard: every choice whole on the screen, none cut
    off at the left (which no scrollbar would reveal)."""
    context = new_context(browser, viewport={"width": width, "height": 700})
    page = context.new_page()
    page.goto(demo + "/")
    page.locator(".language-switcher > summary").focus()
    page.keyboard.press("Enter")
    choices = page.locator(".language-switcher__list button")
    assert choices.count() >= 3
    for index in range(choices.count()):
        choice = choices.nth(index)
        assert choice.is_visible()
        box = choice.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + TOLERANCE, (
            choice.inner_text(),
            box,
        )
    assert overflow(page) == ""
    page.get_by_role("button", name="English").focus()
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    context.close()


def test_on_a_phone_one_header_popup_is_open_at_a_time(browser: Browser, demo: str) -> None:
    """The menu and the language list open over the page; opening one closes the other, and
    Escape closes the open one with focus back on its button."""
    context = new_context(browser, viewport={"width": NARROW, "height": 700})
    page = context.new_page()
    page.goto(demo + "/")
    menu = page.locator("details.site-menu")
    languages = page.locator("details.language-switcher")
    menu.locator("summary").click()
    assert menu.get_attribute("open") is not None
    languages.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(menu).not_to_have_attribute("open", "")
    expect(languages).to_have_attribute("open", "")
    page.keyboard.press("Tab")  # into the list
    page.keyboard.press("Escape")
    expect(languages).not_to_have_attribute("open", "")
    expect(languages.locator("summary")).to_be_focused()
    context.close()

    # On a wide screen the menu is always shown: opening the languages leaves it.
    context = new_context(browser, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(demo + "/")
    page.locator("details.language-switcher summary").click()
    page.keyboard.press("Escape")
    assert page.locator("nav.site-nav").get_by_role("link", name="Medborgarförslag").is_visible()
    context.close()


@pytest.mark.parametrize("path", ["/processer/", "/forslag/"])
def test_results_come_first_on_a_phone(browser: Browser, demo: str, path: str) -> None:
    context = new_context(browser, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(demo + path)
    first = page.locator("#results .card").first
    box = first.bounding_box()
    assert box is not None and box["y"] < 844, f"first result {box} below the first screen"
    filters = page.locator("details.filter-disclosure")
    assert filters.locator("summary").inner_text().startswith("Filtrera")
    assert not page.locator("#id_q").is_visible()
    filters.locator("summary").click()
    assert page.locator("#id_q").is_visible()
    # A filtered list says how many filters are on, with the form still closed.
    page.goto(demo + path + "?q=v%C3%A5rd")
    assert "(1 aktivt)" in filters.locator("summary").inner_text()
    assert not page.locator("#id_q").is_visible()
    assert_accessible(page, f"filters-closed-390{path.replace('/', '-')}")
    context.close()

    context = new_context(browser, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(demo + path)
    assert page.locator("#id_q").is_visible()
    assert not page.locator("details.filter-disclosure summary").is_visible()
    context.close()


def test_vote_buttons_differ_by_more_than_colour(browser: Browser, demo: str) -> None:
    module_id = OpinionMap.objects.values_list("module_id", flat=True).first()
    context = new_context(browser, viewport={"width": 390, "height": 844})
    page = context.new_page()
    login(page, demo, "invanare@demo.delaktig.se", DEMO_PASSWORD)
    page.goto(f"{demo}/m/opinionmap/{module_id}/")
    buttons = page.locator("#vote-card .vote-button")
    assert buttons.count() == 3
    boxes = [buttons.nth(i).bounding_box() for i in range(3)]
    assert all(box is not None for box in boxes)
    assert len({round(box["width"]) for box in boxes if box}) == 1, boxes
    assert all(box["height"] >= 44 for box in boxes if box), boxes
    texts = [buttons.nth(i).inner_text().strip() for i in range(3)]
    assert texts == ["Håller med", "Håller inte med", "Pass / vet inte"]
    # Each has its own symbol and its own fill, not only its own colour.
    assert buttons.locator("svg path").count() == 3
    fills = {buttons.nth(i).evaluate("b => getComputedStyle(b).borderStyle") for i in range(3)}
    assert fills == {"solid", "dashed"}
    assert overflow(page) == ""
    assert_accessible(page, "vote-buttons-390")
    context.close()
