"""The open-data API keeps its OpenAPI contract (issue 21): schemathesis, in the suite.

Every operation in /api/v1/openapi.json is called through the project's WSGI application with
inputs generated from the schema (valid ones, and invalid ones that must be refused with a
documented 4xx), over the demo region's data (tests/api_factories.py), and each response is
checked: no server error, a documented status code and content type, a body that matches the
documented schema, documented headers. Deterministic (``derandomize``), bounded per operation.

A self-test runs the same checks over a deliberately broken API (one endpoint that fails, one
that answers outside its schema) and requires both to be caught.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpRequest
from django.test import override_settings
from django.urls import path
from hypothesis import HealthCheck, Phase
from ninja import NinjaAPI, Router, Schema
from schemathesis.specs.openapi import checks as openapi_checks

from delaktig.core.api import ErrorOut
from tests.api_factories import MOMENT, api_data_set

pytestmark = pytest.mark.django_db

EXAMPLES = 25  # per operation and mode
CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.response_headers_conformance,
]
# Invalid input (negative mode) must be answered with a documented status and body too. Not
# checked: that every invalid input is refused (``negative_data_rejection``): pydantic reads a
# number as a date (a Unix time), which is lenient, not a broken response.
UNLIMITED = {"api_read": (10**9, 60)}


@pytest.fixture
def wsgi() -> Iterator[Any]:
    """The project's WSGI application, run inside the test's transaction: like Django's test
    client, it must not close the connection at the start and end of each request. The
    handler itself, not ``get_wsgi_application()``: that runs ``django.setup()`` again, whose
    logging configuration adds the log filters a second time to every logger."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def contract_failures(app: Any, schema_path: str = "/api/v1/openapi.json") -> dict[str, str]:
    """Run every operation of the schema at ``schema_path``; the failures by operation."""
    schema = schemathesis.openapi.from_wsgi(schema_path, app)
    failures: dict[str, str] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the schema has no operations"
    for operation in operations:
        for mode, checks in (
            (schemathesis.GenerationMode.POSITIVE, CHECKS),
            (schemathesis.GenerationMode.NEGATIVE, CHECKS),
        ):
            run = _runner(operation.as_strategy(generation_mode=mode), checks)
            try:
                run()
            except hypothesis.errors.Unsatisfiable:
                continue  # nothing to negate (a plain string path parameter): no invalid input
            except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - reported per operation
                failures[f"{operation.label} ({mode.value})"] = str(error)[:3000]
    return failures


def _runner(strategy: Any, checks: list[Any]) -> Callable[[], None]:
    @hypothesis.settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @hypothesis.given(case=strategy)
    def run(case: schemathesis.Case[Any]) -> None:
        response = case.call()
        case.validate_response(response, checks=checks)

    return run


def test_every_operation_keeps_its_contract(wsgi: Any, time_machine: Any) -> None:
    time_machine.move_to(MOMENT)
    api_data_set()
    with override_settings(DELAKTIG_RATE_LIMITS=_limits()):
        failures = contract_failures(wsgi)
    assert not failures, "\n\n".join(f"{name}:\n{text}" for name, text in failures.items())


def _limits() -> dict[str, tuple[int, int]]:
    from django.conf import settings

    return {**settings.DELAKTIG_RATE_LIMITS, **UNLIMITED}


# --- The self-test: a broken API must be caught -------------------------------------------------


class ThingOut(Schema):
    id: int
    name: str


broken = Router()


@broken.get(
    "/fails",
    response={200: list[ThingOut], 400: ErrorOut},
    summary="Fails",
    operation_id="broken_fails",
)
def broken_fails(request: HttpRequest, n: int = 1) -> list[dict[str, Any]]:
    if n > 3:
        raise RuntimeError("a bug")
    return [{"id": n, "name": "ok"}]


@broken.get("/outside", response={200: ThingOut}, summary="Outside", operation_id="broken_outside")
def broken_outside(request: HttpRequest) -> Any:
    from django.http import JsonResponse

    return JsonResponse({"id": "not a number"})


broken_api = NinjaAPI(urls_namespace="h8_broken_api", docs_url=None)
broken_api.add_router("/broken", broken)
urlpatterns = [path("api/broken/", broken_api.urls)]


def test_a_server_error_or_a_body_outside_the_schema_fails_the_contract(wsgi: Any) -> None:
    with override_settings(ROOT_URLCONF=__name__, DEBUG_PROPAGATE_EXCEPTIONS=False):
        failures = contract_failures(wsgi, "/api/broken/openapi.json")
    assert any("broken/fails" in name and "Server error" in text for name, text in failures.items())
    assert any("broken/outside" in name and "ST108" in text for name, text in failures.items())
