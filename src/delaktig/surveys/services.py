"""Writes to surveys: the staff builder, answering, weighting settings and themes.

The reads that pages share with these (the answering phase, a person's response, what is
missing) are in :mod:`delaktig.surveys.selectors`.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delaktig.accounts.predicates import require_perm_in_phase, require_phase
from delaktig.accounts.types import User, Visitor
from delaktig.core.audit import audit_log
from delaktig.core.errors import (
    Conflict,
    DelaktigError,
    PermissionDenied,
    ValidationFailed,
    require_perm,
)
from delaktig.core.ordering import move_in_order, next_position
from delaktig.moderation import checks as screening_checks
from delaktig.organisations.models import Municipality
from delaktig.participation.models import Phase, ProcessModule
from delaktig.population.models import PopulationTable
from delaktig.translations import services as translation_services
from delaktig.translations.access import forget

from .models import (
    Answer,
    Choice,
    Invitation,
    Question,
    Response,
    Section,
    Survey,
    Theme,
)
from .selectors import (
    answering_phase,
    chosen_choices,
    current_response,
    missing_required,
    translatable_items,
)

Ordered = TypeVar("Ordered", Section, Question)


def _audit(actor: User, action: str, target: models.Model, survey: Survey) -> None:
    audit_log(
        actor=actor, action=action, target=target, organisation=survey.module.process.organisation
    )


# --- Building ---------------------------------------------------------------------------


def survey_for_module(*, module: ProcessModule) -> Survey:
    """The module's survey, made (empty) the first time staff open the builder."""
    survey, _created = Survey.objects.select_related("module__process").get_or_create(module=module)
    return survey


def survey_settings_save(
    *,
    actor: User,
    survey: Survey,
    intro: str,
    easy_read_intro: str,
    thanks: str,
    access: str,
    ask_background: bool,
    results_public: bool,
    opens_at: datetime,
    closes_at: datetime,
) -> Survey:
    """Save the survey's settings and its answering dates.

    The dates are the module's answering phase, so the spine's rule — a module allows an
    action while the process is open and a phase allowing it runs — is the one that applies.
    """
    require_perm(actor, "surveys.change_survey", survey)
    if closes_at <= opens_at:
        raise ValidationFailed("surveys.closes_before_opens", field="closes_at")
    with transaction.atomic():
        survey.intro, survey.easy_read_intro, survey.thanks = intro, easy_read_intro, thanks
        survey.access = access
        survey.ask_background, survey.results_public = ask_background, results_public
        survey.save()
        phase = answering_phase(survey)
        if phase is None:
            phase = Phase(
                process=survey.module.process,
                module=survey.module,
                phase_type="answering",
                name=str(_("Svar på enkäten")),
            )
        phase.starts_at, phase.ends_at = opens_at, closes_at
        phase.save()
        _audit(actor, "survey.settings", survey, survey)
    return survey


def section_save(
    *, actor: User, survey: Survey, section: Section | None, title: str, description: str
) -> Section:
    """Create a section (``section`` None, placed last) or change one."""
    require_perm(actor, "surveys.change_survey", survey)
    with transaction.atomic():
        if section is None:
            section = Section(
                survey=survey, position=next_position(survey.sections.all(), parent=survey)
            )
        section.title, section.description = title, description
        section.save()
        _audit(actor, "survey.section", section, survey)
    return section


def question_save(
    *,
    actor: User,
    section: Section,
    question: Question | None,
    kind: str,
    text: str,
    help_text: str,
    required: bool,
    choices: Sequence[str],
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
    show_if: Choice | None = None,
) -> Question:
    """Create or change a question and its choices (one label per line, in order).

    Choices are matched by position, so correcting a label keeps the answers given to it;
    a choice that has answers cannot be removed.
    """
    survey = section.survey
    require_perm(actor, "surveys.change_survey", survey)
    if show_if is not None:
        if show_if.question.section.survey_id != survey.pk or (
            question is not None and show_if.question_id == question.pk
        ):
            raise ValidationFailed("surveys.condition_other_question", field="show_if")
        if _order_key(show_if.question) >= _order_key(question, section):
            raise ValidationFailed("surveys.condition_not_before", field="show_if")
    labels = [c.strip() for c in choices if c.strip()]
    with transaction.atomic():
        creating = question is None
        if question is None:
            question = Question(
                section=section, position=next_position(section.questions.all(), parent=section)
            )
        else:
            # Compare with what is stored: a bound form has already changed the instance.
            stored_kind = Question.objects.filter(pk=question.pk).values_list("kind", flat=True)
            if stored_kind.first() != kind and question.answers.exists():
                raise Conflict("surveys.kind_in_use", field="kind")
        question.section = section
        question.kind, question.text, question.help_text = kind, text, help_text
        question.required = required
        question.min_value, question.max_value = min_value, max_value
        question.show_if = show_if
        question.save()
        if question.has_choices:
            _choices_save(question, labels)
        elif not creating:
            question.choices.filter(answers__isnull=True).delete()
        _audit(actor, "survey.question", question, survey)
    return question


