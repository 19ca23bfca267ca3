"""XLIFF and PO for translation agencies: export, import, and files that must be refused."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from translate.storage import po, xliff

from delaktig.core.contributions import TranslatableKind
from delaktig.core.errors import ValidationFailed
from delaktig.translations import files, selectors, services
from delaktig.translations.models import Translation
from delaktig.translations.tests.helpers import official_of, organisation, process_in

pytestmark = pytest.mark.django_db


def translate_all(data: bytes, fmt: str, *, final: bool = False) -> bytes:
    """What the agency does: fill every target (and mark it final)."""
    if fmt == "po":
        store = po.pofile.parsestring(data)
        for unit in store.unit_iter():
            if not unit.isheader():
                unit.target = f"SE {unit.source}"
                unit.markfuzzy(not final)
        return bytes(store)
    store = xliff.xlifffile.parsestring(data)
    for unit in store.unit_iter():
        unit.target = f"SE {unit.source}"
        unit.markapproved(final)
    return bytes(store)


def export(client: Client, org: object, fmt: str, everything: bool = False) -> bytes:
    url = reverse("translations_staff:export", kwargs={"slug": org.slug, "code": "se"})
    response = client.get(url, {"format": fmt, **({"alla": "1"} if everything else {})})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return response.content


def upload(client: Client, org: object, data: bytes, reviewed: bool = False) -> str:
    url = reverse("translations_staff:import", kwargs={"slug": org.slug, "code": "se"})
    payload = {"file": SimpleUploadedFile("back.xlf", data)}
    response = client.post(url, {**payload, **({"reviewed": "on"} if reviewed else {})})
    return response.content.decode()


@pytest.mark.parametrize("fmt", ["xliff", "po"])
def test_export_and_import_round_trip(
    client: Client, process_kind: TranslatableKind, fmt: str
) -> None:
    org = organisation()
    kept = process_in(org, title="Bussarna")
    changed = process_in(org, title="Vården")
    official = official_of(org)
    client.force_login(official)
    data = export(client, org, fmt)
    text = data.decode()
    assert f"participation.process:{kept.pk}:title" in text and "Bussarna" in text
    assert selectors.source_hash("Bussarna") in text
    changed.title = "Vården i hela länet"
    changed.save()
    html = upload(client, org, translate_all(data, fmt, final=True))
    assert "Svenska texten har ändrats" in html
    assert f"participation.process:{changed.pk}:title" in html
    row = Translation.objects.get(object_id=kept.pk, field="title", language="se")
    assert row.text == "SE Bussarna" and not row.reviewed and row.translator == official
    assert not Translation.objects.filter(object_id=changed.pk, field="title").exists()
    assert Translation.objects.filter(object_id=changed.pk, field="summary").exists()
    # The next file carries the new Swedish of the skipped title; ticking "reviewed" marks
    # what the agency marked final reviewed.
    again = export(client, org, fmt)
    assert "Vården i hela länet" in again.decode()
    html = upload(client, org, translate_all(again, fmt, final=True), reviewed=True)
    assert "Svenska texten har ändrats" not in html
    row.refresh_from_db()
    assert row.reviewed and row.reviewed_by == official
    assert Translation.objects.get(object_id=changed.pk, field="title").reviewed
    assert files.read(export(client, org, fmt)).units == []
    assert len(files.read(export(client, org, fmt, everything=True)).units) > 1


def test_units_of_another_organisation_or_unknown_kinds_are_skipped(
    client: Client, process_kind: TranslatableKind
) -> None:
    org, other = organisation(), organisation()
    mine, theirs = process_in(org), process_in(other)
    units = [
        files.Unit(f"participation.process:{theirs.pk}:title", theirs.title, "Ii", "", "n"),
        files.Unit(f"nothing.here:{mine.pk}:title", mine.title, "Ii", "", "n"),
        files.Unit(f"participation.process:{mine.pk}:slug", mine.slug, "Ii", "", "n"),
        files.Unit(f"participation.process:{mine.pk}:title", mine.title, "Busseat", "", "n"),
    ]
    result = services.translations_import(
        actor=official_of(org),
        organisation=org,
        language="se",
        data=files.write_xliff(units, "se"),
    )
    assert result.saved == 1
    assert [reason for _id, _note, reason in result.skipped] == [
        "other_organisation",
        "unknown",
        "unknown",
    ]
    assert Translation.objects.get().object_id == mine.pk


def test_a_file_in_another_language_is_refused(
    client: Client, process_kind: TranslatableKind
) -> None:
    org = organisation()
    process = process_in(org)
    unit = files.Unit(f"participation.process:{process.pk}:title", process.title, "x", "", "n")
    client.force_login(official_of(org))
    html = upload(client, org, files.write_po([unit], "sma"))
    assert "Filen är en översättning till åarjelsaemien gïele, inte till davvisámegiella" in html
    assert not Translation.objects.exists()
    # Region subtags and three-letter codes are the same language.
    assert files.read(files.write_xliff([unit], "se-NO")).language == "se"
    assert files.read(files.write_xliff([unit], "sme")).language == "se"


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">
<file original="x" source-language="sv" target-language="se" datatype="plaintext"><body>
<trans-unit id="participation.process:1:title"><source>&lol9;</source><target>&lol9;</target>
</trans-unit></body></file></xliff>"""


@pytest.mark.parametrize(
    "data",
    [
        BOMB,
        b"<xliff><file><body><trans-unit",
        b"\x00\x01\x02 not a file",
        b"",
        b'<?xml version="1.0"?><html><body>hej</body></html>',
    ],
    ids=["billion-laughs", "broken-xml", "binary", "empty", "other-xml"],
)
def test_unreadable_files_are_refused(data: bytes) -> None:
    started = time.monotonic()
    with pytest.raises(ValidationFailed) as error:
        files.read(data)
    assert error.value.code == "translations.file_unreadable"
    assert time.monotonic() - started < 2


def test_a_bad_file_is_refused_on_the_page(client: Client, process_kind: TranslatableKind) -> None:
    org = organisation()
    client.force_login(official_of(org))
    html = upload(client, org, BOMB)
    assert "Filen gick inte att läsa som XLIFF eller PO" in html
    url = reverse("translations_staff:import", kwargs={"slug": org.slug, "code": "se"})
    big = SimpleUploadedFile("big.po", b"#" * (5 * 1024 * 1024 + 1))
    response = client.post(url, {"file": big})
    assert response.status_code == 400 and "större än 5 MB" in response.content.decode()
