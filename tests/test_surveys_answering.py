"""Answering a survey: steps, conditions, saving, one response per account or link."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from delaktig.core.errors import Conflict, DelaktigError, NotAllowedInPhase
from delaktig.organisations.models import OrganisationSettings
from delaktig.surveys import selectors, services
from delaktig.surveys.models import Answer, Invitation, Response, Survey
from delaktig.translations.models import Translation
from tests.factories import ProfileFactory, UserFactory, role
from tests.survey_helpers import build_survey

pytestmark = pytest.mark.django_db


def url(built: Any, step: int | None = None, **query: str) -> str:
    base = reverse("surveys:answer", args=[built.survey.module_id])
    params = ({"steg": str(step)} if step else {}) | query
    return base + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def logged_in() -> tuple[Client, Any]:
    user = UserFactory()
    client = Client()
    client.force_login(user)
    return client, user


def test_whole_flow_with_a_condition_and_background() -> None:
    built = build_survey()
    client, user = logged_in()
    intro = client.get(url(built))
    assert intro.status_code == 200
    assert "Börja svara" in intro.content.decode()
    start = client.post(url(built))
    assert start.status_code == 302 and start["Location"].endswith("?steg=1")

    bus = built.bus.pk
    wishes = [str(c.pk) for c in built.wishes.choices.all()[:2]]
    step1 = client.post(
        url(built, 1),
        {"action": "next", f"q{built.transport.pk}": bus, f"q{built.wishes.pk}": wishes},
    )
    assert step1["Location"].endswith("?steg=2")
    page2 = client.get(url(built, 2)).content.decode()
    assert "Hur ofta tar du bussen?" in page2  # the condition is met: Buss was chosen

    often = built.bus_often.choices.first().pk
    rating = built.rating.choices.last().pk
    step2 = client.post(
        url(built, 2),
        {
            "action": "next",
            f"q{built.bus_often.pk}": often,
            f"q{built.rating.pk}": rating,
            f"q{built.free.pk}": "Fler turer på kvällen",
            f"q{built.trips.pk}": "4,5",
        },
    )
    assert step2["Location"].endswith("?steg=3")
    place = built.places[1]
    step3 = client.post(
        url(built, 3),
        {"action": "next", "age_group": "30–44", "sex": "kvinna", "municipality": place.pk},
    )
    assert step3["Location"].endswith("?steg=4")
    review = client.get(url(built, 4)).content.decode()
    assert "Fler turer på kvällen" in review and "Östersund" in review
    done = client.post(url(built, 4), {"action": "submit"})
    assert done["Location"] == reverse("surveys:thanks", args=[built.survey.module_id])
    assert "Resultatet kommer i maj." in client.get(done["Location"]).content.decode()

    response = Response.objects.get(survey=built.survey, respondent=user)
    assert response.submitted_at is not None
    assert (response.age_group, response.sex, response.municipality) == ("30–44", "kvinna", place)
    assert Answer.objects.filter(response=response, question=built.wishes).count() == 2
    assert Answer.objects.get(response=response, question=built.trips).number == pytest.approx(4.5)
    # Coming back shows that the person has answered; nothing can be sent again.
    again = client.get(url(built)).content.decode()
    assert "Du har redan svarat" in again
    client.post(url(built))
    assert Response.objects.filter(survey=built.survey, respondent=user).count() == 1


def test_condition_not_met_hides_the_question_and_its_answer_is_dropped() -> None:
    built = build_survey()
    client, user = logged_in()
    client.post(url(built))
    car = built.transport.choices.all()[1].pk
    client.post(url(built, 1), {"action": "next", f"q{built.transport.pk}": car})
    page2 = client.get(url(built, 2)).content.decode()
    assert "Hur ofta tar du bussen?" not in page2
    # A forged answer to the hidden question is not stored, and it is not required.
    client.post(
        url(built, 2),
        {"action": "next", f"q{built.bus_often.pk}": built.bus_often.choices.first().pk},
    )
    response = Response.objects.get(respondent=user)
    assert not response.answers.filter(question=built.bus_often).exists()
    client.post(url(built, 3), {"action": "next"})
    client.post(url(built, 4), {"action": "submit"})
    response.refresh_from_db()
    assert response.submitted_at is not None


def test_required_question_error_keeps_what_was_typed() -> None:
    built = build_survey()
    client, _user = logged_in()
    client.post(url(built))
    wish = str(built.wishes.choices.first().pk)
    page = client.post(url(built, 1), {"action": "next", f"q{built.wishes.pk}": [wish]})
    assert page.status_code == 400
    html = page.content.decode()
    assert 'id="error-summary"' in html
    assert f'href="#id_q{built.transport.pk}_0"' in html  # the group's first radio button
    assert "Svara på frågan, den är obligatorisk." in html
    assert f'value="{wish}" id="id_q{built.wishes.pk}_0" checked' in html


def test_number_out_of_range_is_a_clear_error() -> None:
    built = build_survey()
    client, _user = logged_in()
    client.post(url(built))
    client.post(url(built, 1), {"action": "next", f"q{built.transport.pk}": built.bus.pk})
    page = client.post(url(built, 2), {"action": "next", f"q{built.trips.pk}": "500"})
    assert page.status_code == 400
    assert "Skriv ett tal som är 100 eller mindre." in page.content.decode()  # not "100.00"
    assert 'value="500"' in page.content.decode()
    page = client.post(url(built, 2), {"action": "next", f"q{built.trips.pk}": "-5"})
    assert "Skriv ett tal som är 0 eller större." in page.content.decode()
    page = client.post(url(built, 2), {"action": "next", f"q{built.trips.pk}": "många"})
    assert "Skriv ett tal, till exempel 3 eller 2,5." in page.content.decode()


def test_English_is_offered_once_everything_is_translated() -> None:
    built = build_survey()
    official = UserFactory()
    role(official, "official", built.organisation)
    items = selectors.translatable_items(built.survey)
    everything = {
        (type(obj).__name__.lower(), obj.pk, field): f"EN {getattr(obj, field)}"
        for obj in items
        for field in obj.translated_fields
        if getattr(obj, field)
    }
    missing = ("question", built.wishes.pk, "text")
    partial = {k: v for k, v in everything.items() if k != missing}
    services.translations_save(actor=official, survey=built.survey, language="en", values=partial)
    client, _user = logged_in()
    intro = client.get(url(built, sprak="en")).content.decode()
    assert "EN Hur reser du?" not in intro  # not offered while a text is missing
    assert "Hur reser du?" in intro

    services.translations_save(
        actor=official, survey=built.survey, language="en", values=everything
    )
    intro = client.get(url(built, sprak="en")).content.decode()
    assert '<p class="lead" lang="en">EN Hur reser du?</p>' in intro
    client.post(url(built) + "?sprak=en", {"sprak": "en"})
    page = client.get(url(built, 1, sprak="en")).content.decode()
    assert "EN Hur reser du oftast?" in page and "EN Vad vill du ha mer av?" in page
    assert f'id="question-{built.transport.pk}"' in page
    assert '<div class="question" lang="en"' in page
    # A translation waiting for review (a translator's draft) is not public: the survey is
    # no longer offered in English while one text is a draft.
    Translation.objects.filter(language="en", field="label").update(state="draft")
    intro = client.get(url(built, sprak="en")).content.decode()
    assert "EN Hur reser du?" not in intro


def test_the_survey_language_is_marked_on_its_texts_and_the_interface_keeps_its_own() -> None:
    """Finnish texts in a Swedish interface (the Finnish catalogue is not reviewed): only the
    survey's texts say lang="fi"."""
    built = build_survey()
    OrganisationSettings.objects.filter(organisation=built.organisation).update(
        content_languages=["sv", "en", "fi"]
    )
    official = role(UserFactory(), "official", built.organisation)
    everything = {
        (type(obj).__name__.lower(), obj.pk, field): f"FI {getattr(obj, field)}"
        for obj in selectors.translatable_items(built.survey)
        for field in obj.translated_fields
        if getattr(obj, field)
    }
    services.translations_save(
        actor=official, survey=built.survey, language="fi", values=everything
    )
    client, _user = logged_in()
    client.post(url(built) + "?sprak=fi", {"sprak": "fi"})
    page = client.get(url(built, 1, sprak="fi")).content.decode()
    assert '<html lang="sv">' in page
    assert "FI Hur reser du oftast?" in page
    assert '<div class="question" lang="fi"' in page
    # The interface stays Swedish: its own texts are not marked as Finnish.
    assert "Frågor markerade med * måste besvaras." in page
    assert Response.objects.get(survey=built.survey).language == "fi"


