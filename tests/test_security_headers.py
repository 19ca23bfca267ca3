"""Response headers (Permissions-Policy, Cache-Control on private pages) and how errors are logged.

The exports' own Cache-Control is asserted where each export is built, in tests/test_exports.py.
"""

import logging
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path, reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def directives(response: Any) -> set[str]:
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


def policy(response: Any) -> dict[str, str]:
    return dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))


# --- Permissions-Policy ----------------------------------------------------------------------


def test_every_response_has_a_restrictive_permissions_policy(client: Client) -> None:
    user = UserFactory()
    pages = [
        client.get(reverse("home")),
        client.get(reverse("account_login")),
        client.get(reverse("proposals:list")),
        client.get("/finns-inte/"),  # a 404
    ]
    client.force_login(user)
    pages += [client.get(reverse("accounts:profile")), client.post(reverse("accounts:export"))]
    for response in pages:
        features = policy(response)
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert features[feature] == "()", (response.request["PATH_INFO"], features)
    assert set(policy(pages[0])) == set(settings.PERMISSIONS_POLICY)
    # Retired or experimental names make Chromium warn on every page.
    assert not {"interest-cohort", "browsing-topics", "vr", "document-domain"} & set(
        settings.PERMISSIONS_POLICY
    )


# --- Cache-Control ---------------------------------------------------------------------------


def test_account_pages_and_the_personal_data_download_are_not_stored(client: Client) -> None:
    anonymous = [reverse("account_login"), reverse("account_signup")]
    for url in anonymous:
        assert {"private", "no-store"} <= directives(client.get(url)), url
    client.force_login(UserFactory())
    mine = [
        reverse("accounts:profile"),
        reverse("accounts:demographics"),
        reverse("accounts:delete"),
        reverse("account_email"),
        reverse("account_change_password"),
    ]
    for url in mine:
        response = client.get(url)
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= directives(response), url
    download = client.post(reverse("accounts:export"))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert {"private", "no-store"} <= directives(download)


def test_public_pages_are_not_marked_private(client: Client) -> None:
    for url in [reverse("home"), reverse("proposals:list")]:
        assert "no-store" not in directives(client.get(url)), url


# --- Logging of 403 and 500 ------------------------------------------------------------------


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a real bug")


# Two views of our own in front of the site's URLs, which the error pages link to.
urlpatterns = [
    path("forbjuden/", forbidden),
    path("trasig/", broken),
    path("", include("delaktig.config.urls")),
]


def warnings_and_errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_403_is_one_line_without_a_traceback(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    resident = UserFactory()
    client.force_login(resident)
    url = reverse("staff:dashboard")
    with caplog.at_level(logging.INFO):
        response = client.get(url)
    assert response.status_code == 403
    (record,) = warnings_and_errors(caplog)
    assert record.name == "django.request"
    assert record.levelno == logging.WARNING
    assert record.exc_info is None and record.exc_text is None
    line = logging.Formatter().format(record)
    assert line == f"Forbidden (Permission denied): GET {url} user={resident.pk} status=403"


def test_an_anonymous_403_says_anonymous(caplog: pytest.LogCaptureFixture) -> None:
    client = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.INFO):
        response = client.post(reverse("account_login"), {"login": "a@example.se"})
    assert response.status_code == 403
    (record,) = warnings_and_errors(caplog)
    line = logging.Formatter().format(record)
    assert record.exc_info is None and "\n" not in line
    assert line.startswith("Forbidden (CSRF cookie not set.): POST ")
    assert line.endswith(f"{reverse('account_login')} user=anonymous status=403")


@pytest.mark.urls(__name__)
def test_a_raised_permission_denied_is_one_record(caplog: pytest.LogCaptureFixture) -> None:
    client = Client()
    client.force_login(user := UserFactory())
    with caplog.at_level(logging.INFO):
        response = client.get("/forbjuden/?x=1")
    assert response.status_code == 403
    (record,) = warnings_and_errors(caplog)
    assert record.exc_info is None
    assert logging.Formatter().format(record) == (
        f"Forbidden (Permission denied): GET /forbjuden/ user={user.pk} status=403"
    )


@pytest.mark.urls(__name__)
def test_a_500_keeps_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.INFO):
        response = client.get("/trasig/")
    assert response.status_code == 500
    (record,) = warnings_and_errors(caplog)
    assert record.name == "django.request" and record.levelno == logging.ERROR
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
    assert "Traceback" in logging.Formatter().format(record)
