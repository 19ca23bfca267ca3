"""Impact assessment pages: staff list, create, fill in, sign off, reopen, the public page."""

import re
from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from delaktig.assessments import services
from delaktig.assessments.kinds import CHILD
from delaktig.assessments.models import ImpactAssessment
from delaktig.followup.models import ActionPlan, Activity, FocusArea, Strategy
from tests.factories import (
    ImpactAssessmentFactory,
    OrganisationFactory,
    ProcessFactory,
    UserFactory,
    complete_child_answers,
    role,
)

pytestmark = pytest.mark.django_db

LIST = reverse("assessments_staff:list")
CREATE = reverse("assessments_staff:create")


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def official(organisation: Any, name: str = "") -> Any:
    user = UserFactory(**({"display_name": name} if name else {}))
    return role(user, "official", organisation)


def make_activity(organisation: Any, *, published: bool = True) -> Activity:
    strategy = Strategy.objects.create(
        organisation=organisation,
        title="Ungdomsstrategi",
        slug=f"unga-{organisation.pk}-{Strategy.objects.count()}",
        summary="S",
        start_year=2024,
        end_year=2027,
        published=published,
    )
    plan = ActionPlan.objects.create(
        strategy=strategy,
        title="Plan 2024",
        slug="plan",
        start_year=2024,
        end_year=2025,
        published=published,
    )
    area = FocusArea.objects.create(plan=plan, title="Mötesplatser", position=1)
    return Activity.objects.create(area=area, title="Öppna fritidsgårdar på helger", position=3)


def signed_off(
    assessment: ImpactAssessment, manager: Any = None, note: str = "Godkänd."
) -> ImpactAssessment:
    author = assessment.prepared_by
    services.assessment_save_answers(
        actor=author, assessment=assessment, answers=complete_child_answers()
    )
    services.assessment_mark_ready(actor=author, assessment=assessment)
    manager = manager or official(assessment.organisation)
    return services.assessment_sign_off(actor=manager, assessment=assessment, note=note)


# --- the staff list ------------------------------------------------------------------------------


def test_staff_list_shows_own_organisations_and_filters() -> None:
    organisation = OrganisationFactory(name="Region Norr")
    user = official(organisation)
    child = ImpactAssessmentFactory(organisation=organisation, title="Analys om barn")
    environment = ImpactAssessmentFactory(
        organisation=organisation, kind="environment", title="Analys om miljö"
    )
    done = signed_off(ImpactAssessmentFactory(organisation=organisation, title="Klar analys"))
    ImpactAssessmentFactory(title="Annans analys")  # another organisation
    client = client_for(user)

    page = client.get(LIST).content.decode()
    for assessment in (child, environment, done):
        assert assessment.title in page
    assert "Annans analys" not in page

    page = client.get(LIST, {"kind": "environment"}).content.decode()
    assert "Analys om miljö" in page and "Analys om barn" not in page

    page = client.get(LIST, {"status": "signed_off"}).content.decode()
    assert "Klar analys" in page and "Analys om barn" not in page
    assert "Godkänd" in page  # the status in words, not colour

    other = OrganisationFactory()
    role(user, "official", other)
    ImpactAssessmentFactory(organisation=other, title="Andra organisationens")
    page = client.get(LIST, {"organisation": other.pk}).content.decode()
    assert "Andra organisationens" in page and "Analys om barn" not in page


def test_staff_list_for_moderators_but_not_residents() -> None:
    organisation = OrganisationFactory()
    ImpactAssessmentFactory(organisation=organisation, title="Synlig för moderator")
    moderator = role(UserFactory(), "moderator", organisation)
    response = client_for(moderator).get(LIST)
    assert response.status_code == 200
    assert "Synlig för moderator" in response.content.decode()
    assert reverse("assessments_staff:create") not in response.content.decode()
    assert client_for(UserFactory()).get(LIST).status_code == 403
    anonymous = Client().get(LIST)
    assert anonymous.status_code == 302 and "/konto/" in anonymous["Location"]


# --- create --------------------------------------------------------------------------------------


