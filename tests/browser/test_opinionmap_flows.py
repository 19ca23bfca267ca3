"""Opinion maps in the browser: a resident votes, writes and reads the map with the keyboard
only and JavaScript off on a phone; the same vote with htmx; an official sets up a map and
imports a Polis conversation; axe-core on every page of the way."""

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page

from delaktig.opinionmaps import polisdata, services
from delaktig.opinionmaps.models import MapResult, OpinionMap, Participant, Statement, Vote
from tests.browser.conftest import ARTIFACTS, assert_accessible, login, new_context, tab_to
from tests.factories import ModuleFactory, PhaseFactory, ProcessFactory, UserFactory, role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "lösenord-123"  # UserFactory's
SEATTLE = Path(__file__).resolve().parents[1] / "data" / "polis" / "15-per-hour-seattle"
TOPICS = [
    "Bussarna ska gå oftare på kvällen",
    "Biljetten ska kosta mindre för unga",
    "Fler hållplatser ska ha väderskydd",
    "Tåget ska prioriteras före bussen",
    "Anropsstyrd trafik passar glesbygden bäst",
    "Pendlarparkeringar ska vara gratis",
    "Bussen ska stanna vid alla skolor",
    "Regionen ska satsa på elbussar",
    "Cykel ska få följa med på bussen",
    "Tidtabellerna ska vara lätta att läsa",
]


# --- Set-up -----------------------------------------------------------------------------


def open_map(moderation: str = "after", **map_fields: Any) -> OpinionMap:
    process = ProcessFactory()
    module = ModuleFactory(process=process, kind="opinionmap", title="Opinionskarta")
    PhaseFactory(module=module, process=process, phase_type="voting")
    return OpinionMap.objects.create(
        module=module, topic="Hur ska bussarna gå?", moderation=moderation, **map_fields
    )


def publish(opinion_map: OpinionMap, *texts: str) -> list[Statement]:
    start = opinion_map.statements.count()
    return [
        Statement.objects.create(
            map=opinion_map, number=start + i + 1, text=t, status="published", is_seed=True
        )
        for i, t in enumerate(texts)
    ]


def camp_vote(camp: int, number: int) -> int:
    """How camp 0 or 1 votes on statement ``number``: the camps vote against each other on
    every statement but the last, which everyone agrees with."""
    if number == len(TOPICS):
        return 1
    return 1 if (number % 2 == 1) == (camp == 0) else -1


def cast(opinion_map: OpinionMap, participant: Participant, votes: dict[Statement, int]) -> None:
    now = timezone.now()
    Vote.objects.bulk_create(
        Vote(participant=participant, statement=s, value=v, created=now, updated=now)
        for s, v in votes.items()
    )


def others_vote(opinion_map: OpinionMap, statements: list[Statement], n: int = 20) -> None:
    """``n`` other participants in two camps, each with one vote of their own so that the
    dots spread out."""
    for i in range(n):
        participant = Participant.objects.create(map=opinion_map, number=i + 1)
        votes = {s: camp_vote(i % 2, s.number) for s in statements}
        odd = statements[i % (len(statements) - 1)]
        if i > 1:
            votes[odd] = -votes[odd]
        cast(opinion_map, participant, votes)


def map_with_groups(moderation: str = "after") -> tuple[OpinionMap, list[Statement]]:
    opinion_map = open_map(moderation=moderation)
    statements = publish(opinion_map, *TOPICS)
    others_vote(opinion_map, statements)
    assert services.map_recompute(opinion_map_id=opinion_map.pk).k == 2
    return opinion_map, statements


def up_to_date(opinion_map: OpinionMap) -> MapResult:
    """The recompute runs on commit with the immediate task backend; compute here only if
    it has not (so the test does not depend on when the server thread commits)."""
    version = OpinionMap.objects.get(pk=opinion_map.pk).version
    result = MapResult.objects.filter(map=opinion_map).first()
    if result is None or result.version < version:
        result = services.map_recompute(opinion_map_id=opinion_map.pk)
    return result


def url(opinion_map: OpinionMap, view: str = "") -> str:
    return f"/m/opinionmap/{opinion_map.module_id}/{view}"


# --- Browser helpers --------------------------------------------------------------------


