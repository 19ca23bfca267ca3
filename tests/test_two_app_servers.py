"""On two app servers, a resident uploads a proposal attachment on one and downloads it through
the other (issue 22). Two real gunicorn processes (tests/processes.py) share the test database;
the resident logs in and uploads through the real forms (CSRF and all) on the first and
downloads through the second.

With the S3 bucket (moto's server, tests/s3.py) as their storage the bytes come back; with the
default storage on two disks, as two machines would have, the second server has no such file:
the reason uploads go to object storage when there is more than one app server."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from delaktig.proposals.models import Attachment
from tests.factories import MunicipalityFactory, OrganisationFactory, proposal_rules
from tests.factories import verified_resident as make_verified_resident
from tests.processes import (
    Browser,
    environment,
    free_port,
    server_ready,
    start_gunicorn,
    wait_for,
)
from tests.s3 import new_bucket

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "lösenord-på-två-servrar"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + bytes(range(256)) * 400
FILENAME = "Karta över cykelvägen – Åre & Östersund.pdf"
ORGANISATION = "region-tva-servrar"
# Ports of this part of the suite (issue 22: storage 9100–9199), one half for each server.
FIRST_PORTS, SECOND_PORTS = range(9100, 9150), range(9150, 9200)


@pytest.fixture
def resident() -> Any:
    """A verified resident of an organisation that takes proposals, with a password the app
    servers (the development settings' PBKDF2, not the test suite's MD5) can check."""
    organisation = OrganisationFactory(slug=ORGANISATION)
    municipality = MunicipalityFactory(code="2380", name="Östersund")
    organisation.municipalities.add(municipality)
    proposal_rules(organisation, support_phase=False)
    user = make_verified_resident(municipality)
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    return user


@contextmanager
def two_servers(log_dir: Path, **env: str) -> Iterator[tuple[str, str]]:
    """Two gunicorn app servers on the test database, each with its own var folder (its own
    disk) and ``env``; their base URLs."""
    servers = []
    try:
        for name, ports in (("app-1", FIRST_PORTS), ("app-2", SECOND_PORTS)):
            port = free_port(ports)
            var = log_dir / name
            var.mkdir()
            settings = environment(DELAKTIG_VAR_DIR=str(var), **env)
            servers.append(
                (start_gunicorn(name, port, settings, log_dir), f"http://127.0.0.1:{port}")
            )
        for server, base in servers:
            wait_for(lambda s=server, b=base: server_ready(s, b), f"{server.name}", timeout=180)
        yield servers[0][1], servers[1][1]
    finally:
        for server, _base in servers:
            server.stop()


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def multipart(fields: dict[str, str], name: str, filename: str, data: bytes) -> tuple[bytes, str]:
    """A form with one file, encoded as a browser sends it."""
    boundary = secrets.token_hex(16)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"'
        "\r\nContent-Type: application/pdf\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def send(browser: Browser, url: str, body: bytes, content_type: str) -> tuple[int, str]:
    request = Request(  # noqa: S310 - the loopback servers of the test
        url, data=body, headers={"Content-Type": content_type, "Referer": url}
    )
    try:
        with browser.opener.open(request, timeout=120) as answer:
            return answer.status, answer.headers.get("Location", "")
    except HTTPError as error:
        return error.code, error.headers.get("Location", "")


def fetch(browser: Browser, url: str) -> tuple[int, bytes]:
    """The status and the bytes of a GET (a download is no text)."""
    try:
        with browser.opener.open(Request(url), timeout=120) as answer:  # noqa: S310
            return answer.status, answer.read()
    except HTTPError as error:
        return error.code, error.read()


def upload_on(base: str, resident: Any) -> tuple[Browser, Attachment]:
    """Log in and write a proposal with an attachment on the server at ``base``."""
    browser = Browser()
    login = browser.request(f"{base}/konto/login/")
    logged_in = browser.request(
        f"{base}/konto/login/",
        {
            "login": resident.email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": csrf_token(login.text),
        },
    )
    assert logged_in.status == 302, logged_in.text[:2000]
    form = browser.request(f"{base}/forslag/nytt/")
    assert form.status == 200
    body, content_type = multipart(
        {
            "csrfmiddlewaretoken": csrf_token(form.text),
            "organisation": ORGANISATION,
            "title": "Cykelväg runt Storsjön",
            "body": "En sammanhängande cykelväg runt hela sjön.",
            "author_name": "Kim",
        },
        "attachments",
        FILENAME,
        PDF,
    )
    status, location = send(browser, f"{base}/forslag/nytt/", body, content_type)
    assert status == 302, status
    proposal_pk = int(re.findall(r"/(\d+)/", location)[-1])
    return browser, Attachment.objects.get(proposal_id=proposal_pk)


def test_an_attachment_uploaded_on_one_server_is_downloaded_through_the_other(
    resident: Any, s3_endpoint: str, tmp_path: Path
) -> None:
    bucket = new_bucket(s3_endpoint)
    try:
        with two_servers(tmp_path, **bucket.env()) as (first, second):
            browser, attachment = upload_on(first, resident)
            assert attachment.original_name == FILENAME
            assert bucket.keys() == [bucket.key(attachment.file.name)]
            url = f"/forslag/bilaga/{attachment.pk}/"
            status, data = fetch(browser, f"{second}{url}")
            assert status == 200 and data == PDF
            # The draft is the resident's own, on every server.
            status, data = fetch(Browser(), f"{second}{url}")
            assert status == 403 and PDF[:64] not in data
            assert bucket.anonymous_get(attachment.file.name) == 403
    finally:
        bucket.remove()


def test_on_two_disks_the_other_server_has_no_such_file(resident: Any, tmp_path: Path) -> None:
    with two_servers(tmp_path) as (first, second):
        browser, attachment = upload_on(first, resident)
        assert (tmp_path / "app-1" / "media" / attachment.file.name).read_bytes() == PDF
        url = f"/forslag/bilaga/{attachment.pk}/"
        assert fetch(browser, f"{first}{url}") == (200, PDF)
        status, data = fetch(browser, f"{second}{url}")
        assert status == 500 and PDF[:64] not in data
