"""The open-data page and the API's documentation page (placeholder until built)."""

from django.http import HttpRequest, HttpResponse


def index(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def api_docs(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
