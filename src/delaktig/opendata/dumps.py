"""The nightly dumps (placeholder until built)."""

from django.http import HttpRequest, HttpResponse


def dump(request: HttpRequest, organisation: str, dataset: str) -> HttpResponse:
    raise NotImplementedError
