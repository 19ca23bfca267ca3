"""The issue's "Done when" for consultations on drafts, tried in a browser as a new user would,
under the production CSP with axe-core on the pages visited (screenshots in
test-artifacts/consultations-*.png):

1. a resident on a phone, with the keyboard only, comments on paragraph 3.2 (accepting the
   conversation rules when asked), sees the comment and the count go up, and agrees with
   another person's comment and takes it back;
2. an official gives comments a theme, answers chosen comments and a whole theme, changes an
   answer, writes and publishes version 2 (whose comparison shows the change word by word),
   and after the comment period publishes the compilation; the resident opens the e-mail's
   link and finds the comment and its answer in the downloaded PDF;
3. an invited organisation's contact answers for the organisation and another one answers
   "inget att invända"; the public list shows both as answered;
4. every public page of a consultation passes axe at 390 px and at desktop width.

Phases are placed around a ``now`` taken once per test (the live server runs on the real
clock, in this process), never on calendar dates; comments "made earlier" are made through the
services inside a ``time_machine`` trip into the comment phase. (Each test builds its own
consultation: the live server needs committed rows, and a transactional test empties the
database after itself.)"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pypdf import PdfReader

from delaktig.accounts.models import User
from delaktig.consultations import services
from delaktig.consultations.models import (
    Agreement,
    Answer,
    Comment,
    Consultation,
    DocumentVersion,
    Invitation,
)
from delaktig.moderation.models import ConversationRules
from delaktig.notifications.models import OutgoingEmail
from delaktig.participation.models import Phase
from tests.browser.conftest import FACTORY_PASSWORD as PASSWORD
from tests.browser.conftest import (
    assert_accessible,
    focused,
    keyboard_login,
    login,
    new_context,
    press_enter_and_wait,
    tab_to,
    tab_to_link,
)
from tests.consultations_factories import (
    comment,
    consultation_module,
    contact,
    invitation,
    official_of,
    paragraph,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

# Paragraph 3.2 is a paragraph (not a heading) here; 3.3 is a sub-section with 3.3.1 in it.
DRAFT = """# Demokratistrategi 2027–2030

Strategin beskriver hur regionen arbetar med delaktighet.

## Inledning

Regionen vill att fler ska vara med och påverka.

Strategin gäller alla nämnder och bolag.

## Mål

Fler invånare deltar i dialoger.

Dialogerna når unga och äldre.

## Arbetssätt

Vi återkopplar alltid vad som hände med synpunkterna.

Dialoger hålls dagtid i regionens lokaler.

### Digitala verktyg

