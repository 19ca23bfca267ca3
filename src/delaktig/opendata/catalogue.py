"""The DCAT-AP-SE catalogue (placeholder until built)."""

from django.http import HttpRequest, HttpResponse


def catalogue_turtle(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def catalogue_jsonld(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def catalogue_rdfxml(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def catalogue_well_known(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
