"""Who reaches which page of the incident log, for every role of tests/test_rules.py.

Only the organisation's security function and the people an incident is about read it; the
detail pages answer 404 to everyone else (existence must not leak), the log, statistics and
export answer 403.
"""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from tests.factories import OrganisationFactory, UserFactory
from tests.test_rules import ROLES, make

from delaktig.incidents import services
from delaktig.incidents.models import Incident

from .helpers import report, security_for

pytestmark = pytest.mark.django_db

READERS = {"security"}
REPORTERS = {"moderator", "official", "security", "elected"}
# The report form: anyone with a role in some organisation (their own organisation's form).
REPORT_FORM = REPORTERS | {"other_official", "other_security"}


def _client(user: Any) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


def _incident() -> Incident:
    return report(OrganisationFactory(scb_code="23"))


@pytest.mark.parametrize("kind", ROLES)
def test_view_incident_for_every_role(kind: str) -> None:
    incident = _incident()
    user = make(kind, incident.organisation)
    assert user.has_perm("incidents.view_incident", incident) is (kind in READERS)
    assert user.has_perm("incidents.change_incident", incident) is (kind in READERS)
    # The person concerned and the reporter read it, whatever their role.
    assert incident.reported_by.has_perm("incidents.view_incident", incident)
    concerned: Any = UserFactory()
    incident.concerned_user = concerned
    assert concerned.has_perm("incidents.view_incident", incident)
    assert not concerned.has_perm("incidents.change_incident", incident)


@pytest.mark.parametrize("kind", ROLES)
def test_pages_for_every_role(kind: str) -> None:
    incident = _incident()
    user = make(kind, incident.organisation)
    client = _client(user)
    pk = incident.pk
    reads = kind in READERS
    logged_in = kind != "anonymous"
    detail = client.get(reverse("incidents:detail", args=[pk]))
    edit = client.get(reverse("incidents:edit", args=[pk]))
    share = client.post(reverse("incidents:share", args=[pk]), {"reason": "x"})
    close = client.post(reverse("incidents:transition", args=[pk, "close"]), {"confirmed": "1"})
    if not logged_in:
        for response in (detail, edit, share, close):
            assert response.status_code == 302 and "/konto/login/" in response["Location"]
    else:
        assert detail.status_code == (200 if reads else 404)
        assert edit.status_code == (200 if reads else 404)
        assert share.status_code == (400 if reads else 404)  # a form error: no one to share with
        assert close.status_code == (302 if reads else 404)
    incident.refresh_from_db()
    assert (incident.status == "closed") is reads
    for name in ("list", "statistics", "export", "statistics_export"):
        response = client.get(reverse(f"incidents:{name}"))
        # Another organisation's security function has a log of its own, without this one.
        expected = 200 if reads or kind == "other_security" else 403
        if not logged_in:
            assert response.status_code == 302, name
        else:
            assert response.status_code == expected, name
        if name in {"list", "export"} and response.status_code == 200:
            listed = f"/personal/incidenter/{pk}/" in response.content.decode("utf-8-sig")
            exported = f"\n{pk}," in response.content.decode("utf-8-sig")
            assert (listed or exported) is reads, name
    report_page = client.get(reverse("incidents:report"))
    if logged_in:
        assert report_page.status_code == (200 if kind in REPORT_FORM else 403)


def test_the_reporter_and_the_person_concerned_read_but_do_not_handle() -> None:
    incident = _incident()
    concerned = UserFactory()
    Incident.objects.filter(pk=incident.pk).update(concerned_user=concerned)
    for person in (incident.reported_by, concerned):
        client = _client(person)
        page = client.get(reverse("incidents:detail", args=[incident.pk]))
        assert page.status_code == 200
        assert "Eva Ledamot" in page.content.decode()
        assert client.get(reverse("incidents:edit", args=[incident.pk])).status_code == 403
        assert client.get(reverse("incidents:list")).status_code == 403
        response = client.post(
            reverse("incidents:transition", args=[incident.pk, "close"]), {"confirmed": "1"}
        )
        assert response.status_code == 403


def test_a_shared_incident_is_read_only_for_the_other_security_function() -> None:
    incident = _incident()
    security = security_for(incident.organisation)
    municipality = OrganisationFactory(kind="municipality", scb_code="2380")
    theirs = security_for(municipality)
    client = _client(theirs)
    detail_url = reverse("incidents:detail", args=[incident.pk])
    assert client.get(detail_url).status_code == 404
    share = services.incident_share(
        actor=security, incident=incident, organisation=municipality, reason="Samma avsändare."
    )
    page = client.get(detail_url)
    assert page.status_code == 200
    assert "Delad med er av" in page.content.decode()
    listing = client.get(reverse("incidents:list")).content.decode()
    assert detail_url in listing
    assert client.get(reverse("incidents:edit", args=[incident.pk])).status_code == 403
    revoke = reverse("incidents:share_revoke", args=[incident.pk, share.pk])
    assert client.post(revoke, {"confirmed": "1"}).status_code == 403
    # The owner's page lists the share, and revoking it asks first.
    owner = _client(security)
    text = owner.get(detail_url).content.decode()
    assert f"Delad med {municipality.name} av" in text
    assert "Bekräfta" in owner.post(revoke).content.decode()
    assert owner.post(revoke, {"confirmed": "1"}).status_code == 302
    assert client.get(detail_url).status_code == 404


