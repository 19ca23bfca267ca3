"""Process templates: start a process from one, save a process as one, who may use which, and
bad template data refused. Expectations are computed from the templates' own data."""

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from delaktig.accounts.models import User
from delaktig.core.contributions import demo_content
from delaktig.core.errors import PermissionDenied, ValidationFailed
from delaktig.organisations.models import Organisation
from delaktig.participation import demo
from delaktig.participation.models import Process, ProcessTemplate
from delaktig.participation.templates_forms import initial_from_template
from delaktig.participation.templates_services import (
    process_create_from_template,
    process_template_from_process,
    process_template_update,
    spec_from_process,
)
from delaktig.participation.templates_spec import (
    schedule,
    spec_check,
    spec_from_toml,
    spec_to_toml,
)
from delaktig.surveys.models import Question, Survey
from tests.factories import OrganisationFactory, ProcessFactory, UserFactory, role

pytestmark = pytest.mark.django_db

SHIPPED = demo_content(demo.__file__, "process_templates.toml")["templates"]
KEYS = [item["key"] for item in SHIPPED]


@pytest.fixture
def shipped() -> dict[str, ProcessTemplate]:
    return {t.key: t for t in demo.templates_load()}


@pytest.fixture
def organisation() -> Organisation:
    return OrganisationFactory()


@pytest.fixture
def official(organisation: Organisation) -> User:
    return role(UserFactory(), "official", organisation)


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()))


def _fields(
    template: ProcessTemplate, organisation: Organisation, start: date | None = None
) -> dict[str, Any]:
    """What the prefilled form sends back when the official only completes the title."""
    initial = initial_from_template(
        template, Organisation.objects.filter(pk=organisation.pk), start or timezone.localdate()
    )
    initial.pop("starts_on")
    initial["title"] = initial["title"].strip() + " vården"
    return {key: value for key, value in initial.items() if value is not None}


def _structure(process: Process) -> dict[str, Any]:
    """A process's modules and phases, without ids or absolute dates."""
    spec = spec_from_process(process)
    kinds = {m["key"]: m["kind"] for m in spec["modules"]}
    return {
        "ladder_step": spec["process"]["ladder_step"],
        "modules": [
            (m["kind"], m["title"], m.get("description", ""), m.get("settings", {}))
            for m in spec["modules"]
        ],
        "phases": [
            (
                p["name"],
                p["start_day"],
                p["days"],
                kinds.get(p.get("module", "")),
                p.get("phase_type"),
            )
            for p in spec["phases"]
        ],
    }


# --- Starting from the shipped templates ---


def test_the_demo_ships_the_three_templates_for_the_whole_platform(
    shipped: dict[str, ProcessTemplate],
) -> None:
    assert set(shipped) == set(KEYS)
    assert {"ungdomsdialog", "konsultation-enkat", "remiss-rad"} <= set(KEYS)
    assert all(t.organisation is None for t in shipped.values())
    kinds = {m["kind"] for item in SHIPPED for m in item["spec"].get("modules", [])}
    assert {"survey", "referral", "discussion"} <= kinds
    # Loading again updates rather than duplicates.
    demo.templates_load()
    assert ProcessTemplate.objects.count() == len(KEYS)


