"""The English catalogue is complete, compiled, and covers every string in the source."""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation
from scripts.po import parse

ROOT = Path(__file__).resolve().parents[1]

LOCALE = ROOT / "src" / "delaktig" / "locale" / "en" / "LC_MESSAGES"
ENTRIES = [e for e in parse(LOCALE / "django.po") if e.msgid]


def test_every_entry_is_translated_and_none_is_fuzzy() -> None:
    assert len(ENTRIES) > 500
    untranslated = [e.msgid for e in ENTRIES if not e.msgstr or not all(e.msgstr)]
    fuzzy = [e.msgid for e in ENTRIES if "fuzzy" in e.flags]
    assert untranslated == [] and fuzzy == []


def test_placeholders_survive_translation() -> None:
    import re

    pattern = re.compile(r"%\(\w+\)s|\{\w+\}")
    for entry in ENTRIES:
        source = sorted(pattern.findall(entry.msgid + (entry.msgid_plural or "")))
        for text in entry.msgstr:
            assert sorted(set(pattern.findall(text))) == sorted(set(source)), entry.msgid


def test_compiled_catalogue_matches_the_source() -> None:
    with (LOCALE / "django.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for entry in ENTRIES:
        if entry.msgid_plural is None and entry.msgctxt is None:
            assert catalogue.gettext(entry.msgid) == entry.msgstr[0], entry.msgid


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
    before = (LOCALE / "django.po").stat().st_mtime_ns
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
    assert (LOCALE / "django.po").stat().st_mtime_ns == before
    fresh = {
        e.msgid for e in parse(copy / "locale" / "en" / "LC_MESSAGES" / "django.po") if e.msgid
    }
    missing = sorted(fresh - {e.msgid for e in ENTRIES})
    assert missing == [], "run `make messages` and translate:\n" + "\n".join(missing)


@pytest.mark.django_db
def test_english_is_chosen_by_the_switcher_not_the_browser() -> None:
    client = Client()
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="sv">' in html and "Var med och påverka" in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html and "Take part and make a difference" in html
    with translation.override("en"):
        assert translation.gettext("Steg på delaktighetstrappan") == (
            "Step on the participation ladder"
        )
