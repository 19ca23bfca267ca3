from typing import Any

from django.db import models

from .models import AuditEntry


def audit_log(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    organisation: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record a staff action. Call inside the service's transaction."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        organisation=organisation,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:300],
        data=data or {},
    )