@pytest.mark.parametrize("key", KEYS)
def test_a_process_from_each_shipped_template_has_its_phases_modules_and_step(
    key: str, shipped: dict[str, ProcessTemplate], official: User, organisation: Organisation
) -> None:
    template = shipped[key]
    spec = template.spec
    today = timezone.localdate()
    process = process_create_from_template(
        actor=official, template=template, starts_on=today, **_fields(template, organisation)
    )
    assert process.status == "draft"
    assert process.ladder_step == spec["process"]["ladder_step"]
    modules = list(process.modules.order_by("weight"))
    assert [(m.kind, m.title) for m in modules] == [
        (m["kind"], m["title"]) for m in spec["modules"]
    ]
    titles = {m["key"]: m["title"] for m in spec["modules"]}
    phases = list(process.phases.select_related("module").order_by("starts_at", "id"))
    # Ordered as the page orders them: by start, then in the template's order.
    planned = list(enumerate(schedule(spec, today)))
    expected = [p for _i, p in sorted(planned, key=lambda item: (item[1].starts_on, item[0]))]
    assert [
        (p.name, p.phase_type, p.module.title if p.module else "", p.starts_at, p.ends_at)
        for p in phases
    ] == [
        (
            p.name,
            p.phase_type,
            titles.get(p.module, ""),
            _midnight(p.starts_on),
            _midnight(p.ends_on),
        )
        for p in expected
    ]
    days = spec["process"].get("decision_expected_days")
    assert process.decision_expected == (None if days is None else today + timedelta(days=days))
    # The tags come from the prefilled form.
    assert {t.code for t in process.target_groups.all()} == set(spec["process"].get("targets", []))
    assert {p.code for p in process.perspectives.all()} == set(
        spec["process"].get("perspectives", [])
    )
    assert {g.number for g in process.sdg_goals.all()} == set(spec["process"].get("goals", []))
    assert set(process.municipalities.all()) == set(organisation.municipalities.all())


def test_the_survey_of_the_consultation_template_has_its_questions(
    shipped: dict[str, ProcessTemplate], official: User, organisation: Organisation
) -> None:
    template = shipped["konsultation-enkat"]
    module_spec = next(m for m in template.spec["modules"] if m["kind"] == "survey")
    settings = module_spec["settings"]
    process = process_create_from_template(
        actor=official,
        template=template,
        starts_on=timezone.localdate(),
        **_fields(template, organisation),
    )
    survey = Survey.objects.get(module__process=process)
    assert survey.intro == settings["intro"]
    assert survey.access == settings["access"]
    expected = [q["text"] for s in settings["sections"] for q in s["questions"]]
    assert (
        list(Question.objects.filter(section__survey=survey).values_list("text", flat=True))
        == expected
    )
    first = next(q for s in settings["sections"] for q in s["questions"] if q.get("choices"))
    question = Question.objects.get(section__survey=survey, text=first["text"])
    assert [c.label for c in question.choices.all()] == first["choices"]


def test_dates_count_from_the_day_the_process_is_started(
    shipped: dict[str, ProcessTemplate], official: User, organisation: Organisation
) -> None:
    template = shipped["ungdomsdialog"]
    with time_machine.travel(timezone.now() + timedelta(days=200), tick=False):
        today = timezone.localdate()
        start = today + timedelta(days=3)
        process = process_create_from_template(
            actor=official,
            template=template,
            starts_on=start,
            **_fields(template, organisation, start),
        )
        first = min(p["start_day"] for p in template.spec["phases"])
        assert process.phases.order_by("starts_at").first().starts_at == _midnight(
            start + timedelta(days=first)
        )
        with pytest.raises(ValidationFailed) as refused:
            process_create_from_template(
                actor=official,
                template=template,
                starts_on=today - timedelta(days=1),
                **_fields(template, organisation),
            )
        assert refused.value.code == "participation.template_start_in_past"


def test_a_module_the_organisation_has_not_switched_on_refuses_the_whole_process(
    shipped: dict[str, ProcessTemplate], official: User, organisation: Organisation
) -> None:
    from delaktig.organisations.models import OrganisationSettings

    OrganisationSettings.objects.create(organisation=organisation, enabled_modules=["discussion"])
    template = shipped["konsultation-enkat"]
    with pytest.raises(ValidationFailed):
        process_create_from_template(
            actor=official,
            template=template,
            starts_on=timezone.localdate(),
            **_fields(template, organisation),
        )
    assert not Process.objects.exists()  # one transaction: nothing half made


# --- Save as template ---


