import json
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from delaktig.accounts.models import DemographicProfile, User
from delaktig.accounts.services import account_delete, personal_data_export
from delaktig.participation.models import Follow
from tests.factories import (
    CommentFactory,
    MunicipalityFactory,
    ProcessFactory,
    ProfileFactory,
    UserFactory,
    open_discussion,
)

pytestmark = pytest.mark.django_db


def test_signup_requires_email_verification(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "ny@example.se",
                "password1": "ett-langt-losenord-9",
                "password2": "ett-langt-losenord-9",
                "display_name": "Ny Person",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="ny@example.se")
    assert user.display_name == "Ny Person"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    # Not verified: logging in is refused until the link is used.
    response = client.post(
        reverse("account_login"), {"login": "ny@example.se", "password": "ett-langt-losenord-9"}
    )
    assert "_auth_user_id" not in client.session


def test_signup_errors_keep_what_was_typed(client: Client) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "email": "ny@example.se",
            "password1": "kort",
            "password2": "annat",
            "display_name": "Mitt namn",
        },
    )
    html = response.content.decode()
    assert "error-summary" in html and 'value="ny@example.se"' in html
    assert 'value="Mitt namn"' in html and "aria-invalid" in html


def test_login_is_throttled_after_repeated_failures(client: Client) -> None:
    user = UserFactory(email="mal@example.se")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "fel"})
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "lösenord-123"}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


def test_demographics_need_consent(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    municipality = MunicipalityFactory()
    url = reverse("accounts:demographics")
    response = client.post(
        url, {"birth_year": "1990", "sex": "kvinna", "municipality": municipality.pk}
    )
    assert response.status_code == 400 and not DemographicProfile.objects.exists()
    assert 'value="1990"' in response.content.decode()
    client.post(
        url,
        {"consent": "on", "birth_year": "1990", "sex": "kvinna", "municipality": municipality.pk},
    )
    profile = DemographicProfile.objects.get(user=user)
    assert profile.birth_year == 1990 and profile.consent_given_at
    client.post(url, {"remove": "1"})
    assert not DemographicProfile.objects.exists()


def test_export_contains_what_we_hold(client: Client) -> None:
    module = open_discussion()
    user = UserFactory(display_name="Exportören")
    ProfileFactory(user=user)
    CommentFactory(module=module, author=user, body="Min kommentar")
    Follow.objects.create(user=user, process=module.process)
    client.force_login(user)
    response = client.post(reverse("accounts:export"))
    data = json.loads(response.content)
    assert data["account"]["email"] == user.email
    assert data["demographic_profile"]["birth_year"] == 1980
    assert data["comments"][0]["body"] == "Min kommentar"
    assert data["follows"][0]["process"] == module.process.title
    assert "attachment" in response["Content-Disposition"]


def test_delete_depersonalises_but_keeps_public_record(client: Client) -> None:
    module = open_discussion()
    user = UserFactory(display_name="Anna Andersson", email="anna@example.se")
    ProfileFactory(user=user)
    comment = CommentFactory(module=module, author=user, body="Allmän handling")
    Follow.objects.create(user=user, process=module.process)
    client.force_login(user)
    response = client.post(reverse("accounts:delete"), {"confirm": "fel"})
    assert response.status_code == 400
    client.post(reverse("accounts:delete"), {"confirm": "RADERA"})
    user.refresh_from_db()
    assert user.email == "" and user.display_name == "" and not user.is_active
    assert not user.has_usable_password()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not DemographicProfile.objects.filter(user=user).exists()
    assert not Follow.objects.filter(user=user).exists()
    html = client.get(module.process.get_absolute_url()).content.decode()
    assert "Allmän handling" in html and "Anna Andersson" not in html
    assert "Borttagen användare" in html
    comment.refresh_from_db()
    assert personal_data_export(user=user)["account"]["email"] == ""


def test_deleting_twice_is_harmless() -> None:
    user: Any = UserFactory()
    account_delete(user=user)
    account_delete(user=user)
    assert User.objects.filter(pk=user.pk, is_active=False).exists()


def test_public_name_never_shows_email(client: Client) -> None:
    module = open_discussion()
    user = UserFactory(display_name="", email="hemlig@example.se")
    CommentFactory(module=module, author=user)
    html = client.get(ProcessFactory().get_absolute_url()).content.decode()
    html += client.get(module.process.get_absolute_url()).content.decode()
    assert "hemlig@example.se" not in html and "Deltagare" in html


def test_export_and_deletion_cover_proposals_supports_and_verification(client: Client) -> None:
    from delaktig.identity.models import Verification
    from delaktig.proposals import services
    from delaktig.proposals.models import Proposal
    from tests.factories import OrganisationFactory, proposal_rules, verified_resident

    region = OrganisationFactory()
    home = MunicipalityFactory(code="2380")
    region.municipalities.add(home)
    proposal_rules(region, support_phase=False)
    user = verified_resident(home)
    services.proposal_save_draft(
        actor=user, organisation=region, title="Mitt förslag", body="Text", author_name="Kim"
    )
    data = personal_data_export(user=user)
    assert data["proposals"][0]["title"] == "Mitt förslag"
    assert data["verification"]["municipality"] == "2380"
    assert "identity_hash" not in str(data["verification"])
    account_delete(user=user)
    assert not Verification.objects.filter(user=user).exists()
    # A draft was never sent in, so it is no public record: it goes with the account.
    assert not Proposal.objects.filter(author=user).exists()


def test_export_and_deletion_cover_joined_actors_and_networks() -> None:
    from delaktig.followup.models import Actor, Commitment, Network, NetworkMember
    from tests.followup_factories import StrategyFactory

    user = UserFactory()
    strategy = StrategyFactory()
    actor = Actor.objects.create(
        organisation=strategy.organisation, name="Föreningen X", kind="association"
    )
    Commitment.objects.create(
        strategy=strategy,
        actor=actor,
        commitment="Vi gör Y.",
        contact_name="Kim",
        contact_email=user.email,
        contact_user=user,
        status="active",
    )
    network = Network.objects.create(organisation=strategy.organisation, name="N", slug="n")
    NetworkMember.objects.create(network=network, actor=actor, user=user, contact_name="Kim")
    data = personal_data_export(user=user)
    assert data["commitments"][0]["actor"] == "Föreningen X"
    assert data["network_memberships"][0]["network"] == "N"
    account_delete(user=user)
    assert Commitment.objects.get().contact_user is None
    assert NetworkMember.objects.get().user is None


def test_export_and_deletion_cover_opinion_maps() -> None:
    from django.utils import timezone

    from delaktig.opinionmaps.models import OpinionMap, Participant, Statement, Vote
    from tests.factories import ModuleFactory

    user = UserFactory()
    opinion_map = OpinionMap.objects.create(
        module=ModuleFactory(kind="opinionmap", title="Karta"), topic="Bussar"
    )
    participant = Participant.objects.create(map=opinion_map, number=1, user=user)
    statement = Statement.objects.create(
        map=opinion_map, number=1, text="Fler turer", author=participant, status="published"
    )
    now = timezone.now()
    Vote.objects.create(
        participant=participant, statement=statement, value=-1, created=now, updated=now
    )
    data = personal_data_export(user=user)
    assert data["opinion_map_votes"][0]["statement"] == "Fler turer"
    assert data["opinion_map_votes"][0]["vote"] == -1
    assert data["opinion_map_statements"][0]["map"] == "Karta"
    account_delete(user=user)
    participant.refresh_from_db()
    assert participant.user is None and Vote.objects.count() == 1
