"""Addresses for the rows of long lists, without ``reverse`` on each row."""

from collections.abc import Callable
from typing import Any

from django.urls import reverse

# A number no row has, marking where the row's id goes in the reversed address.
_MARK = 8_675_309_421


def pk_url(name: str, key: str = "pk", **kwargs: Any) -> Callable[[int], str]:
    """A function from an integer id to the address of ``name`` with ``kwargs`` and that id.

    ``reverse`` checks a candidate pattern for every call, about 14 µs; a page listing
    hundreds of rows paid that for each (``bench/pages.py``, "action plan"). Here the address
    is reversed once with a marker in place of the id and the id is put into that address,
    which gives what ``reverse`` gives for any integer the ``<int:…>`` converter accepts.
    """
    template = reverse(name, kwargs={**kwargs, key: _MARK})
    before, mark, after = template.partition(str(_MARK))
    if not mark or str(_MARK) in after:
        # Not a plain integer in the path: reverse every time.
        return lambda pk: reverse(name, kwargs={**kwargs, key: pk})
    return lambda pk: f"{before}{int(pk)}{after}"
