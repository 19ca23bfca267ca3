"""One small exception hierarchy with stable codes and translated messages.

Services raise these; views render them the same way everywhere (a form error, a message
or a 403/409 page), and an API would serialise ``code`` and ``message``.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DelaktigError(Exception):
    code = "error"
    status = 400
    default_message: str | Promise = _("Något gick fel.")

    def __init__(self, message: str | Promise | None = None) -> None:
        # Evaluated now, in the language of the request that raised it.
        self.message: str = str(message if message is not None else self.default_message)
        super().__init__(self.message)


class PermissionDenied(DelaktigError):
    code = "permission_denied"
    status = 403
    default_message = _("Du har inte behörighet att göra det här.")


class InvalidTransition(DelaktigError):
    code = "invalid_transition"
    status = 409
    default_message = _("Det steget går inte att ta i det här läget.")


class NotAllowedInPhase(DelaktigError):
    code = "not_allowed_in_phase"
    status = 409
    default_message = _("Det går inte att delta just nu: ingen fas som tillåter det pågår.")


class RateLimited(DelaktigError):
    code = "rate_limited"
    status = 429
    default_message = _("Du har skrivit många inlägg på kort tid. Vänta en stund och försök igen.")


class ValidationFailed(DelaktigError):
    code = "validation_failed"
    status = 400
    default_message = _("Uppgifterna behöver rättas.")


def require_perm(user: object, perm: str, obj: object = None) -> None:
    """Raise :class:`PermissionDenied` unless ``user`` has ``perm`` (on ``obj``)."""
    if not user.has_perm(perm, obj):  # type: ignore[attr-defined]
        raise PermissionDenied()
