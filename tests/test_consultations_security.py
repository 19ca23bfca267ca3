"""A consultation on a draft under a security and privacy review: the platform's limit on
comments, held and removed comments kept out of view everywhere (the organisation's page, the
published compilation, its PDF and Word file, also after publication), the names taken out of
the stored compilation when an account is deleted, the invited organisations' contacts as
personal data, hostile Word files, and odd input that must not become a server error. Phases
are placed around a fixed NOW, never on calendar dates."""

import io
import json
import re
import time
import zipfile
from datetime import date, timedelta
from typing import Any, cast

import docx
import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from docx.parts.document import DocumentPart

from delaktig.accounts.services import account_delete, personal_data_export
from delaktig.consultations import drafts, services
from delaktig.consultations.compilation import Compilation, build
from delaktig.consultations.models import COMMENT_KIND, Comment, Consultation, Invitation, Stance
from delaktig.core.errors import RateLimited, ValidationFailed
from delaktig.councils.models import Council, Membership
from delaktig.moderation import services as moderation
from delaktig.moderation.models import Decision
from delaktig.notifications.models import OutgoingEmail
from tests.concurrency import run_together
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
from tests.factories import UserFactory, role

pytestmark = pytest.mark.django_db

ANSWER = services.AnswerText(Stance.NOTED, "Vi tar med det.")


def url(name: str, consultation: Consultation, **kwargs: Any) -> str:
    return reverse(f"consultations:{name}", kwargs={"module_pk": consultation.module_id, **kwargs})


def page(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def publish(consultation: Consultation) -> Consultation:
    """Answer every comment, and publish the compilation once the comment period is over."""
    official = official_of(consultation)
    ids = list(services.answerable_comments(consultation).values_list("pk", flat=True))
    if ids:
        services.answer_save(
            actor=official, consultation=consultation, text=ANSWER, comment_ids=ids
        )
    with time_machine.travel(after_comments(consultation), tick=False):
        return services.compilation_publish(actor=official, consultation=consultation, summary="")


def record(consultation: Consultation) -> Compilation:
    consultation.refresh_from_db()
    return Compilation.from_json(cast(dict[str, Any], consultation.compilation))


def docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)


# --- The platform's limit on comments ----------------------------------------------------


@override_settings(DELAKTIG_COMMENT_RATE=(3, 60))
def test_a_person_may_send_only_so_many_comments_a_minute() -> None:
    consultation = consultation_module(now=NOW)
    person = UserFactory()
    for minute in range(3):
        comment(consultation, author=person, now=NOW + timedelta(seconds=minute))
    with pytest.raises(RateLimited) as caught:
        comment(consultation, author=person, now=NOW + timedelta(seconds=10))
    assert caught.value.field == "text"
    assert Comment.objects.filter(author=person).count() == 3
    # Others are not held back, and the person may go on a minute later.
    comment(consultation, now=NOW + timedelta(seconds=10))
    comment(consultation, author=person, now=NOW + timedelta(seconds=70))


@override_settings(DELAKTIG_COMMENT_RATE=(1, 60))
@time_machine.travel(NOW, tick=False)
def test_the_limit_is_shown_on_the_form_with_the_text_kept() -> None:
    consultation = consultation_module(now=NOW)
    person = UserFactory()
    comment(consultation, author=person)
    here = url("paragraph", consultation, key=paragraph(consultation, "2.1").key)
    response = logged_in(person).post(
        here, {"text": "En synpunkt till, skriven i all hast.", "accept_rules": "on"}
    )
    assert response.status_code == 429
    html = page(response)
    assert "Vänta en stund och försök igen." in html
    assert "En synpunkt till, skriven i all hast." in html


