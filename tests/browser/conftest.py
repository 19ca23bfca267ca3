"""Playwright (sync) driving Debian's chromium, with axe-core for WCAG 2.1 A/AA checks."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE.read_text(encoding="utf-8")
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Playwright's sync API runs an event loop in this thread; the live server's ORM calls
# happen in Django's own server thread, and the test's own ORM calls are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


# Every console message about the Content Security Policy, from every context a test opened.
# The pages run under the production CSP; a violation is a bug in the page, never something to
# bypass, so each test fails on one.
_csp_reports: list[str] = []


def _watch_csp(page: Page) -> None:
    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            _csp_reports.append(f"{page.url}: {message.text}")

    page.on("console", on_console)


def new_context(browser: Browser, **options: Any) -> BrowserContext:
    """A browser context under the site's real CSP, watched for violations."""
    options.setdefault("locale", "sv-SE")
    context = browser.new_context(**options)
    context.on("page", _watch_csp)
    return context


@pytest.fixture(autouse=True)
def _no_csp_violations() -> Iterator[None]:
    _csp_reports.clear()
    yield
    reports = list(_csp_reports)
    _csp_reports.clear()
    assert not reports, "The page broke the Content Security Policy:\n" + "\n".join(reports)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = new_context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    # Evaluated through the DevTools protocol, which the page's CSP does not govern, so axe
    # runs on the page exactly as the site serves it (a <script> tag would be refused).
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return list(result["violations"])


def assert_accessible(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    # caret="initial": Playwright's default hides the text caret by writing style="" on every
    # input, which htmx would then copy into swapped content as an inline style (a CSP report
    # the site itself never causes).
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True, caret="initial")
    violations = axe_violations(page)
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} → "
        + ", ".join(str(node["target"]) for node in v["nodes"][:4])
        for v in violations
    )
    assert not violations, f"axe found WCAG 2.1 A/AA violations on {name}:\n{report}"


def login(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/konto/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    page.press("#id_password", "Enter")
    page.wait_for_load_state()
    assert page.locator("form[action='/konto/logout/']").count() == 1, "login failed"


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has focus, or fail."""
    target = page.locator(selector).first
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{selector} was not reached with {limit} presses of Tab")


FACTORY_PASSWORD = "lösenord-123"  # noqa: S105 - UserFactory's, for test accounts only


def focused(page: Page) -> dict[str, Any]:
    """What has focus: its tag, id, text, address and whether it is checked."""
    result: dict[str, Any] = page.evaluate(
        """() => {
            const el = document.activeElement;
            return {tag: el.tagName, id: el.id, text: (el.innerText || '').trim(),
                    href: el.getAttribute('href') || '', checked: !!el.checked};
        }"""
    )
    return result


def tab_to_link(page: Page, text: str, href_end: str, limit: int = 120) -> None:
    """Press Tab until the link reading ``text`` whose address ends with ``href_end`` has
    focus (found by what has focus, not by a selector)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["tag"] == "A" and now["text"] == text and now["href"].endswith(href_end):
            return
    raise AssertionError(f"the link {text!r} was not reached with {limit} presses of Tab")


def press_enter_and_wait(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def keyboard_login(page: Page, base: str, email: str, password: str = "") -> None:
    """Log in with the keyboard only (by default with UserFactory's password)."""
    page.goto(f"{base}/konto/login/")
    tab_to(page, "#id_login")
    page.keyboard.type(email)
    tab_to(page, "#id_password")
    page.keyboard.type(password or FACTORY_PASSWORD)
    press_enter_and_wait(page)
    assert page.locator("form[action='/konto/logout/']").count() == 1, "login failed"
