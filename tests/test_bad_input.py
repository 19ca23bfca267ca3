"""Malformed query and form values get a 400 page or a form error, never a 500.

One test for each 500 the review of issue 14 found, the helpers in ``core/params.py``, the
NUL middleware, the 400 page and the ``__in`` lookup that leaves out numbers no column can
hold. ``test_malformed_input.py`` sweeps every page of the demo region.
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from delaktig.core.params import (
    BadParameter,
    choice_param,
    date_param,
    id_list_param,
    id_param,
    int_param,
)
from delaktig.meetings import services as meeting_services
from delaktig.opinionmaps.models import OpinionMap, Statement, Vote
from delaktig.participation.models import Perspective
from delaktig.proposals import services as proposal_services
from tests.factories import (
    ModuleFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PhaseFactory,
    ProcessFactory,
    UserFactory,
    proposal_rules,
    role,
    submitted_days_ago,
    verified_resident,
)
from tests.followup_factories import IndicatorFactory
from tests.test_meetings import assembly_meeting

pytestmark = pytest.mark.django_db

IMPOSSIBLE_DATE = "2026-13-45"  # well formed, but no such day


def _is_the_400_page(response: Any) -> bool:
    html = response.content.decode()
    return response.status_code == 400 and "Sidan kunde inte visas" in html


# --- The 500s the review found -----------------------------------------------------------


def test_vote_with_a_statement_that_is_not_a_number_is_a_400(client: Client) -> None:
    process = ProcessFactory(status="open")
    module = ModuleFactory(process=process, kind="opinionmap", title="Opinionskarta")
    PhaseFactory(process=process, module=module, phase_type="opinionmap")
    opinion_map = OpinionMap.objects.create(module=module, topic="Kollektivtrafiken")
    Statement.objects.create(map=opinion_map, number=1, text="Fler turer", status="published")
    client.force_login(UserFactory())
    url = reverse("opinionmaps:vote", kwargs={"module_pk": module.pk})
    response = client.post(url, {"statement": "abc", "vote": "agree"})
    assert _is_the_400_page(response)
    assert "”statement”" in response.content.decode()
    assert not Vote.objects.exists()


def test_audit_log_filter_with_a_nul_is_a_400_that_links_back_without_it(
    client: Client,
) -> None:
    admin = role(UserFactory(is_superuser=True), "administrator")
    client.force_login(admin)
    response = client.get("/personal/logg/?handelse=%00&sida=2")
    assert _is_the_400_page(response)
    html = response.content.decode()
    assert "tecken som inte är tillåtet" in html
    # The link back keeps the other parameter.
    assert 'href="/personal/logg/?sida=2"' in html


@pytest.fixture
def report_region() -> Any:
    organisation = OrganisationFactory()
    organisation.municipalities.add(MunicipalityFactory(code="2380", name="Östersund"))
    proposal_rules(organisation, support_phase=False)
    official = role(UserFactory(), "official", organisation)
    author = verified_resident(organisation.municipalities.get())
    draft = proposal_services.proposal_save_draft(
        actor=author, organisation=organisation, title="Tolk", body="Text", author_name="Kim"
    )
    proposal = proposal_services.proposal_submit(actor=author, proposal=draft)
    proposal = proposal_services.proposal_publish(actor=official, proposal=proposal)
    proposal_services.proposal_register(
        actor=official,
        proposal=submitted_days_ago(proposal, 410),
        registered_on=timezone.localdate() - timedelta(days=400),
    )
    return organisation, official


def test_unfinished_report_with_an_impossible_date_is_a_form_error(
    client: Client, report_region: Any
) -> None:
    organisation, official = report_region
    client.force_login(official)
    url = reverse("proposals:staff_report")
    response = client.get(f"{url}?organisation={organisation.slug}&datum={IMPOSSIBLE_DATE}")
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["datum"]
    html = response.content.decode()
    assert "error-summary" in html and f'value="{IMPOSSIBLE_DATE}"' in html  # as typed
    # The report is still shown, for the chosen organisation.
    assert response.context["organisation"] == organisation
    assert response.context["rows"]


def test_unfinished_report_with_a_nul_in_the_organisation_is_a_400(
    client: Client, report_region: Any
) -> None:
    _organisation, official = report_region
    client.force_login(official)
    response = client.get(reverse("proposals:staff_report") + "?organisation=%00")
    assert _is_the_400_page(response)


def test_unfinished_report_with_an_unknown_organisation_is_a_form_error(
    client: Client, report_region: Any
) -> None:
    _organisation, official = report_region
    client.force_login(official)
    response = client.get(reverse("proposals:staff_report") + "?organisation=finns-inte")
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["organisation"]


def test_unfinished_report_pdf_with_an_impossible_date_is_a_400(
    client: Client, report_region: Any
) -> None:
    _organisation, official = report_region
    client.force_login(official)
    response = client.get(reverse("proposals:staff_report_pdf") + f"?datum={IMPOSSIBLE_DATE}")
    assert _is_the_400_page(response)
    assert "”datum”" in response.content.decode()


def test_marking_the_report_with_an_impossible_date_is_a_form_error(
    client: Client, report_region: Any
) -> None:
    _organisation, official = report_region
    client.force_login(official)
    response = client.post(reverse("proposals:staff_report"), {"reported_on": IMPOSSIBLE_DATE})
    assert response.status_code == 400
    assert list(response.context["reported_form"].errors) == ["reported_on"]
    assert f'value="{IMPOSSIBLE_DATE}"' in response.content.decode()
    from delaktig.proposals.models import Proposal

    assert Proposal.objects.get().reported_unfinished_on is None


def test_question_time_with_a_question_that_is_not_a_number_is_a_400(client: Client) -> None:
    meeting = assembly_meeting()
    official = role(UserFactory(), "official", meeting.organisation)
    question = meeting_services.question_submit(
        actor=UserFactory(), meeting=meeting, text="Varför?", asker_name="Al"
    )
    client.force_login(official)
    url = reverse("meetings:questions", args=[meeting.pk])
    response = client.post(url, {"question": "abc", "action": "accept"})
    assert _is_the_400_page(response)
    question.refresh_from_db()
    assert question.status == "submitted"


def test_question_time_keeps_a_refused_answer(client: Client) -> None:
    meeting = assembly_meeting()
    official = role(UserFactory(), "official", meeting.organisation)
    question = meeting_services.question_submit(
        actor=UserFactory(), meeting=meeting, text="Varför?", asker_name="Al"
    )
    meeting_services.question_accept(actor=official, question=question)
    client.force_login(official)
    response = client.post(
        reverse("meetings:questions", args=[meeting.pk]),
        {
            "question": question.pk,
            "action": "answer",
            f"a{question.pk}-answered_by": "",
            f"a{question.pk}-answer": "Ett svar som inte får försvinna.",
        },
    )
    assert response.status_code == 400
    assert "Ett svar som inte får försvinna." in response.content.decode()


def test_deleting_an_indicator_value_that_is_not_a_number_is_a_400(client: Client) -> None:
    from delaktig.followup.models import IndicatorValue

    indicator = IndicatorFactory()
    official = role(UserFactory(), "official", indicator.strategy.organisation)
    IndicatorValue.objects.create(indicator=indicator, year=2024, sex="alla", value=Decimal(4))
    client.force_login(official)
    url = reverse("followup_staff:indicator", args=[indicator.pk])
    response = client.post(url, {"action": "delete", "value": "abc"})
    assert _is_the_400_page(response)
    assert IndicatorValue.objects.count() == 1


def test_an_agenda_item_number_already_taken_is_a_form_error(client: Client) -> None:
    from delaktig.meetings.models import AgendaItem

    meeting = assembly_meeting()
    AgendaItem.objects.create(meeting=meeting, position=1, title="Upprop")
    client.force_login(role(UserFactory(), "official", meeting.organisation))
    response = client.post(
        reverse("meetings:edit", args=[meeting.pk]),
        {"action": "agenda", "agenda-position": "1", "agenda-title": "Val av justerare"},
    )
    assert response.status_code == 400
    assert list(response.context["agenda_form"].errors) == ["position"]
    assert 'value="Val av justerare"' in response.content.decode()
    assert meeting.agenda.count() == 1


# --- The 500s the sweep found: ids checked with str.isdigit(), which takes "²" ----------------

SUPERSCRIPT_TWO = "²"  # str.isdigit() says it is a digit; int() refuses it


def test_impact_assessment_prefill_with_an_id_that_is_not_a_number_is_a_400(
    client: Client,
) -> None:
    client.force_login(role(UserFactory(), "official", OrganisationFactory()))
    for key in ("activity", "process"):
        response = client.get(reverse("assessments_staff:create"), {key: SUPERSCRIPT_TWO})
        assert _is_the_400_page(response)


def test_deleting_a_proposal_category_that_is_not_a_number_is_a_400(
    client: Client, report_region: Any
) -> None:
    from delaktig.proposals.models import Category

    organisation, official = report_region
    Category.objects.create(organisation=organisation, name="Kollektivtrafik")
    client.force_login(official)
    response = client.post(
        reverse("proposals:staff_rules", args=[organisation.slug]),
        {"action": "delete_category", "pk": SUPERSCRIPT_TWO},
    )
    assert _is_the_400_page(response)
    assert Category.objects.count() == 1


def test_ending_a_council_term_for_a_member_that_is_not_a_number_is_a_400(
    client: Client,
) -> None:
    from delaktig.councils.models import Council, Membership

    organisation = OrganisationFactory()
    council = Council.objects.create(
        organisation=organisation, kind="pensionarsrad", name="PRO", slug="pr", mandate="Samråd."
    )
    term_end = timezone.localdate() + timedelta(days=365)
    membership = Membership.objects.create(
        council=council,
        user=UserFactory(),
        name="Ledamot",
        term_start=term_end - timedelta(days=730),
        term_end=term_end,
    )
    client.force_login(role(UserFactory(), "official", organisation))
    response = client.post(
        reverse("councils:edit", args=[council.slug]),
        {"action": "end_term", "pk": SUPERSCRIPT_TWO},
    )
    assert _is_the_400_page(response)
    membership.refresh_from_db()
    assert membership.term_end == term_end


def test_survey_themes_with_ids_that_are_not_numbers(client: Client) -> None:
    from tests.survey_helpers import answer_directly, build_survey

    built = build_survey()
    response = answer_directly(built, transport=0, text="Fler bussar på kvällen.")
    answer = response.answers.get(question=built.free)
    client.force_login(role(UserFactory(), "official", built.organisation))
    url = reverse("surveys:theme_action", args=[built.survey.module_id, built.free.pk])
    # An id that cannot be read names no theme or answer (tests/test_surveys_integrity.py).
    merge = {"action": "merge", "theme": SUPERSCRIPT_TWO, "into": "1"}
    assert client.post(url, merge).status_code == 404
    # The ticked themes of an answer are the 400 page.
    tag = {"action": "tag", "answer": answer.pk, "themes": [SUPERSCRIPT_TWO]}
    tagged = client.post(url, tag)
    assert _is_the_400_page(tagged)


# --- The NUL middleware and the 400 page ---------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/m/survey/fortsatt/a%00b/", None),  # a <str:token> in the path
        ("get", "/processer/?q=a%00b", None),
        ("get", "/processer/?a%00b=1", None),  # in a key
        ("post", "/konto/login/", {"login": "a\x00b@example.com", "password": "x"}),
    ],
)
def test_a_nul_anywhere_is_a_400(client: Client, method: str, url: str, data: Any) -> None:
    response = getattr(client, method)(url, data)
    assert _is_the_400_page(response)


def test_the_400_page_speaks_the_chosen_language(client: Client) -> None:
    client.cookies["django_language"] = "en"
    response = client.get("/processer/?q=%00")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'lang="en"' in html
    assert "The page could not be shown" in html
    assert "The address or the form contains a character that is not allowed." in html


# --- core/params.py -----------------------------------------------------------------------


def test_int_param() -> None:
    data = QueryDict("n=12&neg=-3&bad=12a&huge=99999999999999999999&empty=&space=%207%20")
    assert int_param(data, "n") == 12
    assert int_param(data, "neg") == -3
    assert int_param(data, "space") == 7
    assert int_param(data, "missing", 5) == 5
    assert int_param(data, "empty", 5) == 5
    for name in ("bad", "huge"):
        with pytest.raises(BadParameter):
            int_param(data, name, maximum=2**63 - 1)
    with pytest.raises(BadParameter):
        int_param(data, "neg", minimum=0)
    for digits in ("١٢", "²"):  # int() takes the first, str.isdigit() the second: not we
        with pytest.raises(BadParameter):
            int_param(QueryDict(f"n={digits}"), "n")


def test_id_param() -> None:
    assert id_param(QueryDict("id=3"), "id") == 3
    assert id_param(QueryDict(""), "id") is None
    for bad in ("0", "-1", str(2**63), "1e400", "abc"):
        with pytest.raises(BadParameter):
            id_param(QueryDict(f"id={bad}"), "id")


def test_id_list_param() -> None:
    assert id_list_param(QueryDict("t=3&t=&t=12"), "t") == [3, 12]
    assert id_list_param(QueryDict(""), "t") == []
    for bad in ("abc", "0", "²", str(2**63)):
        with pytest.raises(BadParameter):
            id_list_param(QueryDict(f"t=3&t={bad}"), "t")


def test_date_param() -> None:
    assert date_param(QueryDict("d=2026-04-30"), "d") == date(2026, 4, 30)
    assert date_param(QueryDict("d="), "d", date(2026, 1, 1)) == date(2026, 1, 1)
    for bad in (IMPOSSIBLE_DATE, "2026-13", "30/4/2026", "abc"):
        with pytest.raises(BadParameter) as raised:
            date_param(QueryDict(f"d={bad}"), "d")
        assert raised.value.name == "d"


def test_choice_param() -> None:
    assert choice_param(QueryDict("k=csv"), "k", ["csv", "xlsx"]) == "csv"
    assert choice_param(QueryDict(""), "k", ["csv"], "csv") == "csv"
    with pytest.raises(BadParameter):
        choice_param(QueryDict("k=pdf"), "k", ["csv", "xlsx"])


# --- id__in with a number no column can hold ---------------------------------------------


def test_in_lookup_leaves_out_numbers_no_column_can_hold() -> None:
    perspective = Perspective.objects.order_by("pk").first()
    assert perspective is not None  # the perspectives come with the migrations
    assert list(Perspective.objects.filter(pk__in=[2**70])) == []
    assert list(Perspective.objects.filter(pk__in=[2**70, perspective.pk])) == [perspective]
    assert list(Perspective.objects.filter(pk__in=[-(2**70)])) == []


def test_a_huge_id_in_a_multiple_choice_is_a_form_error() -> None:
    from delaktig.followup.forms import GoalForm

    form = GoalForm(data={"title": "Mål", "gender_equality_goals": [str(2**70)]})
    assert not form.is_valid()
    assert "gender_equality_goals" in form.errors


def test_the_reported_date_is_never_prefilled_in_the_future(
    client: Client, report_region: Any
) -> None:
    """A report prepared for a meeting still to come is prefilled with today, which may be
    saved; the meeting's own date would be refused as a day in the future (a QA finding)."""
    organisation, official = report_region
    client.force_login(official)
    url = reverse("proposals:staff_report") + f"?organisation={organisation.slug}"
    today = timezone.localdate()
    for chosen, prefilled in (
        (today + timedelta(days=60), today),
        (today - timedelta(days=30), today - timedelta(days=30)),
    ):
        response = client.get(f"{url}&datum={chosen.isoformat()}")
        assert response.status_code == 200
        assert response.context["reported_form"].initial["reported_on"] == prefilled