# --- Held and removed comments ------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_organisations_page_does_not_show_another_contacts_held_text() -> None:
    consultation = consultation_module(now=NOW)
    organisation = consultation.module.process.organisation
    secretary, chair = UserFactory(), UserFactory()
    council = Council.objects.create(
        organisation=organisation,
        kind=Council.Kind.PENSIONERS,
        name="Pensionärsrådet",
        slug="pensionarsradet",
        secretary=secretary,
    )
    Membership.objects.create(
        council=council,
        user=chair,
        name=str(chair),
        role=Membership.Role.CHAIR,
        term_start=date(2030, 1, 1),
        term_end=date(2032, 12, 31),
    )
    invited = invitation(consultation, "Pensionärsrådet", council=council, contact_email="")
    held = comment(consultation, author=chair, invitation=invited, text="Hotfull formulering.")
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.HELD)
    here = url("invitation", consultation, invitation_pk=invited.pk)

    by_secretary = page(logged_in(secretary).get(here))
    assert "Väntar på granskning" in by_secretary
    assert "Hotfull formulering." not in by_secretary
    # The one who wrote it sees it, as on the passage's page.
    assert "Hotfull formulering." in page(logged_in(chair).get(here))


def test_the_compilation_does_not_name_the_writer_of_a_held_comment() -> None:
    consultation = consultation_module(now=NOW)
    held = comment(consultation, author=UserFactory(display_name="Hanna Hållen"))
    comment(consultation, author=UserFactory(display_name="Pia Publicerad"))
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.HELD)
    services.answer_save(
        actor=official_of(consultation),
        consultation=consultation,
        text=ANSWER,
        comment_ids=[held.pk],
    )
    data = build(consultation)
    stored = json.dumps(data.as_json(), ensure_ascii=False)
    assert "Hanna Hållen" not in stored and "Pia Publicerad" in stored
    labels = {e.held: e.author.label for e in data.entries}
    assert labels == {True: "Deltagare", False: "Pia Publicerad"}


def test_a_comment_removed_after_publication_leaves_the_page_pdf_and_word_file(
    client: Client,
) -> None:
    consultation = consultation_module(now=NOW)
    moderator = role(UserFactory(), "moderator", consultation.module.process.organisation)
    bad = comment(
        consultation,
        author=UserFactory(display_name="Ulla Utpekad"),
        text="Grannen på nummer 12 är kriminell.",
    )
    comment(consultation, author=UserFactory(display_name="Kim Kvar"), text="Bra utkast.")
    published = publish(consultation)
    assert "Grannen på nummer 12" in page(client.get(url("compilation", published)))

    decision = moderation.decision_withhold(
        actor=moderator,
        kind=COMMENT_KIND,
        item=bad,
        action=Decision.Action.REJECTED,
        rule="personal_data",
        reason="Uppgifter om en annan person.",
    )

    stored = json.dumps(record(published).as_json(), ensure_ascii=False)
    assert "Grannen på nummer 12" not in stored and "Ulla Utpekad" not in stored
    html = page(client.get(url("compilation", published)))
    assert "Grannen på nummer 12" not in html and "Ulla Utpekad" not in html
    assert "En moderator har tagit bort synpunkten" in html
    assert "Bra utkast." in html and "Kim Kvar" in html
    word = docx_text(client.get(url("compilation_docx", published)).content)
    assert "Grannen på nummer 12" not in word and "Ulla Utpekad" not in word
    assert "Bra utkast." in word
    pdf = client.get(url("compilation_pdf", published))
    assert pdf.status_code == 200 and b"Grannen" not in pdf.content
    # Two entries still: the removed one keeps its place and its answer.
    entries = record(published).entries
    assert [e.withdrawn for e in entries] == [True, False]
    assert all(e.answer is not None for e in entries)

    # Put back by a moderator: shown again.
    moderation.decision_release(actor=moderator, kind=COMMENT_KIND, item=bad, seen=decision.pk)
    entry = record(published).entries[0]
    assert not entry.withdrawn and entry.text == "Grannen på nummer 12 är kriminell."
    assert entry.author.label == "Ulla Utpekad"


# --- Deleting an account ------------------------------------------------------------------


