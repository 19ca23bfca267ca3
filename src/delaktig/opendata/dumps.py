"""The nightly dumps: one ZIP of CSV files per organisation and dataset, made by the task worker.

:func:`dumps_make` writes, for every organisation and every registered
:class:`~delaktig.core.contributions.OpenDataset` that holds data for it, a ZIP with one CSV file
per :class:`~delaktig.core.contributions.DumpTable` (UTF-8 with a byte-order mark, so that Excel
reads Swedish letters right, every cell through :mod:`delaktig.core.exports`, which neutralises
spreadsheet formulas) and ``README.txt`` and ``LICENS.txt`` (the source, the licence, when it
was made, the API address). Rows are streamed from the tables into a temporary file, never held
as a list. The file is saved in the default storage as
``oppna-data/<organisation>/<dataset>-<timestamp>.zip`` and replaces the :class:`Dump` row in
one transaction; the old file is deleted once that has committed. A dataset that no longer
holds data for an organisation, or is no longer registered, loses its dump: nothing stays
downloadable that the public pages no longer show.

The daily job ``opendata.dumps`` (``contributions.py``) queues the task ``make_dumps``
(``tasks.py``); running it twice makes the same dumps again.

:func:`dump` serves the current file at ``/oppna-data/<organisation>/<dataset>.zip`` with its
SHA-256 as ``ETag`` and the moment it was made as ``Last-Modified``.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import tempfile
import zipfile
from calendar import timegm
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from django.views.decorators.http import require_safe

from delaktig.core import contributions, exports
from delaktig.core.contributions import OpenDataset
from delaktig.core.errors import NotFound
from delaktig.core.storage import stored_file_response
from delaktig.organisations.models import Organisation

from .catalogue import catalogue_invalidate, datasets_with_data, licence_uri
from .models import Dump

logger = logging.getLogger(__name__)

# A downloaded dump may be reused this long; it changes once a night.
MAX_AGE = 3600
_CHUNK = 64 * 1024

README_LINES = (
    _("Öppna data från %(organisation)s"),
    _("Datamängd: %(title)s"),
    _("Källa: %(site)s"),
    _("Skapad: %(made_at)s"),
    _("Samma data i API:t: %(api)s"),
    _("Licens: %(licence)s"),
    _("Filer (UTF-8, kommaseparerade, en rad per post):"),
)
LICENCE_TEXT = _(
    "Datamängden ”%(title)s” från %(organisation)s får återanvändas enligt licensen %(licence)s."
)


class DumpFailed(Exception):
    """Some dumps could not be made; the others were (their keys are in the message)."""


def dumps_for(organisation: Organisation) -> list[Dump]:
    """The organisation's current dumps, for the open-data page (``dataset`` is the key)."""
    registered = {dataset.key for dataset in contributions.datasets()}
    dumps = Dump.objects.filter(organisation=organisation).order_by("dataset")
    return [dump for dump in dumps if dump.dataset in registered]


def dumps_make(*, now: datetime) -> int:
    """Make every dump afresh; returns how many were made. Idempotent."""
    made = 0
    failed: list[str] = []
    kept: set[tuple[int, str]] = set()
    for organisation, dataset, _modified in datasets_with_data():
        kept.add((organisation.pk, dataset.key))
        try:
            dump_make(organisation=organisation, dataset=dataset, now=now)
        except Exception:  # one broken dataset must not stop the others
            logger.exception("open-data dump %s/%s failed", organisation.slug, dataset.key)
            failed.append(f"{organisation.slug}/{dataset.key}")
        else:
            made += 1
    for stale in Dump.objects.only("pk", "organisation_id", "dataset", "file"):
        if (stale.organisation_id, stale.dataset) not in kept:
            _remove(stale)
    catalogue_invalidate()
    if failed:
        raise DumpFailed(", ".join(failed))
    return made


def dump_make(*, organisation: Organisation, dataset: OpenDataset, now: datetime) -> Dump:
    """Write one dataset's ZIP for one organisation and make it the current dump."""
    with tempfile.TemporaryFile() as out:
        counts = _write_zip(out, organisation=organisation, dataset=dataset, now=now)
        size = out.tell()
        out.seek(0)
        digest = hashlib.sha256()
        for chunk in iter(lambda: out.read(_CHUNK), b""):
            digest.update(chunk)
        out.seek(0)
        stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        name = default_storage.save(
            f"oppna-data/{organisation.slug}/{dataset.key}-{stamp}.zip", File(out)
        )
    fields = {"file": name, "size": size, "sha256": digest.hexdigest(), "rows": counts}
    try:
        with transaction.atomic():
            old = (
                Dump.objects.select_for_update()
                .filter(organisation=organisation, dataset=dataset.key)
                .values_list("file", flat=True)
                .first()
            )
            current, _created = Dump.objects.update_or_create(
                organisation=organisation,
                dataset=dataset.key,
                defaults={**fields, "made_at": now},
            )
            if old and old != name:
                transaction.on_commit(lambda: default_storage.delete(old))
    except BaseException:
        default_storage.delete(name)
        raise
    return current