def test_a_survey_is_answered_in_easy_read_swedish() -> None:
    """Lättläst is a content language whose code is longer than a language tag: a response
    begun in it keeps it (PostgreSQL refuses a value longer than the column)."""
    built = build_survey()
    OrganisationSettings.objects.filter(organisation=built.organisation).update(
        content_languages=["sv", "lattlast"]
    )
    official = role(UserFactory(), "official", built.organisation)
    everything = {
        (type(obj).__name__.lower(), obj.pk, field): f"LL {getattr(obj, field)}"
        for obj in selectors.translatable_items(built.survey)
        for field in obj.translated_fields
        if getattr(obj, field)
    }
    services.translations_save(
        actor=official, survey=built.survey, language="lattlast", values=everything
    )
    client, _user = logged_in()
    started = client.post(url(built) + "?sprak=lattlast", {"sprak": "lattlast"})
    assert started.status_code == 302
    assert Response.objects.get(survey=built.survey).language == "lattlast"
    page = client.get(url(built, 1, sprak="lattlast")).content.decode()
    assert "LL Hur reser du oftast?" in page
    assert '<div class="question" lang="sv"' in page


def test_save_and_continue_later_anonymously() -> None:
    built = build_survey(access=Survey.Access.ANONYMOUS)
    first = Client()
    first.post(url(built))
    first.post(url(built, 1), {"action": "save", f"q{built.wishes.pk}": []})
    saved = first.get(reverse("surveys:saved", args=[built.survey.module_id]))
    response = Response.objects.get(survey=built.survey)
    assert response.respondent is None
    resume = reverse("surveys:resume", args=[response.resume_token])
    assert resume in saved.content.decode()
    # Another device picks up the same response from the link.
    other = Client()
    confirm = other.get(resume)
    assert "Fortsätt med de sparade svaren" in confirm.content.decode()
    assert not other.session.get(f"survey-{built.survey.pk}")  # nothing changes on a GET
    other.post(resume)
    other.post(url(built, 1), {"action": "next", f"q{built.transport.pk}": built.bus.pk})
    assert Response.objects.filter(survey=built.survey).count() == 1
    assert response.answers.filter(question=built.transport).exists()


