"""The OpenAPI document describes every type once: django-ninja names a component by its
class name alone, so two classes of the same name (an app's ``GroupOut`` and another's, or two
models' ``Code`` enums) would silently share one description and one of them be documented
wrongly (and fail schemathesis' checks only where generated data happened to differ)."""

import enum
import typing
from collections import defaultdict
from typing import Any, get_args

from pydantic import BaseModel

from delaktig.core import contributions
from delaktig.opendata.api import build, openapi_schema
from delaktig.participation.api import PerspectiveCode, TargetGroupCode
from delaktig.participation.models import Perspective, TargetGroup


def _classes() -> dict[str, set[str]]:
    build()
    names: dict[str, set[str]] = defaultdict(set)
    visited: set[int] = set()

    def walk(annotation: Any) -> None:
        if typing.get_origin(annotation) is not None:
            for argument in get_args(annotation):
                walk(argument)
            return
        if not isinstance(annotation, type) or id(annotation) in visited:
            return
        visited.add(id(annotation))
        if issubclass(annotation, enum.Enum | BaseModel):
            names[annotation.__name__].add(f"{annotation.__module__}.{annotation.__qualname__}")
        if issubclass(annotation, BaseModel):
            for field in annotation.model_fields.values():
                walk(field.annotation)

    for contributed in contributions.api_routers():
        for path_view in contributed.router().path_operations.values():
            for operation in path_view.operations:
                for model in (*operation.response_models.values(), *operation.models):
                    walk(model)
    return names


def test_no_two_types_of_the_api_share_a_name() -> None:
    clashes = {name: where for name, where in _classes().items() if len(where) > 1}
    assert clashes == {}


def test_every_operation_has_a_unique_id_and_a_summary() -> None:
    ids = []
    for path, item in openapi_schema()["paths"].items():
        for method, operation in item.items():
            assert method == "get", path
            assert operation.get("summary"), path
            ids.append(operation["operationId"])
    assert len(ids) == len(set(ids))


def test_the_process_filters_take_exactly_the_models_codes() -> None:
    assert set(get_args(PerspectiveCode)) == set(Perspective.Code.values)
    assert set(get_args(TargetGroupCode)) == set(TargetGroup.Code.values)
