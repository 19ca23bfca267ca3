"""Choosing a language: the content language, the interface language, hreflang and the
catalogues' review state (core/languages.py, core/catalogues.py, the middleware and switcher)."""

import gettext
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import translation

from delaktig.core import catalogues, languages
from delaktig.organisations.models import Organisation, OrganisationSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def region() -> Organisation:
    region = Organisation.objects.create(
        name="Region Test", slug="region-test", kind="region", scb_code="23"
    )
    OrganisationSettings.objects.create(
        organisation=region, content_languages=["sv", "lattlast", "en", "se", "yi"]
    )
    return region


def test_every_language_has_a_unique_code_and_yiddish_alone_is_right_to_left() -> None:
    codes = [language.code for language in languages.LANGUAGES]
    assert len(codes) == len(set(codes))
    assert [language.code for language in languages.LANGUAGES if language.rtl] == ["yi"]
    # Lättläst is Swedish to a screen reader.
    assert languages.language(languages.EASY_READ).tag == "sv"
    assert languages.language("nonsense").code == "sv"


def test_django_knows_the_minority_languages() -> None:
    for code in ("se", "sma", "smj", "fit", "rom", "yi"):
        info = translation.get_language_info(code)
        assert info["name_local"] == languages.language(code).name_local
    assert translation.get_language_info("yi")["bidi"] is True
    assert translation.get_language_info("fi")["name_local"] == "suomi"


def test_only_reviewed_catalogues_are_offered() -> None:
    by_code = {c.code: c for c in catalogues.catalogues()}
    assert by_code["en"].reviewed and by_code["en"].reviewed_by
    # The Finnish catalogue is shipped for translators to review, and not offered until then.
    assert not by_code["fi"].reviewed
    assert catalogues.offered_interface_languages() == ("sv", "en")


def test_a_catalogue_marked_reviewed_is_offered(tmp_path: Path) -> None:
    folder = tmp_path / "fi" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Language": "fi", "X-Delaktig-Review": "reviewed", "X-Delaktig-Reviewed-By": "A"}
    po.append(polib.POEntry(msgid="Delta", msgstr="Osallistu"))
    po.append(polib.POEntry(msgid="Meny", msgstr=""))
    po.save(str(folder / "django.po"))
    catalogues.catalogues.cache_clear()
    try:
        with override_settings(
            LOCALE_PATHS=[tmp_path], LANGUAGES=[("sv", "Svenska"), ("fi", "Finska")]
        ):
            (found,) = catalogues.catalogues()
            assert (found.code, found.reviewed, found.percent) == ("fi", True, 50)
            assert catalogues.offered_interface_languages() == ("sv", "fi")
    finally:
        catalogues.catalogues.cache_clear()


def test_a_content_language_keeps_the_swedish_interface(region: Organisation) -> None:
    client = Client()
    response = client.get("/?sprak=se")
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert response.headers["Content-Language"] == "se"
    # The choice is kept for the next page.
    assert response.cookies[settings.CONTENT_LANGUAGE_COOKIE_NAME].value == "se"
    assert client.get("/").headers["Content-Language"] == "se"


def test_an_unreviewed_interface_language_is_not_activated(region: Organisation) -> None:
    response = Client().get("/?sprak=fi")
    assert '<html lang="sv">' in response.content.decode()
    assert response.headers["Content-Language"] == "fi"


def test_english_content_brings_the_english_interface(region: Organisation) -> None:
    html = Client().get("/?sprak=en").content.decode()
    assert '<html lang="en">' in html


def test_an_unknown_language_in_the_address_is_swedish(region: Organisation) -> None:
    response = Client().get("/?sprak=xx")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "sv"
    assert settings.CONTENT_LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_page_names_its_other_languages_with_hreflang(region: Organisation) -> None:
    html = Client().get("/processer/?sida=1").content.decode()
    assert 'hreflang="se" href="http://testserver/processer/?sida=1&amp;sprak=se"' in html
    assert 'hreflang="yi"' in html
    assert 'hreflang="x-default" href="http://testserver/processer/?sida=1"' in html
    # Lättläst is Swedish: it has no hreflang of its own, but the switcher offers it.
    assert 'hreflang="sv-x' not in html
    assert 'value="lattlast"' in html


def test_the_switcher_writes_each_name_in_its_own_language(region: Organisation) -> None:
    html = Client().get("/").content.decode()
    assert 'value="yi" lang="yi" dir="rtl">ייִדיש</button>' in html
    assert 'value="se" lang="se">davvisámegiella</button>' in html
    assert 'value="sv" lang="sv" aria-current="true">svenska</button>' in html


def test_choosing_a_language_keeps_it_and_returns_to_the_page(region: Organisation) -> None:
    client = Client()
    response = client.post("/sprak/", {"language": "se", "next": "/processer/?sprak=en&sida=2"})
    assert response.status_code == 302
    # The page's own ?sprak= gives way to the choice.
    assert response["Location"] == "/processer/?sida=2"
    assert response.cookies[settings.CONTENT_LANGUAGE_COOKIE_NAME].value == "se"
    assert client.get("/").headers["Content-Language"] == "se"


def test_choosing_a_language_never_redirects_elsewhere(region: Organisation) -> None:
    response = Client().post("/sprak/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    response = Client().post("/sprak/", {"language": "<script>", "next": "/"})
    assert response.cookies[settings.CONTENT_LANGUAGE_COOKIE_NAME].value == "sv"


def test_the_language_switcher_needs_a_post() -> None:
    assert Client().get("/sprak/?language=en").status_code == 405


def test_the_content_language_does_not_leak_out_of_the_request(region: Organisation) -> None:
    Client().get("/?sprak=se")
    assert languages.content_language() == "sv"


def test_the_accessibility_statement_shows_each_catalogues_review_state(
    region: Organisation,
) -> None:
    html = Client().get(f"/tillganglighet/{region.slug}/").content.decode()
    assert "Språk på webbplatsen" in html
    assert "Inte granskad" in html  # Finnish
    assert "Granskad av Delaktig developers" in html  # English
    assert 'lang="se">davvisámegiella</span>' in html


LOCALE = Path(settings.LOCALE_PATHS[0])
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}|<[^>]+>")


def _catalogue(code: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / code / "LC_MESSAGES" / "django.po"))


def test_the_finnish_draft_follows_the_source_and_is_marked_not_reviewed() -> None:
    finnish, english = _catalogue("fi"), _catalogue("en")
    assert finnish.metadata["X-Delaktig-Review"] == "not-reviewed"
    # `make messages` updates both catalogues from the source.
    assert {e.msgid for e in finnish if not e.obsolete} == {
        e.msgid for e in english if not e.obsolete
    }
    assert not [e.msgid for e in finnish if "fuzzy" in e.flags]


def test_the_finnish_draft_keeps_every_placeholder_and_tag() -> None:
    for entry in _catalogue("fi").translated_entries():
        source = sorted(set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or ""))))
        if entry.msgid_plural:
            # A singular form may leave out the count ("Inget har importerats …").
            for text in entry.msgstr_plural.values():
                assert set(PLACEHOLDER.findall(text)) <= set(source), entry.msgid
        else:
            assert sorted(set(PLACEHOLDER.findall(entry.msgstr))) == source, entry.msgid


def test_the_finnish_draft_is_compiled() -> None:
    with (LOCALE / "fi" / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in _catalogue("fi").translated_entries():
        if entry.msgctxt is None and entry.msgid_plural is None:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid
