"""The annual report's PDF and Word files: built once for each content, then served from the cache.

WeasyPrint spends one to two seconds of CPU on a report. The report is public, so without a
cache anybody could keep every worker busy by asking for it again and again.

The key is the report itself. ``build_report`` gathers everything the files show (plans,
activities and their notes, indicator values, dialogues, actors, every label in the language of
the request, the organisation's texts in its content language) into one
:class:`~delaktig.followup.reports.content.AnnualReport`; its ``repr``, hashed together with the
interface and content languages, the kind of file and a fingerprint of the code that renders it,
is the key. Whatever changes the report changes the key, whichever service changed it, and no
service has to remember to bump a version. The date the report was made (``generated_on``) is
left out, so a file is not rebuilt every morning; it says the day it was built. Building the
``AnnualReport`` is a handful of queries, far cheaper than rendering it.

Only one request builds a missing file (single flight): the first takes a lock with
``cache.add``, which is atomic in every cache Django ships (local memory, database, Redis), and
builds; the others wait for the file for up to :data:`WAIT_SECONDS`. If the builder died, its
lock runs out after :data:`LOCK_SECONDS` and the next waiter builds. A request that waited in
vain gets :class:`ReportBusy` (503 with Retry-After). With the local-memory cache each worker
process keeps its own files, so each builds a report at most once.

Reports with an unpublished plan (staff previews) are never cached.
"""

import hashlib
import time
import uuid
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from delaktig.core.languages import content_language

from .content import AnnualReport

# How long a built file stays in the cache. A new report gets a new key, so this only bounds
# how long an old one lingers.
FILE_SECONDS = 7 * 24 * 60 * 60
# Longer than any build takes (gunicorn kills a request after 60 s).
LOCK_SECONDS = 90
# How long a request waits for a file another request is building.
WAIT_SECONDS = 20.0
_POLL_SECONDS = (0.05, 0.1, 0.2, 0.4, 0.5)

_APP = Path(__file__).resolve().parent.parent
_RENDERERS = (
    _APP / "templates" / "followup" / "report_pdf.html",
    _APP / "templates" / "followup" / "includes" / "report_body.html",
    _APP / "reports" / "word.py",
)


class ReportBusy(Exception):  # noqa: N818 - the page it leads to says "busy", not "error"
    """The file is being built by another request that did not finish in time: the server is
    busy, nobody did anything wrong. The view answers 503 with Retry-After."""


def caching_enabled() -> bool:
    return bool(getattr(settings, "DELAKTIG_REPORT_FILE_CACHE", True))


def cacheable(report: AnnualReport) -> bool:
    """Whether the files of ``report`` may be kept: not while it shows an unpublished plan."""
    return caching_enabled() and all(plan.published for plan in report.plans)


@lru_cache(maxsize=8)
def _renderer_fingerprint(language: str) -> str:
    """The templates, the Word builder, the renderer's version and the compiled translations
    of ``language``: a new release that renders differently gets new keys."""
    import weasyprint

    digest = hashlib.sha256(weasyprint.__version__.encode())
    catalogue = _APP.parent / "locale" / language / "LC_MESSAGES" / "django.mo"
    for path in (*_RENDERERS, catalogue):
        digest.update(path.read_bytes() if path.is_file() else b"-")
    return digest.hexdigest()[:16]


def report_key(report: AnnualReport, kind: str) -> str:
    """The cache key of the ``kind`` ("pdf", "docx") file of ``report``."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    # The organisation's texts are in the content language (a reviewed translation, or the
    # Swedish), which the file marks up with ``lang``: part of the key too.
    content = repr(
        (
            kind,
            language,
            content_language(),
            _renderer_fingerprint(language),
            _without_date(report),
        )
    )
    return "followup:report-file:" + hashlib.sha256(content.encode()).hexdigest()


def _without_date(report: AnnualReport) -> tuple[object, ...]:
    return tuple(
        getattr(report, name) for name in report.__dataclass_fields__ if name != "generated_on"
    )


def _pause(seconds: float) -> None:
    time.sleep(seconds)


def report_file(report: AnnualReport, kind: str, build: Callable[[], bytes]) -> bytes:
    """The ``kind`` file of ``report``: from the cache, or built by ``build`` exactly once
    however many requests ask at the same time."""
    if not cacheable(report):
        return build()
    key = report_key(report, kind)
    lock = f"{key}:building"
    deadline = time.monotonic() + WAIT_SECONDS
    attempt = 0
    while True:
        data = cache.get(key)
        if data is not None:
            return bytes(data)
        token = uuid.uuid4().hex
        if cache.add(lock, token, timeout=LOCK_SECONDS):
            try:
                # Built meanwhile by a request whose lock just ran out.
                data = cache.get(key)
                if data is None:
                    data = build()
                    cache.set(key, data, timeout=FILE_SECONDS)
                return bytes(data)
            finally:
                if cache.get(lock) == token:
                    cache.delete(lock)
        if time.monotonic() >= deadline:
            raise ReportBusy()
        _pause(_POLL_SECONDS[min(attempt, len(_POLL_SECONDS) - 1)])
        attempt += 1
