"""Riskguiden's rows of the role × permission matrix (merged into tests/test_rules.py), and the
same permissions asked about an analysis and a contentious mark, for every role."""

from typing import Any

import pytest
from tests.factories import ProcessFactory

from delaktig.riskguide.models import ContentiousMark, RiskAnalysis

# The same roles as tests/test_rules.py ROLES (imported there from here, so not imported back).
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
READERS = {"official", "moderator", "security", "administrator"}

MATRIX = {
    "riskguide.view_riskanalysis": READERS,
    "riskguide.add_riskanalysis": OFFICIALS,
    "riskguide.change_riskanalysis": OFFICIALS,
    "riskguide.signoff_riskanalysis": OFFICIALS,
    "riskguide.change_contentiousmark": OFFICIALS,
}
OBJECT_RULES: dict[str, str] = {}


def _objects() -> tuple[Any, RiskAnalysis, ContentiousMark]:
    process = ProcessFactory(status="open")
    analysis = RiskAnalysis(organisation=process.organisation, process=process, title="R")
    mark = ContentiousMark(organisation=process.organisation, process=process, reason="R")
    return process, analysis, mark


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ROLES)
def test_an_analysis_is_read_by_staff_and_security_and_written_by_officials(kind: str) -> None:
    from tests.test_rules import ROLES as ALL_ROLES
    from tests.test_rules import make

    assert set(ROLES) == set(ALL_ROLES)
    process, analysis, mark = _objects()
    user = make(kind, process.organisation)
    assert user.has_perm("riskguide.view_riskanalysis", analysis) is (kind in READERS)
    for perm in ("change_riskanalysis", "signoff_riskanalysis"):
        assert user.has_perm(f"riskguide.{perm}", analysis) is (kind in OFFICIALS), perm
    assert user.has_perm("riskguide.change_contentiousmark", mark) is (kind in OFFICIALS)
    # Nothing is public: no anonymous reader, no resident, no other organisation's staff.
    if kind in {"anonymous", "resident", "elected", "other_official", "other_security"}:
        assert not user.has_perm("riskguide.view_riskanalysis", analysis)