def test_create_prefilled_from_an_activity() -> None:
    organisation = OrganisationFactory()
    user = official(organisation)
    activity = make_activity(organisation)
    page = client_for(user).get(CREATE, {"kind": "child", "activity": activity.pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(rf'<option value="{activity.pk}" selected>', html)
    assert re.search(rf'<option value="{organisation.pk}" selected>', html)
    assert 'value="child"' in html and re.search(r'value="child"[^>]*checked', html)
    assert "Barnkonsekvensanalys: Öppna fritidsgårdar på helger" in html


def test_prefill_ignores_another_organisations_activity() -> None:
    user = official(OrganisationFactory())
    foreign = make_activity(OrganisationFactory())
    html = client_for(user).get(CREATE, {"activity": foreign.pk}).content.decode()
    assert foreign.title not in html


def test_create_about_a_process() -> None:
    organisation = OrganisationFactory()
    user = official(organisation)
    process = ProcessFactory(organisation=organisation)
    html = client_for(user).get(CREATE, {"process": process.pk}).content.decode()
    assert re.search(rf'<option value="{process.pk}" selected>', html)
    response = client_for(user).post(
        CREATE,
        {
            "kind": "gender_equality",
            "organisation": organisation.pk,
            "title": "Jämställdhetsanalys av dialogen",
            "decision_summary": "",
            "process": process.pk,
            "activity": "",
        },
    )
    assessment = ImpactAssessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments_staff:edit", args=[assessment.pk])
    assert (assessment.process, assessment.kind, assessment.prepared_by) == (
        process,
        "gender_equality",
        user,
    )


def test_create_refuses_both_links_and_keeps_the_input() -> None:
    organisation = OrganisationFactory()
    user = official(organisation)
    response = client_for(user).post(
        CREATE,
        {
            "kind": "child",
            "organisation": organisation.pk,
            "title": "Min rubrik som ska finnas kvar",
            "process": ProcessFactory(organisation=organisation).pk,
            "activity": make_activity(organisation).pk,
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Min rubrik som ska finnas kvar" in html
    assert 'class="error-summary"' in html
    assert not ImpactAssessment.objects.exists()


def test_create_needs_an_official() -> None:
    organisation = OrganisationFactory()
    moderator = role(UserFactory(), "moderator", organisation)
    assert client_for(moderator).get(CREATE).status_code == 403


# --- fill in -------------------------------------------------------------------------------------


def test_edit_page_renders_every_section_accessibly() -> None:
    assessment = ImpactAssessmentFactory()
    html = (
        client_for(assessment.prepared_by)
        .get(reverse("assessments_staff:edit", args=[assessment.pk]))
        .content.decode()
    )
    assert html.count("<h1") == 1
    for section in CHILD.sections:
        assert str(section.label) in html
    # Multiple choices are a fieldset with a legend, tied to their help text.
    assert re.search(r'<fieldset aria-describedby="id_articles_help">\s*<legend>', html)
    assert 'id="id_knowledge" aria-describedby="id_knowledge_help"' in html or re.search(
        r'<textarea[^>]*aria-describedby="id_knowledge_help"[^>]*id="id_knowledge"', html
    )


def test_edit_saves_a_draft() -> None:
    assessment = ImpactAssessmentFactory()
    url = reverse("assessments_staff:edit", args=[assessment.pk])
    response = client_for(assessment.prepared_by).post(
        url,
        {
            "title": assessment.title,
            "decision_summary": "Beslut i nämnden i maj.",
            "affected": "Barn 6–15 år i Östersund.",
            "articles": ["art3", "art31"],
            "children_asked": "directly",
            "action": "save",
        },
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.answers == {
        "affected": "Barn 6–15 år i Östersund.",
        "articles": ["art3", "art31"],
        "children_asked": "directly",
    }
    assert assessment.decision_summary == "Beslut i nämnden i maj."
    assert assessment.status == "draft"


def test_edit_keeps_everything_typed_on_an_invalid_choice() -> None:
    assessment = ImpactAssessmentFactory(answers={"affected": "Sparat tidigare"})
    url = reverse("assessments_staff:edit", args=[assessment.pk])
    response = client_for(assessment.prepared_by).post(
        url,
        {
            "title": "Ändrad rubrik",
            "decision_summary": "Ett beslut",
            "affected": "Nytt svar som inte får försvinna",
            "knowledge": "Statistik från SCB & Kolada",
            "articles": ["art12", "art99"],
            "children_asked": "directly",
            "action": "save",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Nytt svar som inte får försvinna" in html
    assert "Statistik från SCB &amp; Kolada" in html
    assert 'value="Ändrad rubrik"' in html
    assert re.search(r'value="art12"[^>]*checked', html)
    assert re.search(r'value="directly"[^>]*checked', html)
    # The error summary at the top links to the field.
    assert 'href="#id_articles_0"' in html
    assessment.refresh_from_db()
    assert assessment.answers == {"affected": "Sparat tidigare"}
    assert assessment.title != "Ändrad rubrik"


def test_edit_and_mark_ready_with_missing_sections_saves_and_shows_what_is_missing() -> None:
    assessment = ImpactAssessmentFactory()
    url = reverse("assessments_staff:edit", args=[assessment.pk])
    response = client_for(assessment.prepared_by).post(
        url,
        {
            "title": assessment.title,
            "decision_summary": "Beslut",
            "affected": "Alla barn i regionen",
            "action": "ready",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Utkastet är sparat" in html
    assert 'href="#id_children_views"' in html and 'href="#id_articles_0"' in html
    assert "Alla barn i regionen" in html
    assessment.refresh_from_db()
    assert assessment.status == "draft"
    assert assessment.answers == {"affected": "Alla barn i regionen"}


def test_edit_and_mark_ready() -> None:
    assessment = ImpactAssessmentFactory()
    data: dict[str, Any] = {
        "title": assessment.title,
        "decision_summary": "Beslut",
        "action": "ready",
        **complete_child_answers(),
    }
    response = client_for(assessment.prepared_by).post(
        reverse("assessments_staff:edit", args=[assessment.pk]), data
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "ready"


def test_edit_of_a_ready_assessment_redirects_to_the_detail_page() -> None:
    assessment = ImpactAssessmentFactory(status="ready", answers=complete_child_answers())
    response = client_for(assessment.prepared_by).get(
        reverse("assessments_staff:edit", args=[assessment.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments_staff:detail", args=[assessment.pk])


def test_edit_needs_an_official_of_the_organisation() -> None:
    assessment = ImpactAssessmentFactory()
    url = reverse("assessments_staff:edit", args=[assessment.pk])
    assert client_for(official(OrganisationFactory())).get(url).status_code == 403
    moderator = role(UserFactory(), "moderator", assessment.organisation)
    assert client_for(moderator).get(url).status_code == 403


# --- sign off and reopen -------------------------------------------------------------------------


def test_sign_off_through_the_detail_page() -> None:
    assessment = ImpactAssessmentFactory(answers=complete_child_answers(), status="ready")
    manager = official(assessment.organisation)
    detail = reverse("assessments_staff:detail", args=[assessment.pk])
    page = client_for(manager).get(detail).content.decode()
    assert reverse("assessments_staff:sign_off", args=[assessment.pk]) in page
    response = client_for(manager).post(
        reverse("assessments_staff:sign_off", args=[assessment.pk]),
        {"note": "Väl underbyggd.", "publish": "on", "confirmed": "1"},
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.status, assessment.signed_off_by, assessment.published) == (
        "signed_off",
        manager,
        True,
    )


def test_the_author_is_told_someone_else_must_sign_off() -> None:
    assessment = ImpactAssessmentFactory(answers=complete_child_answers(), status="ready")
    author = assessment.prepared_by
    page = (
        client_for(author)
        .get(reverse("assessments_staff:detail", args=[assessment.pk]))
        .content.decode()
    )
    assert reverse("assessments_staff:sign_off", args=[assessment.pk]) not in page
    assert "kan därför inte godkänna" in page
    response = client_for(author).post(
        reverse("assessments_staff:sign_off", args=[assessment.pk]),
        {"publish": "on", "confirmed": "1"},
    )
    assert response.status_code == 403  # the four-eyes refusal, on the form
    assert "En annan behörig person" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == "ready"


def test_sign_off_needs_the_permission() -> None:
    assessment = ImpactAssessmentFactory(answers=complete_child_answers(), status="ready")
    moderator = role(UserFactory(), "moderator", assessment.organisation)
    url = reverse("assessments_staff:sign_off", args=[assessment.pk])
    assert client_for(moderator).post(url, {"publish": "on"}).status_code == 403
    assert client_for(official(OrganisationFactory())).post(url).status_code == 403


def test_reopen_needs_a_reason() -> None:
    assessment = signed_off(ImpactAssessmentFactory())
    url = reverse("assessments_staff:reopen", args=[assessment.pk])
    client = client_for(assessment.prepared_by)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert 'href="#id_reason"' in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == "signed_off"
    response = client.post(url, {"reason": "Nya uppgifter om barnens skolvägar."})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "draft" and assessment.signed_off_by is None
    history = client.get(reverse("assessments_staff:detail", args=[assessment.pk]))
    assert "Nya uppgifter om barnens skolvägar." in history.content.decode()


def test_mark_ready_button_sends_to_the_form_when_sections_are_missing() -> None:
    assessment = ImpactAssessmentFactory()
    response = client_for(assessment.prepared_by).post(
        reverse("assessments_staff:mark_ready", args=[assessment.pk]), follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("assessments_staff:edit", args=[assessment.pk])
    assert "Barnens egna åsikter" in html
    assessment.refresh_from_db()
    assert assessment.status == "draft"


# --- the public page -----------------------------------------------------------------------------


def test_drafts_and_ready_assessments_are_not_public() -> None:
    for status in ("draft", "ready"):
        assessment = ImpactAssessmentFactory(status=status, answers=complete_child_answers())
        url = reverse("assessments:detail", args=[assessment.pk])
        assert Client().get(url).status_code == 404
        assert client_for(UserFactory()).get(url).status_code == 404
        assert client_for(official(OrganisationFactory())).get(url).status_code == 404
        assert assessment.title not in Client().get(reverse("assessments:list")).content.decode()


def test_staff_of_the_organisation_may_preview_a_draft() -> None:
    assessment = ImpactAssessmentFactory()
    moderator = role(UserFactory(), "moderator", assessment.organisation)
    response = client_for(moderator).get(reverse("assessments:detail", args=[assessment.pk]))
    assert response.status_code == 200
    assert "inte publicerad" in response.content.decode()


def test_a_signed_off_assessment_is_public_without_personal_names() -> None:
    organisation = OrganisationFactory(name="Region Mitt")
    author = official(organisation, name="Anna Sekreterarsson")
    assessment = ImpactAssessmentFactory(
        organisation=organisation, prepared_by=author, last_edited_by=author
    )
    signed_off(
        assessment,
        manager=official(organisation, name="Bertil Chefsson"),
        note="Underlaget räcker för beslut.",
    )
    response = Client().get(reverse("assessments:detail", args=[assessment.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert "Anna Sekreterarsson" not in html and "Bertil Chefsson" not in html
    assert "Godkänd av Region Mitt" in html
    # Sections with their labels and answers, options by their names.
    assert "Barnens egna åsikter" in html and "Svar om children_views." in html
    assert str(CHILD.section("articles").options[0].label) in html
    assert "Underlaget räcker för beslut." in html  # the sign-off note
    listed = Client().get(reverse("assessments:list")).content.decode()
    assert assessment.title in listed


def test_an_unpublished_signed_off_assessment_is_not_shown() -> None:
    assessment = signed_off(ImpactAssessmentFactory())
    ImpactAssessment.objects.filter(pk=assessment.pk).update(published=False)
    assert Client().get(reverse("assessments:detail", args=[assessment.pk])).status_code == 404


def test_public_page_links_the_public_activity() -> None:
    organisation = OrganisationFactory()
    activity = make_activity(organisation)
    assessment = signed_off(ImpactAssessmentFactory(organisation=organisation, activity=activity))
    html = Client().get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert activity.get_absolute_url() in html


def test_public_page_does_not_link_an_unpublished_activity_or_draft_process() -> None:
    organisation = OrganisationFactory()
    activity = make_activity(organisation, published=False)
    with_activity = signed_off(
        ImpactAssessmentFactory(organisation=organisation, activity=activity)
    )
    html = Client().get(reverse("assessments:detail", args=[with_activity.pk])).content.decode()
    assert activity.title not in html
    process = ProcessFactory(organisation=organisation, status="draft", title="Hemlig dialog")
    with_process = signed_off(ImpactAssessmentFactory(organisation=organisation, process=process))
    html = Client().get(reverse("assessments:detail", args=[with_process.pk])).content.decode()
    assert "Hemlig dialog" not in html


# --- the linked list on activity and process pages -----------------------------------------------


def render_linked(**context: Any) -> str:
    names = " ".join(f"{key}={key}" for key in context)
    template = Template("{% load assessments %}{% linked_assessments " + names + " %}")
    return template.render(Context(context))


def test_linked_list_shows_signed_off_assessments_only() -> None:
    organisation = OrganisationFactory()
    activity = make_activity(organisation)
    process = ProcessFactory(organisation=organisation)
    public = signed_off(
        ImpactAssessmentFactory(organisation=organisation, activity=activity, title="Publik")
    )
    ImpactAssessmentFactory(organisation=organisation, activity=activity, title="Utkastet")
    about_process = signed_off(
        ImpactAssessmentFactory(organisation=organisation, process=process, title="Om dialogen")
    )
    html = render_linked(activity=activity)
    assert public.get_absolute_url() in html and "Publik" in html
    assert "Utkastet" not in html and "Om dialogen" not in html
    assert "<h2" in html
    html = render_linked(process=process, level=3)
    assert about_process.get_absolute_url() in html and "<h3" in html and "Publik" not in html


def test_linked_list_renders_nothing_when_empty() -> None:
    activity = make_activity(OrganisationFactory())
    assert render_linked(activity=activity).strip() == ""
    assert render_linked(activity=None).strip() == ""