def _choices_save(question: Question, labels: list[str]) -> None:
    """Make the question's choices ``labels``, in order, keeping answers where they belong.

    A label that is already there keeps its row (and its answers and translations), wherever
    it moves. A changed label on the same line as before is taken as a corrected wording and
    keeps the row's answers; its translations are deleted, since they translated the old
    wording. Any other old row must go, and cannot if somebody chose it.
    """
    existing = list(question.choices.order_by("position", "id"))
    by_label = {c.label: c for c in existing}
    kept = {label: by_label[label] for label in labels if label in by_label}
    kept_ids = {c.pk for c in kept.values()}
    rows: list[Choice] = []
    renamed: set[int] = set()
    for position, label in enumerate(labels):
        if label in kept:
            rows.append(kept[label])
            continue
        same_line = existing[position] if position < len(existing) else None
        if same_line is not None and same_line.pk not in kept_ids and same_line.pk not in renamed:
            same_line.label = label
            renamed.add(same_line.pk)
            rows.append(same_line)
        else:
            rows.append(Choice(question=question, label=label))
    used = {c.pk for c in rows if c.pk}
    for choice in existing:
        if choice.pk in used:
            continue
        if choice.answers.exists():
            raise Conflict("surveys.choice_in_use", label=choice.label)
        if choice.dependent_questions.exists():
            raise Conflict("surveys.choice_is_condition", label=choice.label)
        choice.delete()
    for position, choice in enumerate(rows):
        choice.position = position
        choice.save()
        if choice.pk in renamed:
            choice.translation_rows.all().delete()
            forget(choice)


def _order_key(question: Question | None, section: Section | None = None) -> tuple[int, ...]:
    """Where a question comes in the survey; a new question comes last in ``section``."""
    if question is None or question.pk is None:
        if section is None:
            raise ValueError("A new question needs its section.")
        return (section.position, section.pk, 1 << 30, 1 << 30)
    section = Section.objects.get(pk=question.section_id)
    stored = Question.objects.filter(pk=question.pk).values_list("position", flat=True).first()
    return (section.position, section.pk, stored if stored is not None else 0, question.pk)


def _conditions_in_order(survey: Survey) -> bool:
    """Every condition is about a question that comes before the question it shows."""
    order: dict[int, tuple[int, ...]] = {}
    for q in Question.objects.filter(section__survey=survey).select_related("section"):
        order[q.pk] = (q.section.position, q.section_id, q.position, q.pk)
    conditions = Question.objects.filter(section__survey=survey, show_if__isnull=False)
    return all(
        order[show_on] < order[pk]
        for pk, show_on in conditions.values_list("pk", "show_if__question_id")
    )


def _survey_of(item: Section | Question) -> Survey:
    return item.survey if isinstance(item, Section) else item.section.survey


def _moved(siblings: "models.QuerySet[Ordered]", item: Ordered, direction: int) -> bool:
    """Move ``item`` among ``siblings`` (numbered 1..n); whether the order changed."""
    before = list(
        siblings.select_for_update().order_by("position", "pk").values_list("pk", flat=True)
    )
    after = move_in_order(siblings, item, direction)
    return [sibling.pk for sibling in after] != before


def item_move(*, actor: User, item: Section | Question, direction: int) -> None:
    """Swap a section or question with its neighbour (direction −1 up, +1 down).

    Refused, with nothing moved, where a question would come before the question its
    condition is about.
    """
    survey = _survey_of(item)
    require_perm(actor, "surveys.change_survey", survey)
    with transaction.atomic():
        if isinstance(item, Section):
            moved = _moved(survey.sections.all(), item, direction)
        else:
            moved = _moved(Question.objects.filter(section_id=item.section_id), item, direction)
        if not moved:
            return
        if not _conditions_in_order(survey):
            # Inside the transaction: the move is rolled back.
            raise DelaktigError("surveys.move_before_condition")
        _audit(actor, "survey.reorder", item, survey)


