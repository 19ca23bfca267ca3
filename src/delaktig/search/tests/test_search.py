"""The site search: the index follows what the sources publish, and ``/sok/`` finds it,
ranked and highlighted, filtered and a page at a time, on SQLite (FTS5) and PostgreSQL."""

from typing import Any, cast

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from tests.factories import OrganisationFactory, ProcessFactory

from delaktig.core.contributions import search_sources
from delaktig.pages.tests.helpers import offer, page_in, translate
from delaktig.participation.models import Process
from delaktig.search import index, query
from delaktig.search.models import Document

pytestmark = pytest.mark.django_db


def titles(result: query.Result) -> list[str]:
    return ["".join(piece for piece, _m in hit.title) for hit in result.hits]


def marked(pieces: list[tuple[str, bool]]) -> list[str]:
    return [piece for piece, match in pieces if match]


def test_the_six_kinds_the_issue_names_are_sources() -> None:
    keys = {source.key for source in search_sources()}
    assert {
        "participation.processes",
        "proposals.proposals",
        "meetings.meetings",
        "councils.councils",
        "pages.pages",
        "followup.strategies",
    } <= keys


def test_saves_and_deletions_are_followed_when_the_transaction_commits(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        process = cast(Process, ProcessFactory(title="Vårdcentralen i Hammerdal", status="open"))
        ProcessFactory(title="Vårdcentralen i utkast", status="draft")
    assert titles(query.search("vårdcentralen")) == ["Vårdcentralen i Hammerdal"]
    with django_capture_on_commit_callbacks(execute=True):
        process.title = "Hälsocentralen i Hammerdal"
        process.save()
    assert query.search("vårdcentralen").hits == []
    assert titles(query.search("hälsocentralen")) == ["Hälsocentralen i Hammerdal"]
    with django_capture_on_commit_callbacks(execute=True):
        process.status = "draft"
        process.save()
    assert not Document.objects.filter(object_id=process.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        process.status = "open"
        process.save()
        process.delete()
    assert not Document.objects.exists()


def test_a_rolled_back_change_is_not_indexed_and_later_ones_are(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            ProcessFactory(title="Återkallad cykelplan", status="open")
            raise RuntimeError
        ProcessFactory(title="Cykelplan för länet", status="open")
    assert titles(query.search("cykelplan")) == ["Cykelplan för länet"]


def test_a_change_the_index_has_not_followed_never_shows_what_is_not_public() -> None:
    process = ProcessFactory(title="Hemlig busslinje", status="open")
    index.reindex()
    # QuerySet.update() sends no signal: the row stays until the nightly pass…
    Process.objects.filter(pk=process.pk).update(status="draft")
    assert Document.objects.filter(object_id=process.pk).exists()
    # …but the search checks every hit against the source before it shows it,
    assert query.search("busslinje").hits == []
    # and the nightly pass removes the row.
    assert index.reindex() == 1
    assert not Document.objects.exists()


def test_reindex_writes_nothing_when_nothing_changed() -> None:
    ProcessFactory(title="Tandvård för unga", status="open")
    page_in(title="Så söker du tandvård")
    assert index.reindex() == 2
    assert index.reindex() == 0


def test_title_matches_rank_above_text_matches_and_words_are_highlighted() -> None:
    ProcessFactory(title="Dialog om vården", summary="Om tandvård och vårdcentralen.")
    ProcessFactory(title="Vårdcentralen i Sveg", summary="Nya öppettider.")
    index.reindex()
    result = query.search("vårdcentralen")
    assert titles(result) == ["Vårdcentralen i Sveg", "Dialog om vården"]
    assert marked(result.hits[0].title) == ["Vårdcentralen"]
    assert marked(result.hits[1].excerpt) == ["vårdcentralen"]


def test_words_are_found_without_their_accents() -> None:
    ProcessFactory(title="Vårdcentralen i Östersund", status="open")
    index.reindex()
    assert titles(query.search("vardcentralen ostersund")) == ["Vårdcentralen i Östersund"]


def test_other_forms_of_a_word_are_found_as_each_database_can() -> None:
    ProcessFactory(title="Vårdcentralerna i länet", summary="Om bussar.", status="open")
    ProcessFactory(title="En ny vårdcentral", summary="Om tåg.", status="open")
    index.reindex()
    # Both: SQLite takes each word as a prefix, PostgreSQL stems it (Snowball Swedish).
    assert sorted(titles(query.search("vårdcentral"))) == [
        "En ny vårdcentral",
        "Vårdcentralerna i länet",
    ]
    if connection.vendor == "postgresql":
        # Only PostgreSQL finds a form that is not a prefix, and takes web search syntax.
        assert sorted(titles(query.search("vårdcentralen"))) == [
            "En ny vårdcentral",
            "Vårdcentralerna i länet",
        ]
        assert titles(query.search("vårdcentral -bussar")) == ["En ny vårdcentral"]
        assert titles(query.search('"ny vårdcentral"')) == ["En ny vårdcentral"]
        assert sorted(titles(query.search("bussar OR tåg"))) == [
            "En ny vårdcentral",
            "Vårdcentralerna i länet",
        ]
    else:
        # SQLite has no stemmer: a longer form does not find a shorter one.
        assert titles(query.search("vårdcentralen")) == []


@pytest.mark.parametrize(
    "text", ['"', "NEAR(a b", "a AND OR", "*", "'; DROP TABLE x; --", "-", "ö" * 300, "\x01x"]
)
def test_any_text_is_a_query_not_an_error(text: str) -> None:
    ProcessFactory(title="Buss och tåg", status="open")
    index.reindex()
    result = query.search(text)
    assert result.total == len(result.hits) or result.total >= len(result.hits)


def test_filters_by_organisation_and_kind_with_counts_per_kind() -> None:
    region, municipality = OrganisationFactory(), OrganisationFactory()
    ProcessFactory(organisation=region, title="Kollektivtrafik i regionen")
    ProcessFactory(organisation=municipality, title="Kollektivtrafik i kommunen")
    page_in(region, title="Kollektivtrafik", body="Bussar och tåg.")
    index.reindex()
    result = query.search("kollektivtrafik")
    assert result.counts == {"participation.processes": 2, "pages.pages": 1}
    assert result.total == 3
    scoped = query.search("kollektivtrafik", organisation_id=municipality.pk)
    assert titles(scoped) == ["Kollektivtrafik i kommunen"]
    kind = query.search("kollektivtrafik", keys=["pages.pages"])
    assert titles(kind) == ["Kollektivtrafik"] and kind.total == 1
    # The counts per kind stay those of every kind, for the filter's links.
    assert kind.counts == result.counts


def test_pages_of_hits() -> None:
    organisation = OrganisationFactory()
    for n in range(25):
        ProcessFactory(organisation=organisation, title=f"Cykelväg {n:02}", status="open")
    index.reindex()
    first = query.search("cykelväg", per_page=20)
    second = query.search("cykelväg", per_page=20, page=2)
    assert (first.total, len(first.hits), len(second.hits)) == (25, 20, 5)
    assert not set(titles(first)) & set(titles(second))
    assert query.search("cykelväg", per_page=20, page=3).hits == []


def test_a_reader_finds_the_reviewed_translation_in_their_language_once() -> None:
    page = page_in(title="Så styrs regionen", body="Fullmäktige beslutar om budgeten.")
    offer(page.organisation, "en", "se")
    translate(page, "en", title="How the region is governed", body="The council decides budget.")
    translate(page, "se", reviewed=False, title="Utkast", body="Draft council text.")
    index.reindex()
    [hit] = query.search("council", language="en").hits
    assert (hit.language, hit.url) == ("en", page.get_absolute_url())
    assert query.search("council", language="se").hits == []
    assert query.search("council").hits == []
    # Swedish words find it for an English reader too, once, in English.
    [both] = query.search("budget", language="en").hits
    assert both.language == "en"
    [swedish] = query.search("fullmäktige", language="en").hits
    assert swedish.language == "sv"


def test_a_stale_translation_is_not_indexed(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        page = page_in(body="Gammal text.")
        offer(page.organisation, "en")
        translate(page, "en", title="Governance", body="Old text.")
    assert Document.objects.filter(language="en").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        page.body = "Ny text."
        page.save()
    # The title's translation still holds; the text's is stale, so the Swedish stands in.
    english = Document.objects.get(language="en")
    assert (english.title, english.body) == ("Governance", "Ny text.")
    assert query.search("old", language="en").hits == []


def test_a_page_under_a_draft_is_not_found(django_capture_on_commit_callbacks: Any) -> None:
    from delaktig.pages.models import Page

    with django_capture_on_commit_callbacks(execute=True):
        top = page_in(title="Överordnad")
        page_in(top.organisation, title="Hemlig underordnad sida", parent=top)
    assert titles(query.search("underordnad")) == ["Hemlig underordnad sida"]
    with django_capture_on_commit_callbacks(execute=True):
        top.status = "draft"
        top.save()
    assert query.search("underordnad").hits == []
    assert (
        not Document.objects.filter(source="pages.pages")
        .exclude(object_id__in=Page.objects.none())
        .filter(title__contains="Hemlig")
        .exists()
    )


# --- The page ----------------------------------------------------------------------------


def test_the_page_without_a_query_too_short_and_without_hits(client: Client) -> None:
    response = client.get(reverse("search"))
    assert response.status_code == 200 and 'role="search"' in response.text
    assert "Inga träffar" in client.get(reverse("search"), {"q": "finnsinte"}).text
    assert "Skriv minst 2 tecken" in client.get(reverse("search"), {"q": "a"}).text


def test_the_page_lists_hits_with_kinds_marks_and_filter_links(client: Client) -> None:
    page_in(title="Kollektivtrafik i regionen", body="Bussar.")
    ProcessFactory(title="Enkät om kollektivtrafik", status="open")
    ProcessFactory(title="Kollektivtrafik utkast", status="draft")
    index.reindex()
    response = client.get(reverse("search"), {"q": "kollektivtrafik"})
    text = response.text
    assert "2 träffar" in text
    assert "Informationssidor (1)" in text and "Deltagandeprocesser (1)" in text
    assert "<mark>Kollektivtrafik</mark>" in text
    assert "utkast" not in text.lower().split("<main")[1].split("</main>")[0]
    response = client.get(reverse("search"), {"q": "kollektivtrafik", "typ": "pages.pages"})
    assert "1 träff " in response.text and "Enkät om" not in response.text


def test_the_page_escapes_what_it_shows(client: Client) -> None:
    page_in(title="Säkerhet", body="Text med <script>alert('x')</script> i.")
    index.reindex()
    response = client.get(reverse("search"), {"q": "script alert"})
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;" in response.text or "alert" in response.text


@pytest.mark.parametrize(
    "params", [{"q": "buss", "sida": "x"}, {"q": "buss", "typ": "nope"}, {"organisation": "?"}]
)
def test_unreadable_filters_are_a_clear_400(client: Client, params: dict[str, str]) -> None:
    response = client.get(reverse("search"), params)
    assert response.status_code == 400
    assert "går inte att läsa" in response.text


def test_the_page_takes_the_same_number_of_queries_for_few_and_many_hits(
    client: Client, django_assert_num_queries: Any
) -> None:
    organisation = OrganisationFactory()
    offer(organisation, "en")

    def count() -> int:
        from django.db import reset_queries
        from django.test.utils import CaptureQueriesContext

        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("search"), {"q": "buss", "sprak": "en"}).status_code == 200
        return len(captured)

    page_in(organisation, title="Sida om buss", slug="sida-x")
    ProcessFactory(organisation=organisation, title="Buss 1")
    index.reindex()
    count()  # the first request fills the caches every page shares
    few = count()
    for n in range(15):
        page_in(organisation, title=f"Sida {n} om buss", slug=f"sida-{n}")
        ProcessFactory(organisation=organisation, title=f"Buss {n}")
    index.reindex()
    assert count() == few


def test_too_many_matches_are_shown_newest_first(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import timedelta

    from django.utils import timezone

    monkeypatch.setattr(query, "COUNT_CAP", 5)
    start = timezone.now()
    for n in range(8):
        ProcessFactory(title=f"Buss {n}", published_at=start - timedelta(days=n))
    ProcessFactory(title="Buss buss buss", published_at=start - timedelta(days=30))
    index.reindex()
    result = query.search("buss", per_page=3)
    assert result.capped and result.newest and result.total == 5
    assert titles(result) == ["Buss 0", "Buss 1", "Buss 2"]
    ranked = query.search("buss buss")
    assert ranked.capped  # every "buss" matches "buss buss" too


def test_the_command_reindexes_every_source_or_the_named_ones() -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    ProcessFactory(title="Tandvård för unga", status="open")
    page_in(title="Så söker du tandvård")
    out = StringIO()
    call_command("search_reindex", "pages.pages", stdout=out)
    assert Document.objects.get().source == "pages.pages"
    call_command("search_reindex", stdout=out)
    assert Document.objects.count() == 2
    with pytest.raises(CommandError):
        call_command("search_reindex", "nope.nope", stdout=out)


@pytest.mark.django_db(transaction=True)
def test_postgresql_plans_the_search_for_the_words_asked_each_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A prepared statement's generic plan cannot tell a common word from a rare one (77 ms
    instead of 17 for a common word at 1,000,000 documents): inside the search PostgreSQL
    plans for the values; outside it the connection keeps its own setting."""
    ProcessFactory(title="Bussar i länet")
    index.reindex()
    seen: list[str] = []
    page = query._page

    def watched(*args: Any, **kwargs: Any) -> Any:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW plan_cache_mode")
                seen.append(cursor.fetchone()[0])
        else:
            seen.append("sqlite")
        return page(*args, **kwargs)

    monkeypatch.setattr(query, "_page", watched)
    assert titles(query.search("bussar")) == ["Bussar i länet"]
    if connection.vendor == "postgresql":
        assert seen == ["force_custom_plan"]
        with connection.cursor() as cursor:
            cursor.execute("SHOW plan_cache_mode")
            assert cursor.fetchone()[0] == "auto"
    else:
        assert seen == ["sqlite"] and not connection.in_atomic_block
