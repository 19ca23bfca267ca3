"""Building incidents for the incident log's tests."""

from datetime import timedelta
from typing import Any

from django.utils import timezone
from tests.factories import UserFactory, role

from delaktig.incidents import services
from delaktig.incidents.models import Incident


def reporter_for(organisation: Any, kind: str = "elected") -> Any:
    return role(UserFactory(), kind, organisation)


def security_for(organisation: Any) -> Any:
    return role(UserFactory(), "security", organisation)


def report(organisation: Any, reporter: Any = None, **overrides: Any) -> Incident:
    reporter = reporter or reporter_for(organisation)
    fields: dict[str, Any] = {
        "concerned_name": "Eva Ledamot",
        "concerned_user": reporter,
        "concerned_role": "elected",
        "concerned_sex": "kvinna",
        "category": "hot",
        "description": "Ett hotfullt e-postmeddelande efter mötet.",
        "occurred_on": timezone.localdate() - timedelta(days=3),
        "channel": "email",
    }
    fields.update(overrides)
    return services.incident_report(actor=reporter, organisation=organisation, **fields)