def item_delete(*, actor: User, item: Section | Question) -> None:
    """Delete a section or question that nobody has answered and no condition is about."""
    survey = _survey_of(item)
    require_perm(actor, "surveys.change_survey", survey)
    answers = (
        Answer.objects.filter(question__section=item)
        if isinstance(item, Section)
        else item.answers.all()
    )
    questions = Question.objects.filter(section=item) if isinstance(item, Section) else [item]
    with transaction.atomic():
        if answers.exists():
            raise Conflict("surveys.in_use")
        dependent = Question.objects.filter(show_if__question__in=questions).exclude(
            pk__in=[q.pk for q in questions]
        )
        if dependent.exists():
            raise Conflict("surveys.condition_depends")
        _audit(actor, "survey.delete", item, survey)
        item.delete()


def translations_save(
    *,
    actor: User,
    survey: Survey,
    language: str,
    values: Mapping[tuple[str, int, str], str],
    seen: Mapping[tuple[str, int, str], str] | None = None,
) -> int:
    """Store the survey's texts in ``language`` given as ``{(kind, pk, field): text}``, each
    reviewed by ``actor``: the official who publishes the survey answers for them. A blank text
    removes the translation. ``seen`` holds the fingerprints of the Swedish the official saw
    (see ``translations.services.Change``): a text whose Swedish changed meanwhile is refused,
    with nothing saved. Returns how many texts changed."""
    require_perm(actor, "surveys.change_survey", survey)
    seen = seen or {}
    changed = 0
    with transaction.atomic():
        for obj in translatable_items(survey):
            kind = type(obj).__name__.lower()
            changes = [
                translation_services.Change(field, values[key], seen=seen.get(key, ""))
                for field in obj.translated_fields
                if (key := (kind, obj.pk, field)) in values
            ]
            if not changes:
                continue
            try:
                changed += translation_services.translations_save(
                    actor=actor, obj=obj, language=language, changes=changes, reviewed=True
                )
            except ValidationFailed as error:
                if error.code != "translations.changed_meanwhile":
                    raise
                # Name the form's field, so that the error stands next to the text.
                raise ValidationFailed(
                    error.code, field=f"{kind}-{obj.pk}-{error.field}", **error.params
                ) from error
    return changed


def invitations_create(*, actor: User, survey: Survey, count: int, label: str) -> list[Invitation]:
    """``count`` personal links, each good for one response."""
    require_perm(actor, "surveys.change_survey", survey)
    if not 1 <= count <= 5000:
        raise ValidationFailed("surveys.invitation_count", field="count")
    with transaction.atomic():
        created = Invitation.objects.bulk_create(
            [Invitation(survey=survey, label=label) for _i in range(count)]
        )
        _audit(actor, "survey.invitations", survey, survey)
    return created


def weighting_save(
    *,
    actor: User,
    survey: Survey,
    population_table: PopulationTable | None,
    margins: Sequence[str],
    target_age_groups: Sequence[str],
    trim_upper: float | None,
) -> Survey:
    require_perm(actor, "surveys.change_survey", survey)
    if population_table is not None and population_table.organisation_id != survey.organisation_id:
        raise PermissionDenied()
    with transaction.atomic():
        survey.population_table = population_table
        survey.weighting_margins = list(margins)
        survey.target_age_groups = list(target_age_groups)
        survey.trim_upper = trim_upper
        survey.save(
            update_fields=[
                "population_table",
                "weighting_margins",
                "target_age_groups",
                "trim_upper",
            ]
        )
        _audit(actor, "survey.weighting", survey, survey)
    return survey


# --- Answering --------------------------------------------------------------------------


def response_start(
    *,
    survey: Survey,
    actor: Visitor,
    invitation: Invitation | None = None,
    resume_token: str | None = None,
    language: str = "sv",
) -> Response:
    """The person's unfinished response, or a new one. Submitted responses are never reopened.

    One response per account (a database constraint) or per invitation (one-to-one); two
    starts at once give one response.
    """
    require_perm_in_phase(actor, "surveys.answer_survey", survey, action="answer")
    access = survey.access
    if access == Survey.Access.INVITATION and (
        invitation is None or invitation.survey_id != survey.pk
    ):
        raise PermissionDenied("surveys.invitation_required")
    existing = current_response(
        survey=survey, viewer=actor, invitation=invitation, token=resume_token
    )
    if existing is not None:
        if existing.is_submitted:
            raise Conflict("surveys.already_answered")
        return existing
    respondent = actor if access == Survey.Access.ACCOUNT and isinstance(actor, User) else None
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey,
                respondent=respondent,
                invitation=invitation if access == Survey.Access.INVITATION else None,
                language=language,
            )
            _prefill_background(response, actor)
            return response
    except IntegrityError:
        # Somebody (the same person in another tab) started at the same moment.
        again = current_response(survey=survey, viewer=actor, invitation=invitation, token=None)
        if again is None:
            raise
        if again.is_submitted:
            raise Conflict("surveys.already_answered") from None
        return again


