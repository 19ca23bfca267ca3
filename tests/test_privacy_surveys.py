"""Survey responses in the account export, the account deletion and the retention rule."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from delaktig.accounts.services import account_delete, personal_data_export
from delaktig.core import contributions
from delaktig.surveys.exports import raw_csv
from delaktig.surveys.models import Answer, Invitation, Response, Survey
from delaktig.surveys.results import survey_results
from tests.factories import UserFactory
from tests.survey_helpers import Built, answer_directly, build_survey

pytestmark = pytest.mark.django_db


def account_response(built: Built, user: Any, *, submitted: bool = True) -> Response:
    """A response given with an account: bus, two wishes, a text and background answers."""
    response = Response.objects.create(
        survey=built.survey,
        respondent=user,
        age_group="30–44",
        sex="kvinna",
        municipality=built.places[0],
    )
    Answer.objects.create(response=response, question=built.transport, choice=built.bus)
    for choice in list(built.wishes.choices.all())[:2]:
        Answer.objects.create(response=response, question=built.wishes, choice=choice)
    Answer.objects.create(response=response, question=built.free, text="Tätare turer på kvällen")
    Answer.objects.create(response=response, question=built.trips, number=7)
    if submitted:
        Response.objects.filter(pk=response.pk).update(submitted_at=timezone.now())
    response.refresh_from_db()
    return response


def test_the_export_holds_the_answers_with_the_questions_and_the_background() -> None:
    built = build_survey()
    user = UserFactory()
    account_response(built, user)
    other = UserFactory()
    account_response(build_survey(), other)

    data = personal_data_export(user=user)["survey_responses"]

    assert len(data) == 1
    item = data[0]
    assert item["survey"] == "Resvaneenkät"
    assert item["process"] == built.survey.module.process.title
    assert item["submitted"] is not None
    assert item["background"] == {
        "age_group": "30–44",
        "sex": "Kvinna",
        "municipality": "Ragunda",
        "lives_elsewhere": False,
    }
    answers = {a["question"]: a["answer"] for a in item["answers"]}
    assert answers == {
        "Hur reser du oftast?": "Buss",
        "Vad vill du ha mer av?": ["Turer", "Cykelbanor"],
        "Vad skulle göra resan bättre?": "Tätare turer på kvällen",
        "Hur många resor gör du i veckan?": "7.00",
    }


def test_deletion_keeps_submitted_answers_in_the_results_without_anything_tying_them() -> None:
    built = build_survey()
    user = UserFactory()
    response = account_response(built, user)
    old_token = response.resume_token
    answer_directly(built, transport=1, age="18–29", sex="man", place=built.places[1])
    before = survey_results(built.survey, weighted=False)

    account_delete(user=user)

    response.refresh_from_db()
    assert response.respondent is None
    assert response.invitation is None
    assert response.resume_token != old_token
    assert (response.age_group, response.sex) == ("", "")
    assert response.municipality is None and not response.lives_elsewhere
    # Only the day of answering is left, not the time.
    assert response.submitted_at is not None
    local = timezone.localtime(response.submitted_at)
    assert (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)
    assert response.started == response.updated == response.submitted_at
    # The answers stay, anonymous, in the aggregate results.
    assert response.answers.count() == 5
    after = survey_results(built.survey, weighted=False)
    assert after.respondents == before.respondents == 2
    assert not Response.objects.filter(respondent=user).exists()
    assert personal_data_export(user=user)["survey_responses"] == []
    # The anonymous raw data still hold the text answer.
    _name, _type, body = raw_csv(built.survey.module)
    assert "Tätare turer på kvällen" in body.decode()


def test_deletion_removes_an_unfinished_response_and_its_resume_link() -> None:
    built = build_survey(access=Survey.Access.ACCOUNT)
    user = UserFactory()
    unfinished = account_response(built, user, submitted=False)
    submitted = account_response(build_survey(), user)

    account_delete(user=user)

    assert not Response.objects.filter(pk=unfinished.pk).exists()
    assert not Answer.objects.filter(response_id=unfinished.pk).exists()
    assert Response.objects.filter(pk=submitted.pk, respondent=None).exists()
    link = reverse("surveys:resume", kwargs={"token": unfinished.resume_token})
    assert Client().get(link).status_code == 404


def test_deletion_removes_an_invitation_link_tied_to_the_person() -> None:
    built = build_survey()
    user = UserFactory()
    response = account_response(built, user)
    invitation = Invitation.objects.create(survey=built.survey, label="Utskick till Kim")
    Response.objects.filter(pk=response.pk).update(invitation=invitation)
    untouched = Invitation.objects.create(survey=built.survey)

    account_delete(user=user)

    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    assert Invitation.objects.filter(pk=untouched.pk).exists()
    response.refresh_from_db()
    assert response.invitation is None and response.answers.exists()
    link = reverse("surveys:invitation", kwargs={"token": invitation.token})
    assert Client().get(link).status_code == 404


def test_deleting_twice_is_harmless_and_leaves_others_alone() -> None:
    built = build_survey()
    user = UserFactory()
    other = UserFactory()
    account_response(built, user)
    theirs = account_response(built, other)

    account_delete(user=user)
    account_delete(user=user)

    theirs.refresh_from_db()
    assert theirs.respondent == other and theirs.sex == "kvinna"
    assert Response.objects.filter(survey=built.survey).count() == 2


# --- Retention ---


def unfinished_response(built: Built, *, updated_days_ago: float) -> Response:
    response = Response.objects.create(survey=built.survey)
    Answer.objects.create(response=response, question=built.free, text="Halvfärdigt")
    Response.objects.filter(pk=response.pk).update(
        updated=timezone.now() - timedelta(days=updated_days_ago)
    )
    return response


def closed_survey(days_ago: float) -> Built:
    now = timezone.now()
    return build_survey(
        access=Survey.Access.ANONYMOUS,
        starts_at=now - timedelta(days=days_ago + 30),
        ends_at=now - timedelta(days=days_ago),
    )


def test_retention_removes_unfinished_responses_of_surveys_closed_long_enough() -> None:
    rule = contributions.retention("unfinished_survey_responses")
    assert rule.default_days == 30
    now = timezone.now()
    closed = closed_survey(days_ago=40)
    due = unfinished_response(closed, updated_days_ago=45)
    submitted = Response.objects.create(survey=closed.survey)
    Response.objects.filter(pk=submitted.pk).update(
        submitted_at=now - timedelta(days=46), updated=now - timedelta(days=45)
    )
    recently_closed = closed_survey(days_ago=10)
    waiting = unfinished_response(recently_closed, updated_days_ago=45)
    still_open = build_survey(access=Survey.Access.ANONYMOUS)
    resumable = unfinished_response(still_open, updated_days_ago=45)
    other_organisation = closed_survey(days_ago=40)
    foreign = unfinished_response(other_organisation, updated_days_ago=45)

    assert rule.apply(closed.organisation, 30, now) == 1
    assert not Response.objects.filter(pk=due.pk).exists()
    assert Response.objects.filter(pk=submitted.pk).exists()
    assert Response.objects.filter(pk=foreign.pk).exists()
    assert rule.apply(closed.organisation, 30, now) == 0  # idempotent

    assert rule.apply(recently_closed.organisation, 30, now) == 0
    assert Response.objects.filter(pk=waiting.pk).exists()
    assert rule.apply(recently_closed.organisation, 30, now + timedelta(days=21)) == 1
    assert not Response.objects.filter(pk=waiting.pk).exists()

    assert rule.apply(still_open.organisation, 30, now) == 0
    assert rule.apply(still_open.organisation, 0, now) == 0
    assert Response.objects.filter(pk=resumable.pk).exists()


def test_retention_counts_from_the_last_change_of_the_response() -> None:
    rule = contributions.retention("unfinished_survey_responses")
    now = timezone.now()
    closed = closed_survey(days_ago=60)
    touched_late = unfinished_response(closed, updated_days_ago=29)
    on_the_edge = unfinished_response(closed, updated_days_ago=31)

    assert rule.apply(closed.organisation, 30, now) == 1
    assert Response.objects.filter(pk=touched_late.pk).exists()
    assert not Response.objects.filter(pk=on_the_edge.pk).exists()
