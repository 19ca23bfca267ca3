"""The open-data page (``/oppna-data/``) and the API's documentation page (``/oppna-data/api/``).

The open-data page lists, per organisation, the datasets the apps declare in the registry
(``core.contributions.OpenDataset``) with the organisation's licence, the API address and the
latest nightly dump; past ``INLINE_ORGANISATIONS`` organisations it lists them and each one's
datasets are on its own page (``/oppna-data/organisationer/<slug>/``). The documentation
page is rendered on the server from the OpenAPI document the API generates
(:func:`delaktig.opendata.api.openapi_schema`); the schema does not change while the process
runs, so what is read from it is built once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from delaktig.core import contributions
from delaktig.core.api import DEFAULT_LIMIT, MAX_LIMIT
from delaktig.core.markdown import render_markdown
from delaktig.core.sites import list_scope
from delaktig.organisations.models import (
    LICENCE_URIS,
    OpenDataLicence,
    Organisation,
    OrganisationSettings,
)

from . import api
from .models import Dump

API_ROOT = "/api/v1/"
OPENAPI_PATH = API_ROOT + "openapi.json"
# The journalist's first request in the "Kom igång" example (issue 21).
EXAMPLE_PATH = API_ROOT + "proposals/?status=decided&decided_year=2026&organisation="


# --- The open-data page -------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetEntry:
    """One dataset of one organisation: where the API serves it and its latest dump."""

    organisation: Organisation
    dataset: contributions.OpenDataset
    api_url: str
    dump: Dump | None
    dump_url: str

    @property
    def anchor(self) -> str:
        """The row's id: the landing page the catalogue gives the dataset
        (``catalogue.Entry.anchor``)."""
        return f"{self.organisation.slug}-{self.dataset.key.replace('.', '-')}"


@dataclass(frozen=True)
class OrganisationEntry:
    organisation: Organisation
    licence: str
    licence_uri: str
    datasets: list[DatasetEntry]


def _licence(organisation: Organisation) -> str:
    try:
        row: OrganisationSettings | None = organisation.settings
    except OrganisationSettings.DoesNotExist:
        row = None
    value = row.open_data_licence if row is not None else OpenDataLicence.CC_BY
    return value if value in LICENCE_URIS else OpenDataLicence.CC_BY


# Up to this many organisations, the open-data page shows each one's datasets; with more (a
# national installation's 311 would make a page of 4,000 rows and 1.6 MB) it lists them, each
# with its licence and a link to its own page (``opendata:organisation``).
INLINE_ORGANISATIONS = 12


def _listed_organisations(request: HttpRequest) -> list[Organisation]:
    """Every organisation, regions first; on an organisation's own host that organisation
    alone, unless the query asks for every one (``?organisation=``)."""
    listed = Organisation.objects.select_related("settings")
    scope = list_scope(request)
    if scope is not None:
        listed = listed.filter(pk=scope.pk)
    return sorted(listed, key=lambda o: (o.kind != Organisation.Kind.REGION, o.name, o.pk))


def _organisation_entries(
    request: HttpRequest, organisations: list[Organisation], *, with_datasets: bool = True
) -> list[OrganisationEntry]:
    """The organisations with their licences and, ``with_datasets``, their datasets and
    latest dumps (one query for the dumps however many there are)."""
    datasets = contributions.datasets() if with_datasets else []
    dumps: dict[tuple[int, str], Dump] = {}
    if datasets:
        found = Dump.objects.defer("rows", "sha256").order_by("pk")
        if len(organisations) == 1:
            found = found.filter(organisation=organisations[0])
        dumps = {(dump.organisation_id, dump.dataset): dump for dump in found}
    labels = dict(OpenDataLicence.choices)
    entries = []
    for organisation in organisations:
        licence = _licence(organisation)
        rows = []
        for dataset in datasets:
            dump = dumps.get((organisation.pk, dataset.key))
            dump_url = (
                reverse("opendata:dump", args=[organisation.slug, dataset.key]) if dump else ""
            )
            api_url = request.build_absolute_uri(
                f"{dataset.api_path}?organisation={organisation.slug}"
            )
            rows.append(DatasetEntry(organisation, dataset, api_url, dump, dump_url))
        entries.append(
            OrganisationEntry(
                organisation=organisation,
                licence=str(labels[licence]),
                licence_uri=LICENCE_URIS[OpenDataLicence(licence)],
                datasets=rows,
            )
        )
    return entries


def _site_root(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def index(request: HttpRequest) -> HttpResponse:
    """What is published as open data, under which licence, and how to fetch it."""
    organisations = _listed_organisations(request)
    inline = len(organisations) <= INLINE_ORGANISATIONS
    entries = _organisation_entries(request, organisations, with_datasets=inline)
    amount, period = settings.DELAKTIG_RATE_LIMITS["api_read"]
    root = _site_root(request)
    slug = entries[0].organisation.slug if entries else "kortnamn"
    return render(
        request,
        "opendata/index.html",
        {
            "datasets": contributions.datasets(),
            "organisations": entries,
            "inline": inline,
            "example_url": root + EXAMPLE_PATH + slug,
            "openapi_url": root + OPENAPI_PATH,
            "well_known_url": request.build_absolute_uri(reverse("opendata:catalogue_well_known")),
            "rate_amount": amount,
            "rate_seconds": period,
            "default_limit": DEFAULT_LIMIT,
            "max_limit": MAX_LIMIT,
        },
    )


def organisation_page(request: HttpRequest, slug: str) -> HttpResponse:
    """One organisation's datasets, licence and downloads: the landing page the catalogue
    gives each of its datasets."""
    organisation = get_object_or_404(Organisation.objects.select_related("settings"), slug=slug)
    (entry,) = _organisation_entries(request, [organisation])
    return render(request, "opendata/organisation.html", {"entry": entry})


# --- The API documentation page -----------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """A parameter of an operation or a field of a schema, with its type and limits."""

    name: str
    type: str
    # The anchor of the object type the row holds (``schema-<Name>``), or "".
    type_anchor: str
    required: bool
    description: SafeString
    default: str
    minimum: str
    maximum: str
    max_length: str
    choices: tuple[str, ...]
    where: str = ""  # "query" or "path" for a parameter


@dataclass(frozen=True)
class ErrorRow:
    status: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Operation:
    id: str
    method: str
    path: str
    summary: str
    description: SafeString
    parameters: tuple[Row, ...]
    # The name of the response's type; for a list, the type of one item.
    response: str
    response_anchor: str
    paged: bool
    # The response type's fields, shown with the first operation that returns the type (the
    # type's anchor is then on that table); later ones link to it.
    fields: tuple[Row, ...]
    errors: tuple[ErrorRow, ...]
    # The address part of the curl example (after the site's root).
    example: str


@dataclass(frozen=True)
class Section:
    tag: str
    anchor: str
    path: str
    operations: tuple[Operation, ...]


@dataclass(frozen=True)
class SchemaEntry:
    name: str
    anchor: str
    description: SafeString
    fields: tuple[Row, ...]


@dataclass(frozen=True)
class Reference:
    version: str
    description: SafeString
    sections: tuple[Section, ...]
    schemas: tuple[SchemaEntry, ...]
    operation_count: int


def _anchor(prefix: str, name: str) -> str:
    return f"{prefix}-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


class _Reader:
    """Reads types out of the OpenAPI document's schemas."""

    def __init__(self, components: dict[str, Any]) -> None:
        self.components = components
        # The object types rows link to, for the list of types at the end of the page.
        self.linked: dict[str, None] = {}

    def resolve(self, schema: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The name and body of a ``$ref`` (or of a single ``allOf``), else ("", schema)."""
        if "$ref" in schema:
            name = _ref_name(schema["$ref"])
            return name, self.components.get(name, {})
        all_of = schema.get("allOf")
        if isinstance(all_of, list) and len(all_of) == 1:
            return self.resolve(all_of[0])
        return "", schema

    def _variants(self, schema: dict[str, Any]) -> tuple[list[dict[str, Any]], bool]:
        variants = schema.get("anyOf") or schema.get("oneOf")
        if not isinstance(variants, list):
            return [schema], False
        kept = [v for v in variants if v.get("type") != "null"]
        return kept or [schema], len(kept) < len(variants)

    def type_of(self, schema: dict[str, Any]) -> tuple[str, str, tuple[str, ...]]:
        """(the type as text, the anchor of an object type in it, an enum's values)."""
        variants, nullable = self._variants(schema)
        texts: list[str] = []
        anchor = ""
        choices: tuple[str, ...] = ()
        for variant in variants:
            text, variant_anchor, variant_choices = self._one_type(variant)
            texts.append(text)
            anchor = anchor or variant_anchor
            choices = choices or variant_choices
        if nullable:
            texts.append("null")
        return " | ".join(texts), anchor, choices

    def _one_type(self, schema: dict[str, Any]) -> tuple[str, str, tuple[str, ...]]:
        name, body = self.resolve(schema)
        if name and "enum" not in body:
            if "properties" in body:
                self.linked.setdefault(name, None)
                return name, _anchor("schema", name), ()
            return self._one_type(body) if body else (name, "", ())
        body = body if name else schema
        if "enum" in body:
            return str(body.get("type", "string")), "", tuple(str(v) for v in body["enum"])
        kind = body.get("type")
        if kind == "array":
            inner, anchor, choices = self.type_of(body.get("items", {}))
            return f"array[{inner}]", anchor, choices
        if isinstance(kind, list):
            return " | ".join(str(k) for k in kind), "", ()
        if kind is None:
            return "any", "", ()
        text = str(kind)
        if "format" in body:
            text += f" ({body['format']})"
        return text, "", ()

    def row(self, name: str, schema: dict[str, Any], required: bool, where: str = "") -> Row:
        text, anchor, choices = self.type_of(schema)
        variants, _nullable = self._variants(schema)
        limits: dict[str, Any] = {}
        for part in (*variants, schema):
            limits.update({k: v for k, v in part.items() if k not in limits})
        default = limits.get("default")
        return Row(
            name=name,
            type=text,
            type_anchor=anchor,
            required=required,
            description=_inline(limits.get("description", "")),
            default="" if default is None else _json_value(default),
            minimum=_text(limits.get("minimum")),
            maximum=_text(limits.get("maximum")),
            max_length=_text(limits.get("maxLength")),
            choices=choices,
            where=where,
        )

    def fields(self, body: dict[str, Any]) -> tuple[Row, ...]:
        required = set(body.get("required", ()))
        return tuple(
            self.row(name, prop, name in required)
            for name, prop in body.get("properties", {}).items()
        )


def _markdown(text: Any) -> SafeString:
    # The descriptions are the code's own (docstrings and Field descriptions), sanitised anyway.
    return mark_safe(render_markdown(str(text or "")))  # noqa: S308


def _inline(text: Any) -> SafeString:
    """A one-line description, escaped, with its `code` spans shown as code."""
    escaped = str(escape(str(text or "")))
    return mark_safe(re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped))  # noqa: S308


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _json_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _responses(operation: dict[str, Any]) -> dict[str, Any]:
    # The schema ninja builds keys the statuses with numbers; its JSON, with strings.
    return {str(status): body for status, body in operation.get("responses", {}).items()}


def _errors(operation: dict[str, Any], parameters: tuple[Row, ...]) -> tuple[ErrorRow, ...]:
    names = {row.name for row in parameters}
    codes_by_status: dict[str, tuple[str, ...]] = {
        "400": (
            "api.invalid_parameter",
            *(("api.bad_cursor",) if "cursor" in names else ()),
            *(("api.unknown_organisation",) if "organisation" in names else ()),
        ),
        "404": ("not_found",),
        "429": ("api.rate_limited",),
    }
    return tuple(
        ErrorRow(status, codes_by_status.get(status, ()))
        for status in _responses(operation)
        if not status.startswith(("2", "3"))
    )


def _example(path: str, parameters: tuple[Row, ...]) -> str:
    address = re.sub(r"\{([^}]+)\}", r"<\1>", path)
    query = [
        f"{row.name}=<{row.name}>"
        for row in parameters
        if row.where == "query" and (row.required or row.name == "organisation")
    ]
    return address + ("?" + "&".join(query) if query else "")


def _parameter(reader: _Reader, parameter: dict[str, Any]) -> Row:
    schema = dict(parameter.get("schema", {}))
    if "description" in parameter:
        schema["description"] = parameter["description"]
    where = str(parameter.get("in", ""))
    return reader.row(str(parameter["name"]), schema, bool(parameter.get("required")), where)


def _operation(reader: _Reader, path: str, method: str, operation: dict[str, Any]) -> Operation:
    parameters = tuple(_parameter(reader, p) for p in operation.get("parameters", ()))
    content = _responses(operation).get("200", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    name, body = reader.resolve(schema)
    props = body.get("properties", {})
    paged = {"items", "next", "next_cursor"} <= set(props)
    if paged:
        name, body = reader.resolve(props["items"].get("items", {}))
    if name and "properties" in body:
        reader.linked.setdefault(name, None)
    return Operation(
        id=str(operation.get("operationId", "")),
        method=method.upper(),
        path=path,
        summary=str(operation.get("summary", "")),
        description=_markdown(operation.get("description", "")),
        parameters=parameters,
        response=name or reader.type_of(schema)[0],
        response_anchor=_anchor("schema", name) if name and "properties" in body else "",
        paged=paged,
        fields=reader.fields(body),
        errors=_errors(operation, parameters),
        example=_example(path, parameters),
    )


def _schemas(reader: _Reader, shown: set[str]) -> tuple[SchemaEntry, ...]:
    """Every object type a response holds that no operation shows (nested ones), each once."""
    entries: dict[str, SchemaEntry] = {}
    while pending := [name for name in reader.linked if name not in entries]:
        for name in pending:
            body = reader.components.get(name, {})
            entries[name] = SchemaEntry(
                name=name,
                anchor=_anchor("schema", name),
                description=_inline(body.get("description", "")),
                fields=reader.fields(body),
            )
    return tuple(entries[name] for name in sorted(entries) if name not in shown)


@cache
def reference() -> Reference:
    """The API reference read from the OpenAPI document, once per process."""
    schema = api.openapi_schema()
    reader = _Reader(schema.get("components", {}).get("schemas", {}))
    by_tag: dict[str, list[Operation]] = {}
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            if method.lower() not in ("get", "head", "post", "put", "patch", "delete"):
                continue
            tag = (operation.get("tags") or ["api"])[0]
            by_tag.setdefault(tag, []).append(_operation(reader, path, method, operation))
    shown: set[str] = set()
    for operations in by_tag.values():
        for index, operation in enumerate(operations):
            if operation.response_anchor and operation.response in shown:
                operations[index] = replace(operation, fields=())
            elif operation.response_anchor and operation.fields:
                shown.add(operation.response)
    sections = tuple(
        Section(
            tag=tag,
            anchor=_anchor("tag", tag),
            path=f"{API_ROOT}{tag}/",
            operations=tuple(operations),
        )
        for tag, operations in by_tag.items()
    )
    info = schema.get("info", {})
    return Reference(
        version=str(info.get("version", api.VERSION)),
        description=_markdown(info.get("description", "")),
        sections=sections,
        schemas=_schemas(reader, shown),
        operation_count=sum(len(section.operations) for section in sections),
    )


def api_docs(request: HttpRequest) -> HttpResponse:
    """The API's reference, generated from its OpenAPI document; no JavaScript."""
    amount, period = settings.DELAKTIG_RATE_LIMITS["api_read"]
    root = _site_root(request)
    return render(
        request,
        "opendata/api_docs.html",
        {
            "reference": reference(),
            "root": root,
            "api_root": root + API_ROOT,
            "openapi_url": root + OPENAPI_PATH,
            "rate_amount": amount,
            "rate_seconds": period,
            "default_limit": DEFAULT_LIMIT,
            "max_limit": MAX_LIMIT,
            "max_age": api.MAX_AGE,
        },
    )
