"""The 400 page: what could not be read, and a way back that keeps the rest."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from .params import BadInput


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's ``handler400``. A :class:`BadInput` says what was wrong; for a GET with one
    bad query parameter the page links to the same address without it."""
    message = exception.message if isinstance(exception, BadInput) else None
    retry_url = None
    if isinstance(exception, BadInput) and exception.name and request.method == "GET":
        query = request.GET.copy()
        query.pop(exception.name, None)
        url = request.path + (f"?{query.urlencode()}" if query else "")
        if url_has_allowed_host_and_scheme(url, allowed_hosts=None):  # not //elsewhere
            retry_url = url
    return render(request, "400.html", {"message": message, "retry_url": retry_url}, status=400)
