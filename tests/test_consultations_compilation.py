"""The compilation (samrådsredogörelse): what it holds and in which order, how it names people,
its figures, the stored record, the public page, the tagged PDF and the Word file, publishing
it from the staff page, the e-mails, and the link from the process page."""

import io
import json
import re
from datetime import datetime, timedelta
from typing import Any, cast

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from delaktig.accounts.models import User
from delaktig.consultations import services
from delaktig.consultations.compilation import (
    ANONYMISED,
    DELETED,
    ORGANISATION,
    RESIDENT,
    Compilation,
    build,
    forget_deleted,
)
from delaktig.consultations.models import Comment, Consultation
from delaktig.consultations.services import AnswerText
from delaktig.core.errors import Conflict, ValidationFailed
from delaktig.notifications.models import OutgoingEmail
from tests.consultations_factories import (
    DRAFT,
    NOW,
    after_comments,
    comment,
    consultation_module,
    contact,
    invitation,
    official_of,
)
from tests.factories import OrganisationFactory, UserFactory, role

pytestmark = pytest.mark.django_db


def url(name: str, consultation: Consultation) -> str:
    return reverse(f"consultations:{name}", kwargs={"module_pk": consultation.module_id})


def text(response: Any) -> str:
    """The page with runs of white space made one."""
    return re.sub(r"\s+", " ", response.content.decode())


def answer_all(
    consultation: Consultation, stance: str = "accepted", reason: str = "Vi håller med."
) -> None:
    official = official_of(consultation)
    ids = list(services.answerable_comments(consultation).values_list("pk", flat=True))
    services.answer_save(
        actor=official,
        consultation=consultation,
        text=AnswerText(stance, reason, "Stycket har skrivits om."),
        comment_ids=ids,
    )


def publish(consultation: Consultation, summary: str = "Det kom in synpunkter.") -> Consultation:
    with time_machine.travel(after_comments(consultation), tick=False):
        return services.compilation_publish(
            actor=official_of(consultation), consultation=consultation, summary=summary
        )


