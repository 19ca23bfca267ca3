"""Addresses for the rows of long lists, without ``reverse`` on each row.

``reverse`` tries the name's patterns for every call, about 14 µs; a page listing hundreds of
rows paid that for each (``bench/pages.py``: the action plan, an organisation's information
pages). Here the address is reversed once with a marker in place of the row's value, and each
row's value is put where the marker was. That gives what ``reverse`` gives for the values
accepted: integers (``pk_url``) and paths of slugs (``slug_path_url``); anything else is
handed to ``reverse``.
"""

import re
from collections.abc import Callable
from typing import Any

from django.urls import reverse

# A value no row has: digits, which every converter accepts.
_MARK = "8675309421"
_SLUG_PATH = re.compile(r"[-A-Za-z0-9_]+(?:/[-A-Za-z0-9_]+)*\Z")


def _split(name: str, key: str, kwargs: dict[str, Any]) -> tuple[str, str] | None:
    template = reverse(name, kwargs={**kwargs, key: _MARK})
    before, mark, after = template.partition(_MARK)
    if not mark or _MARK in after:
        return None  # the marker is also in another value: reverse every time
    return before, after


def pk_url(name: str, key: str = "pk", **kwargs: Any) -> Callable[[int], str]:
    """A function from an integer id to the address of ``name`` with ``kwargs`` and that id."""
    parts = _split(name, key, kwargs)
    if parts is None:
        return lambda pk: reverse(name, kwargs={**kwargs, key: pk})
    before, after = parts
    return lambda pk: f"{before}{int(pk)}{after}"


def slug_path_url(name: str, key: str = "path", **kwargs: Any) -> Callable[[str], str]:
    """A function from a path of slugs (``om-regionen/politik``) to the address of ``name``
    with ``kwargs`` and that path. Slugs need no quoting; another path goes to ``reverse``."""
    parts = _split(name, key, kwargs)

    def slow(path: str) -> str:
        return reverse(name, kwargs={**kwargs, key: path})

    if parts is None:
        return slow
    before, after = parts
    return lambda path: f"{before}{path}{after}" if _SLUG_PATH.match(path) else slow(path)