def _prefill_background(response: Response, user: Visitor) -> None:
    """Offer what a person put in their profile, with consent; they can change it."""
    if not response.survey.ask_background or not user.is_authenticated:
        return
    from delaktig.accounts.models import DemographicProfile
    from delaktig.insights.suppression import age_group

    profile = DemographicProfile.objects.filter(user=user).first()
    if profile is None:
        return
    if profile.birth_year:
        response.age_group = age_group(profile.birth_year, timezone.localdate().year)
    response.sex = profile.sex
    covered = response.survey.module.process.organisation.municipalities
    if profile.municipality_id and covered.filter(pk=profile.municipality_id).exists():
        response.municipality_id = profile.municipality_id
    response.save(update_fields=["age_group", "sex", "municipality"])


def _personal_data_check(
    survey: Survey, questions: list[Question], values: Mapping[int, Any]
) -> None:
    """Point out personal data in a free-text answer before it is saved (the field it is in,
    and what was found); the person removes it or keeps it (``personal_data_ok``). Answers
    are not published one by one, so nothing waits for a moderator."""
    organisation_id = survey.module.process.organisation_id
    for question in questions:
        value = values.get(question.pk)
        if question.kind != Question.Kind.TEXT or not value or not str(value).strip():
            continue
        screened = screening_checks.text_screen(organisation_id=organisation_id, text=str(value))
        found = screened.screening.personal_data
        if found:
            raise ValidationFailed(
                "moderation.personal_data",
                field=f"q{question.pk}",
                found=screening_checks.describe_personal_data(found),
            )


def response_save_answers(
    *,
    response: Response,
    questions: Iterable[Question],
    values: Mapping[int, Any],
    personal_data_ok: bool = False,
) -> None:
    """Replace the answers to ``questions`` with ``values`` (question id → cleaned value).

    A question whose condition is not met keeps no answer. Runs under a lock on the
    response so that two tabs saving at once leave one consistent set. Personal data in a
    free-text answer is pointed out first (``personal_data_ok`` keeps it).
    """
    require_phase(response.survey, "answer")
    questions = list(questions)
    if not personal_data_ok:
        _personal_data_check(response.survey, questions, values)
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=response.pk)
        if locked.submitted_at is not None:
            raise Conflict("surveys.already_answered")
        locked.answers.filter(question__in=questions).delete()
        chosen = chosen_choices(locked)
        rows = []
        for question in questions:
            value = values.get(question.pk)
            if value is None or not question.is_shown(chosen) or value in ("", [], ()):
                continue
            if question.kind == Question.Kind.MULTIPLE:
                ids = {int(v) for v in value}
                rows += [Answer(response=locked, question=question, choice_id=c) for c in ids]
                chosen[question.pk] = ids
            elif question.has_choices:
                rows.append(Answer(response=locked, question=question, choice_id=int(value)))
                chosen[question.pk] = {int(value)}
            elif question.kind == Question.Kind.NUMBER:
                rows.append(Answer(response=locked, question=question, number=value))
            else:
                rows.append(Answer(response=locked, question=question, text=str(value)))
        Answer.objects.bulk_create(rows)
        locked.save(update_fields=["updated"])


def response_save_background(
    *,
    response: Response,
    age_group: str,
    sex: str,
    municipality: Municipality | None,
    lives_elsewhere: bool,
) -> None:
    require_phase(response.survey, "answer")
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=response.pk)
        if locked.submitted_at is not None:
            raise Conflict("surveys.already_answered")
        locked.age_group, locked.sex = age_group, sex
        locked.municipality = None if lives_elsewhere else municipality
        locked.lives_elsewhere = lives_elsewhere
        locked.save()