def _remove(dump: Dump) -> None:
    name = dump.file.name
    with transaction.atomic():
        Dump.objects.filter(pk=dump.pk).delete()
        if name:
            transaction.on_commit(lambda: default_storage.delete(name))


def _cell(value: Any) -> Any:
    """A value as one CSV cell: lists and mappings as JSON, moments in ISO 8601."""
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _write_table(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, columns: Iterable[str], rows: Iterable[Any]
) -> int:
    count = 0
    with archive.open(info, "w") as raw:
        # utf-8-sig writes the byte-order mark first, as the platform's other CSV exports do.
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        writer = exports.DictWriter(text, list(columns))
        writer.writeheader()
        for row in rows:
            writer.writerow({key: _cell(value) for key, value in row.items()})
            count += 1
        text.flush()
        text.detach()
    return count


def _write_zip(
    out: IO[bytes], *, organisation: Organisation, dataset: OpenDataset, now: datetime
) -> dict[str, int]:
    stamp = now.astimezone().timetuple()[:6]
    counts: dict[str, int] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def entry(name: str) -> zipfile.ZipInfo:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            return info

        for table in dataset.tables:
            rows = table.rows(organisation)
            counts[table.name] = _write_table(archive, entry(table.name), table.columns, rows)
        params = _readme_params(organisation, dataset, now)
        archive.writestr(entry("README.txt"), _readme(params, counts))
        archive.writestr(entry("LICENS.txt"), _licence(params))
    return counts


def _readme_params(
    organisation: Organisation, dataset: OpenDataset, now: datetime
) -> dict[str, Any]:
    site = settings.SITE_URL.rstrip("/")
    return {
        "organisation": organisation.name,
        "title": dataset.title,
        "site": f"{site}{reverse('opendata:index')}",
        "made_at": now.astimezone(UTC).isoformat(timespec="seconds"),
        "api": f"{site}{dataset.api_path}?organisation={organisation.slug}",
        "licence": licence_uri(organisation),
    }


def _in_languages(render: Any) -> str:
    """The text in Swedish, then in English when it has been translated."""
    with override("sv"):
        swedish: str = render()
    with override("en"):
        english: str = render()
    return swedish if english == swedish else f"{swedish}\n\n---\n\n{english}"


def _readme(params: Mapping[str, Any], counts: Mapping[str, int]) -> str:
    def render() -> str:
        shown = {key: str(value) for key, value in params.items()}
        lines = [str(line) % shown for line in README_LINES]
        lines += [f"- {name}: {count}" for name, count in counts.items()]
        return "\n".join(lines) + "\n"

    return _in_languages(render)


def _licence(params: Mapping[str, Any]) -> str:
    def render() -> str:
        shown = {key: str(value) for key, value in params.items()}
        return str(LICENCE_TEXT) % shown + "\n"

    return _in_languages(render)


# --- The view -------------------------------------------------------------------------------


@require_safe
def dump(request: HttpRequest, organisation: str, dataset: str) -> HttpResponseBase:
    """The current dump of one dataset of one organisation, as a download."""
    try:
        contributions.dataset(dataset)
    except LookupError:
        raise NotFound() from None
    current = (
        Dump.objects.filter(organisation__slug=organisation, dataset=dataset)
        .select_related("organisation")
        .first()
    )
    if current is None or not current.file.name:
        raise NotFound()
    etag = f'"{current.sha256}"'
    modified = timegm(current.made_at.utctimetuple())
    headers = HttpResponse()
    headers["ETag"] = etag
    headers["Last-Modified"] = http_date(modified)
    headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    conditional = get_conditional_response(
        request, etag=etag, last_modified=modified, response=headers
    )
    if conditional is not None and conditional is not headers:
        return conditional  # 304 Not Modified, or 412 for a failed If-Match
    try:
        response = stored_file_response(
            current.file,
            as_attachment=True,
            filename=f"{organisation}-{dataset}.zip",
            content_type="application/zip",
        )
    except FileNotFoundError:
        raise NotFound() from None
    for name in ("ETag", "Last-Modified", "Cache-Control"):
        response[name] = headers[name]
    return response
