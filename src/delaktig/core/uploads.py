"""What an uploaded file is, judged from its first bytes, never from its name; and whether a
ZIP container can be unpacked safely."""

import io
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any, Final

from .errors import ValidationFailed

# First bytes → (content type, file extension) for the plain document and image types.
SIGNATURES = {
    b"%PDF-": ("application/pdf", ".pdf"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
}


def sniff_signature(head: bytes) -> tuple[str, str] | None:
    """The content type and extension of a PDF, JPEG or PNG file; None for anything else."""
    for signature, kind in SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None


# --- ZIP containers (XLSX, DOCX, ODT, a ZIP of Polis files) --------------------------------
#
# A ZIP file says in its central directory how large each member is unpacked, and Python's
# zipfile never hands out more than that (a member that unpacks further fails its CRC check).
# So the declared sizes can be checked before anything is unpacked, and they bound what any
# reader (openpyxl, python-docx, our own CSV readers) will get. A small file that unpacks to
# gigabytes (a "ZIP bomb") is refused here, cheaply, instead of filling a worker's memory.
# This module imports nothing from Django: the pure parsers use it too.

ZIP_SIGNATURE = b"PK\x03\x04"
_CENTRAL_DIRECTORY_SIGNATURE = b"PK\x01\x02"
_ENCRYPTED = 0x1
_READABLE_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
_MB = 1024 * 1024


@dataclass(frozen=True)
class ZipLimits:
    """What a ZIP container may unpack to."""

    # All members together, unpacked.
    max_total_size: int = 100 * _MB
    # One member, unpacked.
    max_member_size: int = 50 * _MB
    # Members (files and folders). Office files have a few dozen.
    max_members: int = 1_000
    # Unpacked size over packed size, for members larger than ``ratio_grace``. Text and
    # spreadsheet XML pack 5–30 times; repeated characters pack a thousand times.
    max_ratio: int = 200
    ratio_grace: int = 1 * _MB


DEFAULT_ZIP_LIMITS: Final = ZipLimits()

# Why a ZIP file is refused; the messages are core's codes "archive.<reason>" (catalogue.py).
ARCHIVE_REASONS: Final[frozenset[str]] = frozenset(
    {
        "not_a_zip",
        "too_many_members",
        "too_large",
        "member_too_large",
        "too_compressed",
        "encrypted",
        "unsupported_method",
        "damaged",
    }
)


class ArchiveRefused(ValidationFailed):
    """A ZIP container that is not unpacked: too large unpacked, encrypted or damaged.

    ``reason`` is one of :data:`ARCHIVE_REASONS`; the code is ``archive.<reason>``."""

    def __init__(self, reason: str, **params: Any) -> None:
        if reason not in ARCHIVE_REASONS:
            raise ValueError(f"unknown archive refusal {reason!r}")
        self.reason = reason
        super().__init__(f"archive.{reason}", **params)

    @property
    def too_large(self) -> bool:
        """Whether the file unpacks to too much (a "ZIP bomb"), rather than cannot be read."""
        return self.reason in {
            "too_many_members",
            "too_large",
            "member_too_large",
            "too_compressed",
        }


def open_zip(data: bytes, *, limits: ZipLimits = DEFAULT_ZIP_LIMITS) -> zipfile.ZipFile:
    """``data`` as an open ZIP file whose declared sizes are within ``limits``.

    Raises :class:`ArchiveRefused` before anything is unpacked. Reading a member may still
    fail (a wrong CRC, a corrupt stream): use :func:`read_member` for that."""
    # Every member has a central-directory record, so this counts at least the members,
    # without building a ZipInfo for each of a million empty ones first.
    if data.count(_CENTRAL_DIRECTORY_SIGNATURE) > limits.max_members:
        raise ArchiveRefused("too_many_members", limit=limits.max_members)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise ArchiveRefused("not_a_zip") from error
    try:
        check_zip(archive, packed_size=len(data), limits=limits)
    except ArchiveRefused:
        archive.close()
        raise
    return archive


def check_zip(
    archive: zipfile.ZipFile, *, packed_size: int, limits: ZipLimits = DEFAULT_ZIP_LIMITS
) -> None:
    """Raise :class:`ArchiveRefused` unless every member can be unpacked within ``limits``."""
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise ArchiveRefused("too_many_members", limit=limits.max_members)
    total = 0
    for info in members:
        name = info.filename[-100:]
        if info.flag_bits & _ENCRYPTED:
            raise ArchiveRefused("encrypted", name=name)
        if info.compress_type not in _READABLE_METHODS:
            raise ArchiveRefused("unsupported_method", name=name)
        if info.file_size > limits.max_member_size:
            raise ArchiveRefused(
                "member_too_large", name=name, limit=_megabytes(limits.max_member_size)
            )
        total += info.file_size
        if total > limits.max_total_size:
            raise ArchiveRefused("too_large", limit=_megabytes(limits.max_total_size))
        # A member cannot have more packed bytes than the file has.
        packed = max(1, min(info.compress_size, packed_size))
        if info.file_size > limits.ratio_grace and info.file_size > packed * limits.max_ratio:
            raise ArchiveRefused("too_compressed", name=name, limit=limits.max_ratio)


def _megabytes(size: int) -> int | float:
    """A limit in MB as people write it: 50, or 0.25 for a limit lowered in a test."""
    return size // _MB if size % _MB == 0 else round(size / _MB, 2)


def read_member(archive: zipfile.ZipFile, member: str | zipfile.ZipInfo) -> bytes:
    """One member's bytes; :class:`ArchiveRefused` ("damaged") for a wrong CRC, a corrupt or
    truncated stream, or anything else zipfile cannot read."""
    name = member.filename if isinstance(member, zipfile.ZipInfo) else member
    try:
        return archive.read(member)
    # BadZipFile: a wrong CRC or header; zlib.error: a corrupt deflate stream; EOFError: a
    # truncated one; RuntimeError: encrypted; NotImplementedError: an unknown method.
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        RuntimeError,
        NotImplementedError,
        OSError,
        ValueError,
        KeyError,
    ) as error:
        raise ArchiveRefused("damaged", name=name[-100:]) from error
