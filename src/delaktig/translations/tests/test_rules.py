"""The translations app's rows of the role × permission matrix (merged into
tests/test_rules.py), and the translator, who is not one of the matrix's roles."""

import pytest
from tests.factories import OrganisationFactory, ProcessFactory

from delaktig.translations.tests.helpers import translator_of

MATRIX = {"translations.change_translation": {"official", "administrator"}}

pytestmark = pytest.mark.django_db


def test_a_translator_may_open_the_workbench_of_their_organisation_only() -> None:
    process = ProcessFactory()
    translator = translator_of(process.organisation, "se")
    assert translator.has_perm("translations.change_translation", process)
    assert translator.has_perm("translations.change_translation", process.organisation)
    assert translator.has_perm("accounts.view_staff_workspace")
    assert not translator.has_perm("translations.change_translation", OrganisationFactory())
    assert not translator.has_perm("participation.change_process", process)
    translator.is_active = False
    translator.save()
    assert not translator.has_perm("translations.change_translation", process)
