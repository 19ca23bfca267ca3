"""Registers referrals to councils as a participation module of a process."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from delaktig.participation import registry
from delaktig.participation.models import Process, ProcessModule
from delaktig.translations.access import prefetch

from .models import Referral, ReferralResponse


def render_public(request: HttpRequest, module: ProcessModule, state: dict[str, Any]) -> str:
    referrals = list(
        Referral.objects.filter(module=module).prefetch_related("councils", "responses__council")
    )
    prefetch([*referrals, *(c for r in referrals for c in r.councils.all())])
    return render_to_string(
        "councils/module.html", {"module": module, "referrals": referrals}, request=request
    )


def participant_ids(process: Process) -> "QuerySet[Any]":
    return ReferralResponse.objects.filter(referral__module__process=process).values("author_id")


def figures(process: Process) -> dict[str, int]:
    return {
        "referrals": Referral.objects.filter(module__process=process).count(),
        "referral_answers": ReferralResponse.objects.filter(
            referral__module__process=process
        ).count(),
    }


REFERRALS = registry.register(
    registry.ModuleType(
        key="referral",
        name=_("Remiss till råd"),
        description=_("Frågan skickas till ett eller flera råd, som svarar före sista dag."),
        phase_types=(registry.PhaseType("referral", _("Remisstid"), frozenset({"answer"})),),
        render_public=render_public,
        participant_ids=participant_ids,
        figures=figures,
        figure_labels={"referrals": _("Remisser"), "referral_answers": _("Svar från råd")},
    )
)
