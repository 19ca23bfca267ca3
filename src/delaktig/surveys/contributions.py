"""What the surveys app contributes to the platform (see `delaktig.core.contributions`).

Personal data: the responses a person gave with their account. When the account is deleted,
submitted answers stay in the survey's results as anonymous answers, with nothing left that
ties them to the person: no account, no invitation, no resume link, no background answers
(age group, sex and municipality, often filled in from the person's profile) and only the day,
not the time, of answering. Unfinished responses are in no result and are deleted, and
unfinished responses nobody can finish any more are removed by a retention rule.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delaktig.accounts.types import User
from delaktig.core.contributions import (
    ApiRouter,
    Contribution,
    DemoContext,
    DemoData,
    DumpTable,
    LegalBasis,
    MineSection,
    OpenDataset,
    PersonalData,
    Retention,
    TranslatableKind,
    contribute,
)

from . import demo, errors, selectors
from .models import Answer, Choice, Invitation, Question, Response, Section, Survey, new_token


def _load_demo(context: DemoContext) -> None:
    demo.load(context.region, context.official, context.residents)


def _answer_value(answer: Answer) -> str:
    if answer.choice_id is not None:
        return answer.choice.label if answer.choice else ""
    if answer.number is not None:
        return str(answer.number)
    return answer.text


def _export_answers(response: Response) -> list[dict[str, Any]]:
    """The answers of one response in the survey's order, a multiple choice as a list."""
    grouped: dict[int, dict[str, Any]] = {}
    for answer in response.answers.all():
        question = answer.question
        item = grouped.setdefault(question.pk, {"question": question.text, "answer": None})
        value = _answer_value(answer)
        if question.kind == question.Kind.MULTIPLE:
            item["answer"] = [*(item["answer"] or []), value]
        else:
            item["answer"] = value
    return list(grouped.values())


def _export_responses(user: User) -> list[dict[str, Any]]:
    answers = Answer.objects.select_related("question", "choice").order_by(
        "question__section__position",
        "question__section_id",
        "question__position",
        "question_id",
        "choice__position",
        "pk",
    )
    responses = (
        Response.objects.filter(respondent=user)
        .select_related("survey__module__process", "municipality")
        .prefetch_related(Prefetch("answers", queryset=answers))
        .order_by("started", "pk")
    )
    return [
        {
            "survey": r.survey.module.title,
            "process": r.survey.module.process.title,
            "started": r.started.isoformat(),
            "submitted": r.submitted_at.isoformat() if r.submitted_at else None,
            "language": r.language,
            "background": {
                "age_group": r.age_group or None,
                "sex": str(r.get_sex_display()) if r.sex else None,
                "municipality": r.municipality.name if r.municipality else None,
                "lives_elsewhere": r.lives_elsewhere,
            },
            "answers": _export_answers(r),
        }
        for r in responses
    ]


def _day_of(moment: datetime) -> datetime:
    """Midnight of the local day ``moment`` falls on: the time of day could identify."""
    return timezone.localtime(moment).replace(hour=0, minute=0, second=0, microsecond=0)


def _erase_responses(user: User) -> None:
    """Delete unfinished responses; keep submitted answers in the results, unlinked."""
    Response.objects.filter(respondent=user, submitted_at__isnull=True).delete()
    submitted = [
        (pk, at)
        for pk, at in Response.objects.filter(respondent=user).values_list("pk", "submitted_at")
        if at is not None
    ]
    # An invitation link that was the person's (never on an account response today) goes, so
    # that nobody can tie the answers to whom it was sent, nor answer again with it.
    Invitation.objects.filter(response__pk__in=[pk for pk, _at in submitted]).delete()
    for pk, submitted_at in submitted:
        day = _day_of(submitted_at)
        # update(), not save(): "updated" would otherwise get the time of the erasure.
        Response.objects.filter(pk=pk).update(
            respondent=None,
            invitation=None,
            resume_token=new_token(),
            age_group="",
            sex="",
            municipality=None,
            lives_elsewhere=False,
            started=day,
            updated=day,
            submitted_at=day,
        )


def _remove_unfinished(organisation: Any, days: int, now: datetime) -> int:
    """Unfinished responses untouched for ``days`` in surveys that closed ``days`` ago.

    A survey still open (or closed more recently) keeps them, so that people can come back.
    """
    from delaktig.participation.models import Phase

    cutoff = now - timedelta(days=days)
    open_since_cutoff = Phase.objects.filter(
        module_id=OuterRef("survey__module_id"), phase_type="answering", ends_at__gt=cutoff
    )
    due = list(
        Response.objects.filter(
            survey__module__process__organisation=organisation,
            submitted_at__isnull=True,
            updated__lte=cutoff,
        )
        .exclude(Exists(open_since_cutoff))
        .values_list("pk", flat=True)
    )
    Response.objects.filter(pk__in=due).delete()
    return len(due)


MINE = (
    MineSection(
        key="surveys.responses",
        name=_("Dina enkätsvar"),
        items=lambda user: selectors.mine_responses(viewer=user),
        empty=_(
            "Du har inte svarat på någon enkät. Enkäter finns i processerna, under det som "
            "är öppet för deltagande."
        ),
        start=_("Se öppna processer"),
        start_url=reverse_lazy("participation:list"),
        order=40,
    ),
)


def _survey_url(module_id: int) -> str:
    return reverse("surveys:answer", kwargs={"module_pk": module_id})


