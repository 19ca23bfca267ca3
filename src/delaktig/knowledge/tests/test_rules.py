"""The knowledge bank's rows of the role × permission matrix (merged into tests/test_rules.py),
and the permissions that depend on the part: who reads it and who marks it as gone through."""

import pytest
from django.contrib.auth.models import AnonymousUser
from tests.factories import OrganisationFactory

from delaktig.knowledge.tests.helpers import bank, person

READERS = {"moderator", "official", "security", "elected", "administrator"}
OFFICIALS = {"official", "administrator"}

MATRIX = {
    "knowledge.view_knowledgebank": READERS,
    "knowledge.change_knowledgebank": OFFICIALS,
    "knowledge.view_completions": OFFICIALS,
}

OBJECT_RULES = {
    "knowledge.view_part": "src/delaktig/knowledge/tests/test_rules.py",
    "knowledge.complete_part": "src/delaktig/knowledge/tests/test_rules.py",
}

KINDS = ["resident", "moderator", "official", "security", "elected", "administrator"]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("public", [False, True])
def test_a_published_part_is_read_by_the_organisations_readers_or_anyone_when_public(
    kind: str, public: bool
) -> None:
    part = bank(is_public=public)
    user = person(kind, part.organisation)
    assert user.has_perm("knowledge.view_part", part) is (public or kind in READERS)
    assert AnonymousUser().has_perm("knowledge.view_part", part) is public


@pytest.mark.parametrize("kind", ["moderator", "official", "security", "elected"])
def test_a_role_in_another_organisation_reads_only_public_parts(kind: str) -> None:
    part = bank()
    elsewhere = person(kind, OrganisationFactory())
    assert not elsewhere.has_perm("knowledge.view_part", part)
    assert not elsewhere.has_perm("knowledge.complete_part", part)
    assert not elsewhere.has_perm("knowledge.change_knowledgebank", part.organisation)
    assert not elsewhere.has_perm("knowledge.view_completions", part.organisation)
    part.is_public = True
    assert elsewhere.has_perm("knowledge.view_part", part)


@pytest.mark.parametrize("kind", KINDS)
def test_drafts_are_for_the_organisations_officials(kind: str) -> None:
    part = bank(published=False)
    user = person(kind, part.organisation)
    assert user.has_perm("knowledge.view_part", part) is (kind in OFFICIALS)
    assert not user.has_perm("knowledge.complete_part", part)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("public", [False, True])
def test_readers_mark_published_parts_residents_do_not(kind: str, public: bool) -> None:
    part = bank(is_public=public)
    user = person(kind, part.organisation)
    assert user.has_perm("knowledge.complete_part", part) is (kind in READERS)
    assert not AnonymousUser().has_perm("knowledge.complete_part", part)


def test_an_inactive_reader_marks_nothing() -> None:
    part = bank()
    user = person("elected", part.organisation)
    user.is_active = False
    user.save()
    assert not user.has_perm("knowledge.complete_part", part)
    assert not user.has_perm("knowledge.view_part", part)
