"""Role × permission matrix. docs/roles-and-permissions.md is the readable form of this."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import OrganisationFactory, ProcessFactory, UserFactory, open_discussion, role

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "resident", "moderator", "official", "other_official", "administrator"]

# permission -> roles that hold it on an object of "our" organisation
MATRIX = {
    "participation.view_staff_workspace": {
        "moderator",
        "official",
        "other_official",
        "administrator",
    },
    "participation.add_process": {"official", "administrator"},
    "participation.change_process": {"official", "administrator"},
    "participation.publish_feedback": {"official", "administrator"},
    "participation.view_figures": {"moderator", "official", "administrator"},
    "discussions.moderate_comment": {"moderator", "official", "administrator"},
    "organisations.change_accessibilitystatement": {"official", "administrator"},
    "accounts.manage_roles": {"administrator"},
    "organisations.change_organisation": {"official", "administrator"},
    "proposals.handle_proposal": {"official", "administrator"},
}
GLOBAL_PERMS = {"participation.view_staff_workspace", "accounts.manage_roles"}


def make(kind: str, organisation: Any) -> Any:
    if kind == "anonymous":
        return AnonymousUser()
    user = UserFactory()
    if kind in {"moderator", "official"}:
        role(user, kind, organisation)
    elif kind == "other_official":
        role(user, "official", OrganisationFactory())
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
