"""A process's cover image: alt text required (or marked decorative), checked with Pillow,
stored only as re-encoded renditions without metadata (no GPS position), served in sizes fit
for phones with srcset on the process page and in lists."""

import io
import re
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from delaktig.core.errors import PermissionDenied, ValidationFailed
from delaktig.core.images import read_image
from delaktig.core.models import AuditEntry
from delaktig.participation.models import ProcessCover
from delaktig.participation.services import process_cover_remove, process_cover_save
from tests.factories import OrganisationFactory, ProcessFactory, UserFactory, role

GPS_IFD = 0x8825


def _photo(
    width: int = 2000, height: int = 1125, *, gps: bool = False, kind: str = "JPEG"
) -> bytes:
    """A picture as a phone might send it: with camera data and, if asked, where it was taken."""
    image = Image.new("RGB", (width, height), (40, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "Telefonmärke"  # Make
    exif[0x0110] = "Modell 12"  # Model
    if gps:
        exif[GPS_IFD] = {
            1: "N",
            2: (63.0, 10.0, 30.5),  # Östersund
            3: "E",
            4: (14.0, 38.0, 12.25),
        }
    buffer = io.BytesIO()
    image.save(buffer, kind, exif=exif.tobytes())
    return buffer.getvalue()


def _upload(data: bytes, name: str = "bild.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, "image/jpeg")


@pytest.fixture
def official() -> Any:
    return role(UserFactory(), "official", OrganisationFactory())


@pytest.fixture
def process(official: Any) -> Any:
    return ProcessFactory(organisation=official.roles.first().organisation)


def _page(process: Any) -> str:
    return reverse("staff:process_cover", kwargs={"pk": process.pk})


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_renditions_are_made_in_the_widths_for_phones_and_screens(
    official: Any, process: Any
) -> None:
    cover = process_cover_save(
        actor=official,
        process=process,
        image=_upload(_photo(2000, 1125)),
        alt_text="Ungdomar vid ett bord",
        decorative=False,
    )
    assert [(r["width"], r["height"]) for r in cover.renditions] == [
        (480, 270),
        (960, 540),
        (1600, 900),
    ]
    assert (cover.width, cover.height) == (1600, 900)
    for rendition in cover.renditions:
        with default_storage.open(rendition["name"]) as stored, Image.open(stored) as image:
            assert image.format == "WEBP"
            assert image.size == (rendition["width"], rendition["height"])


@pytest.mark.django_db
def test_a_small_image_is_never_enlarged(official: Any, process: Any) -> None:
    cover = process_cover_save(
        actor=official,
        process=process,
        image=_upload(_photo(1000, 500)),
        alt_text="En bild",
        decorative=False,
    )
    assert [r["width"] for r in cover.renditions] == [480, 960, 1000]


@pytest.mark.django_db
def test_exif_and_the_gps_position_are_stripped(official: Any, process: Any) -> None:
    original = _photo(gps=True)
    with Image.open(io.BytesIO(original)) as sent:
        assert sent.getexif().get_ifd(GPS_IFD)  # the upload does carry a position
    cover = process_cover_save(
        actor=official,
        process=process,
        image=_upload(original),
        alt_text="En bild",
        decorative=False,
    )
    for rendition in cover.renditions:
        with default_storage.open(rendition["name"]) as stored:
            data = stored.read()
        with Image.open(io.BytesIO(data)) as image:
            assert not image.getexif()
            assert not image.getexif().get_ifd(GPS_IFD)
            assert "exif" not in image.info and "xmp" not in image.info
        assert b"EXIF" not in data and b"Telefonm" not in data and b"Modell 12" not in data


def test_a_sideways_phone_photo_is_turned_upright() -> None:
    image = Image.new("RGB", (600, 300))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° to show
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    assert read_image(buffer.getvalue()).size == (300, 600)


@pytest.mark.django_db
def test_the_alt_text_is_required(official: Any, process: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        process_cover_save(
            actor=official,
            process=process,
            image=_upload(_photo()),
            alt_text="   ",
            decorative=False,
        )
    assert refused.value.code == "participation.cover_alt_missing"
    assert refused.value.field == "alt_text"
    assert not ProcessCover.objects.exists()

    response = _client(official).post(_page(process), {"image": _upload(_photo()), "alt_text": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["alt_text"] == [
        ValidationFailed("participation.cover_alt_missing").message
    ]
    assert not ProcessCover.objects.exists()


@pytest.mark.django_db
def test_a_decorative_image_has_an_empty_alt(official: Any, process: Any) -> None:
    response = _client(official).post(
        _page(process), {"image": _upload(_photo()), "alt_text": "", "decorative": "on"}
    )
    assert response.status_code == 302
    cover = ProcessCover.objects.get(process=process)
    assert cover.decorative and cover.alt == ""
    html = Client().get(process.get_absolute_url()).content.decode()
    assert re.search(r'<img class="process-cover"[^>]* alt=""', html)


@pytest.mark.django_db
def test_the_process_page_and_the_lists_render_srcset(official: Any, process: Any) -> None:
    response = _client(official).post(
        _page(process),
        {"image": _upload(_photo()), "alt_text": "Ungdomar vid ett bord med lappar"},
    )
    assert response.status_code == 302
    cover = ProcessCover.objects.get(process=process)
    expected_srcset = ", ".join(f"{cover.url(w)} {w}w" for w in (480, 960, 1600))

    page = Client().get(process.get_absolute_url()).content.decode()
    img = re.search(r'<img class="process-cover"[^>]*>', page)
    assert img is not None
    tag = img.group(0)
    assert f'srcset="{expected_srcset}"' in tag
    assert 'sizes="' in tag and 'width="1600" height="900"' in tag
    assert 'alt="Ungdomar vid ett bord med lappar"' in tag and 'loading="lazy"' in tag

    for url in (reverse("participation:list"), reverse("home")):
        listing = Client().get(url).content.decode()
        thumb = re.search(r'<img class="card__cover"[^>]*>', listing)
        assert thumb is not None, url
        assert f'srcset="{expected_srcset}"' in thumb.group(0)
        assert 'width="480" height="270"' in thumb.group(0)
        assert 'loading="lazy"' in thumb.group(0)

    served = Client().get(cover.url(480))
    assert served.status_code == 200 and served["Content-Type"] == "image/webp"
    assert "immutable" in served["Cache-Control"]


@pytest.mark.django_db
def test_a_draft_process_keeps_its_image_to_its_staff(official: Any) -> None:
    draft = ProcessFactory(
        organisation=official.roles.first().organisation, status="draft", published_at=None
    )
    cover = process_cover_save(
        actor=official, process=draft, image=_upload(_photo()), alt_text="Bild", decorative=False
    )
    assert Client().get(cover.url(480)).status_code == 404
    seen = _client(official).get(cover.url(480))
    assert seen.status_code == 200 and "private" in seen["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name"),
    [
        ("Det här är ingen bild, bara text.".encode(), "bild.jpg"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "bild.svg"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "trasig.jpg"),
    ],
)
def test_a_non_image_is_refused_with_a_clear_error(
    official: Any, process: Any, content: bytes, name: str
) -> None:
    response = _client(official).post(
        _page(process), {"image": _upload(content, name), "alt_text": "Något"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["image"] == [
        "Filen går inte att läsa som en bild. Välj en bild i formatet JPEG, PNG eller WebP."
    ]
    # The alternative text typed is kept.
    assert 'value="Något"' in response.content.decode()
    assert not ProcessCover.objects.exists()


@pytest.mark.django_db
def test_a_too_small_image_is_refused(official: Any, process: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        process_cover_save(
            actor=official,
            process=process,
            image=_upload(_photo(300, 200)),
            alt_text="Liten",
            decorative=False,
        )
    assert refused.value.code == "image.too_small"
    assert refused.value.field == "image"


@pytest.mark.django_db(transaction=True)
def test_replacing_and_removing_deletes_the_old_files_and_is_audited(official: Any) -> None:
    process = ProcessFactory(organisation=official.roles.first().organisation)
    first = process_cover_save(
        actor=official, process=process, image=_upload(_photo()), alt_text="A", decorative=False
    )
    old = [r["name"] for r in first.renditions]
    # Only the text changes: the files stay.
    same = process_cover_save(actor=official, process=process, alt_text="B", decorative=False)
    assert [r["name"] for r in same.renditions] == old and same.version == first.version
    second = process_cover_save(
        actor=official, process=process, image=_upload(_photo()), alt_text="C", decorative=False
    )
    assert second.version == first.version + 1
    assert not any(default_storage.exists(name) for name in old)
    assert all(default_storage.exists(r["name"]) for r in second.renditions)
    process_cover_remove(actor=official, process=process)
    assert not ProcessCover.objects.filter(process=process).exists()
    assert not any(default_storage.exists(r["name"]) for r in second.renditions)
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["process.cover_update"] * 3 + ["process.cover_remove"]


@pytest.mark.django_db
def test_only_the_processs_staff_may_set_its_cover(process: Any) -> None:
    outsider = role(UserFactory(), "official", OrganisationFactory())
    with pytest.raises(PermissionDenied):
        process_cover_save(
            actor=outsider, process=process, image=_upload(_photo()), alt_text="A", decorative=False
        )
    assert _client(outsider).get(_page(process)).status_code == 403


@pytest.mark.django_db
def test_removing_asks_first(official: Any, process: Any) -> None:
    process_cover_save(
        actor=official, process=process, image=_upload(_photo()), alt_text="A", decorative=False
    )
    client = _client(official)
    asked = client.post(_page(process), {"remove": "1"})
    assert asked.status_code == 200
    assert "Vill du verkligen ta bort omslagsbilden" in asked.content.decode()
    assert ProcessCover.objects.filter(process=process).exists()
    done = client.post(_page(process), {"remove": "1", "confirmed": "1"})
    assert done.status_code == 302
    assert not ProcessCover.objects.filter(process=process).exists()
