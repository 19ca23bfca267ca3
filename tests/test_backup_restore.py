"""Backup and restore end to end (issue 22): the demo region with its files in an S3 bucket is
backed up by ``scripts/backup.py create`` (pg_dump and every object), restored by
``scripts/backup.py restore`` into a fresh database and a fresh bucket, and then a gunicorn on
each side serves the same pages: the same status and the same bytes for every address in the
list, pages, a proposal's attachment, a logo, a cover image and the open-data ZIPs among them,
and a logged-in resident's own draft attachment with the session made before the backup.

PostgreSQL only: the scripts back up PostgreSQL (``pg_dump``/``pg_restore``), as production
runs on it."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from delaktig.accounts.models import User
from delaktig.opendata.dumps import dumps_make
from delaktig.opendata.models import Dump
from delaktig.organisations.models import Branding
from delaktig.participation.models import ProcessCover
from delaktig.proposals import services as proposals
from delaktig.proposals.models import Attachment, Proposal
from tests.processes import (
    Browser,
    database_url,
    environment,
    free_port,
    server_ready,
    start_gunicorn,
    wait_for,
)
from tests.s3 import Bucket, new_bucket

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="backup and restore are of PostgreSQL (pg_dump, pg_restore): run with a "
        "PostgreSQL DATABASE_URL",
    ),
]

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "backup.py"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + bytes(range(256)) * 100
NIGHT = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)
# Ports of its own, one half for each side: test_two_app_servers.py takes 9100-9199 and may run
# at the same time, and with --preload a server binds its port seconds after free_port() found
# it free (tests/processes.py).
SOURCE_PORTS, RESTORED_PORTS = range(9200, 9250), range(9250, 9300)


def backup(command: str, folder: Path, env: dict[str, str], *extra: str) -> Any:
    return subprocess.run(  # noqa: S603 - this Python, this repository's script
        [sys.executable, str(SCRIPT), command, str(folder), *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


@pytest.fixture
def fresh_database() -> Iterator[str]:
    """The URL of a new, empty database beside the test database; dropped afterwards."""
    import psycopg

    source = database_url()
    name = f"{settings.DATABASES['default']['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    maintenance = source.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield source.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(maintenance, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def restored_bucket(s3_endpoint: str) -> Iterator[Bucket]:
    bucket = new_bucket(s3_endpoint, prefix="aterstallt")
    yield bucket
    bucket.remove()


def demo_with_files() -> tuple[list[str], str]:
    """The demo region, a public proposal's attachment, a resident's draft with one, and the
    open-data dumps. The addresses to compare, and the resident's session."""
    call_command("load_demo", stdout=io.StringIO())
    public = Proposal.objects.public().order_by("pk").first()
    assert public is not None, "the demo has a public proposal"
    attachment = Attachment.objects.create(
        proposal=public,
        file=ContentFile(PDF, name="utredning.pdf"),
        original_name="Utredning om cykelvägar – bilaga 1.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    resident = User.objects.get(email="invanare@demo.delaktig.se")
    draft = proposals.proposal_save_draft(
        actor=resident,
        organisation=public.organisation,
        title="Fler bänkar längs Storsjöstranden",
        body="Så att fler orkar gå hela vägen.",
        author_name="Invånaren",
        files=[SimpleUploadedFile("Skiss över bänkarna.pdf", PDF, "application/pdf")],
    )
    dumps_make(now=NIGHT)
    client = Client()
    client.force_login(resident)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    cover = ProcessCover.objects.select_related("process").order_by("pk").first()
    branding = Branding.objects.exclude(logo="").select_related("organisation").first()
    assert cover is not None and branding is not None, "the demo has covers and logos"
    dumps = Dump.objects.select_related("organisation").order_by("pk")
    assert dumps, "the demo's data gives open-data dumps"
    urls = [
        "/",
        "/processer/",
        cover.process.get_absolute_url(),
        cover.url(480),
        cover.url(1600),
        "/forslag/",
        public.get_absolute_url(),
        f"/forslag/bilaga/{attachment.pk}/",
        branding.logo_url(),
        "/oppna-data/",
        *(f"/oppna-data/{d.organisation.slug}/{d.dataset}.zip" for d in dumps),
        "/moten/",
        "/uppfoljning/",
        "/tillganglighet/",
    ]
    private = [
        "/mitt-konto/",
        draft.get_absolute_url(),
        f"/forslag/bilaga/{draft.attachments.get().pk}/",
    ]
    return urls + [f"session:{url}" for url in private], session


def get(base: str, url: str, session: str) -> tuple[int, bytes]:
    """Status and body; ``session:`` addresses with the resident's session cookie. Both sides
    are asked for the same host, as a proxy in front of them would (pages hold absolute
    addresses)."""
    headers = {"Host": "127.0.0.1"}
    if url.startswith("session:"):
        url = url.removeprefix("session:")
        headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={session}"
    request = Request(f"{base}{url}", headers=headers)  # noqa: S310 - the loopback servers
    try:
        with Browser().opener.open(request, timeout=120) as answer:
            return answer.status, answer.read()
    except HTTPError as error:
        return error.code, error.read()


# A form's CSRF token is masked anew for every response.
CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+|("X-CSRFToken": ")[^"]+')


def same_page(body: bytes) -> bytes:
    return CSRF.sub(lambda m: (m.group(1) or m.group(2)) + b"-", body)


def difference(before: bytes, after: bytes) -> str:
    """Where two bodies first differ, with some context."""
    at = next(
        (i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b),
        min(len(before), len(after)),
    )
    return f"before …{before[at - 80 : at + 80]!r}…, after …{after[at - 80 : at + 80]!r}…"


def test_a_restored_backup_serves_the_same_pages(
    s3: Bucket, fresh_database: str, restored_bucket: Bucket, tmp_path: Path
) -> None:
    urls, session = demo_with_files()
    source_env = environment(**s3.env())
    folder = tmp_path / "backup"

    made = backup("create", folder, source_env)
    assert made.returncode == 0, made.stderr
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert [f["name"] for f in manifest["files"]] == [
        key.removeprefix(f"{s3.prefix}/") for key in s3.keys()
    ]
    assert backup("verify", folder, source_env).returncode == 0

    target_env = environment(DATABASE_URL=fresh_database, **restored_bucket.env())
    restored = backup("restore", folder, target_env)
    assert restored.returncode == 0, restored.stderr
    assert [key.removeprefix("aterstallt/") for key in restored_bucket.keys()] == [
        f["name"] for f in manifest["files"]
    ]
    # A second restore into what is now not empty is refused.
    again = backup("restore", folder, target_env)
    assert again.returncode == 2 and "not empty" in again.stderr

    servers = []
    try:
        for name, ports, env in (
            ("source", SOURCE_PORTS, source_env),
            ("restored", RESTORED_PORTS, target_env),
        ):
            port = free_port(ports)
            var = tmp_path / name
            var.mkdir()
            server = start_gunicorn(name, port, {**env, "DELAKTIG_VAR_DIR": str(var)}, tmp_path)
            servers.append((server, f"http://127.0.0.1:{port}"))
        for server, base in servers:
            wait_for(lambda s=server, b=base: server_ready(s, b), server.name, timeout=180)
        (_source, source), (_restored, target) = servers
        for url in urls:
            status, body = get(source, url, session)
            assert status == 200, f"{url} answered {status} before the backup"
            restored_status, restored_body = get(target, url, session)
            assert restored_status == status, f"{url} answered {restored_status} after"
            assert same_page(restored_body) == same_page(body), (
                f"{url} differs after the restore: {difference(body, restored_body)}"
            )
        downloads = [url for url in urls if "/bilaga/" in url]
        assert len(downloads) == 2
        assert all(get(target, url, session)[1] == PDF for url in downloads)
    finally:
        for server, _base in servers:
            server.stop()


def test_a_damaged_backup_is_not_restored(
    s3: Bucket, fresh_database: str, restored_bucket: Bucket, tmp_path: Path
) -> None:
    from django.core.files.storage import default_storage

    default_storage.save("proposals/1/bilaga.pdf", ContentFile(PDF))
    folder = tmp_path / "backup"
    assert backup("create", folder, environment(**s3.env())).returncode == 0
    stored = folder / "files" / "proposals" / "1" / "bilaga.pdf"
    stored.write_bytes(PDF.replace(b"1 0 obj", b"9 0 obj"))
    checked = backup("verify", folder, environment())
    assert checked.returncode == 1 and "proposals/1/bilaga.pdf" in checked.stderr
    target_env = environment(DATABASE_URL=fresh_database, **restored_bucket.env())
    refused = backup("restore", folder, target_env)
    assert refused.returncode == 1 and "does not match its manifest" in refused.stderr
    assert restored_bucket.keys() == []
    # An unfinished backup (no manifest) is no backup.
    (folder / "manifest.json").unlink()
    assert backup("restore", folder, target_env).returncode == 2
