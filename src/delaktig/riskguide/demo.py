"""Demo Riskguiden: a signed-off analysis and a draft, for contentious things in the region.

The content is in ``demo_data.toml`` next to this module. A second official of the region (who
cannot log in) signs the first analysis off: the one who wrote it may not."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from delaktig.accounts.models import Role, User
from delaktig.core.contributions import DemoContext, demo_content
from delaktig.meetings.models import Meeting
from delaktig.participation.models import Process

from . import services
from .models import RiskAnalysis


def _subject(region: Any, spec: dict[str, Any]) -> dict[str, Any]:
    if "process" in spec:
        return {"process": Process.objects.get(organisation=region, slug=spec["process"])}
    meeting = (
        Meeting.objects.filter(organisation=region, kind=spec["meeting_kind"])
        .order_by("starts_at")
        .first()
    )
    return {"meeting": meeting} if meeting is not None else {}


def _analysis(official: User, region: Any, spec: dict[str, Any]) -> RiskAnalysis | None:
    subject = _subject(region, spec)
    if not subject:
        return None
    analysis = services.analysis_create(
        actor=official, title=spec["title"], background=spec["background"], **subject
    )
    rows = [
        services.RiskInput(
            None, r["description"], r["kind"], r["exposed"], r.get("exposed_detail", "")
        )
        for r in spec["risks"]
    ]
    services.analysis_save_risks(actor=official, analysis=analysis, risks=rows)
    risks = list(analysis.risks.all())
    services.analysis_save_ratings(
        actor=official,
        analysis=analysis,
        ratings={
            risk.pk: (r.get("likelihood"), r.get("consequence"))
            for risk, r in zip(risks, spec["risks"], strict=True)
        },
    )
    today = timezone.localdate()
    services.analysis_save_measures(
        actor=official,
        analysis=analysis,
        measures={
            risk.pk: services.MeasureInput(
                measures=r.get("measures", ""),
                owner=r.get("owner", ""),
                due=today + timedelta(days=r["due_days"]) if "due_days" in r else None,
                done=r.get("done", False),
            )
            for risk, r in zip(risks, spec["risks"], strict=True)
        },
    )
    return analysis


def load(context: DemoContext) -> None:
    content = demo_content(__file__)
    region, official = context.region, context.official
    reviewer = User.objects.create_user(
        username=content["reviewer"]["email"],
        email=content["reviewer"]["email"],
        password=None,
        display_name=content["reviewer"]["name"],
    )
    Role.objects.create(user=reviewer, kind="official", organisation=region)
    for spec in content["marks"]:
        subject = _subject(region, spec)
        if subject:
            services.contentious_mark_create(actor=official, reason=spec["reason"], **subject)
    signed = _analysis(official, region, content["signed_off"])
    if signed is not None:
        services.analysis_submit(actor=official, analysis=signed)
        services.analysis_sign_off(
            actor=reviewer, analysis=signed, note=content["signed_off"]["note"]
        )
    _analysis(official, region, content["draft"])
