"""Sending stored files. Uploads are kept through Django's storage API, on the local disk or in
an S3-compatible bucket (``config.settings.s3_storage``), and reach a browser only through the
view that checked who may have them: no page ever links to the disk or the bucket.

:func:`stored_file_response` streams one file: from the disk as Django always has, and from a
bucket straight from the object's body as it arrives (one GET), with its length. Opening a
bucket file through the storage instead (``FieldFile.open``) downloads it whole into memory or
a temporary file first (django-storages' ``S3File``): for a dump of many megabytes, every
download would wait for the whole file before its first byte and hold all of it meanwhile."""

from __future__ import annotations

import posixpath
import sys
from typing import IO, Any

from django.core.files.storage import Storage, default_storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse

# What FileResponse reads and sends at a time (Django's default is 4 kB).
BLOCK_SIZE = 64 * 1024


def stored_file_response(
    file: FieldFile | str,
    *,
    content_type: str,
    as_attachment: bool = False,
    filename: str = "",
) -> FileResponse:
    """A response streaming ``file`` (a model's file, or a name in the default storage), named
    ``filename`` (else the stored name's last part). FileNotFoundError if it is not stored."""
    if isinstance(file, FieldFile):
        storage, name = file.storage, file.name or ""
    else:
        storage, name = default_storage, file
    stream, length = open_stream(storage, name)
    response = FileResponse(
        stream,
        content_type=content_type,
        as_attachment=as_attachment,
        filename=filename or posixpath.basename(name),
    )
    response.block_size = BLOCK_SIZE
    if length is not None:
        response["Content-Length"] = str(length)
    return response


def open_stream(storage: Storage, name: str) -> tuple[IO[bytes], int | None]:
    """The stored file's bytes, to be read once from the start, and its length when the
    stream cannot tell it itself. FileNotFoundError if there is no such file."""
    if _is_s3(storage):
        return _s3_stream(storage, name)
    # A file on disk or in memory is seekable: FileResponse measures it.
    return storage.open(name, "rb"), None


def _is_s3(storage: Storage) -> bool:
    # Only a module that is loaded can have made the storage: django-storages (and boto3) are
    # imported by Django for the S3 storage alone, never for the disk.
    module = sys.modules.get("storages.backends.s3")
    return module is not None and isinstance(storage, module.S3Storage)


def _s3_stream(storage: Any, name: str) -> tuple[IO[bytes], int]:
    from botocore.exceptions import ClientError
    from storages.utils import clean_name  # type: ignore[import-untyped]

    # The object's key as S3Storage makes it for every other call (the prefix, a clean name).
    key = storage._normalize_name(clean_name(name))
    try:
        answer = storage.bucket.Object(key).get()
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
            raise FileNotFoundError(name) from error
        raise
    return answer["Body"], int(answer["ContentLength"])
