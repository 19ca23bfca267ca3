"""A survey's settings in a process template: its texts, who may answer, sections and questions.

    [modules.settings]
    intro = "…"
    access = "anonymous"
    [[modules.settings.sections]]
    title = "…"
    [[modules.settings.sections.questions]]
    kind = "single"          # single, multiple, scale, text, number
    text = "…"
    choices = ["…", "…"]
    required = true

The texts and the access are saved with the survey's answering phase, so a template that sets
them has a phase of type ``answering`` for the survey.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from delaktig.accounts.types import User
from delaktig.core.errors import ValidationFailed
from delaktig.participation.models import ProcessModule
from delaktig.participation.templates_spec import check_keys, check_list, check_table, check_text

from .models import Question, Survey
from .selectors import answering_phase
from .services import question_save, section_save, survey_for_module, survey_settings_save

TEXTS = ("intro", "easy_read_intro", "thanks")
QUESTION_KEYS = {"kind", "text", "help_text", "required", "choices", "min_value", "max_value"}


def _unknown(what: str, value: Any) -> ValidationFailed:
    return ValidationFailed(
        "participation.template_unknown_code", field="content", what=what, value=value
    )


def _check_question(question: Mapping[str, Any], where: str) -> None:
    check_keys(question, QUESTION_KEYS, where)
    kind = check_text(question, "kind", where, required=True, limit=10)
    if kind not in Question.Kind.values:
        raise _unknown(f"{where}.kind", kind)
    check_text(question, "text", where, required=True, limit=500)
    check_text(question, "help_text", where, limit=500)
    if not isinstance(question.get("required", False), bool):
        raise _unknown(f"{where}.required", question["required"])
    for index, label in enumerate(check_list(question.get("choices", []), f"{where}.choices")):
        if not isinstance(label, str) or not label.strip() or len(label) > 300:
            raise _unknown(f"{where}.choices.{index + 1}", label)
    for name in ("min_value", "max_value"):
        value = question.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise _unknown(f"{where}.{name}", value)


def check(settings: Mapping[str, Any], where: str) -> None:
    check_keys(settings, {*TEXTS, "access", "results_public", "sections"}, where)
    for name in TEXTS:
        check_text(settings, name, where, limit=5000)
    if settings.get("access", Survey.Access.ACCOUNT) not in Survey.Access.values:
        raise _unknown(f"{where}.access", settings["access"])
    if not isinstance(settings.get("results_public", False), bool):
        raise _unknown(f"{where}.results_public", settings["results_public"])
    sections = check_list(settings.get("sections", []), f"{where}.sections")
    for s_index, item in enumerate(sections, start=1):
        s_where = f"{where}.sections.{s_index}"
        section = check_table(item, s_where)
        check_keys(section, {"title", "description", "questions"}, s_where)
        check_text(section, "title", s_where, required=True, limit=200)
        check_text(section, "description", s_where, limit=2000)
        questions = check_list(section.get("questions", []), f"{s_where}.questions")
        for q_index, question in enumerate(questions, start=1):
            q_where = f"{s_where}.questions.{q_index}"
            _check_question(check_table(question, q_where), q_where)


def _number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def apply(actor: User, module: ProcessModule, settings: Mapping[str, Any]) -> None:
    survey = survey_for_module(module=module)
    phase = answering_phase(survey)
    if phase is not None:
        survey_settings_save(
            actor=actor,
            survey=survey,
            intro=settings.get("intro", ""),
            easy_read_intro=settings.get("easy_read_intro", ""),
            thanks=settings.get("thanks", ""),
            access=settings.get("access", survey.access),
            ask_background=survey.ask_background,
            results_public=settings.get("results_public", survey.results_public),
            opens_at=phase.starts_at,
            closes_at=phase.ends_at,
        )
    for item in settings.get("sections", []):
        section = section_save(
            actor=actor,
            survey=survey,
            section=None,
            title=item["title"],
            description=item.get("description", ""),
        )
        for question in item.get("questions", []):
            question_save(
                actor=actor,
                section=section,
                question=None,
                kind=question["kind"],
                text=question["text"],
                help_text=question.get("help_text", ""),
                required=question.get("required", False),
                choices=question.get("choices", []),
                min_value=_number(question.get("min_value")),
                max_value=_number(question.get("max_value")),
            )


def _export_question(question: Question) -> dict[str, Any]:
    item: dict[str, Any] = {"kind": question.kind, "text": question.text}
    if question.help_text:
        item["help_text"] = question.help_text
    if question.required:
        item["required"] = True
    if question.has_choices:
        item["choices"] = [c.label for c in question.choices.all()]
    for name in ("min_value", "max_value"):
        value = getattr(question, name)
        if value is not None:
            item[name] = int(value) if value == value.to_integral_value() else float(value)
    return item


def export(module: ProcessModule) -> dict[str, Any]:
    survey = Survey.objects.filter(module=module).first()
    if survey is None:
        return {}
    settings: dict[str, Any] = {
        name: getattr(survey, name) for name in TEXTS if getattr(survey, name)
    }
    settings["access"] = survey.access
    settings["results_public"] = survey.results_public
    settings["sections"] = [
        {
            "title": section.title,
            **({"description": section.description} if section.description else {}),
            "questions": [_export_question(q) for q in section.questions.all()],
        }
        for section in survey.sections.prefetch_related("questions__choices")
    ]
    return settings
