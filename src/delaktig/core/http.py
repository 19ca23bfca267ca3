"""Responses that no cache may keep: raw exports and personal pages.

``Cache-Control: private, no-store`` keeps a downloaded export, a personal-data file or an account
page out of shared caches (a proxy in a municipality's network) and out of the browser's own
cache on a shared computer in a library. Export views take the :func:`no_store` decorator;
account pages get the same header from ``SecurityHeadersMiddleware`` by URL namespace.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control

V = TypeVar("V", bound=Callable[..., HttpResponseBase])


def mark_no_store(response: HttpResponseBase) -> HttpResponseBase:
    patch_cache_control(response, private=True, no_store=True)
    return response


def no_store(view: V) -> V:
    """Every response of ``view`` is ``Cache-Control: private, no-store``."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return mark_no_store(view(request, *args, **kwargs))

    return wrapped  # type: ignore[return-value]
