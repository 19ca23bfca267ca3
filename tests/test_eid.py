"""E-ID login through an OpenID Connect broker, against a fake broker running in the test."""

from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client, override_settings

from delaktig.identity.models import Verification
from delaktig.identity.services import hash_identity_number
from tests.factories import MunicipalityFactory
from tests.fake_oidc import FakeProvider

pytestmark = pytest.mark.django_db

CLAIMS = {
    "sub": "broker-user-1",
    "email": "eid@example.se",
    "email_verified": True,
    "given_name": "Sara",
    "family_name": "Svensson",
    "personal_identity_number": "198112189876",
    "municipality_code": "2380",
}


def providers(provider: FakeProvider) -> dict[str, Any]:
    return {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "eid",
                    "name": "E-legitimation",
                    "client_id": provider.client_id,
                    "secret": "hemligt",
                    "settings": {
                        "server_url": provider.discovery_url,
                        "token_auth_method": "client_secret_post",
                    },
                }
            ],
        }
    }


def login_through(client: Client, provider: FakeProvider) -> Any:
    response = client.post("/konto/oidc/eid/login/")
    assert response.status_code == 302
    authorize = urlparse(response["Location"])
    assert authorize.netloc == urlparse(provider.url).netloc
    params = parse_qs(authorize.query)
    assert params["client_id"] == [provider.client_id]
    assert params.get("code_challenge_method") == ["S256"]  # PKCE
    code = provider.issue_code(params.get("nonce", [None])[0])
    return client.get(
        "/konto/oidc/eid/login/callback/", {"code": code, "state": params["state"][0]}
    )


def test_eid_login_creates_a_verified_resident() -> None:
    home = MunicipalityFactory(code="2380", name="Östersund")
    client = Client()
    with (
        FakeProvider(client_id="delaktig", claims=CLAIMS) as provider,
        override_settings(SOCIALACCOUNT_PROVIDERS=providers(provider)),
    ):
        response = login_through(client, provider)
        assert response.status_code == 302, response.content[:500]
        verification = Verification.objects.get(user__email="eid@example.se")
        assert verification.method == "eid" and verification.municipality == home
        assert verification.identity_hash == hash_identity_number("811218-9876")
        assert provider.token_requests[0]["client_secret"] == ["hemligt"]
        assert "_auth_user_id" in client.session
        # Logging in again later keeps one verification, refreshed.
        second = Client()
        assert login_through(second, provider).status_code == 302
        assert Verification.objects.count() == 1


def test_broker_without_identity_number_gives_no_verification() -> None:
    claims = {k: v for k, v in CLAIMS.items() if k != "personal_identity_number"}
    with (
        FakeProvider(client_id="delaktig", claims=claims) as provider,
        override_settings(SOCIALACCOUNT_PROVIDERS=providers(provider)),
    ):
        login_through(Client(), provider)
    assert not Verification.objects.exists()


def test_tampered_state_is_refused() -> None:
    with (
        FakeProvider(client_id="delaktig", claims=CLAIMS) as provider,
        override_settings(SOCIALACCOUNT_PROVIDERS=providers(provider)),
    ):
        client = Client()
        client.post("/konto/oidc/eid/login/")
        response = client.get(
            "/konto/oidc/eid/login/callback/",
            {"code": provider.issue_code(None), "state": "forged"},
        )
        assert "_auth_user_id" not in client.session
        assert response.status_code == 401
        assert provider.token_requests == []  # the code was never exchanged
    assert not Verification.objects.exists()