@pytest.mark.parametrize("key", KEYS)
def test_save_as_template_round_trip(
    key: str, shipped: dict[str, ProcessTemplate], official: User, organisation: Organisation
) -> None:
    template = shipped[key]
    today = timezone.localdate()
    first = process_create_from_template(
        actor=official, template=template, starts_on=today, **_fields(template, organisation)
    )
    saved = process_template_from_process(
        actor=official, process=first, name="Vår mall", description="När vi gör så här."
    )
    assert saved.organisation == organisation and saved.created_by == official
    assert saved.spec["process"]["ladder_step"] == template.spec["process"]["ladder_step"]
    assert saved.spec["process"].get("decision_expected_days") == template.spec["process"].get(
        "decision_expected_days"
    )
    # Written as TOML and read back, it is the same.
    assert spec_from_toml(spec_to_toml(saved.spec)) == saved.spec
    start = today + timedelta(days=10)
    second = process_create_from_template(
        actor=official, template=saved, starts_on=start, **_fields(saved, organisation, start)
    )
    assert _structure(second) == _structure(first)
    offset = (
        second.phases.order_by("starts_at").first().starts_at
        - first.phases.order_by("starts_at").first().starts_at
    )
    assert offset.days == 10


def test_save_as_template_through_the_staff_page(
    client: Client, official: User, organisation: Organisation
) -> None:
    process = ProcessFactory(organisation=organisation, status="draft")
    client.force_login(official)
    page = client.get(reverse("staff:process", args=[process.pk])).content.decode()
    url = reverse("staff:process_save_as_template", args=[process.pk])
    assert url in page
    response = client.post(url, {"name": "", "description": "x"})
    assert response.status_code == 400
    response = client.post(url, {"name": "Min mall", "description": "När det passar."})
    assert response.status_code == 302
    template = ProcessTemplate.objects.get(name="Min mall")
    assert template.organisation == organisation
    assert "Min mall" in client.get(reverse("staff:process_create")).content.decode()


# --- Who sees and uses which template ---


