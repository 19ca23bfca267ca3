"""What an organisation's branding may be: colours that keep text readable and a logo that is
a plain image. Used by the form (to report every problem at once) and by the service."""

import math
from typing import Final

from django.utils.formats import number_format

from delaktig.core.errors import ValidationFailed
from delaktig.core.images import ImageLimits, Rendition, encode, fit_within, read_image

from . import colours

LOGO_LIMITS: Final = ImageLimits(max_bytes=2 * 1024 * 1024, max_pixels=25_000_000, min_height=32)
# The header shows the logo at most 48 CSS pixels high; this leaves room for 3× screens.
LOGO_BOX: Final = (720, 144)


def colour_error(value: str, *, field: str) -> ValidationFailed | None:
    """Why ``value`` cannot be a brand colour, or None (an empty value keeps the default)."""
    if not value:
        return None
    try:
        colour = colours.normalise_hex(value)
    except ValueError:
        return ValidationFailed("organisations.colour_not_hex", field=field)
    ratio = colours.weakest_contrast(colour)
    if ratio >= colours.MIN_RATIO:
        return None
    return ValidationFailed(
        "organisations.colour_low_contrast",
        field=field,
        colour=colour,
        # Rounded down: a colour that fails is never shown as reaching the minimum.
        ratio=number_format(math.floor(ratio * 100) / 100, 2),
        minimum=number_format(colours.MIN_RATIO, 1),
        suggestion=colours.nearest_passing_shade(colour),
    )


def check_colour(value: str, *, field: str) -> str:
    """``value`` as ``#rrggbb`` (or empty); raises ``ValidationFailed`` as :func:`colour_error`."""
    error = colour_error(value.strip(), field=field)
    if error is not None:
        raise error
    return colours.normalise_hex(value) if value.strip() else ""


def prepare_logo(data: bytes, *, field: str = "logo") -> Rendition:
    """The uploaded logo checked, scaled to fit the header and re-encoded as PNG without
    metadata. Raises ``ValidationFailed`` (``image.*``) for anything else."""
    image = read_image(data, limits=LOGO_LIMITS, field=field)
    return encode(fit_within(image, width=LOGO_BOX[0], height=LOGO_BOX[1]), kind="PNG")
