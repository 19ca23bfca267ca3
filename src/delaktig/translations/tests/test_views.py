"""The workbench's pages: overview, lists, the side-by-side editor and the translator role."""

import pytest
from django.test import Client
from django.urls import reverse
from tests.factories import UserFactory, role

from delaktig.accounts.models import Role
from delaktig.core.contributions import TranslatableKind
from delaktig.translations import services
from delaktig.translations.models import Translation, source_hash
from delaktig.translations.services import Change
from delaktig.translations.tests.helpers import (
    official_of,
    organisation,
    process_in,
    translator_of,
)

pytestmark = pytest.mark.django_db


def edit_url(kind: TranslatableKind, process: object, code: str = "se") -> str:
    return reverse(
        "translations_staff:edit",
        kwargs={
            "slug": process.organisation.slug,
            "code": code,
            "kind": kind.key,
            "pk": process.pk,
        },
    )


def list_url(org: object, code: str = "se") -> str:
    return reverse("translations_staff:list", kwargs={"slug": org.slug, "code": code})


def test_the_overview_counts_per_language(client: Client, process_kind: TranslatableKind) -> None:
    org = organisation(["sv", "se", "sma"])
    process = process_in(org)
    process_in(org, title="Vården i Härjedalen")
    services.translations_save(
        actor=official_of(org), obj=process, language="se", changes=[Change("title", "Busseat")]
    )
    translator = translator_of(org, "se")
    client.force_login(translator)
    page = client.get(reverse("translations_staff:overview"))
    html = page.content.decode()
    assert page.status_code == 200
    assert org.name in html and "Nordsamiska" in html and "Sydsamiska" not in html
    # Two processes with n texts each, one of them a draft.
    n = len([f for f in process.translated_fields if getattr(process, f)])
    assert f'href="{list_url(org)}?visa=missing">{2 * n - 1}<' in html
    assert f'href="{list_url(org)}?visa=draft">1<' in html
    assert f'href="{list_url(org)}">{2 * n}<' in html
    client.force_login(official_of(org))
    html = client.get(reverse("translations_staff:overview")).content.decode()
    assert "Nordsamiska" in html and "Sydsamiska" in html


def test_the_list_filters_by_state_stale_first(
    client: Client, process_kind: TranslatableKind
) -> None:
    org = organisation()
    fresh_one = process_in(org, title="Helt oöversatt")
    stale = process_in(org, title="Gammal rubrik")
    done = process_in(org, title="Färdig", body="")
    official = official_of(org)
    for obj in (stale, done):
        services.translations_save(
            actor=official,
            obj=obj,
            language="se",
            changes=[Change(f, f"se {f}") for f in obj.translated_fields if getattr(obj, f)],
            reviewed=True,
        )
    stale.title = "Ny rubrik"
    stale.save()
    client.force_login(translator_of(org, "se"))
    html = client.get(list_url(org)).content.decode()
    assert html.index("Ny rubrik") < html.index("Helt oöversatt")
    assert "Färdig" not in html
    html = client.get(list_url(org) + "?visa=reviewed").content.decode()
    assert "Färdig" in html and "Helt oöversatt" not in html and "Ny rubrik" in html
    html = client.get(list_url(org) + "?visa=missing").content.decode()
    assert "Helt oöversatt" in html and "Ny rubrik" not in html
    html = client.get(list_url(org) + f"?visa=missing&typ={process_kind.key}").content.decode()
    assert edit_url(process_kind, fresh_one) in html


def test_the_editor_round_trip(client: Client, process_kind: TranslatableKind) -> None:
    org = organisation()
    process = process_in(org)
    translator = translator_of(org, "se")
    client.force_login(translator)
    page = client.get(edit_url(process_kind, process))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'lang="se"' in html and 'dir="ltr"' in html
    assert f'name="title-seen" value="{source_hash(process.title)}"' in html
    assert f'{process.get_absolute_url()}?sprak=se"' in html
    data = {
        "title": "Busseat Bergas",
        "title-seen": source_hash(process.title),
        "summary": "",
        "summary-seen": source_hash(process.summary),
        "body": "",
        "body-seen": source_hash(process.body),
        "spara": "1",
    }
    response = client.post(edit_url(process_kind, process), data)
    assert response.status_code == 302
    row = Translation.objects.get()
    assert row.text == "Busseat Bergas" and not row.reviewed
    html = client.get(edit_url(process_kind, process)).content.decode()
    assert "Markera som granskad" in html and translator.display_name in html
    review = reverse(
        "translations_staff:review",
        kwargs={"slug": org.slug, "code": "se", "kind": process_kind.key, "pk": process.pk},
    )
    assert client.post(review).status_code == 302
    row.refresh_from_db()
    assert row.reviewed and row.reviewed_by == translator


