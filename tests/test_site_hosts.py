"""Host names (issue 22): an organisation's own host selects its look and the scope of the
public lists; another organisation's item is shown on that organisation's own host; e-mails
link to the host of the organisation they are about; the host's organisation is cached per
host and forgotten when the organisation is saved."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from delaktig.core import sites
from delaktig.core.errors import PermissionDenied, ValidationFailed
from delaktig.core.models import AuditEntry
from delaktig.councils.models import Council
from delaktig.initiatives.models import Initiative
from delaktig.meetings import services as meeting_services
from delaktig.meetings.ical import calendar_for
from delaktig.meetings.models import Meeting
from delaktig.organisations import hosts
from delaktig.organisations.models import Branding, Organisation
from delaktig.organisations.services import organisation_host_save
from delaktig.participation import services as participation_services
from delaktig.participation.models import Follow, Process
from delaktig.proposals.models import Proposal
from tests.concurrency import run_together
from tests.factories import OrganisationFactory, ProcessFactory, UserFactory, role
from tests.test_followup_actors import make_strategy

pytestmark = pytest.mark.django_db

OSTERSUND = "delta.ostersund.se"
KROKOM = "delta.krokom.se"
SITE = "https://delaktig.example.se"
NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _served_hosts(settings: Any) -> None:
    # A wildcard for Östersund's names, one exact name for Krokom, and the main address.
    settings.ALLOWED_HOSTS = ["testserver", ".ostersund.se", KROKOM, "delaktig.example.se"]
    settings.SITE_URL = SITE


@pytest.fixture
def orgs() -> SimpleNamespace:
    """The region runs the installation (the primary organisation, no host of its own); two
    municipalities have their own host, a third has none."""
    return SimpleNamespace(
        region=OrganisationFactory(name="Region Jämtland Härjedalen", slug="region-jh"),
        ostersund=_municipality("Östersunds kommun", "ostersund", "2380", OSTERSUND),
        krokom=_municipality("Krokoms kommun", "krokom", "2309", KROKOM),
        berg=_municipality("Bergs kommun", "berg", "2326", ""),
    )


def _municipality(name: str, slug: str, code: str, host: str) -> Organisation:
    return OrganisationFactory(
        name=name, slug=slug, kind=Organisation.Kind.MUNICIPALITY, scb_code=code, host=host
    )


def _admin() -> Any:
    return role(UserFactory(), "administrator")


def get(client: Client, path: str, host: str = "testserver", **params: str) -> Any:
    return client.get(path, params, HTTP_HOST=host)


# --- the host name: written, checked, saved --------------------------------------------------


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("delta.ostersund.se", "delta.ostersund.se"),
        ("  Delta.Ostersund.SE  ", "delta.ostersund.se"),
        ("delta.ostersund.se:443", "delta.ostersund.se"),
        ("delta.ostersund.se.", "delta.ostersund.se"),
        ("delta.östersund.se", "delta.xn--stersund-m4a.se"),
        ("", ""),
    ],
)
def test_a_host_name_is_stored_as_dns_writes_it(written: str, stored: str) -> None:
    assert hosts.normalise_host(written) == stored


@pytest.mark.parametrize(
    "written",
    [
        "https://delta.ostersund.se",
        "delta.ostersund.se/processer",
        "delta ostersund.se",
        "-delta.ostersund.se",
        "delta..ostersund.se",
        "10.0.0.1",
        "a" * 64 + ".se",
    ],
)
def test_what_is_no_host_name_is_refused(written: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        hosts.normalise_host(written)
    assert refused.value.code == "organisations.host_invalid"
    assert refused.value.field == "host"
    assert "delta.ostersund.se" in refused.value.message  # the example in the message


def test_a_host_must_be_served_here_and_be_nobody_elses(orgs: SimpleNamespace) -> None:
    # ".ostersund.se" in ALLOWED_HOSTS admits any name under it, and nothing that only ends so.
    assert hosts.check_host("ny.ostersund.se", organisation=orgs.berg) == "ny.ostersund.se"
    with pytest.raises(ValidationFailed) as not_served:
        hosts.check_host("delta.ostersund.se.example.org", organisation=orgs.berg)
    assert not_served.value.code == "organisations.host_not_served"
    assert "DJANGO_ALLOWED_HOSTS" in not_served.value.message
    with pytest.raises(ValidationFailed) as taken:
        hosts.check_host("DELTA.krokom.se", organisation=orgs.berg)
    assert taken.value.code == "organisations.host_taken"
    assert taken.value.message == "Adressen delta.krokom.se används redan av Krokoms kommun."
    # Its own host is not "taken" from itself, and no host at all always passes.
    assert hosts.check_host(KROKOM, organisation=orgs.krokom) == KROKOM
    assert hosts.check_host("", organisation=orgs.berg) == ""


def test_only_the_platform_administrator_sets_a_host(orgs: SimpleNamespace) -> None:
    official = role(UserFactory(), "official", orgs.berg)
    with pytest.raises(PermissionDenied):
        organisation_host_save(actor=official, organisation=orgs.berg, host="berg.ostersund.se")
    admin = _admin()
    saved = organisation_host_save(actor=admin, organisation=orgs.berg, host="Berg.Ostersund.se")
    assert saved.host == "berg.ostersund.se"
    orgs.berg.refresh_from_db()
    assert orgs.berg.host == "berg.ostersund.se"
    entry = AuditEntry.objects.get(action="organisation.host_update")
    assert entry.data == {"old": "", "new": "berg.ostersund.se"}
    # Taking it away again.
    organisation_host_save(actor=admin, organisation=orgs.berg, host="")
    orgs.berg.refresh_from_db()
    assert orgs.berg.host == ""


def test_the_staff_page_shows_the_refusal_at_the_field(
    client: Client, orgs: SimpleNamespace
) -> None:
    url = reverse("organisations:host", args=[orgs.berg.slug])
    client.force_login(role(UserFactory(), "official", orgs.berg))
    assert client.get(url).status_code == 403
    client.force_login(_admin())
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="host"' in page.content.decode()
    refused = client.post(url, {"host": "berg.example.org"})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "Installationen tar inte emot adressen berg.example.org" in html
    assert 'aria-invalid="true"' in html
    taken = client.post(url, {"host": OSTERSUND})
    assert "används redan av Östersunds kommun" in taken.content.decode()
    saved = client.post(url, {"host": "berg.ostersund.se"})
    assert saved.status_code == 302
    orgs.berg.refresh_from_db()
    assert orgs.berg.host == "berg.ostersund.se"


@pytest.mark.django_db(transaction=True)
def test_two_saving_one_name_at_once_get_one_saved_and_one_refusal() -> None:
    first = _municipality("Åre kommun", "are", "2321", "")
    second = _municipality("Strömsunds kommun", "stromsund", "2313", "")
    admins = [_admin(), _admin()]
    results, errors = run_together(
        [
            lambda: organisation_host_save(
                actor=admins[0], organisation=first, host="gemensam.ostersund.se"
            ),
            lambda: organisation_host_save(
                actor=admins[1], organisation=second, host="gemensam.ostersund.se"
            ),
        ]
    )
    assert len(results) == 1
    assert len(errors) == 1
    assert isinstance(errors[0], ValidationFailed)
    assert errors[0].code == "organisations.host_taken"
    assert Organisation.objects.filter(host="gemensam.ostersund.se").count() == 1


# --- the look: each host wears its organisation's -------------------------------------------


def test_each_host_wears_its_organisations_name_logo_colours_and_footer(
    client: Client, orgs: SimpleNamespace
) -> None:
    Branding.objects.create(organisation=orgs.ostersund, primary_colour="#00457a")
    own = get(client, "/", OSTERSUND).content.decode()
    assert "– Östersunds kommun</title>" in own
    assert "/organisation/ostersund/profil.css?v=1" in own
    assert reverse("moderation:figures", args=["ostersund"]) in own  # the footer's link
    other = get(client, "/", KROKOM).content.decode()
    assert "– Krokoms kommun</title>" in other
    assert "profil.css" not in other
    # The main address, and a port on the host, change nothing.
    assert "– Region Jämtland Härjedalen</title>" in get(client, "/").content.decode()
    assert "– Östersunds kommun</title>" in get(client, "/", f"{OSTERSUND}:8443").content.decode()
    # A host this installation does not serve is refused before any of this.
    refusing = Client(raise_request_exception=False)
    assert get(refusing, "/", "delta.example.org").status_code == 400


def test_the_accessibility_statement_and_the_screen_are_the_hosts(
    client: Client, orgs: SimpleNamespace
) -> None:
    statement = get(client, reverse("organisations:accessibility_primary"), OSTERSUND)
    assert statement.status_code == 200
    assert statement.context["organisation"] == orgs.ostersund
    screen = get(client, reverse("screens:screen_primary"), KROKOM)
    assert screen["Location"] == reverse("screens:screen", args=["krokom"])
    assert get(client, reverse("screens:screen_primary"))["Location"] == reverse(
        "screens:screen", args=["region-jh"]
    )


# --- the scope: the public lists show the host's organisation by default --------------------


def _process(org: Organisation, title: str) -> str:
    ProcessFactory(organisation=org, title=title)
    return reverse("participation:list")


def _proposal(org: Organisation, title: str) -> str:
    Proposal.objects.create(
        organisation=org,
        author=UserFactory(),
        author_name="Kim",
        title=title,
        body="Text",
        status="collecting",
        submitted_at=NOW - timedelta(days=3),
        published_at=NOW - timedelta(days=2),
    )
    return reverse("proposals:list")


def _meeting(org: Organisation, title: str) -> str:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
    Meeting.objects.create(
        organisation=org,
        kind="webinar",
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        mode="digital",
        remote_link="https://mote.example.se/1",
        registration_open=True,
        capacity=10,
        published=True,
    )
    return reverse("meetings:calendar")


def _council(org: Organisation, title: str) -> str:
    Council.objects.create(
        organisation=org, slug=f"rad-{org.slug}", kind="pensionarsrad", name=title, mandate="."
    )
    return reverse("councils:list")


def _initiative(org: Organisation, title: str) -> str:
    Initiative.objects.create(
        organisation=org,
        submitted_on=date(2026, 3, 1),
        title=title,
        question="Ska akuten finnas kvar?",
        initiators="Rädda akuten",
        entitled_voters=40,
        created_by=UserFactory(),
    )
    return reverse("initiatives:list")


def _strategy(org: Organisation, title: str) -> str:
    make_strategy(org, title=title, slug=f"strategi-{org.slug}")
    return reverse("followup:index")


LISTS: dict[str, Callable[[Organisation, str], str]] = {
    "processes": _process,
    "proposals": _proposal,
    "meetings": _meeting,
    "councils": _council,
    "initiatives": _initiative,
    "strategies": _strategy,
}


@pytest.mark.parametrize("kind", sorted(LISTS))
def test_a_public_list_shows_the_hosts_organisation_by_default(
    client: Client, orgs: SimpleNamespace, kind: str
) -> None:
    url = LISTS[kind](orgs.ostersund, "Östersundsposten")
    LISTS[kind](orgs.krokom, "Krokomsposten")
    own = get(client, url, OSTERSUND).content.decode()
    assert "Östersundsposten" in own
    assert "Krokomsposten" not in own
    # Every organisation's, one link away, and back.
    everyone = get(client, url, OSTERSUND, organisation="").content.decode()
    assert "Östersundsposten" in everyone and "Krokomsposten" in everyone
    if kind != "processes":  # the process list says it in its organisation filter instead
        assert "Här visas bara innehåll från Östersunds kommun." in own
        assert f'href="{url}?organisation="' in own
        assert "Visa bara Östersunds kommun" in everyone
    # The main address lists every organisation's, with no notice.
    main = get(client, url).content.decode()
    assert "Östersundsposten" in main and "Krokomsposten" in main
    assert "Här visas bara innehåll från" not in main


def test_the_process_filter_starts_on_the_hosts_organisation(
    client: Client, orgs: SimpleNamespace
) -> None:
    _process(orgs.ostersund, "Östersundsdialogen")
    _process(orgs.krokom, "Krokomsdialogen")
    page = get(client, reverse("participation:list"), OSTERSUND)
    assert page.context["form"]["organisation"].value() == str(orgs.ostersund.pk)
    # Choosing another organisation in the filter works as on the main address.
    chosen = get(client, reverse("participation:list"), OSTERSUND, organisation=str(orgs.krokom.pk))
    assert [p.title for p in chosen.context["processes"]] == ["Krokomsdialogen"]
    # So does the home page, and the feed.
    home = get(client, "/", OSTERSUND).content.decode()
    assert "Östersundsdialogen" in home and "Krokomsdialogen" not in home
    assert "Här visas bara innehåll från Östersunds kommun." in home
    # The list's own filter says which organisation was chosen: no notice beside it.
    assert "Här visas" not in chosen.content.decode()
    feed = get(client, reverse("participation:feed_processes"), OSTERSUND).content.decode()
    assert "Östersundsdialogen" in feed and "Krokomsdialogen" not in feed


def test_the_open_data_page_and_catalogue_are_the_hosts_organisations(
    client: Client, orgs: SimpleNamespace
) -> None:
    ProcessFactory(organisation=orgs.ostersund)
    ProcessFactory(organisation=orgs.krokom)
    page = get(client, reverse("opendata:index"), OSTERSUND).content.decode()
    assert 'id="org-ostersund"' in page and 'id="org-krokom"' not in page
    everyone = get(client, reverse("opendata:index"), OSTERSUND, organisation="")
    assert 'id="org-krokom"' in everyone.content.decode()
    own = get(client, reverse("opendata:catalogue_turtle"), OSTERSUND).content.decode()
    main = get(client, reverse("opendata:catalogue_turtle")).content.decode()
    assert '"krokom/' in main and '"ostersund/' in main
    assert '"krokom/' not in own and '"ostersund/' in own
    assert f"://{OSTERSUND}/oppna-data/" in own


def test_the_information_pages_go_to_the_hosts_own(client: Client, orgs: SimpleNamespace) -> None:
    from delaktig.pages.models import Page

    for org in (orgs.ostersund, orgs.krokom):
        Page.objects.create(
            organisation=org,
            slug="sa-styrs",
            title="Så styrs",
            status="published",
            kind="governance",
        )
    assert get(client, reverse("pages:index")).status_code == 200
    own = get(client, reverse("pages:index"), OSTERSUND)
    assert own["Location"] == reverse("pages:organisation", args=["ostersund"])


# --- another organisation's item on a scoped host ------------------------------------------


def test_another_organisations_item_is_shown_on_its_own_host(
    client: Client, orgs: SimpleNamespace
) -> None:
    theirs = ProcessFactory(organisation=orgs.krokom, slug="krokoms-dialog")
    hostless = ProcessFactory(organisation=orgs.berg, slug="bergs-dialog")
    own = ProcessFactory(organisation=orgs.ostersund, slug="ostersunds-dialog")
    moved = get(client, theirs.get_absolute_url(), OSTERSUND, sprak="en")
    assert moved.status_code == 302
    assert moved["Location"] == f"https://{KROKOM}/processer/krokoms-dialog/?sprak=en"
    # An organisation without a host of its own: shown where it was asked for.
    assert get(client, hostless.get_absolute_url(), OSTERSUND).status_code == 200
    assert get(client, own.get_absolute_url(), OSTERSUND).status_code == 200
    # The main address shows every organisation's item.
    assert get(client, theirs.get_absolute_url()).status_code == 200
    # A form sent to the wrong host is not redirected (what was typed would be lost).
    sent = client.post(
        reverse("participation:follow", args=[theirs.slug]), {"follow": "1"}, HTTP_HOST=OSTERSUND
    )
    assert not sent.get("Location", "").startswith(f"https://{KROKOM}")


def test_a_proposal_and_a_meeting_of_another_host_redirect_too(
    client: Client, orgs: SimpleNamespace
) -> None:
    _proposal(orgs.krokom, "Krokomsförslaget")
    _meeting(orgs.krokom, "Krokomsmötet")
    proposal = Proposal.objects.get()
    meeting = Meeting.objects.get()
    for item in (proposal, meeting):
        moved = get(client, item.get_absolute_url(), OSTERSUND)
        assert moved["Location"] == f"https://{KROKOM}{item.get_absolute_url()}"


# --- absolute addresses: e-mails, calendars, share links -----------------------------------


def test_an_address_is_on_the_organisations_host_with_the_sites_scheme_and_port(
    settings: Any, orgs: SimpleNamespace
) -> None:
    assert sites.absolute_url("/x/", orgs.ostersund) == f"https://{OSTERSUND}/x/"
    assert sites.absolute_url("/x/", orgs.berg) == f"{SITE}/x/"
    assert sites.absolute_url("/x/") == f"{SITE}/x/"
    settings.SITE_URL = "http://127.0.0.1:8000/"
    assert sites.absolute_url("/x/", orgs.ostersund) == f"http://{OSTERSUND}:8000/x/"
    assert sites.absolute_url("/x/", orgs.berg) == "http://127.0.0.1:8000/x/"


def test_emails_link_to_the_host_of_the_organisation_they_are_about(
    orgs: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    official = role(UserFactory(), "official", orgs.krokom)
    process = ProcessFactory(organisation=orgs.krokom, status="closed")
    Follow.objects.create(user=UserFactory(email="foljare@example.se"), process=process)
    participation_services.feedback_save(
        actor=official, process=process, heard="Vi hörde", decided="Beslut", reasons="Skäl"
    )
    with django_capture_on_commit_callbacks(execute=True):
        participation_services.process_publish_feedback(actor=official, process=process)
    [message] = mail.outbox
    assert f"https://{KROKOM}{process.get_absolute_url()}" in message.body
    # The footer's link to the notification settings too.
    assert f"https://{KROKOM}{reverse('accounts:notifications')}" in message.body
    assert SITE not in message.body

    mail.outbox.clear()
    _meeting(orgs.berg, "Bergsmötet")
    meeting = Meeting.objects.get(organisation=orgs.berg)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.registration_create(actor=UserFactory(), meeting=meeting)
    [registered] = mail.outbox
    # An organisation without a host of its own: the installation's address.
    assert f"{SITE}{meeting.get_absolute_url()}" in registered.body


def test_calendar_and_share_links_use_the_organisations_host(
    client: Client, orgs: SimpleNamespace
) -> None:
    _meeting(orgs.krokom, "Krokomsmötet")
    meeting = Meeting.objects.get()
    [event] = Calendar.from_ical(calendar_for([meeting], name="m")).walk("VEVENT")
    assert str(event["url"]) == f"https://{KROKOM}{meeting.get_absolute_url()}"
    process = ProcessFactory(organisation=orgs.ostersund)
    html = get(client, process.get_absolute_url(), OSTERSUND).content.decode()
    og_url = f"https://{OSTERSUND}{process.get_absolute_url()}"
    assert f'<meta property="og:url" content="{og_url}">' in html
    main = get(client, process.get_absolute_url()).content.decode()
    assert f'<meta property="og:url" content="{SITE}{process.get_absolute_url()}">' in main


# --- the cache ------------------------------------------------------------------------------


def _count(client: Client, path: str, host: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, HTTP_HOST=host).status_code == 200
    return len(captured.captured_queries)


def test_a_page_costs_the_same_whether_or_not_the_cache_knows_the_host(
    client: Client, orgs: SimpleNamespace
) -> None:
    Branding.objects.create(organisation=orgs.krokom, primary_colour="#00457a")
    for host in (OSTERSUND, "nobody.ostersund.se"):
        # A page shows its organisation: found with the host (a miss) or read by id (a hit).
        assert _count(client, "/", host) == _count(client, "/", host)
    # A request that shows no organisation costs one query the first time only.
    stylesheet = reverse("organisations:brand_stylesheet", args=["krokom"])
    first, later = _count(client, stylesheet, KROKOM), _count(client, stylesheet, KROKOM)
    assert first == later + 1


def test_the_hosts_organisation_is_cached_and_forgotten_when_it_changes(
    client: Client,
    orgs: SimpleNamespace,
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # One query finds the host's organisation, or the primary one, and the cache learns it;
    # a host that is nobody's own is remembered as such too.
    assert hosts.known_host(OSTERSUND) is None
    with django_assert_num_queries(1):
        assert hosts.site_for_host(OSTERSUND) == (orgs.ostersund, True)
    assert hosts.known_host(OSTERSUND) == orgs.ostersund.pk
    assert hosts.site_for_host("nobody.ostersund.se") == (orgs.region, False)
    assert hosts.known_host("nobody.ostersund.se") == 0
    assert "– Östersunds kommun</title>" in get(client, "/", OSTERSUND).content.decode()
    # The service saves a new name: the old one is forgotten at once, the new one known.
    with django_capture_on_commit_callbacks(execute=True):
        organisation_host_save(actor=_admin(), organisation=orgs.ostersund, host="ny.ostersund.se")
    assert "– Region Jämtland Härjedalen</title>" in get(client, "/", OSTERSUND).content.decode()
    assert "– Östersunds kommun</title>" in get(client, "/", "ny.ostersund.se").content.decode()
    # Any save does (the admin, a script): Krokom gives its name to Berg.
    assert "– Krokoms kommun</title>" in get(client, "/", KROKOM).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        orgs.krokom.host = ""
        orgs.krokom.save()
        orgs.berg.host = KROKOM
        orgs.berg.save()
    assert "– Bergs kommun</title>" in get(client, "/", KROKOM).content.decode()
    # A deleted organisation's host falls back to the main look.
    with django_capture_on_commit_callbacks(execute=True):
        Process.objects.filter(organisation=orgs.berg).delete()
        orgs.berg.delete()
    assert "– Region Jämtland Härjedalen</title>" in get(client, "/", KROKOM).content.decode()
