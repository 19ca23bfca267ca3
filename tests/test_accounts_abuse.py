"""Accounts under abuse: nobody learns who has an account, and login throttling holds per
account and client, behind a proxy and without one.

Rate limits live in the cache, which ``conftest.py`` clears before every test.
"""

import importlib
import re
import sys
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from delaktig.accounts.adapter import AccountAdapter
from delaktig.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "lösenord-123"  # the factory's
NEW_PASSWORD = "ett-langt-losenord-9"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "operations.md"


def _comparable(html: str, email: str) -> str:
    """A page with the address and the (per-request) CSRF tokens taken out."""
    html = html.replace(email, "ADDRESS")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)


def _writes(queries: CaptureQueriesContext) -> list[str]:
    """The INSERT and UPDATE statements on the account tables, by table."""
    found = []
    for query in queries.captured_queries:
        match = re.match(
            r'\s*(INSERT INTO|UPDATE) "(accounts_user|account_emailaddress)"', query["sql"]
        )
        if match:
            found.append(f"{match[1].split()[0]} {match[2]}")
    return sorted(found)


def _sign_up(email: str, on_commit: Any) -> dict[str, Any]:
    client = Client()
    mail.outbox.clear()
    with (
        on_commit(execute=True),
        mock.patch.object(
            MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode
        ) as encode,
        mock.patch.object(
            AccountAdapter, "send_mail", autospec=True, side_effect=AccountAdapter.send_mail
        ) as send_mail,
        CaptureQueriesContext(connection) as queries,
    ):
        response = client.post(
            reverse("account_signup"),
            {
                "email": email,
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
                "display_name": "Kim",
            },
            follow=True,
        )
    return {
        "chain": response.redirect_chain,
        "page": _comparable(response.content.decode(), email),
        "hashes": encode.call_count,
        "queued": send_mail.call_count,
        "sent": len(mail.outbox),
        "writes": _writes(queries),
    }


def test_sign_up_with_a_taken_address_does_the_same_work_and_answers_the_same(
    django_capture_on_commit_callbacks: Any,
) -> None:
    UserFactory(email="finns@example.se")
    new = _sign_up("ny@example.se", django_capture_on_commit_callbacks)
    taken = _sign_up("finns@example.se", django_capture_on_commit_callbacks)
    # The work that made a new address take 260 ms and a taken one 13 ms: one password hash
    # with the same hasher, the user and its address written, one e-mail queued.
    assert new["hashes"] == taken["hashes"] == 1
    assert new["writes"] == taken["writes"]
    assert "INSERT accounts_user" in taken["writes"]
    assert "INSERT account_emailaddress" in taken["writes"]
    assert new["queued"] == taken["queued"] == 1
    assert new["sent"] == taken["sent"] == 1
    # The same redirect and the same page, apart from the address.
    assert new["chain"] == taken["chain"]
    assert new["page"] == taken["page"]
    # The taken address got no second account; the stand-in account was rolled back.
    assert User.objects.filter(email__iexact="finns@example.se").count() == 1
    assert not User.objects.filter(email__endswith="@signup.invalid").exists()
    assert not EmailAddress.objects.filter(email__endswith="@signup.invalid").exists()
    assert sorted(User.objects.values_list("email", flat=True)) == [
        "finns@example.se",
        "ny@example.se",
    ]


def test_password_reset_answers_the_same_for_an_unknown_address(
    django_capture_on_commit_callbacks: Any,
) -> None:
    UserFactory(email="finns@example.se")
    results = []
    for email in ("finns@example.se", "okand@example.se"):
        mail.outbox.clear()
        with (
            django_capture_on_commit_callbacks(execute=True),
            mock.patch.object(
                AccountAdapter, "send_mail", autospec=True, side_effect=AccountAdapter.send_mail
            ) as send_mail,
        ):
            response = Client().post(
                reverse("account_reset_password"), {"email": email}, follow=True
            )
        results.append(
            (
                response.redirect_chain,
                _comparable(response.content.decode(), email),
                send_mail.call_count,
                len(mail.outbox),
            )
        )
    known, unknown = results
    assert known == unknown
    assert known[2:] == (1, 1)  # a reset link, or "there is no account for this address"


# --- Login throttling ---