def at(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


@pytest.fixture
def consultation() -> Consultation:
    return consultation_module(now=NOW)


# --- What it holds ----------------------------------------------------------------------


def test_comments_come_in_document_order_grouped_by_section(consultation: Consultation) -> None:
    late = comment(consultation, number="1.1", text="Senare om 1.1.", now=at(30))
    on_three = comment(consultation, number="3.1", text="Om återkopplingen.", now=at(1))
    whole = comment(consultation, number=None, text="Om hela strategin.", now=at(2))
    early = comment(consultation, number="1.1", text="Tidigt om 1.1.", now=at(3))
    on_heading = comment(consultation, number="1", text="Om hela inledningen.", now=at(4))
    second = comment(consultation, number="1.2", text="Om nämnderna.", now=at(5))
    preamble = comment(consultation, number="0.1", text="Om första stycket.", now=at(6))
    sub = comment(consultation, number="3.2.1", text="Om plattformen.", now=at(7))

    data = build(consultation)

    assert [(s.kind, s.number, s.label) for s in data.sections] == [
        ("whole", "", "Hela dokumentet"),
        ("preamble", "", "Före första avsnittet"),
        ("section", "1", "1 Inledning"),
        ("section", "3", "3 Arbetssätt"),
    ]
    texts = [e.text for e in data.entries]
    expected = [whole, preamble, on_heading, early, late, second, on_three, sub]
    assert texts == [c.text for c in expected]
    assert [e.number for e in data.entries] == list(range(1, 9))
    assert [e.anchor for e in data.entries][:2] == ["synpunkt-1", "synpunkt-2"]
    labels = [e.passage_label for e in data.entries]
    assert labels[:4] == ["Hela dokumentet", "Stycke 0.1", "Avsnitt 1", "Stycke 1.1"]
    assert data.entries[-1].passage == "3.2.1" and data.entries[-1].version == 1
    assert data.title == "Demokratistrategi 2027–2030"
    assert data.organisation == consultation.module.process.organisation.name
    assert data.process == consultation.module.process.title
    assert [v.number for v in data.versions] == [1]
    assert data.period.starts_on == "2031-03-02" and data.period.ends_on == "2031-03-22"


def test_residents_are_named_or_numbered_and_organisations_by_name(
    consultation: Consultation,
) -> None:
    anna = UserFactory(display_name="Anna Andersson")
    bo = UserFactory(display_name="Bo Berg")
    council = invitation(consultation, "Region Skånes pensionärsråd")
    speaker = contact(council.contact_email)
    comment(consultation, number="2.1", author=anna, text="Annas andra.", now=at(9))
    comment(consultation, number="1.1", author=anna, text="Annas första.", now=at(1))
    comment(consultation, number="1.2", author=bo, text="Bos.", now=at(2))
    comment(
        consultation, number="1.2", author=speaker, invitation=council, text="Rådets.", now=at(3)
    )

    named = build(consultation)
    assert [(e.text, e.author.kind, e.author.label) for e in named.entries] == [
        ("Annas första.", RESIDENT, "Anna Andersson"),
        ("Bos.", RESIDENT, "Bo Berg"),
        ("Rådets.", ORGANISATION, "Region Skånes pensionärsråd"),
        ("Annas andra.", RESIDENT, "Anna Andersson"),
    ]

    Consultation.objects.filter(pk=consultation.pk).update(anonymise_residents=True)
    consultation.refresh_from_db()
    anonymised = build(consultation)
    assert [e.author.label for e in anonymised.entries] == [
        "Invånare 1",
        "Invånare 2",
        "Region Skånes pensionärsråd",
        "Invånare 1",
    ]
    assert anonymised.anonymised and anonymised.entries[0].author.kind == ANONYMISED
    # The record holds no resident's name when residents are anonymised.
    assert "Andersson" not in json.dumps(anonymised.as_json())


def test_a_deleted_account_shows_as_deleted_before_and_after_publishing(
    consultation: Consultation,
) -> None:
    gone, stays = UserFactory(display_name="Gunnar"), UserFactory(display_name="Stina")
    comment(consultation, number="1.1", author=gone, now=at(1))
    comment(consultation, number="1.2", author=stays, now=at(2))
    answer_all(consultation)
    published = publish(consultation)
    record = Compilation.from_json(cast(dict[str, Any], published.compilation))
    assert [e.author.label for e in record.entries] == ["Gunnar", "Stina"]

    User.objects.filter(pk=gone.pk).update(deleted_at=timezone.now(), display_name="")
    shown = forget_deleted(record)
    assert [e.author.label for e in shown.entries] == ["Borttagen användare", "Stina"]
    assert shown.entries[0].author.kind == DELETED
    # A fresh build says the same.
    assert build(published).entries[0].author.label == "Borttagen användare"


def test_a_held_comment_is_listed_without_its_text_and_a_removed_one_not_at_all(
    consultation: Consultation,
) -> None:
    held = comment(consultation, number="1.1", text="Väntar på granskning.", now=at(1))
    removed = comment(consultation, number="1.2", text="Borttagen av moderator.", now=at(2))
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.HELD)
    Comment.objects.filter(pk=removed.pk).update(status=Comment.Status.REMOVED)
    answer_all(consultation)

    data = build(consultation)

    assert len(data.entries) == 1
    entry = data.entries[0]
    assert entry.held and entry.text == "" and entry.answer is not None
    assert "Väntar på granskning." not in json.dumps(data.as_json())


