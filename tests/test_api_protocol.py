"""What every endpoint of the open-data API shares (issue 21): cursor pagination, conditional
GET (ETag, Last-Modified), CORS for reads, the rate limit per client counted in Redis, and
the error bodies with the platform's codes."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpRequest
from django.test import Client, override_settings
from django.urls import path
from django.utils import translation
from django.utils.http import http_date
from ninja import Router, Schema

from delaktig.core.api import mark_modified
from delaktig.core.catalogues import offered_interface_languages
from delaktig.core.errors import DelaktigError
from delaktig.opendata.api import DelaktigApi
from delaktig.organisations.models import Organisation
from tests.api_factories import MOMENT, list_paths, openapi
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/organisations/"


def _limits(**changes: tuple[int, int]) -> dict[str, tuple[int, int]]:
    return {**settings.DELAKTIG_RATE_LIMITS, **changes}


def _error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"code", "message", "field", "params"}, body
    assert response["Content-Type"].startswith("application/json")
    return dict(body)


# --- Pagination -----------------------------------------------------------------------------------


def test_the_cursor_walks_every_item_once_while_items_are_added(client: Client) -> None:
    for _ in range(7):
        OrganisationFactory()
    seen: list[int] = []
    url: str | None = f"{LIST}?limit=3"
    pages = 0
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200
        body = response.json()
        assert len(body["items"]) <= 3
        seen.extend(item["id"] for item in body["items"])
        if pages == 0:  # added between the first and the second page
            OrganisationFactory()
            OrganisationFactory()
        pages += 1
        url = body["next"]
        if url is not None:
            assert body["next_cursor"] and f"cursor={body['next_cursor']}" in url
            assert "limit=3" in url
            url = url.removeprefix("http://testserver")
        else:
            assert body["next_cursor"] is None
    everything = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    assert seen == everything and len(everything) == 9
    assert pages == 3


@pytest.mark.parametrize("cursor", ["nonsense", "eyJhZnRlciI6IC0xfQ", "e30", "%FF", "x" * 201])
def test_a_bad_cursor_is_400_bad_cursor(client: Client, cursor: str) -> None:
    response = client.get(f"{LIST}?cursor={cursor}")
    assert response.status_code == 400
    body = _error(response)
    assert body["code"] in ("api.bad_cursor", "api.invalid_parameter")
    assert body["field"] == "cursor"
    if len(cursor) <= 200:
        assert body["code"] == "api.bad_cursor"


@pytest.mark.parametrize("limit", ["0", "-1", "501", "abc", "1.5"])
def test_an_invalid_limit_is_400_invalid_parameter(client: Client, limit: str) -> None:
    response = client.get(f"{LIST}?limit={limit}")
    assert response.status_code == 400
    body = _error(response)
    assert body["code"] == "api.invalid_parameter"
    assert body["field"] == "limit"
    assert body["params"] == {"name": "limit"}


def test_a_nul_character_is_refused_with_an_api_error_body(client: Client) -> None:
    # RejectNulMiddleware refuses it before the API sees it; the answer must still be the
    # API's JSON error body, not the site's HTML page.
    response = client.get(f"{LIST}?kind=a%00b")
    assert response.status_code == 400
    assert _error(response)["code"]


def test_a_missing_item_is_404_not_found(client: Client) -> None:
    response = client.get(f"{LIST}no-such-organisation")
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


# --- Conditional GET ------------------------------------------------------------------------------


def test_if_none_match_with_the_etag_is_304_without_a_body(client: Client) -> None:
    OrganisationFactory()
    first = client.get(LIST)
    etag = first["ETag"]
    assert etag.startswith('"') and first["Cache-Control"].startswith("public")
    again = client.get(LIST, headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    other = client.get(LIST, headers={"if-none-match": '"something-else"'})
    assert other.status_code == 200 and other.content == first.content
    OrganisationFactory()
    changed = client.get(LIST, headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


class StampOut(Schema):
    name: str


stamped = Router()


@stamped.get("/stamped", response=StampOut, operation_id="stamped_get")
def stamped_get(request: HttpRequest) -> dict[str, str]:
    mark_modified(request, MOMENT - timedelta(days=1), None, MOMENT)
    return {"name": "stamped"}


# The API's own class, with one endpoint that says when it changed (the API's endpoints say
# it with mark_modified; which of them do is up to each app).
stamped_api = DelaktigApi(urls_namespace="h8_stamped_api", docs_url=None)
stamped_api.add_router("/", stamped)
urlpatterns = [path("api/stamped/", stamped_api.urls)]


@override_settings(ROOT_URLCONF=__name__)
def test_if_modified_since_the_last_modified_is_304(client: Client) -> None:
    first = client.get("/api/stamped/stamped")
    assert first.status_code == 200
    assert first["Last-Modified"] == http_date(MOMENT.timestamp())
    again = client.get(
        "/api/stamped/stamped", headers={"if-modified-since": first["Last-Modified"]}
    )
    assert again.status_code == 304 and again.content == b""
    earlier = client.get(
        "/api/stamped/stamped", headers={"if-modified-since": http_date(MOMENT.timestamp() - 1)}
    )
    assert earlier.status_code == 200 and earlier.json() == {"name": "stamped"}


def test_every_list_answers_with_an_etag(client: Client) -> None:
    for url in list_paths(openapi()):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["ETag"], url
        again = client.get(url, headers={"if-none-match": response["ETag"]})
        assert again.status_code == 304, url


# --- CORS -----------------------------------------------------------------------------------------


def test_any_site_may_read_without_credentials(client: Client) -> None:
    response = client.get(LIST, headers={"origin": "https://journalist.example"})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "ETag" in response["Access-Control-Expose-Headers"]


def test_a_preflight_allows_get_and_not_post(client: Client) -> None:
    preflight = client.options(
        LIST,
        headers={
            "origin": "https://journalist.example",
            "access-control-request-method": "GET",
            "access-control-request-headers": "if-none-match",
        },
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == "*"
    allowed = {m.strip() for m in preflight["Access-Control-Allow-Methods"].split(",")}
    assert "GET" in allowed and "POST" not in allowed
    assert "if-none-match" in preflight["Access-Control-Allow-Headers"].lower()
    post = client.post(LIST, headers={"origin": "https://journalist.example"})
    assert post.status_code == 405
    assert "Access-Control-Allow-Credentials" not in post


def test_pages_of_the_site_are_not_opened_to_other_sites(client: Client) -> None:
    response = client.get("/", headers={"origin": "https://journalist.example"})
    assert "Access-Control-Allow-Origin" not in response


# --- The rate limit, counted in the real Redis ---------------------------------------------


@pytest.fixture
def redis_cache() -> Any:
    from django.core.cache import cache

    caches = {
        "default": {
            "BACKEND": "delaktig.core.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": f"delaktig-test-{uuid.uuid4().hex}",
        }
    }
    with override_settings(CACHES=caches, DELAKTIG_RATE_LIMITS=_limits(api_read=(3, 60))):
        try:
            cache.get("ping")
        except Exception as error:  # noqa: BLE001 - no Redis here
            pytest.skip(f"Redis at 127.0.0.1:6379 is not available: {error}")
        assert "Redis" in type(cache._connections["default"]).__name__
        yield cache


def test_over_the_limit_is_429_with_retry_after(redis_cache: Any) -> None:
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(3):
        assert client.get(LIST).status_code == 200
    response = client.get(LIST)
    assert response.status_code == 429
    body = _error(response)
    assert body["code"] == "api.rate_limited"
    retry = response["Retry-After"]
    assert retry.isdigit() and 0 < int(retry) <= 61
    # Another client is not limited …
    assert Client(REMOTE_ADDR="198.51.100.8").get(LIST).status_code == 200
    # … and claiming to be one with X-Forwarded-For does not help (no proxies are trusted).
    forged = client.get(LIST, headers={"x-forwarded-for": "203.0.113.9"})
    assert forged.status_code == 429
    # The counters are in Redis.
    keys = redis_cache._cache.get_client().keys(f"{redis_cache.key_prefix}*")
    assert keys


# --- Error bodies and their language ------------------------------------------------------


def test_an_error_body_has_the_code_message_field_and_params(client: Client) -> None:
    body = _error(client.get(f"{LIST}?limit=0"))
    with translation.override("sv"):
        assert body["message"] == DelaktigError("api.invalid_parameter", name="limit").message


def test_the_message_is_swedish_unless_english_is_chosen(client: Client) -> None:
    with translation.override("sv"):
        swedish = DelaktigError("api.bad_cursor").message
    with translation.override("en"):
        english = DelaktigError("api.bad_cursor").message
    # Accept-Language is not followed: a Swedish authority speaks Swedish first.
    asked = client.get(f"{LIST}?cursor=nonsense", headers={"accept-language": "en"})
    assert _error(asked)["message"] == swedish
    # English is chosen with ?sprak=en (or the language cookie), where its catalogue is offered.
    chosen = client.get(f"{LIST}?cursor=nonsense&sprak=en")
    expected = english if "en" in offered_interface_languages() else swedish
    assert _error(chosen)["message"] == expected
    assert _error(chosen)["code"] == "api.bad_cursor"


def test_an_ipv6_client_is_limited_by_its_64_not_by_each_address() -> None:
    # One home connection holds a whole /64: a new address for every read must not escape
    # the limit (as the platform's other limits count it, accounts/adapter.py).
    with override_settings(DELAKTIG_RATE_LIMITS=_limits(api_read=(3, 60))):
        for host in range(1, 4):
            client = Client(REMOTE_ADDR=f"2001:db8:1:2::{host:x}")
            assert client.get(LIST).status_code == 200
        assert Client(REMOTE_ADDR="2001:db8:1:2:ffff::9").get(LIST).status_code == 429
        assert Client(REMOTE_ADDR="2001:db8:1:3::1").get(LIST).status_code == 200