def response_submit(*, response: Response) -> Response:
    """Send the response in. Twice at once sends it once."""
    require_phase(response.survey, "answer")
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=response.pk)
        if locked.submitted_at is not None:
            raise Conflict("surveys.already_answered")
        if missing_required(locked):
            raise ValidationFailed("surveys.required_missing")
        # Answers left behind by a condition that changed later are not part of the response.
        chosen = chosen_choices(locked)
        for question in Question.objects.filter(
            section__survey_id=locked.survey_id, show_if__isnull=False
        ).select_related("show_if"):
            if not question.is_shown(chosen):
                locked.answers.filter(question=question).delete()
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["submitted_at", "updated"])
    return locked


# --- Themes -----------------------------------------------------------------------------


def themes_find(*, actor: User, question: Question, max_themes: int = 8) -> list[Theme]:
    """Group the free-text answers into themes, replacing the themes there were."""
    from . import themes

    survey = question.section.survey
    require_perm(actor, "surveys.change_survey", survey)
    answers = list(
        Answer.objects.filter(question=question, response__submitted_at__isnull=False)
        .exclude(text="")
        .order_by("id")
        .values_list("id", "text")
    )
    result = themes.find_themes([t for _id, t in answers], max_themes=max_themes)
    with transaction.atomic():
        question.themes.all().delete()
        created = []
        for position, found in enumerate(result.themes):
            theme = Theme.objects.create(
                question=question,
                name=", ".join(found.terms[:3]) or str(_("Tema")),
                position=position,
                representatives=[answers[i][0] for i in found.representatives],
            )
            theme.answers.set([answers[i][0] for i in found.members])
            created.append(theme)
        _audit(actor, "survey.themes.find", question, survey)
    return created


def theme_rename(*, actor: User, theme: Theme, name: str) -> Theme:
    survey = theme.question.section.survey
    require_perm(actor, "surveys.change_survey", survey)
    with transaction.atomic():
        theme.name = name
        theme.save(update_fields=["name"])
        _audit(actor, "survey.themes.rename", theme, survey)
    return theme


def theme_merge(*, actor: User, theme: Theme, into: Theme) -> Theme:
    survey = theme.question.section.survey
    require_perm(actor, "surveys.change_survey", survey)
    if into.question_id != theme.question_id or into.pk == theme.pk:
        raise ValidationFailed("surveys.theme_merge_other", field="into")
    with transaction.atomic():
        into.answers.add(*theme.answers.all())
        into.representatives = [*into.representatives, *theme.representatives]
        into.save(update_fields=["representatives"])
        _audit(actor, "survey.themes.merge", into, survey)
        theme.delete()
    return into


def theme_split(*, actor: User, theme: Theme, parts: int = 2) -> list[Theme]:
    """Cluster one theme's answers again into ``parts`` themes."""
    from . import themes

    survey = theme.question.section.survey
    require_perm(actor, "surveys.change_survey", survey)
    answers = list(theme.answers.order_by("id").values_list("id", "text"))
    if len(answers) < 2 * parts:
        raise DelaktigError("surveys.theme_too_small")
    result = themes.split_theme([t for _id, t in answers], range(len(answers)), parts=parts)
    with transaction.atomic():
        question = theme.question
        base = next_position(question.themes.all(), parent=question)
        created = []
        for offset, found in enumerate(result.themes):
            new = Theme.objects.create(
                question=question,
                name=", ".join(found.terms[:3]) or theme.name,
                position=base + offset,
                representatives=[answers[i][0] for i in found.representatives],
            )
            new.answers.set([answers[i][0] for i in found.members])
            created.append(new)
        leftover = [answers[i][0] for i in result.unassigned]
        if leftover and created:
            created[0].answers.add(*leftover)
        _audit(actor, "survey.themes.split", theme, survey)
        theme.delete()
    return created


def theme_create(*, actor: User, question: Question, name: str) -> Theme:
    survey = question.section.survey
    require_perm(actor, "surveys.change_survey", survey)
    with transaction.atomic():
        theme = Theme.objects.create(
            question=question,
            name=name,
            position=next_position(question.themes.all(), parent=question),
        )
        _audit(actor, "survey.themes.create", theme, survey)
    return theme


def answer_tag(*, actor: User, answer: Answer, themes: Iterable[Theme]) -> None:
    """Set which themes an answer belongs to."""
    survey = answer.question.section.survey
    require_perm(actor, "surveys.change_survey", survey)
    chosen = list(themes)
    if any(t.question_id != answer.question_id for t in chosen):
        raise ValidationFailed("surveys.theme_other_question", field="themes")
    with transaction.atomic():
        answer.themes.set(chosen)
        _audit(actor, "survey.themes.tag", answer.question, survey)
