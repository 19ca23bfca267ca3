"""No endpoint of the open-data API exposes personal data (issue 21).

Two layers:

- static: no response schema of any operation in the OpenAPI document has a property that
  by its name holds personal data (e-mail, phone, personnummer, hashes, birth dates, IP
  addresses, user names), nor a user id or a nested user under the name of a field that
  points at a person (``author``, ``asker``, ``created_by`` …);
- dynamic: over the demo region with every person-identifying value a sentinel
  (tests/api_factories.py), every list (all pages) and every detail of the items listed is
  fetched, and no body contains a sentinel, a user id, or anything not public. The names the
  apps declare they publish (``ApiRouter.published_names``) carry an allowed token instead.

Self-tests run both layers over a deliberately leaky API and require them to catch it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.test import Client, override_settings
from django.urls import path
from ninja import NinjaAPI, Query, Router, Schema

from delaktig.core.api import Page, PageParams, paginate
from tests.api_factories import (
    MOMENT,
    NOT_PUBLIC,
    PERSONAL,
    PERSONAL_BIRTH_DATE,
    PERSONAL_DOMAIN,
    PERSONAL_PHONE,
    PUBLISHED,
    USER_ID_PATTERN,
    Walk,
    api_data_set,
    list_paths,
    openapi,
    personal_fields,
    personalise,
    published_names,
    walk,
)

pytestmark = pytest.mark.django_db

PERSONAL_PROPERTY = re.compile(
    r"(^|_)(e?mail|email_address|phone|telephone|mobile|personnummer|identity_number|hash"
    r"|identity_hash|birth|birth_date|birth_year|birthday|ip|ip_address|password|username"
    r"|first_name|last_name|user|user_id|users)$"
)
# Properties allowed although their name matches, each with the reason.
ALLOWED_PROPERTIES = {
    ("OrganisationOut", "contact_email"): "the organisation's own address, on its pages",
}


def user_pointer_names() -> set[str]:
    """The names of every field that points at a user (author, asker, created_by …)."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    names = set()
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            if (
                isinstance(model_field, (models.ForeignKey, models.OneToOneField))
                and model_field.related_model is user_model
            ):
                names.update({model_field.name, model_field.attname})
            if isinstance(model_field, models.ManyToManyField) and (
                model_field.related_model is user_model
            ):
                names.add(model_field.name)
    return names