def test_figures_count_sections_respondents_stances_and_invitations(
    consultation: Consultation,
) -> None:
    official = official_of(consultation)
    anna = UserFactory()
    answered = invitation(consultation, "Funktionsrättsrådet")
    quiet = invitation(consultation, "Ungdomsrådet")
    invitation(consultation, "Pensionärsrådet")
    speaker = contact(answered.contact_email)
    first = comment(consultation, number="1.1", author=anna, now=at(1))
    second = comment(consultation, number="2.1", author=anna, now=at(2))
    third = comment(consultation, number="2.2", now=at(3))
    fourth = comment(consultation, number="2.2", author=speaker, invitation=answered)
    with time_machine.travel(at(10), tick=False):
        services.invitation_no_comments(actor=contact(quiet.contact_email), invitation=quiet)
    for stance, ids in (("accepted", [first.pk]), ("partly", [second.pk, third.pk])):
        services.answer_save(
            actor=official,
            consultation=consultation,
            text=AnswerText(stance, "Skäl."),
            comment_ids=ids,
        )

    data = build(consultation)

    assert data.total == 4 and data.unanswered == 1
    assert [(f.label, f.comments) for f in data.by_section] == [
        ("1 Inledning", 1),
        ("2 Mål", 3),
    ]
    assert [(f.key, f.comments, f.respondents) for f in data.by_respondent] == [
        ("residents", 3, 2),
        ("organisations", 1, 1),
    ]
    assert [(f.key, f.comments) for f in data.by_stance] == [
        ("accepted", 1),
        ("partly", 2),
        ("not_accepted", 0),
        ("noted", 0),
        ("unanswered", 1),
    ]
    assert [(i.name, i.status, i.status_label) for i in data.invitations] == [
        ("Funktionsrättsrådet", "answered", "Svarade med en synpunkt"),
        ("Pensionärsrådet", "no_answer", "Svarade inte"),
        ("Ungdomsrådet", "no_comments", "Svarade: inget att invända"),
    ]
    assert fourth.invitation_id == answered.pk


def test_a_comment_knows_its_passage_in_the_latest_version(consultation: Consultation) -> None:
    on_removed = comment(consultation, number="1.1", text="Om det som tas bort.", now=at(1))
    on_moved = comment(consultation, number="1.2", text="Om nämnderna.", now=at(2))
    on_kept = comment(consultation, number="2.1", text="Om dialogerna.", now=at(3))
    official = official_of(consultation)
    second = DRAFT.replace("Regionen vill att fler ska vara med och påverka.\n\n", "")
    with time_machine.travel(at(60), tick=False):
        services.version_save(
            actor=official, consultation=consultation, title="", source=second, changes="Kortare."
        )
        services.version_publish(actor=official, consultation=consultation)
    on_new = comment(consultation, number="1.1", text="Om version 2.", now=at(90))

    data = build(consultation)

    entries = {e.text: e for e in data.entries}
    assert entries[on_removed.text].removed_in == 2
    assert entries[on_removed.text].where_now == "borttaget i version 2"
    assert (entries[on_moved.text].passage, entries[on_moved.text].passage_now) == ("1.2", "1.1")
    assert entries[on_moved.text].where_now == "nu 1.1"
    assert entries[on_kept.text].where_now == "" and entries[on_kept.text].version == 1
    assert entries[on_new.text].version == 2 and entries[on_new.text].passage == "1.1"
    assert [(v.number, v.changes) for v in data.versions] == [(1, ""), (2, "Kortare.")]


def test_the_record_reads_back_exactly(consultation: Consultation) -> None:
    council = invitation(consultation, "Region Skånes pensionärsråd")
    comment(consultation, number="1.1", now=at(1))
    comment(consultation, number=None, now=at(2))
    comment(consultation, number="1.2", author=contact(council.contact_email), invitation=council)
    answer_all(consultation)
    data = build(consultation)

    stored = json.loads(json.dumps(data.as_json()))

    assert Compilation.from_json(stored) == data
    assert stored["sections"][0]["entries"][0]["answer"]["stance"] == "accepted"


# --- Publishing ---------------------------------------------------------------------------


