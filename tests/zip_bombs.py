"""Hostile uploads built on the spot: ZIP bombs, damaged ZIP files and very wide CSV files.

Shared by the tests (tests/test_upload_limits.py) and the bench (bench/exhaustion.py). Each
is small packed; what it would unpack or split into is large.
"""

import io
import struct
import zipfile
import zlib

import openpyxl

MB = 1024 * 1024
_LOCAL = b"PK\x03\x04"
_CENTRAL = b"PK\x01\x02"


def zip_of(entries: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def plan_workbook(rows: int = 2) -> bytes:
    """An ordinary plan as an Excel file."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Område", "Aktivitet", "Status"])
    for n in range(rows):
        sheet.append([f"Område {n % 5}", f"Aktivitet {n}", "pågår"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


SHARED_STRINGS_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    b' count="1" uniqueCount="1"><si><t>'
)
SHARED_STRINGS_TAIL = b"</t></si></sst>"
_SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)


def workbook_entries(workbook: bytes | None = None) -> dict[str, bytes]:
    """The members of a workbook, with xl/sharedStrings.xml declared in [Content_Types].xml,
    where openpyxl looks for it (openpyxl itself writes strings inline and declares none)."""
    source = zipfile.ZipFile(io.BytesIO(workbook or plan_workbook()))
    entries = {name: source.read(name) for name in source.namelist()}
    types = entries["[Content_Types].xml"]
    if b"sharedStrings" not in types:
        entries["[Content_Types].xml"] = types.replace(
            b"</Types>", _SHARED_STRINGS_TYPE + b"</Types>"
        )
    return entries


def xlsx_bomb(unpacked: int = 4 * MB, *, workbook: bytes | None = None) -> bytes:
    """A real workbook whose xl/sharedStrings.xml is ``unpacked`` bytes of one repeated letter:
    a few kilobytes packed (deflate packs repeats about a thousand times)."""
    head, tail = SHARED_STRINGS_HEAD, SHARED_STRINGS_TAIL
    entries = workbook_entries(workbook)
    entries["xl/sharedStrings.xml"] = head + b"a" * max(0, unpacked - len(head) - len(tail)) + tail
    return zip_of(entries)


def wide_csv(columns: int = 200_000, *, rows: int = 0) -> bytes:
    """A CSV file whose header has ``columns`` columns (200,000 make 1.5 MB)."""
    header = ";".join(["Område", "Aktivitet", *(f"k{n}" for n in range(columns - 2))])
    body = "".join(f"\nA;B{n}" + ";x" * (columns - 2) for n in range(rows))
    return (header + body + "\n").encode()


def _central_records(data: bytes) -> dict[str, int]:
    """Member name → offset of its central-directory record."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    offset = archive.start_dir
    records = {}
    for _ in archive.infolist():
        assert data[offset : offset + 4] == _CENTRAL
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, offset + 28)
        name = data[offset + 46 : offset + 46 + name_length].decode()
        records[name] = offset
        offset += 46 + name_length + extra_length + comment_length
    return records


def _local_header(data: bytes, central: int) -> int:
    (offset,) = struct.unpack_from("<I", data, central + 42)
    assert data[offset : offset + 4] == _LOCAL
    return offset


def patch_member(
    data: bytes,
    name: str,
    *,
    flags: int | None = None,
    method: int | None = None,
    crc: int | None = None,
    sizes: tuple[int, int] | None = None,
) -> bytes:
    """``data`` with the header fields of member ``name`` changed, in its local header and
    in the central directory alike (``sizes`` is (packed, unpacked))."""
    out = bytearray(data)
    central = _central_records(data)[name]
    local = _local_header(data, central)
    # Offsets of flags, method, CRC, packed and unpacked size in each header.
    for base, (f, m, c, p) in ((central, (8, 10, 16, 20)), (local, (6, 8, 14, 18))):
        if flags is not None:
            struct.pack_into("<H", out, base + f, flags)
        if method is not None:
            struct.pack_into("<H", out, base + m, method)
        if crc is not None:
            struct.pack_into("<I", out, base + c, crc)
        if sizes is not None:
            struct.pack_into("<II", out, base + p, *sizes)
    return bytes(out)


def member_data_offset(data: bytes, name: str) -> tuple[int, int]:
    """Where member ``name``'s packed bytes start, and how many there are."""
    central = _central_records(data)[name]
    local = _local_header(data, central)
    name_length, extra_length = struct.unpack_from("<HH", data, local + 26)
    (packed,) = struct.unpack_from("<I", data, central + 20)
    return local + 30 + name_length + extra_length, packed


def wrong_crc(data: bytes, name: str) -> bytes:
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    return patch_member(data, name, crc=info.CRC ^ 0xFFFFFFFF)


def encrypted_flag(data: bytes, name: str) -> bytes:
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    return patch_member(data, name, flags=info.flag_bits | 0x1)


def method_99(data: bytes, name: str) -> bytes:
    """Method 99 is WinZip's AES encryption: zipfile cannot read it."""
    return patch_member(data, name, method=99)


def corrupt_stream(data: bytes, name: str) -> bytes:
    """The member's deflate stream overwritten in the middle with bytes that are no deflate."""
    start, packed = member_data_offset(data, name)
    assert packed > 64, "the member must be packed with deflate and not tiny"
    out = bytearray(data)
    middle = start + packed // 2
    out[middle : middle + 32] = b"\xff" * 32
    return bytes(out)


def truncated_stream(content: bytes, name: str, others: dict[str, bytes]) -> bytes:
    """A ZIP file whose member ``name`` holds only the first half of ``content``'s deflate
    stream, while its headers promise all of ``content``."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = packer.compress(content) + packer.flush()
    half = stream[: len(stream) // 2]
    # Stored first, so that zipfile writes the bytes as they are; then called deflate.
    data = zip_of({**others, name: half}, method=zipfile.ZIP_STORED)
    return patch_member(
        data,
        name,
        method=zipfile.ZIP_DEFLATED,
        crc=zlib.crc32(content),
        sizes=(len(half), len(content)),
    )
