"""Writes of a person's notification settings (see ``models.NotificationSetting``)."""

from collections.abc import Mapping

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from delaktig.core.contributions import NotificationKind, notification_kind
from delaktig.core.errors import ValidationFailed

from .models import Channel, NotificationSetting


def notification_settings_save(
    *, actor: AbstractBaseUser, choices: Mapping[tuple[str, str], bool]
) -> int:
    """Save the person's own choices, ``{(kind, channel): on}``. A required kind cannot be turned
    off: a choice to do so is ignored (the kind stays on). Returns how many choices changed."""
    if not actor.is_authenticated:
        raise ValidationFailed("notifications.not_signed_in")
    changed = 0
    now = timezone.now()
    with transaction.atomic():
        for (kind, channel), on in choices.items():
            declared = _declared(kind)
            if channel not in Channel.values:
                raise ValidationFailed("notifications.unknown_channel", channel=channel)
            if declared.required:
                NotificationSetting.objects.filter(
                    user_id=actor.pk, kind=kind, channel=channel
                ).delete()
                continue
            setting = NotificationSetting.objects.filter(
                user_id=actor.pk, kind=kind, channel=channel
            ).first()
            if setting is None and on == declared.default:
                continue
            if setting is not None and setting.enabled == on:
                continue
            NotificationSetting.objects.update_or_create(
                user_id=actor.pk,
                kind=kind,
                channel=channel,
                defaults={"enabled": on, "updated_at": now},
            )
            changed += 1
    return changed


def _declared(kind: str) -> NotificationKind:
    try:
        return notification_kind(kind)
    except KeyError:
        raise ValidationFailed("notifications.unknown_kind", kind=kind) from None
