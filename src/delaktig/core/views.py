"""Core pages: the 400 page, the live preview of the Markdown editor, the language switcher,
the site icon."""

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from . import languages
from .errors import DelaktigError, PermissionDenied, RateLimited, ValidationFailed
from .http import no_store
from .markdown import render_markdown
from .middleware import remember_language
from .params import BadInput
from .ratelimit import enforce, limit_for

# How long a browser may keep /favicon.ico's redirect (a day).
FAVICON_MAX_AGE = 24 * 60 * 60
# The longest text the preview renders (the longest Markdown field is far shorter).
PREVIEW_MAX_CHARS = 100_000


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's ``handler400``. A :class:`BadInput` says what was wrong; for a GET with one
    bad query parameter the page links to the same address without it. The open-data API
    (``/api/``) gets its JSON error body instead of the page."""
    if request.path.startswith("/api/"):
        name = exception.name if isinstance(exception, BadInput) else None
        error = (
            DelaktigError("api.invalid_parameter", field=name, name=name)
            if name
            else DelaktigError("validation_failed")
        )
        body: dict[str, Any] = {
            "code": error.code,
            "message": error.message,
            "field": name,
            "params": {},
        }
        if name:
            body["params"] = {"name": name}
        return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
    message = exception.message if isinstance(exception, BadInput) else None
    retry_url = None
    if isinstance(exception, BadInput) and exception.name and request.method == "GET":
        query = request.GET.copy()
        query.pop(exception.name, None)
        url = request.path + (f"?{query.urlencode()}" if query else "")
        if url_has_allowed_host_and_scheme(url, allowed_hosts=None):  # not //elsewhere
            retry_url = url
    return render(request, "400.html", {"message": message, "retry_url": retry_url}, status=400)


@no_store
@require_POST
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """The live preview of ``core.widgets.MarkdownEditor``: the posted ``text`` rendered by
    the platform's own sanitising renderer, as an HTML fragment. For people who are logged
    in (everybody who writes Markdown is), CSRF-checked like every POST, and rate-limited
    per person (``DELAKTIG_RATE_LIMITS["markdown_preview"]``)."""
    if not request.user.is_authenticated:
        raise PermissionDenied()
    text = request.POST.get("text", "")
    if len(text) > PREVIEW_MAX_CHARS:
        raise ValidationFailed("preview.too_long", limit=PREVIEW_MAX_CHARS)
    limit = limit_for("markdown_preview", str(request.user.pk))
    with enforce(limit, error=RateLimited("preview.rate_limited")):
        html = render_markdown(text)
    return HttpResponse(html, content_type="text/html; charset=utf-8")


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """The language switcher: keep the chosen language and go back to the page. An unknown
    code is Swedish; a ``next`` pointing elsewhere goes to the front page."""
    code = request.POST.get("language", "")
    if not languages.is_known(code):
        code = languages.SOURCE
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    # A page in a content language was asked for with ?sprak=; the choice now replaces it.
    parts = urlsplit(target)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "sprak"]
    response = HttpResponseRedirect(urlunsplit(parts._replace(query=urlencode(query))))
    remember_language(response, code)
    return response


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers ask for where a page names no icon (a PDF, the API's
    JSON): the site's icon, rather than a 404 page. Not a permanent redirect: the icon's
    address carries its content's hash in production, and a browser keeps a 301 for good."""
    response = HttpResponseRedirect(static("favicon.svg"))
    patch_cache_control(response, public=True, max_age=FAVICON_MAX_AGE)
    return response
