"""Registers the survey as a participation module."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delaktig.participation import registry
from delaktig.participation.models import Process, ProcessModule

from .models import Response, Survey


def render_public(request: HttpRequest, module: ProcessModule, state: dict[str, Any]) -> str:
    from .selectors import answering_phase

    survey = Survey.objects.filter(module=module).first()
    phase = answering_phase(survey) if survey else None
    closed = phase is not None and phase.ends_at <= timezone.now()
    return render_to_string(
        "surveys/module.html",
        {
            "module": module,
            "survey": survey,
            "phase": phase,
            "can_answer": survey is not None and module.allows("answer"),
            "closed": closed,
            "results_public": bool(survey and survey.results_public and closed),
            "can_edit": request.user.has_perm("surveys.change_survey", module.process),
            "submitted": Response.objects.filter(survey=survey, submitted_at__isnull=False).count()
            if survey
            else 0,
        },
        request=request,
    )


def participant_ids(process: Process) -> "QuerySet[Any]":
    # Only people who answered with an account can be told about the feedback.
    return Response.objects.filter(
        survey__module__process=process, submitted_at__isnull=False, respondent__isnull=False
    ).values("respondent_id")


def figures(process: Process) -> dict[str, int]:
    return {
        "survey_responses": Response.objects.filter(
            survey__module__process=process, submitted_at__isnull=False
        ).count()
    }


def export_csv(module: ProcessModule) -> tuple[str, str, bytes]:
    from .exports import aggregates_csv

    return aggregates_csv(module)


def export_xlsx(module: ProcessModule) -> tuple[str, str, bytes]:
    from .exports import aggregates_xlsx

    return aggregates_xlsx(module)


def urls() -> Any:
    from . import urls

    return urls.urlpatterns


def _template_check(settings: Any, where: str) -> None:
    from .process_templates import check

    check(settings, where)


def _template_apply(actor: Any, module: ProcessModule, settings: Any) -> None:
    from .process_templates import apply

    apply(actor, module, settings)


def _template_export(module: ProcessModule) -> dict[str, Any]:
    from .process_templates import export

    return export(module)


SURVEY = registry.register(
    registry.ModuleType(
        key="survey",
        name=_("Enkät"),
        description=_(
            "Frågor i avsnitt, med villkor och översättningar. Resultat per grupp, jämfört "
            "med och vägt mot befolkningen."
        ),
        phase_types=(
            registry.PhaseType("answering", _("Svar på enkäten"), frozenset({"answer"})),
            registry.PhaseType("results", _("Resultat"), frozenset()),
        ),
        render_public=render_public,
        participant_ids=participant_ids,
        figures=figures,
        figure_labels={"survey_responses": _("Enkätsvar")},
        app_name="surveys",
        manage_url="surveys:builder",
        templates=registry.TemplateHooks(_template_check, _template_apply, _template_export),
        urls=urls,
        exports=(
            registry.Export("aggregates_csv", _("Enkätresultat (CSV)"), export_csv),
            registry.Export("aggregates_xlsx", _("Enkätresultat (XLSX)"), export_xlsx),
        ),
    )
)