Plattformen används för alla dialoger.
"""
# Version 2 rewrites 3.2 and leaves the rest as it was.
OLD_32 = "Dialoger hålls dagtid i regionens lokaler."
NEW_32 = "Dialoger hålls på kvällar och helger i regionens lokaler."
DRAFT_2 = DRAFT.replace(OLD_32, NEW_32)
# A third version, left as the working copy (its numbering preview is a staff page).
DRAFT_3 = DRAFT_2.replace(
    "Dialogerna når unga och äldre.",
    "Dialogerna når unga och äldre.\n\nVarje nämnd redovisar sina dialoger en gång om året.",
)


# --- Helpers ----------------------------------------------------------------------------------


def open_page(browser: Browser, viewport: dict[str, int]) -> tuple[BrowserContext, Page]:
    context = new_context(browser, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def words(text: str) -> str:
    return " ".join(text.split())


def passage_actions(page: Page, number: str) -> str:
    return words(page.locator(f"[id='p-{number}'] .passage__actions").inner_text())


def path_of(url: str) -> str:
    found = re.search(r"https?://[^/\s]+(/\S+)", url)
    assert found, url
    return found.group(1)


def named(user: User, name: str) -> User:
    user.display_name = name
    user.save(update_fields=["display_name"])
    return user


def end_comment_period(consultation: Consultation) -> None:
    """The comment period ended a minute ago and the answering phase runs (on the real clock,
    which the live server uses too)."""
    ended = timezone.now() - timedelta(minutes=1)
    phases = Phase.objects.filter(module=consultation.module)
    phases.filter(phase_type="comment").update(ends_at=ended)
    phases.filter(phase_type="report").update(starts_at=ended)


def document_url(consultation: Consultation) -> str:
    return f"/m/consultation/{consultation.module_id}/"


def staff_url(consultation: Consultation, page: str = "") -> str:
    return f"/m/consultation/personal/{consultation.module_id}/{page}"


# --- 1. A resident comments on 3.2 on a phone, with the keyboard only --------------------------


def test_a_resident_comments_on_3_2_on_a_phone_with_the_keyboard(
    browser: Browser, live_server: Any
) -> None:
    now = timezone.now()
    consultation = consultation_module(now=now, source=DRAFT)
    organisation = consultation.module.process.organisation
    ConversationRules.objects.create(organisation=organisation, text="Var saklig och vänlig.")
    maja = UserFactory(display_name="Maja")
    theirs = comment(
        consultation,
        number="3.2",
        text="Tänk på dem som arbetar dagtid och inte kan komma.",
        author=maja,
        now=now,
    )
    alva = UserFactory(display_name="Alva")
    key = paragraph(consultation, "3.2").key
    base = live_server.url
    document = document_url(consultation)

    context, page = open_page(browser, PHONE)
    keyboard_login(page, base, alva.email)

    # From the process page to the draft by the module's link.
    page.goto(base + consultation.module.process.get_absolute_url())
    tab_to_link(page, "Läs utkastet och lämna synpunkter", document)
    press_enter_and_wait(page)
    assert page.url.endswith(document)
    assert page.get_by_role("heading", name="Demokratistrategi 2027–2030", level=1).is_visible()
    assert passage_actions(page, "3.2") == "Kommentera 3.2 · 1 synpunkt på 3.2"
    assert_accessible(page, "consultations-flow-phone-document")

    # "Kommentera 3.2" opens the paragraph's page at the form.
    tab_to_link(page, "Kommentera 3.2", f"/stycke/{key}/#lamna-synpunkt")
    press_enter_and_wait(page)
    assert page.url.endswith(f"/stycke/{key}/#lamna-synpunkt")
    assert page.get_by_role("heading", name="Synpunkter på stycke 3.2", level=1).is_visible()
    assert OLD_32 in page.locator(".passage-quote").inner_text()
    assert_accessible(page, "consultations-flow-phone-paragraph")

    said = "Håll dialoger på kvällar också, så att fler som arbetar kan komma."
    tab_to(page, "#id_text")
    page.keyboard.type(said)
    # The organisation has conversation rules Alva has not accepted yet: the form asks.
    rules = page.locator("#id_accept_rules")
    assert rules.count() == 1
    tab_to(page, "#id_accept_rules")
    page.keyboard.press("Space")
    assert focused(page)["checked"]
    tab_to(page, "form.comment-form button[type=submit]")
    press_enter_and_wait(page)

    mine = Comment.objects.get(author=alva)
    assert (mine.text, mine.paragraph_id, mine.status) == (
        said,
        paragraph(consultation, "3.2").pk,
        "published",
    )
    assert page.url.endswith(f"/stycke/{key}/?synpunkt={mine.pk}#synpunkt-{mine.pk}")
    assert page.get_by_text("Tack! Din synpunkt är publicerad.").is_visible()
    shown = page.locator(f"#synpunkt-{mine.pk}")
    assert said in shown.inner_text() and "Alva" in shown.inner_text()
    assert page.get_by_role("heading", name="Synpunkter (2)").is_visible()
    assert_accessible(page, "consultations-flow-phone-commented")

    # Agree with Maja's comment with the keyboard; htmx swaps the button in place, keeping
    # the focus on it, so Enter again takes it back.
    button = f"#agree-button-{theirs.pk}"
    tab_to(page, button)
    page.keyboard.press("Enter")
    expect(page.locator(button)).to_contain_text("Ta tillbaka att jag håller med")
    expect(page.locator(f"#agree-{theirs.pk} .agree__count")).to_have_text("1 person håller med")
    assert Agreement.objects.filter(comment=theirs, user=alva).exists()
    assert focused(page)["id"] == f"agree-button-{theirs.pk}"
    assert_accessible(page, "consultations-flow-phone-agreed")
    page.keyboard.press("Enter")
    expect(page.locator(button)).to_contain_text("Håll med")
    expect(page.locator(f"#agree-{theirs.pk} .agree__count")).to_have_text("0 personer håller med")
    assert not Agreement.objects.filter(comment=theirs).exists()
    theirs.refresh_from_db()
    assert theirs.agreements_count == 0

    # Back on the document, 3.2 counts both comments.
    page.goto(base + document)
    assert passage_actions(page, "3.2") == "Kommentera 3.2 · 2 synpunkter på 3.2"
    context.close()


# --- 2. Answering, version 2 and the compilation ------------------------------------------------


RESIDENT_SAID = "Håll dialoger på kvällar också, så att fler som arbetar kan komma."
ANSWER_REASON = "Vi håller med. Dialoger ska hållas när de som berörs kan komma."
ANSWER_CHANGE = "Stycke 3.2 har skrivits om."


def test_an_official_answers_every_comment_publishes_version_2_and_the_compilation(
    browser: Browser, live_server: Any
) -> None:
    now = timezone.now()
    consultation = consultation_module(now=now, source=DRAFT)
    alva = UserFactory(display_name="Alva")
    resident_comment = comment(consultation, number="3.2", text=RESIDENT_SAID, author=alva, now=now)
    bo = comment(
        consultation,
        number="3.3.1",
        text="Alla har inte dator. Erbjud papper också.",
        author=UserFactory(display_name="Bo"),
        now=now,
    )
    cem = comment(
        consultation,
        number="3.3.1",
        text="Plattformen måste fungera med skärmläsare.",
        author=UserFactory(display_name="Cem"),
        now=now,
    )
    dana = comment(
        consultation,
        number=None,
        text="Strategin är lätt att läsa. Bra!",
        author=UserFactory(display_name="Dana"),
        now=now,
    )
    official = official_of(consultation)
    base = live_server.url

    context, page = open_page(browser, DESKTOP)
    login(page, base, official.email, PASSWORD)
    page.goto(base + staff_url(consultation))
    assert "Besvara 4 synpunkter" in page.locator("#next-step").inner_text()

    # A theme for the two comments on digital tools.
    with page.expect_navigation():
        page.get_by_role("link", name="Teman", exact=True).first.click()
    page.fill("#id_nytt-name", "Digitala verktyg")
    with page.expect_navigation():
        page.get_by_role("button", name="Skapa temat").click()
    assert page.get_by_text("Temat Digitala verktyg är skapat.").is_visible()
    theme = consultation.themes.get(name="Digitala verktyg")

    with page.expect_navigation():
        page.get_by_role("link", name="Besvara synpunkter").first.click()
    assert page.get_by_text("0 av 4 synpunkter har svar.").is_visible()
    page.check(f"#choose-{bo.pk}")
    page.check(f"#choose-{cem.pk}")
    page.select_option("#id_theme", label="Digitala verktyg")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara temat för de valda").click()
    assert page.get_by_text("Temat är ändrat för 2 synpunkter.").is_visible()
    assert set(theme.comments.values_list("pk", flat=True)) == {bo.pk, cem.pk}

    # One answer to the whole theme.
    block = page.locator(f"#theme-{theme.pk}")
    block.get_by_label("Tillgodoses delvis", exact=True).check()
    block.get_by_label("Svar och skäl").fill(
        "Plattformen ska följa kraven på tillgänglighet, och det går att lämna synpunkter på "
        "papper på biblioteken."
    )
    block.get_by_label("Ändring i dokumentet").fill("Stycke 3.3.1 kompletteras.")
    with page.expect_navigation():
        block.get_by_role("button", name="Svara på hela temat").click()
    assert page.get_by_text("Svaret är sparat för alla synpunkter i temat").is_visible()
    assert page.get_by_text("2 av 4 synpunkter har svar.").is_visible()

    # One answer to the two comments chosen.
    page.check(f"#choose-{resident_comment.pk}")
    page.check(f"#choose-{dana.pk}")
    chosen = page.locator("#answer-chosen")
    chosen.get_by_label("Tillgodoses", exact=True).check()
    chosen.get_by_label("Svar och skäl").fill("Tack för synpunkten.")
    chosen.get_by_label("Ändring i dokumentet").fill(ANSWER_CHANGE)
    with page.expect_navigation():
        chosen.get_by_role("button", name="Svara på de valda").click()
    assert page.get_by_text("Svaret är sparat för de valda synpunkterna.").is_visible()
    assert page.get_by_text("4 av 4 synpunkter har svar.").is_visible()
    assert services.unanswered(consultation) == 0

    # The answer is made clearer on its own page.
    with page.expect_navigation():
        page.locator(f"#comment-{resident_comment.pk}").get_by_role(
            "link", name="Ändra svaret"
        ).click()
    assert page.get_by_role("heading", name="Ändra svaret", level=1).is_visible()
    assert page.get_by_role("heading", name="De 2 synpunkterna som svaret gäller").is_visible()
    page.get_by_label("Svar och skäl").fill(ANSWER_REASON)
    with page.expect_navigation():
        page.get_by_role("button", name="Spara svaret").click()
    assert page.get_by_text("Svaret är ändrat.").is_visible()
    resident_comment.refresh_from_db()
    answer = Answer.objects.get(pk=resident_comment.answer_id)
    assert (answer.stance, answer.reason, answer.change) == (
        "accepted",
        ANSWER_REASON,
        ANSWER_CHANGE,
    )

    # Version 2: the working copy starts from version 1; the numbering is shown before
    # publishing, which asks first.
    with page.expect_navigation():
        page.get_by_role("link", name="Nästa version").click()
    assert page.locator("#id_source").input_value().strip() == DRAFT.strip()
    page.fill("#id_source", DRAFT_2)
    page.fill("#id_changes", "Stycke 3.2 har skrivits om efter synpunkterna.")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara utkastet").click()
    assert page.url.endswith("#numbering")
    numbering = page.locator("#numbering table tbody tr")
    rows = [words(r) for r in numbering.all_inner_texts()]
    # It continues 3.2 of version 1, so the comments on 3.2 stay with it.
    assert any(
        r.startswith("3.2 Dialoger hålls på kvällar") and r.endswith(" 3.2") for r in rows
    ), rows
    assert_accessible(page, "consultations-flow-working-copy")
    with page.expect_navigation():
        page.get_by_role("button", name="Publicera version 2").click()
    assert page.get_by_role("heading", name=re.compile("Vill du publicera version 2")).is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Publicera versionen").click()
    assert page.get_by_text("Version 2 är publicerad.").is_visible()
    assert (
        DocumentVersion.objects.filter(
            consultation=consultation, published_at__isnull=False
        ).count()
        == 2
    )
    # Everyone who commented is told about the new version.
    assert OutgoingEmail.objects.filter(
        recipient=alva.email, template="consultation_version"
    ).exists()

    # The comparison shows 3.2 changed, word by word.
    page.goto(f"{base}{document_url(consultation)}jamfor/")
    changed = page.locator("li.change--changed")
    expect(changed).to_have_count(1)
    assert "Ändrat stycke 3.2" in changed.inner_text()
    removed = words(" ".join(changed.locator("del").all_inner_texts()))
    added = words(" ".join(changed.locator("ins").all_inner_texts()))
    # Struck through and underlined, each named for screen readers.
    assert removed == "Borttaget: dagtid"
    assert added == "Tillagt: på kvällar och helger"
    # Read as one line (the removed and the added words apart, not "dagtidTillagt:").
    assert words(changed.locator(".change__text").inner_text()) == (
        "Dialoger hålls Borttaget: dagtid Tillagt: på kvällar och helger i regionens lokaler."
    )
    assert_accessible(page, "consultations-flow-compare")

    # The comment period ends; the compilation is published with a summary, after asking.
    end_comment_period(consultation)
    page.goto(base + staff_url(consultation, "samradsredogorelse/"))
    assert page.get_by_text("Samrådstiden är slut.").is_visible()
    assert page.get_by_text("Alla synpunkter är besvarade.").is_visible()
    page.fill("#id_summary", "Fyra synpunkter kom in. Stycke 3.2 har skrivits om.")
    with page.expect_navigation():
        page.get_by_role("button", name="Publicera samrådsredogörelsen").click()
    assert page.get_by_role(
        "heading", name=re.compile("Vill du publicera samrådsredogörelsen")
    ).is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Publicera samrådsredogörelsen").click()
    assert page.get_by_text("Samrådsredogörelsen är publicerad.").first.is_visible()
    consultation.refresh_from_db()
    assert consultation.status == "published"
    assert consultation.summary == "Fyra synpunkter kom in. Stycke 3.2 har skrivits om."
    assert_accessible(page, "consultations-flow-staff-compilation-published")
    context.close()

    # Alva's e-mail links to the compilation; she opens it on her phone and downloads the PDF.
    email = OutgoingEmail.objects.get(recipient=alva.email, template="consultation_compilation")
    link = next(w for w in email.body.split() if "/samradsredogorelse/" in w)
    context, page = open_page(browser, PHONE)
    page.goto(base + path_of(link))
    assert page.get_by_role(
        "heading", name="Samrådsredogörelse: Demokratistrategi 2027–2030", level=1
    ).is_visible()
    entry = page.locator(".compilation-entry").filter(has_text=RESIDENT_SAID)
    expect(entry).to_have_count(1)
    assert ANSWER_REASON in words(entry.inner_text())
    assert "Svar: Tillgodoses" in entry.inner_text()
    assert_accessible(page, "consultations-flow-phone-compilation")
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ned som PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    pdf = PdfReader(download.value.path())
    text = words(" ".join(p.extract_text() for p in pdf.pages))
    assert RESIDENT_SAID in text
    assert ANSWER_REASON in text
    assert ANSWER_CHANGE in text
    context.close()


# --- 3. Invited organisations answer --------------------------------------------------------------


def test_invited_organisations_answer_for_themselves_and_with_nothing_to_add(
    browser: Browser, live_server: Any
) -> None:
    now = timezone.now()
    consultation = consultation_module(now=now, source=DRAFT)
    sent = {"invited_at": now}
    pensioners = invitation(
        consultation, "Pensionärsföreningen", contact_email="pf@example.org", **sent
    )
    disability = invitation(
        consultation, "Funktionsrätt Jämtland", contact_email="fr@example.org", **sent
    )
    eva = named(contact("pf@example.org"), "Eva")
    frida = contact("fr@example.org")
    key = paragraph(consultation, "2.2").key
    base = live_server.url
    own_page = f"{document_url(consultation)}remissvar/{pensioners.pk}/"

    # Eva opens her organisation's page and comments on 2.2 for it.
    context, page = open_page(browser, PHONE)
    login(page, base, eva.email, PASSWORD)
    page.goto(base + own_page)
    assert page.get_by_role("heading", name="Remissvar från Pensionärsföreningen").is_visible()
    page.get_by_text("Lämna en synpunkt på ett visst stycke").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Kommentera 2.2").click()
    assert page.url.endswith(f"/stycke/{key}/?for={pensioners.pk}#lamna-synpunkt")
    choice = page.get_by_role("group", name="Jag svarar för")
    assert choice.get_by_label("Pensionärsföreningen").is_checked()
    assert not choice.get_by_label("Mig själv").is_checked()
    assert_accessible(page, "consultations-flow-phone-paragraph-for-organisation")
    said = "Tänk på äldre som inte använder internet. Bjud in via föreningarna."
    page.fill("#id_text", said)
    with page.expect_navigation():
        page.get_by_role("button", name="Skicka synpunkten").click()
    given = Comment.objects.get(author=eva)
    assert given.invitation_id == pensioners.pk
    meta = page.locator(f"#synpunkt-{given.pk} .comment__meta").inner_text()
    assert "Pensionärsföreningen (genom Eva)" in meta

    page.goto(base + own_page)
    assert said in page.locator("section[aria-labelledby=given-title]").inner_text()
    context.close()

    # Frida answers that her organisation has nothing to add.
    context, page = open_page(browser, DESKTOP)
    login(page, base, frida.email, PASSWORD)
    page.goto(f"{base}{document_url(consultation)}remissvar/{disability.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Vi har inget att invända").click()
    assert page.get_by_text(
        "Tack. Vi har noterat att Funktionsrätt Jämtland inte har något att invända."
    ).is_visible()
    disability.refresh_from_db()
    assert disability.no_comments_at is not None
    context.close()

    # Anyone sees both as answered, on the document and on the process page.
    context, page = open_page(browser, DESKTOP)
    page.goto(base + document_url(consultation))
    answered = {
        row.locator("th").inner_text(): row.locator("td").first.inner_text()
        for row in page.locator(".invited tbody tr").all()
    }
    assert answered == {
        "Funktionsrätt Jämtland": "Ja, inget att invända",
        "Pensionärsföreningen": "Ja",
    }
    page.goto(base + consultation.module.process.get_absolute_url())
    assert "2 av 2 har svarat" in page.locator(f"#module-{consultation.module_id}").inner_text()
    context.close()


# --- 4. Every public page passes axe --------------------------------------------------------------


@dataclass
class Consultations:
    """An open consultation with two published versions and a working copy, comments,
    a theme, answers and invitations; and one whose compilation is published."""

    open: Consultation
    published: Consultation
    official: User
    contact: User
    invitation: Invitation
    answer: Answer


def consultations(now: datetime) -> Consultations:
    """Both consultations, made through the services (comments on the published one during
    its comment phase, which ended ten days before ``now``)."""
    current = consultation_module(
        now=now,
        source=DRAFT,
        introduction="Vi vill veta vad du tycker om hur regionen ska arbeta med delaktighet.",
    )
    organisation = current.module.process.organisation
    official = official_of(current)
    sent = {"invited_at": now}
    invited = invitation(current, "Pensionärsföreningen", contact_email="pf@example.org", **sent)
    quiet = invitation(current, "Funktionsrätt Jämtland", contact_email="fr@example.org", **sent)
    eva = named(contact("pf@example.org"), "Eva")
    services.invitation_no_comments(actor=contact("fr@example.org"), invitation=quiet)
    alva = UserFactory(display_name="Alva")
    first = comment(current, number="3.2", text=RESIDENT_SAID, author=alva, now=now)
    comment(
        current,
        number="3.2",
        text="Dialoger på helger passar barnfamiljer.",
        author=UserFactory(display_name="Bo"),
        now=now,
    )
    digital = comment(current, number="3.3.1", text="Alla har inte dator.", now=now)
    comment(
        current,
        number="2.1",
        text="Bjud in via föreningarna.",
        author=eva,
        invitation=invited,
        now=now,
    )
    comment(current, number=None, text="Lätt att läsa. Bra!", now=now)
    theme = services.theme_save(actor=official, consultation=current, name="Digitala verktyg")
    services.comments_set_theme(
        actor=official, consultation=current, comment_ids=[digital.pk], theme=theme
    )
    answer = services.answer_save(
        actor=official,
        consultation=current,
        text=services.AnswerText("accepted", ANSWER_REASON, ANSWER_CHANGE),
        comment_ids=[first.pk],
    )
    services.version_save(actor=official, consultation=current, title="", source=DRAFT_2)
    services.version_publish(actor=official, consultation=current)
    services.version_save(
        actor=official, consultation=current, title="", source=DRAFT_3, changes="Ett nytt stycke."
    )

    done = consultation_module(
        now=now, stage="report", organisation=organisation, source=DRAFT, title="Kulturplan 2027"
    )
    invitation(done, "Hembygdsförbundet", invited_at=now - timedelta(days=30))
    earlier = now - timedelta(days=20)
    for number, text in (
        ("3.2", "Fler dialoger på kvällstid."),
        ("2.2", "Glöm inte de äldsta."),
        (None, "Bra att ni frågar."),
    ):
        comment(done, number=number, text=text, now=earlier)
    services.answer_save(
        actor=official,
        consultation=done,
        text=services.AnswerText("partly", "Vi ser över tiderna.", ""),
        comment_ids=list(done.comments.values_list("pk", flat=True)),
    )
    services.compilation_publish(
        actor=official, consultation=done, summary="Tre synpunkter kom in och alla är besvarade."
    )
    return Consultations(current, done, official, eva, invited, answer)


WIDTHS = (("390", PHONE), ("desktop", DESKTOP))


def test_the_public_pages_pass_axe_on_a_phone_and_a_desktop(
    browser: Browser, live_server: Any
) -> None:
    data = consultations(timezone.now())
    current, done = data.open, data.published
    base = live_server.url
    document = base + document_url(current)
    key = paragraph(current, "3.2").key

    # The invited organisation's contact: the comment form offers "Jag svarar för".
    context, page = open_page(browser, PHONE)
    login(page, base, data.contact.email, PASSWORD)
    for width, viewport in WIDTHS:
        page.set_viewport_size(viewport)
        page.goto(base + current.module.process.get_absolute_url())
        assert page.locator(f"#module-{current.module_id}").is_visible()
        assert_accessible(page, f"consultations-process-{width}")

        page.goto(document)
        assert page.get_by_role("navigation", name="Innehåll").is_visible()
        assert_accessible(page, f"consultations-document-{width}")

        page.goto(f"{document}version/1/")
        assert page.get_by_text("Det här är inte den senaste versionen").is_visible()
        assert_accessible(page, f"consultations-version-1-{width}")

        page.goto(f"{document}stycke/{key}/")
        assert page.get_by_text("Gjord på version 1, stycke 3.2").first.is_visible()
        assert page.get_by_role("group", name="Jag svarar för").is_visible()
        assert_accessible(page, f"consultations-paragraph-{width}")

        # Sent empty: the error summary takes focus and names the field.
        with page.expect_navigation():
            page.get_by_role("button", name="Skicka synpunkten").click()
        summary = page.locator("#error-summary")
        assert "Skriv din synpunkt." in summary.inner_text()
        assert summary.evaluate("el => el === document.activeElement")
        assert page.locator("#id_text").get_attribute("aria-invalid") == "true"
        assert_accessible(page, f"consultations-paragraph-error-{width}")

        page.goto(f"{document}synpunkt/")
        assert page.get_by_text("Lätt att läsa. Bra!").is_visible()
        assert_accessible(page, f"consultations-whole-{width}")

        page.goto(f"{document}remissvar/{data.invitation.pk}/")
        assert page.get_by_text("Bjud in via föreningarna.").is_visible()
        assert_accessible(page, f"consultations-invitation-{width}")

        page.goto(f"{document}jamfor/")
        assert page.locator("li.change--changed del").count() >= 1
        assert_accessible(page, f"consultations-compare-{width}")

        page.goto(base + done.module.process.get_absolute_url())
        assert page.get_by_role(
            "link", name=re.compile("Läs samrådsredogörelsen")
        ).first.is_visible()
        assert_accessible(page, f"consultations-process-published-{width}")

        page.goto(f"{base}{document_url(done)}samradsredogorelse/")
        assert page.get_by_text("Fler dialoger på kvällstid.").is_visible()
        assert_accessible(page, f"consultations-compilation-{width}")
    context.close()
