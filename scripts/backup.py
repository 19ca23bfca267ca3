"""Back up a Delaktig installation, and restore it: the PostgreSQL database and every stored file.

    python scripts/backup.py create  /backup/delaktig-2026-11-23
    python scripts/backup.py verify  /backup/delaktig-2026-11-23
    python scripts/backup.py restore /backup/delaktig-2026-11-23 [--force]

Each reads where things are from the environment the app reads (docs/operations.md,
"Settings"): ``DATABASE_URL`` (PostgreSQL), and the file store, which is the S3 bucket named
by ``DELAKTIG_S3_BUCKET`` (with ``DELAKTIG_S3_ENDPOINT_URL``, ``_REGION``, ``_PREFIX``,
``_ADDRESSING_STYLE`` and ``_ACCESS_KEY``/``_SECRET_KEY``, else boto3's own credentials), or
else the folder ``MEDIA_ROOT`` (``$DELAKTIG_VAR_DIR/media``): the same function of the settings
decides (``config.settings.s3_storage``).

``create`` writes into a new folder: ``database.dump`` (``pg_dump --format=custom``), then
``files/<name>`` for every file of the store (under the key prefix on S3), and last
``manifest.json`` with the size and SHA-256 of each, so that a folder without a manifest is
an unfinished backup. The database comes first: a file is written before the row that names
it commits, so every file the dump names is already in the store when the files are copied.

``verify`` checks a backup against its manifest. ``restore`` verifies first, then refuses a
target database that holds any table or a store that holds any file, unless ``--force`` (which
replaces what is there: the database's objects are dropped and made again, and files that the
backup does not hold are deleted). It uploads every file, reads each back to compare its
SHA-256, and then restores the database in one transaction (``pg_restore --single-transaction
--no-owner --no-acl``). A backup of a disk may be restored into a bucket and the other way
round: both hold the same names.

Exit status: 0 done, 1 failed (a checksum, a command), 2 refused (a non-empty target, a
missing or unfinished backup).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import mimetypes
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from types_boto3_s3.client import S3Client

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "database.dump"
FILES = "files"
CHUNK = 1024 * 1024


class Refused(Exception):
    """The command will not run against this target or backup (exit status 2)."""


class Failed(Exception):
    """The command ran and something did not come out right (exit status 1)."""


# --- Where the files are ------------------------------------------------------------------------


class Store(Protocol):
    description: str

    def names(self) -> Iterator[str]:
        """Every stored name, sorted."""

    def chunks(self, name: str) -> Iterator[bytes]:
        """The bytes of one file."""

    def write(self, name: str, source: Path) -> None:
        """Store ``source`` under ``name``, replacing what was there."""

    def delete(self, name: str) -> None: ...


class DiskStore:
    """The local folder of ``FileSystemStorage`` (MEDIA_ROOT)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.description = str(root)

    def names(self) -> Iterator[str]:
        if not self.root.is_dir():
            return iter(())
        found = (p for p in self.root.rglob("*") if p.is_file() and not p.is_symlink())
        return iter(sorted(p.relative_to(self.root).as_posix() for p in found))

    def chunks(self, name: str) -> Iterator[bytes]:
        with (self.root / name).open("rb") as handle:
            yield from iter(lambda: handle.read(CHUNK), b"")

    def write(self, name: str, source: Path) -> None:
        target = self.root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        # Copied beside it and renamed: a reader sees the old file or the new, never half.
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".restore-")
        os.close(handle)
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)

    def delete(self, name: str) -> None:
        (self.root / name).unlink(missing_ok=True)


