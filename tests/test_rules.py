"""Role × permission matrix, and the phase rules the module registry declares.

docs/roles-and-permissions.md is the readable form of this. Every permission registered with
django-rules must be in ``MATRIX`` (it depends on the role alone) or in ``OBJECT_RULES`` (it
depends on the object too, and names the test file that checks it), so a new permission
without a row fails here.
"""

import importlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from rules.permissions import permissions

from delaktig.accounts.predicates import phase_allows
from delaktig.participation import registry
from tests.factories import (
    ModuleFactory,
    OrganisationFactory,
    PhaseFactory,
    ProcessFactory,
    UserFactory,
    open_discussion,
    role,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "delaktig"

ROLES = [
    "anonymous",
    "resident",
    "moderator",
    "official",
    "other_official",
    "security",
    "other_security",
    "elected",
    "administrator",
]
OFFICIALS = {"official", "administrator"}
STAFF = {"moderator", "official", "administrator"}
EVERYONE_LOGGED_IN = set(ROLES) - {"anonymous"}

# permission -> roles that hold it on an object of "our" organisation
MATRIX = {
    "accounts.manage_roles": {"administrator"},
    "assessments.add_impactassessment": OFFICIALS,
    "assessments.change_impactassessment": OFFICIALS,
    "assessments.signoff_impactassessment": OFFICIALS,
    "assessments.view_draft_impactassessment": STAFF,
    "budgeting.enter_paper_ballots": OFFICIALS,
    "budgeting.manage_budget": OFFICIALS,
    "consultations.answer_comment": OFFICIALS,
    "consultations.manage_consultation": OFFICIALS,
    "councils.change_compensationmodel": OFFICIALS,
    "councils.change_council": OFFICIALS,
    "councils.change_referral": OFFICIALS,
    "councils.export_payroll": OFFICIALS,
    "councils.send_referral": OFFICIALS,
    "discussions.moderate_comment": STAFF,
    "discussions.report_comment": EVERYONE_LOGGED_IN,
    "followup.change_strategy": OFFICIALS,
    "followup.request_commitment": EVERYONE_LOGGED_IN,
    "followup.view_unpublished": STAFF,
    "initiatives.add_initiative": OFFICIALS,
    "initiatives.change_initiative": OFFICIALS,
    "insights.view_figures": STAFF,
    "meetings.add_meeting": OFFICIALS,
    "meetings.ask_question": EVERYONE_LOGGED_IN,
    "meetings.change_meeting": OFFICIALS,
    "meetings.handle_question": OFFICIALS,
    "opinionmaps.manage_map": OFFICIALS,
    "opinionmaps.moderate_statement": STAFF,
    "opinionmaps.view_results": STAFF,
    "organisations.change_accessibilitystatement": OFFICIALS,
    "organisations.change_organisation": OFFICIALS,
    "organisations.change_host": {"administrator"},
    "participation.add_process": OFFICIALS,
    "participation.add_processtemplate": OFFICIALS,
    "participation.change_process": OFFICIALS,
    "participation.change_processtemplate": OFFICIALS,
    "participation.publish_feedback": OFFICIALS,
    "participation.view_figures": STAFF,
    "accounts.view_staff_workspace": {"other_official", "security", "other_security"} | STAFF,
    "population.change_populationtable": OFFICIALS,
    "proposals.add_proposal": EVERYONE_LOGGED_IN,
    "proposals.correct_proposal": OFFICIALS,
    "proposals.handle_proposal": OFFICIALS,
    "proposals.redact_proposal": OFFICIALS,
    "proposals.support_proposal": EVERYONE_LOGGED_IN,
    "surveys.change_survey": OFFICIALS,
    "surveys.export_raw_responses": OFFICIALS,
    "surveys.view_results": STAFF,
}
GLOBAL_PERMS = {"accounts.view_staff_workspace", "accounts.manage_roles"}

# Permissions that depend on the object (its author, status, phase, members): the test file
# that checks each.
OBJECT_RULES = {
    "assessments.view_impactassessment": "tests/test_assessments_rules.py",
    "budgeting.add_ballot": "tests/test_budgeting_staff.py",
    "budgeting.add_project": "tests/test_budgeting_staff.py",
    "consultations.add_agreement": "tests/test_consultations_services.py",
    "consultations.add_comment": "tests/test_consultations_services.py",
    "councils.answer_referral": "tests/test_councils.py",
    "councils.approve_attendance": "tests/test_councils.py",
    "councils.record_attendance": "tests/test_councils.py",
    "discussions.add_comment": "tests/test_rules.py",
    "followup.add_network_document": "tests/test_followup_actors.py",
    "followup.delete_network_document": "tests/test_rules.py",
    "followup.report_actor_activity": "tests/test_followup_actors.py",
    "followup.view_network_documents": "tests/test_followup_actors.py",
    "identity.verify_resident": "tests/test_rules.py",
    "meetings.register_meeting": "tests/test_meetings.py",
    "opinionmaps.add_statement": "tests/test_rules.py",
    "opinionmaps.add_vote": "tests/test_rules.py",
    "participation.follow_process": "tests/test_rules.py",
    "participation.use_processtemplate": "tests/test_process_templates.py",
    "participation.view_process": "tests/test_rules.py",
    "proposals.change_proposal": "tests/test_rules.py",
    "proposals.submit_proposal": "tests/test_rules.py",
    "proposals.view_proposal": "tests/test_rules.py",
    "proposals.withdraw_proposal": "tests/test_rules.py",
    "surveys.answer_survey": "tests/test_rules.py",
    "surveys.view_survey": "tests/test_rules.py",
}


def _module_app_rows() -> tuple[dict[str, set[str]], dict[str, str]]:
    """The rows a module app keeps with itself: ``MATRIX`` and ``OBJECT_RULES`` in its own
    ``tests/test_rules.py`` (see "Adding a participation module" in docs/architecture.md)."""
    matrix: dict[str, set[str]] = {}
    object_rules: dict[str, str] = {}
    for path in sorted(SRC.glob("*/tests/test_rules.py")):
        rows = importlib.import_module(f"delaktig.{path.parts[-3]}.tests.test_rules")
        matrix.update(getattr(rows, "MATRIX", {}))
        object_rules.update(getattr(rows, "OBJECT_RULES", {}))
    return matrix, object_rules


_APP_MATRIX, _APP_OBJECT_RULES = _module_app_rows()
MATRIX.update(_APP_MATRIX)
OBJECT_RULES.update(_APP_OBJECT_RULES)


def test_every_registered_permission_has_a_row() -> None:
    registered = set(permissions)
    assert registered - set(MATRIX) - set(OBJECT_RULES) == set(), "add a row to MATRIX"
    assert set(MATRIX) & set(OBJECT_RULES) == set()
    assert (set(MATRIX) | set(OBJECT_RULES)) - registered == set(), "a row for nothing"


@pytest.mark.parametrize(("perm", "test_file"), sorted(OBJECT_RULES.items()))
def test_each_object_rule_is_checked_where_it_says(perm: str, test_file: str) -> None:
    assert f'"{perm}"' in (ROOT / test_file).read_text(encoding="utf-8")


def test_permissions_are_named_app_verb_model_and_owned_by_their_app() -> None:
    """``app.verb_model``, declared in that app's own rules.py (accounts also declares
    organisations', which sits below it)."""
    for name in permissions:
        app, _, codename = name.partition(".")
        assert re.fullmatch(r"[a-z]+_[a-z_]+", codename), name
        owner = "accounts" if app == "organisations" else app
        assert f'"{name}"' in (SRC / owner / "rules.py").read_text(encoding="utf-8"), name


def _module_actions() -> list[tuple[str, str, str, str]]:
    """(app, module key, phase type, action) for every action a registered module declares."""
    found = []
    for module_type in registry.all_types():
        app = module_type.render_public.__module__.split(".")[1]
        for phase_type in module_type.phase_types:
            found += [(app, module_type.key, phase_type.key, a) for a in phase_type.allows]
    return sorted(found)


@pytest.mark.parametrize(("app", "key", "phase_type", "action"), _module_actions())
def test_every_phase_action_a_module_declares_is_enforced(
    app: str, key: str, phase_type: str, action: str
) -> None:
    """A permission of the module's app requires a phase allowing the action, and a service
    of the app checks that permission (``require_perm_in_phase``)."""
    guarding = [
        name
        for name, predicate in permissions.items()
        if name.startswith(f"{app}.") and f"phase_allows:{action}" in predicate.name
    ]
    assert guarding, f"no {app} permission uses phase_allows({action!r})"
    services = "\n".join(
        path.read_text(encoding="utf-8") for path in (SRC / app).glob("*services*.py")
    )
    assert any(f'"{name}"' in services for name in guarding), "no service checks it"

    # The declared phase really lets the action through while it runs, and only then.
    process = ProcessFactory(status="open")
    module = ModuleFactory(process=process, kind=key)
    phase = PhaseFactory(module=module, process=process, phase_type=phase_type)
    resident = UserFactory()
    assert phase_allows(action).test(resident, module)
    process.status = "closed"
    process.save()
    module.refresh_from_db()
    assert not phase_allows(action).test(resident, module)
    assert phase.pk


def make(kind: str, organisation: Any) -> Any:
    if kind == "anonymous":
        return AnonymousUser()
    user = UserFactory()
    if kind in {"moderator", "official", "security", "elected"}:
        role(user, kind, organisation)
    elif kind.startswith("other_"):
        role(user, kind.removeprefix("other_"), OrganisationFactory())
    elif kind == "administrator":
        role(user, "administrator")
    return user


@pytest.mark.parametrize("kind", ROLES)
@pytest.mark.parametrize("perm", sorted(MATRIX))
def test_matrix(kind: str, perm: str) -> None:
    process = ProcessFactory(status="draft")
    user = make(kind, process.organisation)
    target = (
        None
        if perm in GLOBAL_PERMS
        else (process.organisation if perm.startswith("organisations.") else process)
    )
    assert user.has_perm(perm, target) is (kind in MATRIX[perm])


@pytest.mark.parametrize(
    ("status", "phase_running", "expected"),
    [
        ("open", True, True),
        ("open", False, False),
        ("closed", True, False),
        ("published", True, False),
    ],
)
def test_commenting_needs_open_process_and_running_phase(
    status: str, phase_running: bool, expected: bool
) -> None:
    module = open_discussion(status=status)
    if not phase_running:
        module.phases.update(phase_type="reading")
    resident = UserFactory()
    assert resident.has_perm("discussions.add_comment", module) is expected
    assert AnonymousUser().has_perm("discussions.add_comment", module) is False


@pytest.mark.parametrize("status", ["draft", "published", "open", "closed", "archived"])
def test_view_process_public_only_after_draft(status: str) -> None:
    process = ProcessFactory(status=status)
    assert AnonymousUser().has_perm("participation.view_process", process) is (status != "draft")
    official = make("official", process.organisation)
    assert official.has_perm("participation.view_process", process) is True


def test_inactive_user_has_no_staff_rights() -> None:
    process = ProcessFactory()
    official = make("official", process.organisation)
    official.is_active = False
    official.save()
    assert not official.has_perm("participation.change_process", process)


@pytest.mark.parametrize("kind", ROLES)
def test_verify_resident_only_where_the_organisation_covers_the_municipality(kind: str) -> None:
    from tests.factories import MunicipalityFactory

    organisation = OrganisationFactory()
    home = MunicipalityFactory(code="2380")
    organisation.municipalities.add(home)
    user = make(kind, organisation)
    expected = kind in {"official", "administrator"}
    assert user.has_perm("identity.verify_resident", home) is expected


def test_author_withdraws_and_sees_own_drafts() -> None:
    from delaktig.proposals.models import Proposal

    author = UserFactory()
    proposal = Proposal(organisation=OrganisationFactory(), author=author, status="draft")
    assert author.has_perm("proposals.withdraw_proposal", proposal)
    assert author.has_perm("proposals.view_proposal", proposal)
    stranger = UserFactory()
    assert not stranger.has_perm("proposals.withdraw_proposal", proposal)
    assert not stranger.has_perm("proposals.view_proposal", proposal)
    proposal.status = "collecting"
    assert stranger.has_perm("proposals.view_proposal", proposal)


@pytest.mark.parametrize("perm", sorted(MATRIX))
def test_an_inactive_account_holds_no_permission(perm: str) -> None:
    process = ProcessFactory(status="draft")
    for kind in ("resident", "official", "administrator"):
        user = make(kind, process.organisation)
        user.is_active = False
        user.save()
        target = None if perm in GLOBAL_PERMS else process
        assert not user.has_perm(perm, target), kind


@pytest.mark.parametrize(
    ("phase_type", "vote", "write"),
    [("voting", True, True), ("voting_only", True, False), ("results", False, False)],
)
def test_opinion_map_votes_and_statements_follow_the_running_phase(
    phase_type: str, vote: bool, write: bool
) -> None:
    from tests.test_opinionmaps_services import open_map

    opinion_map = open_map(phase_type=phase_type)
    resident = UserFactory()
    assert resident.has_perm("opinionmaps.add_vote", opinion_map) is vote
    assert resident.has_perm("opinionmaps.add_statement", opinion_map) is write
    assert not AnonymousUser().has_perm("opinionmaps.add_vote", opinion_map)
    opinion_map.module.process.status = "closed"
    opinion_map.module.process.save()
    opinion_map.module.refresh_from_db()
    assert not resident.has_perm("opinionmaps.add_vote", opinion_map)


@pytest.mark.parametrize(("access", "anonymous_may"), [("account", False), ("anonymous", True)])
def test_answering_a_survey_needs_its_phase_and_an_account_where_it_asks_for_one(
    access: str, anonymous_may: bool
) -> None:
    from tests.survey_helpers import build_survey

    survey = build_survey(access=access).survey
    resident = UserFactory()
    assert resident.has_perm("surveys.answer_survey", survey)
    assert AnonymousUser().has_perm("surveys.answer_survey", survey) is anonymous_may
    assert AnonymousUser().has_perm("surveys.view_survey", survey)
    survey.module.phases.update(phase_type="results")
    assert not resident.has_perm("surveys.answer_survey", survey)


@pytest.mark.parametrize("status", ["draft", "published", "open", "closed"])
def test_only_public_processes_are_followed_and_only_when_logged_in(status: str) -> None:
    process = ProcessFactory(status=status)
    assert UserFactory().has_perm("participation.follow_process", process) is (status != "draft")
    assert not AnonymousUser().has_perm("participation.follow_process", process)
    assert not AnonymousUser().has_perm(
        "participation.view_process", ProcessFactory(status="draft")
    )


def test_only_the_author_changes_a_draft_and_submits_it() -> None:
    from delaktig.proposals.models import Proposal

    author = UserFactory()
    proposal = Proposal(organisation=OrganisationFactory(), author=author, status="draft")
    assert author.has_perm("proposals.change_proposal", proposal)
    assert author.has_perm("proposals.submit_proposal", proposal)
    stranger = make("official", proposal.organisation)
    assert not stranger.has_perm("proposals.change_proposal", proposal)
    assert not stranger.has_perm("proposals.submit_proposal", proposal)
    proposal.status = "submitted"
    assert not author.has_perm("proposals.change_proposal", proposal)


def test_a_network_document_is_deleted_by_officials_or_by_the_member_who_shared_it() -> None:
    from delaktig.followup.models import Actor, Network, NetworkDocument, NetworkMember

    organisation = OrganisationFactory()
    network = Network.objects.create(organisation=organisation, name="Nätverket", slug="natverket")
    member, other_member, former = UserFactory(), UserFactory(), UserFactory()
    for name, user in (("Föreningen", member), ("Bolaget", other_member)):
        actor = Actor.objects.create(organisation=organisation, name=name, kind="association")
        NetworkMember.objects.create(network=network, actor=actor, user=user)
    shared = NetworkDocument(network=network, title="Protokoll", uploaded_by=member)
    assert member.has_perm("followup.delete_network_document", shared)
    assert not other_member.has_perm("followup.delete_network_document", shared)
    assert make("official", organisation).has_perm("followup.delete_network_document", shared)
    assert not make("other_official", organisation).has_perm(
        "followup.delete_network_document", shared
    )
    # Who shared it but has left the network may no longer remove it.
    by_former = NetworkDocument(network=network, title="Gammalt", uploaded_by=former)
    assert not former.has_perm("followup.delete_network_document", by_former)


def test_the_readable_table_names_every_permission() -> None:
    """In docs/roles-and-permissions.md, or for a module app in its own README.md."""
    table = (ROOT / "docs" / "roles-and-permissions.md").read_text(encoding="utf-8")
    for path in sorted(SRC.glob("*/README.md")):
        table += path.read_text(encoding="utf-8")
    assert [name for name in sorted(permissions) if f"| `{name}`" not in table] == []
