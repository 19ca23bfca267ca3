"""Demo incidents in the region, in the year's statistics. The content is in
``demo_data.toml`` next to this module; everything goes through the services."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from delaktig.accounts.models import User
from delaktig.core.contributions import DemoContext, demo_content
from delaktig.participation.models import Process

from . import services
from .workflow import Action

SECURITY_EMAIL = "sakerhet@demo.delaktig.se"


def _incident(context: DemoContext, reporters: dict[str, User], spec: dict[str, Any]) -> None:
    reporter = reporters[spec["by"]]
    process = (
        Process.objects.filter(organisation=context.region, slug=spec["process"]).first()
        if "process" in spec
        else None
    )
    incident = services.incident_report(
        actor=reporter,
        organisation=context.region,
        concerned_name=spec.get("concerned_name") or reporter.public_name,
        concerned_user=reporter if spec["self"] else None,
        concerned_role=spec["concerned_role"],
        concerned_sex=spec["concerned_sex"],
        concerned_age_band=spec.get("concerned_age_band", ""),
        category=spec["category"],
        description=spec["description"],
        occurred_on=timezone.localdate() - timedelta(days=spec["days_ago"]),
        place=spec.get("place", ""),
        channel=spec["channel"],
        process=process,
        police_reported=spec.get("police_reported", False),
        police_case_number=spec.get("police_case_number", ""),
    )
    security = reporters["security"]
    if spec.get("support") or spec.get("follow_up"):
        incident = services.incident_update(
            actor=security,
            incident=incident,
            police_reported=incident.police_reported,
            police_case_number=incident.police_case_number,
            support=spec.get("support", []),
            support_text=spec.get("support_text", ""),
            follow_up=spec.get("follow_up", ""),
        )
    for step in spec["steps"]:
        incident = services.incident_transition(
            actor=security, incident=incident, action=Action(step)
        )


def load(context: DemoContext) -> None:
    security = User.objects.filter(email=SECURITY_EMAIL).first()
    if security is None:
        return
    reporters = {"official": context.official, "security": security}
    for spec in demo_content(__file__)["incidents"]:
        _incident(context, reporters, spec)
