"""Registers the opinion map (the Polis method) as a participation module."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from delaktig.participation import registry
from delaktig.participation.models import Process, ProcessModule

from .models import OpinionMap, Participant, Statement, Vote


def render_public(request: HttpRequest, module: ProcessModule, state: dict[str, Any]) -> str:
    from .views import results_visible

    opinion_map = OpinionMap.objects.filter(module=module).first()
    return render_to_string(
        "opinionmaps/module.html",
        {
            "module": module,
            "map": opinion_map,
            "can_vote": module.allows("vote"),
            "results_visible": opinion_map is not None and results_visible(request, opinion_map),
            "n_statements": opinion_map.statements.filter(status=Statement.Status.PUBLISHED).count()
            if opinion_map
            else 0,
            "n_participants": opinion_map.participants.count() if opinion_map else 0,
            "can_manage": request.user.has_perm("opinionmaps.manage_map", module.process),
        },
        request=request,
    )


def participant_ids(process: Process) -> "QuerySet[Any]":
    return Participant.objects.filter(map__module__process=process, user__isnull=False).values(
        "user_id"
    )


def figures(process: Process) -> dict[str, int]:
    return {
        "opinion_votes": Vote.objects.filter(statement__map__module__process=process).count(),
        "opinion_statements": Statement.objects.filter(
            map__module__process=process, status=Statement.Status.PUBLISHED
        ).count(),
    }


def export_polis(module: ProcessModule) -> tuple[str, str, bytes]:
    from .selectors import polis_export

    opinion_map = OpinionMap.objects.filter(module=module).first()
    if opinion_map is None:
        raise Http404
    archive = polis_export(opinion_map=opinion_map)
    return f"opinionskarta-{module.pk}-polis.zip", "application/zip", archive


def urls() -> Any:
    from . import urls

    return urls.urlpatterns


OPINION_MAP = registry.register(
    registry.ModuleType(
        key="opinionmap",
        name=_("Opinionskarta"),
        description=_(
            "Deltagarna röstar på korta påståenden och skriver egna. Kartan visar vilka "
            "åsiktsgrupper som finns, vad som skiljer dem och var nästan alla håller med "
            "(metoden från Polis)."
        ),
        phase_types=(
            registry.PhaseType(
                "voting", _("Röstning och påståenden"), frozenset({"vote", "write"})
            ),
            registry.PhaseType("voting_only", _("Bara röstning"), frozenset({"vote"})),
            registry.PhaseType("results", _("Resultat"), frozenset()),
        ),
        render_public=render_public,
        participant_ids=participant_ids,
        figures=figures,
        figure_labels={
            "opinion_votes": _("Röster i opinionskartor"),
            "opinion_statements": _("Påståenden i opinionskartor"),
        },
        app_name="opinionmaps",
        manage_url="opinionmaps:manage",
        urls=urls,
        exports=(registry.Export("polis_zip", _("Polis öppna data (ZIP)"), export_polis),),
    )
)
