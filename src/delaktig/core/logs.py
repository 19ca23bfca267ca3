"""Log filters, wired up in ``LOGGING`` (config/settings.py)."""

import logging
from http import HTTPStatus
from typing import Any


def _escaped(text: str) -> str:
    # As django.utils.log.log_response does: a newline in a path cannot forge a log line.
    return text.encode("unicode_escape").decode("ascii")


def _user(request: Any) -> str:
    try:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return str(user.pk)
    except Exception:  # logging must never fail the request it describes
        return "unknown"
    return "anonymous"


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Client error"


class ClientErrorOneLine(logging.Filter):
    """A 4xx response is logged on one line, without a traceback.

    Django logs a 403 (``PermissionDenied``) or a 400 (``BadRequest``) with the exception's
    full traceback, although the code did what it should; a crawler or a curious visitor then
    fills the log with tracebacks that hide the real errors. This filter rewrites such a record
    to ``Forbidden (Permission denied): GET /path user=42 status=403`` (or ``user=anonymous``)
    and drops the traceback. Records of 5xx responses, and records without a status, pass
    unchanged, so a real server error keeps its traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        request = getattr(record, "request", None)
        if not isinstance(status, int) or not 400 <= status < 500 or request is None:
            return True
        path = _escaped(str(getattr(request, "path", "")))
        reason = record.getMessage()
        if reason.endswith(": " + path):
            reason = reason[: -len(path) - 2]
        if not reason:
            reason = _phrase(status)
        record.msg = "%s: %s %s user=%s status=%s"
        record.args = (reason, _escaped(str(request.method)), path, _user(request), status)
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
