"""Cover images for a few demo processes, drawn with Pillow at load time (the repository
ships no image) and saved through the same service an official uses."""

import io
import math
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from delaktig.core.contributions import DemoContext, demo_content

from .models import Process
from .services import process_cover_save

WIDTH, HEIGHT = 1600, 900


def _sky(top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    for y in range(HEIGHT):
        t = y / HEIGHT
        draw.line(
            [(0, y), (WIDTH, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    return image


def fells() -> Image.Image:
    image = _sky((168, 214, 240), (236, 246, 250))
    draw = ImageDraw.Draw(image)
    draw.ellipse((1180, 110, 1380, 310), fill=(255, 199, 44))
    draw.polygon([(-100, 900), (420, 260), (900, 900)], fill=(58, 110, 140))
    draw.polygon([(420, 260), (350, 346), (490, 346)], fill=(255, 255, 255))
    draw.polygon([(500, 900), (1050, 330), (1700, 900)], fill=(30, 120, 90))
    draw.polygon([(1050, 330), (975, 408), (1125, 408)], fill=(255, 255, 255))
    draw.rectangle((0, 780, WIDTH, HEIGHT), fill=(20, 90, 60))
    return image


def bubbles() -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), (16, 40, 80))
    draw = ImageDraw.Draw(image)
    spots = [
        ((160, 140, 700, 420), (255, 206, 60)),
        ((860, 90, 1440, 380), (244, 143, 177)),
        ((260, 500, 820, 800), (129, 199, 132)),
        ((940, 470, 1460, 760), (100, 181, 246)),
    ]
    for (x0, y0, x1, y1), colour in spots:
        draw.rounded_rectangle((x0, y0, x1, y1), radius=70, fill=colour)
        draw.polygon([(x0 + 90, y1 - 10), (x0 + 60, y1 + 80), (x0 + 190, y1 - 10)], fill=colour)
        for row in range(3):
            y = y0 + 70 + row * 60
            draw.rounded_rectangle(
                (x0 + 60, y, x1 - 60 - row * 70, y + 24), radius=12, fill=(255, 255, 255)
            )
    return image


def people() -> Image.Image:
    image = _sky((250, 240, 228), (255, 250, 244))
    draw = ImageDraw.Draw(image)
    cx, cy = WIDTH // 2, HEIGHT // 2 + 20
    colours = [
        (196, 69, 54),
        (33, 118, 174),
        (76, 145, 65),
        (242, 175, 41),
        (123, 67, 151),
        (38, 70, 83),
    ]
    for i, colour in enumerate(colours):
        angle = 2 * math.pi * i / len(colours) - math.pi / 2
        x, y = cx + 330 * math.cos(angle), cy + 280 * math.sin(angle)
        draw.ellipse((x - 45, y - 140, x + 45, y - 50), fill=colour)
        draw.rounded_rectangle((x - 70, y - 40, x + 70, y + 120), radius=50, fill=colour)
    draw.ellipse((cx - 110, cy - 100, cx + 10, cy + 20), fill=(214, 40, 57))
    draw.ellipse((cx - 10, cy - 100, cx + 110, cy + 20), fill=(214, 40, 57))
    draw.polygon([(cx - 106, cy - 20), (cx + 106, cy - 20), (cx, cy + 110)], fill=(214, 40, 57))
    return image


DRAWINGS: dict[str, Callable[[], Image.Image]] = {
    "fells": fells,
    "bubbles": bubbles,
    "people": people,
}


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def load(context: DemoContext) -> None:
    for spec in demo_content(__file__, "demo_covers.toml")["covers"]:
        process = Process.objects.filter(slug=spec["process"]).first()
        if process is None:
            continue
        image = DRAWINGS[spec["drawing"]]()
        process_cover_save(
            actor=context.official,
            process=process,
            image=SimpleUploadedFile("omslag.jpg", _jpeg(image), content_type="image/jpeg"),
            alt_text=spec["alt_text"],
            decorative=False,
        )
