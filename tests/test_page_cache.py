"""The anonymous page cache (core/pagecache.py): who gets and fills cached pages, what is never
stored, per-visitor CSRF tokens in shared pages, and freshness after committed writes.

The test settings keep the cache off (a test's writes are never committed); the ``page_cache``
fixture turns it on. The freshness tests commit for real (``transactional_db``), in the local
memory cache and in the real Redis.
"""

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory, override_settings
from django.urls import path
from django.views.decorators.cache import never_cache

from delaktig.core import pagecache
from delaktig.participation.models import Process
from delaktig.proposals import services
from tests.factories import (
    MunicipalityFactory,
    OrganisationFactory,
    ProcessFactory,
    UserFactory,
    open_discussion,
    proposal_rules,
    role,
    verified_resident,
)

pytestmark = pytest.mark.django_db

HEADER = "X-Delaktig-Cache"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


@pytest.fixture
def page_cache(settings: Any) -> None:
    settings.DELAKTIG_PAGE_CACHE_SECONDS = 60


def hit(response: Any) -> bool:
    return response.get(HEADER) == "hit"


def tokens(response: Any) -> list[str]:
    return TOKEN.findall(response.content.decode())


def without_tokens(response: Any) -> str:
    return TOKEN.sub("", response.content.decode())


# --- Who gets a cached page ---------------------------------------------------------------------