@pytest.fixture
def no_js_page(browser: Browser) -> Iterator[Page]:
    context = new_context(
        browser,
        java_script_enabled=False,
        locale="sv-SE",
        viewport={"width": 390, "height": 844},  # a phone
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def press(page: Page, selector: str, key: str = "Enter") -> None:
    tab_to(page, selector, limit=200)
    with page.expect_navigation():
        page.keyboard.press(key)


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def shown_statement(page: Page) -> Statement:
    pk = page.locator("#vote-card input[name=statement]").get_attribute("value")
    return Statement.objects.get(pk=pk)


def assert_map_drawn(page: Page) -> None:
    """Every coordinate in the SVG is a number SVG can read (no decimal comma)."""
    svg = page.locator("svg.opinion-map")
    assert svg.locator("circle.dot").count() > 0
    for shape in svg.locator("circle, text").all():
        for name in ("cx", "cy", "r", "x", "y"):
            value = shape.get_attribute(name)
            if value is not None:
                assert re.fullmatch(r"-?\d+(\.\d+)?", value), f"{name}={value!r} in the map"


def choice(value: int) -> str:
    return {1: "agree", -1: "disagree", 0: "pass"}[value]


# --- Flows ------------------------------------------------------------------------------


def test_resident_votes_writes_and_reads_the_map_with_the_keyboard_and_no_javascript(
    no_js_page: Page, live_server: Any
) -> None:
    page, base = no_js_page, str(live_server.url)
    opinion_map, _statements = map_with_groups(moderation="after")
    resident = UserFactory()
    login(page, base, resident.email, PASSWORD)

    page.goto(base + opinion_map.module.process.get_absolute_url())
    link = f"a.button[href='{url(opinion_map)}']"
    assert page.locator(link).inner_text() == "Ta ställning till påståendena"
    press(page, link)
    assert "Du har röstat på 0 av 10 påståenden" in page.locator("#vote-card").inner_text()
    shot(page, "opinionmap-vote-390-nojs")

    # Eight statements, the way camp 0 votes; Enter and the space bar both press a button.
    voted: dict[int, int] = {}
    for turn in range(8):
        statement = shown_statement(page)
        value = camp_vote(0, statement.number)
        press(page, f"#vote-card button[value={choice(value)}]", "Space" if turn % 2 else "Enter")
        assert "Din röst är sparad" in page.locator(".messages").inner_text()
        voted[statement.pk] = value
    assert "Du har röstat på 8 av 10 påståenden" in page.locator("#vote-card").inner_text()
    participant = Participant.objects.get(map=opinion_map, user=resident)
    assert dict(participant.votes.values_list("statement_id", "value")) == voted

    # An own statement: an empty one first, then a real one (published at once).
    submit_statement = "form[action$='/pastaende/'] button[type=submit]"
    press(page, submit_statement)
    summary = page.locator(".error-summary")
    assert summary.is_visible() and "Ditt påstående" in summary.inner_text()
    tab_to(page, "#id_text")
    page.keyboard.type("Bussen ska stanna vid sjukhuset i Östersund")
    press(page, submit_statement)
    assert "Ditt påstående är publicerat" in page.locator(".messages").inner_text()
    own = Statement.objects.get(map=opinion_map, author=participant)
    assert own.status == "published" and own.votes.get().value == 1
    assert (
        "Bussen ska stanna vid sjukhuset i Östersund" in page.locator(".opinion-write").inner_text()
    )

    # Change one vote on "my votes".
    press(page, "a[href$='/mina-roster/']")
    first = Vote.objects.filter(participant=participant).order_by("statement__number").first()
    assert first is not None
    item = f"#s{first.statement.number}"
    new_value = 0 if first.value else 1
    press(page, f"{item} button[value={choice(new_value)}]")
    assert page.url.endswith(item)
    assert "Din röst är sparad" in page.locator(".messages").inner_text()
    first.refresh_from_db()
    assert first.value == new_value
    shot(page, "opinionmap-my-votes-390-nojs")

    # The map, recomputed after the last change.
    result = up_to_date(opinion_map)
    assert result.n_participants == 21
    press(page, "main p.meta a")  # back to the vote page
    press(page, f"a[href='{url(opinion_map, 'resultat/')}']")
    assert "Du hör till grupp" in page.locator(".notice--you").inner_text()
    you = page.locator("svg.opinion-map g.you text")
    assert you.count() == 1 and you.text_content() == "Du"
    assert_map_drawn(page)
    assert "din grupp" in page.locator(".group-card--yours h3").inner_text()
    shot(page, "opinionmap-results-390-nojs")


def test_vote_with_javascript_swaps_the_card_and_moves_focus(page: Page, live_server: Any) -> None:
    base = str(live_server.url)
    opinion_map, _statements = map_with_groups()
    resident = UserFactory()
    login(page, base, resident.email, PASSWORD)
    page.goto(base + url(opinion_map))
    page.evaluate("() => { window.notReloaded = true; }")

    for clicks in (1, 2):
        statement = shown_statement(page)
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.locator("#vote-card button[value=disagree]").click()
        assert posted.value.request.headers.get("hx-request") == "true"
        status = page.locator("#vote-card [role=status]")
        status.wait_for()
        assert "Din röst är sparad: Håller inte med." in status.inner_text()
        assert page.evaluate("() => window.notReloaded === true"), "the page was reloaded"
        assert page.evaluate(
            "() => document.activeElement === document.querySelector('#vote-card [role=status]')"
        ), "focus did not move to the status message"
        assert shown_statement(page).pk != statement.pk
        assert f"Du har röstat på {clicks} av 10" in page.locator("#vote-card").inner_text()
        vote = Vote.objects.get(statement=statement, participant__user=resident)
        assert vote.value == -1
    assert page.locator("#vote-card").count() == 1


def test_a_vote_refused_by_the_server_says_why_with_javascript(
    page: Page, live_server: Any
) -> None:
    """The phase ends while the card is on screen: the htmx vote gets a 409 from the error
    middleware, and its message shows in the page's message area, under the production CSP."""
    base = str(live_server.url)
    opinion_map, _statements = map_with_groups()
    resident = UserFactory()
    login(page, base, resident.email, PASSWORD)
    page.goto(base + url(opinion_map))
    opinion_map.module.phases.update(ends_at=timezone.now() - timedelta(minutes=1))
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.locator("#vote-card button[value=agree]").click()
    assert posted.value.status == 409
    alert = page.locator("#messages [role=alert]")
    alert.wait_for()
    assert "Det går inte att delta just nu" in alert.inner_text()
    assert alert.get_attribute("data-error-code") == "not_allowed_in_phase"
    assert page.evaluate(
        "() => document.activeElement === document.querySelector('#messages [role=alert]')"
    ), "focus did not move to the message"
    assert not Vote.objects.filter(participant__user=resident).exists()


def test_official_sets_up_a_map_and_imports_a_polis_conversation(
    page: Page, live_server: Any
) -> None:
    base = str(live_server.url)
    process = ProcessFactory()
    module = ModuleFactory(process=process, kind="opinionmap", title="Seattle")
    PhaseFactory(module=module, process=process, phase_type="voting")
    official = role(UserFactory(), "official", process.organisation)
    login(page, base, official.email, PASSWORD)

    page.goto(f"{base}/m/opinionmap/personal/{module.pk}/")
    assert_accessible(page, "opinionmap-manage-new")
    page.fill("#id_settings-topic", "Ska minimilönen i Seattle vara 15 dollar i timmen?")
    page.check("#id_settings-moderation_0")
    page.check("#id_settings-results_public")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara inställningarna").click()
    assert "Inställningarna är sparade." in page.locator(".messages").inner_text()
    opinion_map = OpinionMap.objects.get(module=module)

    # The three CSV files together, in one multiple file field.
    files = [SEATTLE / name for name in ("votes.csv", "comments.csv", "participants-votes.csv")]
    page.set_input_files("#id_polis_files", files)
    page.fill("#id_source", "Polis: 15-per-hour-seattle")
    page.fill("#id_attribution", "The Computational Democracy Project, CC BY 4.0")
    with page.expect_navigation():
        page.get_by_role("button", name="Importera").click()
    message = page.locator(".messages").inner_text()
    expected = polisdata.read_export(SEATTLE)
    counts = re.search(r"Importerat: (\d+) påståenden, (\d+) deltagare och (\d+) röster", message)
    assert counts is not None, message
    assert int(counts[1]) == len(expected.statement_ids) == opinion_map.statements.count()
    assert int(counts[2]) == opinion_map.participants.count() > 0
    assert int(counts[3]) == Vote.objects.filter(statement__map=opinion_map).count() > 0

    result = up_to_date(opinion_map)
    assert result.k >= 2
    with page.expect_navigation():
        page.get_by_role("link", name="Kartan och resultatet").click()
    groups = page.locator(".group-card h3")
    assert groups.count() == result.k
    assert groups.nth(0).inner_text().startswith("Grupp A:")
    assert groups.nth(1).inner_text().startswith("Grupp B:")
    assert page.locator("svg.opinion-map[role=img]").is_visible()
    assert_map_drawn(page)
    assert page.locator(".statements-table tbody tr").count() == result.n_statements > 0
    assert "CC BY 4.0" in page.locator("main").inner_text()
    page.get_by_role("link", name="Så räknas kartan fram").first.click()
    assert page.url.endswith("#sa-raknas-kartan")
    assert_accessible(page, "opinionmap-results-imported")


def test_opinion_map_pages_pass_axe(page: Page, live_server: Any, tmp_path: Path) -> None:
    base = str(live_server.url)
    opinion_map, statements = map_with_groups(moderation="before")

    page.goto(base + url(opinion_map))
    assert "Logga in för att rösta" in page.locator("#vote-card").inner_text()
    assert_accessible(page, "opinionmap-vote-anonymous")

    # A resident who has voted like camp 0 on seven statements, and written one statement
    # that waits for review.
    resident = UserFactory()
    participant = Participant.objects.create(map=opinion_map, user=resident, number=21)
    cast(opinion_map, participant, {s: camp_vote(0, s.number) for s in statements[:7]})
    services.statement_create(
        actor=resident, opinion_map=opinion_map, text="Bussen ska stanna vid sjukhuset"
    )
    # The votes above were written without a bump.
    services.map_recompute(opinion_map_id=opinion_map.pk)
    login(page, base, resident.email, PASSWORD)
    page.goto(base + url(opinion_map))
    assert "Du har röstat på 7 av 10" in page.locator("#vote-card").inner_text()
    assert_accessible(page, "opinionmap-vote")

    with page.expect_navigation():
        page.get_by_role("button", name="Skicka påståendet").click()
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page, "opinionmap-vote-error")

    page.goto(base + url(opinion_map, "mina-roster/"))
    assert page.locator("ol.my-votes > li").count() == 7
    assert_accessible(page, "opinionmap-my-votes")

    page.goto(base + url(opinion_map, "resultat/"))
    assert "Du hör till grupp" in page.locator(".notice--you").inner_text()
    assert page.locator("svg.opinion-map g.you").count() == 1
    assert_accessible(page, "opinionmap-results")

    fresh = open_map()
    publish(fresh, *TOPICS[:3])
    page.goto(base + url(fresh, "resultat/"))
    assert "har inte räknats fram ännu" in page.locator("main").inner_text()
    assert_accessible(page, "opinionmap-results-none")

    # Staff: moderation with a pending statement, and an import that is not from Polis.
    official = role(UserFactory(), "official", opinion_map.module.process.organisation)
    page.context.clear_cookies()
    login(page, base, official.email, PASSWORD)
    page.goto(f"{base}/m/opinionmap/personal/{opinion_map.module_id}/")
    pending = Statement.objects.get(map=opinion_map, status="pending")
    row = page.locator(f"#statement-{pending.pk}").inner_text()
    assert pending.get_status_display() in row and "Bussen ska stanna vid sjukhuset" in row
    assert_accessible(page, "opinionmap-manage")

    empty = open_map()
    role(official, "official", empty.module.process.organisation)
    page.goto(f"{base}/m/opinionmap/personal/{empty.module_id}/")
    notes = tmp_path / "anteckningar.txt"
    notes.write_text("Det här är inte en export från Polis.\n", encoding="utf-8")
    page.set_input_files("#id_polis_files", notes)
    page.fill("#id_source", "Polis")
    page.fill("#id_attribution", "CC BY 4.0")
    with page.expect_navigation():
        page.get_by_role("button", name="Importera").click()
    assert "inte en export från Polis" in page.locator("#error-summary").inner_text()
    assert_accessible(page, "opinionmap-import-error")
    assert not empty.statements.exists()