# The survey's texts, for the translators' workbench: a survey is offered in a language once
# every text in it has a reviewed translation (the official's translation page reviews them
# all at once). Labels name the survey, so that "Ja" is told from another survey's "Ja".
TRANSLATABLE = (
    TranslatableKind(
        key="surveys.survey",
        name=_("Enkät"),
        model=Survey,
        organisation="module__process__organisation_id",
        url=lambda survey: _survey_url(survey.module_id),
        scope=lambda query: query.select_related("module__process"),
        label=lambda survey: f"{survey.module.process.title} – {survey.module.title}",
        order=40,
    ),
    TranslatableKind(
        key="surveys.section",
        name=_("Avsnitt i en enkät"),
        model=Section,
        organisation="survey__module__process__organisation_id",
        url=lambda section: _survey_url(section.survey.module_id),
        scope=lambda query: query.select_related("survey__module"),
        label=lambda section: f"{section.survey.module.title} – {section.title}",
        order=41,
    ),
    TranslatableKind(
        key="surveys.question",
        name=_("Fråga i en enkät"),
        model=Question,
        organisation="section__survey__module__process__organisation_id",
        url=lambda question: _survey_url(question.section.survey.module_id),
        scope=lambda query: query.select_related("section__survey__module"),
        label=lambda question: f"{question.section.survey.module.title} – {question.text}",
        order=42,
    ),
    TranslatableKind(
        key="surveys.choice",
        name=_("Svarsalternativ i en enkät"),
        model=Choice,
        organisation="question__section__survey__module__process__organisation_id",
        url=lambda choice: _survey_url(choice.question.section.survey.module_id),
        scope=lambda query: query.select_related("question__section__survey"),
        label=lambda choice: f"{choice.question.text} – {choice.label}",
        order=43,
    ),
)


# --- Open data (the API and the dataset; the code in api.py, imported when used) ---------------


def _router() -> object:
    from .api import router

    return router


def _api(name: str) -> Any:
    def call(organisation: Any) -> Any:
        from . import api

        return getattr(api, name)(organisation)

    return call


DATASETS = (
    OpenDataset(
        key="surveys.results",
        title=_("Enkätresultat"),
        description=_(
            "Publicerade resultat av enkäter: antal och andelar per svarsalternativ, "
            "sammanfattningar av tal och fördelningar per kön, åldersgrupp och kommun. "
            "Grupper med färre svarande än gränsen för små grupper visas inte. Fritextsvar "
            "publiceras inte."
        ),
        api_path="/api/v1/surveys/",
        tables=(
            DumpTable(
                name="surveys.csv",
                columns=(
                    "survey_id",
                    "title",
                    "organisation",
                    "process",
                    "answering_ends",
                    "respondents",
                    "url",
                ),
                rows=_api("survey_rows"),
            ),
            DumpTable(
                name="questions.csv",
                columns=(
                    "survey_id",
                    "question_id",
                    "position",
                    "question",
                    "kind",
                    "answered",
                    "free_text_answers",
                    "n",
                    "mean",
                    "median",
                    "margin",
                    "weighted_mean",
                    "weighted_margin",
                ),
                rows=_api("question_rows"),
            ),
            DumpTable(
                name="choices.csv",
                columns=(
                    "survey_id",
                    "question_id",
                    "position",
                    "question",
                    "kind",
                    "answered",
                    "choice_id",
                    "choice",
                    "count",
                    "share",
                    "margin",
                    "weighted_share",
                    "weighted_margin",
                ),
                rows=_api("choice_rows"),
            ),
            DumpTable(
                name="breakdowns.csv",
                columns=(
                    "survey_id",
                    "question_id",
                    "variable",
                    "group",
                    "label",
                    "respondents",
                    "choice_id",
                    "count",
                    "share",
                ),
                rows=_api("breakdown_rows"),
            ),
        ),
        coverage=_api("coverage"),
        modified=_api("modified"),
        themes=("GOVE", "SOCI"),
        keywords=(_("enkät"), _("medborgardialog"), _("statistik")),
        order=60,
    ),
)


contribute(
    Contribution(
        app_label="surveys",
        mine=MINE,
        translatable=TRANSLATABLE,
        personal_data=(
            PersonalData(
                key="survey_responses",
                name=_("Dina svar på enkäter"),
                purpose=_(
                    "Att sammanställa vad de som svarat tycker, att ett konto bara svarar en "
                    "gång och att du kan fortsätta ett påbörjat svar."
                ),
                legal_basis=LegalBasis.PUBLIC_TASK,
                covers=("surveys.Response.respondent",),
                export=_export_responses,
                erase=_erase_responses,
                on_erasure="de-personalised",
                retention=Retention(
                    key="unfinished_survey_responses",
                    name=_("Påbörjade enkätsvar som aldrig skickades in"),
                    starts=_("Räknas från att enkäten stängde och svaret senast ändrades."),
                    default_days=30,
                    apply=_remove_unfinished,
                ),
                kept_for=_(
                    "Inskickade svar finns kvar i enkätens resultat, utan koppling till dig när "
                    "du tar bort kontot."
                ),
            ),
        ),
        demo=DemoData(load=_load_demo, order=40),
        errors=errors.MESSAGES,
        api=(ApiRouter(key="surveys.api", prefix="surveys", router=_router, order=60),),
        datasets=DATASETS,
    )
)
