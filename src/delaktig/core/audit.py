from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models

from .models import AuditEntry


def audit_log(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target: models.Model,
    organisation: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record a staff action. Call inside the service's transaction. The actor is None for
    what the platform does by itself (a retention job)."""
    return AuditEntry.objects.create(
        actor=actor if isinstance(actor, get_user_model()) and actor.pk else None,
        action=action,
        organisation=organisation,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:300],
        data=data or {},
    )
