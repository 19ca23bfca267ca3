"""The English catalogue is complete, compiled, and covers every string in the source."""

import gettext
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from scripts.po import Entry, parse

ROOT = Path(__file__).resolve().parents[1]

SRC = ROOT / "src" / "delaktig"
LOCALE = SRC / "locale" / "en" / "LC_MESSAGES"
PO = LOCALE / "django.po"
MO = LOCALE / "django.mo"
# The project's catalogue, and the own catalogue of a module app that keeps one (an app added
# by the walk-through in docs/architecture.md carries its strings in its own locale/).
CATALOGUES = [PO, *sorted(SRC.glob("*/locale/en/LC_MESSAGES/django.po"))]
ENTRIES: list[Entry] = [e for po in CATALOGUES for e in parse(po) if e.msgid]
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")
# A git checkout writes django.mo and django.po a moment apart, in either order.
CHECKOUT_SLACK_NS = 5 * 10**9


def load_mo(mo: Path = MO) -> gettext.GNUTranslations:
    with mo.open("rb") as handle:
        return gettext.GNUTranslations(handle)


def _name(po: Path) -> str:
    return str(po.relative_to(SRC))


each_catalogue = pytest.mark.parametrize("po", CATALOGUES, ids=_name)


@each_catalogue
def test_header_declares_english_utf8_and_two_plural_forms(po: Path) -> None:
    header = next(e for e in parse(po) if e.msgid == "").msgstr[0]
    assert "Language: en\n" in header
    assert "Content-Type: text/plain; charset=UTF-8\n" in header
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header


def test_every_entry_is_translated_and_none_is_fuzzy() -> None:
    assert len([e for e in parse(PO) if e.msgid]) > 500
    untranslated = [e.msgid for e in ENTRIES if not e.msgstr or not all(e.msgstr)]
    fuzzy = [e.msgid for e in ENTRIES if "fuzzy" in e.flags]
    assert untranslated == [] and fuzzy == []


def test_plural_entries_have_both_forms() -> None:
    for entry in ENTRIES:
        if entry.msgid_plural is not None:
            assert len(entry.msgstr) == 2, entry.msgid


def test_placeholders_survive_translation() -> None:
    for entry in ENTRIES:
        source = sorted(set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or ""))))
        for text in entry.msgstr:
            assert sorted(set(PLACEHOLDER.findall(text))) == source, entry.msgid


def test_leading_and_trailing_whitespace_is_kept() -> None:
    for entry in ENTRIES:
        for text in entry.msgstr:
            assert (
                text[: len(text) - len(text.lstrip())]
                == (entry.msgid[: len(entry.msgid) - len(entry.msgid.lstrip())])
            ), entry.msgid
            assert text[len(text.rstrip()) :] == entry.msgid[len(entry.msgid.rstrip()) :], (
                entry.msgid
            )


@each_catalogue
def test_compiled_catalogue_is_not_older_than_the_source(po: Path) -> None:
    mo = po.with_suffix(".mo")
    assert mo.stat().st_mtime_ns + CHECKOUT_SLACK_NS >= po.stat().st_mtime_ns, (
        "django.po changed after django.mo was compiled: run `make messages`"
    )


@each_catalogue
def test_compiled_catalogue_holds_as_many_messages_as_the_source(po: Path) -> None:
    data = po.with_suffix(".mo").read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    (count,) = struct.unpack(order + "I", data[8:12])
    # The .mo also holds the header, stored under the empty msgid.
    assert count == len([e for e in parse(po) if e.msgid]) + 1


@each_catalogue
def test_compiled_catalogue_matches_the_source(po: Path) -> None:
    catalogue = load_mo(po.with_suffix(".mo"))
    for entry in (e for e in parse(po) if e.msgid):
        if entry.msgctxt is not None:
            continue
        if entry.msgid_plural is None:
            assert catalogue.gettext(entry.msgid) == entry.msgstr[0], entry.msgid
        else:
            for n, text in ((1, entry.msgstr[0]), (2, entry.msgstr[1])):
                assert catalogue.ngettext(entry.msgid, entry.msgid_plural, n) == text


def test_known_strings_are_english() -> None:
    catalogue = load_mo()
    assert catalogue.gettext("Var med och påverka") == "Take part and make a difference"
    assert catalogue.ngettext("%(counter)s kommentar", "%(counter)s kommentarer", 1) == (
        "%(counter)s comment"
    )
    with translation.override("en"):
        assert translation.gettext("Var med och påverka") != "Var med och påverka"
        assert translation.gettext("Steg på delaktighetstrappan") == (
            "Step on the participation ladder"
        )
        assert translation.gettext("Medbeslutande") == "Co-decision"
        assert translation.gettext("Svenska") == "Swedish"
        assert translation.gettext("Engelska") == "English"
        assert translation.ngettext("%(counter)s process", "%(counter)s processer", 3) == (
            "%(counter)s processes"
        )
    with translation.override("sv"):
        assert translation.gettext("Var med och påverka") == "Var med och påverka"


def test_catalogue_covers_every_string_in_the_source(tmp_path: Path) -> None:
    """Run makemessages on a copy of the source: no string may be missing from the .po.

    Needs GNU gettext, which `make test` installs.
    """
    copy = tmp_path / "delaktig"
    shutil.copytree(
        ROOT / "src" / "delaktig",
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "static", "data"),
    )
    shutil.rmtree(copy / "locale")
    (copy / "locale").mkdir()
    before = PO.stat().st_mtime_ns
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "makemessages",
            "-l",
            "en",
            "--no-location",
            "--no-obsolete",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    assert PO.stat().st_mtime_ns == before
    fresh = {
        e.msgid
        for po in [copy / "locale" / "en" / "LC_MESSAGES" / "django.po"]
        + sorted(copy.glob("*/locale/en/LC_MESSAGES/django.po"))
        for e in parse(po)
        if e.msgid
    }
    missing = sorted(fresh - {e.msgid for e in ENTRIES})
    assert missing == [], "run `make messages` and translate:\n" + "\n".join(missing)


@pytest.mark.django_db
def test_the_language_cookie_chooses_english() -> None:
    assert settings.LANGUAGE_COOKIE_NAME == "django_language"
    client = Client()
    client.cookies["django_language"] = "en"
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Take part and make a difference" in html
    assert "Var med och påverka" not in html
    assert response.headers["Content-Language"] == "en"


@pytest.mark.django_db
def test_the_browser_language_alone_keeps_swedish() -> None:
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="sv">' in html
    assert "Var med och påverka" in html
    assert "Take part and make a difference" not in html
    assert response.headers["Content-Language"] == "sv"


@pytest.mark.django_db
def test_english_is_chosen_by_the_switcher_not_the_browser() -> None:
    client = Client()
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="sv">' in html and "Var med och påverka" in html
    response = client.post("/sprak/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html and "Take part and make a difference" in html
