"""An organisation's logo and colours: contrast checked before saving (WCAG 1.4.3), applied
through a cacheable stylesheet under the production CSP, the logo re-encoded and audited."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from delaktig.core.errors import PermissionDenied, ValidationFailed
from delaktig.core.models import AuditEntry
from delaktig.organisations import colours
from delaktig.organisations.models import Branding, Organisation
from delaktig.organisations.services import branding_save
from tests.factories import OrganisationFactory, UserFactory, role

# --- contrast_ratio: the pure function -----------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#767676", "#ffffff", 4.54),  # the lightest grey that passes on white
        ("#777777", "#ffffff", 4.48),  # one step lighter fails
        ("#0000ff", "#ffffff", 8.59),
        ("#ff0000", "#ffffff", 4.0),
        ("#595959", "#ffffff", 7.0),  # the lightest grey for 7:1 (AAA)
    ],
)
def test_contrast_ratio_has_the_wcag_values(first: str, second: str, expected: float) -> None:
    assert colours.contrast_ratio(first, second) == pytest.approx(expected, abs=0.01)
    # The order does not matter.
    assert colours.contrast_ratio(second, first) == pytest.approx(expected, abs=0.01)


def test_short_and_upper_case_hex_read_the_same() -> None:
    assert colours.normalise_hex("#FFF") == "#ffffff"
    assert colours.normalise_hex(" 00457A ") == "#00457a"
    assert colours.contrast_ratio("#000", "#FFF") == pytest.approx(21)
    with pytest.raises(ValueError):
        colours.normalise_hex("blå")


def test_a_colour_must_pass_on_the_light_grey_too() -> None:
    # #767676 passes on white but not on the site's light grey (--soft), where links also stand.
    assert colours.contrast_ratio("#767676", colours.WHITE) >= colours.MIN_RATIO
    assert not colours.passes("#767676")


def test_the_suggested_shade_is_the_nearest_darker_one_that_passes() -> None:
    suggestion = colours.nearest_passing_shade("#ff9900")
    assert colours.passes(suggestion)
    assert colours.relative_luminance(suggestion) < colours.relative_luminance("#ff9900")
    # One step lighter than the suggestion would fail: it is the nearest.
    r, g, b = (int(suggestion[i : i + 2], 16) for i in (1, 3, 5))
    lighter = "#{:02x}{:02x}{:02x}".format(*(min(255, round(c / 0.99) + 1) for c in (r, g, b)))
    assert not colours.passes(lighter)
    # The same hue: orange stays orange (red > green > blue).
    assert r > g > b
    assert colours.nearest_passing_shade("#00457a") == "#00457a"


def test_the_ratio_shown_is_rounded_down() -> None:
    assert colours.shown_ratio(4.4999) == "4.49"


# --- the page and the service ---------------------------------------------------------------


def _png(width: int = 400, height: int = 120, *, kind: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (0, 90, 80)).save(buffer, kind)
    return buffer.getvalue()


@pytest.fixture
def organisation() -> Organisation:
    return OrganisationFactory(slug="region-test")


@pytest.fixture
def official(organisation: Organisation) -> Any:
    return role(UserFactory(), "official", organisation)


@pytest.fixture
def client_of(official: Any) -> Client:
    client = Client()
    client.force_login(official)
    return client


def _url(organisation: Organisation) -> str:
    return reverse("organisations:branding", kwargs={"slug": organisation.slug})


@pytest.mark.django_db
def test_a_low_contrast_colour_is_refused_with_its_ratio_and_the_input_kept(
    client_of: Client, organisation: Organisation
) -> None:
    response = client_of.post(
        _url(organisation),
        {"primary_colour": "#ff9900", "accent_colour": "#8a3b12", "logo_alt": ""},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    message = errors["primary_colour"][0]
    ratio = colours.shown_ratio(colours.weakest_contrast("#ff9900")).replace(".", ",")
    assert ratio in message  # 1,94
    assert "4,5:1" in message
    assert colours.nearest_passing_shade("#ff9900") in message
    assert "accent_colour" not in errors
    html = response.content.decode()
    assert 'value="#ff9900"' in html and 'value="#8a3b12"' in html
    assert not Branding.objects.filter(organisation=organisation).exists()


@pytest.mark.django_db
def test_the_message_is_translated(client_of: Client, organisation: Organisation) -> None:
    with translation.override("en"):
        error = ValidationFailed(
            "organisations.colour_low_contrast",
            colour="#ff9900",
            ratio="1.94",
            minimum="4.5",
            suggestion="#a16000",
        )
        assert "1.94" in error.message and "#a16000" in error.message


@pytest.mark.django_db
def test_the_service_refuses_a_low_contrast_colour_too(
    official: Any, organisation: Organisation
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        branding_save(
            actor=official,
            organisation=organisation,
            primary_colour="#00457a",
            accent_colour="#999999",
            logo_alt="",
        )
    assert refused.value.code == "organisations.colour_low_contrast"
    assert refused.value.field == "accent_colour"


@pytest.mark.django_db
def test_saved_colours_reach_every_page_through_a_cacheable_stylesheet(
    client_of: Client, organisation: Organisation
) -> None:
    response = client_of.post(
        _url(organisation), {"primary_colour": "#0B5A55", "accent_colour": "", "logo_alt": ""}
    )
    assert response.status_code == 302
    branding = Branding.objects.get(organisation=organisation)
    assert branding.primary_colour == "#0b5a55"

    home = Client().get("/")
    link = branding.stylesheet_url()
    assert f'<link rel="stylesheet" href="{link}">' in home.content.decode()
    # The production CSP allows no inline style: the colours come from a file of our own.
    assert "style=" not in home.content.decode()

    css = Client().get(link)
    assert css.status_code == 200
    assert css["Content-Type"].startswith("text/css")
    body = css.content.decode()
    assert "--brand:#0b5a55" in body
    assert f"--brand-dark:{colours.hover_shade('#0b5a55')}" in body
    assert "--brand-contrast:#ffffff" in body
    assert "--accent" not in body  # the default accent stands
    assert "immutable" in css["Cache-Control"] and "max-age=31536000" in css["Cache-Control"]
    etag = css["ETag"]
    assert Client().get(link, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # An address with an old version is not kept for long.
    old = Client().get(link.replace(f"v={branding.version}", "v=1"))
    assert "max-age=300" in old["Cache-Control"]

    client_of.post(
        _url(organisation), {"primary_colour": "#00457a", "accent_colour": "", "logo_alt": ""}
    )
    branding.refresh_from_db()
    assert branding.stylesheet_url() != link
    changed = Client().get(branding.stylesheet_url(), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and "--brand:#00457a" in changed.content.decode()


@pytest.mark.django_db
def test_no_stylesheet_is_linked_without_colours(organisation: Organisation) -> None:
    assert "profil.css" not in Client().get("/").content.decode()
    url = reverse("organisations:brand_stylesheet", kwargs={"slug": organisation.slug})
    assert Client().get(url).status_code == 404


@pytest.mark.django_db
def test_a_logo_is_stored_re_encoded_and_shown_with_its_alt_text(
    client_of: Client, organisation: Organisation
) -> None:
    upload = SimpleUploadedFile("logo.jpg", _png(1200, 400, kind="JPEG"), "image/jpeg")
    response = client_of.post(
        _url(organisation),
        {
            "primary_colour": "",
            "accent_colour": "",
            "logo_alt": "Regionens logotyp",
            "logo": upload,
        },
    )
    assert response.status_code == 302
    branding = Branding.objects.get(organisation=organisation)
    # Scaled to fit the header's box, stored as PNG.
    assert (branding.logo_width, branding.logo_height) == (432, 144)
    served = Client().get(branding.logo_url())
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    data = b"".join(served.streaming_content)
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG" and image.size == (432, 144)
    html = Client().get("/").content.decode()
    assert f'src="{branding.logo_url()}" alt="Regionens logotyp"' in html
    assert 'width="432" height="144"' in html


@pytest.mark.django_db
def test_a_logo_needs_an_alt_text(client_of: Client, organisation: Organisation) -> None:
    upload = SimpleUploadedFile("logo.png", _png(), "image/png")
    response = client_of.post(
        _url(organisation),
        {"primary_colour": "", "accent_colour": "", "logo_alt": "  ", "logo": upload},
    )
    assert response.status_code == 400
    assert "alternativtext" in response.context["form"].errors["logo_alt"][0]
    assert not Branding.objects.filter(organisation=organisation).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "code"),
    [
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "image.not_an_image",
        ),
        (b"%PDF-1.4 not an image", "image.not_an_image"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image.not_an_image"),
    ],
)
def test_a_logo_that_is_no_image_is_refused_at_the_field(
    client_of: Client, organisation: Organisation, content: bytes, code: str
) -> None:
    upload = SimpleUploadedFile("logo.png", content, "image/png")
    response = client_of.post(
        _url(organisation),
        {"primary_colour": "#0b5a55", "accent_colour": "", "logo_alt": "Logga", "logo": upload},
    )
    assert response.status_code == 400
    message = response.context["form"].errors["logo"][0]
    assert message == ValidationFailed(code).message
    assert "JPEG, PNG eller WebP" in message
    # What was typed is kept.
    assert 'value="#0b5a55"' in response.content.decode()
    assert not Branding.objects.filter(organisation=organisation).exists()


@pytest.mark.django_db
def test_an_oversized_logo_is_refused(
    client_of: Client, organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    from delaktig.core.images import ImageLimits
    from delaktig.organisations import branding

    monkeypatch.setattr(branding, "LOGO_LIMITS", ImageLimits(max_bytes=1024 * 1024))
    noise = Image.effect_noise((1200, 1200), 100).convert("RGB")
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    assert buffer.tell() > 1024 * 1024
    upload = SimpleUploadedFile("logo.png", buffer.getvalue(), "image/png")
    response = client_of.post(
        _url(organisation),
        {"primary_colour": "", "accent_colour": "", "logo_alt": "Logga", "logo": upload},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["logo"] == [
        "Bilden är större än 1 MB. Välj en mindre fil."
    ]


@pytest.mark.django_db
def test_a_gif_is_refused_by_name_of_its_type(official: Any, organisation: Organisation) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (100, 100)).save(buffer, "GIF")
    with pytest.raises(ValidationFailed) as refused:
        branding_save(
            actor=official,
            organisation=organisation,
            primary_colour="",
            accent_colour="",
            logo_alt="Logga",
            logo=SimpleUploadedFile("logo.gif", buffer.getvalue(), "image/gif"),
        )
    assert refused.value.code == "image.unsupported_type"
    assert refused.value.field == "logo"
    assert "GIF" in refused.value.message


@pytest.mark.django_db
def test_saving_is_audited_with_what_changed(
    client_of: Client, organisation: Organisation, official: Any
) -> None:
    client_of.post(
        _url(organisation),
        {
            "primary_colour": "#0b5a55",
            "accent_colour": "",
            "logo_alt": "Logga",
            "logo": SimpleUploadedFile("logo.png", _png(), "image/png"),
        },
    )
    entry = AuditEntry.objects.get(action="branding.update")
    assert entry.actor == official
    assert entry.organisation == organisation
    assert set(entry.data["changed"]) == {"primary_colour", "logo_alt", "logo"}
    # Removing the logo is a change too (its file goes on commit: see the next test).
    branding = Branding.objects.get(organisation=organisation)
    client_of.post(
        _url(organisation),
        {"primary_colour": "#0b5a55", "accent_colour": "", "logo_alt": "", "remove_logo": "on"},
    )
    branding.refresh_from_db()
    assert not branding.logo
    last = AuditEntry.objects.filter(action="branding.update").latest("pk")
    assert last.data["changed"] == ["logo_alt", "logo"]


@pytest.mark.django_db(transaction=True)
def test_a_replaced_logo_file_is_deleted(organisation: Organisation) -> None:
    official = role(UserFactory(), "official", organisation)
    first = branding_save(
        actor=official,
        organisation=organisation,
        primary_colour="",
        accent_colour="",
        logo_alt="Logga",
        logo=SimpleUploadedFile("logo.png", _png(), "image/png"),
    )
    old_name = first.logo.name
    second = branding_save(
        actor=official,
        organisation=organisation,
        primary_colour="",
        accent_colour="",
        logo_alt="Logga",
        logo=SimpleUploadedFile("logo.png", _png(300, 100), "image/png"),
    )
    assert second.logo.name != old_name
    assert second.logo.storage.exists(second.logo.name)
    assert not second.logo.storage.exists(old_name)


@pytest.mark.django_db
def test_only_the_organisations_staff_may_brand_it(organisation: Organisation) -> None:
    outsider = role(UserFactory(), "official", OrganisationFactory())
    client = Client()
    client.force_login(outsider)
    assert client.get(_url(organisation)).status_code == 403
    with pytest.raises(PermissionDenied):
        branding_save(
            actor=outsider,
            organisation=organisation,
            primary_colour="#00457a",
            accent_colour="",
            logo_alt="",
        )
