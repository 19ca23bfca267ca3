"""Saving what a screen shows, and the staff page that explains the screen."""

import pytest
from django.test import Client
from tests.factories import MunicipalityFactory, OrganisationFactory, UserFactory, role

from delaktig.core.audit import AuditEntry
from delaktig.core.errors import PermissionDenied, ValidationFailed
from delaktig.screens import services
from delaktig.screens.models import ScreenSettings

pytestmark = pytest.mark.django_db

VALUES = {"seconds": 30, "show_processes": True, "show_meetings": False, "show_proposals": True}


def test_an_official_saves_the_settings_and_it_is_logged() -> None:
    organisation = OrganisationFactory()
    official = role(UserFactory(), "official", organisation)
    screen = services.screen_settings_save(actor=official, organisation=organisation, **VALUES)
    assert (screen.seconds, screen.kinds) == (30, frozenset({"process", "proposal"}))
    services.screen_settings_save(
        actor=official, organisation=organisation, **{**VALUES, "seconds": 15}
    )
    assert ScreenSettings.objects.get(organisation=organisation).seconds == 15
    assert AuditEntry.objects.filter(action="screens.settings_save").count() == 2


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"seconds": 9}, "screens.seconds_out_of_range"),
        ({"seconds": 121}, "screens.seconds_out_of_range"),
        (
            {"show_processes": False, "show_meetings": False, "show_proposals": False},
            "screens.nothing_to_show",
        ),
    ],
)
def test_bad_settings_are_refused(changes: dict[str, object], code: str) -> None:
    organisation = OrganisationFactory()
    official = role(UserFactory(), "official", organisation)
    with pytest.raises(ValidationFailed) as refused:
        services.screen_settings_save(
            actor=official,
            organisation=organisation,
            **{**VALUES, **changes},
        )
    assert refused.value.code == code


@pytest.mark.parametrize("kind", ["resident", "moderator", "other_official"])
def test_others_may_not_change_the_settings(kind: str) -> None:
    organisation = OrganisationFactory()
    user = UserFactory()
    if kind == "moderator":
        role(user, "moderator", organisation)
    elif kind == "other_official":
        role(user, "official", OrganisationFactory())
    with pytest.raises(PermissionDenied):
        services.screen_settings_save(actor=user, organisation=organisation, **VALUES)


def test_the_staff_page_lists_a_screen_per_municipality_and_saves(client: Client) -> None:
    organisation = OrganisationFactory()
    organisation.municipalities.add(MunicipalityFactory(code="2326", name="Berg"))
    client.force_login(role(UserFactory(), "official", organisation))
    response = client.get("/personal/skarmar/")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f"/skarm/{organisation.slug}/?kommun=2326" in page
    assert "Visa skärmen för Berg" in page
    response = client.post(
        f"/personal/skarmar/{organisation.slug}/",
        {"seconds": "5", "show_processes": "on"},
    )
    assert response.status_code == 400
    assert 'value="5"' in response.content.decode()
    response = client.post(f"/personal/skarmar/{organisation.slug}/", {"seconds": "25"})
    assert response.status_code == 400
    assert "Välj minst en sorts sak" in response.content.decode()
    response = client.post(
        f"/personal/skarmar/{organisation.slug}/", {"seconds": "25", "show_meetings": "on"}
    )
    assert response.status_code == 302
    assert ScreenSettings.objects.get(organisation=organisation).kinds == {"meeting"}


def test_the_staff_page_is_for_the_organisations_officials(client: Client) -> None:
    organisation = OrganisationFactory()
    client.force_login(role(UserFactory(), "moderator", organisation))
    assert client.get("/personal/skarmar/").status_code == 403
    assert client.get(f"/personal/skarmar/{organisation.slug}/").status_code == 403
    client.force_login(role(UserFactory(), "official", OrganisationFactory()))
    assert client.get(f"/personal/skarmar/{organisation.slug}/").status_code == 403
