"""The tokens in a newsletter's links: confirm a subscription, and leave.

Nothing secret is stored. A token is ``<kind><pk>-<mac>``, the mac a keyed hash (HMAC-SHA256
under the site's ``SECRET_KEY``, with its own salt per kind) of the row's id and address, so a
copy of the database opens no link, and a link cannot be guessed from an id. A subscription's
token (``s``) confirms it and ends it; a delivery's (``d``) ends what that one e-mail was sent
for. Rotating ``SECRET_KEY`` (keeping the old one in ``SECRET_KEY_FALLBACKS``) keeps the links.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

_SALTS = {
    "s": "delaktig.newsletters.subscription",
    "d": "delaktig.newsletters.delivery",
}
_FORM = re.compile(r"^([sd])([1-9][0-9]{0,18})-([0-9a-f]{32})$")


@dataclass(frozen=True)
class Token:
    kind: str  # "s" (a subscription) or "d" (a delivery)
    pk: int
    mac: str

    def matches(self, email: str) -> bool:
        """Whether the mac is right for the row with this id and ``email``."""
        secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
        return any(
            constant_time_compare(self.mac, _mac(self.kind, self.pk, email, secret))
            for secret in secrets
        )


def _mac(kind: str, pk: int, email: str, secret: str) -> str:
    value = f"{pk}:{email.strip().lower()}"
    return salted_hmac(_SALTS[kind], value, secret=secret, algorithm="sha256").hexdigest()[:32]


def make(kind: str, pk: int, email: str) -> str:
    return f"{kind}{pk}-{_mac(kind, pk, email, settings.SECRET_KEY)}"


def parse(value: str) -> Token | None:
    """The token's parts, or None for a string that is no token at all."""
    found = _FORM.match(value or "")
    if found is None:
        return None
    pk = int(found.group(2))
    if pk >= 2**63:
        return None
    return Token(kind=found.group(1), pk=pk, mac=found.group(3))
