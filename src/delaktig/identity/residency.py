"""Where a verified person is folkbokförd: pluggable sources, tried in order.

Swedish e-ID brokers send the personnummer but not the municipality of folkbokföring, so the
municipality comes from a source named in ``DELAKTIG_RESIDENCY_SOURCES``:

- ``claim``: the broker's own claim (``DELAKTIG_EID_MUNICIPALITY_CLAIM``), when it sends one;
- ``register``: the population-register extract imported with
  ``manage.py import_population_register`` (hashed on import, never stored in clear);
- a dotted path to a class with the same method, for a live lookup (Navet, SPAR).

An official's in-person verification records the municipality directly and needs no source.
"""

from collections.abc import Mapping
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from delaktig.organisations.models import Municipality

from .models import RegisterEntry


class ResidencySource(Protocol):
    def municipality_code(self, *, digest: str, claims: Mapping[str, Any]) -> str | None:
        """The kommunkod where the person with this identity hash is folkbokförd, or None."""


class ClaimSource:
    def municipality_code(self, *, digest: str, claims: Mapping[str, Any]) -> str | None:
        name = settings.DELAKTIG_EID_MUNICIPALITY_CLAIM
        value = str(claims.get(name) or "").strip() if name else ""
        return value or None


class RegisterSource:
    def municipality_code(self, *, digest: str, claims: Mapping[str, Any]) -> str | None:
        entry = (
            RegisterEntry.objects.filter(identity_hash=digest)
            .values_list("municipality__code", flat=True)
            .first()
        )
        return str(entry) if entry else None


BUILT_IN: dict[str, type] = {"claim": ClaimSource, "register": RegisterSource}


def sources() -> list[ResidencySource]:
    return [
        (BUILT_IN.get(name) or import_string(name))()
        for name in settings.DELAKTIG_RESIDENCY_SOURCES
    ]


def municipality_for(*, digest: str, claims: Mapping[str, Any]) -> Municipality | None:
    """The first answer any source gives that names a municipality we know."""
    for source in sources():
        code = source.municipality_code(digest=digest, claims=claims)
        if code:
            municipality = Municipality.objects.filter(code=code).first()
            if municipality is not None:
                return municipality
    return None
