"""A resident who took part in many ways downloads everything, then deletes the account.

Through the real pages (export and deletion) on the demo region: a registration for an event
with stated needs, a question at fullmäktige's question time, a survey answer and a seat on
the pensioners' council.
"""

import json

import pytest
from django.core.management import call_command
from django.test import Client

from delaktig.accounts.models import User
from delaktig.accounts.services import personal_data_export
from delaktig.councils.models import Council, Membership
from delaktig.meetings import services as meetings
from delaktig.meetings.models import Meeting, Question, Registration
from tests.survey_helpers import build_survey
from tests.test_privacy_surveys import account_response

pytestmark = pytest.mark.django_db


def test_everything_is_downloaded_and_nothing_identifies_the_person_after_deletion() -> None:
    with open("/dev/null", "w") as sink:
        call_command("load_demo", stdout=sink)
    membership = Membership.objects.get(name="Inga L.")
    person = membership.user
    assert person is not None
    name, email = "Inga Lindqvist", person.email
    event = Meeting.objects.filter(registration_open=True).first()
    assembly = Meeting.objects.get(kind="assembly")
    assert event is not None
    meetings.registration_create(
        actor=person, meeting=event, interpreter="teckenspråk", diet="glutenfri, celiaki"
    )
    meetings.question_submit(
        actor=person,
        meeting=assembly,
        text="Hur blir busstrafiken i Bräcke?",
        asker_name=name,
        accept_rules=True,  # the demo region has samtalsregler
    )
    question = Question.objects.get(asker=person)
    official = User.objects.get(email="tjansteperson@demo.delaktig.se")
    meetings.question_accept(actor=official, question=question)  # now on the public page
    built = build_survey()
    response = account_response(built, person)

    client = Client()
    client.force_login(person)
    download = json.loads(client.post("/mitt-konto/mina-uppgifter.json").content)
    assert download["meeting_registrations"][0]["meeting"] == event.title
    assert download["meeting_needs"][0]["diet"] == "glutenfri, celiaki"
    assert download["meeting_questions"][0]["question"] == "Hur blir busstrafiken i Bräcke?"
    assert "Tätare turer på kvällen" in json.dumps(download["survey_responses"], ensure_ascii=False)
    assert download["council_memberships"][0]["council"] == membership.council.name
    assert download["account"]["email"] == email

    assert client.post("/mitt-konto/ta-bort/", {"confirm": "RADERA"}).status_code == 302

    person.refresh_from_db()
    assert person.email == "" and person.deleted_at is not None and not person.is_active
    assert not Registration.objects.filter(user=person).exists()
    question.refresh_from_db()
    assert question.asker_name == "" and question.text  # the public record stays, unnamed
    response.refresh_from_db()
    assert response.respondent is None and response.answers.exists()
    public = Client()
    assembly_page = public.get(assembly.get_absolute_url()).content.decode()
    assert "Hur blir busstrafiken i Bräcke?" in assembly_page and name not in assembly_page
    assert "Borttagen användare" in assembly_page
    council_page = public.get(f"/rad/{membership.council.slug}/").content.decode()
    assert "Inga L." not in council_page
    # The download of what is left names no one.
    left = json.dumps(personal_data_export(user=person), ensure_ascii=False)
    assert email not in left and name not in left and "glutenfri" not in left
    assert Council.objects.filter(pk=membership.council_id).exists()