def test_publishing_refuses_while_comments_can_be_given(consultation: Consultation) -> None:
    comment(consultation, number="1.1")
    answer_all(consultation)
    with time_machine.travel(NOW, tick=False), pytest.raises(Conflict) as refused:
        services.compilation_publish(
            actor=official_of(consultation), consultation=consultation, summary=""
        )
    assert refused.value.code == "consultations.still_open"


def test_publishing_refuses_with_unanswered_comments(consultation: Consultation) -> None:
    comment(consultation, number="1.1", now=at(1))
    answer_all(consultation)
    held = comment(consultation, number="1.2", now=at(2))
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.HELD)
    with pytest.raises(ValidationFailed) as refused:
        publish(consultation)
    assert refused.value.code == "consultations.unanswered"
    assert refused.value.params == {"count": 1}


def test_publishing_freezes_the_record_and_tells_each_commenter_once(
    consultation: Consultation,
) -> None:
    anna, bo = UserFactory(email="anna@example.se"), UserFactory(email="bo@example.se")
    comment(consultation, number="1.1", author=anna, now=at(1))
    comment(consultation, number="2.1", author=anna, now=at(2))
    comment(consultation, number="2.2", author=bo, now=at(3))
    answer_all(consultation)

    published = publish(consultation, summary="  Tre synpunkter kom in.  ")

    assert published.status == "published" and published.summary == "Tre synpunkter kom in."
    record = Compilation.from_json(cast(dict[str, Any], published.compilation))
    assert record.summary == "Tre synpunkter kom in." and record.total == 3
    assert record.made_on == timezone.localdate(after_comments(consultation)).isoformat()
    emails = OutgoingEmail.objects.filter(template="consultation_compilation")
    assert sorted(e.recipient for e in emails) == ["anna@example.se", "bo@example.se"]
    email = emails.get(recipient="bo@example.se")
    assert "Demokratistrategi 2027–2030" in email.subject
    assert url("compilation", consultation) in email.body
    # A later answer is refused: the record stands.
    with pytest.raises(Conflict):
        answer_all(consultation)


# --- The public page and the files ---------------------------------------------------------


def _published_with_comments(consultation: Consultation) -> Consultation:
    anna = UserFactory(display_name="Anna Andersson")
    council = invitation(consultation, "Region Skånes pensionärsråd")
    comment(
        consultation,
        number="1.1",
        author=anna,
        text="Skriv ut hur unga ska nås.",
        now=at(1),
    )
    comment(
        consultation,
        number="2.1",
        author=contact(council.contact_email),
        invitation=council,
        text="Rådet vill ha fler dialoger på dagtid.",
    )
    answer_all(consultation, reason="Vi lägger till en mening om skolorna.")
    return publish(consultation, summary="Två synpunkter, **båda** tillgodosedda.")


def test_the_page_the_pdf_and_the_word_file_are_404_until_published(
    client: Client, consultation: Consultation
) -> None:
    comment(consultation, number="1.1")
    answer_all(consultation)
    for name in ("compilation", "compilation_pdf", "compilation_docx"):
        assert client.get(url(name, consultation)).status_code == 404


def test_the_published_page_shows_every_comment_with_its_answer(
    client: Client, consultation: Consultation
) -> None:
    published = _published_with_comments(consultation)
    response = client.get(url("compilation", published))
    assert response.status_code == 200
    page = text(response)
    assert "<h1>Samrådsredogörelse: Demokratistrategi 2027–2030</h1>" in page
    assert "Skriv ut hur unga ska nås." in page and "Anna Andersson" in page
    assert "Synpunkt 2 från Region Skånes pensionärsråd" in page
    assert "Vi lägger till en mening om skolorna." in page
    assert "Svar: Tillgodoses" in page and "<strong>båda</strong>" in page
    assert 'id="synpunkt-1"' in page and "<caption" in page
    assert url("compilation_pdf", published) in page and url("compilation_docx", published) in page