class BucketStore:
    """An S3-compatible bucket, under the key prefix Delaktig writes to."""

    def __init__(self, client: S3Client, bucket: str, prefix: str, region: str | None) -> None:
        self.client, self.bucket, self.region = client, bucket, region
        self.prefix = f"{prefix}/" if prefix else ""
        self.description = f"s3://{bucket}/{self.prefix}"

    def names(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        keys = (item["Key"] for page in pages for item in page.get("Contents", []))
        return iter(sorted(key[len(self.prefix) :] for key in keys if not key.endswith("/")))

    def chunks(self, name: str) -> Iterator[bytes]:
        body = self.client.get_object(Bucket=self.bucket, Key=self.prefix + name)["Body"]
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()

    def write(self, name: str, source: Path) -> None:
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        # No ACL: the object is as private as the bucket, like every object Delaktig writes.
        self.client.upload_file(
            str(source), self.bucket, self.prefix + name, ExtraArgs={"ContentType": content_type}
        )

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + name)

    def ensure_bucket(self) -> None:
        """Create the bucket if it does not exist (private, as new buckets are)."""
        from botocore.exceptions import ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in {"404", "NoSuchBucket"}:
                raise
            if self.region and self.region != "us-east-1":
                self.client.create_bucket(
                    Bucket=self.bucket,
                    CreateBucketConfiguration={"LocationConstraint": self.region},  # type: ignore[typeddict-item]
                )
            else:
                self.client.create_bucket(Bucket=self.bucket)


def store_from_environment(environ: dict[str, str]) -> DiskStore | BucketStore:
    """The store the app would use with this environment."""
    from delaktig.config import settings

    storage = settings.s3_storage(environ)
    if storage is None:
        return DiskStore(Path(settings.MEDIA_ROOT))
    options: dict[str, Any] = storage["OPTIONS"]
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(
        aws_access_key_id=options.get("access_key"),
        aws_secret_access_key=options.get("secret_key"),
    )
    style = options.get("addressing_style")
    client = session.client(
        "s3",
        endpoint_url=options["endpoint_url"],
        region_name=options["region_name"],
        config=Config(signature_version="s3v4", s3={"addressing_style": style} if style else {}),
    )
    return BucketStore(client, options["bucket_name"], options["location"], options["region_name"])


# --- Checksums and the manifest -----------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    name: str
    size: int
    sha256: str


def copy_out(chunks: Iterable[bytes], target: Path) -> tuple[int, str]:
    """Write the chunks to ``target``; their size and SHA-256."""
    digest, size = hashlib.sha256(), 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def measure(chunks: Iterable[bytes]) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        yield from iter(lambda: handle.read(CHUNK), b"")


def safe_name(name: str) -> str:
    """A stored name from a manifest, refused if it would leave the folder or the prefix."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name or "\0" in name:
        raise Refused(f"the manifest names a file outside the store: {name!r}")
    return name


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise Refused(f"{folder} holds no {MANIFEST}: no backup, or an unfinished one")
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise Refused(f"{path}: unknown format {manifest.get('format')!r}")
    return manifest


# --- The database -------------------------------------------------------------------------------


def database_url(environ: dict[str, str]) -> str:
    url = environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise Refused("set DATABASE_URL to the PostgreSQL database (postgres://…)")
    return url


def run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        raise Failed(f"{command[0]} failed ({done.returncode}):\n{done.stderr.strip()}")


def database_tables(url: str) -> int:
    """How many tables the database holds outside PostgreSQL's own schemas."""
    import psycopg

    with psycopg.connect(url) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_catalog.pg_tables"
            " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        ).fetchone()
    return int(row[0]) if row else 0


# --- The commands -------------------------------------------------------------------------------


def create(folder: Path, environ: dict[str, str]) -> dict[str, Any]:
    """Back up the database and the store into ``folder`` (new, or empty)."""
    url = database_url(environ)
    store = store_from_environment(environ)
    if folder.exists() and any(folder.iterdir()):
        raise Refused(f"{folder} is not empty; a backup goes into a new folder")
    folder.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    run(["pg_dump", "--format=custom", f"--file={folder / DATABASE}", f"--dbname={url}"])
    size, sha256 = measure(file_chunks(folder / DATABASE))
    entries = []
    for name in store.names():
        entries.append(Entry(name, *copy_out(store.chunks(name), folder / FILES / name)))
    manifest = {
        "format": FORMAT,
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "store": store.description,
        "database": {"file": DATABASE, "size": size, "sha256": sha256},
        "files": [entry.__dict__ for entry in entries],
    }
    (folder / MANIFEST).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return manifest


