"""Builders for the Riskguiden tests."""

from datetime import timedelta
from typing import Any

from django.utils import timezone
from tests.factories import UserFactory, role

from delaktig.meetings.models import Meeting
from delaktig.riskguide import services
from delaktig.riskguide.models import RiskAnalysis


def official(organisation: Any, name: str = "") -> Any:
    user = UserFactory(**({"display_name": name} if name else {}))
    return role(user, "official", organisation)


def meeting(organisation: Any, *, days: int = 7, **fields: Any) -> Meeting:
    starts = timezone.now() + timedelta(days=days)
    return Meeting.objects.create(
        organisation=organisation,
        kind=Meeting.Kind.PUBLIC_EVENT,
        title=fields.pop("title", "Dialogmöte om hälsocentralen"),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        **fields,
    )


def risk_row(description: str = "Hotfulla mejl till handläggarna", **extra: Any) -> Any:
    return services.RiskInput(
        id=extra.pop("id", None),
        description=description,
        kind=extra.pop("kind", "threat"),
        exposed=extra.pop("exposed", "officials"),
        **extra,
    )


def complete_draft(author: Any, **subject: Any) -> RiskAnalysis:
    """A draft with two risks, rated and with measures: ready to submit."""
    analysis = services.analysis_create(actor=author, title="Riskanalys: dialogen", **subject)
    services.analysis_save_risks(
        actor=author,
        analysis=analysis,
        risks=[risk_row(), risk_row("Bråk i foajén", kind="conflict", exposed="place")],
    )
    risks = list(analysis.risks.all())
    services.analysis_save_ratings(
        actor=author, analysis=analysis, ratings={risks[0].pk: (3, 4), risks[1].pk: (1, 2)}
    )
    services.analysis_save_measures(
        actor=author,
        analysis=analysis,
        measures={
            risk.pk: services.MeasureInput(
                measures="Ordningsvakt och en plan för hot.",
                owner="Säkerhetssamordnare",
                due=timezone.localdate() + timedelta(days=5),
                done=False,
            )
            for risk in risks
        },
    )
    analysis.refresh_from_db()
    return analysis


def signed_off(author: Any, reviewer: Any, **subject: Any) -> RiskAnalysis:
    analysis = complete_draft(author, **subject)
    services.analysis_submit(actor=author, analysis=analysis)
    return services.analysis_sign_off(actor=reviewer, analysis=analysis)