def _log_in(client: Client, email: str, password: str, ip: str, forwarded: str = "") -> bool:
    extra = {"REMOTE_ADDR": ip}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    client.post(reverse("account_login"), {"login": email, "password": password}, **extra)
    logged_in = "_auth_user_id" in client.session
    client.logout()
    return logged_in


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_a_made_up_forwarded_for_does_not_escape_the_limit() -> None:
    """Straight to gunicorn, 30 failed logins with a new X-Forwarded-For each time were
    never throttled. With the production default (0) the header is ignored."""
    owner = UserFactory(email="agare@example.se")
    attacker = Client()
    for n in range(5):
        assert not _log_in(attacker, owner.email, "fel", "203.0.113.9", f"10.0.{n}.1")
    # The sixth try from the same client, with yet another header, is refused even with the
    # right password.
    assert not _log_in(attacker, owner.email, PASSWORD, "203.0.113.9", "10.0.99.1")
    # The per-client limit counts across accounts too: 10 a minute.
    for n in range(5):
        _log_in(attacker, f"annan{n}@example.se", "fel", "203.0.113.9", f"10.1.{n}.1")
    other = UserFactory(email="annan@example.se")
    assert not _log_in(attacker, other.email, PASSWORD, "203.0.113.9", "10.2.0.1")


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_only_the_address_the_proxy_added_counts() -> None:
    """Behind nginx (REMOTE_ADDR is the proxy) the client is the last X-Forwarded-For entry,
    the one the proxy wrote; whatever the client put before it changes nothing."""
    owner = UserFactory(email="agare@example.se")
    attacker = Client()
    for n in range(5):
        forwarded = f"10.0.{n}.1, 198.51.100.7"  # made up by the client, then the real one
        assert not _log_in(attacker, owner.email, "fel", "127.0.0.1", forwarded)
    assert not _log_in(attacker, owner.email, PASSWORD, "127.0.0.1", "10.0.99.1, 198.51.100.7")
    # The owner, another client behind the same proxy, is not locked out.
    assert _log_in(Client(), owner.email, PASSWORD, "127.0.0.1", "192.0.2.44")


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=0)
def test_failures_from_one_client_do_not_lock_the_owner_out_on_another() -> None:
    owner = UserFactory(email="agare@example.se")
    attacker = Client()
    for _ in range(7):
        assert not _log_in(attacker, owner.email, "fel", "203.0.113.9")
    # Client A is throttled, even with the right password ...
    assert not _log_in(attacker, owner.email, PASSWORD, "203.0.113.9")
    # ... but the owner on client B logs in.
    assert _log_in(Client(), owner.email, PASSWORD, "192.0.2.44")


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=0)
def test_an_ipv6_client_is_one_client_whatever_address_it_takes_in_its_network() -> None:
    owner = UserFactory(email="agare@example.se")
    attacker = Client()
    for n in range(5):
        assert not _log_in(attacker, owner.email, "fel", f"2001:db8:1:2::{n + 1:x}")
    assert not _log_in(attacker, owner.email, PASSWORD, "2001:db8:1:2::99")
    assert _log_in(Client(), owner.email, PASSWORD, "2001:db8:9:9::1")


@override_settings(
    ALLAUTH_TRUSTED_PROXY_COUNT=0,
    DELAKTIG_RATE_LIMITS={"login_failed_account": (6, 3600)},
)
def test_guessing_spread_over_many_clients_hits_the_per_account_limit() -> None:
    owner = UserFactory(email="agare@example.se")
    bystander = UserFactory(email="granne@example.se")
    for n in range(3):  # two failures each, under every per-client limit
        client = Client()
        assert not _log_in(client, owner.email, "fel", f"203.0.113.{n + 1}")
        assert not _log_in(client, owner.email, "fel", f"203.0.113.{n + 1}")
    # Six failures from three clients: the account takes no more tries from anyone for now,
    assert not _log_in(Client(), owner.email, PASSWORD, "192.0.2.44")
    # while other accounts are not affected.
    assert _log_in(Client(), bystander.email, PASSWORD, "203.0.113.1")


@override_settings(
    ALLAUTH_TRUSTED_PROXY_COUNT=0,
    DELAKTIG_RATE_LIMITS={"login_failed_account": (3, 3600)},
)
def test_a_successful_login_does_not_count_and_a_password_reset_clears_the_account_limit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    owner = UserFactory(email="agare@example.se")
    for _ in range(4):
        assert _log_in(Client(), owner.email, PASSWORD, "192.0.2.44")
    for n in range(3):
        assert not _log_in(Client(), owner.email, "fel", f"203.0.113.{n + 1}")
    assert not _log_in(Client(), owner.email, PASSWORD, "192.0.2.44")
    # The owner proves they read the mailbox and sets a new password.
    client = Client(REMOTE_ADDR="192.0.2.44")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        client.post(reverse("account_reset_password"), {"email": owner.email})
    link = re.search(r"https?://[^/\s]+(/konto/password/reset/key/\S+)", mail.outbox[0].body)
    assert link is not None
    form_page = client.get(link[1], follow=True)
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link[1],
        {"password1": "ett-nytt-langt-losenord-7", "password2": "ett-nytt-langt-losenord-7"},
    )
    assert _log_in(Client(), owner.email, "ett-nytt-langt-losenord-7", "192.0.2.44")


# --- The documented proxy setup matches the production settings ---


def _production(monkeypatch: pytest.MonkeyPatch, **env: str) -> Any:
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/delaktig")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "k" * 64)
    monkeypatch.setenv("DELAKTIG_IDENTITY_HASH_KEY", "h" * 40)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.delenv("DELAKTIG_TRUSTED_PROXY_COUNT", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    import delaktig.config.settings as base

    importlib.reload(base)
    return importlib.reload(importlib.import_module("delaktig.config.production"))


@pytest.fixture
def restore_base_settings(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Put the settings modules back as they were: the environment, the base settings, and
    the production module unimported if it was (other tests import it for the first time)."""
    production = sys.modules.get("delaktig.config.production")
    yield
    monkeypatch.undo()
    import delaktig.config.settings as base

    importlib.reload(base)
    if production is None:
        sys.modules.pop("delaktig.config.production", None)
    else:
        sys.modules["delaktig.config.production"] = production


def test_operations_doc_describes_the_production_proxy_setting(
    monkeypatch: pytest.MonkeyPatch, restore_base_settings: Any
) -> None:
    text = DOCS.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| `DELAKTIG_TRUSTED_PROXY"))
    documented_default = re.findall(r"`(\d+)`", row.rsplit("|", 2)[1])[0]
    assert _production(monkeypatch).ALLAUTH_TRUSTED_PROXY_COUNT == int(documented_default) == 0
    # The documented deployment: one nginx that replaces X-Forwarded-For, gunicorn only on
    # the loopback address, and the count set to that one proxy.
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in text
    assert "--bind 127.0.0.1:8001" in text
    example = re.search(r"^DELAKTIG_TRUSTED_PROXY_COUNT=(\d+)$", text, re.MULTILINE)
    assert example is not None and example[1] == "1"
    production = _production(monkeypatch, DELAKTIG_TRUSTED_PROXY_COUNT=example[1])
    assert production.ALLAUTH_TRUSTED_PROXY_COUNT == 1