def test_another_organisations_template_is_neither_listed_nor_usable(
    client: Client, official: User, organisation: Organisation
) -> None:
    other = OrganisationFactory()
    theirs = ProcessTemplate.objects.create(
        organisation=other,
        name="Deras hemliga mall",
        description="x",
        spec=spec_from_process(ProcessFactory(organisation=other)),
    )
    ours = ProcessTemplate.objects.create(
        organisation=organisation, name="Vår mall", description="x", spec=theirs.spec
    )
    platform = ProcessTemplate.objects.create(
        name="Plattformens", description="x", spec=theirs.spec
    )
    assert official.has_perm("participation.use_processtemplate", ours)
    assert official.has_perm("participation.use_processtemplate", platform)
    assert not official.has_perm("participation.use_processtemplate", theirs)
    assert not UserFactory().has_perm("participation.use_processtemplate", platform)
    moderator = role(UserFactory(), "moderator", organisation)
    assert not moderator.has_perm("participation.use_processtemplate", ours)
    admin = role(UserFactory(), "administrator")
    assert admin.has_perm("participation.use_processtemplate", theirs)
    # Officials change their own organisation's templates; the platform's only administrators.
    assert official.has_perm("participation.change_processtemplate", ours)
    assert not official.has_perm("participation.change_processtemplate", theirs)
    assert not official.has_perm("participation.change_processtemplate", platform)
    assert admin.has_perm("participation.change_processtemplate", platform)

    client.force_login(official)
    chooser = client.get(reverse("staff:process_create")).content.decode()
    assert "Vår mall" in chooser and "Plattformens" in chooser
    assert "Deras hemliga mall" not in chooser
    url = reverse("staff:process_create_from_template", args=[theirs.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "x"}).status_code == 403
    assert client.get(reverse("staff:template_edit", args=[theirs.pk])).status_code == 403
    assert client.get(reverse("staff:template_edit", args=[platform.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        process_create_from_template(
            actor=official,
            template=theirs,
            starts_on=timezone.localdate(),
            **_fields(theirs, organisation),
        )
    assert not Process.objects.filter(organisation=organisation).exists()


# --- The pages, without JavaScript ---


def test_new_process_offers_templates_then_a_prefilled_form_and_creates_on_post(
    client: Client, shipped: dict[str, ProcessTemplate], official: User, organisation: Organisation
) -> None:
    client.force_login(official)
    chooser = client.get(reverse("staff:process_create"))
    assert chooser.status_code == 200
    page = chooser.content.decode()
    for template in shipped.values():
        assert template.name in page
        assert reverse("staff:process_create_from_template", args=[template.pk]) in page
    assert "?tom=1" in page
    blank = client.get(reverse("staff:process_create") + "?tom=1")
    assert blank.status_code == 200 and 'name="starts_on"' not in blank.content.decode()

    template = shipped["konsultation-enkat"]
    url = reverse("staff:process_create_from_template", args=[template.pk])
    form = client.get(url)
    assert form.status_code == 200
    today = timezone.localdate()
    html = form.content.decode()
    assert f'value="{today.isoformat()}"' in html  # the start day
    assert template.spec["process"]["purpose"] in html
    for planned in schedule(template.spec, today):
        assert planned.name in html and planned.ends_on.isoformat() in html
    assert not Process.objects.exists()  # nothing saved by looking

    spec = template.spec["process"]
    data = {
        "starts_on": today.isoformat(),
        "organisation": organisation.pk,
        "title": "Tyck till om kollektivtrafiken",
        "slug": "",
        "summary": spec["summary"],
        "language": "sv",
        "ladder_step": spec["ladder_step"],
        "question": spec["question"],
        "purpose": spec["purpose"],
        "input_use": spec["input_use"],
        "decision_maker": spec["decision_maker"],
    }
    response = client.post(url, {**data, "starts_on": (today - timedelta(days=1)).isoformat()})
    assert response.status_code == 400
    assert "Tyck till om kollektivtrafiken" in response.content.decode()  # nothing typed lost
    assert not Process.objects.exists()
    response = client.post(url, data)
    assert response.status_code == 302
    process = Process.objects.get(title="Tyck till om kollektivtrafiken")
    assert response["Location"] == reverse("staff:process", args=[process.pk])
    assert process.modules.count() == len(template.spec["modules"])
    assert process.phases.count() == len(template.spec["phases"])
    from delaktig.core.models import AuditEntry

    assert AuditEntry.objects.filter(
        action="process.create_from_template", target_id=str(process.pk)
    ).exists()


# --- Bad template data ---


def _valid() -> dict[str, Any]:
    return dict(SHIPPED[0]["spec"])


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda s: s.pop("process"), "participation.template_not_table"),
        (lambda s: s["process"].pop("title"), "participation.template_missing"),
        (lambda s: s["process"].update(ladder_step=9), "participation.template_not_number"),
        (lambda s: s["process"].update(colour="red"), "participation.template_unknown_key"),
        (
            lambda s: s["process"].update(targets=["marsianer"]),
            "participation.template_unknown_code",
        ),
        (
            lambda s: s.update(modules=[{"key": "a", "kind": "telepati", "title": "T"}]),
            "participation.template_unknown_module_kind",
        ),
        (
            lambda s: s.update(phases=[{"name": "F", "start_day": 0, "days": 3, "module": "x"}]),
            "participation.template_unknown_module",
        ),
        (
            lambda s: s.update(
                modules=[{"key": "a", "kind": "discussion", "title": "T"}],
                phases=[
                    {"name": "F", "start_day": 0, "days": 3, "module": "a", "phase_type": "röst"}
                ],
            ),
            "participation.template_unknown_phase_type",
        ),
        (
            lambda s: s.update(phases=[{"name": "F", "start_day": -1, "days": 3}]),
            "participation.template_not_number",
        ),
        (
            lambda s: s.update(phases=[{"name": "F", "start_day": 0, "days": 0}]),
            "participation.template_not_number",
        ),
        (
            lambda s: s.update(
                modules=[
                    {
                        "key": "a",
                        "kind": "survey",
                        "title": "E",
                        "settings": {"sections": [{"title": "S", "questions": [{"kind": "x"}]}]},
                    }
                ],
                phases=[],
            ),
            "participation.template_unknown_code",
        ),
    ],
)
def test_invalid_template_data_is_refused_with_a_clear_error(change: Any, code: str) -> None:
    import copy

    spec = copy.deepcopy(_valid())
    change(spec)
    with pytest.raises(ValidationFailed) as refused:
        spec_check(spec)
    assert refused.value.code == code
    assert refused.value.message and "%(" not in refused.value.message


