"""Registers consultation on a draft document (samråd) as a participation module."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from delaktig.participation import registry
from delaktig.participation.models import Process, ProcessModule

from .models import Comment, Consultation
from .workflow import ConsultationStatus


def render_public(request: HttpRequest, module: ProcessModule, state: dict[str, Any]) -> str:
    from .selectors import module_summary

    return render_to_string(
        "consultations/module.html", module_summary(module=module), request=request
    )


def participant_ids(process: Process) -> "QuerySet[Any]":
    return (
        Comment.objects.filter(consultation__module__process=process, author__isnull=False)
        .exclude(status=Comment.Status.REMOVED)
        .values("author_id")
    )


def figures(process: Process) -> dict[str, int]:
    comments = Comment.objects.filter(consultation__module__process=process).exclude(
        status=Comment.Status.REMOVED
    )
    return {
        "consultation_comments": comments.count(),
        "consultation_organisations": comments.filter(invitation__isnull=False)
        .values("invitation_id")
        .distinct()
        .count(),
    }


def outcome_links(module: ProcessModule) -> list[tuple[str, str]]:
    consultation = Consultation.objects.filter(
        module=module, status=ConsultationStatus.PUBLISHED
    ).first()
    if consultation is None:
        return []
    kwargs = {"module_pk": module.pk}
    return [
        (
            str(_("Samrådsredogörelse: %(title)s") % {"title": consultation.title}),
            reverse("consultations:compilation", kwargs=kwargs),
        ),
        (
            str(_("Samrådsredogörelsen som PDF")),
            reverse("consultations:compilation_pdf", kwargs=kwargs),
        ),
    ]


def urls() -> Any:
    from . import urls

    return urls.urlpatterns


CONSULTATION = registry.register(
    registry.ModuleType(
        key="consultation",
        name=_("Samråd om ett utkast"),
        description=_(
            "Ett utkast till strategi, plan eller riktlinjer läggs ut. Invånare och inbjudna "
            "organisationer lämnar synpunkter stycke för stycke. Varje synpunkt besvaras i en "
            "samrådsredogörelse som visar vad som ändrades."
        ),
        phase_types=(
            registry.PhaseType("comment", _("Samrådstid"), frozenset({"comment"})),
            registry.PhaseType("report", _("Svar och samrådsredogörelse"), frozenset()),
        ),
        render_public=render_public,
        participant_ids=participant_ids,
        figures=figures,
        figure_labels={
            "consultation_comments": _("Synpunkter på utkastet"),
            "consultation_organisations": _("Organisationer som svarat"),
        },
        app_name="consultations",
        manage_url="consultations:manage",
        urls=urls,
        outcome_links=outcome_links,
    )
)
