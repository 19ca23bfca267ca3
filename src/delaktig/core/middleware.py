import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import languages
from .catalogues import offered_interface_languages
from .errors import DelaktigError
from .http import mark_no_store
from .params import BadInput

logger = logging.getLogger("delaktig.errors")


class SwedishFirstLocaleMiddleware:
    """Swedish unless the person has chosen another language.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language header: a
    Swedish public authority speaks Swedish first, and offers its other languages one click
    away. A choice is one language code (``core.languages``), from the language switcher (the
    cookie ``delaktig_sprak``) or a link that asks for it (``?sprak=se``, as ``hreflang``
    links do; the choice is then kept). It sets

    - the *content* language: the organisation's texts in it where a reviewed translation
      exists (``core.languages.content_language``);
    - the *interface* language: the same where its catalogue is marked reviewed
      (``core.catalogues``), Swedish otherwise: a Sami reader gets Sami texts with Swedish
      menus.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        asked = request.GET.get("sprak")
        chosen = (
            asked
            if languages.is_known(asked)
            else request.COOKIES.get(settings.CONTENT_LANGUAGE_COOKIE_NAME)
            or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        )
        code = (
            chosen if isinstance(chosen, str) and languages.is_known(chosen) else languages.SOURCE
        )
        interface = code if code in offered_interface_languages() else settings.LANGUAGE_CODE
        translation.activate(interface)
        languages.activate_content_language(code)
        request.LANGUAGE_CODE = interface
        request.content_language = code  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        finally:
            languages.activate_content_language(languages.SOURCE)
        if languages.is_known(asked) and asked != request.COOKIES.get(
            settings.CONTENT_LANGUAGE_COOKIE_NAME
        ):
            remember_language(response, code)
        response.headers.setdefault("Content-Language", languages.language(code).tag)
        patch_vary_headers(response, ("Cookie",))
        return response


def remember_language(response: HttpResponse, code: str) -> None:
    """Keep a person's choice of language (content and, where offered, interface)."""
    for name in (settings.CONTENT_LANGUAGE_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME):
        response.set_cookie(
            name,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=False,
        )


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """``{"camera": []}`` → ``camera=()``; an origin list → ``feature=(self "https://…")``."""
    return ", ".join(
        f"{feature}=({' '.join(origins)})" for feature, origins in sorted(policy.items())
    )


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set.

    - ``Permissions-Policy`` from ``settings.PERMISSIONS_POLICY`` on every response;
    - ``Cache-Control: private, no-store`` on account pages: our own (namespace ``accounts``,
      "Mina sidor") and every allauth view (login, sign-up, e-mail addresses, password). Export
      views say so themselves with :func:`delaktig.core.http.no_store`.
    """

    private_namespaces = frozenset({"accounts"})
    private_view_modules = ("allauth.",)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.permissions_policy = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if self.is_private(request):
            mark_no_store(response)
        return response

    def is_private(self, request: HttpRequest) -> bool:
        match = request.resolver_match
        if match is None:
            return False
        if self.private_namespaces.intersection(match.namespaces):
            return True
        return getattr(match.func, "__module__", "").startswith(self.private_view_modules)


class RejectNulMiddleware:
    """A 400 for a NUL character in the path or in a query or form key or value.

    No real input has one, and PostgreSQL refuses NUL in text ("A string literal cannot
    contain NUL (0x00) characters"): any view that passed the value on to a query would
    otherwise fail with a 500. Uploaded files are not looked at. Placed after the
    authentication middleware, so that the 400 page knows who is logged in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            raise BadInput(_("Adressen innehåller ett tecken som inte är tillåtet."))
        for data in (request.GET, request.POST) if request.method == "POST" else (request.GET,):
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    raise BadInput(
                        _("Adressen eller formuläret innehåller ett tecken som inte är tillåtet."),
                        name=key,
                    )
        return self.get_response(request)


class DelaktigErrorMiddleware:
    """Renders a :class:`DelaktigError` that a view let through: one page for every refusal.

    A view with a form catches the error itself with :func:`delaktig.core.forms.form_errors`
    (so the form keeps what was typed); a button that cannot do what it says (a transition in
    the wrong state, a rate limit, a closed phase) ends here. The page has the error's status
    and message and a link back to the page the request came from. An anonymous person who is
    refused is sent to log in first; an htmx request gets the message alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DelaktigError):
            return None
        user = getattr(request, "user", None)
        if exception.status == 403 and user is not None and not user.is_authenticated:
            return redirect_to_login(_back_url(request) or request.get_full_path())
        logger.info(
            "%s (%s): %s %s status=%s",
            exception.code,
            _escaped_params(exception),
            request.method,
            request.path.encode("unicode_escape").decode("ascii"),
            exception.status,
        )
        context = {"error": exception, "message": exception.message, "back_url": _back_url(request)}
        if request.headers.get("HX-Request"):
            # The message alone, into the page's message area (static/js/delaktig.js lets
            # htmx swap this 4xx in).
            response = render(request, "core/error_fragment.html", context, status=exception.status)
            response["HX-Retarget"] = "#messages"
            response["HX-Reswap"] = "innerHTML"
            return response
        return render(request, "core/error.html", context, status=exception.status)


def _escaped_params(error: DelaktigError) -> str:
    return ", ".join(sorted(error.params)).encode("unicode_escape").decode("ascii")


def _back_url(request: HttpRequest) -> str | None:
    """The page the request came from, if it is one of ours; for a GET, none."""
    referer = request.headers.get("Referer", "")
    if request.method == "GET" or not referer:
        return None
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return referer
