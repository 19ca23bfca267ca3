"""Registers meetings as a participation module: a process can hold meetings and events."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from delaktig.participation import registry
from delaktig.participation.models import Process, ProcessModule
from delaktig.translations.access import prefetch

from .models import Meeting, Registration


def render_public(request: HttpRequest, module: ProcessModule, state: dict[str, Any]) -> str:
    meetings = list(Meeting.objects.public().filter(module=module).order_by("starts_at"))
    prefetch(meetings)
    return render_to_string(
        "meetings/module.html", {"module": module, "meetings": meetings}, request=request
    )


def participant_ids(process: Process) -> "QuerySet[Any]":
    return Registration.objects.filter(
        meeting__module__process=process, status=Registration.Status.CONFIRMED
    ).values("user_id")


def figures(process: Process) -> dict[str, int]:
    registrations = Registration.objects.filter(meeting__module__process=process)
    return {
        "meetings": Meeting.objects.filter(module__process=process).count(),
        "registrations": registrations.filter(status=Registration.Status.CONFIRMED).count(),
        "waiting": registrations.filter(status=Registration.Status.WAITING).count(),
    }


MEETINGS = registry.register(
    registry.ModuleType(
        key="meeting",
        name=_("Möten och evenemang"),
        description=_(
            "Öppna möten, webbinarier och rådsmöten som hör till processen, "
            "med anmälan och väntelista."
        ),
        phase_types=(registry.PhaseType("events", _("Möten"), frozenset({"register"})),),
        render_public=render_public,
        participant_ids=participant_ids,
        figures=figures,
        figure_labels={
            "meetings": _("Möten"),
            "registrations": _("Anmälda"),
            "waiting": _("På väntelistan"),
        },
    )
)
