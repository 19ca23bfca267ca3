"""Reads about surveys that pages and services share: the answering phase, a person's
response, what they have chosen and what is still missing, the texts to translate."""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from delaktig.accounts.types import Visitor
from delaktig.core.contributions import WorkItem
from delaktig.core.languages import TRANSLATION_CODES
from delaktig.participation.models import Phase
from delaktig.translations.access import prefetch
from delaktig.translations.models import Translation

from .models import Choice, Invitation, Question, Response, Section, Survey

Translatable = Survey | Section | Question | Choice


def answering_phase(survey: Survey) -> Phase | None:
    return (
        Phase.objects.filter(module_id=survey.module_id, phase_type="answering")
        .order_by("starts_at")
        .first()
    )


def can_answer(survey: Survey, at: datetime | None = None) -> bool:
    """A running phase of the survey's module allows answering (and the process is open)."""
    return survey.module.allows("answer", at=at)


def current_response(
    *, survey: Survey, viewer: Visitor, invitation: Invitation | None, token: str | None
) -> Response | None:
    """The response of ``viewer``: by account, by invitation link or by resume token,
    whichever the survey's access uses."""
    responses = Response.objects.filter(survey=survey)
    if survey.access == Survey.Access.ACCOUNT:
        if not viewer.is_authenticated:
            return None
        return responses.filter(respondent=viewer).first()
    if survey.access == Survey.Access.INVITATION:
        return responses.filter(invitation=invitation).first() if invitation else None
    return responses.filter(resume_token=token).first() if token else None


def chosen_choices(response: Response) -> dict[int, set[int]]:
    """The choices made in ``response``: question id → choice ids."""
    chosen: dict[int, set[int]] = {}
    for question_id, choice_id in response.answers.filter(choice__isnull=False).values_list(
        "question_id", "choice_id"
    ):
        chosen.setdefault(question_id, set()).add(choice_id)
    return chosen


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


def translatable_items(survey: Survey) -> list[Translatable]:
    """The survey and everything in it that has text, in reading order."""
    items: list[Translatable] = [survey]
    sections = survey.sections.prefetch_related("questions__choices").order_by("position", "id")
    for section in sections:
        items.append(section)
        for question in section.questions.all():
            items.append(question)
            items.extend(question.choices.all())
    return items


def translated_languages(survey: Survey) -> list[str]:
    """The languages every text of the survey has a reviewed, current translation in (the
    languages a respondent may answer in besides Swedish), in the platform's order."""
    items = translatable_items(survey)
    by_model: dict[type, list[int]] = {}
    for item in items:
        by_model.setdefault(type(item), []).append(item.pk)
    types = ContentType.objects.get_for_models(*by_model)
    rows = Q()
    for model, pks in by_model.items():
        rows |= Q(content_type=types[model], object_id__in=pks)
    # Languages with at least one reviewed text are worth a closer look (few, mostly none).
    candidates = set(
        Translation.objects.filter(rows, state=Translation.State.REVIEWED)
        .values_list("language", flat=True)
        .distinct()
    )
    offered = []
    for code in TRANSLATION_CODES:
        if code not in candidates:
            continue
        prefetch(items, code)
        if any(item.translation(f, code) for item in items for f in item.translated_fields) and all(
            item.has_translation(code) for item in items
        ):
            offered.append(code)
    return offered


def _continue_url(response: Response) -> str:
    survey = response.survey
    if survey.access == Survey.Access.ANONYMOUS:
        return reverse("surveys:resume", kwargs={"token": response.resume_token})
    if survey.access == Survey.Access.INVITATION and response.invitation is not None:
        return response.invitation.get_absolute_url()
    return survey.get_absolute_url()


def mine_responses(*, viewer: Visitor) -> list[WorkItem]:
    """The person's survey answers: saved drafts first (each links to where it is finished),
    then the answers sent in (each links to the results when they are public)."""
    if not viewer.is_authenticated:
        return []
    responses = (
        Response.objects.filter(respondent=viewer)
        .select_related("survey__module__process", "invitation")
        .order_by("-updated", "-pk")
    )
    drafts, sent = [], []
    for response in responses:
        survey = response.survey
        process = survey.module.process
        if response.submitted_at is None:
            drafts.append(
                WorkItem(
                    title=survey.module.title,
                    url=_continue_url(response),
                    detail=_("Inte inskickad: svara klart · %(process)s")
                    % {"process": process.title},
                    when=response.updated,
                )
            )
            continue
        url = (
            reverse("surveys:results_public", kwargs={"module_pk": survey.module_id})
            if survey.results_public
            else process.get_absolute_url()
        )
        sent.append(
            WorkItem(
                title=survey.module.title,
                url=url,
                detail=_("Inskickad · %(process)s") % {"process": process.title},
                when=response.submitted_at,
            )
        )
    return drafts + sent
