"""Building a survey and working with its free-text themes, as staff, through the views."""

import csv
import io
from collections.abc import Collection
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from delaktig.accounts.models import Role
from delaktig.core.errors import Conflict
from delaktig.core.models import AuditEntry
from delaktig.participation.models import Phase
from delaktig.surveys import selectors, services
from delaktig.surveys.models import (
    Answer,
    Choice,
    Invitation,
    Question,
    Response,
    Section,
    Survey,
    Theme,
)
from delaktig.translations import services as translation_services
from delaktig.translations.models import Translation, source_hash
from delaktig.translations.selectors import counts, organisation_status
from tests.factories import ModuleFactory, ProcessFactory, UserFactory, role
from tests.survey_helpers import Built, answer_directly, build_survey, translate, translated

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def staff_client(built: Built, kind: str = "official") -> tuple[Client, Any]:
    user = role(UserFactory(), kind, built.organisation)
    client = Client()
    client.force_login(user)
    return client, user


def builder_url(built: Built) -> str:
    return reverse("surveys:builder", args=[built.survey.module_id])


def question_url(built: Built, question: Question) -> str:
    return reverse(
        "surveys:question_edit", args=[built.survey.module_id, question.section_id, question.pk]
    )


def item_url(built: Built, kind: str, pk: int) -> str:
    return reverse("surveys:item_action", args=[built.survey.module_id, kind, pk])


def question_data(question: Question, **changes: Any) -> dict[str, Any]:
    """The question form as it stands, with ``changes``."""
    data: dict[str, Any] = {
        "kind": question.kind,
        "text": question.text,
        "help_text": question.help_text,
        "choices_text": "\n".join(c.label for c in question.choices.order_by("position")),
        "show_if": question.show_if_id or "",
        "min_value": "" if question.min_value is None else question.min_value,
        "max_value": "" if question.max_value is None else question.max_value,
    }
    if question.required:
        data["required"] = "on"
    data.update(changes)
    return data


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- Builder: settings ---------------------------------------------------------------------


def test_builder_page_shows_sections_questions_and_conditions() -> None:
    built = build_survey()
    client, _user = staff_client(built)
    page = client.get(builder_url(built))
    assert page.status_code == 200
    html = page.content.decode()
    for text in ["Resor", "Mer om dig och resor", "Hur reser du oftast?", "Buss · Bil · Cykel"]:
        assert text in html
    assert "Visas bara om svaret på ”Hur reser du oftast?” var ”Buss”." in html
    assert "Resultat (0 svar)" in html


def test_settings_create_and_then_update_the_answering_phase() -> None:
    process = ProcessFactory()
    module = ModuleFactory(process=process, kind="survey", title="Ny enkät")
    official = role(UserFactory(), "official", process.organisation)
    client = Client()
    client.force_login(official)
    url = reverse("surveys:builder", args=[module.pk])
    first = client.get(url)
    assert first.status_code == 200
    assert "Ange när enkäten öppnar och stänger." in first.content.decode()
    assert not Phase.objects.filter(module=module).exists()

    saved = client.post(
        url,
        {
            "intro": "Berätta hur du reser.",
            "easy_read_intro": "Några frågor om resor.",
            "thanks": "Tack!",
            "access": "invitation",
            "ask_background": "on",
            "opens_at": "2030-03-01T08:00",
            "closes_at": "2030-03-31T20:30",
        },
    )
    assert saved.status_code == 302 and saved["Location"] == url
    survey = Survey.objects.get(module=module)
    assert (survey.intro, survey.easy_read_intro, survey.thanks) == (
        "Berätta hur du reser.",
        "Några frågor om resor.",
        "Tack!",
    )
    assert survey.access == Survey.Access.INVITATION and survey.ask_background
    phase = Phase.objects.get(module=module)
    assert phase.phase_type == "answering" and phase.process_id == process.pk
    assert phase.starts_at == datetime(2030, 3, 1, 8, 0, tzinfo=STOCKHOLM)
    assert phase.ends_at == datetime(2030, 3, 31, 20, 30, tzinfo=STOCKHOLM)

    again = client.post(
        url,
        {
            "intro": "Ändrad inledning.",
            "access": "anonymous",
            "opens_at": "2030-04-01T09:00",
            "closes_at": "2030-04-15T17:00",
        },
    )
    assert again.status_code == 302
    survey.refresh_from_db()
    assert survey.intro == "Ändrad inledning." and survey.access == "anonymous"
    assert not survey.ask_background  # an unticked box is a no
    updated = Phase.objects.get(module=module)  # still exactly one
    assert updated.pk == phase.pk
    assert updated.starts_at == datetime(2030, 4, 1, 9, 0, tzinfo=STOCKHOLM)
    assert updated.ends_at == datetime(2030, 4, 15, 17, 0, tzinfo=STOCKHOLM)
    assert actions() == ["survey.settings", "survey.settings"]
    # The form shows the saved dates in local time.
    assert 'value="2030-04-01T09:00"' in client.get(url).content.decode()