def verify(folder: Path) -> list[str]:
    """What in the backup does not match its manifest (nothing: an empty list)."""
    manifest = read_manifest(folder)
    problems = []
    database = manifest["database"]
    wanted = [(Path(DATABASE), database["size"], database["sha256"])]
    wanted += [
        (Path(FILES) / safe_name(f["name"]), f["size"], f["sha256"]) for f in manifest["files"]
    ]
    for relative, size, sha256 in wanted:
        path = folder / relative
        if not path.is_file():
            problems.append(f"{relative}: missing")
        elif measure(file_chunks(path)) != (size, sha256):
            problems.append(f"{relative}: size or SHA-256 differs from the manifest")
    return problems


def restore(folder: Path, environ: dict[str, str], *, force: bool) -> dict[str, Any]:
    """Restore the backup in ``folder`` into the database and store of ``environ``."""
    manifest = read_manifest(folder)
    problems = verify(folder)
    if problems:
        raise Failed("the backup does not match its manifest:\n" + "\n".join(problems))
    url = database_url(environ)
    store = store_from_environment(environ)
    if isinstance(store, BucketStore):
        store.ensure_bucket()
    tables = database_tables(url)
    present = list(store.names())
    if (tables or present) and not force:
        raise Refused(
            f"the target is not empty ({tables} tables in the database, {len(present)} files in"
            f" {store.description}); restore into a fresh database and store, or add --force"
            " to replace what is there"
        )
    files = [Entry(safe_name(f["name"]), f["size"], f["sha256"]) for f in manifest["files"]]
    for entry in files:
        store.write(entry.name, folder / FILES / entry.name)
    kept = {entry.name for entry in files}
    for name in present:
        if name not in kept:
            store.delete(name)
    wrong = [e.name for e in files if measure(store.chunks(e.name)) != (e.size, e.sha256)]
    if wrong:
        raise Failed("read back with another checksum: " + ", ".join(wrong))
    command = ["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction"]
    if force:
        command += ["--clean", "--if-exists"]
    run([*command, f"--dbname={url}", str(folder / DATABASE)])
    return {"files": len(files), "store": store.description, "deleted": len(set(present) - kept)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("create", "back up the database and the store into a new folder"),
        ("verify", "check a backup against its manifest"),
        ("restore", "restore a backup into an empty database and store"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("folder", type=Path)
        if name == "restore":
            command.add_argument(
                "--force", action="store_true", help="replace what the target holds"
            )
    args = parser.parse_args(argv)
    environ = dict(os.environ)
    out: IO[str] = sys.stdout
    try:
        if args.command == "create":
            manifest = create(args.folder, environ)
            total = sum(f["size"] for f in manifest["files"])
            print(
                f"Backed up the database ({manifest['database']['size']} bytes) and"
                f" {len(manifest['files'])} files ({total} bytes) from {manifest['store']}"
                f" into {args.folder}",
                file=out,
            )
        elif args.command == "verify":
            problems = verify(args.folder)
            if problems:
                raise Failed("\n".join(problems))
            print(f"{args.folder} matches its manifest", file=out)
        else:
            done = restore(args.folder, environ, force=args.force)
            print(
                f"Restored the database and {done['files']} files into {done['store']}"
                + (
                    f" ({done['deleted']} files not in the backup deleted)"
                    if done["deleted"]
                    else ""
                ),
                file=out,
            )
    except Refused as error:
        print(f"refused: {error}", file=sys.stderr)
        return 2
    except Failed as error:
        print(f"failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