def test_the_second_anonymous_visitor_gets_the_stored_page(page_cache: None) -> None:
    ProcessFactory(title="Cykelvägar i Östersund")
    first = Client().get("/processer/")
    assert first.status_code == 200 and first[HEADER] == "miss"
    second = Client().get("/processer/")
    assert hit(second) and second.status_code == 200
    assert "Cykelvägar i Östersund" in second.content.decode()
    assert without_tokens(second) == without_tokens(first)
    # The headers the page was made with, and those every response gets on the way out.
    assert second["Content-Type"] == first["Content-Type"]
    assert second["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in second
    assert second["Content-Language"] == "sv"
    # A HEAD is answered from the same page; a different query is another page.
    assert hit(Client().head("/processer/"))
    assert not hit(Client().get("/processer/?sida=1"))


def test_each_host_and_language_has_its_own_page(page_cache: None, settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    ProcessFactory()
    a = Client(HTTP_HOST="a.example")
    assert not hit(a.get("/processer/"))
    assert hit(Client(HTTP_HOST="a.example").get("/processer/"))
    b = Client(HTTP_HOST="b.example").get("/processer/")
    assert not hit(b)
    # The page names its own host (hreflang links), so another host's page would be wrong.
    assert "http://b.example/processer/" in b.content.decode()
    assert "http://a.example/" not in b.content.decode()

    english = Client(HTTP_HOST="a.example")
    english.cookies[django_settings.CONTENT_LANGUAGE_COOKIE_NAME] = "en"
    first = english.get("/processer/")
    assert not hit(first) and '<html lang="en"' in first.content.decode()
    again = english.get("/processer/")
    assert hit(again) and '<html lang="en"' in again.content.decode()
    assert again["Content-Language"] == "en"
    swedish = Client(HTTP_HOST="a.example").get("/processer/")
    assert hit(swedish) and '<html lang="sv"' in swedish.content.decode()
    # Asking with ?sprak= is a page of its own, and the choice is still kept in a cookie.
    asked = Client(HTTP_HOST="a.example").get("/processer/?sprak=en")
    assert not hit(asked) and asked.cookies[django_settings.CONTENT_LANGUAGE_COOKIE_NAME]
    asked = Client(HTTP_HOST="a.example").get("/processer/?sprak=en")
    assert hit(asked) and asked.cookies[django_settings.CONTENT_LANGUAGE_COOKIE_NAME].value == "en"


def test_logged_in_people_neither_get_nor_fill_cached_pages(page_cache: None) -> None:
    ProcessFactory()
    member = Client()
    member.force_login(UserFactory())
    # A logged-in person's page is not stored …
    mine = member.get("/processer/")
    assert HEADER not in mine and "Logga ut" in mine.content.decode()
    assert not hit(Client().get("/processer/"))
    # … and a stored page is not served to them.
    assert hit(Client().get("/processer/"))
    again = member.get("/processer/")
    assert HEADER not in again and "Logga ut" in again.content.decode()


def test_messages_and_unknown_cookies_bypass_the_cache(page_cache: None) -> None:
    ProcessFactory()
    Client().get("/processer/")
    assert hit(Client().get("/processer/"))
    with_messages = Client()
    with_messages.cookies["messages"] = "anything"
    assert HEADER not in with_messages.get("/processer/")
    unknown = Client()
    unknown.cookies["tracking"] = "1"
    assert HEADER not in unknown.get("/processer/")
    assert HEADER not in Client(HTTP_AUTHORIZATION="Bearer x").get("/processer/")


def test_what_is_not_a_public_page_is_never_stored(page_cache: None) -> None:
    assert Client().get("/processer/finns-inte/").status_code == 404
    missing = Client().get("/processer/finns-inte/")
    assert missing.status_code == 404 and HEADER not in missing
    # Staff pages, accounts and the API are never looked up.
    factory = RequestFactory()
    for path_ in ("/personal/", "/m/survey/personal/3/", "/konto/login/", "/api/v1/processes/"):
        assert not pagecache.may_use_cache(factory.get(path_)), path_
    assert pagecache.may_use_cache(factory.get("/processer/"))
    assert not pagecache.may_use_cache(factory.post("/processer/"))
    login = Client().get("/konto/login/")
    assert HEADER not in login and HEADER not in Client().get("/konto/login/")


# --- CSRF tokens in shared pages ------------------------------------------------------------------


def test_a_cached_page_carries_the_readers_own_csrf_token(page_cache: None) -> None:
    ProcessFactory()
    first = Client(enforce_csrf_checks=True)
    made = first.get("/processer/")
    assert made[HEADER] == "miss" and tokens(made)
    stored = [value for value in cache._cache.values() if b"\x00csrf\x00" in value]
    assert stored, "the stored page holds the placeholder"
    assert not any(token.encode() in value for value in stored for token in tokens(made))

    second = Client(enforce_csrf_checks=True)
    served = second.get("/processer/")
    assert hit(served)
    secret = served.cookies[django_settings.CSRF_COOKIE_NAME].value
    assert secret != made.cookies[django_settings.CSRF_COOKIE_NAME].value
    assert tokens(served) and {pagecache._unmask(t) for t in tokens(served)} == {secret}
    assert "\x00" not in served.content.decode()
    # A visitor who already has a CSRF cookie gets a token for it …
    served_again = second.get("/processer/")
    assert hit(served_again)
    assert {pagecache._unmask(t) for t in tokens(served_again)} == {secret}
    # … and the token works: the language switcher's form posts with it.
    token = tokens(served_again)[0]
    posted = second.post("/sprak/", {"language": "en", "csrfmiddlewaretoken": token})
    assert posted.status_code == 302
    refused = Client(enforce_csrf_checks=True).post(
        "/sprak/", {"language": "en", "csrfmiddlewaretoken": token}
    )
    assert refused.status_code == 403


def test_a_page_that_shows_the_csrf_secret_is_not_stored() -> None:
    request = RequestFactory().get("/")
    token = get_token(request)
    secret = request.META["CSRF_COOKIE"]
    body = f'<input value="{token}"><p>{"x" * 64}</p>'.encode()
    cleaned = pagecache._csrf_free(request, body)
    assert cleaned == b'<input value="\x00csrf\x00"><p>' + b"x" * 64 + b"</p>"
    assert pagecache._csrf_free(request, body + secret.encode()) is None


# --- Responses that are never stored ------------------------------------------------------------


def sets_cookie(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("mine")
    response.set_cookie("seen", "1")
    return response


@never_cache
def private(request: HttpRequest) -> HttpResponse:
    return HttpResponse("private")


def uses_session(request: HttpRequest) -> HttpResponse:
    request.session["visitor"] = uuid.uuid4().hex
    return HttpResponse(request.session["visitor"])


def varies(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(request.headers.get("Accept-Language", ""))
    response["Vary"] = "Accept-Language"
    return response


def uses_nonce(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f'<script nonce="{request.csp_nonce}"></script>')


def plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse("plain")


urlpatterns = [
    path("kaka/", sets_cookie),
    path("privat/", private),
    path("session/", uses_session),
    path("varierar/", varies),
    path("nonce/", uses_nonce),
    path("vanlig/", plain),
]


@pytest.mark.urls("tests.test_page_cache")
@pytest.mark.parametrize("address", ["/kaka/", "/privat/", "/session/", "/varierar/", "/nonce/"])
def test_responses_that_are_not_the_same_for_everyone_are_not_stored(
    page_cache: None, address: str
) -> None:
    first = Client().get(address)
    assert first.status_code == 200 and HEADER not in first
    second = Client().get(address)
    assert HEADER not in second
    if address == "/session/":
        assert second.content != first.content


@pytest.mark.urls("tests.test_page_cache")
def test_a_plain_page_is_stored_and_off_turns_it_off(page_cache: None, settings: Any) -> None:
    assert Client().get("/vanlig/")[HEADER] == "miss"
    assert hit(Client().get("/vanlig/"))
    settings.DELAKTIG_PAGE_CACHE_SECONDS = 0
    assert HEADER not in Client().get("/vanlig/")


# --- Freshness after writes -----------------------------------------------------------------------


def generation() -> int:
    return int(cache.get(pagecache.GENERATION_KEY, 0))


def test_a_write_stales_pages_only_once_committed(page_cache: None, transactional_db: None) -> None:
    process = ProcessFactory(title="Före")
    Client().get(process.get_absolute_url())
    assert hit(Client().get(process.get_absolute_url()))
    before = generation()
    # A bulk update (no model signal) in a transaction rolled back leaves the page …
    with pytest.raises(RuntimeError), transaction.atomic():
        Process.objects.filter(pk=process.pk).update(title="Ångrat")
        raise RuntimeError
    assert generation() == before
    assert hit(Client().get(process.get_absolute_url()))
    # … a committed one makes the next visitor get a fresh page, once per transaction.
    with transaction.atomic():
        Process.objects.filter(pk=process.pk).update(title="Efter")
        Process.objects.filter(pk=process.pk).update(summary="Ny sammanfattning")
        assert generation() == before
    assert generation() == before + 1
    fresh = Client().get(process.get_absolute_url())
    assert not hit(fresh) and "Efter" in fresh.content.decode()
    # Logging in (a session saved, ``last_login`` set) and reading keep the pages.
    person = UserFactory()
    Client().get(process.get_absolute_url())
    unchanged = generation()
    member = Client()
    member.force_login(person)
    member.get("/processer/")
    member.get(process.get_absolute_url())
    assert generation() == unchanged
    assert hit(Client().get(process.get_absolute_url()))


def test_a_comment_posted_shows_at_once_to_logged_out_readers(
    page_cache: None, transactional_db: None
) -> None:
    module = open_discussion()
    url = module.process.get_absolute_url()
    Client().get(url)
    assert hit(Client().get(url))
    member = Client()
    member.force_login(UserFactory())
    posted = member.post(
        f"/m/discussion/{module.pk}/kommentera/", {f"m{module.pk}-body": "En ny synpunkt"}
    )
    assert posted.status_code == 302
    fresh = Client().get(url)
    assert not hit(fresh) and "En ny synpunkt" in fresh.content.decode()


def test_a_support_shows_at_once_to_logged_out_readers(
    page_cache: None, transactional_db: None
) -> None:
    """On PostgreSQL a support is a writing WITH, committed on its own: it stales the pages."""
    region = OrganisationFactory()
    municipality = MunicipalityFactory(code="2380")
    region.municipalities.add(municipality)
    proposal_rules(region, threshold_value=100, support_period_days=30)
    author = verified_resident(municipality)
    draft = services.proposal_save_draft(
        actor=author, organisation=region, title="Fler bussar", body="B", author_name="A"
    )
    submitted = services.proposal_submit(actor=author, proposal=draft)
    official = role(UserFactory(), "official", region)
    proposal = services.proposal_publish(actor=official, proposal=submitted)
    url = proposal.get_absolute_url()
    supporter = Client()
    supporter.force_login(verified_resident(municipality))
    Client().get(url)
    assert hit(Client().get(url))
    before = generation()
    assert (
        supporter.post(f"/forslag/{proposal.pk}/stod/", {"wants_updates": "on"}).status_code == 302
    )
    assert generation() == before + 1
    fresh = Client().get(url)
    assert not hit(fresh)
    assert fresh.context["proposal"].support_count == 1


@pytest.fixture
def redis_cache() -> Iterator[Any]:
    caches = {
        "default": {
            "BACKEND": "delaktig.core.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": f"delaktig-test-{uuid.uuid4().hex}",
        }
    }
    with override_settings(CACHES=caches):
        try:
            cache.get("ping")
        except Exception as error:  # noqa: BLE001 - no Redis here
            pytest.skip(f"Redis at 127.0.0.1:6379 is not available: {error}")
        assert "Redis" in type(cache._connections["default"]).__name__
        yield cache
        client = cache._cache.get_client()
        for key in client.keys(f"{cache.key_prefix}*"):
            client.delete(key)


def test_pages_and_generation_live_in_the_shared_redis(
    page_cache: None, redis_cache: Any, transactional_db: None
) -> None:
    process = ProcessFactory(title="Delad sida")
    assert Client().get(process.get_absolute_url())[HEADER] == "miss"
    assert hit(Client().get(process.get_absolute_url()))
    keys = redis_cache._cache.get_client().keys(f"{redis_cache.key_prefix}*")
    assert any(b"pagecache:page:" in key for key in keys)
    before = generation()
    Process.objects.filter(pk=process.pk).update(title="Ändrad sida")
    assert generation() == before + 1
    fresh = Client().get(process.get_absolute_url())
    assert not hit(fresh) and "Ändrad sida" in fresh.content.decode()


def test_which_statements_make_pages_stale() -> None:
    stale = pagecache.changes_public_data
    assert stale('INSERT INTO "participation_process" ("slug") VALUES (%s)')
    assert stale('UPDATE "proposals_proposal" SET "support_count" = ("support_count" + 1)')
    assert stale("delete from discussions_comment where id = 3")
    assert stale('UPDATE "accounts_user" SET "display_name" = %s, "last_login" = %s WHERE 1')
    assert not stale('SELECT "id" FROM "participation_process"')
    # A writing WITH (a support on PostgreSQL): each of its writes is judged.
    assert stale(
        'WITH raised AS (UPDATE "proposals_proposal" SET "support_count" = "support_count" + 1'
        ' RETURNING "support_count"), added AS (INSERT INTO "proposals_support" ("user_id")'
        ' SELECT %s FROM raised) SELECT "support_count" FROM raised'
    )
    assert stale("with gone as (delete from discussions_comment where id = 3) select 1")
    assert not stale('WITH t AS (SELECT "id" FROM "proposals_proposal") SELECT * FROM t')
    assert not stale(
        'WITH s AS (UPDATE "django_session" SET "expire_date" = %s RETURNING 1) SELECT 1'
    )
    assert not stale('INSERT INTO "django_session" ("session_key") VALUES (%s)')
    assert not stale('UPDATE "django_session" SET "expire_date" = %s WHERE 1')
    assert not stale('INSERT INTO "core_auditentry" ("action") VALUES (%s)')
    assert not stale('UPDATE "accounts_user" SET "last_login" = %s WHERE "accounts_user"."id" = 1')
