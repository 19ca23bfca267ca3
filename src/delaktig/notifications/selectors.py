"""Reads of a person's notification settings (see ``models.NotificationSetting``)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from delaktig.core.contributions import NotificationKind, notification_kind, notification_kinds

from .models import Channel, NotificationSetting


@dataclass(frozen=True)
class KindSetting:
    """One kind of notification as the person has it: on or off per channel."""

    kind: NotificationKind
    # (channel, on) in the order of ``Channel``.
    channels: tuple[tuple[str, bool], ...]


def notification_enabled(user: AbstractBaseUser, kind: str, channel: str = Channel.EMAIL) -> bool:
    """Whether ``user`` gets notifications of ``kind`` on ``channel``. Required kinds are always
    on; the others follow the person's setting, else the kind's default. Raises ``KeyError`` for
    a kind no app declared."""
    declared = notification_kind(kind)
    if declared.required:
        return True
    setting = NotificationSetting.objects.filter(
        user_id=user.pk, kind=kind, channel=channel
    ).first()
    return setting.enabled if setting is not None else declared.default


def notification_settings(user: AbstractBaseUser, *, staff: bool = True) -> list[KindSetting]:
    """Every declared kind with the person's choice per channel, in the registry's order;
    without ``staff``, not the kinds only staff are sent."""
    chosen = {
        (s.kind, s.channel): s.enabled for s in NotificationSetting.objects.filter(user_id=user.pk)
    }
    return [
        KindSetting(
            kind=kind,
            channels=tuple(
                (
                    channel,
                    kind.required or chosen.get((kind.key, channel), kind.default),
                )
                for channel in Channel.values
            ),
        )
        for kind in notification_kinds()
        if staff or not kind.staff
    ]


def accounts_for_address(address: str) -> Iterable[AbstractBaseUser]:
    """The accounts whose e-mail address (the account's, or a verified one) is ``address``."""
    from allauth.account.models import EmailAddress

    address = address.strip()
    verified = EmailAddress.objects.filter(email__iexact=address, verified=True).values("user")
    return get_user_model().objects.filter(Q(email__iexact=address) | Q(pk__in=verified))


def address_wants(address: str, kind: str, channel: str = Channel.EMAIL) -> bool:
    """Whether an e-mail of ``kind`` to ``address`` should be sent: always for a required kind
    or an address with no account; else unless the account turned the kind off."""
    declared = notification_kind(kind)
    if declared.required:
        return True
    accounts = list(accounts_for_address(address))
    return not accounts or any(notification_enabled(user, kind, channel) for user in accounts)
