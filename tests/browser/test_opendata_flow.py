"""Issue 21's "Done when" for open data, tried as a new user would, under the production CSP
(screenshots in test-artifacts/opendata-*.png):

a journalist on the home page finds "Öppna data" in the footer and follows it with the
keyboard, reads the open-data page, follows its link to the API documentation and finds the
proposals operation with its ``decided_year`` filter; then, as ``curl`` would, fetches every
proposal decided in 2026 over real HTTP from the live server, following ``next`` until it is
null, and gets exactly those; once the nightly dumps are made, the open-data page links the
ZIP, which the journalist downloads, opens and loads into a spreadsheet; and the DCAT
catalogue parses as RDF and lists every dataset that holds data.

Nothing here depends on today's date: the proposals are decided and published on fixed days
and the dumps are made at a fixed moment (``dumps_make(now=MADE)``), so no clock is moved
while the live server's thread serves pages. (axe runs on /oppna-data/ and /oppna-data/api/ in
test_axe.py; the pages the journalist sees here are checked too.)"""

import csv
import io
import json
import urllib.request
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import Browser, Page, expect
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns

from delaktig.opendata.catalogue import catalogue_entries
from delaktig.opendata.dumps import dumps_make
from delaktig.organisations.models import Body, Organisation
from delaktig.proposals.contributions import PROPOSAL_COLUMNS
from delaktig.proposals.models import Proposal, ProposalEvent
from tests.browser.conftest import (
    assert_accessible,
    focused,
    new_context,
    press_enter_and_wait,
    tab_to_link,
)
from tests.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
PUBLISHED = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
# The night the dumps were made (03:00 in Stockholm).
MADE = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)
DATASET_TITLE = "Medborgarförslag och e-förslag"


# --- Data -------------------------------------------------------------------------------------


def proposal(organisation: Organisation, title: str, status: str = "lodged", **fields: Any) -> Any:
    """A published proposal with one entry on its timeline (as tests/test_api_proposals.py)."""
    made = Proposal.objects.create(
        organisation=organisation,
        author=UserFactory(),
        author_name="Kim Publicerad",
        title=title,
        body=f"Text om {title}",
        status=status,
        submitted_at=PUBLISHED - timedelta(days=2),
        published_at=PUBLISHED,
        **fields,
    )
    event = ProposalEvent.objects.create(
        proposal=made,
        action="publish",
        from_status="submitted",
        to_status=status,
        actor=UserFactory(),
    )
    ProposalEvent.objects.filter(pk=event.pk).update(created=PUBLISHED + timedelta(hours=1))
    return made


def decided(organisation: Organisation, title: str, on: date) -> Any:
    assembly, _created = Body.objects.get_or_create(
        organisation=organisation, kind="assembly", defaults={"name": "Regionfullmäktige"}
    )
    return proposal(
        organisation,
        title,
        "decided",
        outcome="bifall",
        decided_on=on,
        decided_by=assembly,
        registered_on=date(2025, 3, 20),
        case_number=f"RS/{on.isoformat()}",
        minutes_reference="RF § 12",
        answer="Fullmäktige bifaller förslaget.",
    )


# --- HTTP as curl would -----------------------------------------------------------------------


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310 - the live server
        return response.status, dict(response.headers), response.read()


def fetch_all(url: str) -> tuple[list[dict[str, Any]], int]:
    """Every item of a list, following ``next`` until it is null; and how many pages."""
    items: list[dict[str, Any]] = []
    pages = 0
    next_url: str | None = url
    while next_url:
        status, headers, body = fetch(next_url)
        assert status == 200 and headers["Content-Type"].startswith("application/json")
        data = json.loads(body)
        items += data["items"]
        pages += 1
        next_url = data["next"]
        assert pages < 20, "next never became null"
    return items, pages


# --- The flow ---------------------------------------------------------------------------------


