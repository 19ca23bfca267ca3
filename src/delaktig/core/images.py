"""Uploaded images: read and check with Pillow, then re-encode in the sizes a page needs.

Every image a person uploads (an organisation's logo, a process's cover image) goes through
:func:`read_image` and is stored only as what :func:`encode` writes: pixels, never the
uploaded bytes. Re-encoding drops EXIF, XMP and ICC metadata (a phone photo's GPS position
among them) and anything hidden after the image data. SVG is not accepted: it is a document
that can carry scripts, and sanitising it is a project of its own.

This module imports nothing from Django (its refusals are core's codes ``image.<reason>``).
"""

import io
import warnings
from dataclasses import dataclass
from typing import Final

from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import ValidationFailed

_MB = 1024 * 1024

# What Pillow may open: the formats people upload from phones and image editors.
ACCEPTED_FORMATS: Final = frozenset({"JPEG", "PNG", "WEBP"})


@dataclass(frozen=True)
class ImageLimits:
    """What an uploaded image may be."""

    max_bytes: int = 10 * _MB
    # Width × height; a larger picture would take too much memory to decode.
    max_pixels: int = 40_000_000
    min_width: int = 1
    min_height: int = 1


@dataclass(frozen=True)
class Rendition:
    """One re-encoded size of an image."""

    width: int
    height: int
    data: bytes
    content_type: str
    extension: str


def read_image(
    data: bytes, *, limits: ImageLimits = ImageLimits(), field: str | None = None
) -> Image.Image:
    """``data`` as a decoded, upright image in RGB or RGBA; errors name ``field``.

    Raises ``ValidationFailed`` with ``image.too_large``, ``image.not_an_image``,
    ``image.unsupported_type``, ``image.too_many_pixels`` or ``image.too_small``."""
    if len(data) > limits.max_bytes:
        raise ValidationFailed("image.too_large", field=field, limit=_megabytes(limits.max_bytes))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            kind = probe.format
            if kind not in ACCEPTED_FORMATS:
                raise ValidationFailed("image.unsupported_type", field=field, kind=kind or "")
            width, height = probe.size
            if width * height > limits.max_pixels:
                raise ValidationFailed(
                    "image.too_many_pixels", field=field, megapixels=limits.max_pixels // 1_000_000
                )
            probe.load()
            # A phone photo is stored sideways with an EXIF note to turn it: turn the pixels
            # instead, since the note goes with the rest of the metadata. (Inside the ``try``:
            # a broken EXIF block is a broken image, not a server error.)
            image = ImageOps.exif_transpose(probe)
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as error:
        raise ValidationFailed("image.not_an_image", field=field) from error
    if image.width < limits.min_width or image.height < limits.min_height:
        raise ValidationFailed(
            "image.too_small", field=field, min_width=limits.min_width, min_height=limits.min_height
        )
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or (
        image.mode == "P" and "transparency" in image.info
    )
    return image.convert("RGBA" if has_alpha else "RGB")


def encode(image: Image.Image, *, kind: str = "WEBP") -> Rendition:
    """``image`` re-encoded as WebP, PNG or JPEG, with no metadata at all."""
    buffer = io.BytesIO()
    # A fresh image holds the pixels only: no EXIF, XMP, ICC profile or text chunks.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    if kind == "WEBP":
        clean.save(buffer, "WEBP", quality=80, method=4)
        content_type, extension = "image/webp", ".webp"
    elif kind == "PNG":
        clean.save(buffer, "PNG", optimize=True)
        content_type, extension = "image/png", ".png"
    elif kind == "JPEG":
        clean.convert("RGB").save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
        content_type, extension = "image/jpeg", ".jpg"
    else:
        raise ValueError(f"unknown image kind {kind!r}")
    return Rendition(clean.width, clean.height, buffer.getvalue(), content_type, extension)


def renditions(
    image: Image.Image, *, widths: tuple[int, ...], kind: str = "WEBP"
) -> list[Rendition]:
    """``image`` scaled to each of ``widths`` (never enlarged; one rendition per distinct
    width), keeping its proportions."""
    made: list[Rendition] = []
    seen: set[int] = set()
    for width in sorted(widths):
        target = min(width, image.width)
        if target in seen:
            continue
        seen.add(target)
        height = max(1, round(image.height * target / image.width))
        scaled = (
            image
            if target == image.width
            else image.resize((target, height), Image.Resampling.LANCZOS)
        )
        made.append(encode(scaled, kind=kind))
    return made


def fit_within(image: Image.Image, *, width: int, height: int) -> Image.Image:
    """``image`` scaled down (never up) to fit inside ``width`` × ``height``."""
    fitted = image.copy()
    fitted.thumbnail((width, height), Image.Resampling.LANCZOS)
    return fitted


def _megabytes(size: int) -> int | float:
    return size // _MB if size % _MB == 0 else round(size / _MB, 2)
