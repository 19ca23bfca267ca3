"""Writes to surveys: the staff builder, answering, weighting settings and themes."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delaktig.core.audit import audit_log
from delaktig.core.errors import DelaktigError, NotAllowedInPhase, PermissionDenied, require_perm
from delaktig.organisations.models import Municipality
from delaktig.participation.models import Phase, ProcessModule

from .models import (
    Answer,
    Choice,
    Invitation,
    Question,
    Response,
    Section,
    Survey,
    Theme,
    source_hash,
)


class AlreadyAnswered(DelaktigError):
    code = "already_answered"
    status = 409
    default_message = _("Du har redan svarat på den här enkäten. Tack!")


class InvitationRequired(DelaktigError):
    code = "invitation_required"
    status = 403
    default_message = _("Enkäten besvaras med en personlig inbjudningslänk.")


class InUse(DelaktigError):
    code = "in_use"
    status = 409
    default_message = _("Det finns svar på det här, så det kan inte tas bort.")


def _audit(actor: Any, action: str, target: Any, survey: Survey) -> None:
    audit_log(
        actor=actor, action=action, target=target, organisation=survey.module.process.organisation
    )


# --- Building ---------------------------------------------------------------------------


def survey_for_module(module: ProcessModule) -> Survey:
    survey, _created = Survey.objects.select_related("module__process").get_or_create(module=module)
    return survey


def answering_phase(survey: Survey) -> Phase | None:
    return (
        Phase.objects.filter(module_id=survey.module_id, phase_type="answering")
        .order_by("starts_at")
        .first()
    )


def survey_settings_save(
    *, actor: Any, survey: Survey, opens_at: datetime, closes_at: datetime
) -> Survey:
    """Save the survey's settings (a validated form's instance) and its answering dates.

    The dates are the module's answering phase, so the spine's rule — a module allows an
    action while the process is open and a phase allowing it runs — is the one that applies.
    """
    require_perm(actor, "surveys.change_survey", survey)
    if closes_at <= opens_at:
        raise DelaktigError(_("Enkäten måste stänga efter att den öppnar."))
    with transaction.atomic():
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


def _next_position(items: Any) -> int:
    return int(items.aggregate(m=Max("position"))["m"] or 0) + 1


def section_save(
    *, actor: Any, survey: Survey, section: Section | None, title: str, description: str
) -> Section:
    require_perm(actor, "surveys.change_survey", survey)
    with transaction.atomic():
        if section is None:
            section = Section(survey=survey, position=_next_position(survey.sections))
        section.title, section.description = title, description
        section.save()
        _audit(actor, "survey.section", section, survey)
    return section


def question_save(
    *,
    actor: Any,
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
            raise DelaktigError(_("Villkoret måste gälla en annan fråga i samma enkät."))
        if _order_key(show_if.question) >= _order_key(question, section):
            raise DelaktigError(_("Villkoret måste gälla en fråga som kommer före den här."))
    labels = [c.strip() for c in choices if c.strip()]
    with transaction.atomic():
        creating = question is None
        if question is None:
            question = Question(section=section, position=_next_position(section.questions))
        else:
            # Compare with what is stored: a bound form has already changed the instance.
            stored_kind = Question.objects.filter(pk=question.pk).values_list("kind", flat=True)
            if stored_kind.first() != kind and question.answers.exists():
                raise InUse(_("Frågan har svar, så frågetypen kan inte ändras."))
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
    keeps the row's answers; its translations are cleared, since they translated the old
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
            same_line.translations = {}
            renamed.add(same_line.pk)
            rows.append(same_line)
        else:
            rows.append(Choice(question=question, label=label))
    used = {c.pk for c in rows if c.pk}
    for choice in existing:
        if choice.pk in used:
            continue
        if choice.answers.exists():
            raise InUse(
                _(
                    "Svarsalternativet ”%(label)s” har svar och kan inte tas bort. Ändra bara "
                    "dess text på samma rad, eller låt det stå kvar."
                )
                % {"label": choice.label}
            )
        if choice.dependent_questions.exists():
            raise InUse(
                _("Svarsalternativet ”%(label)s” är villkor för en annan fråga.")
                % {"label": choice.label}
            )
        choice.delete()
    for position, choice in enumerate(rows):
        choice.position = position
        choice.save()


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


def item_move(*, actor: Any, item: Section | Question, direction: int) -> None:
    """Swap a section or question with its neighbour (direction −1 up, +1 down)."""
    survey = item.survey if isinstance(item, Section) else item.section.survey
    require_perm(actor, "surveys.change_survey", survey)
    siblings_qs = survey.sections.all() if isinstance(item, Section) else item.section.questions
    with transaction.atomic():
        siblings: list[Any] = list(siblings_qs.select_for_update().order_by("position", "id"))
        index = next(i for i, s in enumerate(siblings) if s.pk == item.pk)
        other = index + direction
        if not 0 <= other < len(siblings):
            return
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, sibling in enumerate(siblings):
            if sibling.position != position:
                sibling.position = position
                sibling.save(update_fields=["position"])
        if not _conditions_in_order(survey):
            raise DelaktigError(
                _(
                    "Det går inte att flytta dit: en fråga skulle komma före frågan som "
                    "villkoret för den gäller."
                )
            )
        _audit(actor, "survey.reorder", item, survey)


def item_delete(*, actor: Any, item: Section | Question) -> None:
    survey = item.survey if isinstance(item, Section) else item.section.survey
    require_perm(actor, "surveys.change_survey", survey)
    answers = (
        Answer.objects.filter(question__section=item)
        if isinstance(item, Section)
        else item.answers.all()
    )
    questions = Question.objects.filter(section=item) if isinstance(item, Section) else [item]
    with transaction.atomic():
        if answers.exists():
            raise InUse()
        dependent = Question.objects.filter(show_if__question__in=questions).exclude(
            pk__in=[q.pk for q in questions]
        )
        if dependent.exists():
            raise InUse(
                _("En annan fråga visas bara efter ett svar här. Ändra dess villkor först.")
            )
        _audit(actor, "survey.delete", item, survey)
        item.delete()


def translations_save(
    *, actor: Any, survey: Survey, language: str, values: Mapping[tuple[str, int, str], str]
) -> int:
    """Store translations given as ``{(kind, pk, field): text}``; returns how many changed."""
    require_perm(actor, "surveys.change_survey", survey)
    changed = 0
    with transaction.atomic():
        for obj in translatable_items(survey):
            kind = type(obj).__name__.lower()
            given = dict(obj.translations.get(language) or {})
            sources = dict(given.get("_source") or {})
            before = {**given, "_source": dict(sources)}
            for field in obj.translated_fields:
                key = (kind, obj.pk, field)
                if key in values:
                    text = values[key].strip()
                    if text:
                        given[field] = text
                        sources[field] = source_hash(str(getattr(obj, field)))
                    else:
                        given.pop(field, None)
                        sources.pop(field, None)
            given["_source"] = sources
            if given != before:
                obj.translations = {**obj.translations, language: given}
                obj.save(update_fields=["translations"])
                changed += 1
        _audit(actor, f"survey.translate.{language}", survey, survey)
    return changed


def translatable_items(survey: Survey) -> list[Any]:
    """The survey and everything in it that has text, in reading order."""
    items: list[Any] = [survey]
    sections = survey.sections.prefetch_related("questions__choices").order_by("position", "id")
    for section in sections:
        items.append(section)
        for question in section.questions.all():
            items.append(question)
            items.extend(question.choices.all())
    return items


def invitations_create(*, actor: Any, survey: Survey, count: int, label: str) -> list[Invitation]:
    require_perm(actor, "surveys.change_survey", survey)
    if not 1 <= count <= 5000:
        raise DelaktigError(_("Skapa mellan 1 och 5 000 inbjudningar åt gången."))
    with transaction.atomic():
        created = Invitation.objects.bulk_create(
            [Invitation(survey=survey, label=label) for _i in range(count)]
        )
        _audit(actor, "survey.invitations", survey, survey)
    return created


def weighting_save(
    *,
    actor: Any,
    survey: Survey,
    population_table: Any,
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


def can_answer(survey: Survey, at: datetime | None = None) -> bool:
    return survey.module.allows("answer", at=at)


def response_start(
    *,
    survey: Survey,
    user: Any,
    invitation: Invitation | None = None,
    resume_token: str | None = None,
    language: str = "sv",
) -> Response:
    """The person's unfinished response, or a new one. Submitted responses are never reopened.

    One response per account (a database constraint) or per invitation (one-to-one); two
    starts at once give one response.
    """
    if not can_answer(survey):
        raise NotAllowedInPhase()
    access = survey.access
    if access == Survey.Access.ACCOUNT and not user.is_authenticated:
        raise PermissionDenied(_("Logga in för att svara på enkäten."))
    if access == Survey.Access.INVITATION and (
        invitation is None or invitation.survey_id != survey.pk
    ):
        raise InvitationRequired()
    existing = find_response(survey=survey, user=user, invitation=invitation, token=resume_token)
    if existing is not None:
        if existing.is_submitted:
            raise AlreadyAnswered()
        return existing
    respondent = user if access == Survey.Access.ACCOUNT else None
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey,
                respondent=respondent,
                invitation=invitation if access == Survey.Access.INVITATION else None,
                language=language,
            )
            _prefill_background(response, user)
            return response
    except IntegrityError:
        # Somebody (the same person in another tab) started at the same moment.
        again = find_response(survey=survey, user=user, invitation=invitation, token=None)
        if again is None:
            raise
        if again.is_submitted:
            raise AlreadyAnswered() from None
        return again


def _prefill_background(response: Response, user: Any) -> None:
    """Offer what a person put in their profile, with consent; they can change it."""
    if not response.survey.ask_background or not getattr(user, "is_authenticated", False):
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


def find_response(
    *, survey: Survey, user: Any, invitation: Invitation | None, token: str | None
) -> Response | None:
    responses = Response.objects.filter(survey=survey)
    if survey.access == Survey.Access.ACCOUNT:
        if not getattr(user, "is_authenticated", False):
            return None
        return responses.filter(respondent=user).first()
    if survey.access == Survey.Access.INVITATION:
        return responses.filter(invitation=invitation).first() if invitation else None
    return responses.filter(resume_token=token).first() if token else None


def chosen_choices(response: Response) -> dict[int, set[int]]:
    chosen: dict[int, set[int]] = {}
    for question_id, choice_id in response.answers.filter(choice__isnull=False).values_list(
        "question_id", "choice_id"
    ):
        chosen.setdefault(question_id, set()).add(choice_id)
    return chosen


def response_save_answers(
    *, response: Response, questions: Iterable[Question], values: Mapping[int, Any]
) -> None:
    """Replace the answers to ``questions`` with ``values`` (question id → cleaned value).

    A question whose condition is not met keeps no answer. Runs under a lock on the
    response so that two tabs saving at once leave one consistent set.
    """
    if not can_answer(response.survey):
        raise NotAllowedInPhase()
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=response.pk)
        if locked.submitted_at is not None:
            raise AlreadyAnswered()
        questions = list(questions)
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
    if not can_answer(response.survey):
        raise NotAllowedInPhase()
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=response.pk)
        if locked.submitted_at is not None:
            raise AlreadyAnswered()
        locked.age_group, locked.sex = age_group, sex
        locked.municipality = None if lives_elsewhere else municipality
        locked.lives_elsewhere = lives_elsewhere
        locked.save()


def missing_required(response: Response) -> list[Question]:
    """Required questions, shown to this respondent, that have no answer."""
    chosen = chosen_choices(response)
    answered = set(response.answers.values_list("question_id", flat=True))
    questions = Question.objects.filter(section__survey_id=response.survey_id, required=True)
    return [
        q
        for q in questions.select_related("show_if", "section")
        if q.pk not in answered and q.is_shown(chosen)
    ]


def response_submit(*, response: Response) -> Response:
    """Send the response in. Twice at once sends it once."""
    if not can_answer(response.survey):
        raise NotAllowedInPhase()
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=response.pk)
        if locked.submitted_at is not None:
            raise AlreadyAnswered()
        if missing_required(locked):
            raise DelaktigError(_("Några obligatoriska frågor saknar svar."))
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


def themes_find(*, actor: Any, question: Question, max_themes: int = 8) -> list[Theme]:
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


def theme_rename(*, actor: Any, theme: Theme, name: str) -> Theme:
    survey = theme.question.section.survey
    require_perm(actor, "surveys.change_survey", survey)
    with transaction.atomic():
        theme.name = name
        theme.save(update_fields=["name"])
        _audit(actor, "survey.themes.rename", theme, survey)
    return theme


def theme_merge(*, actor: Any, theme: Theme, into: Theme) -> Theme:
    survey = theme.question.section.survey
    require_perm(actor, "surveys.change_survey", survey)
    if into.question_id != theme.question_id or into.pk == theme.pk:
        raise DelaktigError(_("Välj ett annat tema för samma fråga."))
    with transaction.atomic():
        into.answers.add(*theme.answers.all())
        into.representatives = [*into.representatives, *theme.representatives]
        into.save(update_fields=["representatives"])
        _audit(actor, "survey.themes.merge", into, survey)
        theme.delete()
    return into


def theme_split(*, actor: Any, theme: Theme, parts: int = 2) -> list[Theme]:
    """Cluster one theme's answers again into ``parts`` themes."""
    from . import themes

    survey = theme.question.section.survey
    require_perm(actor, "surveys.change_survey", survey)
    answers = list(theme.answers.order_by("id").values_list("id", "text"))
    if len(answers) < 2 * parts:
        raise DelaktigError(_("Temat har för få svar för att delas."))
    result = themes.split_theme([t for _id, t in answers], range(len(answers)), parts=parts)
    with transaction.atomic():
        question = theme.question
        base = _next_position(question.themes)
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


def theme_create(*, actor: Any, question: Question, name: str) -> Theme:
    survey = question.section.survey
    require_perm(actor, "surveys.change_survey", survey)
    with transaction.atomic():
        theme = Theme.objects.create(
            question=question, name=name, position=_next_position(question.themes)
        )
        _audit(actor, "survey.themes.create", theme, survey)
    return theme


def answer_tag(*, actor: Any, answer: Answer, themes: Iterable[Theme]) -> None:
    """Set which themes an answer belongs to."""
    survey = answer.question.section.survey
    require_perm(actor, "surveys.change_survey", survey)
    chosen = list(themes)
    if any(t.question_id != answer.question_id for t in chosen):
        raise DelaktigError(_("Välj teman för samma fråga."))
    with transaction.atomic():
        answer.themes.set(chosen)
        _audit(actor, "survey.themes.tag", answer.question, survey)
