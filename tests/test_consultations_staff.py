"""The staff side of a consultation on a draft: who gets in, setting it up, writing and
importing the next version and seeing its numbering, publishing a version, the referral list,
answering comments (chosen, by theme, again), filters, themes, and the answering page's
queries."""

import io
import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from delaktig.consultations import services
from delaktig.consultations.models import (
    Answer,
    Comment,
    Consultation,
    Invitation,
    Stance,
    Theme,
)
from delaktig.councils.models import Council
from delaktig.notifications.models import OutgoingEmail
from tests.consultations_factories import (
    NOW,
    comment,
    consultation_module,
    invitation,
    official_of,
    paragraph,
)
from tests.factories import ModuleFactory, OrganisationFactory, ProcessFactory, UserFactory, role

pytestmark = pytest.mark.django_db

PAGES = ("manage", "settings", "working_copy", "invitations", "answering", "themes")


@pytest.fixture(autouse=True)
def clock() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def url(name: str, consultation: Consultation, **kwargs: Any) -> str:
    return reverse(f"consultations:{name}", kwargs={"module_pk": consultation.module_id, **kwargs})


def official_client(consultation: Consultation) -> tuple[Client, Any]:
    official = official_of(consultation)
    client = Client()
    client.force_login(official)
    return client, official


