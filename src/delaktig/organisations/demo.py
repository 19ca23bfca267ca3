"""The demo region's logo and colours: the logo is drawn here with Pillow, so that the
repository ships no image; it is then saved through the same service an official uses."""

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from delaktig.core.contributions import DemoContext, demo_content

from .models import Organisation
from .services import branding_save


def draw_logo() -> bytes:
    """A round emblem, a green fell under a yellow sun, as PNG bytes."""
    size = 240
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, size - 4, size - 4), fill=(11, 90, 85, 255))
    draw.ellipse((130, 42, 190, 102), fill=(255, 199, 44, 255))
    draw.polygon([(28, 178), (100, 70), (150, 140), (172, 112), (214, 178)], fill=(230, 244, 238))
    draw.polygon([(100, 70), (82, 97), (118, 97)], fill=(255, 255, 255))
    draw.rectangle((40, 178, 200, 186), fill=(255, 255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def load(context: DemoContext) -> None:
    spec: dict[str, Any] = demo_content(__file__)["branding"]
    organisation = Organisation.objects.get(slug=spec["organisation"])
    branding_save(
        actor=context.official,
        organisation=organisation,
        primary_colour=spec["primary_colour"],
        accent_colour=spec["accent_colour"],
        logo_alt=spec["logo_alt"],
        logo=SimpleUploadedFile("logo.png", draw_logo(), content_type="image/png"),
    )
