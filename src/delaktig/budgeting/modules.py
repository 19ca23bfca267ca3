"""Registers the participatory budget (medborgarbudget) as a participation module."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from delaktig.participation import registry
from delaktig.participation.models import Process, ProcessModule

from .models import Budget, Project, Voter
from .workflow import PUBLIC_PROJECT_STATUSES


def render_public(request: HttpRequest, module: ProcessModule, state: dict[str, Any]) -> str:
    from .selectors import module_summary

    return render_to_string(
        "budgeting/module.html",
        module_summary(request=request, module=module),
        request=request,
    )


def participant_ids(process: Process) -> "QuerySet[Any]":
    # Those who sent in ideas. Voters are not known by account: the register keeps only a
    # keyed hash of their personnummer, and never links it to a ballot.
    return Project.objects.filter(budget__module__process=process, author__isnull=False).values(
        "author_id"
    )


def figures(process: Process) -> dict[str, int]:
    return {
        "budget_ideas": Project.objects.filter(
            budget__module__process=process, status__in=PUBLIC_PROJECT_STATUSES
        ).count(),
        "budget_voters": Voter.objects.filter(budget__module__process=process).count(),
    }


def export_ballots(module: ProcessModule) -> tuple[str, str, bytes]:
    from django.http import Http404

    from .selectors import ballots_csv

    budget = Budget.objects.filter(module=module).first()
    if budget is None or budget.result is None:
        raise Http404
    return f"medborgarbudget-{module.pk}-rostsedlar.csv", "text/csv", ballots_csv(budget=budget)


def ballots_counted(module: ProcessModule) -> bool:
    return Budget.objects.filter(module=module, result__isnull=False).exists()


def outcome_links(module: ProcessModule) -> list[tuple[str, str]]:
    from django.urls import reverse

    if not Budget.objects.filter(module=module, published_at__isnull=False).exists():
        return []
    return [
        (
            str(_("Resultatet av omröstningen: %(title)s") % {"title": module.title}),
            reverse("budgeting:results", kwargs={"module_pk": module.pk}),
        )
    ]


def urls() -> Any:
    from . import urls

    return urls.urlpatterns


BUDGET = registry.register(
    registry.ModuleType(
        key="budget",
        name=_("Medborgarbudget"),
        description=_(
            "Invånarna lämnar förslag på vad en del av budgeten ska användas till. "
            "Tjänstepersoner bedömer förslagen, och de som går vidare röstar invånarna om. "
            "Förslagen som vinner genomförs och följs upp i handlingsplanen."
        ),
        phase_types=(
            registry.PhaseType("ideas", _("Förslag"), frozenset({"propose"})),
            registry.PhaseType("review", _("Granskning"), frozenset()),
            registry.PhaseType("voting", _("Omröstning"), frozenset({"vote"})),
            registry.PhaseType("results", _("Resultat och genomförande"), frozenset()),
        ),
        render_public=render_public,
        participant_ids=participant_ids,
        figures=figures,
        figure_labels={
            "budget_ideas": _("Förslag till medborgarbudgeten"),
            "budget_voters": _("Röstande i medborgarbudgeten"),
        },
        app_name="budgeting",
        manage_url="budgeting:manage",
        urls=urls,
        outcome_links=outcome_links,
        exports=(
            registry.Export(
                "budget_ballots",
                _("Röstsedlarna, anonyma (CSV)"),
                export_ballots,
                ready=ballots_counted,
            ),
        ),
    )
)
