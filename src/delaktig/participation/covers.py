"""A process's cover image: the limits an upload must meet and the renditions stored.

The uploaded bytes are never stored. ``core.images`` decodes them with Pillow and re-encodes
the pixels as WebP in the widths of :attr:`ProcessCover.WIDTHS` (never wider than the
original), with no EXIF, XMP or ICC metadata: a phone photo's GPS position is not kept."""

import secrets
from typing import Final

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from delaktig.core.images import ImageLimits, Rendition, read_image, renditions

from .models import Process, ProcessCover

COVER_LIMITS: Final = ImageLimits(
    max_bytes=10 * 1024 * 1024, max_pixels=40_000_000, min_width=480, min_height=240
)


def prepare_cover(data: bytes, *, field: str = "image") -> list[Rendition]:
    """The renditions of an uploaded cover image; ``ValidationFailed`` (``image.*``) if it is
    no JPEG, PNG or WebP image within :data:`COVER_LIMITS`."""
    image = read_image(data, limits=COVER_LIMITS, field=field)
    return renditions(image, widths=ProcessCover.WIDTHS, kind="WEBP")


def store_renditions(process: Process, made: list[Rendition]) -> list[dict[str, object]]:
    """Save ``made`` through Django's storage under new names; what
    :attr:`ProcessCover.renditions` holds."""
    stored: list[dict[str, object]] = []
    token = secrets.token_hex(4)
    for rendition in made:
        wanted = f"processes/{process.pk}/cover-{token}-{rendition.width}{rendition.extension}"
        name = default_storage.save(wanted, ContentFile(rendition.data))
        stored.append({"width": rendition.width, "height": rendition.height, "name": name})
    return stored


def delete_renditions(stored: list[dict[str, object]]) -> None:
    """Remove stored renditions (after the transaction that replaced them commits)."""
    for rendition in stored:
        default_storage.delete(str(rendition["name"]))
