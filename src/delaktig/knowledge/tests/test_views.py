"""The reader's and the staff's pages of the knowledge bank."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from tests.factories import OrganisationFactory

from delaktig.knowledge import services
from delaktig.knowledge.models import Completion, Part, Section
from delaktig.knowledge.tests.helpers import bank, official_of, part_in, person, section_of

pytestmark = pytest.mark.django_db


def part_url(part: Part, name: str = "knowledge:part") -> str:
    return reverse(name, kwargs={"slug": part.organisation.slug, "pk": part.pk})


def test_anyone_reads_a_public_part_and_only_readers_the_rest(client: Client) -> None:
    public = bank(is_public=True, title="Så modererar vi")
    internal = part_in(public.section, title="Om någon hotar dig")
    draft = part_in(public.section, title="Utkastet", published=False)
    page = client.get(reverse("knowledge:bank", kwargs={"slug": public.organisation.slug}))
    content = page.content.decode()
    assert page.status_code == 200
    assert "Så modererar vi" in content and "Om någon hotar dig" not in content
    assert client.get(part_url(public)).status_code == 200
    assert client.get(part_url(internal)).status_code == 302  # to log in
    client.force_login(person("resident", public.organisation))
    assert client.get(part_url(internal)).status_code == 404
    client.force_login(person("elected", public.organisation))
    content = client.get(
        reverse("knowledge:bank", kwargs={"slug": public.organisation.slug})
    ).content.decode()
    assert "Om någon hotar dig" in content and "Utkastet" not in content
    assert "Du har gått igenom 0 av 2 delar" in content
    assert client.get(part_url(draft)).status_code == 404


def test_a_page_part_renders_its_markdown_sanitised(client: Client) -> None:
    part = bank(is_public=True, body="## Rubrik\n\n**fet** <script>alert(1)</script>")
    content = client.get(part_url(part)).content.decode()
    assert "<h2>Rubrik</h2>" in content and "<strong>fet</strong>" in content
    assert "<script>alert" not in content


def test_a_reader_marks_and_undoes_on_the_part_page(client: Client) -> None:
    part = bank()
    reader = person("security", part.organisation)
    client.force_login(reader)
    page = client.get(part_url(part)).content.decode()
    assert "Jag har gått igenom den här delen" in page
    response = client.post(part_url(part, "knowledge:completion"), {"klar": "1"})
    assert response.status_code == 302 and Completion.objects.filter(user=reader).count() == 1
    client.post(part_url(part, "knowledge:completion"), {"klar": "1"})
    assert Completion.objects.filter(user=reader).count() == 1
    assert "Ångra" in client.get(part_url(part)).content.decode()
    client.post(part_url(part, "knowledge:completion"), {"klar": "0"})
    assert not Completion.objects.exists()
    assert client.get(part_url(part, "knowledge:completion")).status_code == 405


def test_a_resident_cannot_mark_a_public_part(client: Client) -> None:
    part = bank(is_public=True)
    client.force_login(person("resident", part.organisation))
    assert "Jag har gått igenom" not in client.get(part_url(part)).content.decode()
    assert client.post(part_url(part, "knowledge:completion")).status_code == 403
    assert not Completion.objects.exists()


def test_mina_sidor_shows_the_readers_progress(client: Client) -> None:
    part = bank()
    reader = person("elected", part.organisation)
    services.completion_mark(actor=reader, part=part)
    client.force_login(reader)
    content = client.get(reverse("accounts:profile")).content.decode()
    assert "Kunskapsbanken om hot och hat" in content and "1 av 1 delar" in content
    client.force_login(person("resident", part.organisation))
    assert (
        "Kunskapsbanken om hot och hat"
        not in client.get(reverse("accounts:profile")).content.decode()
    )


def test_an_official_writes_a_part_with_preview_and_errors_keep_what_was_typed(
    client: Client,
) -> None:
    section = section_of(OrganisationFactory())
    client.force_login(official_of(section.organisation))
    url = reverse("knowledge_staff:part_create", kwargs={"pk": section.pk})
    assert client.get(url).status_code == 200
    data = {
        "section": section.pk,
        "kind": "page",
        "title": "Före mötet",
        "body": "**Förbered** dig",
        "minutes": "10",
        "audience": "both",
    }
    preview = client.post(url, {**data, "preview": "body"})
    assert "<strong>Förbered</strong>" in preview.content.decode() and not Part.objects.exists()
    missing = client.post(url, {**data, "kind": "link"})
    assert missing.status_code == 400
    assert "Skriv adressen som länken går till." in missing.content.decode()
    assert "Före mötet" in missing.content.decode()
    assert client.post(url, data).status_code == 302
    part = Part.objects.get()
    assert part.status == "draft" and part.organisation == section.organisation
    publish = client.post(
        reverse("knowledge_staff:part_transition", kwargs={"pk": part.pk}), {"action": "publish"}
    )
    assert publish.status_code == 302
    part.refresh_from_db()
    assert part.is_published


def test_the_part_form_uses_the_markdown_editor() -> None:
    from delaktig.core.widgets import MarkdownEditor
    from delaktig.knowledge.forms import PartForm

    form = PartForm(sections=Section.objects.none())
    assert isinstance(form.fields["body"].widget, MarkdownEditor)


def test_deleting_a_part_asks_first(client: Client) -> None:
    part = bank()
    services.completion_mark(actor=person("elected", part.organisation), part=part)
    client.force_login(official_of(part.organisation))
    url = reverse("knowledge_staff:part_delete", kwargs={"pk": part.pk})
    page = client.post(url)
    assert page.status_code == 200 and "1 personer" in page.content.decode()
    assert Part.objects.exists()
    client.post(url, {"confirmed": "1"})
    assert not Part.objects.exists() and not Completion.objects.exists()


@pytest.mark.parametrize("kind", ["moderator", "security", "elected", "resident"])
def test_staff_pages_are_for_officials(client: Client, kind: str) -> None:
    part = bank()
    client.force_login(person(kind, part.organisation))
    slug = part.organisation.slug
    for url in (
        reverse("knowledge_staff:organisation", kwargs={"slug": slug}),
        reverse("knowledge_staff:follow_up", kwargs={"slug": slug}),
        reverse("knowledge_staff:follow_up_csv", kwargs={"slug": slug}),
        reverse("knowledge_staff:part_edit", kwargs={"pk": part.pk}),
    ):
        assert client.get(url).status_code == 403, url


def test_an_official_of_another_organisation_is_refused(client: Client) -> None:
    part = bank()
    client.force_login(official_of(OrganisationFactory()))
    slug = part.organisation.slug
    assert (
        client.get(reverse("knowledge_staff:follow_up", kwargs={"slug": slug})).status_code == 403
    )
    assert (
        client.get(reverse("knowledge_staff:part_edit", kwargs={"pk": part.pk})).status_code == 403
    )
    assert client.get(part_url(part)).status_code == 404


def test_the_follow_up_table_and_csv(client: Client) -> None:
    section = section_of(OrganisationFactory())
    both = part_in(section, title="Om någon hotar dig")
    part_in(section, title="Riskguiden", audience="officials")
    elected = person("elected", section.organisation)
    elected.display_name = "=Ledamot Lind"
    elected.save()
    services.completion_mark(actor=elected, part=both)
    client.force_login(official_of(section.organisation))
    page = client.get(
        reverse("knowledge_staff:follow_up", kwargs={"slug": section.organisation.slug})
    )
    content = page.content.decode()
    assert page.status_code == 200
    assert '<th scope="col">Riskguiden</th>' in content
    assert "=Ledamot Lind" in content and "ej aktuell" in content
    response = client.get(
        reverse("knowledge_staff:follow_up_csv", kwargs={"slug": section.organisation.slug})
    )
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Namn", "E-post", "Roller"]
    lind = next(row for row in rows if "Ledamot Lind" in row[0])
    assert lind[0] == "'=Ledamot Lind"  # never a formula
    assert lind[3] != "nej" and lind[4] == "ej aktuell"


def test_a_bank_without_public_parts_sends_visitors_to_log_in(client: Client) -> None:
    part = bank()
    url = reverse("knowledge:bank", kwargs={"slug": part.organisation.slug})
    assert client.get(url).status_code == 302
    client.force_login(person("resident", part.organisation))
    assert client.get(url).status_code == 404
    client.force_login(person("moderator", part.organisation))
    assert part.title in client.get(url).content.decode()
    assert client.get(reverse("knowledge_staff:index")).url == reverse("knowledge:index")