def test_deleting_the_account_takes_the_name_out_of_the_stored_compilation(
    client: Client,
) -> None:
    consultation = consultation_module(now=NOW)
    person = UserFactory(display_name="Greta Glömd")
    comment(consultation, author=person, text="Min synpunkt står kvar.")
    comment(consultation, author=UserFactory(display_name="Sven Stannar"))
    published = publish(consultation)
    assert "Greta Glömd" in json.dumps(published.compilation, ensure_ascii=False)

    account_delete(user=person)

    stored = json.dumps(record(published).as_json(), ensure_ascii=False)
    assert "Greta Glömd" not in stored and "Sven Stannar" in stored
    assert "Min synpunkt står kvar." in stored
    html = page(client.get(url("compilation", published)))
    assert "Greta Glömd" not in html and "Borttagen användare" in html
    # The figures still count two people.
    residents = next(f for f in record(published).by_respondent if f.key == "residents")
    assert (residents.comments, residents.respondents) == (2, 2)


# --- The invited organisations' contacts --------------------------------------------------


def test_an_invitations_contact_is_exported_and_their_name_erased() -> None:
    consultation = consultation_module(now=NOW)
    person = contact("kontakt@forening.example")
    mine = invitation(
        consultation,
        "Föreningen",
        contact_name="Karin Kontakt",
        contact_email="Kontakt@Forening.example",
    )
    other = invitation(consultation, "Andra", contact_name="Olle Annan")
    # An address the person has added but not verified is not theirs.
    unverified = invitation(
        consultation, "Overifierad", contact_name="Vera", contact_email="vera@example.org"
    )
    person.emailaddress_set.create(email="vera@example.org", verified=False)

    exported = personal_data_export(user=person)["consultation_invitations"]
    assert [(i["organisation"], i["contact_name"]) for i in exported] == [
        ("Föreningen", "Karin Kontakt")
    ]
    assert exported[0]["document"] == consultation.title

    account_delete(user=person)

    for item in (mine, other, unverified):
        item.refresh_from_db()
    assert mine.contact_name == "" and mine.contact_email == "Kontakt@Forening.example"
    assert other.contact_name == "Olle Annan" and unverified.contact_name == "Vera"
    assert Invitation.objects.filter(pk=mine.pk).exists()


# --- Word files ---------------------------------------------------------------------------


