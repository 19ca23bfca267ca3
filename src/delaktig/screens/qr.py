"""QR codes for screens and posters (segno), and the short form of an address shown under one.

A QR code is no text alternative for itself: every page that shows one prints the address it
holds under it (``short_url``), so a person who cannot scan it can type it.
"""

import segno
from django.utils.safestring import SafeString, mark_safe


def _code(url: str) -> segno.QRCode:
    # Level M survives a scratch or a reflection on a screen; the quiet zone (border 4) is the
    # standard's.
    return segno.make(url, error="m", micro=False)


def svg_inline(url: str) -> SafeString:
    """The code as an inline ``<svg>`` (no size: CSS scales it), black on white.

    It is decorative to a screen reader (``aria-hidden``): the address printed under it says
    the same in text."""
    svg = _code(url).svg_inline(
        scale=1, border=4, dark="#000", light="#fff", omitsize=True, svgclass="qr", lineclass=None
    )
    # segno escapes nothing it was not given: the markup is its own (paths and a viewBox).
    return mark_safe(svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))  # noqa: S308


def svg_data_uri(url: str) -> str:
    """The code as a ``data:`` URI, for an ``<img>`` with alternative text (the PDF poster)."""
    return str(_code(url).svg_data_uri(scale=1, border=4, dark="#000", light="#fff"))


def short_url(url: str) -> str:
    """``https://delta.region.se/processer/x/`` → ``delta.region.se/processer/x``."""
    return url.removeprefix("https://").removeprefix("http://").rstrip("/")
