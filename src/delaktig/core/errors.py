"""One exception for everything a person may not do or has got wrong, with a stable code.

Plain Python, no Django: pure modules (file parsers, weighting, the opinion-map maths) raise it
too. An error is a ``code`` and its ``params``; the words are looked up in one translated
catalogue (:mod:`delaktig.core.catalogue`), into which every app contributes the messages for its
own codes through the registry (``Contribution.errors``). So the same error reads the same in a
form, on an error page, in a management command and, later, in the API (``code`` and
``params`` serialised as they are).

Raise it from a service; do not catch it in a view. A view with a form wraps the service call
in :func:`delaktig.core.forms.form_errors`; anything else is rendered by
:class:`delaktig.core.middleware.DelaktigErrorMiddleware` as a page with ``status``.

    raise DelaktigError("proposals.not_verified")
    raise Conflict("proposals.already_supported")
    raise DelaktigError("population.bad_number", value="12a", line=4)
"""

import re
from typing import Any, ClassVar

CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


class DelaktigError(Exception):
    """A person's request cannot be carried out; ``code`` says why, ``params`` fill the text.

    ``field`` names the form field the error belongs to, where there is one.
    """

    code: str = "error"
    status: ClassVar[int] = 400

    def __init__(
        self, code: str | None = None, /, *, field: str | None = None, **params: Any
    ) -> None:
        if code is not None and not CODE.fullmatch(code):
            raise ValueError(f"not an error code: {code!r}")
        self.code = code or type(self).code
        self.params: dict[str, Any] = params
        self.field = field
        super().__init__(self.code, params)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled and copied whole (task backends, parallel test runners): the class, and every
        # attribute (code, field, params, and what a subclass adds) as the state.
        return (_rebuild, (type(self),), self.__dict__)

    @property
    def message(self) -> str:
        """The message in the active language."""
        from .catalogue import message  # Django's translation machinery, only when asked.

        return message(self.code, self.params)

    def __str__(self) -> str:
        params = ", ".join(f"{key}={value!r}" for key, value in sorted(self.params.items()))
        return f"{self.code}({params})" if params else self.code

    def as_dict(self) -> dict[str, Any]:
        """What an API returns: the code, its parameters and the message."""
        return {"code": self.code, "params": self.params, "message": self.message}


def _rebuild(cls: type[DelaktigError]) -> DelaktigError:
    return cls.__new__(cls)


class PermissionDenied(DelaktigError):
    code = "permission_denied"
    status = 403


class NotFound(DelaktigError):
    code = "not_found"
    status = 404


class Conflict(DelaktigError):
    """The request is sound, but the thing it acts on is not in a state that allows it."""

    code = "conflict"
    status = 409


class InvalidTransition(Conflict):
    code = "invalid_transition"


class NotAllowedInPhase(Conflict):
    code = "not_allowed_in_phase"


class RateLimited(DelaktigError):
    code = "rate_limited"
    status = 429


class ValidationFailed(DelaktigError):
    code = "validation_failed"


def require_perm(user: Any, perm: str, obj: object = None) -> None:
    """Raise :class:`PermissionDenied` unless ``user`` has ``perm`` (on ``obj``).

    The one way a service checks permission; the rule itself lives in the app's ``rules.py``.
    """
    if not user.has_perm(perm, obj):
        raise PermissionDenied()