def test_editing_a_template_with_bad_content_keeps_it_and_says_why(
    client: Client, official: User, organisation: Organisation
) -> None:
    template = ProcessTemplate.objects.create(
        organisation=organisation, name="Vår mall", description="x", spec=_valid()
    )
    client.force_login(official)
    url = reverse("staff:template_edit", args=[template.pk])
    page = client.get(url).content.decode()
    assert "[process]" in page and "[[phases]]" in page
    content = spec_to_toml(template.spec)
    response = client.post(url, {"name": "Ny", "description": "x", "content": "[process\n"})
    assert response.status_code == 400
    assert "rad 1" in response.content.decode()
    broken = content.replace('kind = "discussion"', 'kind = "telepati"')
    response = client.post(url, {"name": "Ny", "description": "x", "content": broken})
    assert response.status_code == 400 and "telepati" in response.content.decode()
    template.refresh_from_db()
    assert template.name == "Vår mall"
    changed = content.replace("days = 28", "days = 30", 1)
    response = client.post(url, {"name": "Ny", "description": "y", "content": changed})
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.name == "Ny" and 30 in [p["days"] for p in template.spec["phases"]]


def test_a_stored_template_that_went_bad_creates_nothing(
    client: Client, official: User, organisation: Organisation
) -> None:
    spec = _valid()
    template = ProcessTemplate.objects.create(
        organisation=organisation, name="Gammal", description="x", spec=spec
    )
    with pytest.raises(ValidationFailed):
        process_template_update(
            actor=official, template=template, name="x", description="x", content="a = 1"
        )
    ProcessTemplate.objects.filter(pk=template.pk).update(
        spec={**spec, "modules": [{"key": "a", "kind": "borttagen", "title": "T"}], "phases": []}
    )
    template.refresh_from_db()
    with pytest.raises(ValidationFailed) as refused:
        process_create_from_template(
            actor=official,
            template=template,
            starts_on=timezone.localdate(),
            **_fields(template, organisation),
        )
    assert refused.value.code == "participation.template_unknown_module_kind"
    assert not Process.objects.exists()


def test_deleting_a_template_asks_first(
    client: Client, official: User, organisation: Organisation
) -> None:
    template = ProcessTemplate.objects.create(
        organisation=organisation, name="Vår mall", description="x", spec=_valid()
    )
    client.force_login(official)
    url = reverse("staff:template_delete", args=[template.pk])
    response = client.post(url)
    assert response.status_code == 200 and "Vår mall" in response.content.decode()
    assert ProcessTemplate.objects.filter(pk=template.pk).exists()
    response = client.post(url, {"confirmed": "1"})
    assert response.status_code == 302
    assert not ProcessTemplate.objects.filter(pk=template.pk).exists()


def test_a_deployment_loads_the_shipped_templates_with_a_command() -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_process_templates", stdout=out)
    call_command("load_process_templates", stdout=out)
    assert sorted(ProcessTemplate.objects.values_list("key", flat=True)) == sorted(KEYS)
    assert all(key in out.getvalue() for key in KEYS)