def test_account_survey_asks_anonymous_visitors_to_log_in() -> None:
    built = build_survey()
    reply = Client().post(url(built))
    assert reply.status_code == 302 and "/konto/login/" in reply["Location"]
    assert not Response.objects.exists()


def test_invitation_links_give_one_response_each() -> None:
    built = build_survey(access=Survey.Access.INVITATION)
    first, second = Invitation.objects.bulk_create(
        [Invitation(survey=built.survey), Invitation(survey=built.survey)]
    )
    without = Client()
    assert "personliga länk" in without.get(url(built)).content.decode()
    assert without.post(url(built)).status_code == 403

    def answer(token: str) -> Client:
        client = Client()
        client.get(reverse("surveys:invitation", args=[token]))
        client.post(url(built))
        client.post(url(built, 1), {"action": "next", f"q{built.transport.pk}": built.bus.pk})
        client.post(
            url(built, 2),
            {"action": "next", f"q{built.bus_often.pk}": built.bus_often.choices.first().pk},
        )
        client.post(url(built, 3), {"action": "next"})
        client.post(url(built, 4), {"action": "submit"})
        return client

    answer(first.token)
    again = answer(first.token)
    answer(second.token)
    assert Response.objects.filter(survey=built.survey, submitted_at__isnull=False).count() == 2
    assert "Du har redan svarat" in again.get(url(built)).content.decode()


def test_background_is_prefilled_from_a_consented_profile() -> None:
    built = build_survey()
    profile = ProfileFactory(
        birth_year=timezone.localdate().year - 70, municipality=built.places[0]
    )
    response = services.response_start(survey=built.survey, actor=profile.user)
    assert (response.age_group, response.sex, response.municipality) == (
        "65–79",
        "kvinna",
        built.places[0],
    )


def test_answering_only_while_the_phase_runs() -> None:
    opens = timezone.now().replace(microsecond=0) + timedelta(days=1)
    closes = opens + timedelta(days=10)
    built = build_survey(starts_at=opens, ends_at=closes)
    user = UserFactory()
    with time_machine.travel(opens - timedelta(seconds=1)), pytest.raises(NotAllowedInPhase):
        services.response_start(survey=built.survey, actor=user)
    with time_machine.travel(opens):
        response = services.response_start(survey=built.survey, actor=user)
        services.response_save_answers(
            response=response,
            questions=[built.transport],
            values={built.transport.pk: built.bus.pk},
        )
        services.response_save_answers(
            response=response,
            questions=[built.bus_often],
            values={built.bus_often.pk: built.bus_often.choices.first().pk},
        )
    with time_machine.travel(closes), pytest.raises(NotAllowedInPhase):
        services.response_submit(response=response)
    with time_machine.travel(closes - timedelta(seconds=1)):
        assert services.response_submit(response=response).submitted_at is not None


def test_submitting_twice_counts_once() -> None:
    built = build_survey()
    user = UserFactory()
    response = services.response_start(survey=built.survey, actor=user)
    services.response_save_answers(
        response=response, questions=[built.transport], values={built.transport.pk: built.bus.pk}
    )
    services.response_save_answers(
        response=response,
        questions=[built.bus_often],
        values={built.bus_often.pk: built.bus_often.choices.first().pk},
    )
    services.response_submit(response=response)
    with pytest.raises(Conflict) as twice:
        services.response_submit(response=response)
    assert twice.value.code == "surveys.already_answered"
    with pytest.raises(Conflict) as again:
        services.response_start(survey=built.survey, actor=user)
    assert again.value.code == "surveys.already_answered"
    assert Response.objects.filter(survey=built.survey).count() == 1


def test_required_questions_block_submission() -> None:
    built = build_survey()
    response = services.response_start(survey=built.survey, actor=UserFactory())
    with pytest.raises(DelaktigError) as refused:
        services.response_submit(response=response)
    assert refused.value.code == "surveys.required_missing"
    assert [q.pk for q in selectors.missing_required(response)] == [built.transport.pk]