def _docx(paragraphs: int, text: str = "Stycke") -> bytes:
    document = docx.Document()
    for index in range(paragraphs):
        document.add_paragraph(f"{text} {index}.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _with_document_xml(data: bytes, xml: bytes, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as target:
        for info in source.infolist():
            content = xml if info.filename == "word/document.xml" else source.read(info)
            target.writestr(info.filename, content)
    return out.getvalue()


def test_a_long_word_file_looks_up_its_styles_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    looked_up = DocumentPart.get_style

    def counted(self: DocumentPart, style_id: Any, style_type: Any) -> Any:
        calls.append(style_id)
        return looked_up(self, style_id, style_type)

    monkeypatch.setattr(DocumentPart, "get_style", counted)
    started = time.monotonic()
    markdown = drafts.docx_to_markdown(_docx(1500))
    assert markdown.count("Stycke") == 1500
    # Once per style and kind, not once per paragraph and run (minutes for a large file).
    assert len(calls) < 10
    assert time.monotonic() - started < 20


def test_a_word_file_with_too_many_paragraphs_is_refused_before_they_are_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(drafts, "MAX_DOCX_PARAGRAPHS", 10)
    with pytest.raises(ValidationFailed) as caught:
        drafts.docx_to_markdown(_docx(11))
    assert caught.value.code == "consultations.document_too_long"
    assert caught.value.field == "docx"
    assert caught.value.params == {"count": 11, "max": 10}
    assert drafts.docx_to_markdown(_docx(10)).count("Stycke") == 10


def test_a_word_file_packed_out_of_all_proportion_is_refused() -> None:
    data = _docx(1)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    # Valid XML, 3 MB of comment that packs to a few kilobytes.
    padded = xml.replace("<w:body>", "<w:body><!--" + "a" * 3_000_000 + "-->", 1)
    bomb = _with_document_xml(data, padded.encode())
    assert len(bomb) < 50_000
    with pytest.raises(ValidationFailed) as caught:
        drafts.docx_to_markdown(bomb)
    assert caught.value.code == "consultations.docx_unreadable"


def test_a_word_file_cannot_read_files_on_the_server() -> None:
    data = _docx(1, text="PLATS")
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    declaration, rest = xml.split("?>", 1)
    hostile = (
        declaration
        + '?><!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        + rest.replace("PLATS 0.", "&secret;")
    )
    try:
        markdown = drafts.docx_to_markdown(_with_document_xml(data, hostile.encode()))
    except ValidationFailed as refused:
        assert refused.code == "consultations.docx_unreadable"
    else:
        assert "root:" not in markdown


# --- Odd input ------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_odd_ids_and_numbers_are_not_found_rather_than_errors() -> None:
    consultation = consultation_module(now=NOW)
    made = comment(consultation)
    client = logged_in(UserFactory())
    huge = 10**20
    for response in (
        client.post(url("agree", consultation, comment_pk=huge)),
        client.get(url("paragraph", consultation, key=huge)),
        client.get(url("version", consultation, number=99999)),
        client.get(url("invitation", consultation, invitation_pk=huge)),
    ):
        assert response.status_code == 404
    compare = client.get(url("compare", consultation), {"fran": "x", "till": str(huge)})
    assert compare.status_code == 200  # one version: nothing to compare yet
    # The agree button never sends anyone to another site.
    response = client.post(
        url("agree", consultation, comment_pk=made.pk), {"next": "https://angripare.example/"}
    )
    assert response.status_code == 302 and response["Location"].startswith("/")
    # Nor reads a word as the name of a page (``redirect("abc")`` was a 500).
    for odd in ("abc", "consultations:document", "//angripare.example/"):
        response = client.post(url("agree", consultation, comment_pk=made.pk), {"next": odd})
        assert response.status_code == 302
        assert response["Location"].startswith(
            url("paragraph", consultation, key=made.paragraph.key)
        )


def test_control_characters_in_a_comment_do_not_break_the_word_file_or_the_pdf(
    client: Client,
) -> None:
    consultation = consultation_module(now=NOW)
    comment(consultation, text="Klistrat\x0bfrån\x1fExcel\x7f med \x08tecken.")
    published = publish(consultation)
    word = client.get(url("compilation_docx", published))
    assert word.status_code == 200
    text = docx_text(word.content)
    assert "Klistrat" in text and "frånExcel" in text and "\x1f" not in text
    assert client.get(url("compilation_pdf", published)).status_code == 200


def test_an_invitations_page_is_only_for_its_contact() -> None:
    consultation = consultation_module(now=NOW)
    invited = invitation(consultation, "Föreningen")
    here = url("invitation", consultation, invitation_pk=invited.pk)
    assert Client().get(here).status_code == 302
    assert logged_in(UserFactory()).get(here).status_code == 403
    with time_machine.travel(NOW, tick=False):
        stranger = logged_in(UserFactory()).post(here)
    assert stranger.status_code == 403
    invited.refresh_from_db()
    assert invited.no_comments_at is None
    # Another consultation's invitation through this one's address: not found.
    elsewhere = invitation(consultation_module(now=NOW), "Annan")
    owner = logged_in(contact(elsewhere.contact_email))
    assert owner.get(url("invitation", consultation, invitation_pk=elsewhere.pk)).status_code == 404


def test_nothing_is_reachable_before_the_first_version_is_published() -> None:
    consultation = consultation_module(now=NOW, source=None)
    official = official_of(consultation)
    services.version_save(
        actor=official, consultation=consultation, title="", source="# T\n\nHemligt utkast."
    )
    working = services.working_copy(consultation)
    assert working is not None
    key = working.paragraphs.get().key
    client = logged_in(UserFactory())
    for name, kwargs in (
        ("document", {}),
        ("paragraph", {"key": key}),
        ("whole", {}),
        ("compare", {}),
        ("version", {"number": 1}),
    ):
        assert client.get(url(name, consultation, **kwargs)).status_code == 404, name


def test_a_working_copy_is_not_reachable_once_the_consultation_is_open() -> None:
    consultation = consultation_module(now=NOW)
    official = official_of(consultation)
    services.version_save(
        actor=official,
        consultation=consultation,
        title="",
        source="# T\n\n## Ny\n\nHemlig ny formulering.",
    )
    working = services.working_copy(consultation)
    assert working is not None
    client = Client()
    assert client.get(url("version", consultation, number=working.number)).status_code == 404
    new_keys = set(working.paragraphs.values_list("key", flat=True)) - set(
        paragraph(consultation, "1").version.paragraphs.values_list("key", flat=True)
    )
    assert new_keys
    for key in new_keys:
        assert client.get(url("paragraph", consultation, key=key)).status_code == 404
    assert "Hemlig ny formulering" not in page(client.get(url("document", consultation)))


# --- At the same moment (threads, each on its own database connection) ---------------------


@pytest.mark.django_db(transaction=True)
def test_two_officials_publishing_at_once_publish_one_version_and_one_compilation() -> None:
    consultation = consultation_module(now=timezone.now())
    first, second = official_of(consultation), official_of(consultation)
    services.version_save(
        actor=first, consultation=consultation, title="", source=DRAFT + "\nEtt nytt stycke.\n"
    )
    results, errors = run_together(
        [
            (lambda o=official: services.version_publish(actor=o, consultation=consultation))
            for official in (first, second)
        ]
    )
    assert len(results) == 1
    assert [getattr(e, "code", e) for e in errors] == ["consultations.no_working_copy"]
    assert consultation.versions.filter(published_at__isnull=False).count() == 2

    comment(consultation, author=UserFactory(email="anna@example.se"), now=timezone.now())
    services.answer_save(
        actor=first,
        consultation=consultation,
        text=ANSWER,
        comment_ids=list(consultation.comments.values_list("pk", flat=True)),
    )
    with time_machine.travel(after_comments(consultation), tick=False):
        results, errors = run_together(
            [
                (
                    lambda o=official: services.compilation_publish(
                        actor=o, consultation=consultation, summary=""
                    )
                )
                for official in (first, second)
            ]
        )
    assert len(results) == 1
    assert [getattr(e, "code", e) for e in errors] == ["consultations.already_published"]
    sent = OutgoingEmail.objects.filter(template="consultation_compilation")
    assert list(sent.values_list("recipient", flat=True)) == ["anna@example.se"]


@pytest.mark.django_db(transaction=True)
def test_the_reminder_job_run_twice_at_once_reminds_once() -> None:
    now = timezone.now()
    consultation = consultation_module(now=now)
    invited = invitation(
        consultation,
        "Föreningen",
        deadline=timezone.localdate(now) + timedelta(days=3),
        contact_email="kansli@forening.example",
        invited_at=now - timedelta(days=5),
    )
    results, errors = run_together([lambda: services.invitations_remind(now) for _i in range(2)])
    assert errors == [] and sorted(results) == [0, 1]
    invited.refresh_from_db()
    assert invited.reminded_at is not None
    reminders = OutgoingEmail.objects.filter(template="consultation_reminder")
    assert list(reminders.values_list("recipient", flat=True)) == ["kansli@forening.example"]


@override_settings(DELAKTIG_COMMENT_RATE=(2, 60))
@pytest.mark.django_db(transaction=True)
def test_parallel_comments_cannot_slip_past_the_limit() -> None:
    now = timezone.now()
    consultation = consultation_module(now=now)
    person = UserFactory()
    target = paragraph(consultation, "2.1")
    jobs = [
        (
            lambda n=n: services.comment_submit(
                actor=person,
                consultation=consultation,
                paragraph=target,
                text=f"Synpunkt {n} om målen.",
                accept_rules=True,
            )
        )
        for n in range(6)
    ]
    results, errors = run_together(jobs)
    assert len(results) == 2
    assert [getattr(e, "code", e) for e in errors] == ["rate_limited"] * 4
    assert Comment.objects.filter(author=person).count() == 2


# --- Comparing versions: a public page, so bounded work ---------------------------------------


def _texts(runs: tuple[tuple[str, str], ...]) -> tuple[str, str]:
    old = "".join(text for kind, text in runs if kind != "added")
    new = "".join(text for kind, text in runs if kind != "removed")
    return old, new


def test_a_very_long_changed_block_is_compared_quickly_and_still_reads_the_same() -> None:
    words = [f"ord{i % 97}" for i in range(20_000)]
    old = " ".join(words)
    new = " ".join(["Inledning.", *words[:9_000], "ändrat", *words[9_001:]])
    started = time.monotonic()
    runs = drafts.word_diff(old, new)
    assert time.monotonic() - started < 2  # word by word all through: minutes
    assert _texts(runs) == (old, new)
    # A small change in a long block is still marked word by word when only it differs.
    tail = drafts.word_diff(old, old + " Slut.")
    assert _texts(tail) == (old, old + " Slut.")
    assert [kind for kind, _text in tail] == ["same", "added"]


def test_a_comparison_spends_a_bounded_effort_on_all_its_changed_blocks() -> None:
    blocks = [" ".join(f"ord{(i * 7 + j) % 89}" for j in range(900)) for i in range(80)]
    old = [drafts.Block("paragraph", 0, f"1.{i}", "1", text) for i, text in enumerate(blocks)]
    new = [
        drafts.Block("paragraph", 0, b.number, "1", b.text.replace("ord5 ", "ORD5 ")) for b in old
    ]
    started = time.monotonic()
    changes = drafts.compare(old, new)
    assert time.monotonic() - started < 10  # word by word all through: a minute or more
    assert [c.kind for c in changes] == ["changed"] * 80
    for change in changes:
        assert change.old is not None and change.new is not None
        assert _texts(change.words) == (change.old.text, change.new.text)


# --- Markup ---------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_headings_are_escaped_once_and_raw_html_never_reaches_the_page() -> None:
    source = (
        "# Strategi\n\n## Mål & medel <script>alert(1)</script>\n\n"
        'Text med <img src=x onerror="alert(2)"> och [länk](javascript:alert(3)).\n'
    )
    consultation = consultation_module(now=NOW, source=source)
    invited = invitation(consultation, "Föreningen")
    heading = paragraph(consultation, "1")
    pages = [
        Client().get(url("document", consultation)),
        Client().get(url("paragraph", consultation, key=heading.key)),
        logged_in(contact(invited.contact_email)).get(
            url("invitation", consultation, invitation_pk=invited.pk)
        ),
    ]
    for response in pages:
        html = page(response)
        assert response.status_code == 200
        assert "Mål &amp; medel" in html and "&amp;amp;" not in html
        assert "<script>alert" not in html and "onerror" not in html
        assert "javascript:" not in html


@time_machine.travel(NOW, tick=False)
def test_agreeing_logged_out_leads_to_the_login_with_or_without_javascript() -> None:
    consultation = consultation_module(now=NOW)
    made = comment(consultation)
    here = url("agree", consultation, comment_pk=made.pk)
    plain = Client().post(here, {"agree": "1"})
    assert plain.status_code == 302 and plain["Location"].startswith(reverse("account_login"))
    swapped = Client().post(here, {"agree": "1"}, headers={"HX-Request": "true"})
    assert swapped.status_code == 204
    assert swapped["HX-Redirect"] == plain["Location"]
    made.refresh_from_db()
    assert made.agreements_count == 0