def test_the_pdf_is_tagged_with_the_language_and_title(
    client: Client, consultation: Consultation
) -> None:
    published = _published_with_comments(consultation)
    response = client.get(url("compilation_pdf", published))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    slug = published.module.process.slug
    assert response["Content-Disposition"] == (
        f'attachment; filename="samradsredogorelse-{slug}.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.content))
    catalog = reader.root_object
    assert cast(DictionaryObject, catalog["/MarkInfo"].get_object())["/Marked"]
    assert catalog["/Lang"] == "sv"
    assert reader.metadata is not None
    assert reader.metadata.title == "Samrådsredogörelse: Demokratistrategi 2027–2030"

    def tags(node: Any, found: set[str]) -> set[str]:
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                tags(child, found)
        elif hasattr(node, "keys"):
            if "/S" in node:
                found.add(str(node["/S"]))
            if "/K" in node:
                tags(node["/K"], found)
        return found

    assert {"/H1", "/H2", "/H3", "/H4", "/Table", "/TH", "/TD"} <= tags(
        catalog["/StructTreeRoot"], set()
    )
    content = re.sub(r"\s+", " ", "".join(page.extract_text() for page in reader.pages))
    assert "Skriv ut hur unga ska nås." in content
    assert "Vi lägger till en mening om skolorna." in content


def test_the_word_file_has_headings_comments_answers_and_tables(
    client: Client, consultation: Consultation
) -> None:
    import docx

    published = _published_with_comments(consultation)
    response = client.get(url("compilation_docx", published))
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert response["Content-Disposition"].endswith('.docx"')
    document = docx.Document(io.BytesIO(response.content))
    paragraphs = document.paragraphs
    headings = [p.text for p in paragraphs if p.style is not None and p.style.name == "Heading 2"]
    assert paragraphs[0].style is not None and paragraphs[0].style.name == "Title"
    assert "1 Inledning" in headings and "2 Mål" in headings
    body = "\n".join(p.text for p in paragraphs)
    assert "Skriv ut hur unga ska nås." in body
    assert "Vi lägger till en mening om skolorna." in body
    assert "Svar: Tillgodoses" in body and "Två synpunkter, båda tillgodosedda." in body
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert ["Region Skånes pensionärsråd", "22 mars 2031", "Svarade med en synpunkt"] in rows
    assert ["Invånare", "1", "1"] in rows and ["Organisationer", "1", "1"] in rows
    assert document.core_properties.language == "sv-SE"
    assert document.core_properties.title == "Samrådsredogörelse: Demokratistrategi 2027–2030"


def test_the_process_page_links_to_the_published_compilation(
    client: Client, consultation: Consultation
) -> None:
    process_url = consultation.module.process.get_absolute_url()
    assert url("compilation", consultation) not in text(client.get(process_url))
    published = _published_with_comments(consultation)
    page = text(client.get(process_url))
    assert url("compilation", published) in page and url("compilation_pdf", published) in page


# --- The staff page --------------------------------------------------------------------------


def test_the_staff_page_is_for_those_who_manage_the_consultation(
    client: Client, consultation: Consultation
) -> None:
    address = url("staff_compilation", consultation)
    assert client.get(address).status_code == 302  # to the login
    client.force_login(UserFactory())
    assert client.get(address).status_code == 403
    client.force_login(role(UserFactory(), "official", OrganisationFactory()))
    assert client.get(address).status_code == 403
    client.force_login(official_of(consultation))
    response = client.get(address)
    assert response.status_code == 200
    assert "Förhandsvisning" in text(response)


def test_the_staff_page_previews_keeps_the_summary_and_explains_a_refusal(
    client: Client, consultation: Consultation
) -> None:
    comment(consultation, number="1.1", text="Om delaktigheten.", now=at(1))
    official = official_of(consultation)
    address = url("staff_compilation", consultation)
    with time_machine.travel(NOW, tick=False):
        client.force_login(official)
        page = text(client.get(address))
        assert "Om delaktigheten." in page and "1 synpunkter saknar svar" not in page
        assert "En synpunkt saknar svar." in page and "Samrådstiden pågår." in page

        response = client.post(address, {"summary": "Sammanfattat.", "action": "save"})
        assert response.status_code == 302
        consultation.refresh_from_db()
        assert consultation.summary == "Sammanfattat."

        # Still open and unanswered: no question first, the refusal shown, the text kept.
        response = client.post(address, {"summary": "Mitt utkast.", "action": "publish"})
    assert response.status_code == 409
    page = text(response)
    assert "Synpunkter kan fortfarande lämnas." in page and "Mitt utkast." in page
    with time_machine.travel(after_comments(consultation), tick=False):
        client.force_login(official)
        response = client.post(address, {"summary": "Mitt utkast.", "action": "publish"})
    assert response.status_code == 400
    assert "Utan svar än: 1." in text(response) and "Mitt utkast." in text(response)
    consultation.refresh_from_db()
    assert consultation.status == "open"


def test_the_staff_page_asks_then_publishes(client: Client, consultation: Consultation) -> None:
    comment(consultation, number="1.1", now=at(1))
    answer_all(consultation)
    official = official_of(consultation)
    address = url("staff_compilation", consultation)
    form = {"summary": "Allt är besvarat.", "action": "publish"}
    with time_machine.travel(after_comments(consultation), tick=False):
        client.force_login(official)
        asked = client.post(address, form)
        assert asked.status_code == 200 and "Vill du publicera samrådsredogörelsen" in text(asked)
        consultation.refresh_from_db()
        assert consultation.status == "open"

        done = client.post(address, form | {"confirmed": "1"})
        assert done.status_code == 302 and done["Location"] == address
        page = text(client.get(address))
    consultation.refresh_from_db()
    assert consultation.status == "published" and consultation.summary == "Allt är besvarat."
    assert "Samrådsredogörelsen är publicerad." in page
    assert url("compilation", consultation) in page
    assert OutgoingEmail.objects.filter(template="consultation_compilation").count() == 1


# --- The other e-mails -----------------------------------------------------------------------


def test_the_invitation_reminder_and_version_emails_link_to_the_draft(
    consultation: Consultation,
) -> None:
    official = official_of(consultation)
    document = url("document", consultation)
    with time_machine.travel(NOW, tick=False):
        invited = services.invitation_add(
            actor=official,
            consultation=consultation,
            values=services.InvitationValues(
                name="Region Skånes pensionärsråd",
                deadline=timezone.localdate() + timedelta(days=5),
                contact_email="rad@example.se",
            ),
        )
    email = OutgoingEmail.objects.get(template="consultation_invitation")
    assert email.recipient == "rad@example.se" and "Region Skånes pensionärsråd" in email.body
    assert document in email.body and "Svara senast" in email.subject
    # A contact without an account is told how to get one that answers for the organisation.
    assert "skapa ett med den här e-postadressen" in email.body

    assert services.invitations_remind(NOW) == 0  # not the day it was invited
    assert services.invitations_remind(NOW + timedelta(days=3)) == 1
    email = OutgoingEmail.objects.get(template="consultation_reminder")
    assert invited.name in email.body and document in email.body

    comment(consultation, number="1.1", author=UserFactory(email="anna@example.se"))
    with time_machine.travel(at(60), tick=False):
        services.version_save(
            actor=official, consultation=consultation, title="", source=DRAFT + "\nMer.\n"
        )
        services.version_publish(actor=official, consultation=consultation)
    email = OutgoingEmail.objects.get(template="consultation_version")
    assert email.recipient == "anna@example.se" and "version 2" in email.body
    assert url("compare", consultation) in email.body  # what changed
