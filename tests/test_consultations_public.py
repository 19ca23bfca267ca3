"""The public side of a consultation on a draft, through the test client: the document and its
versions, a passage's comments and the comment form (for oneself or on behalf of an invited
organisation), agreeing, the invited organisation's page and comparing versions. Phases are
placed around a fixed NOW, never on calendar dates."""

from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from delaktig.consultations import services
from delaktig.consultations.models import Comment, Consultation
from delaktig.consultations.workflow import ConsultationStatus
from delaktig.moderation.models import ConversationRules
from tests.consultations_factories import (
    DRAFT,
    NOW,
    after_comments,
    comment,
    consultation_module,
    contact,
    invitation,
    official_of,
    paragraph,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(name: str, consultation: Consultation, **kwargs: Any) -> str:
    return reverse(f"consultations:{name}", kwargs={"module_pk": consultation.module_id, **kwargs})


def passage_url(consultation: Consultation, number: str) -> str:
    return url("paragraph", consultation, key=paragraph(consultation, number).key)


def html_of(response: Any) -> str:
    return str(response.content.decode())


def new_version(consultation: Consultation, source: str, changes: str = "") -> None:
    official = official_of(consultation)
    services.version_save(
        actor=official, consultation=consultation, title="", source=source, changes=changes
    )
    services.version_publish(actor=official, consultation=consultation)


# An edit of DRAFT: a new paragraph first in "Mål" (so 2.1 becomes 2.2), a word changed in
# "Strategin gäller alla nämnder." and "Dialogerna når unga och äldre." taken out.
DRAFT_2 = (
    DRAFT.replace(
        "Fler invånare deltar i dialoger.",
        "Alla kan delta på sitt eget språk.\n\nFler invånare deltar i dialoger.",
    )
    .replace("Strategin gäller alla nämnder.", "Strategin gäller alla nämnder och bolag.")
    .replace("Dialogerna når unga och äldre.\n\n", "")
)


# --- Reading -----------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_every_public_page_is_there_for_anyone(client: Client) -> None:
    consultation = consultation_module(now=NOW)
    comment(consultation, number="2.1", text="Lägg till äldre.")
    process = client.get(consultation.module.process.get_absolute_url())
    assert process.status_code == 200
    assert "Läs utkastet och lämna synpunkter" in html_of(process)
    assert "1 synpunkt" in html_of(process)

    page = client.get(url("document", consultation))
    assert page.status_code == 200
    html = html_of(page)
    assert "Version 1, publicerad" in html
    assert 'id="p-2.1"' in html and 'href="#p-2"' in html  # anchors and the contents
    assert f'href="{passage_url(consultation, "2.1")}#lamna-synpunkt">Kommentera 2.1</a>' in html
    assert "Kommentera avsnitt 3.2" in html  # a section is commented the same way
    assert '1 synpunkt<span class="visually-hidden"> på 2.1</span>' in html
    assert "Lämna en synpunkt på hela dokumentet" in html
    assert "Du kan lämna synpunkter till och med" in html
    assert "Jämför versioner" not in html  # only one version

    for path in (
        url("version", consultation, number=1),
        passage_url(consultation, "2.1"),
        url("whole", consultation),
        url("compare", consultation),
    ):
        assert client.get(path).status_code == 200, path
    section = html_of(client.get(passage_url(consultation, "3.2")))
    assert "Synpunkter på avsnitt 3.2" in section and "Digitala verktyg" in section
    passage = html_of(client.get(passage_url(consultation, "2.1")))
    assert "Lägg till äldre." in passage
    assert "Logga in för att lämna en synpunkt" in passage
    here = passage_url(consultation, "2.1")
    assert f'href="/konto/login/?next={here}%23lamna-synpunkt">Logga in' in passage
    assert 'name="text"' not in passage


def test_a_draft_consultation_and_an_unpublished_version_are_not_public(client: Client) -> None:
    draft = consultation_module(now=NOW, source=None)
    assert client.get(url("document", draft)).status_code == 404
    process = client.get(draft.module.process.get_absolute_url())
    assert "Utkastet förbereds och läggs ut på samråd snart." in html_of(process)
    assert client.get(url("whole", draft)).status_code == 404
    consultation = consultation_module(now=NOW)
    services.version_save(
        actor=official_of(consultation), consultation=consultation, title="", source=DRAFT_2
    )  # version 2, not published
    assert client.get(url("version", consultation, number=2)).status_code == 404
    assert client.get(url("version", consultation, number=9)).status_code == 404
    assert client.get(url("document", consultation)).status_code == 200
    assert client.get(url("paragraph", consultation, key=999)).status_code == 404


def test_the_document_page_makes_the_same_queries_for_20_and_400_paragraphs(
    client: Client,
) -> None:
    def queries(count: int) -> int:
        source = "# Titel\n\n## Avsnitt\n\n" + "\n\n".join(
            f"Stycke nummer {n} om något." for n in range(count - 1)
        )
        consultation = consultation_module(now=NOW, source=source)
        comment(consultation, number="1.2")
        invitation(consultation)
        with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as done:
            response = client.get(url("document", consultation))
        assert response.status_code == 200
        assert html_of(response).count('id="p-') == count
        return len(done.captured_queries)

    assert queries(20) == queries(400)


# --- Commenting --------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_resident_comments_on_a_paragraph(client: Client) -> None:
    consultation = consultation_module(now=NOW)
    resident = UserFactory(display_name="Anna A")
    client.force_login(resident)
    here = passage_url(consultation, "2.1")
    form = html_of(client.get(here))
    assert 'name="text"' in form and "Lämna en synpunkt på stycke 2.1" in form
    assert '<input type="hidden" name="invitation"' in form  # speaks for no organisation

    response = client.post(here, {"text": "Skriv ut vilka dialoger som avses."})
    made = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{here}?synpunkt={made.pk}#synpunkt-{made.pk}"
    assert (made.paragraph, made.author, made.invitation) == (
        paragraph(consultation, "2.1"),
        resident,
        None,
    )
    page = html_of(client.get(here))
    assert "Tack! Din synpunkt är publicerad." in page
    assert "Skriv ut vilka dialoger som avses." in page and "Anna A" in page
    assert "Det här är din synpunkt." in page  # no agree button on one's own
    assert f'id="agree-button-{made.pk}"' not in page
    assert "1 synpunkt<span" in html_of(client.get(url("document", consultation)))


@time_machine.travel(NOW, tick=False)
def test_a_comment_on_the_whole_document(client: Client) -> None:
    consultation = consultation_module(now=NOW)
    client.force_login(UserFactory())
    response = client.post(url("whole", consultation), {"text": "Bra strategi i stort."})
    assert response.status_code == 302
    assert Comment.objects.get().paragraph is None
    page = html_of(client.get(url("whole", consultation)))
    assert "Bra strategi i stort." in page
    assert "1 synpunkt på hela dokumentet" in html_of(client.get(url("document", consultation)))


@time_machine.travel(NOW, tick=False)
def test_errors_keep_what_was_typed(client: Client) -> None:
    consultation = consultation_module(now=NOW)
    client.force_login(UserFactory())
    here = passage_url(consultation, "1.1")
    response = client.post(here, {"text": "   "})
    assert response.status_code == 400 and "Skriv din synpunkt." in html_of(response)
    long = "Ord " * 1300
    response = client.post(here, {"text": long})
    html = html_of(response)
    assert response.status_code == 400
    assert "Synpunkten får vara högst 5000 tecken." in html and "Ord Ord Ord" in html
    assert 'class="error-summary"' in html
    assert not Comment.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_personal_data_is_sent_as_it_is_only_when_asked_and_then_held(client: Client) -> None:
    consultation = consultation_module(now=NOW)
    author = UserFactory()
    client.force_login(author)
    here = passage_url(consultation, "1.1")
    text = "Mitt personnummer är 811218-9876."
    response = client.post(here, {"text": text})
    html = html_of(response)
    assert response.status_code == 400
    assert 'name="personal_data_ok"' in html and text in html
    assert not Comment.objects.exists()
    response = client.post(here, {"text": text, "personal_data_ok": "on"}, follow=True)
    made = Comment.objects.get()
    assert made.status == Comment.Status.HELD
    html = html_of(response)
    assert "granskas av en moderator" in html and "Väntar på granskning" in html
    client.force_login(UserFactory())  # someone else does not see it
    html = html_of(client.get(here))
    assert text not in html and "Inga synpunkter ännu." in html


@time_machine.travel(NOW, tick=False)
def test_the_conversation_rules_are_asked_for_before_a_first_comment(client: Client) -> None:
    consultation = consultation_module(now=NOW)
    ConversationRules.objects.create(
        organisation=consultation.module.process.organisation, text="Håll god ton."
    )
    client.force_login(UserFactory())
    here = passage_url(consultation, "1.1")
    assert 'name="accept_rules"' in html_of(client.get(here))
    response = client.post(here, {"text": "En synpunkt."})
    assert response.status_code == 400 and "En synpunkt." in html_of(response)
    assert not Comment.objects.exists()
    response = client.post(here, {"text": "En synpunkt.", "accept_rules": "on"})
    assert response.status_code == 302 and Comment.objects.count() == 1


def test_no_comments_outside_the_comment_period(client: Client) -> None:
    consultation = consultation_module(now=NOW)
    here = passage_url(consultation, "2.1")
    with time_machine.travel(after_comments(consultation), tick=False):
        client.force_login(UserFactory())
        page = html_of(client.get(here))
        assert "Samrådstiden slutade" in page and 'name="text"' not in page
        document = html_of(client.get(url("document", consultation)))
        assert "Kommentera 2.1" not in document and "Samrådstiden slutade" in document
        response = client.post(here, {"text": "För sent."})
        assert response.status_code == 409
    assert not Comment.objects.exists()
    early = consultation_module(now=NOW, stage="report")  # the comment phase comes first …
    with time_machine.travel(NOW, tick=False):
        assert "Samrådstiden slutade" in html_of(client.get(url("document", early)))


def test_a_logged_out_post_is_sent_to_log_in(client: Client) -> None:
    consultation = consultation_module(now=NOW)
    here = passage_url(consultation, "2.1")
    with time_machine.travel(NOW, tick=False):
        response = client.post(here, {"text": "Hej"})
    assert response.status_code == 302 and "next=" in response["Location"]
    assert not Comment.objects.exists()


# --- On behalf of an invited organisation ------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_contact_comments_on_behalf_of_the_organisation(client: Client) -> None:
    consultation = consultation_module(now=NOW)
    invited = invitation(consultation, "Pensionärsföreningen", contact_email="anna@pf.example")
    anna = contact("anna@pf.example")
    anna.display_name = "Anna A"
    anna.save()
    client.force_login(anna)
    here = passage_url(consultation, "2.2")
    form = html_of(client.get(f"{here}?for={invited.pk}"))
    assert "Jag svarar för" in form and "Mig själv" in form and "Pensionärsföreningen" in form
    assert f'value="{invited.pk}" id="id_invitation_1" checked>' in form  # ?for= chose it
    response = client.post(here, {"text": "Tänk på de äldre.", "invitation": invited.pk})
    assert response.status_code == 302
    assert Comment.objects.get().invitation == invited
    client.logout()
    page = html_of(client.get(here))
    assert "Pensionärsföreningen (genom Anna A)" in page
    table = html_of(client.get(url("document", consultation)))
    assert "Pensionärsföreningen" in table and "Vilka som har svarat" in table


@time_machine.travel(NOW, tick=False)
def test_someone_else_cannot_comment_on_behalf_of_the_organisation(client: Client) -> None:
    consultation = consultation_module(now=NOW)
    invited = invitation(consultation, "Pensionärsföreningen")
    client.force_login(UserFactory())
    here = passage_url(consultation, "2.2")
    assert "Jag svarar för" not in html_of(client.get(here))
    response = client.post(here, {"text": "Jag låtsas.", "invitation": invited.pk})
    assert response.status_code == 403
    assert "Du är inte kontaktperson för Pensionärsföreningen." in html_of(response)
    assert "Jag låtsas." in html_of(response)
    assert not Comment.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_invitation_page_is_the_contacts_and_takes_nothing_to_add(client: Client) -> None:
    consultation = consultation_module(now=NOW)
    invited = invitation(consultation, "Företagarna", contact_email="kim@f.example")
    page = url("invitation", consultation, invitation_pk=invited.pk)
    assert client.get(page).status_code == 302  # log in first
    client.force_login(UserFactory())
    assert client.get(page).status_code == 403
    client.force_login(contact("kim@f.example"))
    html = html_of(client.get(page))
    assert "Remissvar från Företagarna" in html and "Vi har inget att invända" in html
    assert f"?for={invited.pk}#lamna-synpunkt" in html
    response = client.post(page, {"no_comments": "1"}, follow=True)
    assert "inte har något att invända" in html_of(response)
    invited.refresh_from_db()
    assert invited.no_comments_at is not None
    assert "Ja, inget att invända" in html_of(client.get(url("document", consultation)))
    other = consultation_module(now=NOW)
    assert (
        client.get(url("invitation", other, invitation_pk=invited.pk)).status_code == 404
    )  # not this consultation's


# --- Agreeing ----------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_agreeing_and_taking_it_back(client: Client) -> None:
    consultation = consultation_module(now=NOW)
    author = UserFactory()
    made = comment(consultation, number="2.1", author=author)
    here = passage_url(consultation, "2.1")
    agree = url("agree", consultation, comment_pk=made.pk)
    assert client.post(agree, {"agree": "1"}).status_code == 302  # to log in
    client.force_login(UserFactory())
    response = client.post(agree, {"agree": "1", "next": here})
    assert response.status_code == 302 and response["Location"] == here
    client.post(agree, {"agree": "1"})  # twice counts once
    made.refresh_from_db()
    assert made.agreements_count == 1
    html = html_of(client.get(here))
    assert "1 person håller med" in html and "Ta tillbaka att jag håller med" in html
    fragment = client.post(agree, {"agree": "0"}, headers={"HX-Request": "true"})
    assert "<html" not in html_of(fragment) and "0 personer håller med" in html_of(fragment)
    assert f'id="agree-{made.pk}"' in html_of(fragment)
    made.refresh_from_db()
    assert made.agreements_count == 0
    elsewhere = client.post(agree, {"agree": "1", "next": "https://example.com/"})
    assert elsewhere["Location"] == f"{here}?synpunkt={made.pk}#synpunkt-{made.pk}"
    client.force_login(author)
    assert client.post(agree, {"agree": "1"}).status_code == 400  # not one's own
    made.refresh_from_db()
    assert made.agreements_count == 1


def test_agreeing_is_post_only_and_ends_with_the_period(client: Client) -> None:
    consultation = consultation_module(now=NOW)
    made = comment(consultation)
    agree = url("agree", consultation, comment_pk=made.pk)
    with time_machine.travel(after_comments(consultation), tick=False):
        client.force_login(UserFactory())
        assert client.get(agree).status_code == 405
        assert client.post(agree, {"agree": "1"}).status_code == 409
        assert "Håll med" not in html_of(client.get(passage_url(consultation, "2.1")))


# --- Answers and versions ----------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_answers_show_only_once_the_compilation_is_published(client: Client) -> None:
    consultation = consultation_module(now=NOW)
    made = comment(consultation, number="2.1")
    services.answer_save(
        actor=official_of(consultation),
        consultation=consultation,
        text=services.AnswerText("partly", "Vi lägger till unga.", "Stycke 2.1 har skrivits om."),
        comment_ids=[made.pk],
    )
    here = passage_url(consultation, "2.1")
    assert "Vi lägger till unga." not in html_of(client.get(here))
    Consultation.objects.filter(pk=consultation.pk).update(
        status=ConsultationStatus.PUBLISHED, compilation={}
    )
    html = html_of(client.get(here))
    assert "Tillgodoses delvis" in html and "Vi lägger till unga." in html
    assert "Stycke 2.1 har skrivits om." in html
    assert "samrådsredogörelsen är publicerad" in html and 'name="text"' not in html
    process = html_of(client.get(consultation.module.process.get_absolute_url()))
    assert f'href="{url("compilation", consultation)}"' in process


@time_machine.travel(NOW, tick=False)
def test_a_new_version_keeps_comments_on_their_passage_and_says_where_they_were_made(
    client: Client,
) -> None:
    consultation = consultation_module(now=NOW)
    moved = comment(consultation, number="2.1", text="Om deltagandet.")
    gone = comment(consultation, number="2.2", text="Om unga och äldre.")
    assert moved.paragraph is not None and gone.paragraph is not None
    new_version(consultation, DRAFT_2, changes="Ett nytt stycke om språk.")
    assert paragraph(consultation, "2.2").key == moved.paragraph.key  # 2.1 is 2.2 now
    html = html_of(client.get(passage_url(consultation, "2.2")))
    assert "Om deltagandet." in html and "Gjord på version 1, stycke 2.1" in html
    document = html_of(client.get(url("document", consultation)))
    assert "Version 2, publicerad" in document and "Ett nytt stycke om språk." in document
    assert "Jämför versioner" in document
    assert 'href="/m/consultation/' in document and "version 1</a>" in document
    old = html_of(client.get(url("version", consultation, number=1)))
    assert "Det här är inte den senaste versionen" in old and "Kommentera 2.1" not in old
    removed = html_of(client.get(url("paragraph", consultation, key=gone.paragraph.key)))
    assert "Stycket finns inte med i den senaste versionen" in removed
    assert "Om unga och äldre." in removed and 'name="text"' not in removed


@time_machine.travel(NOW, tick=False)
def test_compare_shows_what_changed_word_by_word(client: Client) -> None:
    consultation = consultation_module(now=NOW)
    new_version(consultation, DRAFT_2)
    response = client.get(url("compare", consultation))
    assert response.status_code == 200
    html = html_of(response)
    assert (
        'Strategin gäller alla <del><span class="visually-hidden">Borttaget: </span>nämnder.</del>'
        # A space between the removed and the added words: not "nämnder.nämnder och bolag."
        ' <ins><span class="visually-hidden">Tillagt: </span>nämnder och bolag.</ins>'
    ) in html
    assert "Nytt stycke 2.1" in html and "Alla kan delta på sitt eget språk." in html
    assert "Borttaget stycke (2.2 i version 1)" in html and "<del>" in html
    assert "(tidigare 2.1)" in html  # renumbered, unchanged
    assert "stycken är oförändrade" in html and "<details>" in html
    back = html_of(client.get(url("compare", consultation) + "?fran=2&till=1"))
    assert "Ändringar från version 2 till version 1" in back
    for bad in ("?fran=x&till=2", "?fran=1&till=7", "?fran=2&till=2"):
        response = client.get(url("compare", consultation) + bad)
        assert response.status_code == 400, bad
        assert 'class="error-summary"' in html_of(response)