def text(response: Any) -> str:
    """The page with runs of white space made one and the tags left out."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def a_docx(*, with_title: bool = True) -> bytes:
    document = Document()
    if with_title:
        document.add_paragraph("Demokratistrategi", style="Title")
    document.add_paragraph("Inledning", style="Heading 1")
    document.add_paragraph("Regionen vill att fler ska vara med.")
    bold = document.add_paragraph("Strategin gäller ")
    bold.add_run("alla").bold = True
    bold.add_run(" nämnder.")
    document.add_paragraph("Mål", style="Heading 1")
    document.add_paragraph("Fler deltar i dialoger.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(data: bytes, name: str = "utkast.docx") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


# --- Who gets in ---------------------------------------------------------------------------------


def test_every_page_is_for_the_organisations_officials_only() -> None:
    consultation = consultation_module(now=NOW)
    answer = services.answer_save(
        actor=official_of(consultation),
        consultation=consultation,
        text=services.AnswerText(Stance.NOTED, "Tack."),
        comment_ids=[comment(consultation).pk],
    )
    addresses = [url(name, consultation) for name in PAGES]
    addresses.append(url("answer_edit", consultation, answer_pk=answer.pk))
    resident, elsewhere = Client(), Client()
    resident.force_login(UserFactory())
    elsewhere.force_login(role(UserFactory(), "official", OrganisationFactory()))
    client, _official = official_client(consultation)
    for address in addresses:
        assert Client().get(address).status_code == 302, address
        assert resident.get(address).status_code == 403, address
        assert elsewhere.get(address).status_code == 403, address
        assert client.get(address).status_code == 200, address
    publish = url("publish_version", consultation)
    assert elsewhere.post(publish, {"confirmed": "1"}).status_code == 403
    assert (
        resident.post(url("themes", consultation), {"action": "add", "nytt-name": "X"}).status_code
        == 403
    )
    assert not Theme.objects.exists()


def test_a_draft_process_is_404_to_another_organisations_official() -> None:
    consultation = consultation_module(now=NOW)
    consultation.module.process.status = "draft"
    consultation.module.process.save()
    elsewhere = Client()
    elsewhere.force_login(role(UserFactory(), "official", OrganisationFactory()))
    for name in PAGES:
        assert elsewhere.get(url(name, consultation)).status_code == 404, name
    assert elsewhere.get("/m/consultation/personal/999999/").status_code == 404


def test_pages_other_than_manage_and_settings_need_a_consultation() -> None:
    module = ModuleFactory(process=ProcessFactory(), kind="consultation", title="Samråd")
    client = Client()
    client.force_login(role(UserFactory(), "official", module.process.organisation))
    for name in ("working_copy", "invitations", "answering", "themes"):
        address = reverse(f"consultations:{name}", kwargs={"module_pk": module.pk})
        assert client.get(address).status_code == 404, name


# --- Setting up ----------------------------------------------------------------------------------


def test_a_module_without_a_consultation_offers_the_settings_form_and_creates_it() -> None:
    module = ModuleFactory(process=ProcessFactory(), kind="consultation", title="Synpunkter")
    client = Client()
    client.force_login(role(UserFactory(), "official", module.process.organisation))
    manage = reverse("consultations:manage", kwargs={"module_pk": module.pk})
    settings = reverse("consultations:settings", kwargs={"module_pk": module.pk})
    first = client.get(manage)
    assert first.status_code == 200
    assert "Samrådet är inte inställt än" in text(first)
    assert f'action="{settings}"' in first.content.decode()
    response = client.post(settings, {"title": "  ", "introduction": "Vad tycker du?"})
    assert response.status_code == 400
    assert "Skriv en rubrik." in text(response) and "Vad tycker du?" in text(response)
    response = client.post(
        settings,
        {
            "title": "Demokratistrategi",
            "introduction": "Lämna synpunkter stycke för stycke.",
            "anonymise_residents": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == manage
    consultation = Consultation.objects.get(module=module)
    assert (consultation.title, consultation.anonymise_residents) == ("Demokratistrategi", True)
    assert consultation.status == "draft"
    shown = text(client.get(manage))
    assert "Utkastet förbereds" in shown and "Skriv version 1" in shown


def test_the_settings_can_be_changed_and_previewed() -> None:
    consultation = consultation_module(now=NOW)
    client, _official = official_client(consultation)
    preview = client.post(
        url("settings", consultation),
        {"title": "Ny titel", "introduction": "**Viktigt**", "preview": "introduction"},
    )
    assert preview.status_code == 200 and "<strong>Viktigt</strong>" in preview.content.decode()
    consultation.refresh_from_db()
    assert consultation.title == "Demokratistrategi 2027–2030"
    client.post(url("settings", consultation), {"title": "Ny titel", "introduction": ""})
    consultation.refresh_from_db()
    assert consultation.title == "Ny titel"


# --- The working copy -----------------------------------------------------------------------------


def _empty_consultation() -> Consultation:
    return consultation_module(now=NOW, source=None)


def test_a_working_copy_in_markdown_shows_its_numbering() -> None:
    consultation = _empty_consultation()
    client, _official = official_client(consultation)
    page = client.get(url("working_copy", consultation))
    assert "Version 1 av" in text(page)
    source = (
        "# Strategin\n\nFörst ett stycke.\n\n## Inledning\n\nRegionen vill mer.\n\n"
        "### Bakgrund\n\nDet började 2020.\n\n## Mål\n\n- Fler deltar\n- Fler unga\n"
    )
    response = client.post(
        url("working_copy", consultation), {"title": "", "source": source, "changes": ""}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/utkast/#numbering")
    page = client.get(url("working_copy", consultation))
    body = text(page)
    version = services.working_copy(consultation)
    assert version is not None and version.title == "Strategin"
    numbers = list(version.paragraphs.values_list("number", flat=True))
    assert numbers == ["0.1", "1", "1.1", "1.2", "1.2.1", "2", "2.1"]
    assert "Så numreras utkastet" in body
    assert "1.2.1 Det började 2020." in body
    assert "<strong>Bakgrund</strong>" in page.content.decode()
    assert "Tidigare" not in body  # nothing published to compare with
    assert consultation.status == "draft"
    manage = text(client.get(url("manage", consultation)))
    assert "Publicera version 1 för att öppna samrådet" in manage


def test_a_document_that_cannot_be_numbered_keeps_the_text() -> None:
    consultation = _empty_consultation()
    client, _official = official_client(consultation)
    response = client.post(
        url("working_copy", consultation),
        {"title": "Mitt utkast", "source": "# Bara en rubrik\n", "changes": "Inga"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Skriv eller ladda upp dokumentet." in text(response)
    assert "# Bara en rubrik" in body and 'value="Mitt utkast"' in body
    assert not consultation.versions.exists()


def test_a_word_file_becomes_the_working_copy() -> None:
    consultation = _empty_consultation()
    client, _official = official_client(consultation)
    response = client.post(
        url("working_copy", consultation),
        {"title": "", "source": "", "changes": "", "docx": upload(a_docx())},
    )
    assert response.status_code == 302
    version = services.working_copy(consultation)
    assert version is not None and version.title == "Demokratistrategi"
    assert list(version.paragraphs.values_list("number", "kind")) == [
        ("1", "heading"),
        ("1.1", "paragraph"),
        ("1.2", "paragraph"),
        ("2", "heading"),
        ("2.1", "paragraph"),
    ]
    assert "**alla**" in version.source
    page = client.get(url("working_copy", consultation))
    assert "# Demokratistrategi" in page.content.decode()  # the Markdown, to correct
    assert "1.2 Strategin gäller" in text(page)


def test_a_file_that_is_not_a_word_document_is_refused_on_the_form() -> None:
    consultation = _empty_consultation()
    client, _official = official_client(consultation)
    data = {"title": "Utkast", "source": "Ett stycke.", "changes": ""}
    response = client.post(
        url("working_copy", consultation), {**data, "docx": upload(b"not a zip at all")}
    )
    assert response.status_code == 400
    assert "gick inte att läsa som ett Word-dokument" in text(response)
    assert "Ett stycke." in response.content.decode()
    response = client.post(
        url("working_copy", consultation), {**data, "docx": upload(a_docx(), "utkast.pdf")}
    )
    assert response.status_code == 400
    assert "Välj en fil som slutar på .docx" in text(response)
    assert not consultation.versions.exists()


def test_publishing_version_1_opens_the_consultation_and_invites() -> None:
    consultation = _empty_consultation()
    invitation(consultation, "Pensionärsföreningen", contact_email="pf@example.org")
    invitation(consultation, "Ungdomsrådet", contact_email="ur@example.org")
    client, _official = official_client(consultation)
    client.post(url("working_copy", consultation), {"source": "# Utkast\n\n## Mål\n\nFler.\n"})
    publish = url("publish_version", consultation)
    assert client.get(publish).status_code == 405
    asked = client.post(publish)
    assert asked.status_code == 200
    assert "Vill du publicera version 1" in text(asked)
    assert "remissinstanserna på listan får sin inbjudan" in text(asked)
    assert not OutgoingEmail.objects.exists()
    done = client.post(publish, {"confirmed": "1"})
    assert done.status_code == 302 and done["Location"] == url("manage", consultation)
    consultation.refresh_from_db()
    assert consultation.status == "open"
    assert sorted(OutgoingEmail.objects.values_list("recipient", flat=True)) == [
        "pf@example.org",
        "ur@example.org",
    ]
    assert not Invitation.objects.filter(invited_at__isnull=True).exists()
    page = text(client.get(url("manage", consultation)))
    assert "Version 1 är publicerad och samrådet är öppet." in page
    assert "Utkastet är ute på samråd" in page
    assert client.post(publish, {"confirmed": "1"}).status_code == 302  # nothing to publish
    assert consultation.versions.count() == 1


def test_version_2_starts_from_version_1_and_keeps_the_comments_on_their_passages() -> None:
    consultation = consultation_module(now=NOW)
    made = comment(consultation, number="2.1", text="Skriv vilka som ska delta.")
    client, _official = official_client(consultation)
    page = client.get(url("working_copy", consultation))
    assert "Version 2 av" in text(page)
    version_1 = services.current_version(consultation)
    assert version_1 is not None
    assert version_1.source.strip() in page.content.decode()
    source = version_1.source.replace("## Mål\n\n", "## Mål\n\nEtt nytt första mål.\n\n")
    response = client.post(
        url("working_copy", consultation),
        {"title": "", "source": source, "changes": "Ett nytt mål."},
    )
    assert response.status_code == 302
    body = text(client.get(url("working_copy", consultation)))
    assert re.search(r"2\.1 Ett nytt första mål\. nytt 2\.2 Fler invånare deltar", body)
    assert "deltar i dialoger. 2.1 (nytt nummer)" in body  # 2.2 continues the old 2.1
    # Unchanged passages keep their number.
    assert re.search(r"1 Inledning \(rubrik\) 1 1\.1 Regionen vill .*? 1\.1 1\.2", body)
    client.post(url("publish_version", consultation), {"confirmed": "1"})
    current = services.current_version(consultation)
    assert current is not None and current.number == 2
    moved = current.paragraphs.get(number="2.2")
    assert made.paragraph is not None and moved.key == made.paragraph.key
    assert moved.text == "Fler invånare deltar i dialoger."
    assert current.paragraphs.get(number="2.1").key not in set(
        version_1.paragraphs.values_list("key", flat=True)
    )
    answering = text(client.get(url("answering", consultation)))
    assert "Stycke 2.1 (version 1) – nu 2.2" in answering


# --- The referral list ---------------------------------------------------------------------------


def test_invitations_can_be_added_refused_twice_and_removed() -> None:
    consultation = consultation_module(now=NOW)
    client, _official = official_client(consultation)
    page = client.get(url("invitations", consultation))
    assert 'value="2031-03-22"' in page.content.decode()  # the end of the comment phase
    data = {
        "action": "add",
        "name": "Pensionärsföreningen",
        "contact_name": "Anna Andersson",
        "contact_email": "anna@example.org",
        "deadline": "2031-03-20",
    }
    response = client.post(url("invitations", consultation), data)
    assert response.status_code == 302
    added = Invitation.objects.get(consultation=consultation)
    assert added.invited_at is not None  # the consultation is open: invited at once
    assert OutgoingEmail.objects.filter(recipient="anna@example.org").count() == 1
    again = client.post(url("invitations", consultation), {**data, "contact_email": "b@x.se"})
    assert again.status_code == 400
    assert "Pensionärsföreningen är redan inbjuden." in text(again)
    assert 'value="b@x.se"' in again.content.decode()
    nobody = client.post(
        url("invitations", consultation), {**data, "name": "Ny förening", "contact_email": ""}
    )
    assert "Ange kontaktpersonens e-post" in text(nobody)
    remove = {"action": "remove", "invitation": added.pk}
    asked = client.post(url("invitations", consultation), remove)
    assert "Vill du ta bort Pensionärsföreningen" in text(asked)
    assert Invitation.objects.filter(pk=added.pk).exists()
    done = client.post(url("invitations", consultation), {**remove, "confirmed": "1"})
    assert done.status_code == 302
    assert not Invitation.objects.filter(pk=added.pk).exists()


def test_a_council_can_be_invited() -> None:
    consultation = consultation_module(now=NOW)
    organisation = consultation.module.process.organisation
    council = Council.objects.create(
        organisation=organisation,
        kind="pensionarsrad",
        name="Regionens pensionärsråd",
        slug="pensionarsradet",
        mandate="Äldrefrågor.",
    )
    client, _official = official_client(consultation)
    response = client.post(
        url("invitations", consultation),
        {"action": "add", "name": "", "council": council.pk, "deadline": "2031-03-20"},
    )
    assert response.status_code == 302
    added = Invitation.objects.get(consultation=consultation)
    assert (added.name, added.council_id) == ("Regionens pensionärsråd", council.pk)
    assert "Rådets ordförande och sekreterare" in text(client.get(url("invitations", consultation)))


def test_the_referral_list_says_who_answered_and_who_is_late() -> None:
    consultation = consultation_module(now=NOW)
    answered = invitation(consultation, "Funktionsrätt", contact_email="f@example.org")
    nothing = invitation(consultation, "Hyresgästföreningen", no_comments_at=NOW)
    late = invitation(consultation, "Idrottsförbundet", deadline=(NOW - timedelta(days=2)).date())
    waiting = invitation(consultation, "Studieförbundet")
    Comment.objects.create(
        consultation=consultation, invitation=answered, author_name="F", text="Synpunkt."
    )
    client, _official = official_client(consultation)
    response = client.get(url("invitations", consultation))
    body = response.content.decode()
    page = text(response)
    assert "<caption" in body and "vem som har svarat och vem som inte har det" in page
    assert "2 av 4 har svarat." in page
    assert "1 har inte svarat fast sista dagen har passerat." in page
    row = re.search(rf'id="invitation-{late.pk}".*?</tr>', body, re.S)
    assert row and 'class="error"' in row.group(0)  # red, and said in words
    assert "Nej, sista dagen har passerat" in row.group(0)
    assert "Ja, 1 synpunkt" in page and "Inget att invända" in page and "Nej, inte än" in page
    # Only those that have not answered can be taken off the list.
    for kept in (answered, nothing):
        row = re.search(rf'id="invitation-{kept.pk}".*?</tr>', body, re.S)
        assert row and 'value="remove"' not in row.group(0)
    for removable in (late, waiting):
        row = re.search(rf'id="invitation-{removable.pk}".*?</tr>', body, re.S)
        assert row and 'value="remove"' in row.group(0)
    manage = text(client.get(url("manage", consultation)))
    assert "Sista dag har passerat utan svar 1" in manage


# --- Answering -----------------------------------------------------------------------------------


def _answer(client: Client, consultation: Consultation, ids: list[int], **fields: str) -> Any:
    return client.post(
        url("answering", consultation),
        {"action": "answer", "comments": [str(i) for i in ids], **fields},
    )


def test_chosen_comments_get_one_answer_and_errors_keep_what_was_typed() -> None:
    consultation = consultation_module(now=NOW)
    first, second, third = (comment(consultation, number=n) for n in ("1.1", "1.2", "2.1"))
    client, _official = official_client(consultation)
    page = text(client.get(url("answering", consultation)))
    assert "0 av 3 synpunkter har svar." in page
    response = _answer(client, consultation, [first.pk, second.pk], reason="Vi skriver om det.")
    assert response.status_code == 400
    assert "Välj hur synpunkten tas om hand." in text(response)
    assert "Vi skriver om det." in response.content.decode()
    assert f'value="{first.pk}" id="choose-{first.pk}" checked' in response.content.decode()
    response = _answer(client, consultation, [], stance="accepted", reason="Bra.")
    assert "Välj minst en synpunkt." in text(response)
    response = _answer(
        client,
        consultation,
        [first.pk, second.pk],
        stance="partly",
        reason="Vi skriver om det.",
        change="Stycke 1.1 har skrivits om.",
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.answer_id is not None and first.answer_id == second.answer_id
    assert first.answer is not None and first.answer.change == "Stycke 1.1 har skrivits om."
    page = text(client.get(url("answering", consultation)))
    assert "2 av 3 synpunkter har svar." in page
    assert "Svar : Tillgodoses delvis." in page or "Svar: Tillgodoses delvis." in page
    assert third.answer_id is None


def test_answering_again_moves_the_comment_and_removes_an_empty_answer() -> None:
    consultation = consultation_module(now=NOW)
    first, second = comment(consultation, number="1.1"), comment(consultation, number="1.2")
    client, _official = official_client(consultation)
    _answer(client, consultation, [first.pk], stance="accepted", reason="Ja.")
    old = Answer.objects.get()
    _answer(client, consultation, [first.pk, second.pk], stance="noted", reason="Noteras.")
    assert not Answer.objects.filter(pk=old.pk).exists()
    first.refresh_from_db()
    assert first.answer is not None and first.answer.stance == "noted"
    assert Answer.objects.count() == 1


def test_a_theme_is_given_to_chosen_comments_and_answered_as_a_whole() -> None:
    consultation = consultation_module(now=NOW)
    first, second, other = (comment(consultation, number=n) for n in ("1.1", "1.2", "2.1"))
    theme = Theme.objects.create(consultation=consultation, name="Unga", position=1)
    client, _official = official_client(consultation)
    response = client.post(
        url("answering", consultation) + "?utan_svar=on",
        {"action": "theme", "comments": [first.pk, second.pk], "theme": theme.pk},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?utan_svar=on#comments")
    assert set(theme.comments.values_list("pk", flat=True)) == {first.pk, second.pk}
    page = text(client.get(url("answering", consultation)))
    assert "Svara på hela temat Unga (2 synpunkter)" in page
    prefix = f"tema-{theme.pk}"
    wrong = client.post(
        url("answering", consultation),
        {"action": "theme_answer", "answer_theme": theme.pk, f"{prefix}-stance": "accepted"},
    )
    assert wrong.status_code == 400 and "Skriv svaret och skälet." in text(wrong)
    done = client.post(
        url("answering", consultation),
        {
            "action": "theme_answer",
            "answer_theme": theme.pk,
            f"{prefix}-stance": "accepted",
            f"{prefix}-reason": "Vi lägger till ett mål för unga.",
        },
    )
    assert done.status_code == 302
    answer = Answer.objects.get()
    assert answer.theme == theme
    assert set(answer.comments.values_list("pk", flat=True)) == {first.pk, second.pk}
    other.refresh_from_db()
    assert other.answer_id is None
    client.post(
        url("answering", consultation), {"action": "theme", "comments": [first.pk], "theme": ""}
    )
    first.refresh_from_db()
    assert first.theme_id is None and first.answer_id == answer.pk


def test_the_filters_choose_the_comments_shown() -> None:
    consultation = consultation_module(now=NOW)
    contact = invitation(consultation, "Funktionsrätt")
    on_goal = comment(consultation, number="2.1", text="Om målen.")
    whole = comment(consultation, number=None, text="Om hela dokumentet.")
    by_org = Comment.objects.create(
        consultation=consultation,
        paragraph=paragraph(consultation, "1.1"),
        invitation=contact,
        author_name="Anna",
        text="Från föreningen.",
    )
    theme = Theme.objects.create(consultation=consultation, name="Mål", position=1)
    Comment.objects.filter(pk=on_goal.pk).update(theme=theme)
    services.answer_save(
        actor=official_of(consultation),
        consultation=consultation,
        text=services.AnswerText("noted", "Noteras."),
        comment_ids=[whole.pk],
    )
    client, _official = official_client(consultation)

    def shown(query: str) -> set[int]:
        body = client.get(url("answering", consultation) + query).content.decode()
        return {int(pk) for pk in re.findall(r'id="comment-(\d+)"', body)}

    assert shown("") == {on_goal.pk, whole.pk, by_org.pk}
    assert shown("?avsnitt=2") == {on_goal.pk}
    assert shown("?avsnitt=hela") == {whole.pk}
    assert shown(f"?tema={theme.pk}") == {on_goal.pk}
    assert shown("?tema=inget") == {whole.pk, by_org.pk}
    assert shown("?utan_svar=on") == {on_goal.pk, by_org.pk}
    assert shown("?svarande=organisation") == {by_org.pk}
    assert shown("?svarande=invanare") == {on_goal.pk, whole.pk}
    bad = client.get(url("answering", consultation) + "?avsnitt=99")
    assert bad.status_code == 400 and "Välj ett giltigt alternativ" in text(bad)
    page = text(client.get(url("answering", consultation)))
    assert "Funktionsrätt ( genom Anna )" in page or "Funktionsrätt (genom Anna)" in page


def test_held_comments_are_listed_and_removed_ones_are_not() -> None:
    consultation = consultation_module(now=NOW)
    held = comment(consultation, text="Väntar på en moderator.")
    removed = comment(consultation, text="Borttagen av moderator.")
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.HELD)
    Comment.objects.filter(pk=removed.pk).update(status=Comment.Status.REMOVED)
    client, _official = official_client(consultation)
    response = client.get(url("answering", consultation))
    page = text(response)
    assert "Väntar på en moderator." in page and "Väntar på moderering" in page
    assert "Borttagen av moderator." not in page
    assert "0 av 1 synpunkt har svar." in page


def test_an_answer_is_edited_on_its_own_page() -> None:
    consultation = consultation_module(now=NOW)
    first, second = comment(consultation, text="Första."), comment(consultation, text="Andra.")
    answer = services.answer_save(
        actor=official_of(consultation),
        consultation=consultation,
        text=services.AnswerText("not_accepted", "Nej."),
        comment_ids=[first.pk, second.pk],
    )
    client, _official = official_client(consultation)
    address = url("answer_edit", consultation, answer_pk=answer.pk)
    page = text(client.get(address))
    assert "De 2 synpunkterna som svaret gäller" in page
    assert "Första." in page and "Andra." in page
    wrong = client.post(address, {"stance": "accepted", "reason": " "})
    assert wrong.status_code == 400 and "Skriv svaret och skälet." in text(wrong)
    done = client.post(address, {"stance": "accepted", "reason": "Ja, vi ändrar.", "change": "3.2"})
    assert done.status_code == 302
    answer.refresh_from_db()
    assert (answer.stance, answer.reason, answer.change) == ("accepted", "Ja, vi ändrar.", "3.2")
    other = consultation_module(now=NOW)
    assert client.get(url("answer_edit", other, answer_pk=answer.pk)).status_code == 403


# --- Themes --------------------------------------------------------------------------------------


def test_themes_are_added_renamed_and_deleted_with_their_answers_kept() -> None:
    consultation = consultation_module(now=NOW)
    made = comment(consultation)
    client, _official = official_client(consultation)
    address = url("themes", consultation)
    assert client.post(address, {"action": "add", "nytt-name": "Unga"}).status_code == 302
    theme = Theme.objects.get(consultation=consultation)
    twice = client.post(address, {"action": "add", "nytt-name": " Unga "})
    assert twice.status_code == 400
    assert "Det finns redan ett tema med det namnet." in text(twice)
    empty = client.post(
        address, {"action": "rename", "theme": theme.pk, f"tema-{theme.pk}-name": ""}
    )
    assert empty.status_code == 400 and "Ge temat ett namn." in text(empty)
    client.post(
        address, {"action": "rename", "theme": theme.pk, f"tema-{theme.pk}-name": "Ungas röst"}
    )
    theme.refresh_from_db()
    assert theme.name == "Ungas röst"
    Comment.objects.filter(pk=made.pk).update(theme=theme)
    answer = services.answer_save(
        actor=official_of(consultation),
        consultation=consultation,
        text=services.AnswerText("accepted", "Ja."),
        theme=theme,
    )
    assert "1 synpunkt, 0 utan svar" in text(client.get(address))
    asked = client.post(address, {"action": "delete", "theme": theme.pk})
    assert "Vill du ta bort temat Ungas röst?" in text(asked)
    client.post(address, {"action": "delete", "theme": theme.pk, "confirmed": "1"})
    assert not Theme.objects.filter(pk=theme.pk).exists()
    made.refresh_from_db()
    assert made.theme_id is None and made.answer_id == answer.pk


def test_themes_are_proposed_from_the_comments_words() -> None:
    consultation = consultation_module(now=NOW)
    client, _official = official_client(consultation)
    address = url("themes", consultation)
    few = client.post(address, {"action": "propose"})
    assert few.status_code == 400
    assert "Det behövs minst fyra synpunkter med text" in text(few)
    for words in (
        "Bussarna går för sällan på kvällen.",
        "Fler bussar på kvällarna behövs.",
        "Bussen på kvällen är alltid full.",
        "Unga behöver egna mötesplatser.",
        "Mötesplatser för unga saknas.",
        "Unga vill ha fler mötesplatser i byn.",
    ):
        comment(consultation, text=words)
    response = client.post(address, {"action": "propose"})
    assert response.status_code == 302
    assert consultation.themes.count() >= 2
    assert not services.answerable_comments(consultation).filter(theme__isnull=True).exists()
    page = text(client.get(address))
    assert "teman föreslogs" in page and "0 synpunkter saknar tema." in page


# --- The consultation's page ---------------------------------------------------------------------


def test_manage_shows_the_versions_counts_and_next_step() -> None:
    consultation = consultation_module(now=NOW)
    comment(consultation)
    comment(consultation, number=None)
    invitation(consultation)
    client, _official = official_client(consultation)
    response = client.get(url("manage", consultation))
    page = text(response)
    body = response.content.decode()
    assert "Besvara 2 synpunkter" in page
    assert url("version", consultation, number=1) in body
    assert url("staff_compilation", consultation) in body
    assert "0 av 2 synpunkter har svar." in page
    assert "Från invånare 2" in page and "Om hela dokumentet 1" in page
    assert "Inbjudna 1" in page
    for name in PAGES:
        assert url(name, consultation) in body, name
    for made in consultation.comments.all():
        services.answer_save(
            actor=official_of(consultation),
            consultation=consultation,
            text=services.AnswerText("noted", "Tack."),
            comment_ids=[made.pk],
        )
    assert "Samrådstiden pågår." in text(client.get(url("manage", consultation)))
    with time_machine.travel(NOW + timedelta(days=15), tick=False):
        later, _official = official_client(consultation)  # a session of that day
        assert "Publicera samrådsredogörelsen" in text(later.get(url("manage", consultation)))


# --- Queries -------------------------------------------------------------------------------------


def _many(consultation: Consultation, count: int, start: int) -> None:
    """``count`` comments on every kind of passage, by residents and an organisation, some
    with a theme and an answer."""
    numbers = ["1", "1.1", "1.2", "2.1", "2.2", "3.1", "3.2.1", None]
    contact = consultation.invitations.first() or invitation(consultation, "Förening")
    theme = consultation.themes.first() or Theme.objects.create(
        consultation=consultation, name="Tema", position=1
    )
    answer = consultation.answers.first() or Answer.objects.create(
        consultation=consultation, stance="noted", reason="Noteras.", answered_at=NOW
    )
    rows = []
    for n in range(start, start + count):
        number = numbers[n % len(numbers)]
        rows.append(
            Comment(
                consultation=consultation,
                paragraph=paragraph(consultation, number) if number else None,
                invitation=contact if n % 3 == 0 else None,
                author_name=f"Person {n}",
                text=f"Synpunkt {n}.",
                theme=theme if n % 2 else None,
                answer=answer if n % 4 == 0 else None,
                status=Comment.Status.HELD if n % 7 == 0 else Comment.Status.PUBLISHED,
            )
        )
    Comment.objects.bulk_create(rows)


def test_the_answering_page_queries_do_not_grow_with_the_comments() -> None:
    consultation = consultation_module(now=NOW)
    client, _official = official_client(consultation)
    _many(consultation, 8, 0)
    client.get(url("answering", consultation))  # warm the caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("answering", consultation)).status_code == 200
    _many(consultation, 292, 8)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("answering", consultation))
    assert response.content.decode().count('class="card" id="comment-') == 300
    assert len(many.captured_queries) == len(few.captured_queries)
    with CaptureQueriesContext(connection) as filtered:
        client.get(url("answering", consultation) + "?avsnitt=1&utan_svar=on")
    assert len(filtered.captured_queries) == len(few.captured_queries)
