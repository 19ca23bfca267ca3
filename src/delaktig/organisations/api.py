"""Open-data API: the organisations on the platform and the municipalities they cover."""

from typing import Literal

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from delaktig.core.api import ErrorOut, Page, PageParams, paginate
from delaktig.core.errors import DelaktigError, NotFound

from .models import (
    Municipality,
    OpenDataLicence,
    Organisation,
    OrganisationSettings,
    licence_uri,
)

router = Router()


def organisation_by_slug(slug: str) -> Organisation:
    """The organisation an API filter names (``organisation=<slug>``, the ``slug`` of
    ``/api/v1/organisations/``); an unknown slug is ``400 api.unknown_organisation``."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise DelaktigError("api.unknown_organisation", field="organisation", slug=slug)
    return organisation


class MunicipalityOut(Schema):
    code: str = Field(description="SCB kommunkod, four digits.")
    name: str


class OrganisationOut(Schema):
    id: int
    slug: str = Field(description="Used as `organisation` in every other endpoint's filters.")
    name: str
    kind: str = Field(description="`region` or `municipality`.")
    scb_code: str = Field(description="SCB county code (region) or kommunkod (municipality).")
    municipalities: list[MunicipalityOut]
    website: str
    contact_email: str = Field(description="The organisation's own contact address.")
    licence: str = Field(description="The licence of the organisation's open data (a URI).")

    @staticmethod
    def resolve_municipalities(obj: Organisation) -> list[Municipality]:
        return list(obj.municipalities.all())

    @staticmethod
    def resolve_website(obj: Organisation) -> str:
        row = _settings(obj)
        return row.website if row else ""

    @staticmethod
    def resolve_contact_email(obj: Organisation) -> str:
        row = _settings(obj)
        return row.contact_email if row else ""

    @staticmethod
    def resolve_licence(obj: Organisation) -> str:
        row = _settings(obj)
        return licence_uri(row.open_data_licence if row else OpenDataLicence.CC_BY)


def _settings(obj: Organisation) -> OrganisationSettings | None:
    try:
        return obj.settings
    except OrganisationSettings.DoesNotExist:
        return None


class OrganisationFilters(Schema):
    kind: Literal["region", "municipality"] | None = None


def _organisations() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("settings").prefetch_related(
        Prefetch("municipalities", queryset=Municipality.objects.order_by("code"))
    )


@router.get(
    "/",
    response={200: Page[OrganisationOut], 400: ErrorOut, 429: ErrorOut},
    summary="Organisations",
    operation_id="organisations_list",
)
def organisations_list(
    request: HttpRequest, page: Query[PageParams], filters: Query[OrganisationFilters]
) -> dict[str, object]:
    organisations = _organisations()
    if filters.kind:
        organisations = organisations.filter(kind=filters.kind)
    return paginate(request, organisations, page)


@router.get(
    "/{slug}",
    response={200: OrganisationOut, 404: ErrorOut, 429: ErrorOut},
    summary="One organisation",
    operation_id="organisations_get",
)
def organisations_get(request: HttpRequest, slug: str) -> Organisation:
    organisation = _organisations().filter(slug=slug).first()
    if organisation is None:
        raise NotFound()
    return organisation