def test_settings_closing_before_opening_is_an_error_and_keeps_what_was_typed() -> None:
    built = build_survey()
    client, _user = staff_client(built)
    phase = selectors.answering_phase(built.survey)
    assert phase is not None
    page = client.post(
        builder_url(built),
        {
            "intro": "En helt ny inledning",
            "access": "account",
            "opens_at": "2030-05-10T12:00",
            "closes_at": "2030-05-01T12:00",
        },
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "Enkäten måste stänga efter att den öppnar." in html
    assert "En helt ny inledning" in html
    assert 'value="2030-05-10T12:00"' in html and 'value="2030-05-01T12:00"' in html
    built.survey.refresh_from_db()
    assert built.survey.intro == "Hur reser du?"
    unchanged = Phase.objects.get(pk=phase.pk)
    assert (unchanged.starts_at, unchanged.ends_at) == (phase.starts_at, phase.ends_at)
    assert not AuditEntry.objects.exists()


# --- Builder: sections and questions ----------------------------------------------------------


def test_add_a_section_and_a_question_with_choices_and_a_condition() -> None:
    built = build_survey()
    client, _user = staff_client(built)
    added = client.post(
        reverse("surveys:section_add", args=[built.survey.module_id]),
        {"section-title": "Cykel", "section-description": "Om att cykla."},
    )
    assert added.status_code == 302
    section = Section.objects.get(survey=built.survey, title="Cykel")
    assert section.description == "Om att cykla."
    assert list(built.survey.sections.values_list("title", flat=True)) == [
        "Resor",
        "Mer om dig och resor",
        "Cykel",
    ]

    url = reverse("surveys:question_add", args=[built.survey.module_id, section.pk])
    assert client.get(url).status_code == 200
    saved = client.post(
        url,
        {
            "kind": "single",
            "text": "Har du en cykel?",
            "help_text": "Räkna även elcykel.",
            "required": "on",
            "choices_text": "Ja\n  Nej  \n\nVet inte\n",
            "show_if": built.bus.pk,
        },
    )
    assert saved.status_code == 302
    assert saved["Location"].endswith(f"#section-{section.pk}")
    question = Question.objects.get(section=section)
    assert (question.kind, question.text, question.help_text, question.required) == (
        "single",
        "Har du en cykel?",
        "Räkna även elcykel.",
        True,
    )
    assert question.show_if == built.bus
    assert list(question.choices.values_list("position", "label")) == [
        (0, "Ja"),
        (1, "Nej"),
        (2, "Vet inte"),
    ]
    html = client.get(builder_url(built)).content.decode()
    assert "Ja · Nej · Vet inte" in html
    assert "Visas bara om svaret på ”Hur reser du oftast?” var ”Buss”." in html
    assert actions() == ["survey.section", "survey.question"]


def test_a_choice_question_needs_two_choices() -> None:
    built = build_survey()
    client, _user = staff_client(built)
    section = built.transport.section
    before = Question.objects.count()
    page = client.post(
        reverse("surveys:question_add", args=[built.survey.module_id, section.pk]),
        {"kind": "multiple", "text": "Vad saknar du?", "choices_text": "Bara ett\n\n"},
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "Skriv minst två svarsalternativ, ett per rad." in html
    assert 'value="Vad saknar du?"' in html
    assert Question.objects.count() == before
    assert not AuditEntry.objects.exists()


def test_a_new_question_cannot_depend_on_a_later_question() -> None:
    built = build_survey()
    client, _user = staff_client(built)
    later_choice = built.rating.choices.first()  # "Hur nöjd är du…" is in the second section
    page = client.post(
        reverse("surveys:question_add", args=[built.survey.module_id, built.transport.section_id]),
        {"kind": "text", "text": "Varför är du missnöjd?", "show_if": later_choice.pk},
    )
    assert page.status_code == 400
    assert "Villkoret måste gälla en fråga som kommer före den här." in page.content.decode()
    assert not Question.objects.filter(text="Varför är du missnöjd?").exists()


def test_editing_a_choice_label_keeps_the_choice_and_its_answers() -> None:
    built = build_survey()
    for _i in range(3):
        answer_directly(built, transport=1)  # Bil
    car = built.transport.choices.get(label="Bil")
    client, _user = staff_client(built)
    form = client.get(question_url(built, built.transport))
    assert form.status_code == 200
    assert "Buss\nBil\nCykel" in form.content.decode()
    saved = client.post(
        question_url(built, built.transport),
        question_data(built.transport, choices_text="Buss\nBil (egen eller lånad)\nCykel"),
    )
    assert saved.status_code == 302
    car.refresh_from_db()
    assert car.label == "Bil (egen eller lånad)"
    assert list(built.transport.choices.values_list("pk", flat=True)) == [
        built.bus.pk,
        car.pk,
        built.transport.choices.get(position=2).pk,
    ]
    assert Answer.objects.filter(choice=car).count() == 3


def test_reordering_the_choice_lines_keeps_each_answer_with_its_label() -> None:
    built = build_survey()
    for _i in range(2):
        answer_directly(built, transport=1)  # Bil
    answer_directly(built, transport=0)  # Buss
    client, _user = staff_client(built)
    before = dict(built.transport.choices.values_list("label", "pk"))
    saved = client.post(
        question_url(built, built.transport),
        question_data(built.transport, choices_text="Cykel\nBil\nBuss"),
    )
    assert saved.status_code == 302
    assert list(built.transport.choices.values_list("label", "pk")) == [
        ("Cykel", before["Cykel"]),
        ("Bil", before["Bil"]),
        ("Buss", before["Buss"]),
    ]
    assert Answer.objects.filter(choice__label="Bil").count() == 2
    assert Answer.objects.filter(choice__label="Buss").count() == 1


def test_removing_a_choice_that_has_answers_is_refused() -> None:
    built = build_survey()
    answer_directly(built, transport=2)  # Cykel
    client, _user = staff_client(built)
    page = client.post(
        question_url(built, built.transport),
        question_data(built.transport, text="Hur reser du vanligen?", choices_text="Buss\nBil"),
    )
    assert page.status_code == 409
    assert "Svarsalternativet ”Cykel” har svar och kan inte tas bort." in page.content.decode()
    built.transport.refresh_from_db()
    assert built.transport.text == "Hur reser du oftast?"  # nothing of the change was saved
    assert list(built.transport.choices.values_list("label", flat=True)) == [
        "Buss",
        "Bil",
        "Cykel",
    ]
    assert Answer.objects.filter(choice__label="Cykel").count() == 1


def test_removing_a_choice_without_answers_deletes_it() -> None:
    built = build_survey()
    answer_directly(built, transport=0)  # Buss
    client, _user = staff_client(built)
    saved = client.post(
        question_url(built, built.transport),
        question_data(built.transport, choices_text="Buss\nBil"),
    )
    assert saved.status_code == 302
    assert list(built.transport.choices.values_list("label", flat=True)) == ["Buss", "Bil"]
    assert Answer.objects.filter(choice=built.bus).count() == 1


def test_removing_a_middle_choice_that_has_answers_is_refused() -> None:
    built = build_survey()
    for _i in range(3):
        answer_directly(built, transport=1)  # Bil; nobody chose Cykel
    client, _user = staff_client(built)
    page = client.post(
        question_url(built, built.transport),
        question_data(built.transport, choices_text="Buss\nCykel"),
    )
    # The three people who answered "Bil" must not be counted as cyclists.
    assert Answer.objects.filter(choice__label="Cykel").count() == 0
    assert page.status_code == 409
    assert "Svarsalternativet ”Bil” har svar och kan inte tas bort." in page.content.decode()
    assert list(built.transport.choices.values_list("label", flat=True)) == [
        "Buss",
        "Bil",
        "Cykel",
    ]


def test_changing_the_kind_of_a_question_with_answers_is_refused() -> None:
    built = build_survey()
    answer_directly(built, transport=0)
    client, _user = staff_client(built)
    page = client.post(
        question_url(built, built.transport), question_data(built.transport, kind="text")
    )
    built.transport.refresh_from_db()
    assert built.transport.kind == "single"
    assert page.status_code == 409
    assert "Frågan har svar, så frågetypen kan inte ändras." in page.content.decode()


def test_the_service_refuses_a_new_kind_for_a_question_with_answers() -> None:
    built = build_survey()
    answer_directly(built, transport=0)
    _client, official = staff_client(built)
    with pytest.raises(Conflict) as refused:
        services.question_save(
            actor=official,
            section=built.transport.section,
            question=Question.objects.get(pk=built.transport.pk),
            kind="text",
            text=built.transport.text,
            help_text="",
            required=True,
            choices=[],
        )
    assert refused.value.code == "surveys.kind_in_use"
    assert refused.value.message == "Frågan har svar, så frågetypen kan inte ändras."
    built.transport.refresh_from_db()
    assert built.transport.kind == "single"
    assert built.transport.choices.count() == 3


def test_the_kind_of_a_question_without_answers_can_change() -> None:
    built = build_survey()
    answer_directly(built, transport=0)  # answers to another question only
    client, _user = staff_client(built)
    changed = client.post(
        question_url(built, built.wishes), question_data(built.wishes, kind="single")
    )
    assert changed.status_code == 302
    built.wishes.refresh_from_db()
    assert built.wishes.kind == "single"
    assert built.wishes.choices.count() == 3
    to_text = client.post(
        question_url(built, built.wishes), question_data(built.wishes, kind="text")
    )
    assert to_text.status_code == 302
    built.wishes.refresh_from_db()
    assert built.wishes.kind == "text" and not built.wishes.choices.exists()


def test_moving_questions_and_sections_up_and_down() -> None:
    built = build_survey()
    client, _user = staff_client(built)
    first = built.transport.section

    def order() -> list[str]:
        return list(first.questions.order_by("position", "id").values_list("text", flat=True))

    assert order() == ["Hur reser du oftast?", "Vad vill du ha mer av?"]
    up = client.post(item_url(built, "fraga", built.wishes.pk), {"action": "up"})
    assert up.status_code == 302 and up["Location"] == builder_url(built)
    assert order() == ["Vad vill du ha mer av?", "Hur reser du oftast?"]
    # The first item cannot move further up.
    client.post(item_url(built, "fraga", built.wishes.pk), {"action": "up"})
    assert order() == ["Vad vill du ha mer av?", "Hur reser du oftast?"]
    client.post(item_url(built, "fraga", built.wishes.pk), {"action": "down"})
    assert order() == ["Hur reser du oftast?", "Vad vill du ha mer av?"]

    extra = Section.objects.create(survey=built.survey, position=2, title="Extra")
    client.post(item_url(built, "avsnitt", extra.pk), {"action": "up"})
    assert list(built.survey.sections.values_list("title", flat=True)) == [
        "Resor",
        "Extra",
        "Mer om dig och resor",
    ]
    assert actions() == ["survey.reorder"] * 3


def test_a_section_cannot_move_above_the_question_its_condition_is_about() -> None:
    built = build_survey()
    client, _user = staff_client(built)
    second = built.bus_often.section
    refused = client.post(item_url(built, "avsnitt", second.pk), {"action": "up"})
    assert refused.status_code == 400  # the error page (DelaktigErrorMiddleware)
    assert list(built.survey.sections.values_list("title", flat=True)) == [
        "Resor",
        "Mer om dig och resor",
    ]
    assert list(built.survey.sections.values_list("position", flat=True)) == [0, 1]
    assert (
        "Det går inte att flytta dit: en fråga skulle komma före frågan som villkoret för den "
        "gäller." in refused.content.decode()
    )
    assert not AuditEntry.objects.exists()


def test_deleting_is_refused_while_there_are_answers() -> None:
    built = build_survey()
    answer_directly(built, transport=0)
    client, _user = staff_client(built)
    confirmed = {"action": "delete", "confirmed": "1"}
    refused = client.post(item_url(built, "fraga", built.transport.pk), confirmed)
    assert refused.status_code == 409  # the error page (DelaktigErrorMiddleware)
    assert "Det finns svar på det här, så det kan inte tas bort." in refused.content.decode()
    assert Question.objects.filter(pk=built.transport.pk).exists()
    client.post(item_url(built, "avsnitt", built.transport.section_id), confirmed)
    assert Section.objects.filter(pk=built.transport.section_id).exists()
    assert not AuditEntry.objects.filter(action="survey.delete").exists()

    # Without the confirmation, the question is only asked about.
    asked = client.post(item_url(built, "fraga", built.wishes.pk), {"action": "delete"})
    assert asked.status_code == 200 and "Vill du verkligen ta bort frågan" in asked.content.decode()
    assert Question.objects.filter(pk=built.wishes.pk).exists()
    deleted = client.post(item_url(built, "fraga", built.wishes.pk), confirmed)
    assert deleted.status_code == 302
    assert not Question.objects.filter(pk=built.wishes.pk).exists()
    assert not Choice.objects.filter(question_id=built.wishes.pk).exists()
    assert actions() == ["survey.delete"]


# --- Translation, preview, invitations --------------------------------------------------------


def translation_data(survey: Survey, blank: Collection[str] = ()) -> dict[str, str]:
    """Every text of the survey "translated" as 'EN <Swedish>', except the keys in ``blank``."""
    data = {}
    for obj in selectors.translatable_items(survey):
        for name in obj.translated_fields:
            source = getattr(obj, name)
            if source:
                key = f"{type(obj).__name__.lower()}-{obj.pk}-{name}"
                data[key] = "" if key in blank else f"EN {source}"
    return data


def test_translation_is_stored_per_text_and_the_builder_says_when_it_is_complete() -> None:
    built = build_survey()
    client, user = staff_client(built)
    url = reverse("surveys:translate", args=[built.survey.module_id, "en"])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    data = translation_data(built.survey)
    # Survey intro + thanks, 2 section titles, 6 question texts, 13 choice labels.
    assert len(data) == 2 + 2 + 6 + 13
    for key in data:
        assert f'name="{key}"' in html
    assert f'name="question-{built.transport.pk}-help_text"' not in html  # no source text
    builder = client.get(builder_url(built)).content.decode()
    assert '<span lang="en">English</span></a> – inte klar' in builder

    bus_key = f"choice-{built.bus.pk}-label"
    saved = client.post(url, translation_data(built.survey, blank={bus_key}))
    assert saved.status_code == 302 and saved["Location"] == builder_url(built)
    assert translated(built.survey, "en") == {
        "intro": "EN Hur reser du?",
        "thanks": "EN Resultatet kommer i maj.",
    }
    section = Section.objects.get(pk=built.transport.section_id)
    assert translated(section, "en") == {"title": "EN Resor"}
    assert translated(built.transport, "en") == {"text": "EN Hur reser du oftast?"}
    car = built.transport.choices.get(label="Bil")
    assert translated(car, "en") == {"label": "EN Bil"}
    # Saved by the official, who publishes the survey: reviewed by them, made from the
    # Swedish they saw.
    row = Translation.objects.get(object_id=car.pk, field="label", language="en")
    assert (row.state, row.translator, row.reviewed_by) == ("reviewed", user, user)
    assert (row.source_text, row.source_hash) == ("Bil", source_hash("Bil"))
    assert translated(built.bus, "en") == {}
    assert built.bus.tr("label", "en") == "Buss"  # blank: the Swedish text
    builder = client.get(builder_url(built)).content.decode()
    assert '<span lang="en">English</span></a> – inte klar' in builder  # one label is missing
    # Each text that changed is audited with its own object (21: all but the bus).
    assert actions().count("translation.save.en") == 21

    client.post(url, translation_data(built.survey))
    assert translated(built.bus, "en") == {"label": "EN Buss"}
    builder = client.get(builder_url(built)).content.decode()
    assert '<span lang="en">English</span></a> – klar' in builder

    # A blank field clears the translation again.
    text_key = f"question-{built.transport.pk}-text"
    client.post(url, translation_data(built.survey, blank={text_key}))
    built.transport.refresh_from_db()
    assert translated(built.transport, "en") == {}
    assert built.transport.tr("text", "en") == "Hur reser du oftast?"
    builder = client.get(builder_url(built)).content.decode()
    assert '<span lang="en">English</span></a> – inte klar' in builder
    # Only what changed is saved again: the bus, then the question.
    assert actions().count("translation.save.en") == 21 + 1 + 1

    # When the Swedish changes, the old translation is stale: the Swedish is shown instead.
    client.post(url, translation_data(built.survey))
    assert (
        '<span lang="en">English</span></a> – klar'
        in client.get(builder_url(built)).content.decode()
    )
    Question.objects.filter(pk=built.transport.pk).update(text="Hur reser du för det mesta?")
    built.transport.refresh_from_db()
    assert built.transport.tr("text", "en") == "Hur reser du för det mesta?"
    assert built.transport.language_of("text", "en") == "sv"
    assert (
        '<span lang="en">English</span></a> – inte klar'
        in client.get(builder_url(built)).content.decode()
    )
    assert "har ändrats sedan översättningen" in client.get(url).content.decode()
    # Swedish itself, unknown languages and languages the organisation does not offer have
    # no translation page.
    for code in ["sv", "xx", "se"]:
        other = reverse("surveys:translate", args=[built.survey.module_id, code])
        assert client.get(other).status_code == 404


def test_a_translation_of_Swedish_that_changed_meanwhile_is_refused_and_kept_on_the_page() -> None:
    built = build_survey()
    client, _user = staff_client(built)
    url = reverse("surveys:translate", args=[built.survey.module_id, "en"])
    page = client.get(url).content.decode()
    key = f"question-{built.transport.pk}-text"
    seen = source_hash("Hur reser du oftast?")
    assert f'name="seen-{key}" value="{seen}"' in page
    # Another official rewords the question while this one translates it.
    Question.objects.filter(pk=built.transport.pk).update(text="Hur reser du för det mesta?")
    data = {**translation_data(built.survey), key: "How do you usually travel?"}
    data |= {f"seen-{name}": "" for name in translation_data(built.survey)}
    data[f"seen-{key}"] = seen
    refused = client.post(url, data)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Den svenska texten ändrades medan du översatte." in html
    # Nothing saved; what was typed is there, next to the new Swedish and its fingerprint.
    assert not Translation.objects.filter(language="en").exists()
    assert 'value="How do you usually travel?"' in html
    assert "Hur reser du för det mesta?" in html
    assert f'name="seen-{key}" value="{source_hash("Hur reser du för det mesta?")}"' in html
    assert client.post(url, {**data, f"seen-{key}": source_hash("Hur reser du för det mesta?")})[
        "Location"
    ] == builder_url(built)
    assert translated(built.transport, "en") == {"text": "How do you usually travel?"}


def test_saving_the_translation_page_leaves_an_untouched_stale_translation_stale() -> None:
    # The page shows the old translation of a reworded question (with the new Swedish's
    # fingerprint): saving the page for another text must not make it current unread.
    built = build_survey()
    client, _user = staff_client(built)
    translate(built.transport, "en", text="How do you usually travel?")
    Question.objects.filter(pk=built.transport.pk).update(text="Hur reser du för det mesta?")
    url = reverse("surveys:translate", args=[built.survey.module_id, "en"])
    key = f"question-{built.transport.pk}-text"
    page = client.get(url).content.decode()
    assert 'value="How do you usually travel?"' in page
    new_seen = source_hash("Hur reser du för det mesta?")
    assert f'name="seen-{key}" value="{new_seen}"' in page
    thanks_key = f"survey-{built.survey.pk}-thanks"
    data = {key: "How do you usually travel?", f"seen-{key}": new_seen, thanks_key: "Thanks!"}
    assert client.post(url, data).status_code == 302
    question = Question.objects.get(pk=built.transport.pk)
    assert question.is_stale("text", "en")
    assert question.tr("text", "en") == "Hur reser du för det mesta?"
    assert translated(built.survey, "en") == {"thanks": "Thanks!"}
    # Written anew, it is current again.
    data[key] = "How do you travel most of the time?"
    assert client.post(url, data).status_code == 302
    question = Question.objects.get(pk=built.transport.pk)
    assert question.tr("text", "en") == "How do you travel most of the time?"


def test_a_translators_draft_is_shown_once_the_official_saves_the_translation_page() -> None:
    built = build_survey()
    translator = UserFactory()
    Role.objects.create(
        user=translator, kind="translator", organisation=built.organisation, languages=["en"]
    )
    client, official = staff_client(built)
    # The workbench lists every text of the survey, each labelled with where it stands.
    listed = [
        entry
        for entry in organisation_status(built.organisation, "en")
        if entry.kind.key.startswith("surveys.")
    ]
    assert counts(listed) == {"missing": 23, "stale": 0, "draft": 0, "reviewed": 0}
    labels = {entry.label for entry in listed}
    assert "Hur reser du oftast? – Bil" in labels and "Resvaneenkät – Resor" in labels
    # The translator works in the workbench: drafts, not yet public.
    for obj in selectors.translatable_items(built.survey):
        translation_services.translations_save(
            actor=translator,
            obj=obj,
            language="en",
            changes=[
                translation_services.Change(name, f"EN {getattr(obj, name)}")
                for name in obj.translated_fields
                if getattr(obj, name)
            ],
        )
    assert Translation.objects.filter(language="en", state="draft").count() == 23
    listed = [
        entry
        for entry in organisation_status(built.organisation, "en")
        if entry.kind.key.startswith("surveys.")
    ]
    assert counts(listed)["draft"] == 23
    answer = reverse("surveys:answer", args=[built.survey.module_id])
    assert "EN Hur reser du?" not in Client().get(answer + "?sprak=en").content.decode()
    builder = client.get(builder_url(built)).content.decode()
    assert '<span lang="en">English</span></a> – inte klar' in builder
    url = reverse("surveys:translate", args=[built.survey.module_id, "en"])
    page = client.get(url).content.decode()
    assert "Ett utkast från en översättare." in page
    assert 'value="EN Bil"' in page  # the draft, to be read before saving
    # Saved as it stands: every text is reviewed by the official, translated by the translator.
    assert client.post(url, translation_data(built.survey)).status_code == 302
    rows = Translation.objects.filter(language="en")
    assert {(r.state, r.translator_id, r.reviewed_by_id) for r in rows} == {
        ("reviewed", translator.pk, official.pk)
    }
    assert "EN Hur reser du?" in Client().get(answer + "?sprak=en").content.decode()
    builder = client.get(builder_url(built)).content.decode()
    assert '<span lang="en">English</span></a> – klar' in builder


def test_preview_shows_every_section_and_the_background_and_writes_nothing() -> None:
    built = build_survey()
    answer_directly(built, transport=0)
    client, _user = staff_client(built)
    counts = (Response.objects.count(), Answer.objects.count(), Survey.objects.count())
    page = client.get(reverse("surveys:preview", args=[built.survey.module_id]))
    assert page.status_code == 200
    html = page.content.decode()
    for text in [
        "Sida 1: Resor",
        "Sida 2: Mer om dig och resor",
        "Hur reser du oftast?",
        "Vad vill du ha mer av?",
        "Hur nöjd är du med trafiken?",
        "Vad skulle göra resan bättre?",
        "Hur många resor gör du i veckan?",
        "Om dig",
        "Hur gammal är du?",
        "Vilken kommun bor du i?",
        "Östersund",
        "Ragunda",
    ]:
        assert text in html, text
    assert (Response.objects.count(), Answer.objects.count(), Survey.objects.count()) == counts

    translate(built.transport, "en", text="How do you usually travel?")
    english = client.get(reverse("surveys:preview", args=[built.survey.module_id]) + "?sprak=en")
    assert "How do you usually travel?" in english.content.decode()

    built.survey.ask_background = False
    built.survey.save()
    without = client.get(reverse("surveys:preview", args=[built.survey.module_id])).content
    assert "Hur gammal är du?" not in without.decode()


def test_invitation_links_are_created_and_downloaded_as_absolute_links() -> None:
    built = build_survey(access=Survey.Access.INVITATION)
    client, _user = staff_client(built)
    url = reverse("surveys:invitations", args=[built.survey.module_id])
    created = client.post(url, {"count": 3, "label": "Utskick mars"})
    assert created.status_code == 302
    invitations = list(Invitation.objects.filter(survey=built.survey))
    assert len(invitations) == 3
    assert {i.label for i in invitations} == {"Utskick mars"}
    assert len({i.token for i in invitations}) == 3
    assert "3 länkar. 0 har svarat." in client.get(url).content.decode()

    download = client.get(url + "?format=csv")
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        f'attachment; filename="inbjudningar-{built.survey.module_id}.csv"'
    )
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["länk", "notering", "besvarad"]
    assert rows[1:] == [
        ["http://testserver" + reverse("surveys:invitation", args=[i.token]), "Utskick mars", "nej"]
        for i in invitations
    ]
    too_many = client.post(url, {"count": 5001})
    assert too_many.status_code == 400
    assert Invitation.objects.count() == 3
    assert actions() == ["survey.invitations"]


# --- Permissions -------------------------------------------------------------------------------


def staff_urls(built: Built) -> dict[str, str]:
    module = built.survey.module_id
    return {
        "builder": builder_url(built),
        "preview": reverse("surveys:preview", args=[module]),
        "results": reverse("surveys:results", args=[module]),
        "csv": reverse("surveys:export", args=[module, "csv"]),
        "raw": reverse("surveys:export", args=[module, "raw"]),
        "themes": reverse("surveys:themes", args=[module, built.free.pk]),
    }


def test_a_resident_and_an_official_of_another_organisation_get_403() -> None:
    built = build_survey()
    resident = Client()
    resident.force_login(UserFactory())
    outsider = Client()
    outsider.force_login(role(UserFactory(), "official", build_survey().organisation))
    for name, url in staff_urls(built).items():
        assert resident.get(url).status_code == 403, name
        assert outsider.get(url).status_code == 403, name
    weighting = {"margins": ["sex"], "target_age_groups": ["18–29"]}
    assert outsider.post(staff_urls(built)["results"], weighting).status_code == 403
    built.survey.refresh_from_db()
    assert built.survey.weighting_margins == []


def test_anonymous_visitors_are_sent_to_log_in() -> None:
    built = build_survey()
    for name, url in staff_urls(built).items():
        reply = Client().get(url)
        assert reply.status_code == 302, name
        assert reply["Location"].startswith("/konto/login/?next="), name


def test_a_moderator_reads_results_but_changes_nothing_and_gets_no_raw_data() -> None:
    built = build_survey()
    answer_directly(built, transport=0, text="Fler bussar på kvällen")
    client, _user = staff_client(built, "moderator")
    urls = staff_urls(built)
    page = client.get(urls["results"])
    assert page.status_code == 200
    assert "Avidentifierade svar" not in page.content.decode()
    assert 'action="{}"'.format(urls["results"]) not in page.content.decode()
    assert client.get(urls["csv"]).status_code == 200
    assert client.get(urls["themes"]).status_code == 200
    assert client.get(urls["raw"]).status_code == 403
    assert client.get(urls["builder"]).status_code == 403
    refused = client.post(
        urls["results"], {"margins": ["sex"], "target_age_groups": ["18–29", "30–44"]}
    )
    assert refused.status_code == 403
    built.survey.refresh_from_db()
    assert built.survey.weighting_margins == [] and built.survey.target_age_groups == []
    action = reverse("surveys:theme_action", args=[built.survey.module_id, built.free.pk])
    client.post(action, {"action": "find"})
    assert not Theme.objects.exists()
    assert not AuditEntry.objects.exists()


# --- Themes ------------------------------------------------------------------------------------

BUS = [
    "Fler bussar på kvällen, bussen går för sällan.",
    "Bussarna är alltid försenade, fler bussar behövs.",
    "Tätare bussar och fler bussturer till byn.",
    "Billigare busskort och bussar som går i tid.",
    "Bussen till sjukhuset borde gå oftare, fler bussar.",
    "Bussarna slutar gå tidigt, bussen behövs på kvällen.",
]
BIKE = [
    "Bygg fler cykelvägar mellan byarna, cykelvägen saknas.",
    "Cykelvägarna behöver plogas på vintern, cykla är svårt.",
    "Säkrare cykelväg längs stora vägen, jag cyklar varje dag.",
    "Cykelvägar som hänger ihop, så att fler kan cykla.",
    "Bredare cykelvägar så att man kan cykla tryggt.",
    "Belysning på cykelvägen, det är mörkt när jag cyklar hem.",
]
# Seven women, three men, one "annat" and one who did not say.
SEXES = ["kvinna"] * 4 + ["man", "annat"] + ["kvinna"] * 3 + ["man", "man", ""]


def with_free_texts(built: Built) -> tuple[list[int], list[int]]:
    """Twelve submitted free-text answers, six about buses and six about cycle paths."""
    ids = []
    for i, text in enumerate(BUS + BIKE):
        response = answer_directly(
            built,
            transport=0 if i < 6 else 2,
            sex=SEXES[i],
            age="30–44",
            place=built.places[1],
            text=text,
        )
        ids.append(response.answers.get(question=built.free).pk)
    # An unsubmitted answer is no part of the themes.
    draft = Response.objects.create(survey=built.survey)
    Answer.objects.create(response=draft, question=built.free, text="Fler bussar, bussen!")
    return ids[:6], ids[6:]


def theme_url(built: Built, action: bool = False) -> str:
    name = "surveys:theme_action" if action else "surveys:themes"
    return reverse(name, args=[built.survey.module_id, built.free.pk])


def members(theme: Theme) -> set[int]:
    return set(theme.answers.values_list("pk", flat=True))


def check_topics(themes: list[Theme], bus: list[int], bike: list[int]) -> None:
    """Every answer is in exactly one theme, and no theme mixes the two topics."""
    seen = [pk for theme in themes for pk in members(theme)]
    assert sorted(seen) == sorted(bus + bike)
    for theme in themes:
        assert members(theme) <= set(bus) or members(theme) <= set(bike), theme.name


def test_finding_themes_groups_the_answers_by_topic() -> None:
    built = build_survey()
    bus, bike = with_free_texts(built)
    client, _user = staff_client(built)
    found = client.post(theme_url(built, action=True), {"action": "find"})
    assert found.status_code == 302 and found["Location"] == theme_url(built)
    themes = list(built.free.themes.all())
    assert len(themes) == 2
    check_topics(themes, bus, bike)
    for theme in themes:
        assert theme.representatives and set(theme.representatives) <= members(theme)
    assert f"{len(themes)} teman hittades." in messages_of(client.get(theme_url(built)))
    # Finding again replaces the themes.
    client.post(theme_url(built, action=True), {"action": "find"})
    assert Theme.objects.count() == 2
    assert not Theme.objects.filter(pk__in=[t.pk for t in themes]).exists()
    assert actions() == ["survey.themes.find", "survey.themes.find"]


def test_rename_merge_and_split_themes() -> None:
    built = build_survey()
    bus, bike = with_free_texts(built)
    client, _user = staff_client(built)
    action = theme_url(built, action=True)
    client.post(action, {"action": "find"})
    first, second = built.free.themes.all()

    renamed = client.post(action, {"action": "rename", "theme": first.pk, "name": "Bussar"})
    assert renamed["Location"] == theme_url(built) + f"#theme-{first.pk}"
    first.refresh_from_db()
    assert first.name == "Bussar"

    merged = client.post(action, {"action": "merge", "theme": first.pk, "into": second.pk})
    assert merged.status_code == 302
    assert not Theme.objects.filter(pk=first.pk).exists()
    assert members(second) == set(bus + bike)
    assert list(built.free.themes.all()) == [second]

    split = client.post(action, {"action": "split", "theme": second.pk})
    assert split.status_code == 302
    assert not Theme.objects.filter(pk=second.pk).exists()
    parts = list(built.free.themes.all())
    assert len(parts) == 2
    check_topics(parts, bus, bike)
    assert actions() == [
        "survey.themes.find",
        "survey.themes.rename",
        "survey.themes.merge",
        "survey.themes.split",
    ]


def test_create_a_theme_and_tag_an_answer_with_it() -> None:
    built = build_survey()
    bus, _bike = with_free_texts(built)
    client, _user = staff_client(built)
    action = theme_url(built, action=True)
    client.post(action, {"action": "find"})
    bus_theme = next(t for t in built.free.themes.all() if members(t) == set(bus))
    created = client.post(action, {"action": "create", "name": "Tider"})
    assert created.status_code == 302
    times = Theme.objects.get(question=built.free, name="Tider")
    assert members(times) == set()

    tagged = client.post(
        action, {"action": "tag", "answer": bus[0], "themes": [times.pk, bus_theme.pk]}
    )
    assert tagged.status_code == 302
    answer = Answer.objects.get(pk=bus[0])
    assert set(answer.themes.values_list("pk", flat=True)) == {times.pk, bus_theme.pk}
    client.post(action, {"action": "tag", "answer": bus[0], "themes": [times.pk]})
    assert set(answer.themes.values_list("pk", flat=True)) == {times.pk}
    assert members(bus_theme) == set(bus[1:])
    # An answer to another question cannot be tagged here.
    other = Answer.objects.filter(question=built.transport).first()
    refused = client.post(action, {"action": "tag", "answer": other.pk, "themes": [times.pk]})
    assert refused.status_code == 404
    assert "survey.themes.create" in actions() and actions().count("survey.themes.tag") == 2


def test_the_themes_page_shows_representative_quotes() -> None:
    built = build_survey()
    with_free_texts(built)
    client, _user = staff_client(built)
    client.post(theme_url(built, action=True), {"action": "find"})
    page = client.get(theme_url(built))
    assert page.status_code == 200
    html = page.content.decode()
    assert "12 fritextsvar, 0 utan tema." in html
    texts = dict(Answer.objects.filter(question=built.free).values_list("pk", "text"))
    for card, theme in zip(page.context["cards"], built.free.themes.all(), strict=True):
        assert card["count"] == 6
        expected = [texts[pk] for pk in theme.representatives[:3]]
        assert card["quotes"] == expected
        for quote in expected:
            assert f'<blockquote class="quoted">{quote}</blockquote>' in html


def test_a_themes_breakdown_hides_counts_under_five() -> None:
    built = build_survey()
    bus, bike = with_free_texts(built)
    theme = Theme.objects.create(question=built.free, name="Alla resor")
    theme.answers.set(bus + bike)
    client, _user = staff_client(built)
    page = client.get(theme_url(built))
    (card,) = page.context["cards"]
    by_sex = dict(card["breakdowns"])["Kön"]
    # 7 women, 3 men, 1 "annat", 1 not said: the three small groups are hidden.
    assert [(c.label, c.count) for c in by_sex] == [
        ("Kvinna", 7),
        ("Man", None),
        ("Annat", None),
        ("Vill inte uppge", 0),
        ("Inget svar", None),
    ]
    by_age = dict(card["breakdowns"])["Åldersgrupp"]
    assert [c.count for c in by_age] == [0, 0, 12, 0, 0, 0, 0]
    html = page.content.decode()
    assert '<th scope="row">Kvinna</th><td>7</td>' in html
    assert (
        '<th scope="row">Man</th><td>–<span class="visually-hidden"> färre än fem, visas inte'
        in html
    )
