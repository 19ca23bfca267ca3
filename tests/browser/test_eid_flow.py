"""e-ID login through a real OpenID Connect provider, in Chromium under the production CSP.

The provider (panva's oidc-provider, tests/oidc/provider.mjs) follows the Swedish OIDC profile:
it sends a personnummer and a name and nothing about where the person lives. Residency comes
from the population-register extract, imported with the real command.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import Browser, Page

from delaktig.config.settings import content_security_policy, form_action_origins
from delaktig.identity.eidpresets import PRESETS
from delaktig.identity.models import Verification
from delaktig.proposals.models import Proposal, ProposalSettings, Support
from tests.browser.conftest import assert_accessible, new_context
from tests.oidc.broker import PNR_CLAIM, running_broker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSONNUMMER = "198112189876"


@pytest.fixture
def demo(live_server: Any, tmp_path: Path) -> str:
    with open("/dev/null", "w") as sink:
        call_command("load_demo", stdout=sink)
        register = tmp_path / "register.csv"
        # Östersund (2380) is one of the region's municipalities.
        register.write_text(f"personnummer;kommunkod\n{PERSONNUMMER};2380\n195001011237;2309\n")
        call_command("import_population_register", str(register), stdout=sink)
    ProposalSettings.objects.update(residents_only=True)
    return str(live_server.url)


def eid_login(browser: Browser, demo: str, login: str) -> Page:
    page = new_context(browser).new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{demo}/konto/login/")
    page.get_by_role("link", name="E-legitimation").click()
    # allauth's confirm page posts to /konto/oidc/eid/login/, which redirects to the broker:
    # the CSP's form-action must allow that redirect.
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_url("**/interaction/**")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any")
    page.locator("button[type=submit]").click()
    # The provider's consent page, then back to Delaktig.
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"{demo}/**")
    if "/konto/3rdparty/signup/" in page.url:
        # The broker sends no e-mail address: the person gives one for their new account.
        assert_accessible(page, f"eid-signup-{login}")
        page.fill("input[name=email]", f"{login}@example.se")
        page.locator("main form button[type=submit], main form button").last.click()
        page.wait_for_load_state()
    return page


def test_resident_logs_in_with_eid_is_verified_and_supports_once(
    browser: Browser, demo: str
) -> None:
    proposal = Proposal.objects.filter(status="collecting").first()
    assert proposal is not None
    before = proposal.support_count
    accounts = {
        "sara": {
            "name": "Sara Svensson",
            "given_name": "Sara",
            "family_name": "Svensson",
            PNR_CLAIM: PERSONNUMMER,
        },
        # The same person again, with another login at the broker (another `sub`).
        "sara-again": {"name": "Sara Svensson", PNR_CLAIM: PERSONNUMMER},
    }
    with (
        running_broker(
            redirect_uris=[f"{demo}/konto/oidc/eid/login/callback/"], accounts=accounts
        ) as broker,
        override_settings(
            SOCIALACCOUNT_PROVIDERS=broker.providers_setting(),
            DELAKTIG_EID_NATIONAL_ID_CLAIM=PNR_CLAIM,
            DELAKTIG_EID_MUNICIPALITY_CLAIM="",
            CONTENT_SECURITY_POLICY=content_security_policy(form_action_origins(broker.issuer, [])),
        ),
    ):
        page = eid_login(browser, demo, "sara")
        assert page.locator("form[action='/konto/logout/']").count() == 1, page.content()[:2000]
        verification = Verification.objects.get(identity_hash__isnull=False, method="eid")
        assert verification.municipality is not None
        assert verification.municipality.code == "2380"
        page.goto(demo + proposal.get_absolute_url())
        page.get_by_role("button", name="Stöd förslaget").click()
        page.wait_for_load_state()
        assert "Tack för ditt stöd!" in page.locator("main").inner_text()
        proposal.refresh_from_db()
        assert proposal.support_count == before + 1

        other = eid_login(browser, demo, "sara-again")
        other.goto(demo + proposal.get_absolute_url())
        other.get_by_role("button", name="Stöd förslaget").click()
        other.wait_for_load_state()
        assert (
            "Du har redan stött förslaget med ett annat konto" in other.locator("main").inner_text()
        )
        proposal.refresh_from_db()
        assert proposal.support_count == before + 1
        assert (
            Support.objects.filter(
                proposal=proposal, identity_hash=verification.identity_hash
            ).count()
            == 1
        )
        assert Verification.objects.filter(method="eid").count() == 2


@contextmanager
def broker_for(
    demo: str, accounts: dict[str, Any], claims: dict[str, list[str]] | None = None, **settings: Any
) -> Iterator[None]:
    """Run the real provider and point Delaktig at it, CSP included, as production would."""
    with (
        running_broker(
            redirect_uris=[f"{demo}/konto/oidc/eid/login/callback/"],
            accounts=accounts,
            claims=claims,
        ) as broker,
        override_settings(
            SOCIALACCOUNT_PROVIDERS=broker.providers_setting(),
            CONTENT_SECURITY_POLICY=content_security_policy(form_action_origins(broker.issuer, [])),
            **settings,
        ),
    ):
        yield


def test_a_broker_that_sends_the_municipality_verifies_from_its_claim(
    browser: Browser, demo: str
) -> None:
    preset = PRESETS["municipality"]
    claims = {
        "openid": ["sub"],
        "profile": ["name"],
        "email": [preset["national_id_claim"], preset["municipality_claim"]],
    }
    person = {
        "name": "Sara",
        preset["national_id_claim"]: "19811218-9876",
        preset["municipality_claim"]: "2309",
    }
    with broker_for(
        demo,
        {"sara": person},
        claims,
        DELAKTIG_EID_NATIONAL_ID_CLAIM=preset["national_id_claim"],
        DELAKTIG_EID_MUNICIPALITY_CLAIM=preset["municipality_claim"],
        DELAKTIG_RESIDENCY_SOURCES=["claim"],
    ):
        eid_login(browser, demo, "sara")
        verification = Verification.objects.get(method="eid")
        assert verification.municipality is not None and verification.municipality.code == "2309"
        # Logging in again later keeps one verification, refreshed.
        first = verification.verified_at
        eid_login(browser, demo, "sara")
        verification.refresh_from_db()
        assert Verification.objects.filter(method="eid").count() == 1
        assert verification.verified_at > first


def test_a_broker_without_a_personnummer_logs_in_but_does_not_verify(
    browser: Browser, demo: str
) -> None:
    with broker_for(
        demo, {"anon": {"name": "Utan nummer"}}, DELAKTIG_EID_NATIONAL_ID_CLAIM=PNR_CLAIM
    ):
        page = eid_login(browser, demo, "anon")
        assert page.locator("form[action='/konto/logout/']").count() == 1
        page.goto(demo + "/mitt-konto/")
        assert "Du är inte verifierad ännu" in page.locator("main").inner_text()
    assert not Verification.objects.filter(method="eid").exists()


def test_a_forged_state_is_refused(browser: Browser, demo: str) -> None:
    with broker_for(
        demo, {"sara": {PNR_CLAIM: PERSONNUMMER}}, DELAKTIG_EID_NATIONAL_ID_CLAIM=PNR_CLAIM
    ):
        page = new_context(browser).new_page()
        page.goto(f"{demo}/konto/oidc/eid/login/")
        page.get_by_role("button", name="Fortsätt").click()
        page.wait_for_url("**/interaction/**")  # the real broker is asking for a login
        # Someone sends the person a callback link of their own making instead.
        page.goto(f"{demo}/konto/oidc/eid/login/callback/?code=stolen&state=forged")
        assert page.locator("form[action='/konto/logout/']").count() == 0
    assert not Verification.objects.filter(method="eid").exists()
