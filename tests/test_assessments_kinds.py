"""The templates of impact assessments and the checks on answers: plain Python, no database."""

import ast
from pathlib import Path

import pytest

from delaktig.assessments import kinds, workflow
from delaktig.assessments.forms import RESERVED_NAMES
from delaktig.assessments.kinds import (
    CHILD,
    MAX_TEXT,
    TEMPLATES,
    FieldType,
    Kind,
    check_answers,
    display_answer,
    missing_sections,
    template_for,
)
from delaktig.followup.models import GenderEqualityGoal


def test_every_kind_has_a_template() -> None:
    assert set(TEMPLATES) == set(Kind)
    assert {k.value for k in Kind} == {
        "child",
        "gender_equality",
        "environment",
        "accessibility",
        "minorities",
    }
    with pytest.raises(KeyError):
        template_for("budget")


@pytest.mark.parametrize("template", TEMPLATES.values(), ids=lambda t: t.kind.value)
def test_template_is_complete(template: kinds.Template) -> None:
    assert template.version >= 1
    assert str(template.name).strip() and str(template.description).strip()
    keys = [s.key for s in template.sections]
    assert len(keys) == len(set(keys)), "section keys repeat"
    assert not set(keys) & RESERVED_NAMES, "a section key clashes with a form field"
    assert all(key.isidentifier() for key in keys)
    assert template.required_sections, "nothing is required"
    assert template.sections[-1].key == "conclusion" and template.sections[-1].required
    for section in template.sections:
        assert str(section.label).strip(), section.key
        assert len(str(section.help_text)) > 20, f"{section.key} has no real guidance"
        if section.field_type is FieldType.TEXT:
            assert section.options == ()
        else:
            option_keys = [o.key for o in section.options]
            assert len(option_keys) >= 2, section.key
            assert len(option_keys) == len(set(option_keys)), section.key
            assert all(str(o.label).strip() for o in section.options)


def test_child_template_follows_the_test_of_the_best_interests_of_the_child() -> None:
    required = {s.key for s in CHILD.required_sections}
    assert {
        "affected",
        "articles",
        "knowledge",
        "children_asked",
        "children_views",
        "options",
        "consequences",
        "best_interests",
        "conclusion",
    } <= required
    assert "compensating_measures" in {s.key for s in CHILD.sections}
    articles = CHILD.section("articles")
    assert articles.field_type is FieldType.MULTICHOICES
    numbers = {o.key for o in articles.options}
    # The four general principles and the articles named in the issue.
    for number in (2, 3, 6, 12, 13, 16, 19, 23, 24, 27, 28, 29, 30, 31, 36):
        assert f"art{number}" in numbers
    for option in articles.options:
        assert str(option.label).startswith(f"Artikel {option.key.removeprefix('art')} – ")
    # The general principles come first, in the order of the convention.
    assert [o.key for o in articles.options[:4]] == ["art2", "art3", "art6", "art12"]


def test_children_who_could_not_be_asked_still_need_an_explanation() -> None:
    views = CHILD.section("children_views")
    assert views.required and views.field_type is FieldType.TEXT
    assert "varför" in str(views.help_text)
    asked = CHILD.section("children_asked")
    assert asked.field_type is FieldType.CHOICES and "no" in {o.key for o in asked.options}


def test_gender_equality_goals_match_the_six_sub_goals_in_followup() -> None:
    goals = TEMPLATES[Kind.GENDER_EQUALITY].section("goals")
    assert [(o.key, str(o.label)) for o in goals.options] == [
        (str(number), str(label)) for number, label in GenderEqualityGoal.Number.choices
    ]


def test_national_minorities_are_the_five_and_consultation_is_required() -> None:
    template = TEMPLATES[Kind.MINORITIES]
    assert [o.key for o in template.section("minorities").options] == [
        "jews",
        "roma",
        "sami",
        "sweden_finns",
        "tornedalians",
    ]
    consultation = template.section("consultation")
    assert consultation.required and "2009:724" in str(consultation.help_text)


def test_accessibility_groups_cover_the_functional_impairments() -> None:
    groups = TEMPLATES[Kind.ACCESSIBILITY].section("groups")
    assert {o.key for o in groups.options} == {
        "movement",
        "vision",
        "hearing",
        "cognition",
        "speech",
        "allergy",
        "mental_health",
    }


def test_kinds_and_workflow_import_no_django_models() -> None:
    for module in (kinds, workflow):
        tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
        imported = {
            node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        } | {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        # Only core's plain-Python modules (the state machine and its error) may be imported.
        pure = {"delaktig.core.workflow", "delaktig.core.errors"}
        assert not {
            name
            for name in imported
            if name.startswith(("django.db", "delaktig")) and name not in pure
        }


# --- check_answers --------------------------------------------------------------------------------


def test_answers_are_normalised() -> None:
    clean, problems = check_answers(
        CHILD,
        {
            "affected": "  Barn 6–12 år  ",
            "knowledge": "   ",
            "articles": ["art3", "art2", "art3"],
            "children_asked": "directly",
            "options": None,
        },
    )
    assert problems == {}
    assert clean == {
        "affected": "Barn 6–12 år",
        "articles": ["art3", "art2"],
        "children_asked": "directly",
    }


def test_choices_outside_the_template_are_problems() -> None:
    _clean, problems = check_answers(
        CHILD,
        {"articles": ["art3", "art99"], "children_asked": "maybe", "shoe_size": "42"},
    )
    assert problems["articles"].code == "invalid_choice"
    assert problems["articles"].params == {"value": "art99"}
    assert problems["children_asked"].code == "invalid_choice"
    assert problems["shoe_size"].code == "unknown_section"


def test_wrong_types_and_too_long_text_are_problems() -> None:
    _clean, problems = check_answers(
        CHILD, {"affected": ["a list"], "articles": [3], "knowledge": "x" * (MAX_TEXT + 1)}
    )
    assert problems["affected"].code == "not_text"
    assert problems["articles"].code == "not_a_list"
    assert problems["knowledge"].code == "too_long"
    assert problems["knowledge"].params["max"] == MAX_TEXT


def test_missing_sections_lists_required_ones_in_order() -> None:
    missing = missing_sections(CHILD, {"affected": "Alla barn", "articles": []})
    keys = [s.key for s in missing]
    assert keys[0] == "articles"
    assert "affected" not in keys and "compensating_measures" not in keys
    assert keys == [s.key for s in CHILD.required_sections if s.key != "affected"]


def test_display_answer_uses_option_labels() -> None:
    articles = CHILD.section("articles")
    assert display_answer(articles, ["art12"]) == [str(articles.options[3].label)]
    assert display_answer(CHILD.section("children_asked"), "no").startswith("Nej")
    assert display_answer(CHILD.section("affected"), "  ") == ""
    assert display_answer(articles, None) == []


def test_workflow_table() -> None:
    S, A, machine = workflow.Status, workflow.Action, workflow.MACHINE
    assert machine.next_status("draft", A.MARK_READY) is S.READY
    assert machine.next_status("draft", A.SIGN_OFF) is None
    assert machine.next_status("ready", A.SIGN_OFF) is S.SIGNED_OFF
    assert machine.next_status("signed_off", A.SIGN_OFF) is None
    assert machine.next_status("signed_off", A.REOPEN) is S.DRAFT
    assert machine.next_status("draft", A.REOPEN) is None
    assert machine.next_status("nonsense", A.REOPEN) is None
    assert machine.allowed_actions("ready") == [A.SIGN_OFF, A.REOPEN]
