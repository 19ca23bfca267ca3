"""Riskguiden's staff pages: who gets in (403/404 for everyone else), the stepped form without
JavaScript, sign-off with four eyes, marks."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from tests.factories import OrganisationFactory, ProcessFactory, UserFactory, role

from delaktig.riskguide import services
from delaktig.riskguide.models import ContentiousMark, RiskAnalysis
from delaktig.riskguide.workflow import Status

from .helpers import complete_draft, official

pytestmark = pytest.mark.django_db

LIST = reverse("riskguide:list")
CREATE = reverse("riskguide:create")
MARKS = reverse("riskguide:marks")


def client_for(user: Any) -> Client:
    client = Client()
    if not isinstance(user, AnonymousUser):
        client.force_login(user)
    return client


@pytest.fixture
def process() -> Any:
    return ProcessFactory(status="open", title="Nya öppettider")


@pytest.fixture
def author(process: Any) -> Any:
    return official(process.organisation, "Ada Författare")


@pytest.fixture
def analysis(process: Any, author: Any) -> RiskAnalysis:
    return complete_draft(author, process=process)


def _person(kind: str, organisation: Any) -> Any:
    if kind == "anonymous":
        return AnonymousUser()
    user = UserFactory()
    if kind == "resident":
        return user
    if kind == "administrator":
        return role(user, "administrator")
    if kind.startswith("other_"):
        return role(user, kind.removeprefix("other_"), OrganisationFactory())
    return role(user, kind, organisation)


# kind → (list page, detail page, step 1 page)
ACCESS = {
    "anonymous": (302, 302, 302),
    "resident": (403, 403, 403),
    "elected": (403, 403, 403),
    "other_official": (200, 404, 404),
    "other_security": (200, 404, 404),
    "moderator": (200, 200, 403),
    "security": (200, 200, 403),
    "official": (200, 200, 200),
    "administrator": (200, 200, 200),
}


@pytest.mark.parametrize("kind", sorted(ACCESS))
def test_who_gets_in(kind: str, analysis: RiskAnalysis) -> None:
    client = client_for(_person(kind, analysis.organisation))
    pages = (LIST, analysis.get_absolute_url(), reverse("riskguide:step1", args=[analysis.pk]))
    codes = tuple(client.get(page).status_code for page in pages)
    assert codes == ACCESS[kind]
    if kind == "anonymous":
        assert client.get(LIST)["Location"].startswith("/konto/login/")
    if codes[1] == 200:
        page = client.get(analysis.get_absolute_url()).content.decode()
        assert "Hotfulla mejl till handläggarna" in page and "Riskmatris" in page


def test_an_analysis_of_another_organisation_is_not_listed(analysis: RiskAnalysis) -> None:
    other = role(UserFactory(), "official", OrganisationFactory())
    assert analysis.title not in client_for(other).get(LIST).content.decode()
    own = client_for(role(UserFactory(), "security", analysis.organisation))
    assert analysis.title in own.get(LIST).content.decode()


def test_the_menu_links_riskguiden_for_readers_only(analysis: RiskAnalysis) -> None:
    moderator = role(UserFactory(), "moderator", analysis.organisation)
    assert LIST in client_for(moderator).get(LIST).content.decode()


def test_readers_cannot_write(analysis: RiskAnalysis) -> None:
    for kind in ("moderator", "security"):
        client = client_for(_person(kind, analysis.organisation))
        assert client.get(CREATE).status_code == 403
        assert client.post(reverse("riskguide:submit", args=[analysis.pk])).status_code == 403
        assert client.post(MARKS, {"reason": "x"}).status_code == 403
    analysis.refresh_from_db()
    assert analysis.status == Status.DRAFT


def test_the_filters(analysis: RiskAnalysis, author: Any) -> None:
    client = client_for(author)
    assert analysis.title in client.get(LIST, {"status": "draft"}).content.decode()
    assert analysis.title not in client.get(LIST, {"status": "signed_off"}).content.decode()
    assert analysis.title not in client.get(LIST, {"subject": "meeting"}).content.decode()
    assert analysis.title in client.get(LIST, {"subject": "process"}).content.decode()
    assert client.get(LIST, {"status": "nonsense"}).status_code == 400


def test_create_for_an_own_process_only(process: Any, author: Any) -> None:
    client = client_for(author)
    page = client.get(CREATE, {"process": process.pk}).content.decode()
    assert "Riskanalys: Nya öppettider" in page
    foreign = ProcessFactory()
    response = client.post(CREATE, {"process": foreign.pk, "title": "R"})
    assert response.status_code == 400 and not RiskAnalysis.objects.exists()
    response = client.post(CREATE, {"title": "Utan ämne"})
    assert response.status_code == 400
    assert "Välj en process, ett möte eller ett råd." in response.content.decode()
    response = client.post(CREATE, {"process": process.pk, "title": "R", "background": "B"})
    created = RiskAnalysis.objects.get()
    assert response["Location"] == reverse("riskguide:step1", args=[created.pk])


def _step1_post(analysis: RiskAnalysis, rows: list[dict[str, str]], **extra: str) -> dict[str, str]:
    data = {"details-title": analysis.title, "details-background": "", "rows": str(len(rows))}
    for n, row in enumerate(rows):
        data.update({f"risk-{n}-{key}": value for key, value in row.items()})
    return {**data, **extra}


def test_add_another_risk_without_javascript_keeps_what_was_typed(
    process: Any, author: Any
) -> None:
    analysis = services.analysis_create(actor=author, title="R", process=process)
    client = client_for(author)
    step1 = reverse("riskguide:step1", args=[analysis.pk])
    typed = {"description": "Hot i kommentarerna", "kind": "", "exposed": ""}
    response = client.post(step1, _step1_post(analysis, [typed], action="add"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Hot i kommentarerna"' in page and 'name="risk-1-description"' in page
    assert 'name="rows" value="2"' in page and "error-summary" not in page
    assert analysis.risks.count() == 0
    # Saving the half-filled row asks for the rest and keeps the text.
    response = client.post(step1, _step1_post(analysis, [typed, {}], action="save"))
    page = response.content.decode()
    assert response.status_code == 400 and "error-summary" in page
    assert 'value="Hot i kommentarerna"' in page and "Risk 1, Slag av risk" in page
    full = {**typed, "kind": "threat", "exposed": "officials"}
    response = client.post(step1, _step1_post(analysis, [full, {}], action="next"))
    assert response["Location"] == reverse("riskguide:step2", args=[analysis.pk])
    assert [r.description for r in analysis.risks.all()] == ["Hot i kommentarerna"]


def test_steps_two_and_three(analysis: RiskAnalysis, author: Any) -> None:
    client = client_for(author)
    first, second = analysis.risks.all()
    step2 = reverse("riskguide:step2", args=[analysis.pk])
    page = client.get(step2).content.decode()
    assert "Mycket hög" in page and "Risk 1" in page
    response = client.post(
        step2,
        {
            f"rate-{first.pk}-likelihood": "2",
            f"rate-{first.pk}-consequence": "2",
            f"rate-{second.pk}-likelihood": "9",
            f"rate-{second.pk}-consequence": "",
        },
    )
    assert response.status_code == 400
    first.refresh_from_db()
    assert first.likelihood == 3  # nothing saved
    data = {
        f"rate-{first.pk}-likelihood": "2",
        f"rate-{first.pk}-consequence": "2",
        f"rate-{second.pk}-likelihood": "4",
        f"rate-{second.pk}-consequence": "4",
        "action": "next",
    }
    response = client.post(step2, data)
    assert response["Location"] == reverse("riskguide:step3", args=[analysis.pk])
    second.refresh_from_db()
    assert second.level == "very_high"
    step3 = reverse("riskguide:step3", args=[analysis.pk])
    response = client.post(
        step3,
        {
            f"measure-{first.pk}-measures": "Värd vid dörren",
            f"measure-{first.pk}-owner": "Mötesvärd",
            f"measure-{first.pk}-due": "inte ett datum",
            f"measure-{second.pk}-measures": "",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Värd vid dörren" in page and 'value="Mötesvärd"' in page
    first.refresh_from_db()
    assert first.owner == "Säkerhetssamordnare"  # nothing saved


def test_submit_and_sign_off_with_four_eyes(analysis: RiskAnalysis, author: Any) -> None:
    client = client_for(author)
    detail = analysis.get_absolute_url()
    client.post(reverse("riskguide:submit", args=[analysis.pk]))
    analysis.refresh_from_db()
    assert analysis.status == Status.SUBMITTED
    page = client.get(detail).content.decode()
    assert "kan därför inte godkänna den" in page
    sign_off = reverse("riskguide:sign_off", args=[analysis.pk])
    response = client.post(sign_off, {"signoff-note": "", "confirmed": "1"})
    assert response.status_code == 403
    assert "En annan tjänsteperson i organisationen behöver göra det." in response.content.decode()
    reviewer = client_for(official(analysis.organisation))
    asked = reviewer.post(sign_off, {"signoff-note": "Ok"})
    assert asked.status_code == 200 and 'name="confirmed"' in asked.content.decode()
    analysis.refresh_from_db()
    assert analysis.status == Status.SUBMITTED
    done = reviewer.post(sign_off, {"signoff-note": "Ok", "confirmed": "1"})
    assert done["Location"] == detail
    analysis.refresh_from_db()
    assert analysis.status == Status.SIGNED_OFF and analysis.signoff_note == "Ok"
    # Flag with a reason, then revise.
    flag = reverse("riskguide:flag", args=[analysis.pk])
    assert client.post(flag, {"flag-reason": ""}).status_code == 400
    client.post(flag, {"flag-reason": "Ny information"})
    client.post(reverse("riskguide:revise", args=[analysis.pk]))
    analysis.refresh_from_db()
    assert analysis.status == Status.DRAFT


def test_submitting_too_early_says_what_is_missing(process: Any, author: Any) -> None:
    analysis = services.analysis_create(actor=author, title="R", process=process)
    client = client_for(author)
    response = client.post(reverse("riskguide:submit", args=[analysis.pk]), follow=True)
    assert "Beskriv minst en risk i steg 1" in response.content.decode()
    analysis.refresh_from_db()
    assert analysis.status == Status.DRAFT


def test_marking_and_unmarking(process: Any, author: Any) -> None:
    client = client_for(author)
    assert client.post(MARKS, {"process": process.pk, "reason": ""}).status_code == 400
    client.post(MARKS, {"process": process.pk, "reason": "Stängning av vårdcentral"})
    mark = ContentiousMark.objects.get()
    page = client.get(MARKS).content.decode()
    assert "Stängning av vårdcentral" in page and "Saknas" in page
    again = client.post(MARKS, {"process": process.pk, "reason": "Igen"})
    assert again.status_code == 400
    remove = reverse("riskguide:mark_remove", args=[mark.pk])
    other = client_for(role(UserFactory(), "official", OrganisationFactory()))
    assert other.post(remove, {"confirmed": "1"}).status_code == 404
    assert client.post(remove).status_code == 200  # asks first
    assert ContentiousMark.objects.exists()
    client.post(remove, {"confirmed": "1"})
    assert not ContentiousMark.objects.exists()


def test_measures_done_after_sign_off(analysis: RiskAnalysis, author: Any) -> None:
    services.analysis_submit(actor=author, analysis=analysis)
    services.analysis_sign_off(actor=official(analysis.organisation), analysis=analysis)
    risk = analysis.risks.first()
    client = client_for(author)
    client.post(reverse("riskguide:risk_done", args=[risk.pk]), {"done": "1"})
    risk.refresh_from_db()
    assert risk.done
    security = client_for(role(UserFactory(), "security", analysis.organisation))
    url = reverse("riskguide:risk_done", args=[risk.pk])
    assert security.post(url, {"done": "0"}).status_code == 403