def test_a_concurrent_swedish_edit_keeps_the_typed_text(
    client: Client, process_kind: TranslatableKind
) -> None:
    org = organisation()
    process = process_in(org)
    client.force_login(official_of(org))
    seen = source_hash(process.title)
    process.title = "Busstrafiken i hela länet"
    process.save()
    response = client.post(
        edit_url(process_kind, process),
        {"title": "Mu jorgalus", "title-seen": seen, "granskad": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Den svenska texten ändrades medan du översatte" in html
    assert "Mu jorgalus" in html and "Busstrafiken i hela länet" in html
    assert f'name="title-seen" value="{source_hash(process.title)}"' in html
    assert not Translation.objects.exists()


def test_a_save_does_not_undo_or_overwrite_another_translators_text_unseen(
    client: Client, process_kind: TranslatableKind
) -> None:
    org = organisation()
    process = process_in(org)
    first, second = translator_of(org, "se"), translator_of(org, "se")
    # The second translator opens the editor while nothing is translated yet ...
    client.force_login(second)
    html = client.get(edit_url(process_kind, process)).content.decode()
    empty = source_hash("")
    assert f'name="title-was" value="{empty}"' in html
    # ... and the first saves a title meanwhile.
    services.translations_save(
        actor=first, obj=process, language="se", changes=[Change("title", "Busseat Bergas")]
    )
    page = {
        "title": "",
        "title-seen": source_hash(process.title),
        "title-was": empty,
        "summary": "Maid don oaivvildat?",
        "summary-seen": source_hash(process.summary),
        "summary-was": empty,
        "body": "",
        "body-seen": source_hash(process.body),
        "body-was": empty,
        "spara": "1",
    }
    # Saving the summary leaves the title the second translator never touched as it is.
    assert client.post(edit_url(process_kind, process), page).status_code == 302
    texts = dict(Translation.objects.values_list("field", "text"))
    assert texts == {"title": "Busseat Bergas", "summary": "Maid don oaivvildat?"}
    # A title typed over the one saved meanwhile is refused, with the typed text kept.
    page |= {"title": "Busseat Bergii", "summary-was": source_hash("Maid don oaivvildat?")}
    refused = client.post(edit_url(process_kind, process), page)
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "Någon annan sparade en översättning" in html
    assert "Busseat Bergii" in html and "Busseat Bergas" in html
    assert Translation.objects.get(field="title").text == "Busseat Bergas"
    # Having seen it, the page now carries the saved one, and the save goes through.
    page["title-was"] = source_hash("Busseat Bergas")
    assert client.post(edit_url(process_kind, process), page).status_code == 302
    assert Translation.objects.get(field="title").text == "Busseat Bergii"


def test_a_stale_translation_shows_what_changed(
    client: Client, process_kind: TranslatableKind
) -> None:
    org = organisation()
    process = process_in(org, title="Bussarna i Berg")
    official = official_of(org)
    services.translations_save(
        actor=official, obj=process, language="se", changes=[Change("title", "Busseat Bergas")]
    )
    process.title = "Tågen i Berg"
    process.save()
    client.force_login(official)
    html = client.get(edit_url(process_kind, process)).content.decode()
    assert "<del>Bussarna</del>" in html and "<ins>Tågen</ins>" in html
    # Saving the page without touching it leaves the stale text stale.
    client.post(edit_url(process_kind, process), {"title": "Busseat Bergas", "spara": "1"})
    assert Translation.objects.get().source_hash != source_hash(process.title)
    client.post(
        edit_url(process_kind, process),
        {"title": "Busseat Bergas", "title-confirm": "on", "spara": "1"},
    )
    assert Translation.objects.get().source_hash == source_hash(process.title)


def test_a_translator_of_another_language_gets_403(
    client: Client, process_kind: TranslatableKind
) -> None:
    org = organisation()
    process = process_in(org)
    client.force_login(translator_of(org, "sma"))
    assert client.get(edit_url(process_kind, process)).status_code == 403
    assert client.get(list_url(org)).status_code == 403
    assert client.post(edit_url(process_kind, process), {"title": "x"}).status_code == 403
    assert client.get(list_url(org, "sma")).status_code == 200
    assert client.get(list_url(org, "fi")).status_code == 404
    client.force_login(translator_of(organisation(), "se"))
    assert client.get(edit_url(process_kind, process)).status_code == 403
    client.force_login(UserFactory())
    assert client.get(reverse("translations_staff:overview")).status_code == 403


def test_an_administrator_gives_and_changes_the_translator_role(client: Client) -> None:
    org = organisation()
    person = UserFactory(email="samiska@example.se")
    client.force_login(role(UserFactory(), "administrator"))
    url = reverse("translations_staff:translators", kwargs={"slug": org.slug})
    page = client.get(url).content.decode()
    assert 'value="smj"' in page and 'value="fi"' not in page
    response = client.post(url, {"email": "nobody@example.se", "languages": ["se"]})
    assert response.status_code == 400 and "inget konto" in response.content.decode()
    response = client.post(url, {"email": "samiska@example.se", "languages": ["se", "sma"]})
    assert response.status_code == 302
    saved = Role.objects.get(user=person, kind="translator")
    assert saved.languages == ["se", "sma"]
    change = reverse(
        "translations_staff:translator_change", kwargs={"slug": org.slug, "pk": saved.pk}
    )
    client.post(change, {"languages": ["smj"]})
    saved.refresh_from_db()
    assert saved.languages == ["smj"]
    client.post(change, {"ta-bort": "1"})
    assert not Role.objects.filter(pk=saved.pk).exists()
    client.force_login(official_of(org))
    assert client.get(url).status_code == 403
