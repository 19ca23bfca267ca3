"""An organisation's own host name: how it is written, when it may be used, and which
organisation a request's host belongs to (cached per host, forgotten when an organisation is
saved).

A host name is kept as DNS and the browser's ``Host`` header write it: lower case, an
internationalised name in its ASCII form (``delta.östersund.se`` → ``delta.xn--stersund-
m4a.se``), without a port or a final dot. It must be served by this installation
(``ALLOWED_HOSTS``, where ``.example.se`` admits every name under example.se) and belong to
one organisation only.
"""

import re
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpRequest
from django.http.request import split_domain_port, validate_host

from delaktig.core.errors import ValidationFailed

from .models import Organisation

# How long a host's organisation is kept in the shared cache (seconds). A saved organisation
# forgets its old and new host at once (after the commit); the time only bounds what a read
# racing with that save may have put back.
HOST_CACHE_SECONDS = 60
# What the cache holds for a host that is no organisation's own (None is "not cached").
_NOBODY = 0

_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


def normalise_host(value: str) -> str:
    """``" Delta.Östersund.SE:443 "`` → ``delta.xn--stersund-m4a.se``; "" stays "". Anything
    that is not a host name (an address with ``https://`` or a path, a space, an IP address)
    raises ``organisations.host_invalid``."""
    written = value.strip()
    if not written:
        return ""
    domain, colon, port = written.lower().rpartition(":")
    if not colon:
        domain = port
    elif not port.isdigit():  # "https://…" or a second colon
        raise ValidationFailed("organisations.host_invalid", field="host", host=written)
    domain = domain.rstrip(".")
    try:
        ascii_name = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationFailed("organisations.host_invalid", field="host", host=written) from None
    labels = ascii_name.split(".")
    if (
        not ascii_name
        or len(ascii_name) > 253
        or not all(_LABEL.fullmatch(label) for label in labels)
        # The last label of a name is never all digits: 10.0.0.1 is an address, not a name.
        or labels[-1].isdigit()
    ):
        raise ValidationFailed("organisations.host_invalid", field="host", host=written)
    return ascii_name


def shown_host(host: str) -> str:
    """The host name as people read it: ``xn--`` labels in their own letters."""
    try:
        return host.encode("ascii").decode("idna")
    except UnicodeError:
        return host


def check_host(value: str, *, organisation: Organisation) -> str:
    """The host name as stored, after checking that this installation serves it and that no
    other organisation has it; "" (no host of its own) always passes."""
    host = normalise_host(value)
    if not host:
        return ""
    if not validate_host(host, settings.ALLOWED_HOSTS):
        raise ValidationFailed("organisations.host_not_served", field="host", host=host)
    taken = Organisation.objects.filter(host=host).exclude(pk=organisation.pk).first()
    if taken is not None:
        raise ValidationFailed(
            "organisations.host_taken", field="host", host=host, organisation=taken.name
        )
    return host


def request_host(request: HttpRequest) -> str:
    """The host name the request came to, lower case and without the port (``get_host``
    has checked it against ``ALLOWED_HOSTS``)."""
    domain, _port = split_domain_port(request.get_host())
    return domain.rstrip(".")


def _key(host: str) -> str:
    return f"organisations:host:{host}"


def known_host(host: str) -> int | None:
    """What the shared cache knows of ``host``, without a query: the id of the organisation
    whose own host it is, 0 for a host that is nobody's, None when it does not know."""
    if not host:
        return _NOBODY
    cached = cache.get(_key(host))
    return None if cached is None else int(cached)


def remember_host(
    host: str, organisation_id: int | None, *, seconds: int | None = HOST_CACHE_SECONDS
) -> None:
    """Keep for ``seconds`` (None: until forgotten) whose own host ``host`` is (None:
    nobody's)."""
    if host:
        cache.set(_key(host), organisation_id or _NOBODY, seconds)


def site_for_host(host: str) -> tuple[Organisation | None, bool]:
    """In one query, the same as ``primary_organisation`` costs: the organisation whose own
    host ``host`` is, and True; else the primary organisation (the region, else the first),
    and False. What it found is remembered for the host."""
    rank = Case(
        *([When(host=host, then=Value(0))] if host else []),
        When(kind=Organisation.Kind.REGION, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    found = (
        Organisation.objects.select_related("accessibility_statement", "settings", "branding")
        .annotate(site_rank=rank)
        .order_by("site_rank", "pk")
        .first()
    )
    own = found is not None and bool(host) and found.host == host
    remember_host(host, found.pk if found is not None and own else None)
    return found, own


def forget_hosts(hosts: Iterable[str]) -> None:
    """Drop what the cache knows about ``hosts`` once the transaction commits (at once outside
    one), so that the next request reads the saved organisation."""
    keys = [_key(host) for host in set(hosts) if host]
    if keys:
        transaction.on_commit(partial(cache.delete_many, keys))


def _remember_old_host(sender: Any, instance: Organisation, **kwargs: Any) -> None:
    old: str | None = None
    if instance.pk is not None:
        old = Organisation.objects.filter(pk=instance.pk).values_list("host", flat=True).first()
    instance._delaktig_old_host = old or ""  # type: ignore[attr-defined]


def _forget_on_save(sender: Any, instance: Organisation, **kwargs: Any) -> None:
    forget_hosts([instance.host, getattr(instance, "_delaktig_old_host", "")])


def _forget_on_delete(sender: Any, instance: Organisation, **kwargs: Any) -> None:
    forget_hosts([instance.host])


def connect_signals() -> None:
    """Any save of an organisation (the service, the admin, a migration of data) forgets its
    old and new host; ``OrganisationsConfig.ready`` calls this."""
    pre_save.connect(_remember_old_host, sender=Organisation, dispatch_uid="hosts-old")
    post_save.connect(_forget_on_save, sender=Organisation, dispatch_uid="hosts-save")
    post_delete.connect(_forget_on_delete, sender=Organisation, dispatch_uid="hosts-delete")