def test_sharing_through_the_page_asks_first() -> None:
    incident = _incident()
    security = security_for(incident.organisation)
    municipality = OrganisationFactory(kind="municipality", scb_code="2380")
    security_for(municipality)
    client = _client(security)
    url = reverse("incidents:share", args=[incident.pk])
    data = {"organisation": municipality.pk, "reason": "Samma person hotar i kommunen."}
    asked = client.post(url, data)
    assert asked.status_code == 200 and "Bekräfta" in asked.content.decode()
    assert not incident.shares.exists()
    assert client.post(url, {**data, "confirmed": "1"}).status_code == 302
    assert incident.shares.get().reason == "Samma person hotar i kommunen."


def test_an_elected_representative_reports_through_the_form_and_loses_nothing_on_error() -> None:
    organisation = OrganisationFactory()
    elected = make("elected", organisation)
    security_for(organisation)
    client = _client(elected)
    data = {
        "organisation": organisation.pk,
        "about": "self",
        "concerned_name": "",
        "concerned_role": "elected",
        "concerned_sex": "man",
        "category": "trakasserier",
        "description": "Skällde på mig efter fullmäktige.",
        "occurred_on": "2001-01-01",
        "place": "Parkeringen",
        "channel": "in_person",
        "police_reported": "on",
        "police_case_number": "inte ett nummer",
    }
    bad = client.post(reverse("incidents:report"), data)
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "K-nummer" in text and "Skällde på mig efter fullmäktige." in text
    good = client.post(reverse("incidents:report"), {**data, "police_case_number": "K1-01"})
    assert good.status_code == 302
    incident = Incident.objects.get()
    assert incident.concerned_user == elected and incident.concerned_name == elected.public_name
    assert client.get(good["Location"]).status_code == 200


def test_the_csv_export_has_the_organisations_incidents_safely() -> None:
    incident = _incident()
    Incident.objects.filter(pk=incident.pk).update(place="=HYPERLINK(1)")
    other = report(OrganisationFactory())
    response = _client(security_for(incident.organisation)).get(reverse("incidents:export"))
    assert response["Cache-Control"] == "private, no-store"
    text = response.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("id,organisation,status")
    assert len(lines) == 2 and lines[1].startswith(f"{incident.pk},")
    assert "'=HYPERLINK(1)" in text
    assert f"\n{other.pk}," not in text


def test_a_person_who_is_only_the_security_function_uses_the_staff_workspace() -> None:
    incident = _incident()
    security = security_for(incident.organisation)
    client = _client(security)
    inbox = client.get(reverse("staff:inbox"))
    assert inbox.status_code == 200
    text = inbox.content.decode()
    assert "Incidenter att följa upp" in text
    assert reverse("incidents:detail", args=[incident.pk]) in text
    assert f'href="{reverse("incidents:list")}"' in text  # the staff menu's "Incidentlogg"
    # Only what they may use: no link to the moderation queue (403 for them).
    assert f'href="{reverse("moderation:queue")}"' not in text
    dashboard = client.get(reverse("staff:dashboard"))
    assert dashboard.status_code == 200
    # An official of the same organisation has no such queue item.
    official = make("official", incident.organisation)
    other = _client(official).get(reverse("staff:inbox")).content.decode()
    assert reverse("incidents:detail", args=[incident.pk]) not in other
    assert f'href="{reverse("incidents:list")}"' not in other


def test_mina_sidor_lists_ones_reports_and_the_way_to_report() -> None:
    incident = _incident()
    page = _client(incident.reported_by).get(reverse("accounts:profile"))
    text = page.content.decode()
    assert reverse("incidents:report") in text
    assert incident.get_absolute_url() in text
    resident = _client(UserFactory()).get(reverse("accounts:profile")).content.decode()
    assert reverse("incidents:report") not in resident


def test_the_shared_audit_log_page_does_not_show_incidents_even_to_administrators() -> None:
    organisation = OrganisationFactory()
    incident = report(organisation)
    assert incident.pk
    administrator = make("administrator", organisation)
    page = _client(administrator).get(reverse("staff:audit_log")).content.decode()
    assert "incident." not in page
    official = make("official", organisation)
    page = _client(official).get(reverse("staff:audit_log")).content.decode()
    assert "incident." not in page