def _properties(
    schema: dict[str, Any], node: Any, where: str, seen: set[str]
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(schema name, property, property schema) of every object reachable from ``node``."""
    if isinstance(node, list):
        for item in node:
            yield from _properties(schema, item, where, seen)
        return
    if not isinstance(node, dict):
        return
    reference = node.get("$ref")
    if isinstance(reference, str):
        name = reference.rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            yield from _properties(schema, schema["components"]["schemas"][name], name, seen)
        return
    for name, value in (node.get("properties") or {}).items():
        yield where, name, value
        yield from _properties(schema, value, where, seen)
    for key in ("items", "anyOf", "oneOf", "allOf", "additionalProperties", "prefixItems"):
        if key in node:
            yield from _properties(schema, node[key], where, seen)


def _is_text(node: dict[str, Any]) -> bool:
    options = node.get("anyOf") or [node]
    return all(option.get("type") in ("string", "null") for option in options)


def static_findings(schema: dict[str, Any]) -> list[str]:
    pointers = user_pointer_names()
    findings = []
    for url, item in schema["paths"].items():
        operation = item.get("get")
        if operation is None:
            continue
        for status, response in operation.get("responses", {}).items():
            if not str(status).startswith("2"):
                continue
            body = response.get("content", {}).get("application/json", {}).get("schema", {})
            for where, name, node in _properties(schema, body, "(inline)", set()):
                if (where, name) in ALLOWED_PROPERTIES:
                    continue
                if PERSONAL_PROPERTY.search(name.lower()):
                    findings.append(f"{url}: {where}.{name} looks like personal data")
                elif name in pointers and not _is_text(node):
                    findings.append(f"{url}: {where}.{name} is a user id or a user")
    return sorted(set(findings))


def dynamic_findings(result: Walk) -> list[str]:
    sentinels = [
        PERSONAL.lower(),
        f"@{PERSONAL_DOMAIN}",
        PERSONAL_PHONE,
        PERSONAL_BIRTH_DATE.isoformat(),
        "192.0.2.77",
        NOT_PUBLIC.lower(),
    ]
    findings = []
    for url, body in result.bodies.items():
        lowered = body.lower()
        for sentinel in sentinels:
            if sentinel.lower() in lowered:
                at = lowered.index(sentinel.lower())
                findings.append(f"{url}: {sentinel!r} in …{body[max(0, at - 80) : at + 60]}…")
        for match in USER_ID_PATTERN.finditer(body):
            at = match.start()
            findings.append(f"{url}: a user id in …{body[max(0, at - 80) : at + 20]}…")
    return findings


def test_no_response_schema_has_a_personal_property() -> None:
    findings = static_findings(openapi())
    assert not findings, "\n".join(findings)


def test_published_names_are_name_fields_of_real_models() -> None:
    for pointer in published_names():
        app_label, model_name, field_name = pointer.split(".")
        model_field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
        assert isinstance(model_field, models.CharField), pointer
        assert not isinstance(model_field, models.EmailField), pointer


def test_no_endpoint_shows_personal_data_or_anything_not_public(time_machine: Any) -> None:
    time_machine.move_to(MOMENT)
    data = api_data_set()
    changed = personalise(data.published)
    # The data set has people of every kind the sentinels are meant for.
    for key in (
        "accounts.User.email",
        "accounts.User.display_name",
        "proposals.Proposal.author_name",
        "meetings.Question.asker_name",
        "identity.Verification.identity_hash",
        "councils.Membership.name",
    ):
        assert changed.get(key), f"nothing personalised in {key}"
    client = Client()
    with override_settings(
        DELAKTIG_RATE_LIMITS={**settings.DELAKTIG_RATE_LIMITS, "api_read": (10**9, 60)}
    ):
        result = walk(client, openapi())
    failed = {url: status for url, status in result.statuses.items() if status != 200}
    assert not failed, failed
    findings = dynamic_findings(result)
    assert not findings, "\n".join(findings[:40])
    # Each list has public items, so that the check above has something to look at.
    empty = [path for path in list_paths(openapi()) if not result.items.get(path)]
    assert not empty, f"lists without items in the data set: {empty}"
    assert any(PUBLISHED in body for body in result.bodies.values()) or not data.published


def test_personal_fields_include_the_obvious_ones() -> None:
    fields = personal_fields()
    for key in (
        "accounts.User.email",
        "accounts.User.first_name",
        "accounts.User.display_name",
        "identity.Verification.identity_hash",
        "identity.Verification.birth_date",
        "consultations.Invitation.contact_email",
        "proposals.Proposal.author_name",
    ):
        assert key in fields, key
    assert "organisations.OrganisationSettings.contact_email" not in fields
    assert "organisations.Organisation.name" not in fields


# --- The self-test: a leaky API must be caught ----------------------------------------------------


class LeakyUserOut(Schema):
    id: int
    display_name: str
    email: str


class LeakyProposalOut(Schema):
    id: int
    title: str
    author: int
    author_name: str

    @staticmethod
    def resolve_author(obj: Any) -> int:
        return int(obj.author_id)


leaky = Router()


@leaky.get("/people/", response=Page[LeakyUserOut], operation_id="leaky_people")
def leaky_people(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    return paginate(request, apps.get_model(settings.AUTH_USER_MODEL).objects.all(), page)


@leaky.get("/proposals/", response=Page[LeakyProposalOut], operation_id="leaky_proposals")
def leaky_proposals(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    from delaktig.proposals.models import Proposal

    return paginate(request, Proposal.objects.all(), page)


leaky_api = NinjaAPI(urls_namespace="h8_leaky_api", docs_url=None)
leaky_api.add_router("/leaky", leaky)
urlpatterns = [path("api/leaky/", leaky_api.urls)]


def test_the_checks_catch_a_leaky_api(time_machine: Any) -> None:
    schema = dict(leaky_api.get_openapi_schema(path_prefix="/api/leaky/"))
    findings = static_findings(schema)
    assert any("LeakyUserOut.email" in finding for finding in findings), findings
    assert any("LeakyProposalOut.author is a user id" in finding for finding in findings)
    time_machine.move_to(MOMENT)
    data = api_data_set()
    personalise(data.published)
    with override_settings(ROOT_URLCONF=__name__):
        result = walk(Client(), schema)
    findings = dynamic_findings(result)
    assert any(f"@{PERSONAL_DOMAIN}" in finding for finding in findings)
    assert any("a user id" in finding for finding in findings)
    assert any(NOT_PUBLIC.lower() in finding for finding in findings)