def test_a_journalist_finds_the_api_fetches_the_2026_decisions_and_opens_the_dump(
    browser: Browser, live_server: Any, tmp_path: Path
) -> None:
    region = OrganisationFactory(slug="jamtland", name="Region Jämtland Härjedalen")
    other = OrganisationFactory(slug="vasternorrland", name="Region Västernorrland")
    in_2026 = [
        decided(region, "Cykelbana till sjukhuset", date(2026, 2, 12)),
        decided(region, "Fler bänkar vid busshållplatser", date(2026, 6, 3)),
        decided(other, "Längre öppettider på biblioteket", date(2026, 9, 30)),
    ]
    in_2025 = decided(region, "Gratis kollektivtrafik för unga", date(2025, 12, 31))
    undecided = [
        proposal(region, "Solpaneler på vårdcentralen", "lodged"),
        proposal(region, "Badplats vid älven", "collecting", support_threshold=50),
    ]
    base = live_server.url

    context = new_context(browser, viewport=DESKTOP, accept_downloads=True)
    page: Page = context.new_page()
    page.set_default_timeout(15_000)

    # The home page's footer has "Öppna data"; the journalist tabs to it.
    page.goto(base + "/")
    footer_link = page.locator("footer.site-footer").get_by_role("link", name="Öppna data")
    expect(footer_link).to_have_count(1)
    tab_to_link(page, "Öppna data", "/oppna-data/", limit=200)
    press_enter_and_wait(page)
    assert urlsplit(page.url).path == "/oppna-data/"
    expect(page.get_by_role("heading", name="Öppna data", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Kom igång", level=2)).to_be_visible()
    # Both organisations are listed; there is no dump yet.
    for name in ("Region Jämtland Härjedalen", "Region Västernorrland"):
        expect(page.get_by_role("heading", name=name, level=3)).to_be_visible()
    expect(page.locator("#jamtland-proposals-proposals")).to_contain_text(
        "Ingen nedladdning: den görs natten"
    )
    command = page.locator("section[aria-labelledby='get-started'] pre code").first.inner_text()
    assert command.startswith("curl '") and command.endswith("'")
    example_on_page = command.removeprefix("curl '").removesuffix("'")
    assert_accessible(page, "opendata-flow-page")

    # From the list of ways to get the data to the API documentation.
    tab_to_link(page, "API-dokumentationen", "/oppna-data/api/")
    press_enter_and_wait(page)
    assert urlsplit(page.url).path == "/oppna-data/api/"
    expect(page.get_by_role("heading", name="API-dokumentation", level=1)).to_be_visible()

    # The table of contents leads to the proposals' list operation.
    tab_to_link(page, "Proposals", "#op-proposals_list", limit=200)
    page.keyboard.press("Enter")
    page.wait_for_url("**/oppna-data/api/#op-proposals_list")
    operation = page.locator("section[aria-labelledby='op-proposals_list']")
    expect(operation.get_by_role("heading", name="Proposals", level=3)).to_be_in_viewport()
    expect(operation).to_contain_text("GET /api/v1/proposals/")
    filter_row = operation.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="decided_year", exact=True)
    )
    expect(filter_row).to_have_count(1)
    expect(filter_row).to_contain_text("i frågesträngen")
    expect(operation).to_contain_text("?status=decided&decided_year=2026")

    # As curl would: the documented request, then the same one page of two at a time.
    query = "/api/v1/proposals/?status=decided&decided_year=2026"
    items, pages = fetch_all(base + query)
    assert pages == 1
    assert sorted(item["id"] for item in items) == sorted(p.pk for p in in_2026)
    assert {item["decided_on"] for item in items} == {"2026-02-12", "2026-06-03", "2026-09-30"}
    assert all(item["status"] == "decided" for item in items)
    paged, pages = fetch_all(base + query + "&limit=2")
    assert pages == 2
    assert [item["id"] for item in paged] == [item["id"] for item in items]
    # The open-data page's "Kom igång" example asks for one organisation's (the first one's).
    assert example_on_page == f"{base}{query}&organisation=jamtland"
    only_region, _pages = fetch_all(example_on_page)
    assert sorted(item["id"] for item in only_region) == sorted(p.pk for p in in_2026[:2])

    # The night's dumps are made; the open-data page links the region's ZIP.
    assert dumps_make(now=MADE) >= 2
    page.goto(base + "/oppna-data/")
    row = page.locator("#jamtland-proposals-proposals")
    expect(row).to_contain_text("skapad 3 november 2026")
    zip_link = row.get_by_role("link", name=f"{DATASET_TITLE} som ZIP")
    expect(zip_link).to_have_attribute("href", "/oppna-data/jamtland/proposals.proposals.zip")
    assert_accessible(page, "opendata-flow-page-with-dumps")

    # Downloaded with the keyboard, as a file.
    zip_link.focus()
    assert focused(page)["href"].endswith("/proposals.proposals.zip")
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename.endswith(".zip")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    # The same file over plain HTTP, as curl would fetch it.
    status, headers, over_http = fetch(base + "/oppna-data/jamtland/proposals.proposals.zip")
    assert status == 200 and headers["Content-Type"] == "application/zip"
    assert over_http == saved.read_bytes()

    with zipfile.ZipFile(saved) as archive:
        names = set(archive.namelist())
        assert {"proposals.csv", "proposal_events.csv", "README.txt", "LICENS.txt"} <= names
        raw = archive.read("proposals.csv")
    assert raw.startswith(b"\xef\xbb\xbf"), "no byte-order mark for spreadsheets"
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert tuple(rows[0].keys()) == PROPOSAL_COLUMNS
    region_proposals = [*in_2026[:2], in_2025, *undecided]
    assert sorted(int(r["id"]) for r in rows) == sorted(p.pk for p in region_proposals)
    by_title = {r["title"]: r for r in rows}
    assert by_title["Cykelbana till sjukhuset"]["decided_on"] == "2026-02-12"
    assert by_title["Gratis kollektivtrafik för unga"]["decided_on"] == "2025-12-31"
    assert by_title["Solpaneler på vårdcentralen"]["decided_on"] == ""
    assert by_title["Cykelbana till sjukhuset"]["organisation_name"] == "Region Jämtland Härjedalen"

    # Into a spreadsheet: the CSV's rows in a workbook, saved and opened again (no LibreOffice
    # here), then filtered to the 2026 decisions the way a journalist would.
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Förslag"
    with zipfile.ZipFile(saved) as archive:
        text = archive.read("proposals.csv").decode("utf-8-sig")
    for values in csv.reader(io.StringIO(text, newline="")):
        sheet.append(values)
    workbook_file = tmp_path / "forslag.xlsx"
    book.save(workbook_file)
    opened = load_workbook(workbook_file, read_only=True)
    table = [list(r) for r in opened["Förslag"].iter_rows(values_only=True)]
    opened.close()
    header, body = table[0], table[1:]
    assert tuple(header) == PROPOSAL_COLUMNS
    assert len(body) == len(region_proposals)
    at = {name: header.index(name) for name in ("title", "status", "decided_on")}
    decided_2026 = sorted(
        str(r[at["title"]])
        for r in body
        if r[at["status"]] == "decided" and str(r[at["decided_on"]] or "").startswith("2026")
    )
    assert decided_2026 == ["Cykelbana till sjukhuset", "Fler bänkar vid busshållplatser"]
    assert "Cykelbana till sjukhuset" in {r[at["title"]] for r in body}  # å, ä, ö intact
    assert "Solpaneler på vårdcentralen" in {r[at["title"]] for r in body}

    # The catalogue parses as RDF and lists every dataset that holds data, with the ZIP.
    page.goto(base + "/oppna-data/")
    turtle = page.get_by_role("link", name="Turtle", exact=True)
    expect(turtle).to_have_attribute("href", "/oppna-data/katalog.ttl")
    status, headers, body_ttl = fetch(base + "/oppna-data/katalog.ttl")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=body_ttl.decode("utf-8"), format="turtle")
    listed = set(graph.subjects(ns.RDF.type, ns.DCAT.Dataset))
    catalogue = next(iter(graph.subjects(ns.RDF.type, ns.DCAT.Catalog)))
    assert set(graph.objects(catalogue, ns.DCAT.dataset)) == listed
    entries = catalogue_entries()
    assert {(e.organisation.slug, e.dataset.key) for e in entries} >= {
        ("jamtland", "proposals.proposals"),
        ("vasternorrland", "proposals.proposals"),
    }
    expected = {URIRef(f"{base}/oppna-data/#dataset-{entry.anchor}") for entry in entries}
    assert listed == expected
    proposals_node = URIRef(f"{base}/oppna-data/#dataset-jamtland-proposals-proposals")
    title = Literal(f"{DATASET_TITLE} – Region Jämtland Härjedalen", lang="sv")
    assert title in set(graph.objects(proposals_node, ns.DCTERMS.title))
    downloads = {
        str(url)
        for distribution in graph.objects(proposals_node, ns.DCAT.distribution)
        for url in graph.objects(distribution, ns.DCAT.downloadURL)
    }
    assert downloads == {f"{base}/oppna-data/jamtland/proposals.proposals.zip"}
    context.close()
